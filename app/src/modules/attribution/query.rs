//! attribution queries, served by ABCI Query and gRPC alike.

use openledger_proto::attribution::v1::{
    Payout, QueryEarningsRequest, QueryEarningsResponse, QueryOperatorRequest,
    QueryOperatorResponse, QueryParamsResponse, QueryReportsRequest, QueryReportsResponse,
    QuerySplitPreviewRequest, QuerySplitPreviewResponse, QueryUsageRequest, QueryUsageResponse,
    QueryVersionUsageRequest, QueryVersionUsageResponse,
};
use prost::Message;

use openledger_types::{parse_amount, Address};

use super::deps::PreviewDeps;
use super::settle;
use super::state;
use super::AttributionError;
use crate::context::Read;
use crate::error::{Failure, SdkError};
use crate::modules::util::{decode_request, page_limit};

/// `/openledger.attribution.v1.Query/SplitPreview`: who gets what of a price, spending nothing.
pub fn split_preview<R: Read>(
    r: &mut R,
    deps: &impl PreviewDeps,
    request: &[u8],
) -> Result<Vec<u8>, Failure> {
    let request: QuerySplitPreviewRequest = decode_request(request)?;
    let price = parse_amount(&request.price).map_err(SdkError::from)?;
    let version = deps
        .version(r, request.version_id)?
        .ok_or(AttributionError::VersionNotFound(request.version_id))?;
    let license_id = if request.license_id != 0 {
        request.license_id
    } else {
        version.license_ids.first().copied().unwrap_or(0)
    };
    let data_bps = if license_id == 0 {
        0
    } else {
        deps.data_share_bps(r, license_id)?
            .ok_or(AttributionError::LicenseNotFound(license_id))?
    };
    let params = state::params(r)?;
    // The weights a report could carry, and no others: bounded, distinct, non-zero.
    if request.weights.len() > params.max_weights_per_use as usize {
        return Err(AttributionError::InvalidWeight(format!(
            "{} weights, limit {}",
            request.weights.len(),
            params.max_weights_per_use
        ))
        .into());
    }
    super::msgs::check_weights(&request.weights)?;
    let mut weights: Vec<(u64, u64)> = request
        .weights
        .iter()
        .map(|w| (w.contribution_id, w.weight))
        .collect();
    weights.sort();
    let settlement = settle::split(
        r,
        deps,
        &params,
        request.version_id,
        price,
        data_bps,
        &weights,
        1,
    )?;
    let mut payouts = vec![Payout {
        address: deps.fee_collector().to_bech32(),
        amount: settlement.fee.to_string(),
        reason: "protocol_fee".into(),
        version_id: 0,
        contribution_id: 0,
    }];
    payouts.extend(settlement.parts.iter().map(|p| Payout {
        address: p.address.clone(),
        amount: p.amount.to_string(),
        reason: p.reason.into(),
        version_id: p.version_id,
        contribution_id: p.contribution_id,
    }));
    Ok(QuerySplitPreviewResponse {
        payouts,
        total: settlement.total().to_string(),
    }
    .encode_to_vec())
}

/// `/openledger.attribution.v1.Query/Earnings`: at `height`, what is claimable and what is
/// still held back by challenge windows and disputes.
pub fn earnings(
    r: &mut impl Read,
    height: u64,
    request: &[u8],
) -> Result<Vec<u8>, AttributionError> {
    let request: QueryEarningsRequest = decode_request(request)?;
    let addr = Address::from_bech32(&request.address)?;
    let rewards = state::rewards(r, &addr)?;
    let (mut vested, mut pending) = (0u128, 0u128);
    for credit in state::credits_of(r, &addr)? {
        let amount = state::num(&credit.amount)?;
        if super::msgs::vested(r, &credit, height)? {
            vested = vested.saturating_add(amount);
        } else {
            pending = pending.saturating_add(amount);
        }
    }
    let limit = crate::modules::util::page_limit(request.limit);
    let (ids, next_contribution) =
        state::contributions_earned_from(r, &addr, request.after_contribution_id, limit)?;
    let mut contributions = Vec::with_capacity(ids.len());
    for id in ids {
        contributions.push(state::contribution_counters(r, id)?);
    }
    let (ids, next_version) =
        state::versions_earned_from(r, &addr, request.after_version_id, limit)?;
    let mut versions = Vec::with_capacity(ids.len());
    for id in ids {
        versions.push(state::version_counters(r, id)?);
    }
    Ok(QueryEarningsResponse {
        rewards: Some(rewards),
        vested: vested.to_string(),
        pending: pending.to_string(),
        contributions,
        versions,
        next_after_contribution_id: next_contribution.unwrap_or(0),
        next_after_version_id: next_version.unwrap_or(0),
    }
    .encode_to_vec())
}

/// `/openledger.attribution.v1.Query/Usage`
pub fn usage(r: &mut impl Read, request: &[u8]) -> Result<Vec<u8>, AttributionError> {
    let request: QueryUsageRequest = decode_request(request)?;
    Ok(QueryUsageResponse {
        counters: Some(state::contribution_counters(r, request.contribution_id)?),
    }
    .encode_to_vec())
}

/// `/openledger.attribution.v1.Query/VersionUsage`
pub fn version_usage(r: &mut impl Read, request: &[u8]) -> Result<Vec<u8>, AttributionError> {
    let request: QueryVersionUsageRequest = decode_request(request)?;
    Ok(QueryVersionUsageResponse {
        counters: Some(state::version_counters(r, request.version_id)?),
    }
    .encode_to_vec())
}

/// `/openledger.attribution.v1.Query/Operator`
pub fn operator(r: &mut impl Read, request: &[u8]) -> Result<Vec<u8>, AttributionError> {
    let request: QueryOperatorRequest = decode_request(request)?;
    let addr = Address::from_bech32(&request.address)?;
    let op = state::operator(r, request.version_id, &addr)?
        .ok_or(AttributionError::NotOperator(addr, request.version_id))?;
    Ok(QueryOperatorResponse { operator: Some(op) }.encode_to_vec())
}

/// `/openledger.attribution.v1.Query/Reports`
pub fn reports(r: &mut impl Read, request: &[u8]) -> Result<Vec<u8>, AttributionError> {
    let request: QueryReportsRequest = decode_request(request)?;
    let addr = Address::from_bech32(&request.operator)?;
    let (ids, next) = state::report_ids_of(r, &addr, request.after_id, page_limit(request.limit))?;
    let mut reports = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(report) = state::report(r, id)? {
            reports.push(report);
        }
    }
    Ok(QueryReportsResponse {
        reports,
        next_after_id: next.unwrap_or(0),
    }
    .encode_to_vec())
}

/// `/openledger.attribution.v1.Query/Params`
pub fn params(r: &mut impl Read, _request: &[u8]) -> Result<Vec<u8>, AttributionError> {
    Ok(QueryParamsResponse {
        params: Some(state::params(r)?),
    }
    .encode_to_vec())
}

/// `/openledger.attribution.v1.Query/Challenge`
pub fn challenge(r: &mut impl Read, request: &[u8]) -> Result<Vec<u8>, AttributionError> {
    let request: openledger_proto::attribution::v1::QueryChallengeRequest =
        decode_request(request)?;
    let challenge = state::challenge(r, request.challenge_id)?
        .ok_or(AttributionError::ChallengeNotFound(request.challenge_id))?;
    Ok(openledger_proto::attribution::v1::QueryChallengeResponse {
        challenge: Some(challenge),
    }
    .encode_to_vec())
}

/// `/openledger.attribution.v1.Query/VerifyReceipt`: a receipt against a report's stored root.
pub fn verify_receipt(r: &mut impl Read, request: &[u8]) -> Result<Vec<u8>, AttributionError> {
    let request: openledger_proto::attribution::v1::QueryVerifyReceiptRequest =
        decode_request(request)?;
    let report = state::report(r, request.report_id)?
        .ok_or(AttributionError::ReportNotFound(request.report_id))?;
    let root: [u8; 32] = report
        .receipts_roots
        .get(request.entry as usize)
        .and_then(|root| root.as_slice().try_into().ok())
        .ok_or(AttributionError::NoAggregatedEntry(
            report.id,
            request.entry,
        ))?;
    let receipt = openledger_proto::attribution::v1::Use::decode(request.receipt.as_slice())
        .map_err(|e| {
            AttributionError::InvalidField(format!("receipt is not an encoded Use: {e}"))
        })?;
    let valid = super::proof::proves_leaf(
        &root,
        &request.receipt,
        request.leaf_index,
        request.total_leaves,
        &request.proof,
    );
    Ok(
        openledger_proto::attribution::v1::QueryVerifyReceiptResponse {
            valid,
            receipts_root: root.to_vec(),
            receipt: Some(receipt),
        }
        .encode_to_vec(),
    )
}
