//! bank genesis: balances; the supply is derived from them and checked on export.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::coins::{parse_amount, validate_denom};
use super::state;
use crate::context::{Ctx, Read};
use crate::error::SdkError;
use openledger_types::Address;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct GenesisCoin {
    pub denom: String,
    pub amount: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct GenesisBalance {
    pub address: String,
    pub coins: Vec<GenesisCoin>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Genesis {
    #[serde(default)]
    pub balances: Vec<GenesisBalance>,
}

/// Writes balances and the supply they add up to. Accounts for the holders are made by auth's
/// genesis (the app checks that every holder has one).
pub fn import(ctx: &mut Ctx, genesis: &Genesis) -> Result<(), SdkError> {
    let mut supply: BTreeMap<String, u128> = BTreeMap::new();
    let mut seen = std::collections::BTreeSet::new();
    for entry in &genesis.balances {
        let addr = Address::from_bech32(&entry.address)?;
        if !seen.insert(addr.clone()) {
            return Err(SdkError::InvalidRequest(format!(
                "duplicate genesis balance for {}",
                entry.address
            )));
        }
        for coin in &entry.coins {
            validate_denom(&coin.denom)?;
            let amount = parse_amount(&coin.amount)?;
            let total = supply.entry(coin.denom.clone()).or_default();
            *total = total.checked_add(amount).ok_or_else(|| {
                SdkError::InvalidCoins(format!("supply of {} overflows", coin.denom))
            })?;
            let held = state::balance(ctx, &addr, &coin.denom)?;
            state::set_balance(
                ctx,
                &addr,
                &coin.denom,
                held.checked_add(amount)
                    .ok_or_else(|| SdkError::InvalidCoins("balance overflows".into()))?,
            )?;
        }
    }
    for (denom, amount) in supply {
        state::set_supply(ctx, &denom, amount)?;
    }
    Ok(())
}

pub fn export(r: &mut impl Read) -> Result<Genesis, SdkError> {
    let mut by_address: BTreeMap<Address, Vec<GenesisCoin>> = BTreeMap::new();
    for (addr, coin) in state::all_balances(r)? {
        by_address.entry(addr).or_default().push(GenesisCoin {
            denom: coin.denom,
            amount: coin.amount,
        });
    }
    let balances = by_address
        .into_iter()
        .map(|(addr, coins)| {
            Ok(GenesisBalance {
                address: addr.to_bech32(),
                coins,
            })
        })
        .collect::<Result<Vec<_>, SdkError>>()?;
    Ok(Genesis { balances })
}
