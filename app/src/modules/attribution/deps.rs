//! What attribution needs from other modules; `crate::keepers` implements it.

pub use super::msgs::Grants;
pub use super::query::LicenseTerms;
pub use super::settle::Ledger;

/// Everything attribution's messages need.
pub trait Deps: Ledger + Grants {}
impl<T: Ledger + Grants> Deps for T {}
