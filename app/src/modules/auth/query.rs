//! auth queries, served by ABCI Query and gRPC alike.

use cosmrs::proto::cosmos::auth::v1beta1::{
    Params as SdkParams, QueryAccountRequest, QueryAccountResponse, QueryParamsResponse,
};
use cosmrs::proto::cosmos::staking::v1beta1::QueryParamsResponse as StakingParamsResponse;
use prost::Message;
use tendermint_proto::google::protobuf::Any;

use super::{state, Address};
use crate::context::Read;
use crate::error::SdkError;

pub const BASE_ACCOUNT_URL: &str = "/cosmos.auth.v1beta1.BaseAccount";

/// `/cosmos.auth.v1beta1.Query/Account`
pub fn account(r: &mut impl Read, request: &[u8]) -> Result<Vec<u8>, SdkError> {
    let request = QueryAccountRequest::decode(request)?;
    let addr = Address::from_bech32(&request.address)?;
    let account = state::account(r, &addr)?
        .ok_or_else(|| SdkError::KeyNotFound(format!("account {} not found", request.address)))?;
    Ok(QueryAccountResponse {
        account: Some(Any {
            type_url: BASE_ACCOUNT_URL.into(),
            value: account.encode_to_vec(),
        }),
    }
    .encode_to_vec())
}

/// `/cosmos.auth.v1beta1.Query/Params`: the SDK's view of our params.
pub fn params(r: &mut impl Read, _request: &[u8]) -> Result<Vec<u8>, SdkError> {
    let p = state::params(r)?;
    let params = SdkParams {
        max_memo_characters: p.max_memo_characters,
        tx_sig_limit: p.tx_sig_limit,
        tx_size_cost_per_byte: p.tx_size_cost_per_byte,
        sig_verify_cost_ed25519: 590,
        sig_verify_cost_secp256k1: p.sig_verify_cost_secp256k1,
    };
    Ok(QueryParamsResponse {
        params: Some(params),
    }
    .encode_to_vec())
}

/// `/cosmos.staking.v1beta1.Query/Params`: unbonding time and history depth for IBC clients.
pub fn staking_params(r: &mut impl Read, _request: &[u8]) -> Result<Vec<u8>, SdkError> {
    Ok(StakingParamsResponse {
        params: Some(state::staking_params(r)?),
    }
    .encode_to_vec())
}
