//! Licence messages: each is a validated struct from its stateless `check`, then its stateful
//! checks and effects in `execute`, with licences' deps. Keeper logic that other modules share
//! (offers, charges) lives in `keeper.rs`.

use openledger_proto::licenses::v1::{
    EventGrantReleased, EventGrantToppedUp, EventLicenseAcquired, EventLicenseCreated,
    EventLicenseRetired, EventOperatorAuthorized, EventOperatorRevoked, Grant, License,
    LicenseTerms, MsgAcquireLicense, MsgAcquireLicenseResponse, MsgAttachLicense,
    MsgAttachLicenseResponse, MsgAuthorizeOperator, MsgAuthorizeOperatorResponse, MsgCreateLicense,
    MsgCreateLicenseResponse, MsgReleaseGrant, MsgReleaseGrantResponse, MsgRetireLicense,
    MsgRetireLicenseResponse, MsgRevokeOperator, MsgRevokeOperatorResponse, MsgTopUpGrant,
    MsgTopUpGrantResponse, OperatorAuthorization, Target,
};
use openledger_types::Address;

use super::deps::{Deps, Targets};
use super::rules::{self, add_to_escrow, amount, is_live, validate_terms};
use super::{escrow_account, state, Keeper, LicensesError, TargetRef};
use crate::context::{typed_event, Ctx};
use crate::error::{Failure, SdkError};
use crate::modules::util::split_proportional;
use crate::tx::handler::{Execute, Handler};

crate::module_messages!(module: "licenses", package: "openledger.licenses.v1", deps: Deps, {
    CreateLicense(ValidCreate),
    AttachLicense(ValidAttach),
    RetireLicense(ValidRetire),
    AcquireLicense(ValidAcquire),
    TopUpGrant(ValidTopUp),
    ReleaseGrant(ValidRelease),
    AuthorizeOperator(ValidAuthorize),
    RevokeOperator(ValidRevoke),
});

/// A MsgCreateLicense with valid terms.
#[derive(Debug, Clone)]
pub struct ValidCreate {
    creator: Address,
    terms: LicenseTerms,
}

impl Handler for ValidCreate {
    type Proto = MsgCreateLicense;
    type Response = MsgCreateLicenseResponse;
    fn check(msg: MsgCreateLicense) -> Result<Self, Failure> {
        let creator = Address::from_bech32(&msg.creator)?;
        let terms = msg
            .terms
            .ok_or_else(|| LicensesError::InvalidTerms("terms are missing".into()))?;
        validate_terms(&terms)?;
        Ok(ValidCreate { creator, terms })
    }
    fn signer(&self) -> &Address {
        &self.creator
    }
}

impl<D: Deps> Execute<D> for ValidCreate {
    fn execute(&self, ctx: &mut Ctx, _: &D) -> Result<MsgCreateLicenseResponse, Failure> {
        let id = state::next_license_id(ctx)?;
        let license = License {
            id,
            creator: self.creator.to_bech32(),
            terms: Some(self.terms.clone()),
            created_height: ctx.height,
        };
        state::set_license(ctx, &license)?;
        ctx.emit(typed_event(&EventLicenseCreated {
            license_id: id,
            creator: self.creator.to_bech32(),
        }));
        Ok(MsgCreateLicenseResponse { license_id: id })
    }
}

/// An owner's change to the offer of a licence on a target (attach or retire).
#[derive(Debug, Clone)]
pub struct OfferChange {
    owner: Address,
    target: TargetRef,
    license_id: u64,
}

impl OfferChange {
    fn check(owner: &str, target: Option<&Target>, license_id: u64) -> Result<Self, Failure> {
        Ok(OfferChange {
            owner: Address::from_bech32(owner)?,
            target: TargetRef::from_proto(target)?,
            license_id,
        })
    }

    /// The target exists and the sender owns it.
    fn must_own(&self, ctx: &mut Ctx, targets: &impl Targets) -> Result<(), LicensesError> {
        match targets.owner(ctx, self.target)? {
            None => Err(LicensesError::TargetNotFound(self.target)),
            Some(owner) if owner != self.owner => Err(LicensesError::NotOwner(self.owner.clone())),
            Some(_) => Ok(()),
        }
    }
}

/// A MsgAttachLicense: offers a licence on a target the sender owns.
#[derive(Debug, Clone)]
pub struct ValidAttach(OfferChange);

impl Handler for ValidAttach {
    type Proto = MsgAttachLicense;
    type Response = MsgAttachLicenseResponse;
    fn check(msg: MsgAttachLicense) -> Result<Self, Failure> {
        OfferChange::check(&msg.owner, msg.target.as_ref(), msg.license_id).map(ValidAttach)
    }
    fn signer(&self) -> &Address {
        &self.0.owner
    }
}

impl<D: Deps> Execute<D> for ValidAttach {
    fn execute(&self, ctx: &mut Ctx, deps: &D) -> Result<MsgAttachLicenseResponse, Failure> {
        self.0.must_own(ctx, deps)?;
        let (target, license_id) = (self.0.target, self.0.license_id);
        if let TargetRef::Version(version_id) = target {
            // The same rule publication applies: a licence added later cannot loosen it.
            let terms = state::must_license(ctx, license_id)?
                .terms
                .unwrap_or_default();
            let parents = deps.parents_terms(ctx, version_id)?;
            rules::check_inheritance(license_id, &terms, &parents).map_err(LicensesError::from)?;
        }
        Keeper::offer(ctx, target, license_id)?;
        Ok(MsgAttachLicenseResponse {})
    }
}

/// A MsgRetireLicense: no new grants under the offer; existing grants keep their terms.
#[derive(Debug, Clone)]
pub struct ValidRetire(OfferChange);

impl Handler for ValidRetire {
    type Proto = MsgRetireLicense;
    type Response = MsgRetireLicenseResponse;
    fn check(msg: MsgRetireLicense) -> Result<Self, Failure> {
        OfferChange::check(&msg.owner, msg.target.as_ref(), msg.license_id).map(ValidRetire)
    }
    fn signer(&self) -> &Address {
        &self.0.owner
    }
}

impl<D: Deps> Execute<D> for ValidRetire {
    fn execute(&self, ctx: &mut Ctx, deps: &D) -> Result<MsgRetireLicenseResponse, Failure> {
        self.0.must_own(ctx, deps)?;
        let (target, license_id) = (self.0.target, self.0.license_id);
        let mut offer =
            state::offer(ctx, target, license_id)?.ok_or(LicensesError::NotOffered(license_id))?;
        if offer.retired {
            return Err(LicensesError::OfferRetired(license_id).into());
        }
        offer.retired = true;
        offer.retired_height = ctx.height;
        state::set_offer(ctx, target, &offer)?;
        ctx.emit(typed_event(&EventLicenseRetired {
            target: Some(target.to_proto()),
            license_id,
        }));
        Ok(MsgRetireLicenseResponse {})
    }
}

/// A MsgAcquireLicense: buys a grant. The upfront fee goes to the target's payees by share, the
/// escrow to the escrow account; the grant keeps a copy of the terms.
#[derive(Debug, Clone)]
pub struct ValidAcquire {
    licensee: Address,
    target: TargetRef,
    license_id: u64,
    escrow: u128,
}

impl Handler for ValidAcquire {
    type Proto = MsgAcquireLicense;
    type Response = MsgAcquireLicenseResponse;
    fn check(msg: MsgAcquireLicense) -> Result<Self, Failure> {
        Ok(ValidAcquire {
            licensee: Address::from_bech32(&msg.licensee)?,
            target: TargetRef::from_proto(msg.target.as_ref())?,
            license_id: msg.license_id,
            escrow: amount("escrow", &msg.escrow)?,
        })
    }
    fn signer(&self) -> &Address {
        &self.licensee
    }
}

impl<D: Deps> Execute<D> for ValidAcquire {
    fn execute(&self, ctx: &mut Ctx, deps: &D) -> Result<MsgAcquireLicenseResponse, Failure> {
        let (licensee, target, license_id) = (&self.licensee, self.target, self.license_id);
        if deps.owner(ctx, target)?.is_none() {
            return Err(LicensesError::TargetNotFound(target).into());
        }
        let offer =
            state::offer(ctx, target, license_id)?.ok_or(LicensesError::NotOffered(license_id))?;
        if offer.retired {
            return Err(LicensesError::OfferRetired(license_id).into());
        }
        let license = state::must_license(ctx, license_id)?;
        let terms = license.terms.unwrap_or_default();
        let upfront = amount("upfront_fee", &terms.upfront_fee)?;
        if upfront > 0 {
            let payees = deps.payees(ctx, target)?;
            let weights: Vec<u64> = payees.iter().map(|(_, bps)| u64::from(*bps)).collect();
            let parts = split_proportional(upfront, &weights).ok_or_else(|| {
                SdkError::Internal(format!("{target} has no payees for its upfront fee"))
            })?;
            for ((payee, _), part) in payees.iter().zip(parts) {
                deps.send_uopen(ctx, licensee, payee, part)?;
            }
        }
        deps.send_uopen(ctx, licensee, &escrow_account(), self.escrow)?;
        let id = state::next_grant_id(ctx)?;
        let expires_height = if terms.duration_blocks == 0 {
            0
        } else {
            ctx.height.saturating_add(terms.duration_blocks)
        };
        let grant = Grant {
            id,
            licensee: licensee.to_bech32(),
            target: Some(target.to_proto()),
            license_id,
            terms: Some(terms),
            escrow: self.escrow.to_string(),
            uses: 0,
            acquired_height: ctx.height,
            expires_height,
            released: false,
        };
        state::set_grant(ctx, &grant)?;
        state::index_grant(ctx, id, licensee, target)?;
        ctx.emit(typed_event(&EventLicenseAcquired {
            grant_id: id,
            licensee: licensee.to_bech32(),
            target: Some(target.to_proto()),
            license_id,
            upfront_fee: upfront.to_string(),
            escrow: self.escrow.to_string(),
        }));
        Ok(MsgAcquireLicenseResponse { grant_id: id })
    }
}

/// A MsgTopUpGrant of a positive amount: more escrow for a live grant.
#[derive(Debug, Clone)]
pub struct ValidTopUp {
    licensee: Address,
    grant_id: u64,
    amount: u128,
}

impl Handler for ValidTopUp {
    type Proto = MsgTopUpGrant;
    type Response = MsgTopUpGrantResponse;
    fn check(msg: MsgTopUpGrant) -> Result<Self, Failure> {
        let value = amount("amount", &msg.amount)?;
        if value == 0 {
            return Err(LicensesError::InvalidAmount("top-up must be positive".into()).into());
        }
        Ok(ValidTopUp {
            licensee: Address::from_bech32(&msg.licensee)?,
            grant_id: msg.grant_id,
            amount: value,
        })
    }
    fn signer(&self) -> &Address {
        &self.licensee
    }
}

impl<D: Deps> Execute<D> for ValidTopUp {
    fn execute(&self, ctx: &mut Ctx, deps: &D) -> Result<MsgTopUpGrantResponse, Failure> {
        let licensee = &self.licensee;
        let mut grant = grant_held_by(ctx, self.grant_id, licensee)?;
        if !is_live(&grant, ctx.height) {
            return Err(LicensesError::GrantReleased(grant.id).into());
        }
        let escrow = add_to_escrow(&grant.escrow, self.amount)?;
        deps.send_uopen(ctx, licensee, &escrow_account(), self.amount)?;
        grant.escrow = escrow.to_string();
        state::set_grant(ctx, &grant)?;
        ctx.emit(typed_event(&EventGrantToppedUp {
            grant_id: grant.id,
            amount: self.amount.to_string(),
        }));
        Ok(MsgTopUpGrantResponse {})
    }
}

/// A MsgReleaseGrant: returns the unused escrow of an expired grant to its licensee.
#[derive(Debug, Clone)]
pub struct ValidRelease {
    licensee: Address,
    grant_id: u64,
}

impl Handler for ValidRelease {
    type Proto = MsgReleaseGrant;
    type Response = MsgReleaseGrantResponse;
    fn check(msg: MsgReleaseGrant) -> Result<Self, Failure> {
        Ok(ValidRelease {
            licensee: Address::from_bech32(&msg.licensee)?,
            grant_id: msg.grant_id,
        })
    }
    fn signer(&self) -> &Address {
        &self.licensee
    }
}

impl<D: Deps> Execute<D> for ValidRelease {
    fn execute(&self, ctx: &mut Ctx, deps: &D) -> Result<MsgReleaseGrantResponse, Failure> {
        let licensee = &self.licensee;
        let mut grant = grant_held_by(ctx, self.grant_id, licensee)?;
        if grant.released {
            return Err(LicensesError::GrantReleased(grant.id).into());
        }
        if grant.expires_height == 0 || ctx.height < grant.expires_height {
            return Err(LicensesError::GrantNotExpired(grant.id).into());
        }
        let refund = amount("escrow", &grant.escrow)?;
        deps.send_uopen(ctx, &escrow_account(), licensee, refund)?;
        grant.escrow = "0".into();
        grant.released = true;
        state::set_grant(ctx, &grant)?;
        ctx.emit(typed_event(&EventGrantReleased {
            grant_id: grant.id,
            refunded: refund.to_string(),
        }));
        Ok(MsgReleaseGrantResponse {
            refunded: refund.to_string(),
        })
    }
}

/// The grant, if `licensee` holds it.
fn grant_held_by(ctx: &mut Ctx, grant_id: u64, licensee: &Address) -> Result<Grant, LicensesError> {
    let grant = state::must_grant(ctx, grant_id)?;
    if grant.licensee != licensee.to_bech32() {
        return Err(LicensesError::NotLicensee(licensee.clone()));
    }
    Ok(grant)
}

/// A MsgAuthorizeOperator: the licensee lets one operator charge the grant, up to a limit.
#[derive(Debug, Clone)]
pub struct ValidAuthorize {
    licensee: Address,
    grant_id: u64,
    operator: Address,
    spend_limit: u128,
    expires_height: u64,
}

impl Handler for ValidAuthorize {
    type Proto = MsgAuthorizeOperator;
    type Response = MsgAuthorizeOperatorResponse;
    fn check(msg: MsgAuthorizeOperator) -> Result<Self, Failure> {
        let spend_limit = amount("spend_limit", &msg.spend_limit)?;
        if spend_limit == 0 {
            return Err(
                LicensesError::InvalidAuthorization("spend_limit must be positive".into()).into(),
            );
        }
        Ok(ValidAuthorize {
            licensee: Address::from_bech32(&msg.licensee)?,
            grant_id: msg.grant_id,
            operator: Address::from_bech32(&msg.operator)?,
            spend_limit,
            expires_height: msg.expires_height,
        })
    }
    fn signer(&self) -> &Address {
        &self.licensee
    }
}

impl<D: Deps> Execute<D> for ValidAuthorize {
    /// A new authorisation of the same operator replaces the old one, its count of what was
    /// spent included: the licensee sets the allowance afresh.
    fn execute(&self, ctx: &mut Ctx, _: &D) -> Result<MsgAuthorizeOperatorResponse, Failure> {
        let grant = grant_held_by(ctx, self.grant_id, &self.licensee)?;
        if !is_live(&grant, ctx.height) {
            return Err(LicensesError::GrantExpired(grant.id).into());
        }
        if self.expires_height != 0 && self.expires_height <= ctx.height {
            return Err(LicensesError::InvalidAuthorization(format!(
                "expires_height {} is not after the current height {}",
                self.expires_height, ctx.height
            ))
            .into());
        }
        let authorization = OperatorAuthorization {
            grant_id: grant.id,
            operator: self.operator.to_bech32(),
            spend_limit: self.spend_limit.to_string(),
            spent: "0".into(),
            expires_height: self.expires_height,
            height: ctx.height,
        };
        state::set_authorization(ctx, &self.operator, &authorization)?;
        ctx.emit(typed_event(&EventOperatorAuthorized {
            grant_id: grant.id,
            operator: authorization.operator,
            spend_limit: authorization.spend_limit,
            expires_height: authorization.expires_height,
        }));
        Ok(MsgAuthorizeOperatorResponse {})
    }
}

/// A MsgRevokeOperator: the operator may no longer charge the grant.
#[derive(Debug, Clone)]
pub struct ValidRevoke {
    licensee: Address,
    grant_id: u64,
    operator: Address,
}

impl Handler for ValidRevoke {
    type Proto = MsgRevokeOperator;
    type Response = MsgRevokeOperatorResponse;
    fn check(msg: MsgRevokeOperator) -> Result<Self, Failure> {
        Ok(ValidRevoke {
            licensee: Address::from_bech32(&msg.licensee)?,
            grant_id: msg.grant_id,
            operator: Address::from_bech32(&msg.operator)?,
        })
    }
    fn signer(&self) -> &Address {
        &self.licensee
    }
}

impl<D: Deps> Execute<D> for ValidRevoke {
    fn execute(&self, ctx: &mut Ctx, _: &D) -> Result<MsgRevokeOperatorResponse, Failure> {
        let grant = grant_held_by(ctx, self.grant_id, &self.licensee)?;
        if state::authorization(ctx, grant.id, &self.operator)?.is_none() {
            return Err(
                LicensesError::OperatorNotAuthorized(grant.id, self.operator.clone()).into(),
            );
        }
        state::remove_authorization(ctx, grant.id, &self.operator)?;
        ctx.emit(typed_event(&EventOperatorRevoked {
            grant_id: grant.id,
            operator: self.operator.to_bech32(),
        }));
        Ok(MsgRevokeOperatorResponse {})
    }
}
