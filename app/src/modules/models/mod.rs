//! models: models with an owner and append-only versions, and the lineage DAG between versions.
//!
//! State (substore `models`):
//! - `0x00` → last model id; `0x01 | id` → `Model`
//! - `0x02` → last version id; `0x03 | id` → `ModelVersion`
//! - `0x04 | len | owner | model id` → () (models by owner)
//! - `0x05 | parent version id | child version id` → () (descendants)
//!
//! Messages: MsgRegisterModel, MsgPublishVersion, MsgTransferModelOwnership.
//! Events: `model_registered`, `version_published`, `model_transferred`.
//! Invariants: a version is never changed; its parents are versions published before it (ids
//! are dense and a parent's id is always lower), so the lineage graph has no cycle by
//! construction; contributor shares of a version sum to 10,000 bps.

pub mod deps;
mod error;
pub mod genesis;
mod keeper;
pub mod msgs;
pub mod query;
mod state;

pub use error::ModelsError;
pub use keeper::Keeper;
pub use msgs::Msg;

/// Most parents (a merge), contributors, dataset uses and licences one version may list.
pub const MAX_PARENTS: usize = 16;
pub const MAX_CONTRIBUTORS: usize = 64;
pub const MAX_DATASET_USES: usize = 64;
pub const MAX_LICENSES: usize = 16;
