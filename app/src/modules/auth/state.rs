//! Keys and typed access to the auth substore.

use cosmrs::proto::cosmos::auth::v1beta1::BaseAccount;
use cosmrs::proto::cosmos::staking::v1beta1::Params as StakingParams;
use openledger_proto::auth::v1::Params;

use super::Address;
use crate::context::{Ctx, Read};
use crate::error::SdkError;
use crate::store::Substore;

const S: Substore = Substore::Auth;
pub const PARAMS_KEY: &[u8] = &[0x00];
pub const ACCOUNT_PREFIX: u8 = 0x01;
pub const NEXT_ACCOUNT_NUMBER_KEY: &[u8] = &[0x02];
pub const CHAIN_ID_KEY: &[u8] = &[0x10];
pub const STAKING_PARAMS_KEY: &[u8] = &[0x11];

pub fn account_key(addr: &Address) -> Vec<u8> {
    let mut key = vec![ACCOUNT_PREFIX];
    key.extend_from_slice(addr.as_bytes());
    key
}

pub fn account(r: &mut impl Read, addr: &Address) -> Result<Option<BaseAccount>, SdkError> {
    r.read_msg(S, &account_key(addr))
}

pub fn set_account(ctx: &mut Ctx, addr: &Address, account: &BaseAccount) -> Result<(), SdkError> {
    ctx.put_msg(S, account_key(addr), account)
}

/// Creates the account with the next number if it does not exist yet, as x/bank does for the
/// recipient of a transfer.
pub fn ensure_account(ctx: &mut Ctx, addr: &Address) -> Result<(), SdkError> {
    if account(ctx, addr)?.is_some() {
        return Ok(());
    }
    let number = next_account_number(ctx)?;
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

fn next_account_number(ctx: &mut Ctx) -> Result<u64, SdkError> {
    let next = match ctx.get(S, NEXT_ACCOUNT_NUMBER_KEY)? {
        Some(bytes) => u64::from_be_bytes(
            bytes
                .as_slice()
                .try_into()
                .map_err(|_| SdkError::Internal("account number".into()))?,
        ),
        None => 0,
    };
    let following = next
        .checked_add(1)
        .ok_or_else(|| SdkError::Internal("account numbers exhausted".into()))?;
    ctx.put(
        S,
        NEXT_ACCOUNT_NUMBER_KEY.to_vec(),
        following.to_be_bytes().to_vec(),
    )?;
    Ok(next)
}

pub fn params(r: &mut impl Read) -> Result<Params, SdkError> {
    r.read_msg(S, PARAMS_KEY)?
        .ok_or_else(|| SdkError::Internal("auth params missing: chain not initialized".into()))
}

pub fn chain_id(r: &mut impl Read) -> Result<String, SdkError> {
    let bytes = r
        .read(S, CHAIN_ID_KEY)?
        .ok_or_else(|| SdkError::Internal("chain id missing".into()))?;
    String::from_utf8(bytes).map_err(|_| SdkError::Internal("chain id is not utf-8".into()))
}

pub fn staking_params(r: &mut impl Read) -> Result<StakingParams, SdkError> {
    Ok(r.read_msg(S, STAKING_PARAMS_KEY)?.unwrap_or_default())
}

pub fn all_accounts(r: &mut impl Read) -> Result<Vec<BaseAccount>, SdkError> {
    r.read_prefix(S, &[ACCOUNT_PREFIX])?
        .into_iter()
        .map(|(_, v)| crate::context::decode_state(&v))
        .collect()
}
