//! What signing needs from the node: account number and sequence, the minimum gas price,
//! and a gas estimate by simulation.

use anyhow::{bail, Context as _, Result};
use cosmrs::proto::cosmos::auth::v1beta1::{
    BaseAccount, QueryAccountRequest, QueryAccountResponse,
};
use cosmrs::proto::cosmos::base::node::v1beta1::{ConfigRequest, ConfigResponse};
use cosmrs::proto::cosmos::tx::v1beta1::{SimulateRequest, SimulateResponse};
use cosmrs::rpc::HttpClient;
use prost::Message;

use crate::coins::{self, DecCoin};
use crate::rpc::{self, QueryError};

pub const ACCOUNT_PATH: &str = "/cosmos.auth.v1beta1.Query/Account";
pub const CONFIG_PATH: &str = "/cosmos.base.node.v1beta1.Service/Config";
pub const SIMULATE_PATH: &str = "/cosmos.tx.v1beta1.Service/Simulate";
pub const BASE_ACCOUNT_TYPE: &str = "/cosmos.auth.v1beta1.BaseAccount";

/// Fetches the account; a missing account gets an explanation instead of a bare code.
pub async fn base_account(client: &HttpClient, address: &str) -> Result<BaseAccount> {
    let req = QueryAccountRequest {
        address: address.to_string(),
    };
    let resp: QueryAccountResponse = match rpc::grpc_query(client, ACCOUNT_PATH, &req).await {
        Ok(r) => r,
        Err(e) if e.downcast_ref::<QueryError>().is_some() => {
            return Err(e.context(format!(
                "account {address} not found on chain: it has never received funds"
            )));
        }
        Err(e) => return Err(e),
    };
    let Some(any) = resp.account else {
        bail!("account {address} not found on chain: it has never received funds");
    };
    if any.type_url != BASE_ACCOUNT_TYPE {
        bail!("account {address} has unsupported type {}", any.type_url);
    }
    BaseAccount::decode(any.value.as_slice()).context("decoding BaseAccount")
}

/// The node's minimum gas price (first entry), or None when the node has none.
pub async fn min_gas_price(client: &HttpClient) -> Result<Option<DecCoin>> {
    let resp: ConfigResponse = rpc::grpc_query(client, CONFIG_PATH, &ConfigRequest {})
        .await
        .context(
            "reading the node's minimum gas price (pass --fees or --gas-prices to skip this)",
        )?;
    coins::parse_first_gas_price(&resp.minimum_gas_price).with_context(|| {
        format!(
            "the node reported an invalid minimum gas price {:?}",
            resp.minimum_gas_price
        )
    })
}

/// Gas used by the signed tx in simulation.
pub async fn simulate(client: &HttpClient, tx_bytes: Vec<u8>) -> Result<u64> {
    #[allow(deprecated)] // `tx` is deprecated in favour of `tx_bytes`, which is what we set.
    let req = SimulateRequest { tx: None, tx_bytes };
    let resp: SimulateResponse = rpc::grpc_query(client, SIMULATE_PATH, &req)
        .await
        .context("simulating the transaction (for --gas auto)")?;
    let Some(info) = resp.gas_info else {
        bail!("the simulation response has no gas_info");
    };
    Ok(info.gas_used)
}
