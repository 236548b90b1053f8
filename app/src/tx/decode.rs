//! Decoding a `cosmos.tx.v1beta1.TxRaw` and its stateless checks.

use cosmrs::proto::cosmos::tx::signing::v1beta1::SignMode;
use cosmrs::proto::cosmos::tx::v1beta1::{mode_info, AuthInfo, SignerInfo, TxBody, TxRaw};
use openledger_proto::auth::v1::Params;
use prost::Message;

use super::router::Msg;
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

pub fn decode(bytes: &[u8], params: &Params) -> Result<DecodedTx, Failure> {
    if bytes.len() as u64 > params.max_tx_bytes {
        return Err(SdkError::TxTooLarge(format!(
            "{} bytes, limit {}",
            bytes.len(),
            params.max_tx_bytes
        ))
        .into());
    }
    let raw = TxRaw::decode(bytes).map_err(SdkError::from)?;
    let body = TxBody::decode(raw.body_bytes.as_slice()).map_err(SdkError::from)?;
    let auth_info = AuthInfo::decode(raw.auth_info_bytes.as_slice()).map_err(SdkError::from)?;
    // Unknown fields would be signed but unseen by us; the SDK rejects them too.
    if raw.encoded_len() != bytes.len() {
        return Err(SdkError::TxDecode("tx has trailing or unknown bytes".into()).into());
    }

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
    if fee.gas_limit == 0 || fee.gas_limit > params.max_gas_per_tx {
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

    let signer = msgs[0].signer().clone();
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
    let signer_info = auth_info.signer_infos[0].clone();
    let direct = matches!(
        signer_info.mode_info.as_ref().and_then(|m| m.sum.as_ref()),
        Some(mode_info::Sum::Single(single)) if single.mode == SignMode::Direct as i32
    );
    if !direct {
        return Err(SdkError::NotSupported("sign modes other than SIGN_MODE_DIRECT".into()).into());
    }

    Ok(DecodedTx {
        signature: raw.signatures[0].clone(),
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
