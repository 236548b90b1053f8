//! bank queries, served by ABCI Query and gRPC alike.

use cosmrs::proto::cosmos::bank::v1beta1::{
    QueryAllBalancesRequest, QueryAllBalancesResponse, QueryBalanceRequest, QueryBalanceResponse,
    QuerySupplyOfRequest, QuerySupplyOfResponse, QueryTotalSupplyResponse,
};
use cosmrs::proto::cosmos::base::query::v1beta1::PageResponse;
use cosmrs::proto::cosmos::base::v1beta1::Coin;
use prost::Message;

use super::coins::validate_denom;
use super::state;
use crate::context::Read;
use crate::error::SdkError;
use openledger_types::Address;

/// `/cosmos.bank.v1beta1.Query/Balance`
pub fn balance(r: &mut impl Read, request: &[u8]) -> Result<Vec<u8>, SdkError> {
    let request = QueryBalanceRequest::decode(request)?;
    let addr = Address::from_bech32(&request.address)?;
    validate_denom(&request.denom)?;
    let amount = state::balance(r, &addr, &request.denom)?;
    Ok(QueryBalanceResponse {
        balance: Some(Coin {
            denom: request.denom,
            amount: amount.to_string(),
        }),
    }
    .encode_to_vec())
}

/// `/cosmos.bank.v1beta1.Query/AllBalances` (one page: an account holds few denoms)
pub fn all_balances(r: &mut impl Read, request: &[u8]) -> Result<Vec<u8>, SdkError> {
    let request = QueryAllBalancesRequest::decode(request)?;
    let addr = Address::from_bech32(&request.address)?;
    let balances = state::balances(r, &addr)?;
    let pagination = Some(PageResponse {
        next_key: Vec::new(),
        total: balances.len() as u64,
    });
    Ok(QueryAllBalancesResponse {
        balances,
        pagination,
    }
    .encode_to_vec())
}

/// `/cosmos.bank.v1beta1.Query/TotalSupply`
pub fn total_supply(r: &mut impl Read, _request: &[u8]) -> Result<Vec<u8>, SdkError> {
    let supply = state::all_supply(r)?;
    let pagination = Some(PageResponse {
        next_key: Vec::new(),
        total: supply.len() as u64,
    });
    Ok(QueryTotalSupplyResponse { supply, pagination }.encode_to_vec())
}

/// `/cosmos.bank.v1beta1.Query/SupplyOf`
pub fn supply_of(r: &mut impl Read, request: &[u8]) -> Result<Vec<u8>, SdkError> {
    let request = QuerySupplyOfRequest::decode(request)?;
    validate_denom(&request.denom)?;
    let amount = state::supply(r, &request.denom)?;
    Ok(QuerySupplyOfResponse {
        amount: Some(Coin {
            denom: request.denom,
            amount: amount.to_string(),
        }),
    }
    .encode_to_vec())
}
