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
pub mod genesis;
pub mod msgs;
pub mod query;
pub mod state;

pub use coins::Coins;

use super::auth::Address;

/// The module account that collects transaction fees.
pub fn fee_collector() -> Address {
    Address::module("fee_collector")
}

/// What bank needs from auth: recipients get an account on first receipt, as in x/bank.
pub trait AccountKeeper {
    fn ensure_account(
        &self,
        ctx: &mut crate::context::Ctx,
        addr: &Address,
    ) -> Result<(), crate::error::SdkError>;
}

/// bank's side of the narrow interfaces other modules declare to move uopen.
pub struct Keeper;

impl Keeper {
    /// Moves `amount` uopen; zero moves nothing.
    pub fn send_uopen(
        ctx: &mut crate::context::Ctx,
        from: &Address,
        to: &Address,
        amount: u128,
    ) -> Result<(), crate::error::SdkError> {
        if amount == 0 {
            return Ok(());
        }
        let coins = Coins::single(super::auth::DEFAULT_FEE_DENOM, amount);
        msgs::send(ctx, &super::auth::Keeper, from, to, &coins)
    }

    /// Destroys `amount` uopen held by `from`, lowering the supply.
    pub fn burn_uopen(
        ctx: &mut crate::context::Ctx,
        from: &Address,
        amount: u128,
    ) -> Result<(), crate::error::SdkError> {
        let denom = super::auth::DEFAULT_FEE_DENOM;
        let have = state::balance(ctx, from, denom)?;
        let left = have.checked_sub(amount).ok_or_else(|| {
            crate::error::SdkError::InsufficientFunds(format!(
                "{from} holds {have}{denom}, cannot burn {amount}"
            ))
        })?;
        state::set_balance(ctx, from, denom, left)?;
        let supply = state::supply(ctx, denom)?;
        state::set_supply(ctx, denom, supply.saturating_sub(amount))?;
        ctx.emit(crate::context::event(
            "burn",
            &[
                ("burner", from.to_bech32()),
                ("amount", format!("{amount}{denom}")),
            ],
        ));
        Ok(())
    }
}
