//! The chain's modules. Each keeps its state in its own substore and reaches another module only
//! through a narrow trait it declares; `registry` is where the registries' traits meet.

pub mod attribution;
pub mod auth;
pub mod bank;
pub mod datasets;
pub mod licenses;
pub mod models;
pub mod registry;
pub mod util;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
