//! Transfers: the keeper's `send` (also used to pay fees) and the MsgSend handler.

use cosmrs::proto::cosmos::bank::v1beta1::MsgSend;

use super::{fee_collector, state, AccountKeeper, Coins};
use crate::context::{event, Ctx};
use crate::error::SdkError;
use crate::modules::auth::Address;

pub const MSG_SEND_URL: &str = "/cosmos.bank.v1beta1.MsgSend";

/// A MsgSend that passed its stateless checks.
#[derive(Debug, Clone)]
pub struct ValidSend {
    pub from: Address,
    pub to: Address,
    pub amount: Coins,
}

/// Stateless checks: well-formed addresses, valid and non-empty coins.
pub fn validate_send(msg: &MsgSend) -> Result<ValidSend, SdkError> {
    let from = Address::from_bech32(&msg.from_address)?;
    let to = Address::from_bech32(&msg.to_address)?;
    let amount = Coins::from_proto(&msg.amount)?;
    if amount.is_empty() {
        return Err(SdkError::InvalidCoins("send amount is empty".into()));
    }
    Ok(ValidSend { from, to, amount })
}

/// Executes a MsgSend: module accounts may not receive through it, as x/bank's blocked addresses.
pub fn handle_send(
    ctx: &mut Ctx,
    accounts: &impl AccountKeeper,
    msg: &ValidSend,
) -> Result<(), SdkError> {
    if msg.to == fee_collector() {
        return Err(SdkError::Unauthorized(format!(
            "{} is not allowed to receive funds",
            msg.to
        )));
    }
    send(ctx, accounts, &msg.from, &msg.to, &msg.amount)
}

/// Moves coins, creating the recipient's account if needed. Fails without partial effect on the
/// caller's scratch state, which the caller discards on error.
pub fn send(
    ctx: &mut Ctx,
    accounts: &impl AccountKeeper,
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
