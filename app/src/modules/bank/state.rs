//! Keys and typed access to the bank substore.

use cosmrs::proto::cosmos::base::v1beta1::Coin;

use super::coins::parse_amount;
use crate::context::{Ctx, Read};
use crate::error::SdkError;
use openledger_types::Address;
use crate::store::Substore;

const S: Substore = Substore::Bank;
pub const SUPPLY_PREFIX: u8 = 0x00;
pub const BALANCES_PREFIX: u8 = 0x02;

/// `0x02 | len(address) | address`: the prefix of all of an address's balances.
pub fn balances_prefix(addr: &Address) -> Vec<u8> {
    let bytes = addr.as_bytes();
    let mut key = Vec::with_capacity(bytes.len() + 2);
    key.push(BALANCES_PREFIX);
    key.push(bytes.len() as u8); // Address::from_bytes bounds the length to 255.
    key.extend_from_slice(bytes);
    key
}

pub fn balance_key(addr: &Address, denom: &str) -> Vec<u8> {
    let mut key = balances_prefix(addr);
    key.extend_from_slice(denom.as_bytes());
    key
}

pub fn supply_key(denom: &str) -> Vec<u8> {
    let mut key = vec![SUPPLY_PREFIX];
    key.extend_from_slice(denom.as_bytes());
    key
}

fn amount(coin: Option<Coin>) -> Result<u128, SdkError> {
    coin.map_or(Ok(0), |c| {
        parse_amount(&c.amount).map_err(|e| SdkError::Internal(format!("corrupt balance: {e}")))
    })
}

pub fn balance(r: &mut impl Read, addr: &Address, denom: &str) -> Result<u128, SdkError> {
    amount(r.read_msg(S, &balance_key(addr, denom))?)
}

pub fn set_balance(
    ctx: &mut Ctx,
    addr: &Address,
    denom: &str,
    value: u128,
) -> Result<(), SdkError> {
    let key = balance_key(addr, denom);
    if value == 0 {
        return ctx.delete(S, key);
    }
    ctx.put_msg(
        S,
        key,
        &Coin {
            denom: denom.to_string(),
            amount: value.to_string(),
        },
    )
}

pub fn balances(r: &mut impl Read, addr: &Address) -> Result<Vec<Coin>, SdkError> {
    r.read_prefix(S, &balances_prefix(addr))?
        .into_iter()
        .map(|(_, v)| crate::context::decode_state(&v))
        .collect()
}

pub fn supply(r: &mut impl Read, denom: &str) -> Result<u128, SdkError> {
    amount(r.read_msg(S, &supply_key(denom))?)
}

pub fn set_supply(ctx: &mut Ctx, denom: &str, value: u128) -> Result<(), SdkError> {
    ctx.put_msg(
        S,
        supply_key(denom),
        &Coin {
            denom: denom.to_string(),
            amount: value.to_string(),
        },
    )
}

pub fn all_supply(r: &mut impl Read) -> Result<Vec<Coin>, SdkError> {
    r.read_prefix(S, &[SUPPLY_PREFIX])?
        .into_iter()
        .map(|(_, v)| crate::context::decode_state(&v))
        .collect()
}

/// Every balance in state, as (address bytes, coin), in key order.
pub fn all_balances(r: &mut impl Read) -> Result<Vec<(Vec<u8>, Coin)>, SdkError> {
    r.read_prefix(S, &[BALANCES_PREFIX])?
        .into_iter()
        .map(|(key, v)| {
            let len = *key
                .get(1)
                .ok_or_else(|| SdkError::Internal("balance key".into()))?
                as usize;
            let addr = key
                .get(2..2 + len)
                .ok_or_else(|| SdkError::Internal("balance key".into()))?
                .to_vec();
            Ok((addr, crate::context::decode_state(&v)?))
        })
        .collect()
}
