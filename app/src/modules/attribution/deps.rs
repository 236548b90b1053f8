//! What attribution needs from other modules, as narrow traits (the SDK's `expected_keepers.go`);
//! `crate::keepers` implements them.

use openledger_proto::datasets::v1::Contribution;
use openledger_proto::licenses::v1 as lic;
use openledger_proto::models::v1::ModelVersion;
use openledger_types::Address;

use crate::context::{Ctx, Read};
use crate::error::{Failure, SdkError};
pub use crate::modules::Transfers;

/// From models: the versions a settlement walks.
pub trait ModelsView {
    fn version<R: Read>(&self, r: &mut R, id: u64) -> Result<Option<ModelVersion>, SdkError>;
}

/// From datasets: the contributions a settlement pays.
pub trait DatasetsView {
    fn contribution<R: Read>(&self, r: &mut R, id: u64) -> Result<Option<Contribution>, SdkError>;
    /// Accepted contributions of a dataset with ids in [first, last], by id, at most `limit`.
    fn accepted_in<R: Read>(
        &self,
        r: &mut R,
        dataset: u64,
        first: u64,
        last: u64,
        limit: usize,
    ) -> Result<Vec<Contribution>, SdkError>;
}

/// What settlement reads of the registries.
pub trait Ledger: ModelsView + DatasetsView {}
impl<T: ModelsView + DatasetsView> Ledger for T {}

/// From licences: charging a grant for uses of a version, and refunding it.
pub trait Grants {
    /// Takes the price of `uses` uses (`units` priced units) of `version_id` from the grant's
    /// escrow into `to`, through the licensee's authorisation of `operator`; the grant's terms
    /// and the price.
    #[allow(clippy::too_many_arguments)]
    fn charge(
        &self,
        ctx: &mut Ctx,
        operator: &Address,
        grant_id: u64,
        version_id: u64,
        uses: u64,
        units: u64,
        to: &Address,
    ) -> Result<(lic::LicenseTerms, u128), Failure>;
    /// Returns `amount` from `from` to the grant (its escrow, or its licensee once it ended).
    fn refund(
        &self,
        ctx: &mut Ctx,
        grant_id: u64,
        amount: u128,
        from: &Address,
    ) -> Result<(), Failure>;
}

/// From auth and licences: what a licensee's acknowledgement of a batch is checked against.
pub trait Licensees {
    fn chain_id<R: Read>(&self, r: &mut R) -> Result<String, SdkError>;
    /// The compressed secp256k1 key of a grant's licensee; None for an unknown grant or a
    /// licensee that has not signed a transaction yet.
    fn licensee_key<R: Read>(&self, r: &mut R, grant_id: u64) -> Result<Option<Vec<u8>>, SdkError>;
}

/// From licences, for the split preview: a licence's data share.
pub trait LicenseTerms {
    fn data_share_bps<R: Read>(&self, r: &mut R, license_id: u64) -> Result<Option<u32>, SdkError>;
}

/// From bank: the account protocol fees are paid to.
pub trait FeeCollector {
    fn fee_collector(&self) -> Address;
}

/// Everything attribution's messages need.
pub trait Deps: Ledger + Grants + Transfers + FeeCollector + Licensees {}
impl<T: Ledger + Grants + Transfers + FeeCollector + Licensees> Deps for T {}

/// Everything attribution's split preview needs.
pub trait PreviewDeps: Ledger + LicenseTerms + FeeCollector {}
impl<T: Ledger + LicenseTerms + FeeCollector> PreviewDeps for T {}
