//! What licences need from other modules, as narrow traits (the SDK's `expected_keepers.go`);
//! `crate::keepers` implements them.

use openledger_proto::licenses::v1::LicenseTerms;
use openledger_types::Address;

use super::TargetRef;
use crate::context::Ctx;
use crate::error::SdkError;

pub use crate::modules::Transfers;

/// From the registries (models, datasets): who owns a target, and who is paid its upfront fees.
pub trait Targets {
    /// The model's owner or the dataset's curator; None when the target does not exist.
    fn owner(&self, ctx: &mut Ctx, target: TargetRef) -> Result<Option<Address>, SdkError>;
    /// Payees of the target's fees with shares in basis points summing to 10,000.
    fn payees(&self, ctx: &mut Ctx, target: TargetRef) -> Result<Vec<(Address, u32)>, SdkError>;
    /// The terms each parent of a version was derived under, as fixed on its lineage edges:
    /// what any licence on the version must keep.
    fn parents_terms(
        &self,
        ctx: &mut Ctx,
        version_id: u64,
    ) -> Result<Vec<(u64, LicenseTerms)>, SdkError>;
}

/// Everything licences' messages need: the registries, and bank to move the fees and escrow.
pub trait Deps: Targets + Transfers {}
impl<T: Targets + Transfers> Deps for T {}
