//! bank: balances per (address, denom) as u128, total supply, transfers, module accounts.
//!
//! State (substore `bank`), laid out as x/bank lays it out:
//! - `0x00 | denom` → supply (`cosmos.base.v1beta1.Coin`)
//! - `0x02 | len(address) | address | denom` → balance (`cosmos.base.v1beta1.Coin`)
//!
//! Messages: `cosmos.bank.v1beta1.MsgSend`.
//! Events: `coin_spent`, `coin_received`, `transfer` as the SDK emits them.
//! Invariants: no balance is zero-valued in state; the sum of balances of a denom equals its
//! supply; transfers never create or destroy coins.

pub mod coins;
pub mod deps;
pub mod genesis;
pub mod msgs;
pub mod query;
pub mod state;

pub use coins::Coins;
pub use msgs::Msg;

use openledger_types::Address;

use crate::context::{event, Ctx};
use crate::error::SdkError;
use deps::Accounts;
use openledger_types::DEFAULT_FEE_DENOM;

/// The module account that collects transaction fees.
pub fn fee_collector() -> Address {
    Address::module("fee_collector")
}

/// bank's side of the narrow interfaces other modules declare to move uopen.
pub struct Keeper;

impl Keeper {
    /// Moves `amount` uopen; zero moves nothing.
    pub fn send_uopen(
        ctx: &mut Ctx,
        accounts: &impl Accounts,
        from: &Address,
        to: &Address,
        amount: u128,
    ) -> Result<(), SdkError> {
        if amount == 0 {
            return Ok(());
        }
        let coins = Coins::single(DEFAULT_FEE_DENOM, amount);
        msgs::send(ctx, accounts, from, to, &coins)
    }

    /// Destroys `amount` uopen held by `from`, lowering the supply.
    pub fn burn_uopen(ctx: &mut Ctx, from: &Address, amount: u128) -> Result<(), SdkError> {
        let denom = DEFAULT_FEE_DENOM;
        let have = state::balance(ctx, from, denom)?;
        let left = have.checked_sub(amount).ok_or_else(|| {
            SdkError::InsufficientFunds(format!("{from} holds {have}{denom}, cannot burn {amount}"))
        })?;
        state::set_balance(ctx, from, denom, left)?;
        let supply = state::supply(ctx, denom)?;
        let supply = supply.checked_sub(amount).ok_or_else(|| {
            SdkError::Internal(format!("supply {supply}{denom} is below a burn of {amount}"))
        })?;
        state::set_supply(ctx, denom, supply)?;
        ctx.emit(event(
            "burn",
            &[("burner", from.to_bech32()), ("amount", format!("{amount}{denom}"))],
        ));
        Ok(())
    }
}
