//! CometBFT RPC client and ABCI queries of the SDK's gRPC method paths.

use anyhow::{Context as _, Result};
use cosmrs::rpc::endpoint::abci_query::AbciQuery;
use cosmrs::rpc::{Client, HttpClient};
use cosmrs::tendermint::block::Height;
use prost::Message;
use thiserror::Error;

/// An ABCI query the application answered with a non-zero code.
#[derive(Debug, Error)]
#[error("query {path} failed: code {code}, codespace {codespace:?}: {log}")]
pub struct QueryError {
    pub path: String,
    pub code: u32,
    pub codespace: String,
    pub log: String,
}

/// tendermint-rpc errors carry an eyre trace that prints a full backtrace when RUST_BACKTRACE
/// is set; users need only the message.
pub fn rpc_error(e: cosmrs::rpc::Error) -> anyhow::Error {
    anyhow::anyhow!("{:#}", e.trace())
}

pub fn client(node: &str) -> Result<HttpClient> {
    HttpClient::new(node)
        .map_err(rpc_error)
        .with_context(|| format!("invalid --node URL {node:?}"))
}

pub fn height(h: Option<u64>) -> Result<Option<Height>> {
    match h {
        None | Some(0) => Ok(None),
        Some(h) => Height::try_from(h)
            .map(Some)
            .with_context(|| format!("invalid height {h}")),
    }
}

/// Runs an ABCI query and returns the response whatever its code.
pub async fn abci_query_raw(
    client: &HttpClient,
    path: &str,
    data: Vec<u8>,
    height: Option<Height>,
    prove: bool,
) -> Result<AbciQuery> {
    client
        .abci_query(Some(path.to_string()), data, height, prove)
        .await
        .map_err(rpc_error)
        .with_context(|| format!("ABCI query {path} to the node failed"))
}

/// Runs an ABCI query; a non-zero code becomes a [`QueryError`].
pub async fn abci_query(
    client: &HttpClient,
    path: &str,
    data: Vec<u8>,
    height: Option<Height>,
    prove: bool,
) -> Result<AbciQuery> {
    let resp = abci_query_raw(client, path, data, height, prove).await?;
    if resp.code.is_err() {
        return Err(QueryError {
            path: path.to_string(),
            code: resp.code.value(),
            codespace: resp.codespace.clone(),
            log: resp.log.clone(),
        }
        .into());
    }
    Ok(resp)
}

/// A gRPC method served over ABCI query: protobuf request in, protobuf response out.
pub async fn grpc_query<Req: Message, Resp: Message + Default>(
    client: &HttpClient,
    path: &str,
    req: &Req,
) -> Result<Resp> {
    let resp = abci_query(client, path, req.encode_to_vec(), None, false).await?;
    Resp::decode(resp.value.as_slice()).with_context(|| format!("decoding the response of {path}"))
}
