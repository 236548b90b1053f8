//! Licence messages: stateless checks (`validate_*`), then stateful checks and execution.

use openledger_proto::licenses::v1::{
    EventGrantReleased, EventGrantToppedUp, EventLicenseAcquired, EventLicenseAttached,
    EventLicenseCreated, EventLicenseRetired, Grant, License, MsgAcquireLicense,
    MsgAcquireLicenseResponse, MsgAttachLicense, MsgCreateLicense, MsgCreateLicenseResponse,
    MsgAttachLicenseResponse, MsgReleaseGrant, MsgReleaseGrantResponse, MsgRetireLicense,
    MsgRetireLicenseResponse, MsgTopUpGrant, MsgTopUpGrantResponse, Offer,
};

use super::rules::{amount, is_live, validate_terms};
use super::state::{self, TargetRef, S};
use super::{escrow_account, LicensesError};
use crate::modules::Transfers;
use crate::context::{typed_event, Ctx};
use crate::error::{Failure, SdkError};
use crate::tx::handler::{Execute, Handler};
use super::deps::Deps;
use openledger_types::Address;
use crate::modules::util::{next_id, split_proportional};

/// What licences need from the registries: who owns a target, and who is paid its upfront fees.
pub trait Targets {
    /// The model's owner or the dataset's curator; None when the target does not exist.
    fn owner(&self, ctx: &mut Ctx, target: TargetRef) -> Result<Option<Address>, SdkError>;
    /// Payees of the target's fees with shares in basis points summing to 10,000.
    fn payees(&self, ctx: &mut Ctx, target: TargetRef) -> Result<Vec<(Address, u32)>, SdkError>;
}

pub fn validate_create(msg: &MsgCreateLicense) -> Result<Address, LicensesError> {
    let creator = Address::from_bech32(&msg.creator)?;
    validate_terms(
        msg.terms
            .as_ref()
            .ok_or_else(|| LicensesError::InvalidTerms("terms are missing".into()))?,
    )?;
    Ok(creator)
}

pub fn create(
    ctx: &mut Ctx,
    msg: &MsgCreateLicense,
    creator: &Address,
) -> Result<MsgCreateLicenseResponse, LicensesError> {
    let id = next_id(ctx, S, state::LAST_LICENSE_ID)?;
    let license = License {
        id,
        creator: creator.to_bech32(),
        terms: msg.terms.clone(),
        created_height: ctx.height,
    };
    state::set_license(ctx, &license)?;
    ctx.emit(typed_event(&EventLicenseCreated {
        license_id: id,
        creator: creator.to_bech32(),
    }));
    Ok(MsgCreateLicenseResponse { license_id: id })
}

fn must_own(
    ctx: &mut Ctx,
    targets: &impl Targets,
    target: TargetRef,
    who: &Address,
) -> Result<(), LicensesError> {
    match targets.owner(ctx, target)? {
        None => Err(LicensesError::TargetNotFound(target.to_string())),
        Some(owner) if owner != *who => Err(LicensesError::NotOwner(who.to_bech32())),
        Some(_) => Ok(()),
    }
}

pub fn validate_attach(msg: &MsgAttachLicense) -> Result<(Address, TargetRef), LicensesError> {
    Ok((
        Address::from_bech32(&msg.owner)?,
        TargetRef::from_proto(msg.target.as_ref())?,
    ))
}

/// Offers a licence on a target the sender owns.
pub fn attach(
    ctx: &mut Ctx,
    targets: &impl Targets,
    license_id: u64,
    owner: &Address,
    target: TargetRef,
) -> Result<(), LicensesError> {
    must_own(ctx, targets, target, owner)?;
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

pub fn validate_retire(msg: &MsgRetireLicense) -> Result<(Address, TargetRef), LicensesError> {
    Ok((
        Address::from_bech32(&msg.owner)?,
        TargetRef::from_proto(msg.target.as_ref())?,
    ))
}

pub fn retire(
    ctx: &mut Ctx,
    targets: &impl Targets,
    msg: &MsgRetireLicense,
    owner: &Address,
    target: TargetRef,
) -> Result<(), LicensesError> {
    must_own(ctx, targets, target, owner)?;
    let mut offer = state::offer(ctx, target, msg.license_id)?
        .ok_or(LicensesError::NotOffered(msg.license_id))?;
    if offer.retired {
        return Err(LicensesError::OfferRetired(msg.license_id));
    }
    offer.retired = true;
    offer.retired_height = ctx.height;
    state::set_offer(ctx, target, &offer)?;
    ctx.emit(typed_event(&EventLicenseRetired {
        target: Some(target.to_proto()),
        license_id: msg.license_id,
    }));
    Ok(())
}

pub fn validate_acquire(
    msg: &MsgAcquireLicense,
) -> Result<(Address, TargetRef, u128), LicensesError> {
    Ok((
        Address::from_bech32(&msg.licensee)?,
        TargetRef::from_proto(msg.target.as_ref())?,
        amount("escrow", &msg.escrow)?,
    ))
}

/// Buys a grant: the upfront fee goes to the target's payees by share, the escrow to the escrow
/// account; the grant keeps a copy of the terms.
pub fn acquire(
    ctx: &mut Ctx,
    targets: &impl Targets,
    msg: &MsgAcquireLicense,
    licensee: &Address,
    target: TargetRef,
    escrow: u128,
) -> Result<MsgAcquireLicenseResponse, LicensesError> {
    if targets.owner(ctx, target)?.is_none() {
        return Err(LicensesError::TargetNotFound(target.to_string()));
    }
    let offer = state::offer(ctx, target, msg.license_id)?
        .ok_or(LicensesError::NotOffered(msg.license_id))?;
    if offer.retired {
        return Err(LicensesError::OfferRetired(msg.license_id));
    }
    let license = state::must_license(ctx, msg.license_id)?;
    let terms = license.terms.unwrap_or_default();
    let upfront = amount("upfront_fee", &terms.upfront_fee)?;
    if upfront > 0 {
        let payees = targets.payees(ctx, target)?;
        let weights: Vec<u64> = payees.iter().map(|(_, bps)| u64::from(*bps)).collect();
        let parts = split_proportional(upfront, &weights).ok_or_else(|| {
            SdkError::Internal(format!("{target} has no payees for its upfront fee"))
        })?;
        for ((payee, _), part) in payees.iter().zip(parts) {
            crate::keepers::Keepers.send_uopen(ctx, licensee, payee, part)?;
        }
    }
    crate::keepers::Keepers.send_uopen(ctx, licensee, &escrow_account(), escrow)?;
    let id = next_id(ctx, S, state::LAST_GRANT_ID)?;
    let expires_height = if terms.duration_blocks == 0 {
        0
    } else {
        ctx.height.saturating_add(terms.duration_blocks)
    };
    let grant = Grant {
        id,
        licensee: licensee.to_bech32(),
        target: Some(target.to_proto()),
        license_id: msg.license_id,
        terms: Some(terms),
        escrow: escrow.to_string(),
        uses: 0,
        acquired_height: ctx.height,
        expires_height,
        released: false,
    };
    state::set_grant(ctx, &grant)?;
    state::index_grant(ctx, &grant, licensee, target)?;
    ctx.emit(typed_event(&EventLicenseAcquired {
        grant_id: id,
        licensee: licensee.to_bech32(),
        target: Some(target.to_proto()),
        license_id: msg.license_id,
        upfront_fee: upfront.to_string(),
        escrow: escrow.to_string(),
    }));
    Ok(MsgAcquireLicenseResponse { grant_id: id })
}

pub fn validate_top_up(msg: &MsgTopUpGrant) -> Result<(Address, u128), LicensesError> {
    let value = amount("amount", &msg.amount)?;
    if value == 0 {
        return Err(LicensesError::InvalidAmount(
            "top-up must be positive".into(),
        ));
    }
    Ok((Address::from_bech32(&msg.licensee)?, value))
}

pub fn top_up(
    ctx: &mut Ctx,
    msg: &MsgTopUpGrant,
    licensee: &Address,
    value: u128,
) -> Result<(), LicensesError> {
    let mut grant = state::must_grant(ctx, msg.grant_id)?;
    if grant.licensee != licensee.to_bech32() {
        return Err(LicensesError::NotLicensee(licensee.to_bech32()));
    }
    if !is_live(&grant, ctx.height) {
        return Err(LicensesError::GrantReleased(grant.id));
    }
    let escrow = amount("escrow", &grant.escrow)?
        .checked_add(value)
        .ok_or_else(|| LicensesError::InvalidAmount("escrow would overflow".into()))?;
    crate::keepers::Keepers.send_uopen(ctx, licensee, &escrow_account(), value)?;
    grant.escrow = escrow.to_string();
    state::set_grant(ctx, &grant)?;
    ctx.emit(typed_event(&EventGrantToppedUp {
        grant_id: grant.id,
        amount: value.to_string(),
    }));
    Ok(())
}

pub fn validate_release(msg: &MsgReleaseGrant) -> Result<Address, LicensesError> {
    Ok(Address::from_bech32(&msg.licensee)?)
}

/// Returns the unused escrow of an expired grant to its licensee.
pub fn release(
    ctx: &mut Ctx,
    msg: &MsgReleaseGrant,
    licensee: &Address,
) -> Result<MsgReleaseGrantResponse, LicensesError> {
    let mut grant = state::must_grant(ctx, msg.grant_id)?;
    if grant.licensee != licensee.to_bech32() {
        return Err(LicensesError::NotLicensee(licensee.to_bech32()));
    }
    if grant.released {
        return Err(LicensesError::GrantReleased(grant.id));
    }
    if grant.expires_height == 0 || ctx.height < grant.expires_height {
        return Err(LicensesError::GrantNotExpired(grant.id));
    }
    let refund = amount("escrow", &grant.escrow)?;
    crate::keepers::Keepers.send_uopen(ctx, &escrow_account(), licensee, refund)?;
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

/// Charges a grant for paid uses of a version: price = per-use price × units, taken from the
/// grant's escrow (never overdrawn) and moved to `to`. Returns the grant's terms and the price.
pub fn charge(
    ctx: &mut Ctx,
    grant_id: u64,
    version_id: u64,
    uses: u64,
    units: u64,
    to: &Address,
) -> Result<(openledger_proto::licenses::v1::LicenseTerms, u128), LicensesError> {
    let mut grant = state::must_grant(ctx, grant_id)?;
    if TargetRef::from_proto(grant.target.as_ref())? != TargetRef::Version(version_id) {
        return Err(LicensesError::WrongTarget(format!(
            "grant {grant_id} is not for model version {version_id}"
        )));
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
    let escrow = amount("escrow", &grant.escrow)?;
    let left = escrow.checked_sub(price).ok_or_else(|| {
        LicensesError::InsufficientEscrow(format!(
            "grant {grant_id} holds {escrow} uopen, the uses cost {price}"
        ))
    })?;
    crate::keepers::Keepers.send_uopen(ctx, &escrow_account(), to, price)?;
    grant.escrow = left.to_string();
    grant.uses = grant.uses.saturating_add(uses);
    state::set_grant(ctx, &grant)?;
    Ok((terms, price))
}

/// Returns reversed per-use fees to a grant: into its escrow while it is live, else straight to
/// the licensee.
pub fn refund(
    ctx: &mut Ctx,
    grant_id: u64,
    amount: u128,
    from: &Address,
) -> Result<(), LicensesError> {
    let mut grant = state::must_grant(ctx, grant_id)?;
    if !is_live(&grant, ctx.height) {
        return Ok(crate::keepers::Keepers.send_uopen(
            ctx,
            from,
            &Address::from_bech32(&grant.licensee)?,
            amount,
        )?);
    }
    crate::keepers::Keepers.send_uopen(ctx, from, &escrow_account(), amount)?;
    grant.escrow = amount_add(&grant.escrow, amount)?;
    state::set_grant(ctx, &grant)?;
    Ok(())
}

fn amount_add(text: &str, value: u128) -> Result<String, LicensesError> {
    Ok(amount("escrow", text)?
        .checked_add(value)
        .ok_or_else(|| LicensesError::InvalidAmount("escrow would overflow".into()))?
        .to_string())
}

crate::module_messages!(module: "licenses", package: "openledger.licenses.v1", deps: Deps, {
    CreateLicense(ValidCreate),
    AttachLicense(ValidAttach),
    RetireLicense(ValidRetire),
    AcquireLicense(ValidAcquire),
    TopUpGrant(ValidTopUp),
    ReleaseGrant(ValidRelease),
});

/// A MsgCreateLicense past its stateless checks.
#[derive(Debug, Clone)]
pub struct ValidCreate {
    msg: MsgCreateLicense,
    creator: Address,
}

impl Handler for ValidCreate {
    type Proto = MsgCreateLicense;
    type Response = MsgCreateLicenseResponse;
    fn check(msg: MsgCreateLicense) -> Result<Self, Failure> {
        let creator = validate_create(&msg)?;
        Ok(ValidCreate { msg, creator })
    }
    fn signer(&self) -> &Address {
        &self.creator
    }
}

impl<D: Deps> Execute<D> for ValidCreate {
    fn execute(&self, ctx: &mut Ctx, _: &D) -> Result<MsgCreateLicenseResponse, Failure> {
        Ok(create(ctx, &self.msg, &self.creator)?)
    }
}

/// A MsgAttachLicense past its stateless checks.
#[derive(Debug, Clone)]
pub struct ValidAttach {
    msg: MsgAttachLicense,
    owner: Address,
    target: TargetRef,
}

impl Handler for ValidAttach {
    type Proto = MsgAttachLicense;
    type Response = MsgAttachLicenseResponse;
    fn check(msg: MsgAttachLicense) -> Result<Self, Failure> {
        let (owner, target) = validate_attach(&msg)?;
        Ok(ValidAttach { msg, owner, target })
    }
    fn signer(&self) -> &Address {
        &self.owner
    }
}

impl<D: Deps> Execute<D> for ValidAttach {
    fn execute(&self, ctx: &mut Ctx, deps: &D) -> Result<MsgAttachLicenseResponse, Failure> {
        attach(ctx, deps, self.msg.license_id, &self.owner, self.target)?;
        Ok(MsgAttachLicenseResponse {})
    }
}

/// A MsgRetireLicense past its stateless checks.
#[derive(Debug, Clone)]
pub struct ValidRetire {
    msg: MsgRetireLicense,
    owner: Address,
    target: TargetRef,
}

impl Handler for ValidRetire {
    type Proto = MsgRetireLicense;
    type Response = MsgRetireLicenseResponse;
    fn check(msg: MsgRetireLicense) -> Result<Self, Failure> {
        let (owner, target) = validate_retire(&msg)?;
        Ok(ValidRetire { msg, owner, target })
    }
    fn signer(&self) -> &Address {
        &self.owner
    }
}

impl<D: Deps> Execute<D> for ValidRetire {
    fn execute(&self, ctx: &mut Ctx, deps: &D) -> Result<MsgRetireLicenseResponse, Failure> {
        retire(ctx, deps, &self.msg, &self.owner, self.target)?;
        Ok(MsgRetireLicenseResponse {})
    }
}

/// A MsgAcquireLicense past its stateless checks.
#[derive(Debug, Clone)]
pub struct ValidAcquire {
    msg: MsgAcquireLicense,
    licensee: Address,
    target: TargetRef,
    escrow: u128,
}

impl Handler for ValidAcquire {
    type Proto = MsgAcquireLicense;
    type Response = MsgAcquireLicenseResponse;
    fn check(msg: MsgAcquireLicense) -> Result<Self, Failure> {
        let (licensee, target, escrow) = validate_acquire(&msg)?;
        Ok(ValidAcquire {
            msg,
            licensee,
            target,
            escrow,
        })
    }
    fn signer(&self) -> &Address {
        &self.licensee
    }
}

impl<D: Deps> Execute<D> for ValidAcquire {
    fn execute(&self, ctx: &mut Ctx, deps: &D) -> Result<MsgAcquireLicenseResponse, Failure> {
        Ok(acquire(
            ctx,
            deps,
            &self.msg,
            &self.licensee,
            self.target,
            self.escrow,
        )?)
    }
}

/// A MsgTopUpGrant past its stateless checks.
#[derive(Debug, Clone)]
pub struct ValidTopUp {
    msg: MsgTopUpGrant,
    licensee: Address,
    amount: u128,
}

impl Handler for ValidTopUp {
    type Proto = MsgTopUpGrant;
    type Response = MsgTopUpGrantResponse;
    fn check(msg: MsgTopUpGrant) -> Result<Self, Failure> {
        let (licensee, amount) = validate_top_up(&msg)?;
        Ok(ValidTopUp {
            msg,
            licensee,
            amount,
        })
    }
    fn signer(&self) -> &Address {
        &self.licensee
    }
}

impl<D: Deps> Execute<D> for ValidTopUp {
    fn execute(&self, ctx: &mut Ctx, _: &D) -> Result<MsgTopUpGrantResponse, Failure> {
        top_up(ctx, &self.msg, &self.licensee, self.amount)?;
        Ok(MsgTopUpGrantResponse {})
    }
}

/// A MsgReleaseGrant past its stateless checks.
#[derive(Debug, Clone)]
pub struct ValidRelease {
    msg: MsgReleaseGrant,
    licensee: Address,
}

impl Handler for ValidRelease {
    type Proto = MsgReleaseGrant;
    type Response = MsgReleaseGrantResponse;
    fn check(msg: MsgReleaseGrant) -> Result<Self, Failure> {
        let licensee = validate_release(&msg)?;
        Ok(ValidRelease { msg, licensee })
    }
    fn signer(&self) -> &Address {
        &self.licensee
    }
}

impl<D: Deps> Execute<D> for ValidRelease {
    fn execute(&self, ctx: &mut Ctx, _: &D) -> Result<MsgReleaseGrantResponse, Failure> {
        Ok(release(ctx, &self.msg, &self.licensee)?)
    }
}
