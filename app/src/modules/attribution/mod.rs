//! attribution: inference operators, usage reports, and the settlement of every paid use to the
//! data contributors, the version's contributors and its ancestors (DESIGN.md, "Settlement of one
//! paid use").
//!
//! State (substore `attribution`):
//! - `0x00` → `Params`
//! - `0x01 | version id | len | operator` → `Operator`
//! - `0x02 | len | operator | batch id` → report id (a batch is reported once)
//! - `0x03 | len | operator | request id` → () (a request is paid once)
//! - `0x04` → last report id; `0x05 | id` → `Report`; `0x06 | len | operator | report id` → ()
//! - `0x07 | contribution id` → `ContributionCounters`; `0x08 | version id` → `VersionCounters`
//! - `0x09 | len | address` → `AddressRewards`
//! - `0x0a | len | address | contribution id` → (); `0x0b | len | address | version id` → ()
//! - `0x0c` → last challenge id; `0x0d | id` → `Challenge`; `0x0e | report id` → open challenges
//! - `0x0f | len | payee | report id` → `RewardCredit` (unclaimed)
//! - `0x10` → council epoch; `0x11 | sha256(members, threshold)` → `CouncilProposal`
//!
//! Messages: MsgRegisterOperator, MsgUnbondOperator, MsgReportUsage, MsgClaimRewards,
//! MsgChallengeUsage, MsgResolveChallenge, MsgWithdrawChallenge, MsgUpdateCouncil.
//!
//! Vesting: a report credits each payee a `RewardCredit`; it becomes claimable once the report's
//! challenge window has closed with no challenge open on it. An operator's bond stays until
//! every report of its is past its window and undisputed, so a slash always finds it.
//!
//! Disputes: anyone but the report's operator may challenge a report within
//! `challenge_window_blocks`, bonding at least `min_challenge_bond`, claiming a fabricated use, a
//! wrong attribution or an unlicensed use; up to `max_open_challenges_per_report` at once, each
//! with its own bond. `council_threshold` votes of the council decide one (a member may not vote
//! on a challenge they filed or on their own report). Upheld: the challenger's bond comes back;
//! the first upheld challenge of a report also takes the operator's whole bond and reverses the
//! report: exactly its credits go back to the grants' escrow pro rata to what each paid; a
//! report is reversed once. Rejected: the challenger's bond is burned. Undecided after
//! `challenge_timeout_blocks`: the challenger may withdraw it with the bond.
//!
//! Proofs of a wrong weight (MsgProveWrongWeight) need no judge: the chain recomputes a
//! receipt's weight of one contribution from the output text and the contribution's bytes
//! (`openledger_attribution`); if it differs, the report is reversed as by an upheld challenge,
//! with the operator's bond to the prover.
//! Events: `operator_registered`, `operator_unbonding`, `operator_unbonded`, `use_settled`
//! (per settlement: price, fee, and the sum of parts), `rewards_claimed`.
//! Invariants: every settlement's parts sum exactly to its price; the rewards account holds
//! exactly the earned-but-unclaimed rewards; the bonds account holds exactly the bonds.

pub mod challenge;
pub mod council;
pub mod deps;
mod error;
pub mod genesis;
mod keeper;
pub mod msgs;
pub mod proof;
pub mod query;
pub mod settle;
mod state;

pub use error::AttributionError;
pub use keeper::Keeper;
pub use msgs::Msg;

use openledger_proto::attribution::v1::Params;

use openledger_types::Address;

/// The module account holding settled, unclaimed rewards.
pub fn rewards_account() -> Address {
    Address::module("attribution_rewards")
}

/// The module account holding operators' bonds.
pub fn bonds_account() -> Address {
    Address::module("attribution_bonds")
}

pub fn default_params() -> Params {
    Params {
        protocol_fee_bps: 100,
        max_lineage_depth: 8,
        min_operator_bond: "1000000".into(),
        unbonding_blocks: 100,
        max_uses_per_report: 1_000,
        max_weights_per_use: 64,
        max_declared_contributions: 1_000,
        challenge_window_blocks: 100,
        min_challenge_bond: "1000000".into(),
        council: Vec::new(),
        council_threshold: 0,
        max_open_challenges_per_report: 8,
        challenge_timeout_blocks: 1_000,
        attribution_min_span: 4,
        max_proof_output_bytes: 64 << 10,
        // Under CometBFT's default 1 MiB transaction limit, with the output beside it.
        max_proof_contribution_bytes: 512 << 10,
    }
}

/// The most members a council may have: a vote reads the challenge, which lists the voters.
pub const MAX_COUNCIL_MEMBERS: usize = 32;
const MAX_OPEN_CHALLENGES_PER_REPORT: u32 = 64;

/// Params a chain may start with: the rules that keep disputes enforceable.
pub fn validate_params(p: &Params) -> Result<(), AttributionError> {
    let invalid = |why: &str| Err(AttributionError::InvalidParams(why.into()));
    if p.protocol_fee_bps > 10_000 {
        return invalid("protocol_fee_bps is at most 10000");
    }
    if p.max_uses_per_report == 0 || p.max_weights_per_use == 0 {
        return invalid("report limits must be positive");
    }
    state::num(&p.min_operator_bond)?;
    state::num(&p.min_challenge_bond)?;
    if p.challenge_window_blocks == 0 {
        return invalid("challenge_window_blocks must be positive");
    }
    if p.unbonding_blocks < p.challenge_window_blocks {
        return invalid("unbonding_blocks must be at least challenge_window_blocks");
    }
    if p.max_open_challenges_per_report == 0
        || p.max_open_challenges_per_report > MAX_OPEN_CHALLENGES_PER_REPORT
    {
        return invalid("max_open_challenges_per_report must be 1..=64");
    }
    if p.challenge_timeout_blocks == 0 {
        return invalid("challenge_timeout_blocks must be positive");
    }
    if p.attribution_min_span == 0 || p.attribution_min_span > 64 {
        return invalid("attribution_min_span must be 1..=64");
    }
    if p.max_proof_output_bytes == 0 || p.max_proof_contribution_bytes == 0 {
        return invalid("proof size limits must be positive");
    }
    council::validate(&p.council, p.council_threshold)?;
    Ok(())
}
