//! What models need from other modules; `crate::keepers` implements it.

pub use super::msgs::{Datasets, Licensing};
pub use super::query::Registries;

/// Everything models' messages need.
pub trait Deps: Licensing + Datasets {}
impl<T: Licensing + Datasets> Deps for T {}
