//! `openledger tx bank …`.

use anyhow::{Context as _, Result};
use clap::Args;
use cosmrs::proto::cosmos::bank::v1beta1::MsgSend;
use cosmrs::Any;

use super::{one_msg, proto_coins, tx_commands, IntoMsgs};
use crate::{address, coins};

tx_commands! {
    pub enum BankTxCmd {
        /// Send coins: FROM is a key name or its address, AMOUNT like 1000uopen[,5ufoo]
        Send(SendArgs),
    }
}

#[derive(Debug, Args)]
pub struct SendArgs {
    to: String,
    amount: String,
}

impl IntoMsgs for SendArgs {
    fn msgs(self, signer: &str) -> Result<Vec<Any>> {
        address::decode(&self.to).context("invalid recipient")?;
        let amount = coins::parse_coins(&self.amount).context("invalid AMOUNT")?;
        one_msg(MsgSend {
            from_address: signer.to_string(),
            to_address: self.to,
            amount: proto_coins(&amount),
        })
    }
}
