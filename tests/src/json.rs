//! Small helpers to read the CLI's JSON, which follows the Cosmos SDK's conventions
//! (64-bit numbers as strings, zero values possibly omitted, bytes as hex or base64).

use base64::Engine as _;
use serde_json::Value;

/// Parses the JSON a command printed: the whole output, or else from its first line that
/// starts a JSON object (some commands print a note such as a gas estimate first).
pub fn parse_output(stdout: &[u8]) -> Option<Value> {
    let text = String::from_utf8_lossy(stdout);
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(v) = serde_json::from_str(text) {
        return Some(v);
    }
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_start().starts_with('{') {
            if let Ok(v) = serde_json::from_str(&text[offset..]) {
                return Some(v);
            }
        }
        offset += line.len();
    }
    None
}

/// The first value under `key` in a depth-first walk (objects in document order).
pub fn find<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    match v {
        Value::Object(map) => {
            if let Some(x) = map.get(key) {
                return Some(x);
            }
            map.values().find_map(|x| find(x, key))
        }
        Value::Array(items) => items.iter().find_map(|x| find(x, key)),
        _ => None,
    }
}

/// A number given as a JSON number or a decimal string.
pub fn as_u128(v: &Value) -> Option<u128> {
    match v {
        Value::Number(n) => n.as_u64().map(u128::from),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A number the CLI printed, as a JSON number, a decimal string, or a typed event's JSON-quoted
/// attribute value; panics with the value when it is none of these.
pub fn number(v: &Value) -> u128 {
    let unquoted = v
        .as_str()
        .map(|s| Value::String(s.trim_matches('"').to_string()));
    as_u128(unquoted.as_ref().unwrap_or(v)).unwrap_or_else(|| panic!("not a number: {v}"))
}

pub fn as_u64(v: &Value) -> Option<u64> {
    as_u128(v).and_then(|x| u64::try_from(x).ok())
}

/// `find(v, key)` read as a number; a missing key is zero (protobuf JSON omits zero values).
pub fn u64_or_zero(v: &Value, key: &str) -> u64 {
    match find(v, key) {
        None | Some(Value::Null) => 0,
        Some(x) => as_u64(x).unwrap_or_else(|| panic!("field {key} is not a number: {x}")),
    }
}

pub fn str_or_empty(v: &Value, key: &str) -> String {
    match find(v, key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(x) => x.to_string(),
    }
}

/// Amount of `denom` in a list of coins `[{"denom":..,"amount":..}]` (zero when absent).
pub fn coin_amount(coins: &Value, denom: &str) -> u128 {
    coins
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c.get("denom").and_then(Value::as_str) == Some(denom))
        .map(|c| as_u128(c.get("amount").unwrap_or(&Value::Null)).expect("coin amount"))
        .unwrap_or(0)
}

fn is_hex(s: &str) -> bool {
    !s.is_empty() && hex::decode(s).is_ok()
}

/// The possible byte strings a JSON bytes field may stand for: hex first, then base64.
pub fn byte_candidates(s: &str) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    if s.is_empty() {
        out.push(Vec::new());
        return out;
    }
    let t = s.strip_prefix("0x").unwrap_or(s);
    if is_hex(t) {
        if let Ok(b) = hex::decode(t) {
            out.push(b);
        }
    }
    for engine in [
        &base64::engine::general_purpose::STANDARD,
        &base64::engine::general_purpose::URL_SAFE,
    ] {
        if let Ok(b) = engine.decode(s) {
            if !out.contains(&b) {
                out.push(b);
            }
        }
    }
    out
}

/// A 32-byte hash given as 64 hex digits (CometBFT's JSON) or base64 (protobuf JSON),
/// returned as upper-case hex.
pub fn hash_hex(s: &str) -> String {
    if s.len() == 64 && is_hex(s) {
        return s.to_ascii_uppercase();
    }
    match base64::engine::general_purpose::STANDARD.decode(s) {
        Ok(b) => hex::encode_upper(b),
        Err(_) => panic!("not a hex or base64 hash: {s:?}"),
    }
}
