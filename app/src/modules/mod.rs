//! The chain's modules. Each keeps its state in its own substore and reaches another module only
//! through a narrow trait it declares.

pub mod auth;
pub mod bank;
