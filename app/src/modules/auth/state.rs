//! The auth substore; the only door to its keys.

use cosmrs::proto::cosmos::auth::v1beta1::BaseAccount;
use cosmrs::proto::cosmos::staking::v1beta1::Params as StakingParams;
use openledger_proto::auth::v1::Params;
use openledger_types::Address;

use crate::context::{Ctx, Read};
use crate::error::SdkError;
use crate::keyspace::{BigEndian, Item, Map, Proto, Tail, Utf8};
use crate::store::Substore;

const S: Substore = Substore::Auth;
const PARAMS: Item<Proto<Params>> = Item::new(S, 0x00);
/// `0x01 | address bytes` (unframed, as x/auth keys accounts) → account.
const ACCOUNTS: Map<Tail, Proto<BaseAccount>> = Map::new(S, 0x01);
/// The number the next new account gets.
const NEXT_ACCOUNT_NUMBER: Item<BigEndian> = Item::new(S, 0x02);
/// From InitChain.
const CHAIN_ID: Item<Utf8> = Item::new(S, 0x10);
/// Unbonding time and history depth, which IBC clients read (no staking module yet).
const STAKING_PARAMS: Item<Proto<StakingParams>> = Item::new(S, 0x11);
/// The consensus params' `block.max_gas` from InitChain; absent when blocks are not limited.
const BLOCK_MAX_GAS: Item<BigEndian> = Item::new(S, 0x12);

fn account_key(addr: &Address) -> Tail {
    Tail(addr.as_bytes().to_vec())
}

pub(super) fn account(r: &mut impl Read, addr: &Address) -> Result<Option<BaseAccount>, SdkError> {
    ACCOUNTS.get(r, &account_key(addr))
}

pub(super) fn set_account(
    ctx: &mut Ctx,
    addr: &Address,
    account: &BaseAccount,
) -> Result<(), SdkError> {
    ACCOUNTS.set(ctx, &account_key(addr), account)
}

/// Creates the account with the next number if it does not exist yet, as x/bank does for the
/// recipient of a transfer.
pub(super) fn ensure_account(ctx: &mut Ctx, addr: &Address) -> Result<(), SdkError> {
    if account(ctx, addr)?.is_some() {
        return Ok(());
    }
    let number = NEXT_ACCOUNT_NUMBER.get(ctx)?.unwrap_or(0);
    let following = number
        .checked_add(1)
        .ok_or_else(|| SdkError::Internal("account numbers exhausted".into()))?;
    NEXT_ACCOUNT_NUMBER.set(ctx, &following)?;
    set_account(
        ctx,
        addr,
        &BaseAccount {
            address: addr.to_bech32(),
            pub_key: None,
            account_number: number,
            sequence: 0,
        },
    )
}

pub(super) fn set_next_account_number(ctx: &mut Ctx, next: u64) -> Result<(), SdkError> {
    NEXT_ACCOUNT_NUMBER.set(ctx, &next)
}

pub(super) fn params(r: &mut impl Read) -> Result<Params, SdkError> {
    PARAMS
        .get(r)?
        .ok_or_else(|| SdkError::Internal("auth params missing: chain not initialized".into()))
}

pub(super) fn set_params(ctx: &mut Ctx, params: &Params) -> Result<(), SdkError> {
    PARAMS.set(ctx, params)
}

pub(super) fn chain_id(r: &mut impl Read) -> Result<String, SdkError> {
    CHAIN_ID
        .get(r)?
        .ok_or_else(|| SdkError::Internal("chain id missing".into()))
}

pub(super) fn set_chain_id(ctx: &mut Ctx, chain_id: &str) -> Result<(), SdkError> {
    CHAIN_ID.set(ctx, &chain_id.to_string())
}

pub(super) fn block_max_gas(r: &mut impl Read) -> Result<Option<u64>, SdkError> {
    BLOCK_MAX_GAS.get(r)
}

pub(super) fn set_block_max_gas(ctx: &mut Ctx, max_gas: u64) -> Result<(), SdkError> {
    BLOCK_MAX_GAS.set(ctx, &max_gas)
}

pub(super) fn staking_params(r: &mut impl Read) -> Result<StakingParams, SdkError> {
    Ok(STAKING_PARAMS.get(r)?.unwrap_or_default())
}

pub(super) fn set_staking_params(ctx: &mut Ctx, params: &StakingParams) -> Result<(), SdkError> {
    STAKING_PARAMS.set(ctx, params)
}

pub(super) fn all_accounts(r: &mut impl Read) -> Result<Vec<BaseAccount>, SdkError> {
    ACCOUNTS.values(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyspace::testing::written;

    #[test]
    fn keys_keep_their_bytes() {
        let addr = Address::from_bytes(vec![7; 20]).unwrap();
        let rows = written(|ctx| {
            set_chain_id(ctx, "openledger-local-1").unwrap();
            ensure_account(ctx, &addr).unwrap();
            ensure_account(ctx, &Address::from_bytes(vec![8; 20]).unwrap()).unwrap();
        });
        let mut account = vec![0x01];
        account.extend([7; 20]);
        let find = |key: &[u8]| {
            rows.iter()
                .find(|(_, k, _)| k == key)
                .map(|(_, _, v)| v.clone())
        };
        assert!(find(&account).is_some());
        assert_eq!(find(&[0x02]), Some(2u64.to_be_bytes().to_vec()));
        assert_eq!(find(&[0x10]), Some(b"openledger-local-1".to_vec()));
    }
}
