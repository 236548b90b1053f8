//! The MsgSend handler: a thin check over `Keeper::send`, refusing module accounts.

use cosmrs::proto::cosmos::bank::v1beta1::{MsgSend, MsgSendResponse};

use super::deps::Deps;
use super::{Coins, Keeper};
use crate::context::Ctx;
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
        Keeper::send(ctx, deps, &self.from, &self.to, &self.amount)?;
        Ok(MsgSendResponse {})
    }
}
