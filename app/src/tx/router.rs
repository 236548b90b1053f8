//! Maps each message type URL to its module's handler, with one match.

use tendermint_proto::google::protobuf::Any;

use crate::context::{event, Ctx};
use crate::error::SdkError;
use crate::modules::auth::{self, Address};
use crate::modules::bank;

/// A message that passed its stateless checks.
#[derive(Debug, Clone)]
pub enum Msg {
    BankSend(bank::msgs::ValidSend),
}

impl Msg {
    /// Decodes and validates a message by its type URL.
    pub fn decode(any: &Any) -> Result<Msg, SdkError> {
        use prost::Message;
        match any.type_url.as_str() {
            bank::msgs::MSG_SEND_URL => {
                let msg = cosmrs::proto::cosmos::bank::v1beta1::MsgSend::decode(any.value.as_slice())?;
                Ok(Msg::BankSend(bank::msgs::validate_send(&msg)?))
            }
            other => Err(SdkError::UnknownRequest(format!("unrecognized message type {other:?}"))),
        }
    }

    pub fn type_url(&self) -> &'static str {
        match self {
            Msg::BankSend(_) => bank::msgs::MSG_SEND_URL,
        }
    }

    pub fn signer(&self) -> &Address {
        match self {
            Msg::BankSend(m) => &m.from,
        }
    }

    fn module(&self) -> &'static str {
        match self {
            Msg::BankSend(_) => "bank",
        }
    }

    fn response_url(&self) -> &'static str {
        match self {
            Msg::BankSend(_) => "/cosmos.bank.v1beta1.MsgSendResponse",
        }
    }
}

/// Executes one message; returns its response as an Any for TxMsgData.
pub fn execute(ctx: &mut Ctx, msg: &Msg) -> Result<Any, SdkError> {
    ctx.emit(event(
        "message",
        &[("action", msg.type_url().to_string()), ("sender", msg.signer().to_bech32()), ("module", msg.module().to_string())],
    ));
    match msg {
        Msg::BankSend(m) => bank::msgs::handle_send(ctx, &auth::Keeper, m)?,
    }
    Ok(Any { type_url: msg.response_url().to_string(), value: Vec::new() })
}
