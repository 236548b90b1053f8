//! What other modules and the ante checks may ask of bank: moving, burning and reading coins.

use cosmrs::proto::cosmos::base::v1beta1::Coin;
use openledger_types::{Address, DEFAULT_FEE_DENOM};

use super::deps::Accounts;
use super::{state, Coins};
use crate::context::{event, Ctx, Read};
use crate::error::SdkError;

/// bank's side of the narrow interfaces other modules declare.
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
        Self::send(ctx, accounts, from, to, &coins)
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
            SdkError::Internal(format!(
                "supply {supply}{denom} is below a burn of {amount}"
            ))
        })?;
        state::set_supply(ctx, denom, supply)?;
        ctx.emit(event(
            "burn",
            &[
                ("burner", from.to_bech32()),
                ("amount", format!("{amount}{denom}")),
            ],
        ));
        Ok(())
    }

    /// Moves coins of any denom, creating the recipient's account if needed (also the fee
    /// path). Fails without partial effect on the caller's scratch state, which the caller
    /// discards on error.
    pub fn send(
        ctx: &mut Ctx,
        accounts: &impl Accounts,
        from: &Address,
        to: &Address,
        coins: &Coins,
    ) -> Result<(), SdkError> {
        for (denom, amount) in coins.iter() {
            let have = state::balance(ctx, from, denom)?;
            let left = have.checked_sub(amount).ok_or_else(|| {
                SdkError::InsufficientFunds(format!(
                    "spendable balance {have}{denom} is smaller than {amount}{denom}"
                ))
            })?;
            state::set_balance(ctx, from, denom, left)?;
        }
        accounts.ensure_account(ctx, to)?;
        for (denom, amount) in coins.iter() {
            let have = state::balance(ctx, to, denom)?;
            let total = have.checked_add(amount).ok_or_else(|| {
                SdkError::InvalidCoins(format!("balance of {to} in {denom} would overflow"))
            })?;
            state::set_balance(ctx, to, denom, total)?;
        }
        let (from, to, amount) = (from.to_bech32(), to.to_bech32(), coins.to_string());
        ctx.emit(event(
            "coin_spent",
            &[("spender", from.clone()), ("amount", amount.clone())],
        ));
        ctx.emit(event(
            "coin_received",
            &[("receiver", to.clone()), ("amount", amount.clone())],
        ));
        ctx.emit(event(
            "transfer",
            &[("recipient", to), ("sender", from), ("amount", amount)],
        ));
        Ok(())
    }

    pub fn balance(r: &mut impl Read, addr: &Address, denom: &str) -> Result<u128, SdkError> {
        state::balance(r, addr, denom)
    }

    pub fn supply(r: &mut impl Read, denom: &str) -> Result<u128, SdkError> {
        state::supply(r, denom)
    }

    /// Every balance in state, as (address, coin), in key order: for invariant checks.
    pub fn all_balances(r: &mut impl Read) -> Result<Vec<(Address, Coin)>, SdkError> {
        state::all_balances(r)
    }
}
