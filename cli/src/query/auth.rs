//! `openledger query auth …`.

use anyhow::Result;
use clap::Subcommand;
use cosmrs::proto::cosmos::auth::v1beta1::BaseAccount;
use cosmrs::proto::cosmos::crypto::secp256k1::PubKey as Secp256k1PubKey;
use cosmrs::rpc::HttpClient;
use prost::Message;
use serde_json::{json, Value};

use super::resolve_address;
use crate::config::Context;
use crate::keys::pubkey_json;
use crate::output::{b64, emit};
use crate::tx::chain;

#[derive(Debug, Subcommand)]
pub enum AuthQuery {
    /// An account by address (or key name)
    Account { address: String },
}

pub async fn run(ctx: &Context, client: &HttpClient, q: AuthQuery) -> Result<()> {
    match q {
        AuthQuery::Account { address } => {
            let addr = resolve_address(ctx, &address)?;
            account(ctx, client, &addr).await
        }
    }
}

// The account as the SDK prints it: the Any with `@type` and the key decoded.
fn account_pubkey_json(acc: &BaseAccount) -> Value {
    match &acc.pub_key {
        None => Value::Null,
        Some(any) if any.type_url == "/cosmos.crypto.secp256k1.PubKey" => {
            match Secp256k1PubKey::decode(any.value.as_slice()) {
                Ok(pk) => pubkey_json(&pk.key),
                Err(_) => json!({"@type": any.type_url, "value": b64(&any.value)}),
            }
        }
        Some(any) => json!({"@type": any.type_url, "value": b64(&any.value)}),
    }
}

async fn account(ctx: &Context, client: &HttpClient, address: &str) -> Result<()> {
    let acc = chain::base_account(client, address).await?;
    let pk = account_pubkey_json(&acc);
    let j = json!({"account": {
        "@type": chain::BASE_ACCOUNT_TYPE,
        "address": acc.address,
        "pub_key": pk,
        "account_number": acc.account_number.to_string(),
        "sequence": acc.sequence.to_string(),
    }});
    emit(ctx, &j, || {
        let pk_text = pk
            .get("key")
            .and_then(Value::as_str)
            .map_or("null".to_string(), str::to_string);
        format!(
            "address: {}\naccount_number: {}\nsequence: {}\npub_key: {}",
            acc.address, acc.account_number, acc.sequence, pk_text
        )
    });
    Ok(())
}
