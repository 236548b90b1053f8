//! What datasets needs from other modules; `crate::keepers` implements it.

pub use super::msgs::Licenses;
pub use super::query::UsageCounters;

/// Everything datasets' messages need.
pub trait Deps: Licenses {}
impl<T: Licenses> Deps for T {}
