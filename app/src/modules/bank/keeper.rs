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
        Self::burn(ctx, from, &Coins::single(DEFAULT_FEE_DENOM, amount))
    }

    /// Destroys coins of any denom held by `from` (a module account: the IBC transfer app burns
    /// the vouchers it sent back), lowering each denom's supply.
    pub fn burn(ctx: &mut Ctx, from: &Address, coins: &Coins) -> Result<(), SdkError> {
        if coins.is_empty() {
            return Ok(());
        }
        for (denom, amount) in coins.iter() {
            let have = state::balance(ctx, from, denom)?;
            let left = have.checked_sub(amount).ok_or_else(|| {
                SdkError::InsufficientFunds(format!(
                    "{from} holds {have}{denom}, cannot burn {amount}{denom}"
                ))
            })?;
            state::set_balance(ctx, from, denom, left)?;
            let supply = state::supply(ctx, denom)?;
            let supply = supply.checked_sub(amount).ok_or_else(|| {
                SdkError::Internal(format!(
                    "supply {supply}{denom} is below a burn of {amount}{denom}"
                ))
            })?;
            state::set_supply(ctx, denom, supply)?;
        }
        ctx.emit(event(
            "burn",
            &[("burner", from.to_bech32()), ("amount", coins.to_string())],
        ));
        Ok(())
    }

    /// Creates coins of any denom in `to` (the IBC transfer app mints vouchers `ibc/<HASH>` for
    /// tokens that arrive), raising each denom's supply. Supply is kept per denom, so a voucher
    /// never mixes with the native token or with another trace.
    pub fn mint(
        ctx: &mut Ctx,
        accounts: &impl Accounts,
        to: &Address,
        coins: &Coins,
    ) -> Result<(), SdkError> {
        if coins.is_empty() {
            return Ok(());
        }
        accounts.ensure_account(ctx, to)?;
        for (denom, amount) in coins.iter() {
            let supply = state::supply(ctx, denom)?;
            let supply = supply.checked_add(amount).ok_or_else(|| {
                SdkError::InvalidCoins(format!("supply of {denom} would overflow"))
            })?;
            state::set_supply(ctx, denom, supply)?;
            let have = state::balance(ctx, to, denom)?;
            // Bounded by the supply just raised: a balance never exceeds its denom's supply.
            state::set_balance(ctx, to, denom, have.saturating_add(amount))?;
        }
        let (to, amount) = (to.to_bech32(), coins.to_string());
        ctx.emit(event(
            "coin_received",
            &[("receiver", to.clone()), ("amount", amount.clone())],
        ));
        ctx.emit(event("coinbase", &[("minter", to), ("amount", amount)]));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gas::GasMeter;
    use crate::store::EmptyState;

    /// Accounts exist already: these tests are about coins.
    struct Keepers;

    impl Accounts for Keepers {
        fn ensure_account(&self, _: &mut Ctx, _: &Address) -> Result<(), SdkError> {
            Ok(())
        }
    }

    const VOUCHER: &str = "ibc/27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2";

    #[test]
    fn minting_and_burning_a_voucher_moves_its_own_supply_and_leaves_the_native_one() {
        let holder = Address::from_bytes(vec![7; 20]).unwrap();
        let mut ctx = Ctx::new(&EmptyState, GasMeter::infinite(), 1);
        let native = Coins::single(DEFAULT_FEE_DENOM, 5);
        Keeper::mint(&mut ctx, &Keepers, &holder, &native).unwrap();
        Keeper::mint(&mut ctx, &Keepers, &holder, &Coins::single(VOUCHER, 100)).unwrap();
        Keeper::burn(&mut ctx, &holder, &Coins::single(VOUCHER, 40)).unwrap();
        assert_eq!(Keeper::balance(&mut ctx, &holder, VOUCHER).unwrap(), 60);
        assert_eq!(Keeper::supply(&mut ctx, VOUCHER).unwrap(), 60);
        assert_eq!(Keeper::supply(&mut ctx, DEFAULT_FEE_DENOM).unwrap(), 5);
        // Burning more than is held fails, and the caller drops its scratch state on error.
        let err = Keeper::burn(&mut ctx, &holder, &Coins::single(VOUCHER, 61)).unwrap_err();
        assert!(matches!(err, SdkError::InsufficientFunds(_)), "{err}");
    }

    #[test]
    fn a_mint_that_would_overflow_a_supply_is_refused() {
        let holder = Address::from_bytes(vec![7; 20]).unwrap();
        let mut ctx = Ctx::new(&EmptyState, GasMeter::infinite(), 1);
        Keeper::mint(
            &mut ctx,
            &Keepers,
            &holder,
            &Coins::single(VOUCHER, u128::MAX),
        )
        .unwrap();
        let err =
            Keeper::mint(&mut ctx, &Keepers, &holder, &Coins::single(VOUCHER, 1)).unwrap_err();
        assert!(matches!(err, SdkError::InvalidCoins(_)), "{err}");
        assert_eq!(
            Keeper::balance(&mut ctx, &holder, VOUCHER).unwrap(),
            u128::MAX
        );
    }
}
