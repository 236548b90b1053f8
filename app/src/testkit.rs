//! Builds signed transactions in-process, for unit tests and benchmarks (the CLI is the client
//! for everything else).

use cosmrs::proto::cosmos::bank::v1beta1::MsgSend;
use cosmrs::proto::cosmos::base::v1beta1::Coin;
use cosmrs::proto::cosmos::crypto::secp256k1::PubKey;
use cosmrs::proto::cosmos::tx::signing::v1beta1::SignMode;
use cosmrs::proto::cosmos::tx::v1beta1::{mode_info, AuthInfo, Fee, ModeInfo, SignDoc, SignerInfo, TxBody, TxRaw};
use k256::ecdsa::signature::Signer;
use k256::ecdsa::{Signature, SigningKey};
use prost::Message;
use tendermint_proto::google::protobuf::Any;

use crate::modules::auth::genesis::SECP256K1_PUBKEY_URL;
use crate::modules::auth::Address;

/// A deterministic test key: the secret is sha256(seed).
pub struct TestKey {
    key: SigningKey,
}

impl TestKey {
    pub fn from_seed(seed: &str) -> Self {
        use sha2::{Digest, Sha256};
        let secret = Sha256::digest(seed.as_bytes());
        TestKey { key: SigningKey::from_slice(&secret).expect("sha256 output is a valid secret") }
    }

    pub fn public_key(&self) -> Vec<u8> {
        self.key.verifying_key().to_encoded_point(true).as_bytes().to_vec()
    }

    pub fn address(&self) -> Address {
        Address::from_secp256k1(&self.public_key())
    }
}

/// Everything a signed tx needs besides its messages.
#[derive(Clone, Debug)]
pub struct TxParams {
    pub chain_id: String,
    pub account_number: u64,
    pub sequence: u64,
    pub gas_limit: u64,
    pub fee: Vec<Coin>,
    pub memo: String,
}

pub fn coin(amount: u128, denom: &str) -> Coin {
    Coin { denom: denom.into(), amount: amount.to_string() }
}

pub fn msg_send(from: &Address, to: &Address, amount: Vec<Coin>) -> Any {
    let msg = MsgSend { from_address: from.to_bech32(), to_address: to.to_bech32(), amount };
    Any { type_url: crate::modules::bank::msgs::MSG_SEND_URL.into(), value: msg.encode_to_vec() }
}

/// Signs `messages` with SIGN_MODE_DIRECT and returns the encoded TxRaw.
pub fn sign_tx(key: &TestKey, messages: Vec<Any>, p: &TxParams) -> Vec<u8> {
    let body = TxBody { messages, memo: p.memo.clone(), ..Default::default() };
    let signer = SignerInfo {
        public_key: Some(Any { type_url: SECP256K1_PUBKEY_URL.into(), value: PubKey { key: key.public_key() }.encode_to_vec() }),
        mode_info: Some(ModeInfo { sum: Some(mode_info::Sum::Single(mode_info::Single { mode: SignMode::Direct as i32 })) }),
        sequence: p.sequence,
    };
    let auth_info = AuthInfo {
        signer_infos: vec![signer],
        fee: Some(Fee { amount: p.fee.clone(), gas_limit: p.gas_limit, payer: String::new(), granter: String::new() }),
        ..Default::default()
    };
    let (body_bytes, auth_info_bytes) = (body.encode_to_vec(), auth_info.encode_to_vec());
    let doc = SignDoc {
        body_bytes: body_bytes.clone(),
        auth_info_bytes: auth_info_bytes.clone(),
        chain_id: p.chain_id.clone(),
        account_number: p.account_number,
    };
    let signature: Signature = key.key.sign(&doc.encode_to_vec());
    TxRaw { body_bytes, auth_info_bytes, signatures: vec![signature.to_bytes().to_vec()] }.encode_to_vec()
}
