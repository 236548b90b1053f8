//! Routes a message in two levels: the proto package of its type URL picks the module, and the
//! module's `Msg` (made by `module_messages!` from its handlers) picks the handler by name.

use tendermint_proto::google::protobuf::Any;

use super::handler::split_type_url;
use crate::context::{event, Ctx};
use crate::error::{Failure, SdkError};
use crate::keepers::Keepers;
use crate::modules::{attribution, bank, datasets, licenses, models};
use openledger_types::Address;

/// Declares the top-level `Msg` over each module's `Msg`, in one list.
macro_rules! modules {
    ($($variant:ident($module:ident)),* $(,)?) => {
        /// A message that passed its stateless checks, by module.
        #[derive(Debug, Clone)]
        pub enum Msg {
            $($variant($module::Msg),)*
        }

        impl Msg {
            /// Decodes and validates a message by its type URL.
            pub fn decode(any: &Any) -> Result<Msg, Failure> {
                let decoded = match split_type_url(&any.type_url) {
                    $(Some(($module::Msg::PACKAGE, name)) => {
                        $module::Msg::decode(name, &any.value).map(|m| m.map(Msg::$variant))
                    })*
                    _ => None,
                };
                decoded.unwrap_or_else(|| {
                    Err(SdkError::UnknownRequest(format!(
                        "unrecognized message type {:?}",
                        any.type_url
                    ))
                    .into())
                })
            }

            /// The message's type URL, as the `message` event's action.
            pub fn type_url(&self) -> String {
                match self {
                    $(Msg::$variant(m) => m.type_url(),)*
                }
            }

            pub fn module(&self) -> &'static str {
                match self {
                    $(Msg::$variant(_) => $module::Msg::MODULE,)*
                }
            }

            pub fn signer(&self) -> &Address {
                match self {
                    $(Msg::$variant(m) => m.signer(),)*
                }
            }

            fn execute_in_module(&self, ctx: &mut Ctx, keepers: &Keepers) -> Result<Any, Failure> {
                match self {
                    $(Msg::$variant(m) => m.execute(ctx, keepers),)*
                }
            }
        }
    };
}

modules! {
    Bank(bank),
    Datasets(datasets),
    Licenses(licenses),
    Models(models),
    Attribution(attribution),
}

/// Executes one message; returns its response for TxMsgData.
pub fn execute(ctx: &mut Ctx, msg: &Msg) -> Result<Any, Failure> {
    ctx.emit(event(
        "message",
        &[
            ("action", msg.type_url()),
            ("sender", msg.signer().to_bech32()),
            ("module", msg.module().to_string()),
        ],
    ));
    msg.execute_in_module(ctx, &Keepers)
}
