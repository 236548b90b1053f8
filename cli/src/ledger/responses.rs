//! The message responses of a delivered tx: its result `data` is a
//! `cosmos.base.abci.v1beta1.TxMsgData` whose `msg_responses[i]` is an `Any` holding the
//! response of message i (e.g. `MsgCreateDatasetResponse { dataset_id }`): the ids the chain
//! assigned.

use cosmrs::proto::cosmos::base::abci::v1beta1::TxMsgData;
use prost::Message;
use serde_json::{Map, Value};

use crate::output::b64;

/// One response as JSON: `{"@type": URL, ...fields}`, the fields in proto3 JSON. A type that is
/// not the response of one of the chain's own messages (or that does not decode) keeps its
/// bytes in `value` (base64); an empty one of such a type is just its `@type`.
pub fn response_json(type_url: &str, value: &[u8]) -> Value {
    let decoded = openledger_proto::response_json(type_url, value).and_then(Result::ok);
    let mut obj = Map::new();
    obj.insert("@type".into(), Value::String(type_url.to_string()));
    match decoded {
        Some(Value::Object(fields)) => obj.extend(fields),
        _ if value.is_empty() => {}
        _ => {
            obj.insert("value".into(), Value::String(b64(value)));
        }
    }
    Value::Object(obj)
}

/// The bytes of a tx result's `data` as the RPC client hands them over. CometBFT's JSON carries
/// `data` in base64 and tendermint-rpc keeps it as that text, so base64 text is decoded. (The
/// raw protobuf of a `TxMsgData` starts with a field tag 0x0a or 0x12, never a base64 letter,
/// so the two cannot be confused.)
pub fn tx_data_bytes(raw: &[u8]) -> Vec<u8> {
    use base64::Engine as _;
    let is_b64 = !raw.is_empty()
        && raw
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='));
    if is_b64 {
        if let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(raw) {
            return decoded;
        }
    }
    raw.to_vec()
}

/// The responses in a delivered tx's `data`, as JSON; none when `data` is empty or not a
/// `TxMsgData`.
pub fn decode_tx_data(data: &[u8]) -> Vec<Value> {
    match TxMsgData::decode(data) {
        Ok(d) => d
            .msg_responses
            .iter()
            .map(|any| response_json(&any.type_url, &any.value))
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Text lines of the responses' fields, e.g. `dataset_id: 3` (nothing for empty responses).
pub fn responses_text(responses: &[Value]) -> String {
    let mut lines = Vec::new();
    for r in responses {
        let Some(obj) = r.as_object() else { continue };
        for (k, v) in obj {
            if k == "@type" {
                continue;
            }
            let shown = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            lines.push(format!("{k}: {shown}"));
        }
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmrs::Any;
    use openledger_proto::datasets::v1 as ds;
    use prost::Name;
    use serde_json::json;

    #[test]
    fn a_delivered_tx_shows_the_ids_the_chain_assigned() {
        let any = |url: &str, value: Vec<u8>| Any {
            type_url: url.into(),
            value,
        };
        #[allow(deprecated)]
        let data = TxMsgData {
            data: Vec::new(),
            msg_responses: vec![
                any(
                    &ds::MsgCreateDatasetResponse::type_url(),
                    ds::MsgCreateDatasetResponse { dataset_id: 3 }.encode_to_vec(),
                ),
                any(
                    &ds::MsgContributeResponse::type_url(),
                    ds::MsgContributeResponse {
                        first_contribution_id: 7,
                        count: 2,
                    }
                    .encode_to_vec(),
                ),
                any("/cosmos.bank.v1beta1.MsgSendResponse", Vec::new()),
                any("/x.Unknown", vec![1, 2]),
            ],
        }
        .encode_to_vec();
        let r = decode_tx_data(&data);
        assert_eq!(
            r[0],
            json!({"@type": "/openledger.datasets.v1.MsgCreateDatasetResponse", "dataset_id": "3"})
        );
        assert_eq!(r[1]["first_contribution_id"], "7");
        assert_eq!(
            r[2],
            json!({"@type": "/cosmos.bank.v1beta1.MsgSendResponse"})
        );
        assert_eq!(r[3]["value"], "AQI=");
        let text = responses_text(&r[..3]);
        let mut lines: Vec<&str> = text.lines().collect();
        lines.sort_unstable();
        assert_eq!(
            lines,
            ["count: 2", "dataset_id: 3", "first_contribution_id: 7"]
        );
        assert!(decode_tx_data(&[]).is_empty());
        // As tendermint-rpc hands it over: the base64 text of the JSON.
        assert_eq!(tx_data_bytes(crate::output::b64(&data).as_bytes()), data);
        assert_eq!(tx_data_bytes(&data), data);
    }
}
