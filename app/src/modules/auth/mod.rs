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
pub mod state;

pub use address::{Address, ACCOUNT_PREFIX};
pub use params::{GasPrice, DEFAULT_FEE_DENOM};

/// What other modules may ask of auth; `crate::keepers` hands it to them through their
/// declared traits.
pub struct Keeper;

impl Keeper {
    /// Creates the account with the next number if it does not exist yet.
    pub fn ensure_account(
        ctx: &mut crate::context::Ctx,
        addr: &Address,
    ) -> Result<(), crate::error::SdkError> {
        state::ensure_account(ctx, addr)
    }
}
