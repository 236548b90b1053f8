//! Ante checks, as the SDK's ante handler chain: tx size gas, timeout, fee floor, fee
//! deduction, public key, signature gas, sequence, signature, sequence increment.

use base64::Engine;
use cosmrs::proto::cosmos::crypto::secp256k1::PubKey;
use cosmrs::proto::cosmos::tx::v1beta1::SignDoc;
use openledger_proto::auth::v1::Params;
use prost::Message;
use tendermint_proto::google::protobuf::Any;

use super::decode::DecodedTx;
use crate::context::{event, Ctx};
use crate::error::SdkError;
use crate::keepers::Keepers;
use crate::modules::auth::genesis::SECP256K1_PUBKEY_URL;
use crate::modules::auth::{self, Address, GasPrice};
use crate::modules::bank::{self, Coins};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// CheckTx, and a proposal's txs judged in PrepareProposal and ProcessProposal: ante only.
    /// `verified` as in `Deliver`.
    Check { verified: Option<Verified> },
    /// FinalizeBlock. `verified` is a signature already checked for this tx, in parallel before
    /// the block ran, against the account number and key it was checked with.
    Deliver { verified: Option<Verified> },
    /// Gas estimation: no signature check, no fee floor, gas up to the per-tx ceiling.
    Simulate,
}

/// A signature found valid for an (account number, public key) ahead of execution. The ante check
/// trusts it only if the account still has that number and key when the tx runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verified {
    pub account_number: u64,
    pub key: [u8; 33],
}

/// What the ante checks read besides state.
#[derive(Clone, Debug)]
pub struct Env {
    pub chain_id: String,
    pub params: Params,
    pub min_gas_price: GasPrice,
    /// Height of the block the tx executes in.
    pub height: u64,
    /// Its time in nanoseconds since the epoch (in CheckTx, the last block's).
    pub time_nanos: u64,
}

pub fn run(ctx: &mut Ctx, tx: &DecodedTx, env: &Env, mode: Mode) -> Result<(), SdkError> {
    let params = &env.params;
    let size_gas = params.tx_size_cost_per_byte.saturating_mul(tx.size as u64);
    ctx.gas.consume(size_gas, "txSize")?;

    if tx.timeout_height != 0 && env.height > tx.timeout_height {
        return Err(SdkError::TxTimeoutHeight(format!(
            "block height {} > timeout height {}",
            env.height, tx.timeout_height
        )));
    }

    if mode != Mode::Simulate {
        let required = env.min_gas_price.fee_for(tx.gas_limit);
        let paid = tx.fee.amount_of(&params.fee_denom);
        if paid < required {
            return Err(SdkError::InsufficientFee(format!(
                "got: {}; required: {required}{}",
                tx.fee, params.fee_denom
            )));
        }
    }

    let mut account = auth::Keeper::account(ctx, &tx.signer)?
        .ok_or_else(|| SdkError::UnknownAddress(format!("account {} does not exist", tx.signer)))?;

    if !tx.fee.is_empty() {
        bank::Keeper::send(ctx, &Keepers, &tx.signer, &bank::fee_collector(), &tx.fee).map_err(
            |e| match e {
                SdkError::InsufficientFunds(m) => {
                    SdkError::InsufficientFunds(format!("{m}: insufficient funds to pay fees"))
                }
                other => other,
            },
        )?;
    } else if mode == Mode::Simulate {
        // Wallets simulate before they know the fee, so the tx they then sign pays one: charge
        // the gas of that payment here too (one unit moved, in a simulation nothing is kept),
        // or the estimate falls short by the whole fee transfer.
        let unit = Coins::single(&params.fee_denom, 1);
        match bank::Keeper::send(ctx, &Keepers, &tx.signer, &bank::fee_collector(), &unit) {
            Ok(()) | Err(SdkError::InsufficientFunds(_)) => {}
            Err(other) => return Err(other),
        }
    }
    ctx.emit(event(
        "tx",
        &[
            ("fee", tx.fee.to_string()),
            ("fee_payer", tx.signer.to_bech32()),
        ],
    ));

    let key = signer_key(account.pub_key.as_ref(), tx)?;
    if Address::from_secp256k1(&key) != tx.signer {
        return Err(SdkError::InvalidPubKey(format!(
            "public key does not match signer address {}",
            tx.signer
        )));
    }
    ctx.gas
        .consume(params.sig_verify_cost_secp256k1, "ante verify: secp256k1")?;

    if tx.signer_info.sequence != account.sequence {
        return Err(SdkError::WrongSequence(format!(
            "account sequence mismatch, expected {}, got {}",
            account.sequence, tx.signer_info.sequence
        )));
    }
    let already_verified = match mode {
        Mode::Check { verified: Some(v) } | Mode::Deliver { verified: Some(v) } => {
            v.account_number == account.account_number && v.key[..] == key[..]
        }
        _ => false,
    };
    if mode != Mode::Simulate
        && !already_verified
        && !verify_signature(tx, &key, &env.chain_id, account.account_number)
    {
        return Err(SdkError::Unauthorized(format!(
            "signature verification failed; please verify account number ({}) and chain-id ({})",
            account.account_number, env.chain_id
        )));
    }

    account.sequence += 1;
    if account.pub_key.is_none() {
        account.pub_key = Some(Any {
            type_url: SECP256K1_PUBKEY_URL.into(),
            value: PubKey { key: key.clone() }.encode_to_vec(),
        });
    }
    auth::Keeper::set_account(ctx, &tx.signer, &account)?;
    let signature = base64::engine::general_purpose::STANDARD.encode(&tx.signature);
    ctx.emit(event(
        "tx",
        &[(
            "acc_seq",
            format!("{}/{}", tx.signer, tx.signer_info.sequence),
        )],
    ));
    ctx.emit(event("tx", &[("signature", signature)]));
    Ok(())
}

/// Checks the tx's signature over its SIGN_MODE_DIRECT sign doc.
pub fn verify_signature(tx: &DecodedTx, key: &[u8], chain_id: &str, account_number: u64) -> bool {
    let sign_doc = SignDoc {
        body_bytes: tx.body_bytes.clone(),
        auth_info_bytes: tx.auth_info_bytes.clone(),
        chain_id: chain_id.to_string(),
        account_number,
    };
    verify_secp256k1(key, &sign_doc.encode_to_vec(), &tx.signature)
}

/// Checks a tx's signature against the account as `state` has it, off the sequential path:
/// Some when valid. Any failure here is left for the ante check to report in order.
pub fn preverify(
    state: &mut impl crate::context::Read,
    bytes: &[u8],
    env: &Env,
) -> Option<Verified> {
    let tx = super::decode::decode(bytes, &env.params).ok()?;
    let account = auth::Keeper::account(state, &tx.signer).ok()??;
    let key = signer_key(account.pub_key.as_ref(), &tx).ok()?;
    if !verify_signature(&tx, &key, &env.chain_id, account.account_number) {
        return None;
    }
    Some(Verified {
        account_number: account.account_number,
        key: key.try_into().ok()?,
    })
}

/// The signer's compressed key: the account's if it has signed before, else the tx's.
fn signer_key(stored: Option<&Any>, tx: &DecodedTx) -> Result<Vec<u8>, SdkError> {
    let any = stored
        .or(tx.signer_info.public_key.as_ref())
        .ok_or_else(|| {
            SdkError::InvalidPubKey(format!(
                "no public key for {}: the first tx of an account must carry it",
                tx.signer
            ))
        })?;
    if any.type_url != SECP256K1_PUBKEY_URL {
        return Err(SdkError::InvalidPubKey(format!(
            "unsupported key type {}",
            any.type_url
        )));
    }
    let key = PubKey::decode(any.value.as_slice())
        .map_err(|e| SdkError::InvalidPubKey(e.to_string()))?
        .key;
    if key.len() != 33 {
        return Err(SdkError::InvalidPubKey(format!(
            "secp256k1 key must be 33 bytes compressed, got {}",
            key.len()
        )));
    }
    Ok(key)
}

/// ECDSA over sha256(msg), 64-byte r||s, low-S only (libsecp256k1 rejects high-S), as the SDK.
pub fn verify_secp256k1(key: &[u8], msg: &[u8], signature: &[u8]) -> bool {
    use sha2::{Digest, Sha256};
    static VERIFIER: std::sync::OnceLock<secp256k1::Secp256k1<secp256k1::VerifyOnly>> =
        std::sync::OnceLock::new();
    let secp = VERIFIER.get_or_init(secp256k1::Secp256k1::verification_only);
    let (Ok(key), Ok(sig)) = (
        secp256k1::PublicKey::from_slice(key),
        secp256k1::ecdsa::Signature::from_compact(signature),
    ) else {
        return false;
    };
    let digest: [u8; 32] = Sha256::digest(msg).into();
    secp.verify_ecdsa(&secp256k1::Message::from_digest(digest), &sig, &key)
        .is_ok()
}
