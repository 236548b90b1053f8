//! One handler per message, in two steps: `check` turns the wire message into a validated struct
//! without reading state (run in CheckTx and in the block's parallel pre-pass), then `execute`
//! runs the stateful checks and the effects on the transaction's scratch context, which is
//! thrown away on error. The two stateful steps are fused on purpose (as Penumbra's
//! `check_and_execute`): a check that reads state must read the state it then writes.
//!
//! A module lists its handlers once with [`module_messages!`], which makes the module's `Msg`
//! enum; the router picks the module by the proto package of the type URL. Adding a message is
//! its proto and one handler in its module.

use openledger_types::Address;

use crate::context::Ctx;
use crate::error::{Failure, SdkError};

pub trait Handler: Sized {
    /// The wire message; its type URL comes from `prost::Name`.
    type Proto: prost::Message + prost::Name + Default;
    /// What `execute` returns, carried in TxMsgData under its own type URL.
    type Response: prost::Message + prost::Name;

    /// Stateless checks: well-formed fields, bounded sizes, the signer's address.
    fn check(msg: Self::Proto) -> Result<Self, Failure>;

    /// The account that must sign.
    fn signer(&self) -> &Address;
}

/// Execution with the dependencies `D` that the module declares in its `deps.rs`.
pub trait Execute<D: ?Sized>: Handler {
    fn execute(&self, ctx: &mut Ctx, deps: &D) -> Result<Self::Response, Failure>;
}

/// Decodes a message body and runs its stateless checks.
///
/// prost drops fields it does not know, so a message must be exactly its canonical encoding:
/// what decodes re-encodes to as many bytes. That refuses unknown fields at every depth (and
/// duplicated or padded ones), so no signed byte goes unread. The SDK tolerates unknown
/// non-critical fields (bit 11) inside messages; nothing here needs them, so this is stricter.
pub fn decode_checked<H: Handler>(value: &[u8]) -> Result<H, Failure> {
    let name = <H::Proto as prost::Name>::full_name;
    let msg = <H::Proto as prost::Message>::decode(value)
        .map_err(|e| SdkError::TxDecode(format!("{}: {e}", name())))?;
    let canonical = prost::Message::encoded_len(&msg);
    if canonical != value.len() {
        return Err(SdkError::TxDecode(format!(
            "{}: {} bytes where its fields encode to {canonical}: unknown fields, or a \
             non-canonical encoding, are refused",
            name(),
            value.len()
        ))
        .into());
    }
    H::check(msg)
}

/// Executes a handler and packs its response for TxMsgData.
pub fn execute_to_any<H: Execute<D>, D: ?Sized>(
    handler: &H,
    ctx: &mut Ctx,
    deps: &D,
) -> Result<tendermint_proto::google::protobuf::Any, Failure> {
    let response = handler.execute(ctx, deps)?;
    Ok(tendermint_proto::google::protobuf::Any {
        type_url: <H::Response as prost::Name>::type_url(),
        value: prost::Message::encode_to_vec(&response),
    })
}

/// `/pkg.v1.MsgName` → (`pkg.v1`, `MsgName`).
pub fn split_type_url(type_url: &str) -> Option<(&str, &str)> {
    type_url.strip_prefix('/')?.rsplit_once('.')
}

/// Declares a module's `Msg` enum from its handlers: decoding by message name, the signer, the
/// type URL and execution with the module's dependencies.
#[macro_export]
macro_rules! module_messages {
    (module: $module:literal, package: $package:expr, deps: $deps:path, { $($variant:ident($handler:ty)),* $(,)? }) => {
        /// This module's messages, each past its stateless checks.
        #[derive(Debug, Clone)]
        pub enum Msg {
            $($variant($handler),)*
        }

        impl Msg {
            /// The module name in the `message` event.
            pub const MODULE: &'static str = $module;
            /// The proto package of the module's messages.
            pub const PACKAGE: &'static str = $package;

            /// Decodes and checks the message `name` of this package; None when it has none.
            pub fn decode(
                name: &str,
                value: &[u8],
            ) -> Option<Result<Msg, $crate::error::Failure>> {
                $(
                    if name == <<$handler as $crate::tx::handler::Handler>::Proto as prost::Name>::NAME {
                        return Some($crate::tx::handler::decode_checked::<$handler>(value).map(Msg::$variant));
                    }
                )*
                None
            }

            pub fn type_url(&self) -> String {
                match self {
                    $(Msg::$variant(_) => <<$handler as $crate::tx::handler::Handler>::Proto as prost::Name>::type_url(),)*
                }
            }

            pub fn signer(&self) -> &openledger_types::Address {
                match self {
                    $(Msg::$variant(m) => $crate::tx::handler::Handler::signer(m),)*
                }
            }

            pub fn execute<D: $deps>(
                &self,
                ctx: &mut $crate::context::Ctx,
                deps: &D,
            ) -> Result<tendermint_proto::google::protobuf::Any, $crate::error::Failure> {
                match self {
                    $(Msg::$variant(m) => $crate::tx::handler::execute_to_any(m, ctx, deps),)*
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_type_url_splits_into_package_and_name() {
        assert_eq!(
            split_type_url("/openledger.models.v1.MsgRegisterModel"),
            Some(("openledger.models.v1", "MsgRegisterModel"))
        );
        assert_eq!(split_type_url("openledger.models.v1.MsgX"), None);
        assert_eq!(split_type_url("/nodot"), None);
    }
}
