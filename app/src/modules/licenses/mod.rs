//! licenses: immutable licence terms, offers of licences on model versions and datasets, and
//! grants bought by licensees (upfront fee paid, per-use fees in escrow).
//!
//! State (substore `licenses`):
//! - `0x00` → last licence id; `0x01 | id` → `License`
//! - `0x02 | target kind | target id | licence id` → `Offer`
//! - `0x03` → last grant id; `0x04 | id` → `Grant`
//! - `0x05 | len | licensee | grant id` → () ; `0x06 | target kind | target id | grant id` → ()
//!
//! Messages: MsgCreateLicense, MsgAttachLicense, MsgRetireLicense, MsgAcquireLicense,
//! MsgTopUpGrant, MsgReleaseGrant.
//! Events (typed, `openledger.licenses.v1.Event…`): `EventLicenseCreated`,
//! `EventLicenseAttached`, `EventLicenseRetired`, `EventLicenseAcquired`, `EventGrantToppedUp`,
//! `EventGrantReleased`.
//! Others reach licences through `Keeper` (keeper.rs); licences reach the registries and bank
//! through the traits in deps.rs.
//! Invariants: terms never change; offers are never removed; a grant keeps the terms it was
//! bought under; the escrow module account holds exactly the sum of unreleased grants' escrow.

pub mod deps;
mod error;
pub mod genesis;
mod keeper;
pub mod msgs;
pub mod query;
mod rules;
mod state;
mod target;

pub use error::LicensesError;
pub use keeper::Keeper;
pub use msgs::Msg;
pub use rules::{Decision, Inheritance};
pub use target::TargetRef;

use openledger_types::Address;

/// The module account holding grants' prepaid per-use fees.
pub fn escrow_account() -> Address {
    Address::module("licenses_escrow")
}
