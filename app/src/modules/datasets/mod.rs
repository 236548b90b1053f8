//! datasets ("datanets"): datasets with a curator, a licence and a contribution policy, and the
//! contributions made to them in batches.
//!
//! State (substore `datasets`):
//! - `0x00` → last dataset id; `0x01 | id` → `Dataset`
//! - `0x02` → last contribution id; `0x03 | id` → `Contribution`
//! - `0x04 | dataset id | sha256` → contribution id (one content hash per dataset)
//! - `0x05 | dataset id | contribution id` → () (a dataset's contributions, in order)
//! - `0x06 | len | contributor | contribution id` → () (a contributor's, across datasets)
//!
//! Messages: MsgCreateDataset, MsgContribute, MsgReviewContributions, MsgUpdateCurator.
//! Events: `dataset_created`, `contributed`, `contribution_reviewed`, `curator_updated`.
//! Invariants: contribution ids are dense and each belongs to one dataset; a content hash
//! appears once per dataset (usage counters are kept by attribution); a status only leaves PENDING once, and every change is in history.

pub mod deps;
mod error;
pub mod genesis;
mod keeper;
pub mod msgs;
pub mod query;
mod state;

pub use error::DatasetsError;
pub use keeper::Keeper;
pub use msgs::Msg;

/// Most items one MsgContribute may carry.
pub const MAX_BATCH: usize = 256;
