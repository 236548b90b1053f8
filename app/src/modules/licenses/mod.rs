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
//! Events: `license_created`, `license_attached`, `license_retired`, `license_acquired`,
//! `grant_topped_up`, `grant_released`.
//! Invariants: terms never change; offers are never removed; a grant keeps the terms it was
//! bought under; the escrow module account holds exactly the sum of unreleased grants' escrow.

mod error;
pub mod genesis;
pub mod msgs;
pub mod query;
pub mod rules;
pub mod state;

pub use error::LicensesError;

use crate::modules::auth::Address;

/// The module account holding grants' prepaid per-use fees.
pub fn escrow_account() -> Address {
    Address::module("licenses_escrow")
}

/// licences' side of the narrow interfaces datasets and models declare.
pub struct Keeper;

impl crate::modules::datasets::msgs::Licenses for Keeper {
    fn license_exists(
        &self,
        ctx: &mut crate::context::Ctx,
        id: u64,
    ) -> Result<bool, crate::error::SdkError> {
        Ok(ctx
            .get(state::S, &crate::modules::util::id_key(state::LICENSE, id))?
            .is_some())
    }
}

impl crate::modules::models::msgs::Licensing for Keeper {
    fn license_terms(
        &self,
        ctx: &mut crate::context::Ctx,
        id: u64,
    ) -> Result<Option<openledger_proto::licenses::v1::LicenseTerms>, crate::error::SdkError> {
        let license: Option<openledger_proto::licenses::v1::License> =
            crate::context::Read::read_msg(
                ctx,
                state::S,
                &crate::modules::util::id_key(state::LICENSE, id),
            )?;
        Ok(license.and_then(|l| l.terms))
    }

    fn derivation_terms(
        &self,
        ctx: &mut crate::context::Ctx,
        who: &Address,
        version_id: u64,
    ) -> Result<Result<crate::modules::models::msgs::Derivation, String>, crate::error::Failure>
    {
        let height = ctx.height;
        let decision = rules::may_derive(ctx, who, state::TargetRef::Version(version_id), height)?;
        Ok(match decision.terms {
            Some(terms) if decision.allowed => Ok(crate::modules::models::msgs::Derivation {
                terms,
                license_id: decision.license_id,
                grant_id: decision.grant_id,
            }),
            _ => Err(decision.rule),
        })
    }

    fn offer_on_version(
        &self,
        ctx: &mut crate::context::Ctx,
        owner: &Address,
        version_id: u64,
        license_id: u64,
    ) -> Result<(), crate::error::Failure> {
        Ok(msgs::attach(
            ctx,
            &crate::modules::registry::Registry,
            license_id,
            owner,
            state::TargetRef::Version(version_id),
        )?)
    }
}

impl crate::modules::attribution::msgs::Grants for Keeper {
    fn charge(
        &self,
        ctx: &mut crate::context::Ctx,
        grant_id: u64,
        version_id: u64,
        uses: u64,
        units: u64,
        to: &Address,
    ) -> Result<(openledger_proto::licenses::v1::LicenseTerms, u128), crate::error::Failure> {
        Ok(msgs::charge(ctx, grant_id, version_id, uses, units, to)?)
    }

    fn refund(
        &self,
        ctx: &mut crate::context::Ctx,
        grant_id: u64,
        amount: u128,
        from: &Address,
    ) -> Result<(), crate::error::Failure> {
        Ok(msgs::refund(ctx, grant_id, amount, from)?)
    }
}
