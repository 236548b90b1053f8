//! Building and signing a `cosmos.tx.v1beta1.TxRaw` with SIGN_MODE_DIRECT.

use anyhow::{anyhow, Result};
use cosmrs::crypto::secp256k1::SigningKey;
use cosmrs::proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use cosmrs::proto::cosmos::tx::signing::v1beta1::SignMode;
use cosmrs::proto::cosmos::tx::v1beta1::{
    mode_info, AuthInfo, Fee, ModeInfo, SignDoc, SignerInfo, TxBody, TxRaw,
};
use cosmrs::Any;
use prost::Message;

/// What the signer commits to besides the messages.
#[derive(Debug, Clone)]
pub struct SignerData {
    pub chain_id: String,
    pub account_number: u64,
    pub sequence: u64,
}

#[derive(Debug, Clone)]
pub struct TxParams {
    pub memo: String,
    pub fee: Vec<ProtoCoin>,
    pub gas_limit: u64,
}

/// Signs `msgs` and returns the encoded TxRaw.
pub fn sign_tx(
    key: &SigningKey,
    msgs: Vec<Any>,
    params: &TxParams,
    signer: &SignerData,
) -> Result<Vec<u8>> {
    let body = TxBody {
        messages: msgs,
        memo: params.memo.clone(),
        ..Default::default()
    };
    let pubkey_any = key
        .public_key()
        .to_any()
        .map_err(|e| anyhow!("encoding public key: {e}"))?;
    let auth_info = AuthInfo {
        signer_infos: vec![SignerInfo {
            public_key: Some(pubkey_any),
            mode_info: Some(ModeInfo {
                sum: Some(mode_info::Sum::Single(mode_info::Single {
                    mode: SignMode::Direct as i32,
                })),
            }),
            sequence: signer.sequence,
        }],
        fee: Some(Fee {
            amount: params.fee.clone(),
            gas_limit: params.gas_limit,
            payer: String::new(),
            granter: String::new(),
        }),
        ..Default::default()
    };
    let body_bytes = body.encode_to_vec();
    let auth_info_bytes = auth_info.encode_to_vec();
    let sign_doc = SignDoc {
        body_bytes: body_bytes.clone(),
        auth_info_bytes: auth_info_bytes.clone(),
        chain_id: signer.chain_id.clone(),
        account_number: signer.account_number,
    };
    // The signer hashes with SHA-256 (RFC 6979 nonce); the SDK accepts only low-S signatures.
    let sig = key
        .sign(&sign_doc.encode_to_vec())
        .map_err(|e| anyhow!("signing failed: {e}"))?;
    let sig = sig.normalize_s().unwrap_or(sig);
    let raw = TxRaw {
        body_bytes,
        auth_info_bytes,
        signatures: vec![sig.to_bytes().to_vec()],
    };
    Ok(raw.encode_to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::derive;
    use k256::ecdsa::signature::Verifier;

    #[test]
    fn signature_verifies_over_the_sign_doc() {
        let m = derive::parse_mnemonic(
            "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
        )
        .unwrap();
        let key = derive::signing_key(&m).unwrap();
        let msg = Any {
            type_url: "/x.Msg".into(),
            value: vec![1, 2, 3],
        };
        let params = TxParams {
            memo: "hi".into(),
            fee: vec![ProtoCoin {
                denom: "uopen".into(),
                amount: "5000".into(),
            }],
            gas_limit: 200_000,
        };
        let signer = SignerData {
            chain_id: "openledger-local-1".into(),
            account_number: 3,
            sequence: 9,
        };
        let bytes = sign_tx(&key, vec![msg], &params, &signer).unwrap();
        let raw = TxRaw::decode(bytes.as_slice()).unwrap();
        let auth = AuthInfo::decode(raw.auth_info_bytes.as_slice()).unwrap();
        assert_eq!(auth.signer_infos[0].sequence, 9);
        assert_eq!(auth.fee.as_ref().unwrap().gas_limit, 200_000);
        let doc = SignDoc {
            body_bytes: raw.body_bytes.clone(),
            auth_info_bytes: raw.auth_info_bytes.clone(),
            chain_id: signer.chain_id.clone(),
            account_number: 3,
        };
        let vk = k256::ecdsa::VerifyingKey::from_sec1_bytes(&key.public_key().to_bytes()).unwrap();
        let sig = k256::ecdsa::Signature::from_slice(&raw.signatures[0]).unwrap();
        assert!(sig.normalize_s().is_none(), "signature must be low-S");
        vk.verify(&doc.encode_to_vec(), &sig).unwrap();
        // Another account number gives another SignDoc: the signature must not verify.
        let other = SignDoc {
            account_number: 4,
            ..doc
        };
        assert!(vk.verify(&other.encode_to_vec(), &sig).is_err());
    }
}
