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
//! - `0x0c` → last challenge id; `0x0d | id` → `Challenge`; `0x0e | report id` → open challenge
//!
//! Messages: MsgRegisterOperator, MsgUnbondOperator, MsgReportUsage, MsgClaimRewards,
//! MsgChallengeUsage, MsgResolveChallenge.
//!
//! Disputes: anyone may challenge a report within `challenge_window_blocks`, bonding at least
//! `min_challenge_bond`, claiming a fabricated use, a wrong attribution or an unlicensed use.
//! The `authority` (a placeholder for governance) rules. Upheld: the operator's whole bond goes
//! to the challenger, who gets their bond back; the operator is unbonded; the report's rewards
//! still unclaimed are reversed and returned to the grants' escrow pro rata to what each paid.
//! Rejected: the challenger's bond is burned. One open challenge per report.
//! Events: `operator_registered`, `operator_unbonding`, `operator_unbonded`, `use_settled`
//! (per settlement: price, fee, and the sum of parts), `rewards_claimed`.
//! Invariants: every settlement's parts sum exactly to its price; the rewards account holds
//! exactly the earned-but-unclaimed rewards; the bonds account holds exactly the bonds.

pub mod challenge;
pub mod deps;
mod error;
pub mod genesis;
mod keeper;
pub mod msgs;
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
        unbonding_blocks: 10,
        max_uses_per_report: 1_000,
        max_weights_per_use: 64,
        max_declared_contributions: 1_000,
        challenge_window_blocks: 100,
        min_challenge_bond: "1000000".into(),
        authority: String::new(),
    }
}
