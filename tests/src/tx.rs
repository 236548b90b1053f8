//! Crafting transactions the CLI would refuse to build (tampered, unknown messages, huge,
//! out-of-range amounts): SIGN_MODE_DIRECT with cosmrs, keys from the test keyring's mnemonic.

use cosmrs::crypto::secp256k1::SigningKey;
use cosmrs::proto::cosmos::bank::v1beta1::MsgSend;
use cosmrs::proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use cosmrs::proto::cosmos::tx::v1beta1::TxRaw;
use cosmrs::tx::{Body, Fee, SignDoc, SignerInfo};
use cosmrs::{Any, Coin};
use prost::Message;

/// HD path of Cosmos keys (coin type 118), as the CLI uses.
pub const HD_PATH: &str = "m/44'/118'/0'/0/0";
pub const MSG_SEND_TYPE_URL: &str = "/cosmos.bank.v1beta1.MsgSend";

/// The secp256k1 key of a BIP39 mnemonic at [`HD_PATH`].
pub fn key_from_mnemonic(phrase: &str) -> anyhow::Result<SigningKey> {
    let mnemonic = bip39::Mnemonic::parse_normalized(phrase)?;
    let seed = mnemonic.to_seed("");
    let path = HD_PATH
        .parse()
        .map_err(|e| anyhow::anyhow!("bad HD path: {e}"))?;
    SigningKey::derive_from_path(seed, &path).map_err(|e| anyhow::anyhow!("derive: {e}"))
}

/// Finds a key in text a CLI printed: a valid BIP39 mnemonic (12..24 words, checksum
/// verified) or a 64-hex-digit raw private key.
pub fn key_in_text(text: &str) -> Option<SigningKey> {
    if let Some(phrase) = mnemonic_in_text(text) {
        return key_from_mnemonic(&phrase).ok();
    }
    words_of(text)
        .iter()
        .map(|w| w.trim_start_matches("0x"))
        .filter(|w| w.len() == 64 && w.bytes().all(|b| b.is_ascii_hexdigit()))
        .find_map(|w| SigningKey::from_slice(&hex::decode(w).ok()?).ok())
}

fn words_of(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == '"' || c == ',' || c == ':')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The first valid BIP39 mnemonic (12..24 words, checksum verified) in text a CLI printed.
pub fn mnemonic_in_text(text: &str) -> Option<String> {
    let words = words_of(text);
    // Runs of lower-case words, tried from the longest valid mnemonic length down.
    let mut i = 0;
    while i < words.len() {
        let mut j = i;
        while j < words.len() && words[j].chars().all(|c| c.is_ascii_lowercase()) {
            j += 1;
        }
        let run = &words[i..j];
        for len in [24usize, 21, 18, 15, 12] {
            if run.len() < len {
                continue;
            }
            for start in 0..=run.len() - len {
                let phrase = run[start..start + len].join(" ");
                if bip39::Mnemonic::parse_normalized(&phrase).is_ok() {
                    return Some(phrase);
                }
            }
        }
        i = j.max(i + 1);
    }
    None
}

/// The `ol1…` address of a key.
pub fn address_of(key: &SigningKey) -> String {
    key.public_key()
        .account_id(crate::BECH32_PREFIX)
        .expect("account id")
        .to_string()
}

/// A MsgSend as an `Any`, with the amount given as a decimal string (so it may be out of range).
pub fn msg_send(from: &str, to: &str, amount: &str, denom: &str) -> Any {
    let msg = MsgSend {
        from_address: from.to_owned(),
        to_address: to.to_owned(),
        amount: vec![ProtoCoin {
            denom: denom.to_owned(),
            amount: amount.to_owned(),
        }],
    };
    Any {
        type_url: MSG_SEND_TYPE_URL.to_owned(),
        value: msg.encode_to_vec(),
    }
}

/// Parameters of one signature.
pub struct SignParams<'a> {
    pub chain_id: &'a str,
    pub account_number: u64,
    pub sequence: u64,
    pub fee_uopen: u128,
    pub gas: u64,
    pub memo: &'a str,
}

/// Signs a tx holding `msgs` (SIGN_MODE_DIRECT) and returns the TxRaw bytes.
pub fn sign(key: &SigningKey, msgs: Vec<Any>, p: &SignParams<'_>) -> Vec<u8> {
    let body = Body::new(msgs, p.memo, 0u32);
    let fee = Fee::from_amount_and_gas(
        Coin {
            denom: crate::DENOM.parse().expect("denom"),
            amount: p.fee_uopen,
        },
        p.gas,
    );
    let auth_info = SignerInfo::single_direct(Some(key.public_key()), p.sequence).auth_info(fee);
    let chain_id = p.chain_id.parse().expect("chain id");
    let doc = SignDoc::new(&body, &auth_info, &chain_id, p.account_number).expect("sign doc");
    doc.sign(key).expect("sign").to_bytes().expect("encode tx")
}

/// Decodes TxRaw bytes.
pub fn decode_raw(bytes: &[u8]) -> TxRaw {
    TxRaw::decode(bytes).expect("TxRaw")
}

/// Flips one bit of the first signature of a TxRaw and re-encodes it.
pub fn flip_signature_bit(bytes: &[u8]) -> Vec<u8> {
    let mut raw = decode_raw(bytes);
    assert!(
        !raw.signatures.is_empty() && !raw.signatures[0].is_empty(),
        "tx has no signature"
    );
    raw.signatures[0][0] ^= 0x01;
    raw.encode_to_vec()
}
