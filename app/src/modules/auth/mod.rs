//! auth: accounts (address, number, sequence, public key) and the chain's transaction params.
//!
//! State (substore `auth`):
//! - `0x00` → `openledger.auth.v1.Params`
//! - `0x01 | address` → `cosmos.auth.v1beta1.BaseAccount`
//! - `0x02` → next account number (u64 big-endian)
//! - `0x10` → chain id (from InitChain)
//! - `0x11` → `cosmos.staking.v1beta1.Params` (unbonding time and history depth, which IBC
//!   clients read; this chain has no staking module of its own yet)
//!
//! Invariants: account numbers are unique and dense; a sequence only grows.

mod address;
pub mod genesis;
mod params;
pub mod query;
mod state;

pub use address::{Address, ACCOUNT_PREFIX};
pub use params::{default_params, GasPrice, DEFAULT_FEE_DENOM};

use cosmrs::proto::cosmos::auth::v1beta1::BaseAccount;
use openledger_proto::auth::v1::Params;

use crate::context::{Ctx, Read};
use crate::error::SdkError;

/// What the ante checks, the app and other modules may ask of auth (through `crate::keepers`).
pub struct Keeper;

impl Keeper {
    pub fn account(r: &mut impl Read, addr: &Address) -> Result<Option<BaseAccount>, SdkError> {
        state::account(r, addr)
    }

    /// The account's compressed secp256k1 key: None until it has signed a transaction (or for a
    /// key of another type).
    pub fn public_key(r: &mut impl Read, addr: &Address) -> Result<Option<Vec<u8>>, SdkError> {
        use prost::Message as _;
        let Some(any) = state::account(r, addr)?.and_then(|a| a.pub_key) else {
            return Ok(None);
        };
        if any.type_url != genesis::SECP256K1_PUBKEY_URL {
            return Ok(None);
        }
        Ok(
            cosmrs::proto::cosmos::crypto::secp256k1::PubKey::decode(any.value.as_slice())
                .ok()
                .map(|k| k.key),
        )
    }

    pub fn set_account(
        ctx: &mut Ctx,
        addr: &Address,
        account: &BaseAccount,
    ) -> Result<(), SdkError> {
        state::set_account(ctx, addr, account)
    }

    /// Creates the account with the next number if it does not exist yet.
    pub fn ensure_account(ctx: &mut Ctx, addr: &Address) -> Result<(), SdkError> {
        state::ensure_account(ctx, addr)
    }

    pub fn params(r: &mut impl Read) -> Result<Params, SdkError> {
        state::params(r)
    }

    pub fn chain_id(r: &mut impl Read) -> Result<String, SdkError> {
        state::chain_id(r)
    }

    pub fn set_chain_id(ctx: &mut Ctx, chain_id: &str) -> Result<(), SdkError> {
        state::set_chain_id(ctx, chain_id)
    }

    /// The most gas a block may hold (the sum of its txs' gas limits); None: no limit.
    /// How many past heights of this chain's consensus state the chain keeps (the staking
    /// Params' `historical_entries`, which relayers read).
    pub fn historical_entries(r: &mut impl Read) -> Result<u32, SdkError> {
        Ok(state::staking_params(r)?.historical_entries)
    }

    pub fn block_max_gas(r: &mut impl Read) -> Result<Option<u64>, SdkError> {
        state::block_max_gas(r)
    }

    pub fn set_block_max_gas(ctx: &mut Ctx, max_gas: u64) -> Result<(), SdkError> {
        state::set_block_max_gas(ctx, max_gas)
    }
}
