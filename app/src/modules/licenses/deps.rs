//! What licences need from other modules; `crate::keepers` implements it.

pub use super::msgs::Targets;

/// Everything licences' messages need.
pub trait Deps: Targets {}
impl<T: Targets> Deps for T {}
