//! The bank substore, laid out as x/bank lays it out; the only door to its keys.

use cosmrs::proto::cosmos::base::v1beta1::Coin;
use openledger_types::Address;

use super::coins::parse_amount;
use crate::context::{Ctx, Read};
use crate::error::SdkError;
use crate::keyspace::{Map, Proto, Tail};
use crate::store::Substore;

const S: Substore = Substore::Bank;
/// `0x00 | denom` → supply.
const SUPPLY: Map<Tail, Proto<Coin>> = Map::new(S, 0x00);
/// `0x02 | len(address) | address | denom` → balance.
const BALANCES: Map<(Address, Tail), Proto<Coin>> = Map::new(S, 0x02);

fn denom_key(denom: &str) -> Tail {
    Tail(denom.as_bytes().to_vec())
}

fn amount(coin: Option<Coin>) -> Result<u128, SdkError> {
    coin.map_or(Ok(0), |c| {
        parse_amount(&c.amount).map_err(|e| SdkError::Internal(format!("corrupt balance: {e}")))
    })
}

fn coin(denom: &str, value: u128) -> Coin {
    Coin {
        denom: denom.to_string(),
        amount: value.to_string(),
    }
}

pub(super) fn balance(r: &mut impl Read, addr: &Address, denom: &str) -> Result<u128, SdkError> {
    amount(BALANCES.get(r, &(addr.clone(), denom_key(denom)))?)
}

/// A zero balance is removed, so state holds no zero-valued balance.
pub(super) fn set_balance(
    ctx: &mut Ctx,
    addr: &Address,
    denom: &str,
    value: u128,
) -> Result<(), SdkError> {
    let key = (addr.clone(), denom_key(denom));
    if value == 0 {
        return BALANCES.remove(ctx, &key);
    }
    BALANCES.set(ctx, &key, &coin(denom, value))
}

pub(super) fn balances(r: &mut impl Read, addr: &Address) -> Result<Vec<Coin>, SdkError> {
    BALANCES.values_under(r, addr)
}

pub(super) fn supply(r: &mut impl Read, denom: &str) -> Result<u128, SdkError> {
    amount(SUPPLY.get(r, &denom_key(denom))?)
}

pub(super) fn set_supply(ctx: &mut Ctx, denom: &str, value: u128) -> Result<(), SdkError> {
    SUPPLY.set(ctx, &denom_key(denom), &coin(denom, value))
}

pub(super) fn all_supply(r: &mut impl Read) -> Result<Vec<Coin>, SdkError> {
    SUPPLY.values(r)
}

/// Every balance in state, as (address, coin), in key order.
pub(super) fn all_balances(r: &mut impl Read) -> Result<Vec<(Address, Coin)>, SdkError> {
    Ok(BALANCES
        .entries(r)?
        .into_iter()
        .map(|((addr, _), c)| (addr, c))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyspace::testing::written;

    #[test]
    fn keys_keep_the_x_bank_layout() {
        let addr = Address::from_bytes(vec![0xab; 20]).unwrap();
        let keys: Vec<Vec<u8>> = written(|ctx| {
            set_balance(ctx, &addr, "uopen", 5).unwrap();
            set_supply(ctx, "uopen", 5).unwrap();
        })
        .into_iter()
        .map(|(store, key, _)| {
            assert_eq!(store, S);
            key
        })
        .collect();
        let mut supply_key = vec![0x00];
        supply_key.extend(b"uopen");
        let mut balance_key = vec![0x02, 20];
        balance_key.extend([0xab; 20]);
        balance_key.extend(b"uopen");
        assert_eq!(keys, vec![supply_key, balance_key]);
    }
}
