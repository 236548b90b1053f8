//! Transfers: the keeper's `send` (also used to pay fees) and the MsgSend handler.

use cosmrs::proto::cosmos::bank::v1beta1::{MsgSend, MsgSendResponse};

use super::deps::{Accounts, Deps};
use super::{state, Coins};
use crate::context::{event, Ctx};
use crate::error::{Failure, SdkError};
use crate::tx::handler::{Execute, Handler};
use openledger_types::Address;

crate::module_messages!(module: "bank", package: "cosmos.bank.v1beta1", deps: Deps, {
    Send(ValidSend),
});

/// A MsgSend that passed its stateless checks.
#[derive(Debug, Clone)]
pub struct ValidSend {
    pub from: Address,
    pub to: Address,
    pub amount: Coins,
}

impl Handler for ValidSend {
    type Proto = MsgSend;
    type Response = MsgSendResponse;

    /// Well-formed addresses, valid and non-empty coins.
    fn check(msg: MsgSend) -> Result<Self, Failure> {
        let from = Address::from_bech32(&msg.from_address).map_err(SdkError::from)?;
        let to = Address::from_bech32(&msg.to_address).map_err(SdkError::from)?;
        let amount = Coins::from_proto(&msg.amount)?;
        if amount.is_empty() {
            return Err(SdkError::InvalidCoins("send amount is empty".into()).into());
        }
        Ok(ValidSend { from, to, amount })
    }

    fn signer(&self) -> &Address {
        &self.from
    }
}

impl<D: Deps> Execute<D> for ValidSend {
    /// Module accounts may not receive through MsgSend, as x/bank's blocked addresses.
    fn execute(&self, ctx: &mut Ctx, deps: &D) -> Result<MsgSendResponse, Failure> {
        if deps.is_module_account(&self.to) {
            return Err(SdkError::Unauthorized(format!(
                "{} is not allowed to receive funds",
                self.to
            ))
            .into());
        }
        send(ctx, deps, &self.from, &self.to, &self.amount)?;
        Ok(MsgSendResponse {})
    }
}

/// Moves coins, creating the recipient's account if needed. Fails without partial effect on the
/// caller's scratch state, which the caller discards on error.
pub(super) fn send(
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
