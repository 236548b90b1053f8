//! Decoding a `cosmos.tx.v1beta1.TxRaw` and its stateless checks.

use cosmrs::proto::cosmos::tx::signing::v1beta1::SignMode;
use cosmrs::proto::cosmos::tx::v1beta1::{mode_info, AuthInfo, SignerInfo, TxBody, TxRaw};
use openledger_proto::auth::v1::Params;
use prost::Message;

use super::router::Msg;
use super::unknown_fields::{self, WireError};
use crate::error::{Failure, SdkError};
use crate::modules::bank::Coins;
use openledger_types::Address;

/// A tx that passed every check that needs no state.
#[derive(Debug, Clone)]
pub struct DecodedTx {
    /// Exactly the bytes that were signed (never re-encoded).
    pub body_bytes: Vec<u8>,
    pub auth_info_bytes: Vec<u8>,
    pub signature: Vec<u8>,
    pub signer_info: SignerInfo,
    pub timeout_height: u64,
    pub msgs: Vec<Msg>,
    pub signer: Address,
    pub gas_limit: u64,
    pub fee: Coins,
    pub size: usize,
}

/// A refusal of the tx's wire format: the SDK's tx decode error (code 2).
fn wire(e: WireError) -> Failure {
    SdkError::TxDecode(e.to_string()).into()
}

/// What a tx is decoded for. A simulation is how wallets and CosmJS estimate gas (`gas: "auto"`):
/// they send the tx before it has a gas limit or a signature, so, as the SDK's ante handlers do
/// in simulate mode, it may carry a gas limit of 0, an empty signature and SIGN_MODE_UNSPECIFIED.
/// It is never executed for real (see `Mode::Simulate`), and its gas is still metered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Execute,
    Simulate,
}

pub fn decode(bytes: &[u8], params: &Params) -> Result<DecodedTx, Failure> {
    decode_for(bytes, params, Purpose::Execute)
}

pub fn decode_for(bytes: &[u8], params: &Params, purpose: Purpose) -> Result<DecodedTx, Failure> {
    let simulate = purpose == Purpose::Simulate;
    if bytes.len() as u64 > params.max_tx_bytes {
        return Err(SdkError::TxTooLarge(format!(
            "{} bytes, limit {}",
            bytes.len(),
            params.max_tx_bytes
        ))
        .into());
    }
    let raw = TxRaw::decode(bytes).map_err(SdkError::from)?;
    // One encoding per tx, so one hash: the bytes must be exactly what encoding the TxRaw gives
    // (fields in order, minimal varints, nothing unknown or trailing). This covers the SDK's
    // `rejectNonADR027TxRaw` and its strict check of the root.
    if raw.encode_to_vec() != bytes {
        return Err(wire(WireError::NonCanonicalTxRaw));
    }
    // Unknown fields would be signed but unseen by us: refused as the SDK refuses them, critical
    // ones in the body, all of them in the auth info.
    unknown_fields::check_body(&raw.body_bytes).map_err(wire)?;
    unknown_fields::check_auth_info(&raw.auth_info_bytes).map_err(wire)?;
    let body = TxBody::decode(raw.body_bytes.as_slice()).map_err(SdkError::from)?;
    let auth_info = AuthInfo::decode(raw.auth_info_bytes.as_slice()).map_err(SdkError::from)?;

    if body.memo.chars().count() as u64 > params.max_memo_characters {
        return Err(SdkError::MemoTooLarge(format!(
            "maximum number of characters is {} but received {} characters",
            params.max_memo_characters,
            body.memo.chars().count()
        ))
        .into());
    }
    if !body.extension_options.is_empty() || !body.non_critical_extension_options.is_empty() {
        return Err(SdkError::UnknownExtensionOptions.into());
    }
    if body.messages.is_empty() {
        return Err(SdkError::InvalidRequest("must contain at least one message".into()).into());
    }
    if body.messages.len() as u64 > params.max_msgs_per_tx {
        return Err(SdkError::InvalidRequest(format!(
            "{} messages, limit {}",
            body.messages.len(),
            params.max_msgs_per_tx
        ))
        .into());
    }
    let msgs = body
        .messages
        .iter()
        .map(Msg::decode)
        .collect::<Result<Vec<_>, Failure>>()?;

    let fee = auth_info
        .fee
        .clone()
        .ok_or_else(|| SdkError::InvalidRequest("missing fee".into()))?;
    if (fee.gas_limit == 0 && !simulate) || fee.gas_limit > params.max_gas_per_tx {
        return Err(SdkError::InvalidGasLimit(format!(
            "{} not in 1..={}",
            fee.gas_limit, params.max_gas_per_tx
        ))
        .into());
    }
    if !fee.payer.is_empty() || !fee.granter.is_empty() {
        return Err(SdkError::NotSupported("fee payer and fee granter".into()).into());
    }
    let fee_coins = Coins::from_proto(&fee.amount)?;

    let signer = match msgs.first() {
        Some(first) => first.signer().clone(),
        None => {
            return Err(SdkError::InvalidRequest("must contain at least one message".into()).into())
        }
    };
    if msgs.iter().any(|m| *m.signer() != signer) {
        return Err(SdkError::NotSupported("transactions with more than one signer".into()).into());
    }
    if raw.signatures.is_empty() || auth_info.signer_infos.is_empty() {
        return Err(SdkError::NoSignatures.into());
    }
    if raw.signatures.len() != 1 || auth_info.signer_infos.len() != 1 {
        return Err(SdkError::Unauthorized(format!(
            "wrong number of signers; expected 1, got {} signatures and {} signer infos",
            raw.signatures.len(),
            auth_info.signer_infos.len()
        ))
        .into());
    }
    let (Some(signature), Some(signer_info)) = (
        raw.signatures.first().cloned(),
        auth_info.signer_infos.first().cloned(),
    ) else {
        return Err(SdkError::NoSignatures.into());
    };
    let direct = matches!(
        signer_info.mode_info.as_ref().and_then(|m| m.sum.as_ref()),
        Some(mode_info::Sum::Single(single)) if single.mode == SignMode::Direct as i32
            || (simulate && single.mode == SignMode::Unspecified as i32)
    );
    if !direct {
        return Err(SdkError::NotSupported("sign modes other than SIGN_MODE_DIRECT".into()).into());
    }

    Ok(DecodedTx {
        signature,
        body_bytes: raw.body_bytes,
        auth_info_bytes: raw.auth_info_bytes,
        signer_info,
        timeout_height: body.timeout_height,
        msgs,
        signer,
        gas_limit: fee.gas_limit,
        fee: fee_coins,
        size: bytes.len(),
    })
}

#[cfg(test)]
mod tests {
    //! Hand-built bytes: a tx with unknown fields spliced into its body, auth info or nested
    //! messages, and TxRaws encoded other than canonically.

    use super::*;
    use crate::modules::auth::default_params;
    use crate::testkit::{coin, msg_send, TestKey};
    use cosmrs::proto::cosmos::base::v1beta1::Coin;
    use cosmrs::proto::cosmos::crypto::secp256k1::PubKey;
    use cosmrs::proto::cosmos::tx::v1beta1::{mode_info, Fee, ModeInfo};
    use tendermint_proto::google::protobuf::Any;

    fn key_bytes(number: u64, wire_type: u8) -> Vec<u8> {
        let mut out = Vec::new();
        prost::encoding::encode_varint((number << 3) | u64::from(wire_type), &mut out);
        out
    }

    /// A length-delimited field.
    fn len_field(number: u64, payload: &[u8]) -> Vec<u8> {
        let mut out = key_bytes(number, 2);
        prost::encoding::encode_varint(payload.len() as u64, &mut out);
        out.extend_from_slice(payload);
        out
    }

    /// A varint field.
    fn varint_field(number: u64, value: u64) -> Vec<u8> {
        let mut out = key_bytes(number, 0);
        prost::encoding::encode_varint(value, &mut out);
        out
    }

    fn body() -> Vec<u8> {
        let key = TestKey::from_seed("a");
        let to = TestKey::from_seed("b").address();
        TxBody {
            messages: vec![msg_send(&key.address(), &to, vec![coin(5, "uopen")])],
            ..Default::default()
        }
        .encode_to_vec()
    }

    fn pub_key_any(extra: &[u8]) -> Any {
        let mut value = PubKey {
            key: TestKey::from_seed("a").public_key(),
        }
        .encode_to_vec();
        value.extend_from_slice(extra);
        Any {
            type_url: "/cosmos.crypto.secp256k1.PubKey".into(),
            value,
        }
    }

    fn auth_info_with(pub_key: Any) -> AuthInfo {
        AuthInfo {
            signer_infos: vec![SignerInfo {
                public_key: Some(pub_key),
                mode_info: Some(ModeInfo {
                    sum: Some(mode_info::Sum::Single(mode_info::Single {
                        mode: SignMode::Direct as i32,
                    })),
                }),
                sequence: 0,
            }],
            fee: Some(Fee {
                amount: vec![Coin {
                    denom: "uopen".into(),
                    amount: "5000".into(),
                }],
                gas_limit: 200_000,
                payer: String::new(),
                granter: String::new(),
            }),
            ..Default::default()
        }
    }

    fn auth_info() -> Vec<u8> {
        auth_info_with(pub_key_any(&[])).encode_to_vec()
    }

    fn raw(body: Vec<u8>, auth_info: Vec<u8>) -> Vec<u8> {
        TxRaw {
            body_bytes: body,
            auth_info_bytes: auth_info,
            signatures: vec![vec![7; 64]],
        }
        .encode_to_vec()
    }

    fn decoded(bytes: &[u8]) -> Result<DecodedTx, Failure> {
        decode(bytes, &default_params())
    }

    /// Refused as a tx decode error whose log says `what`.
    fn refused_with(bytes: &[u8], what: &str) {
        let err = decoded(bytes).expect_err(what);
        assert_eq!((err.codespace, err.code), ("sdk", 2), "{}", err.log);
        assert!(err.log.contains(what), "{what:?} not in {:?}", err.log);
    }

    #[test]
    fn the_hand_built_tx_decodes() {
        let tx = decoded(&raw(body(), auth_info())).unwrap();
        assert_eq!(tx.gas_limit, 200_000);
    }

    #[test]
    fn an_unknown_critical_field_in_the_body_is_refused() {
        for field in [4, 5, 100, 1022, 2048, 4096] {
            let mut b = body();
            b.extend(varint_field(field, 1));
            refused_with(
                &raw(b, auth_info()),
                &format!("TxBody has unknown field {field}"),
            );
        }
        // Inside an Any of the body's messages too.
        let mut b = body();
        b.extend(len_field(1, &len_field(3, b"x")));
        refused_with(&raw(b, auth_info()), "Any has unknown field 3");
    }

    #[test]
    fn an_unknown_non_critical_field_in_the_body_is_tolerated_as_the_sdk_does() {
        for field in [1024, 1500, 2046, 3072] {
            let mut b = body();
            b.extend(len_field(field, b"extension"));
            assert!(
                decoded(&raw(b.clone(), auth_info())).is_ok(),
                "field {field}"
            );
            assert!(unknown_fields::check_body(&b).unwrap());
        }
        assert!(!unknown_fields::check_body(&body()).unwrap());
    }

    #[test]
    fn every_unknown_field_in_the_auth_info_is_refused() {
        for field in [4, 1024, 2047] {
            let mut a = auth_info();
            a.extend(varint_field(field, 1));
            refused_with(
                &raw(body(), a),
                &format!("AuthInfo has unknown field {field}"),
            );
        }
        // Nested: in the fee, in the signer info, in the key inside the Any.
        let mut info = auth_info_with(pub_key_any(&[]));
        let mut fee = info.fee.take().unwrap().encode_to_vec();
        fee.extend(varint_field(7, 1));
        let mut a = info.encode_to_vec();
        a.extend(len_field(2, &fee));
        refused_with(&raw(body(), a), "Fee has unknown field 7");
        let a = auth_info_with(pub_key_any(&len_field(1025, b"k"))).encode_to_vec();
        refused_with(&raw(body(), a), "secp256k1.PubKey has unknown field 1025");
    }

    #[test]
    fn a_known_field_with_another_wire_type_is_refused() {
        let mut b = body();
        b.extend(len_field(3, b"12")); // timeout_height is a varint
        refused_with(&raw(b, auth_info()), "TxBody field 3 has wire type 2");
    }

    #[test]
    fn a_tx_raw_encoded_other_than_canonically_is_refused() {
        let (b, a) = (body(), auth_info());
        let sig = vec![7u8; 64];
        let canonical = raw(b.clone(), a.clone());
        assert_eq!(
            [len_field(1, &b), len_field(2, &a), len_field(3, &sig)].concat(),
            canonical
        );
        // Fields out of order: the same TxRaw, another hash.
        let reordered = [len_field(2, &a), len_field(1, &b), len_field(3, &sig)].concat();
        assert_eq!(
            TxRaw::decode(reordered.as_slice()).unwrap(),
            TxRaw::decode(canonical.as_slice()).unwrap()
        );
        refused_with(&reordered, "not the canonical encoding");
        // A length prefix that is not minimal (one byte longer than needed).
        let mut padded = key_bytes(1, 2);
        padded.extend(non_minimal_varint(b.len() as u64));
        padded.extend(&b);
        padded.extend(len_field(2, &a));
        padded.extend(len_field(3, &sig));
        refused_with(&padded, "not the canonical encoding");
        // An unknown field in the TxRaw, critical or not.
        for field in [4, 1024] {
            let mut extra = canonical.clone();
            extra.extend(len_field(field, b"x"));
            refused_with(&extra, "not the canonical encoding");
        }
        // The same field twice (the last one wins in protobuf).
        let twice = [
            len_field(1, &b),
            len_field(1, &b),
            len_field(2, &a),
            len_field(3, &sig),
        ]
        .concat();
        refused_with(&twice, "not the canonical encoding");
    }

    /// `n` as a varint one byte longer than it needs to be.
    fn non_minimal_varint(n: u64) -> Vec<u8> {
        let mut out = Vec::new();
        prost::encoding::encode_varint(n, &mut out);
        if let Some(last) = out.last_mut() {
            *last |= 0x80;
        }
        out.push(0);
        out
    }
}
