//! Printing results as text or JSON, and the SDK `TxResponse` shape shared by `tx` and `query tx`.

use base64::Engine as _;
use cosmrs::rpc::endpoint::{broadcast::tx_sync, tx as rpc_tx};
use cosmrs::tendermint::abci::Event;
use serde_json::{json, Value};
use thiserror::Error;

use crate::config::Context;
use crate::ledger::responses;

/// The command already printed why it failed; exit with status 1 without another message.
#[derive(Debug, Error)]
#[error("command failed")]
pub struct Reported;

pub fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Compact one-line JSON, like the SDK's `--output json`.
pub fn print_json(v: &Value) {
    println!("{v}");
}

/// Prints text as it is (a graph, a model card); a reader that went away (`| head`) is no error.
pub fn print_text(text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e),
        _ => Ok(()),
    }
}

/// Prints `json` in JSON mode, else the text lines.
pub fn emit(ctx: &Context, json: &Value, text: impl FnOnce() -> String) {
    if ctx.json() {
        print_json(json);
    } else {
        let t = text();
        if !t.is_empty() {
            println!("{}", t.trim_end_matches('\n'));
        }
    }
}

/// The fields of the SDK's `TxResponse` that this CLI reports.
#[derive(Debug, Clone, Default)]
pub struct TxResult {
    pub height: u64,
    pub txhash: String,
    pub code: u32,
    pub codespace: String,
    pub gas_wanted: i64,
    pub gas_used: i64,
    pub raw_log: String,
    pub info: String,
    pub events: Vec<Event>,
    /// The result's `data` (a `TxMsgData`), empty before inclusion.
    pub data: Vec<u8>,
    /// `data`'s message responses as JSON (`{"@type": …, fields…}`): the ids the chain assigned.
    pub msg_responses: Vec<Value>,
}

impl TxResult {
    /// From CheckTx (broadcast_tx_sync): not in a block yet, so height and gas are zero.
    pub fn from_check(resp: &tx_sync::Response) -> Self {
        Self {
            height: 0,
            txhash: resp.hash.to_string(),
            code: resp.code.value(),
            codespace: resp.codespace.clone(),
            raw_log: resp.log.clone(),
            ..Self::default()
        }
    }

    /// From the RPC `tx` endpoint (the delivered result).
    pub fn from_tx(resp: &rpc_tx::Response) -> Self {
        let r = &resp.tx_result;
        let data = responses::tx_data_bytes(&r.data);
        Self {
            height: resp.height.value(),
            txhash: resp.hash.to_string(),
            code: r.code.value(),
            codespace: r.codespace.clone(),
            gas_wanted: r.gas_wanted,
            gas_used: r.gas_used,
            raw_log: r.log.clone(),
            info: r.info.clone(),
            events: r.events.clone(),
            msg_responses: responses::decode_tx_data(&data),
            data,
        }
    }

    pub fn to_json(&self) -> Value {
        let events: Vec<Value> = self
            .events
            .iter()
            .map(|e| {
                let attrs: Vec<Value> = e
                    .attributes
                    .iter()
                    .map(|a| {
                        json!({
                            "key": String::from_utf8_lossy(a.key_bytes()),
                            "value": String::from_utf8_lossy(a.value_bytes()),
                            "index": a.index(),
                        })
                    })
                    .collect();
                json!({"type": e.kind, "attributes": attrs})
            })
            .collect();
        json!({
            "height": self.height.to_string(),
            "txhash": self.txhash,
            "code": self.code,
            "codespace": self.codespace,
            "gas_wanted": self.gas_wanted.to_string(),
            "gas_used": self.gas_used.to_string(),
            "raw_log": self.raw_log,
            "info": self.info,
            "events": events,
            "data": hex::encode_upper(&self.data),
            "msg_responses": self.msg_responses,
        })
    }

    pub fn to_text(&self) -> String {
        let mut text = format!(
            "height: {}\ntxhash: {}\ncode: {}\ncodespace: {}\ngas_wanted: {}\ngas_used: {}\nraw_log: {}",
            self.height,
            self.txhash,
            self.code,
            self.codespace,
            self.gas_wanted,
            self.gas_used,
            self.raw_log
        );
        let responses = responses::responses_text(&self.msg_responses);
        if !responses.is_empty() {
            text.push('\n');
            text.push_str(&responses);
        }
        text
    }

    pub fn print(&self, ctx: &Context) {
        emit(ctx, &self.to_json(), || self.to_text());
    }
}
