//! What other modules may ask of licences: terms, derivation decisions, offers on a version just
//! published, and charging or refunding grants for paid uses.

use openledger_proto::licenses::v1::{
    EventLicenseAttached, License, LicenseTerms, Offer, OperatorAuthorization,
};
use openledger_types::Address;

use super::deps::Transfers;
use super::rules::{self, add_to_escrow, amount, is_live, Decision, Inheritance};
use super::{escrow_account, state, LicensesError, TargetRef};
use crate::context::{typed_event, Ctx, Read};
use crate::error::SdkError;

/// licences' side of the narrow interfaces other modules declare.
pub struct Keeper;

impl Keeper {
    /// The one rule a licence on a derivative must keep of its parents' terms.
    pub fn check_inheritance(
        license_id: u64,
        terms: &LicenseTerms,
        parents: &[(u64, LicenseTerms)],
    ) -> Result<(), Inheritance> {
        rules::check_inheritance(license_id, terms, parents)
    }

    /// The last licence id handed out (0 when none).
    pub fn last_license_id(r: &mut impl Read) -> Result<u64, SdkError> {
        state::last_license_id(r)
    }

    /// The last grant id handed out (0 when none).
    pub fn last_grant_id(r: &mut impl Read) -> Result<u64, SdkError> {
        state::last_grant_id(r)
    }

    pub fn license(r: &mut impl Read, id: u64) -> Result<Option<License>, SdkError> {
        state::license(r, id)
    }

    pub fn license_exists(r: &mut impl Read, id: u64) -> Result<bool, SdkError> {
        Ok(state::license(r, id)?.is_some())
    }

    /// A licence's terms; None when the licence does not exist.
    pub fn license_terms(r: &mut impl Read, id: u64) -> Result<Option<LicenseTerms>, SdkError> {
        Ok(state::license(r, id)?.and_then(|l| l.terms))
    }

    /// The share of revenue a licence gives the data; None when the licence does not exist.
    pub fn data_share_bps(r: &mut impl Read, id: u64) -> Result<Option<u32>, SdkError> {
        Ok(Self::license_terms(r, id)?.map(|t| t.data_share_bps))
    }

    /// May `who` publish a derivative of `target` at `height`? The decision names its rule.
    pub fn may_derive(
        r: &mut impl Read,
        who: &Address,
        target: TargetRef,
        height: u64,
    ) -> Result<Decision, LicensesError> {
        rules::may_derive(r, who, target, height)
    }

    /// Every offer on a target, retired ones included, by licence id.
    pub fn offers_on(r: &mut impl Read, target: TargetRef) -> Result<Vec<Offer>, SdkError> {
        state::offers(r, target)
    }

    /// The licences offered on a model version, by licence id.
    pub fn licenses_of_version(
        r: &mut impl Read,
        version_id: u64,
    ) -> Result<Vec<License>, SdkError> {
        let offers = state::offers(r, TargetRef::Version(version_id))?;
        offers
            .iter()
            .map(|o| state::must_license(r, o.license_id).map_err(SdkError::from))
            .collect()
    }

    /// Offers a licence on a target. Whoever calls has checked that the target exists and that
    /// the sender owns it (MsgAttachLicense checks; models offer on a version they just wrote).
    pub fn offer(ctx: &mut Ctx, target: TargetRef, license_id: u64) -> Result<(), LicensesError> {
        state::must_license(ctx, license_id)?;
        if state::offer(ctx, target, license_id)?.is_some() {
            return Err(LicensesError::AlreadyOffered(license_id));
        }
        let offer = Offer {
            target: Some(target.to_proto()),
            license_id,
            retired: false,
            attached_height: ctx.height,
            retired_height: 0,
        };
        state::set_offer(ctx, target, &offer)?;
        ctx.emit(typed_event(&EventLicenseAttached {
            target: Some(target.to_proto()),
            license_id,
        }));
        Ok(())
    }

    /// The licensee of a grant (None for an unknown grant).
    pub fn licensee(r: &mut impl Read, grant_id: u64) -> Result<Option<Address>, SdkError> {
        state::grant(r, grant_id)?
            .map(|g| Ok(Address::from_bech32(&g.licensee)?))
            .transpose()
    }

    /// Charges a grant for paid uses of a version reported by `operator`: price = per-use price
    /// × units, taken from the grant's escrow (never overdrawn) and moved to `to`, only through
    /// the licensee's live authorisation of that operator and within what it has left. Returns
    /// the grant's terms and the price.
    #[allow(clippy::too_many_arguments)]
    pub fn charge(
        ctx: &mut Ctx,
        transfers: &impl Transfers,
        operator: &Address,
        grant_id: u64,
        version_id: u64,
        uses: u64,
        units: u64,
        to: &Address,
    ) -> Result<(LicenseTerms, u128), LicensesError> {
        let mut grant = state::must_grant(ctx, grant_id)?;
        if TargetRef::from_proto(grant.target.as_ref())? != TargetRef::Version(version_id) {
            return Err(LicensesError::WrongTarget(grant_id, version_id));
        }
        if !is_live(&grant, ctx.height) {
            return Err(LicensesError::GrantExpired(grant_id));
        }
        let terms = grant.terms.clone().unwrap_or_default();
        let price = amount("per_use_price", &terms.per_use_price)?
            .checked_mul(u128::from(units))
            .ok_or_else(|| {
                LicensesError::InvalidAmount(format!(
                    "{units} units at {} overflow",
                    terms.per_use_price
                ))
            })?;
        let authorization = live_authorization(ctx, operator, grant_id)?;
        let escrow = amount("escrow", &grant.escrow)?;
        let left = escrow
            .checked_sub(price)
            .ok_or(LicensesError::InsufficientEscrow(grant_id, escrow, price))?;
        spend_allowance(ctx, operator, authorization, price)?;
        transfers.send_uopen(ctx, &escrow_account(), to, price)?;
        grant.escrow = left.to_string();
        grant.uses = grant.uses.saturating_add(uses);
        state::set_grant(ctx, &grant)?;
        Ok((terms, price))
    }

    /// Returns reversed per-use fees to a grant: into its escrow while it is live, else straight
    /// to the licensee.
    pub fn refund(
        ctx: &mut Ctx,
        transfers: &impl Transfers,
        grant_id: u64,
        value: u128,
        from: &Address,
    ) -> Result<(), LicensesError> {
        let mut grant = state::must_grant(ctx, grant_id)?;
        if !is_live(&grant, ctx.height) {
            let licensee = Address::from_bech32(&grant.licensee)?;
            return Ok(transfers.send_uopen(ctx, from, &licensee, value)?);
        }
        transfers.send_uopen(ctx, from, &escrow_account(), value)?;
        grant.escrow = add_to_escrow(&grant.escrow, value)?.to_string();
        state::set_grant(ctx, &grant)?;
        Ok(())
    }
}

/// The licensee's authorisation of `operator` on the grant, live at this height.
fn live_authorization(
    ctx: &mut Ctx,
    operator: &Address,
    grant_id: u64,
) -> Result<OperatorAuthorization, LicensesError> {
    let authorization = state::authorization(ctx, grant_id, operator)?
        .ok_or_else(|| LicensesError::OperatorNotAuthorized(grant_id, operator.clone()))?;
    if authorization.expires_height != 0 && ctx.height >= authorization.expires_height {
        return Err(LicensesError::AuthorizationExpired(
            grant_id,
            operator.clone(),
            authorization.expires_height,
        ));
    }
    Ok(authorization)
}

/// Takes `price` from what the authorisation has left; refused past its limit.
fn spend_allowance(
    ctx: &mut Ctx,
    operator: &Address,
    mut authorization: OperatorAuthorization,
    price: u128,
) -> Result<(), LicensesError> {
    let limit = amount("spend_limit", &authorization.spend_limit)?;
    let spent = amount("spent", &authorization.spent)?;
    let left = limit.saturating_sub(spent);
    if price > left {
        return Err(LicensesError::SpendLimitExceeded(
            authorization.grant_id,
            operator.clone(),
            left,
            price,
        ));
    }
    // spent + price <= limit, so this cannot overflow.
    authorization.spent = (spent + price).to_string();
    state::set_authorization(ctx, operator, &authorization)?;
    Ok(())
}
