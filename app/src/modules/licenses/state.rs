//! Keys and typed access to the licenses substore.

use openledger_proto::licenses::v1::{Grant, License, Offer, Target, TargetKind};

use super::LicensesError;
use crate::context::{Ctx, Read};
use openledger_types::Address;
use crate::modules::util::{address_key, id_key, read_values};
use crate::store::Substore;

pub const S: Substore = Substore::Licenses;
pub const LAST_LICENSE_ID: &[u8] = &[0x00];
pub const LICENSE: u8 = 0x01;
pub const OFFER: u8 = 0x02;
pub const LAST_GRANT_ID: &[u8] = &[0x03];
pub const GRANT: u8 = 0x04;
pub const BY_LICENSEE: u8 = 0x05;
pub const BY_TARGET: u8 = 0x06;

/// A target that passed validation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TargetRef {
    Version(u64),
    Dataset(u64),
}

impl TargetRef {
    pub fn from_proto(target: Option<&Target>) -> Result<Self, LicensesError> {
        let target = target.ok_or(LicensesError::InvalidTarget)?;
        match TargetKind::try_from(target.kind) {
            Ok(TargetKind::ModelVersion) if target.id != 0 => Ok(TargetRef::Version(target.id)),
            Ok(TargetKind::Dataset) if target.id != 0 => Ok(TargetRef::Dataset(target.id)),
            _ => Err(LicensesError::InvalidTarget),
        }
    }

    pub fn to_proto(self) -> Target {
        match self {
            TargetRef::Version(id) => Target {
                kind: TargetKind::ModelVersion as i32,
                id,
            },
            TargetRef::Dataset(id) => Target {
                kind: TargetKind::Dataset as i32,
                id,
            },
        }
    }

    fn key(self, prefix: u8) -> Vec<u8> {
        let (kind, id) = match self {
            TargetRef::Version(id) => (TargetKind::ModelVersion as u8, id),
            TargetRef::Dataset(id) => (TargetKind::Dataset as u8, id),
        };
        let mut key = vec![prefix, kind];
        key.extend_from_slice(&id.to_be_bytes());
        key
    }
}

impl std::fmt::Display for TargetRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TargetRef::Version(id) => write!(f, "model version {id}"),
            TargetRef::Dataset(id) => write!(f, "dataset {id}"),
        }
    }
}

pub fn offer_key(target: TargetRef, license_id: u64) -> Vec<u8> {
    let mut key = target.key(OFFER);
    key.extend_from_slice(&license_id.to_be_bytes());
    key
}

pub fn license(r: &mut impl Read, id: u64) -> Result<Option<License>, LicensesError> {
    Ok(r.read_msg(S, &id_key(LICENSE, id))?)
}

pub fn must_license(r: &mut impl Read, id: u64) -> Result<License, LicensesError> {
    license(r, id)?.ok_or(LicensesError::LicenseNotFound(id))
}

pub fn set_license(ctx: &mut Ctx, license: &License) -> Result<(), LicensesError> {
    Ok(ctx.put_msg(S, id_key(LICENSE, license.id), license)?)
}

pub fn offer(
    r: &mut impl Read,
    target: TargetRef,
    license_id: u64,
) -> Result<Option<Offer>, LicensesError> {
    Ok(r.read_msg(S, &offer_key(target, license_id))?)
}

pub fn set_offer(ctx: &mut Ctx, target: TargetRef, offer: &Offer) -> Result<(), LicensesError> {
    Ok(ctx.put_msg(S, offer_key(target, offer.license_id), offer)?)
}

/// Every offer on a target, by licence id.
pub fn offers(r: &mut impl Read, target: TargetRef) -> Result<Vec<Offer>, LicensesError> {
    Ok(read_values(r, S, &target.key(OFFER))?)
}

pub fn grant(r: &mut impl Read, id: u64) -> Result<Option<Grant>, LicensesError> {
    Ok(r.read_msg(S, &id_key(GRANT, id))?)
}

pub fn must_grant(r: &mut impl Read, id: u64) -> Result<Grant, LicensesError> {
    grant(r, id)?.ok_or(LicensesError::GrantNotFound(id))
}

pub fn set_grant(ctx: &mut Ctx, grant: &Grant) -> Result<(), LicensesError> {
    Ok(ctx.put_msg(S, id_key(GRANT, grant.id), grant)?)
}

pub fn index_grant(
    ctx: &mut Ctx,
    grant: &Grant,
    licensee: &Address,
    target: TargetRef,
) -> Result<(), LicensesError> {
    let mut by_licensee = address_key(BY_LICENSEE, licensee);
    by_licensee.extend_from_slice(&grant.id.to_be_bytes());
    ctx.put(S, by_licensee, Vec::new())?;
    let mut by_target = target.key(BY_TARGET);
    by_target.extend_from_slice(&grant.id.to_be_bytes());
    Ok(ctx.put(S, by_target, Vec::new())?)
}

fn grants_under(r: &mut impl Read, prefix: &[u8]) -> Result<Vec<Grant>, LicensesError> {
    let keys = r.read_prefix(S, prefix)?;
    let mut grants = Vec::with_capacity(keys.len());
    for (key, _) in keys {
        let id = crate::modules::util::trailing_id(&key)?;
        grants.push(must_grant(r, id)?);
    }
    Ok(grants)
}

pub fn grants_of(r: &mut impl Read, licensee: &Address) -> Result<Vec<Grant>, LicensesError> {
    grants_under(r, &address_key(BY_LICENSEE, licensee))
}

pub fn grants_on(r: &mut impl Read, target: TargetRef) -> Result<Vec<Grant>, LicensesError> {
    grants_under(r, &target.key(BY_TARGET))
}
