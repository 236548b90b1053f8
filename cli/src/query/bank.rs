//! `openledger query bank …`: balances and supply, in the SDK's JSON shape.

use anyhow::Result;
use clap::Subcommand;
use cosmrs::proto::cosmos::bank::v1beta1::{
    QueryAllBalancesRequest, QueryAllBalancesResponse, QueryBalanceRequest, QueryBalanceResponse,
    QueryTotalSupplyRequest, QueryTotalSupplyResponse,
};
use cosmrs::proto::cosmos::base::query::v1beta1::PageResponse;
use cosmrs::proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use cosmrs::rpc::HttpClient;
use serde_json::{json, Value};

use super::resolve_address;
use crate::config::Context;
use crate::output::{b64, emit};
use crate::rpc;

#[derive(Debug, Subcommand)]
pub enum BankQuery {
    /// Balances of an address (or key name)
    Balances {
        address: String,
        /// Only this denom
        #[arg(long)]
        denom: Option<String>,
    },
    /// Total supply of every denom
    Total,
}

pub async fn run(ctx: &Context, client: &HttpClient, q: BankQuery) -> Result<()> {
    match q {
        BankQuery::Balances { address, denom } => {
            let addr = resolve_address(ctx, &address)?;
            balances(ctx, client, addr, denom).await
        }
        BankQuery::Total => total_supply(ctx, client).await,
    }
}

// Hand-built: cosmrs does not expose cosmos-sdk-proto's serde feature, and the SDK prints
// empty lists and a null next_key, which pbjson would leave out.
fn coin_json(c: &ProtoCoin) -> Value {
    json!({"denom": c.denom, "amount": c.amount})
}

fn coins_text(coins: &[ProtoCoin]) -> String {
    coins
        .iter()
        .map(|c| format!("{}{}", c.amount, c.denom))
        .collect::<Vec<_>>()
        .join("\n")
}

fn pagination_json(p: Option<&PageResponse>) -> Value {
    let (next_key, total) = match p {
        Some(p) if !p.next_key.is_empty() => (Value::String(b64(&p.next_key)), p.total),
        Some(p) => (Value::Null, p.total),
        None => (Value::Null, 0),
    };
    json!({"next_key": next_key, "total": total.to_string()})
}

async fn balances(
    ctx: &Context,
    client: &HttpClient,
    address: String,
    denom: Option<String>,
) -> Result<()> {
    if let Some(denom) = denom {
        let req = QueryBalanceRequest {
            address,
            denom: denom.clone(),
        };
        let resp: QueryBalanceResponse =
            rpc::grpc_query(client, "/cosmos.bank.v1beta1.Query/Balance", &req).await?;
        let coin = resp.balance.unwrap_or(ProtoCoin {
            denom,
            amount: "0".into(),
        });
        emit(ctx, &json!({"balance": coin_json(&coin)}), || {
            coins_text(std::slice::from_ref(&coin))
        });
        return Ok(());
    }
    let req = QueryAllBalancesRequest {
        address,
        pagination: None,
        resolve_denom: false,
    };
    let resp: QueryAllBalancesResponse =
        rpc::grpc_query(client, "/cosmos.bank.v1beta1.Query/AllBalances", &req).await?;
    let j = json!({
        "balances": resp.balances.iter().map(coin_json).collect::<Vec<_>>(),
        "pagination": pagination_json(resp.pagination.as_ref()),
    });
    emit(ctx, &j, || coins_text(&resp.balances));
    Ok(())
}

async fn total_supply(ctx: &Context, client: &HttpClient) -> Result<()> {
    let resp: QueryTotalSupplyResponse = rpc::grpc_query(
        client,
        "/cosmos.bank.v1beta1.Query/TotalSupply",
        &QueryTotalSupplyRequest { pagination: None },
    )
    .await?;
    let j = json!({
        "supply": resp.supply.iter().map(coin_json).collect::<Vec<_>>(),
        "pagination": pagination_json(resp.pagination.as_ref()),
    });
    emit(ctx, &j, || coins_text(&resp.supply));
    Ok(())
}
