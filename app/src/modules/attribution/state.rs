//! Keys and typed access to the attribution substore.

use openledger_proto::attribution::v1::{
    AddressRewards, ContributionCounters, Operator, Params, Report, VersionCounters,
};

use super::AttributionError;
use crate::context::{Ctx, Read};
use openledger_types::Address;
use crate::modules::util::{address_key, id_key};
use crate::store::Substore;

pub const S: Substore = Substore::Attribution;
pub const PARAMS: &[u8] = &[0x00];
pub const OPERATOR: u8 = 0x01;
pub const BATCH: u8 = 0x02;
pub const REQUEST: u8 = 0x03;
pub const LAST_REPORT_ID: &[u8] = &[0x04];
pub const REPORT: u8 = 0x05;
pub const REPORTS_OF: u8 = 0x06;
pub const CONTRIBUTION: u8 = 0x07;
pub const VERSION: u8 = 0x08;
pub const REWARDS: u8 = 0x09;
pub const EARNED_FROM_CONTRIBUTION: u8 = 0x0a;
pub const EARNED_FROM_VERSION: u8 = 0x0b;
pub const LAST_CHALLENGE_ID: &[u8] = &[0x0c];
pub const CHALLENGE: u8 = 0x0d;
pub const OPEN_CHALLENGE: u8 = 0x0e;

pub fn operator_key(version_id: u64, operator: &Address) -> Vec<u8> {
    let mut key = id_key(OPERATOR, version_id);
    key.extend(address_key(0, operator).into_iter().skip(1));
    key
}

pub fn keyed_by_address(prefix: u8, addr: &Address, tail: &[u8]) -> Vec<u8> {
    let mut key = address_key(prefix, addr);
    key.extend_from_slice(tail);
    key
}

pub fn params(r: &mut impl Read) -> Result<Params, AttributionError> {
    Ok(r.read_msg(S, PARAMS)?.unwrap_or_else(super::default_params))
}

pub fn operator(
    r: &mut impl Read,
    version_id: u64,
    addr: &Address,
) -> Result<Option<Operator>, AttributionError> {
    Ok(r.read_msg(S, &operator_key(version_id, addr))?)
}

pub fn set_operator(ctx: &mut Ctx, addr: &Address, op: &Operator) -> Result<(), AttributionError> {
    Ok(ctx.put_msg(S, operator_key(op.version_id, addr), op)?)
}

pub fn report(r: &mut impl Read, id: u64) -> Result<Option<Report>, AttributionError> {
    Ok(r.read_msg(S, &id_key(REPORT, id))?)
}

pub fn contribution_counters(
    r: &mut impl Read,
    id: u64,
) -> Result<ContributionCounters, AttributionError> {
    let stored: Option<ContributionCounters> = r.read_msg(S, &id_key(CONTRIBUTION, id))?;
    Ok(stored.unwrap_or(ContributionCounters {
        contribution_id: id,
        uses: 0,
        weight: "0".into(),
        earned: "0".into(),
    }))
}

pub fn version_counters(r: &mut impl Read, id: u64) -> Result<VersionCounters, AttributionError> {
    let stored: Option<VersionCounters> = r.read_msg(S, &id_key(VERSION, id))?;
    Ok(stored.unwrap_or(VersionCounters {
        version_id: id,
        uses: 0,
        revenue: "0".into(),
    }))
}

pub fn rewards(r: &mut impl Read, addr: &Address) -> Result<AddressRewards, AttributionError> {
    let stored: Option<AddressRewards> = r.read_msg(S, &address_key(REWARDS, addr))?;
    Ok(stored.unwrap_or(AddressRewards {
        address: addr.to_bech32(),
        earned: "0".into(),
        claimed: "0".into(),
    }))
}

pub fn set_rewards(
    ctx: &mut Ctx,
    addr: &Address,
    rewards: &AddressRewards,
) -> Result<(), AttributionError> {
    Ok(ctx.put_msg(S, address_key(REWARDS, addr), rewards)?)
}

/// Counters are decimal strings on the wire; in state they are always well-formed.
pub fn num(text: &str) -> Result<u128, AttributionError> {
    if text.is_empty() {
        return Ok(0);
    }
    text.parse::<u128>()
        .map_err(|_| AttributionError::Overflow(format!("corrupt counter {text:?}")))
}

pub fn add(text: &str, amount: u128) -> Result<String, AttributionError> {
    Ok(num(text)?
        .checked_add(amount)
        .ok_or_else(|| AttributionError::Overflow("counter".into()))?
        .to_string())
}
