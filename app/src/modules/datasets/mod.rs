//! datasets ("datanets"): datasets with a curator, a licence and a contribution policy, and the
//! contributions made to them in batches.
//!
//! State (substore `datasets`):
//! - `0x00` → last dataset id; `0x01 | id` → `Dataset`
//! - `0x02` → last contribution id; `0x03 | id` → `Contribution`
//! - `0x04 | dataset id | len | contributor | sha256` → contribution id (a contributor's live
//!   claim on a content hash: pending or accepted; a rejection deletes it)
//! - `0x05 | dataset id | contribution id` → () (a dataset's contributions, in order)
//! - `0x06 | len | contributor | contribution id` → () (a contributor's, across datasets)
//! - `0x07 | dataset id | sha256` → contribution id (the claim the curator accepted, curated
//!   datasets only)
//!
//! Claims on content (docs/adr/0008): a content hash is unique per (dataset, contributor), not
//! per dataset, so copying a pending MsgContribute's hash from the mempool blocks nobody.
//! - Curated datasets: every claimant's contribution waits for review, and the curator accepts
//!   at most one claim per hash (a second acceptance is refused with ContentAlreadyAccepted).
//!   Rejecting a claim frees its hash for its contributor to contribute again.
//! - Open datasets have no arbiter: every claim is recorded and accepted at once, copies
//!   included. Attribution pays the contributions an operator names in its weights, so a copy
//!   earns only if an operator attributes to it; where that matters, use a curated dataset.
//!
//! Messages: MsgCreateDataset, MsgContribute, MsgReviewContributions, MsgUpdateCurator.
//! Events: `dataset_created`, `contributed`, `contribution_reviewed`, `curator_updated`.
//! Invariants: contribution ids are dense and each belongs to one dataset; a contributor has at
//! most one live claim per content hash and dataset, and a curated dataset at most one accepted
//! contribution per content hash (usage counters are kept by attribution); a status only leaves
//! PENDING once, and every change is in history.

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
