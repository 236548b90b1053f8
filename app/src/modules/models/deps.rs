//! What models need from other modules; `crate::keepers` implements it.

use openledger_proto::datasets::v1::Dataset;
use openledger_proto::licenses::v1::{License, LicenseTerms};
use openledger_types::Address;

use super::ModelsError;
use crate::context::{Ctx, Read};
use crate::error::{Failure, SdkError};

/// What models need from licences.
pub trait Licensing {
    fn license_terms(&self, ctx: &mut Ctx, id: u64) -> Result<Option<LicenseTerms>, SdkError>;
    /// The terms under which `who` may derive from a version, or why not.
    fn derivation_terms(
        &self,
        ctx: &mut Ctx,
        who: &Address,
        version_id: u64,
    ) -> Result<Derivation, DerivationRefused>;
    /// Refuses a licence that breaks what the parents' terms demand (licences' one rule of
    /// inheritance, also applied when a licence is attached later).
    fn check_inheritance(
        &self,
        license_id: u64,
        terms: &LicenseTerms,
        parents: &[(u64, LicenseTerms)],
    ) -> Result<(), ModelsError>;
    /// Offers a licence on a version just published (its owner was checked by publication).
    fn offer_on_version(
        &self,
        ctx: &mut Ctx,
        version_id: u64,
        license_id: u64,
    ) -> Result<(), Failure>;
}

/// The licence a derivative is published under, on one parent.
#[derive(Debug, Clone)]
pub struct Derivation {
    pub terms: LicenseTerms,
    pub license_id: u64,
    /// 0 when the licence is open.
    pub grant_id: u64,
}

/// Why a derivation is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DerivationRefused {
    /// The licensing rule that forbids it, in words: `ModelsError::DerivativeNotAllowed`.
    Forbidden(String),
    /// The licences could not be read (out of gas, corrupt state): passed through as it is.
    Failed(Failure),
}

impl From<Failure> for DerivationRefused {
    fn from(failure: Failure) -> Self {
        DerivationRefused::Failed(failure)
    }
}

impl From<DerivationRefused> for Failure {
    fn from(refused: DerivationRefused) -> Self {
        match refused {
            DerivationRefused::Forbidden(rule) => ModelsError::DerivativeNotAllowed(rule).into(),
            DerivationRefused::Failed(failure) => failure,
        }
    }
}

/// What models need from datasets.
pub trait Datasets {
    fn dataset_exists(&self, ctx: &mut Ctx, id: u64) -> Result<bool, SdkError>;
    fn contribution_dataset(
        &self,
        ctx: &mut Ctx,
        contribution_id: u64,
    ) -> Result<Option<u64>, SdkError>;
}

/// What lineage queries read of the other registries, read-only.
pub trait Registries {
    fn licenses_of_version<R: Read>(
        &self,
        r: &mut R,
        version_id: u64,
    ) -> Result<Vec<License>, SdkError>;
    fn dataset<R: Read>(&self, r: &mut R, id: u64) -> Result<Option<Dataset>, SdkError>;
}

/// Everything models' messages need.
pub trait Deps: Licensing + Datasets {}
impl<T: Licensing + Datasets> Deps for T {}
