//! attribution queries, served by ABCI Query and gRPC alike.

use openledger_proto::attribution::v1::{
    Payout, QueryEarningsRequest, QueryEarningsResponse, QueryOperatorRequest,
    QueryOperatorResponse, QueryParamsResponse, QueryReportsRequest, QueryReportsResponse,
    QuerySplitPreviewRequest, QuerySplitPreviewResponse, QueryUsageRequest, QueryUsageResponse,
    QueryVersionUsageRequest, QueryVersionUsageResponse,
};
use prost::Message;

use super::settle::{self, Ledger};
use super::state;
use super::AttributionError;
use crate::context::Read;
use crate::error::{Failure, SdkError};
use openledger_types::Address;
use crate::modules::bank::coins::parse_amount;
use crate::modules::util::{decode_request, trailing_id};

/// What the preview needs besides the ledger: a licence's data share.
pub trait LicenseTerms {
    fn data_share_bps<R: Read>(&self, r: &mut R, license_id: u64) -> Result<Option<u32>, SdkError>;
}

/// `/openledger.attribution.v1.Query/SplitPreview`: who gets what of a price, spending nothing.
pub fn split_preview<R: Read, L: Ledger + LicenseTerms>(
    r: &mut R,
    ledger: &L,
    request: &[u8],
) -> Result<Vec<u8>, Failure> {
    let request: QuerySplitPreviewRequest = decode_request(request)?;
    let price = parse_amount(&request.price)?;
    let version = ledger
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
        ledger
            .data_share_bps(r, license_id)?
            .ok_or(AttributionError::LicenseNotFound(license_id))?
    };
    let mut weights: Vec<(u64, u64)> = request
        .weights
        .iter()
        .map(|w| (w.contribution_id, w.weight))
        .collect();
    weights.sort();
    let params = state::params(r)?;
    let settlement = settle::split(
        r,
        ledger,
        &params,
        request.version_id,
        price,
        data_bps,
        &weights,
        1,
    )?;
    let mut payouts = vec![Payout {
        address: crate::modules::bank::fee_collector().to_bech32(),
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

/// `/openledger.attribution.v1.Query/Earnings`
pub fn earnings(r: &mut impl Read, request: &[u8]) -> Result<Vec<u8>, AttributionError> {
    let request: QueryEarningsRequest = decode_request(request)?;
    let addr = Address::from_bech32(&request.address)?;
    let rewards = state::rewards(r, &addr)?;
    let mut contributions = Vec::new();
    for (key, _) in r.read_prefix(
        state::S,
        &super::msgs::earned_prefix(state::EARNED_FROM_CONTRIBUTION, &addr),
    )? {
        contributions.push(state::contribution_counters(r, trailing_id(&key)?)?);
    }
    let mut versions = Vec::new();
    for (key, _) in r.read_prefix(
        state::S,
        &super::msgs::earned_prefix(state::EARNED_FROM_VERSION, &addr),
    )? {
        versions.push(state::version_counters(r, trailing_id(&key)?)?);
    }
    Ok(QueryEarningsResponse {
        rewards: Some(rewards),
        contributions,
        versions,
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
    let op = state::operator(r, request.version_id, &addr)?.ok_or_else(|| {
        AttributionError::NotBonded(format!(
            "{addr} is not an operator of version {}",
            request.version_id
        ))
    })?;
    Ok(QueryOperatorResponse { operator: Some(op) }.encode_to_vec())
}

/// `/openledger.attribution.v1.Query/Reports`
pub fn reports(r: &mut impl Read, request: &[u8]) -> Result<Vec<u8>, AttributionError> {
    let request: QueryReportsRequest = decode_request(request)?;
    let addr = Address::from_bech32(&request.operator)?;
    let mut reports = Vec::new();
    for (key, _) in r.read_prefix(
        state::S,
        &super::msgs::earned_prefix(state::REPORTS_OF, &addr),
    )? {
        if let Some(report) = state::report(r, trailing_id(&key)?)? {
            reports.push(report);
        }
    }
    Ok(QueryReportsResponse { reports }.encode_to_vec())
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
    let challenge = r
        .read_msg(
            state::S,
            &crate::modules::util::id_key(state::CHALLENGE, request.challenge_id),
        )?
        .ok_or_else(|| {
            AttributionError::InvalidField(format!("challenge {} not found", request.challenge_id))
        })?;
    Ok(openledger_proto::attribution::v1::QueryChallengeResponse {
        challenge: Some(challenge),
    }
    .encode_to_vec())
}

/// `/openledger.attribution.v1.Query/VerifyReceipt`: a receipt against a report's stored root.
pub fn verify_receipt(r: &mut impl Read, request: &[u8]) -> Result<Vec<u8>, AttributionError> {
    use rs_merkle::{algorithms::Sha256, Hasher, MerkleProof};
    let request: openledger_proto::attribution::v1::QueryVerifyReceiptRequest =
        decode_request(request)?;
    let report = state::report(r, request.report_id)?.ok_or_else(|| {
        AttributionError::InvalidField(format!("report {} not found", request.report_id))
    })?;
    let root: [u8; 32] = report
        .receipts_roots
        .get(request.entry as usize)
        .and_then(|root| root.as_slice().try_into().ok())
        .ok_or_else(|| {
            AttributionError::InvalidField(format!(
                "report {} has no aggregated entry {}",
                report.id, request.entry
            ))
        })?;
    let receipt = openledger_proto::attribution::v1::Use::decode(request.receipt.as_slice())
        .map_err(|e| {
            AttributionError::InvalidField(format!("receipt is not an encoded Use: {e}"))
        })?;
    let (Ok(index), Ok(total)) = (
        usize::try_from(request.leaf_index),
        usize::try_from(request.total_leaves),
    ) else {
        return Err(AttributionError::InvalidField(
            "leaf index or count out of range".into(),
        ));
    };
    let valid = index < total
        && MerkleProof::<Sha256>::from_bytes(&request.proof)
            .map(|proof| proof.verify(root, &[index], &[Sha256::hash(&request.receipt)], total))
            .unwrap_or(false);
    Ok(
        openledger_proto::attribution::v1::QueryVerifyReceiptResponse {
            valid,
            receipts_root: root.to_vec(),
            receipt: Some(receipt),
        }
        .encode_to_vec(),
    )
}
