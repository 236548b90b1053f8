//! `openledger query …` and `openledger status`: ABCI queries and CometBFT RPC reads.

mod attribution;
mod auth;
mod bank;
mod datasets;
mod licenses;
mod models;

use std::str::FromStr;

use anyhow::{anyhow, Context as _, Result};
use clap::Subcommand;
use cosmrs::rpc::{Client, HttpClient};
use cosmrs::tendermint::Hash;
use serde_json::{json, Value};

use crate::address;
use crate::config::Context;
use crate::keys::Keyring;
use crate::output::{emit, print_json, Reported, TxResult};
use crate::rpc::{self, QueryError};
use crate::tx::broadcast::tx_hash;

#[derive(Debug, Subcommand)]
pub enum QueryCmd {
    /// Bank module queries
    #[command(subcommand)]
    Bank(bank::BankQuery),
    /// Auth module queries
    #[command(subcommand)]
    Auth(auth::AuthQuery),
    /// Attribution: split previews, earnings, usage counters, operators, reports
    #[command(subcommand)]
    Attribution(attribution::AttributionQuery),
    /// Datasets and their contributions
    #[command(subcommand)]
    Datasets(datasets::DatasetsQuery),
    /// Licences, offers, grants, and "can I?"
    #[command(subcommand)]
    Licenses(licenses::LicensesQuery),
    /// Models, versions, lineage, provenance, model cards
    #[command(subcommand)]
    Models(models::ModelsQuery),
    /// A transaction's result by hash
    Tx { hash: String },
    /// A block (the latest when HEIGHT is omitted)
    Block { height: Option<u64> },
    /// A raw key of a module store, optionally with its ICS23 proof
    Store {
        store: String,
        /// The key, hex encoded
        key_hex: String,
        #[arg(long)]
        height: Option<u64>,
        #[arg(long)]
        prove: bool,
    },
    /// Any ABCI query path (e.g. a gRPC method) with a hex protobuf body
    Raw {
        path: String,
        /// Request bytes, hex encoded ("" for none)
        data_hex: String,
        #[arg(long)]
        height: Option<u64>,
    },
}

pub async fn run(ctx: &Context, cmd: QueryCmd) -> Result<()> {
    let client = rpc::client(&ctx.node)?;
    let result = match cmd {
        QueryCmd::Bank(q) => bank::run(ctx, &client, q).await,
        QueryCmd::Auth(q) => auth::run(ctx, &client, q).await,
        QueryCmd::Attribution(q) => attribution::run(ctx, &client, q).await,
        QueryCmd::Datasets(q) => datasets::run(ctx, &client, q).await,
        QueryCmd::Licenses(q) => licenses::run(ctx, &client, q).await,
        QueryCmd::Models(q) => models::run(ctx, &client, q).await,
        QueryCmd::Tx { hash } => query_tx(ctx, &client, &hash).await,
        QueryCmd::Block { height } => block(ctx, &client, height).await,
        QueryCmd::Store {
            store,
            key_hex,
            height,
            prove,
        } => store_query(ctx, &client, &store, &key_hex, height, prove).await,
        QueryCmd::Raw {
            path,
            data_hex,
            height,
        } => raw(ctx, &client, &path, &data_hex, height).await,
    };
    report_query_error(ctx, result)
}

/// A non-zero ABCI code is shown as code, codespace and log (also as JSON on stdout in JSON mode).
fn report_query_error(ctx: &Context, result: Result<()>) -> Result<()> {
    let Err(err) = result else { return Ok(()) };
    let Some(q) = err.downcast_ref::<QueryError>() else {
        return Err(err);
    };
    if ctx.json() {
        print_json(&json!({"code": q.code, "codespace": q.codespace, "log": q.log}));
    }
    eprintln!("Error: {err:#}");
    Err(Reported.into())
}

/// Accepts an `ol1…` address, or the name of a key in the keyring for convenience.
pub(crate) fn resolve_address(ctx: &Context, s: &str) -> Result<String> {
    if address::looks_like_address(s) {
        return Ok(s.to_string());
    }
    let kr = Keyring::open(&ctx.home, ctx.keyring_backend);
    match kr.find(s) {
        Ok(k) => Ok(k.address),
        Err(_) => {
            address::decode(s)?;
            Ok(s.to_string())
        }
    }
}

async fn query_tx(ctx: &Context, client: &HttpClient, hash: &str) -> Result<()> {
    let h = Hash::from_str(&hash.trim().to_uppercase())
        .map_err(|e| anyhow!("invalid tx hash {hash:?}: {e}"))?;
    let resp = client
        .tx(h, false)
        .await
        .map_err(rpc::rpc_error)
        .with_context(|| format!("tx {hash} not found (or the node at {} failed)", ctx.node))?;
    TxResult::from_tx(&resp).print(ctx);
    Ok(())
}

async fn block(ctx: &Context, client: &HttpClient, height: Option<u64>) -> Result<()> {
    let resp = match rpc::height(height)? {
        Some(h) => client.block(h).await,
        None => client.latest_block().await,
    }
    .map_err(rpc::rpc_error)
    .with_context(|| format!("fetching block from {}", ctx.node))?;
    let header = &resp.block.header;
    let txs: Vec<String> = resp
        .block
        .data
        .iter()
        .map(|tx| tx_hash(tx).to_string())
        .collect();
    let app_hash = hex::encode_upper(header.app_hash.as_bytes());
    let j = json!({
        "height": header.height.value().to_string(),
        "hash": resp.block_id.hash.to_string(),
        "app_hash": app_hash,
        "time": header.time.to_rfc3339(),
        "num_txs": txs.len(),
        "chain_id": header.chain_id.as_str(),
        "proposer_address": header.proposer_address.to_string(),
        "txs": txs,
    });
    emit(ctx, &j, || {
        format!(
            "height: {}\nhash: {}\napp_hash: {}\ntime: {}\nnum_txs: {}\nchain_id: {}",
            header.height,
            resp.block_id.hash,
            app_hash,
            header.time.to_rfc3339(),
            txs.len(),
            header.chain_id
        )
    });
    Ok(())
}

fn decode_hex_arg(what: &str, s: &str) -> Result<Vec<u8>> {
    let s = s.trim();
    let s = s.strip_prefix("0x").unwrap_or(s);
    hex::decode(s).with_context(|| format!("{what} is not valid hex"))
}

async fn store_query(
    ctx: &Context,
    client: &HttpClient,
    store: &str,
    key_hex: &str,
    height: Option<u64>,
    prove: bool,
) -> Result<()> {
    if store.is_empty() || store.contains('/') {
        anyhow::bail!("invalid store name {store:?}");
    }
    let key = decode_hex_arg("KEYHEX", key_hex)?;
    let path = format!("store/{store}/key");
    let resp = rpc::abci_query(client, &path, key.clone(), rpc::height(height)?, prove).await?;
    let proof_ops: Vec<Value> = resp
        .proof
        .as_ref()
        .map(|p| {
            p.ops
                .iter()
                .map(|op| json!({"type": op.field_type, "key": hex::encode(&op.key), "data": hex::encode(&op.data)}))
                .collect()
        })
        .unwrap_or_default();
    let j = json!({
        "height": resp.height.value().to_string(),
        "key": hex::encode(&key),
        "value": hex::encode(&resp.value),
        // The same ops also in CometBFT's own shape (`proofOps.ops`), for clients written
        // against the RPC's abci_query JSON.
        "proofOps": {"ops": proof_ops.clone()},
        "proof_ops": proof_ops,
    });
    emit(ctx, &j, || {
        let mut t = format!(
            "height: {}\nkey: {}\nvalue: {}",
            resp.height,
            hex::encode(&key),
            hex::encode(&resp.value)
        );
        if let Some(p) = &resp.proof {
            for op in &p.ops {
                t.push_str(&format!(
                    "\nproof_op: type={} key={} data={}",
                    op.field_type,
                    hex::encode(&op.key),
                    hex::encode(&op.data)
                ));
            }
        }
        t
    });
    Ok(())
}

/// Prints the response even when its code is non-zero (then exits 1): this is a debugging tool.
async fn raw(
    ctx: &Context,
    client: &HttpClient,
    path: &str,
    data_hex: &str,
    height: Option<u64>,
) -> Result<()> {
    let data = decode_hex_arg("DATAHEX", data_hex)?;
    let resp = rpc::abci_query_raw(client, path, data, rpc::height(height)?, false).await?;
    let j = json!({
        "code": resp.code.value(),
        "codespace": resp.codespace,
        "log": resp.log,
        "value": hex::encode(&resp.value),
        "height": resp.height.value().to_string(),
    });
    emit(ctx, &j, || {
        format!(
            "code: {}\ncodespace: {}\nlog: {}\nvalue: {}\nheight: {}",
            resp.code.value(),
            resp.codespace,
            resp.log,
            hex::encode(&resp.value),
            resp.height
        )
    });
    if resp.code.is_err() {
        return Err(Reported.into());
    }
    Ok(())
}

/// `openledger status`: the node's identity and sync state.
pub async fn status(ctx: &Context) -> Result<()> {
    let client = rpc::client(&ctx.node)?;
    let st = client
        .status()
        .await
        .map_err(rpc::rpc_error)
        .with_context(|| format!("fetching status from {}", ctx.node))?;
    let app_hash = hex::encode_upper(st.sync_info.latest_app_hash.as_bytes());
    let j = json!({
        "node_info": {
            "id": st.node_info.id.to_string(),
            "network": st.node_info.network.as_str(),
            "moniker": st.node_info.moniker.to_string(),
            "version": st.node_info.version.to_string(),
        },
        "sync_info": {
            "latest_block_hash": st.sync_info.latest_block_hash.to_string(),
            "latest_block_height": st.sync_info.latest_block_height.value().to_string(),
            "latest_app_hash": app_hash,
            "latest_block_time": st.sync_info.latest_block_time.to_rfc3339(),
            "catching_up": st.sync_info.catching_up,
        },
    });
    emit(ctx, &j, || {
        format!(
            "network: {}\nmoniker: {}\nlatest_block_height: {}\nlatest_app_hash: {}\ncatching_up: {}",
            st.node_info.network,
            st.node_info.moniker,
            st.sync_info.latest_block_height,
            app_hash,
            st.sync_info.catching_up
        )
    });
    Ok(())
}
