//! The SDK's REST API (its grpc-gateway routes, port 1317 on SDK nodes), for wallets and
//! explorers that speak it: each route builds the protobuf request of a query, runs it through
//! the same entry point as ABCI Query and gRPC (`App::query_result`), and prints the response
//! as the SDK's gateway does: proto field names, every field even when zero, 64-bit integers as
//! strings, bytes as base64, `Any` expanded with its `@type`. `x-cosmos-block-height` selects
//! the height; a refused query answers with the SDK's error body `{code, message, details}`.
//!
//! The JSON of each response type is written here, field by field, from the SDK's proto
//! definitions: cosmrs's generated types carry no serde, and the pbjson of cosmos-sdk-proto
//! prints camelCase names and drops zero fields, which the gateway does not.

mod json;

use std::net::SocketAddr;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use cosmrs::proto::cosmos::auth::v1beta1 as auth;
use cosmrs::proto::cosmos::bank::v1beta1 as bank;
use cosmrs::proto::cosmos::base::node::v1beta1 as node;
use cosmrs::proto::cosmos::base::query::v1beta1::PageRequest;
use cosmrs::proto::cosmos::base::tendermint::v1beta1 as tm;
use cosmrs::proto::cosmos::staking::v1beta1 as staking;
use cosmrs::proto::cosmos::tx::v1beta1 as tx;
use prost::Message;
use serde_json::{json, Value};

use tendermint_rpc::{Client, HttpClient};

use crate::app::App;
use crate::error::{Failure, Kind};
use crate::grpc::{BoundedBlocking, HEIGHT_HEADER};

#[derive(Clone)]
struct Rest {
    app: App,
    blocking: BoundedBlocking,
    /// The node's CometBFT RPC: broadcasts, tx lookups and sync status go there, as the SDK's
    /// gateway sends them.
    cometbft: HttpClient,
}

/// Serves the REST routes on `addr` until the runtime stops; queries share the bounded pool
/// of blocking threads the gRPC server uses the same way (`blocking` of them at once).
pub async fn serve(
    app: App,
    addr: SocketAddr,
    blocking: usize,
    cometbft_rpc: &str,
) -> std::io::Result<()> {
    let cometbft = HttpClient::new(cometbft_rpc)
        .map_err(|e| std::io::Error::other(format!("--cometbft-rpc {cometbft_rpc}: {e}")))?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(%addr, "REST server listening");
    axum::serve(listener, router(app, blocking, cometbft)).await
}

fn router(app: App, blocking: usize, cometbft: HttpClient) -> Router {
    let state = Rest {
        app,
        blocking: BoundedBlocking::new(blocking),
        cometbft,
    };
    Router::new()
        .route("/cosmos/auth/v1beta1/accounts/:address", get(account))
        .route("/cosmos/auth/v1beta1/params", get(auth_params))
        .route("/cosmos/bank/v1beta1/balances/:address", get(balances))
        .route(
            "/cosmos/bank/v1beta1/balances/:address/by_denom",
            get(balance),
        )
        .route("/cosmos/bank/v1beta1/supply", get(supply))
        .route("/cosmos/base/tendermint/v1beta1/node_info", get(node_info))
        .route("/cosmos/base/node/v1beta1/config", get(config))
        .route("/cosmos/staking/v1beta1/params", get(staking_params))
        .route("/cosmos/tx/v1beta1/simulate", post(simulate))
        .route("/cosmos/tx/v1beta1/txs", post(broadcast))
        .route("/cosmos/tx/v1beta1/txs/:hash", get(tx_by_hash))
        .route("/cosmos/base/tendermint/v1beta1/syncing", get(syncing))
        .route(
            "/cosmos/base/tendermint/v1beta1/blocks/latest",
            get(latest_block),
        )
        .route(
            "/cosmos/base/tendermint/v1beta1/blocks/:height",
            get(block_at),
        )
        .fallback(not_found)
        .with_state(state)
}

/// A refused request, printed as the SDK's gateway prints a gRPC error.
struct RestError {
    status: StatusCode,
    code: i32,
    message: String,
}

impl IntoResponse for RestError {
    fn into_response(self) -> Response {
        let body = json!({ "code": self.code, "message": self.message, "details": [] });
        (self.status, json_headers(None), body.to_string()).into_response()
    }
}

impl RestError {
    fn invalid(message: impl Into<String>) -> Self {
        RestError {
            status: StatusCode::BAD_REQUEST,
            code: 3,
            message: message.into(),
        }
    }

    /// The HTTP status and gRPC code the gateway gives a query refused for `failure`'s kind.
    fn of(failure: Failure) -> Self {
        let (status, code) = match failure.kind {
            Kind::InvalidArgument => (StatusCode::BAD_REQUEST, 3),
            Kind::NotFound => (StatusCode::NOT_FOUND, 5),
            Kind::PermissionDenied => (StatusCode::FORBIDDEN, 7),
            Kind::ResourceExhausted => (StatusCode::TOO_MANY_REQUESTS, 8),
            Kind::FailedPrecondition => (StatusCode::BAD_REQUEST, 9),
            Kind::Unimplemented => (StatusCode::NOT_IMPLEMENTED, 12),
            Kind::Internal => (StatusCode::INTERNAL_SERVER_ERROR, 13),
        };
        RestError {
            status,
            code,
            message: failure.log,
        }
    }
}

async fn not_found() -> RestError {
    RestError {
        status: StatusCode::NOT_IMPLEMENTED,
        code: 12,
        message: "Not Implemented".into(),
    }
}

fn json_headers(height: Option<u64>) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    if let Some(h) = height.and_then(|h| HeaderValue::from_str(&h.to_string()).ok()) {
        headers.insert(HEIGHT_HEADER, h);
    }
    headers
}

impl Rest {
    /// Runs a query at the height the request asks for (latest by default), off the async
    /// workers, and decodes its response; the reply carries the height it was answered at.
    async fn query<Resp: Message + Default>(
        &self,
        headers: &HeaderMap,
        path: &'static str,
        request: impl Message,
    ) -> Result<(u64, Resp), RestError> {
        let height = match headers.get(HEIGHT_HEADER) {
            Some(v) => v
                .to_str()
                .ok()
                .and_then(|s| s.parse::<i64>().ok())
                .filter(|h| *h >= 0)
                .ok_or_else(|| RestError::invalid(format!("invalid {HEIGHT_HEADER}")))?,
            None => 0,
        };
        let data = request.encode_to_vec();
        let app = self.app.clone();
        let (answered_at, result) = self
            .blocking
            .run(move || app.query_result(path, &data, height, false))
            .await
            .map_err(|status| RestError {
                status: StatusCode::SERVICE_UNAVAILABLE,
                code: 14,
                message: status.message().to_string(),
            })?;
        let response = result.map_err(RestError::of)?;
        let decoded = Resp::decode(response.value.as_ref()).map_err(|e| RestError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: 13,
            message: format!("decoding the answer of {path}: {e}"),
        })?;
        Ok((answered_at, decoded))
    }
}

fn reply(height: u64, body: Value) -> Response {
    (StatusCode::OK, json_headers(Some(height)), body.to_string()).into_response()
}

/// `pagination.key` (base64), `pagination.limit`, `pagination.offset`, `pagination.count_total`
/// and `pagination.reverse`, as the gateway reads them from the query string.
fn page_request(
    params: &std::collections::BTreeMap<String, String>,
) -> Result<Option<PageRequest>, RestError> {
    use base64::Engine;
    let number = |name: &str| -> Result<u64, RestError> {
        params.get(name).map_or(Ok(0), |v| {
            v.parse()
                .map_err(|_| RestError::invalid(format!("{name}: not a number")))
        })
    };
    let flag = |name: &str| params.get(name).is_some_and(|v| v == "true");
    let key = match params.get("pagination.key") {
        Some(k) => base64::engine::general_purpose::STANDARD
            .decode(k)
            .map_err(|_| RestError::invalid("pagination.key: not base64"))?,
        None => Vec::new(),
    };
    let page = PageRequest {
        key,
        offset: number("pagination.offset")?,
        limit: number("pagination.limit")?,
        count_total: flag("pagination.count_total"),
        reverse: flag("pagination.reverse"),
    };
    Ok((page != PageRequest::default()).then_some(page))
}

type Params = Query<std::collections::BTreeMap<String, String>>;

async fn account(
    State(rest): State<Rest>,
    headers: HeaderMap,
    Path(address): Path<String>,
) -> Result<Response, RestError> {
    let (height, r): (u64, auth::QueryAccountResponse) = rest
        .query(
            &headers,
            "/cosmos.auth.v1beta1.Query/Account",
            auth::QueryAccountRequest { address },
        )
        .await?;
    Ok(reply(
        height,
        json!({ "account": json::any(r.account.as_ref()) }),
    ))
}

async fn auth_params(State(rest): State<Rest>, headers: HeaderMap) -> Result<Response, RestError> {
    let (height, r): (u64, auth::QueryParamsResponse) = rest
        .query(
            &headers,
            "/cosmos.auth.v1beta1.Query/Params",
            auth::QueryParamsRequest {},
        )
        .await?;
    Ok(reply(
        height,
        json!({ "params": r.params.as_ref().map(json::auth_params) }),
    ))
}

async fn balances(
    State(rest): State<Rest>,
    headers: HeaderMap,
    Path(address): Path<String>,
    Query(params): Params,
) -> Result<Response, RestError> {
    let request = bank::QueryAllBalancesRequest {
        address,
        pagination: page_request(&params)?,
        resolve_denom: false,
    };
    let (height, r): (u64, bank::QueryAllBalancesResponse) = rest
        .query(&headers, "/cosmos.bank.v1beta1.Query/AllBalances", request)
        .await?;
    Ok(reply(
        height,
        json!({ "balances": json::coins(&r.balances), "pagination": json::page(r.pagination.as_ref()) }),
    ))
}

async fn balance(
    State(rest): State<Rest>,
    headers: HeaderMap,
    Path(address): Path<String>,
    Query(params): Params,
) -> Result<Response, RestError> {
    let denom = params.get("denom").cloned().unwrap_or_default();
    let (height, r): (u64, bank::QueryBalanceResponse) = rest
        .query(
            &headers,
            "/cosmos.bank.v1beta1.Query/Balance",
            bank::QueryBalanceRequest { address, denom },
        )
        .await?;
    Ok(reply(
        height,
        json!({ "balance": r.balance.as_ref().map(json::coin) }),
    ))
}

async fn supply(
    State(rest): State<Rest>,
    headers: HeaderMap,
    Query(params): Params,
) -> Result<Response, RestError> {
    let request = bank::QueryTotalSupplyRequest {
        pagination: page_request(&params)?,
    };
    let (height, r): (u64, bank::QueryTotalSupplyResponse) = rest
        .query(&headers, "/cosmos.bank.v1beta1.Query/TotalSupply", request)
        .await?;
    Ok(reply(
        height,
        json!({ "supply": json::coins(&r.supply), "pagination": json::page(r.pagination.as_ref()) }),
    ))
}

async fn node_info(State(rest): State<Rest>, headers: HeaderMap) -> Result<Response, RestError> {
    let (height, r): (u64, tm::GetNodeInfoResponse) = rest
        .query(
            &headers,
            "/cosmos.base.tendermint.v1beta1.Service/GetNodeInfo",
            tm::GetNodeInfoRequest {},
        )
        .await?;
    Ok(reply(height, json::node_info(&r)))
}

async fn config(State(rest): State<Rest>, headers: HeaderMap) -> Result<Response, RestError> {
    let (height, r): (u64, node::ConfigResponse) = rest
        .query(
            &headers,
            "/cosmos.base.node.v1beta1.Service/Config",
            node::ConfigRequest {},
        )
        .await?;
    Ok(reply(
        height,
        json!({
            "minimum_gas_price": r.minimum_gas_price,
            "pruning_keep_recent": r.pruning_keep_recent,
            "pruning_interval": r.pruning_interval,
            "halt_height": r.halt_height.to_string(),
        }),
    ))
}

async fn staking_params(
    State(rest): State<Rest>,
    headers: HeaderMap,
) -> Result<Response, RestError> {
    let (height, r): (u64, staking::QueryParamsResponse) = rest
        .query(
            &headers,
            "/cosmos.staking.v1beta1.Query/Params",
            staking::QueryParamsRequest {},
        )
        .await?;
    Ok(reply(
        height,
        json!({ "params": r.params.as_ref().map(json::staking_params) }),
    ))
}

/// `POST /cosmos/tx/v1beta1/simulate` with `{"tx_bytes": base64}`, as CosmJS's REST clients
/// and wallets send it (the deprecated `tx` JSON form is refused).
async fn simulate(
    State(rest): State<Rest>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, RestError> {
    let body: Value =
        serde_json::from_slice(&body).map_err(|e| RestError::invalid(format!("body: {e}")))?;
    let tx_bytes = tx_bytes(&body)?;
    #[allow(deprecated)]
    let request = tx::SimulateRequest { tx: None, tx_bytes };
    let (height, r): (u64, tx::SimulateResponse) = rest
        .query(&headers, "/cosmos.tx.v1beta1.Service/Simulate", request)
        .await?;
    Ok(reply(height, json::simulate(&r)))
}

/// The CometBFT RPC failed or refused: the gateway's "unavailable".
fn cometbft_error(e: tendermint_rpc::Error) -> RestError {
    RestError {
        status: StatusCode::SERVICE_UNAVAILABLE,
        code: 14,
        message: format!("CometBFT RPC: {}", e.detail()),
    }
}

/// The `data` of a JSON-RPC error response, where CometBFT says why it refused a request
/// (None when the RPC failed otherwise, e.g. a transport error).
fn rpc_response_data(e: &tendermint_rpc::Error) -> Option<&str> {
    match e.detail() {
        tendermint_rpc::error::ErrorDetail::Response(r) => r.source.data(),
        _ => None,
    }
}

/// CometBFT's mempool refuses some txs before CheckTx, with an RPC error; the SDK's gateway
/// turns those into a tx response with its code (client/broadcast.go `CheckCometError`), so
/// wallets see "already in mempool" rather than a server error.
fn mempool_refusal(e: tendermint_rpc::Error) -> Result<(u32, String, String), RestError> {
    let data = rpc_response_data(&e).unwrap_or_default().to_string();
    let code = if data.contains("tx already exists in cache") {
        19 // ErrTxInMempoolCache
    } else if data.contains("mempool is full") {
        20 // ErrMempoolIsFull
    } else if data.contains("tx too large") {
        21 // ErrTxTooLarge
    } else {
        return Err(cometbft_error(e));
    };
    Ok((code, "sdk".into(), data))
}

/// `tx_bytes` (base64) of a JSON body.
fn tx_bytes(body: &Value) -> Result<Vec<u8>, RestError> {
    use base64::Engine;
    let text = body
        .get("tx_bytes")
        .and_then(Value::as_str)
        .ok_or_else(|| RestError::invalid("tx_bytes: required"))?;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|_| RestError::invalid("tx_bytes: not base64"))
}

/// `POST /cosmos/tx/v1beta1/txs` with `{"tx_bytes", "mode"}`: SYNC answers with CheckTx's
/// verdict, ASYNC as soon as the node has the tx. BLOCK is gone from the SDK since v0.50.
async fn broadcast(State(rest): State<Rest>, body: Bytes) -> Result<Response, RestError> {
    let body: Value =
        serde_json::from_slice(&body).map_err(|e| RestError::invalid(format!("body: {e}")))?;
    let tx = tx_bytes(&body)?;
    let hash = hex::encode_upper(crate::tx::signatures::tx_hash(&tx));
    let mode = body
        .get("mode")
        .and_then(Value::as_str)
        .unwrap_or("BROADCAST_MODE_SYNC");
    let (code, codespace, log) = match mode {
        "BROADCAST_MODE_SYNC" => match rest.cometbft.broadcast_tx_sync(tx).await {
            Ok(r) => (r.code.value(), r.codespace, r.log),
            Err(e) => mempool_refusal(e)?,
        },
        "BROADCAST_MODE_ASYNC" => match rest.cometbft.broadcast_tx_async(tx).await {
            Ok(r) => (r.code.value(), r.codespace, r.log),
            Err(e) => mempool_refusal(e)?,
        },
        other => {
            return Err(RestError::invalid(format!(
                "mode {other}: BROADCAST_MODE_SYNC or BROADCAST_MODE_ASYNC"
            )))
        }
    };
    let tx_response = json!({
        "height": "0", "txhash": hash, "codespace": codespace, "code": code, "data": "",
        "raw_log": log, "logs": [], "info": "", "gas_wanted": "0", "gas_used": "0",
        "tx": null, "timestamp": "", "events": [],
    });
    Ok(reply(0, json!({ "tx_response": tx_response })))
}

/// `GET /cosmos/tx/v1beta1/txs/{hash}`: the committed tx, decoded, and its result.
async fn tx_by_hash(
    State(rest): State<Rest>,
    Path(hash): Path<String>,
) -> Result<Response, RestError> {
    let hash: tendermint::Hash = hash
        .parse()
        .map_err(|_| RestError::invalid(format!("{hash}: not a tx hash")))?;
    let found = rest.cometbft.tx(hash, false).await.map_err(|e| {
        // CometBFT answers a missing tx with an RPC error; the SDK answers NotFound.
        let missing = rpc_response_data(&e).is_some_and(|d| d.contains("not found"));
        if missing {
            RestError {
                status: StatusCode::NOT_FOUND,
                code: 5,
                message: format!("tx not found: {hash}"),
            }
        } else {
            cometbft_error(e)
        }
    })?;
    let block = rest
        .cometbft
        .block(found.height)
        .await
        .map_err(cometbft_error)?;
    let tx = json::tx(&found.tx);
    let result = &found.tx_result;
    let tx_response = json!({
        "height": found.height.value().to_string(),
        "txhash": hash.to_string(),
        "codespace": result.codespace,
        "code": result.code.value(),
        "data": hex::encode_upper(&result.data),
        "raw_log": result.log,
        "logs": [],
        "info": result.info,
        "gas_wanted": result.gas_wanted.to_string(),
        "gas_used": result.gas_used.to_string(),
        "tx": tx.clone(),
        "timestamp": block.block.header.time.to_rfc3339(),
        "events": json::abci_events(&result.events),
    });
    let height = found.height.value();
    Ok(reply(
        height,
        json!({ "tx": tx, "tx_response": tx_response }),
    ))
}

/// `GET /cosmos/base/tendermint/v1beta1/syncing`: whether the node is catching up.
async fn syncing(State(rest): State<Rest>) -> Result<Response, RestError> {
    let status = rest.cometbft.status().await.map_err(cometbft_error)?;
    let height = status.sync_info.latest_block_height.value();
    Ok(reply(
        height,
        json!({ "syncing": status.sync_info.catching_up }),
    ))
}

/// The bech32 prefix of consensus addresses (the proposer in `sdk_block`).
const VALCONS_PREFIX: &str = "olvalcons";

/// `GET /cosmos/base/tendermint/v1beta1/blocks/latest`.
async fn latest_block(State(rest): State<Rest>) -> Result<Response, RestError> {
    let found = rest.cometbft.latest_block().await.map_err(cometbft_error)?;
    let height = found.block.header.height.value();
    Ok(reply(
        height,
        json::block(&found.block_id, found.block, VALCONS_PREFIX),
    ))
}

/// `GET /cosmos/base/tendermint/v1beta1/blocks/{height}`.
async fn block_at(
    State(rest): State<Rest>,
    Path(height): Path<String>,
) -> Result<Response, RestError> {
    let height: tendermint::block::Height = height
        .parse()
        .map_err(|_| RestError::invalid(format!("{height}: not a block height")))?;
    let found = rest
        .cometbft
        .block(height)
        .await
        .map_err(|e| match e.detail() {
            // CometBFT refuses a height above its latest; the SDK answers InvalidArgument.
            tendermint_rpc::error::ErrorDetail::Response(r) => {
                RestError::invalid(r.source.data().unwrap_or("block not available").to_string())
            }
            _ => cometbft_error(e),
        })?;
    Ok(reply(
        height.value(),
        json::block(&found.block_id, found.block, VALCONS_PREFIX),
    ))
}
