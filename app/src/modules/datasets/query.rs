//! datasets queries, served by ABCI Query and gRPC alike.

use openledger_proto::datasets::v1::{
    Contribution, QueryContributionsOfRequest, QueryContributionsRequest,
    QueryContributionsResponse, QueryDatasetRequest, QueryDatasetResponse, QueryDatasetsRequest,
    QueryDatasetsResponse, QueryUsageRequest, QueryUsageResponse, Status,
};
use prost::Message;

use openledger_types::Address;

use super::deps::UsageCounters;
use super::state;
use super::DatasetsError;
use crate::context::Read;
use crate::modules::util::page_limit;

/// `/openledger.datasets.v1.Query/Dataset`
pub fn dataset(r: &mut impl Read, request: &[u8]) -> Result<Vec<u8>, DatasetsError> {
    let request = QueryDatasetRequest::decode(request).map_err(crate::error::SdkError::from)?;
    Ok(QueryDatasetResponse {
        dataset: Some(state::must_dataset(r, request.dataset_id)?),
    }
    .encode_to_vec())
}

/// `/openledger.datasets.v1.Query/Datasets`: by id, a page at a time.
pub fn datasets(r: &mut impl Read, request: &[u8]) -> Result<Vec<u8>, DatasetsError> {
    let request = QueryDatasetsRequest::decode(request).map_err(crate::error::SdkError::from)?;
    let limit = page_limit(request.limit);
    let mut datasets = Vec::new();
    let mut id = request.after_id;
    let last = state::last_dataset_id(r)?;
    while id < last && datasets.len() < limit {
        id += 1;
        if let Some(d) = state::dataset(r, id)? {
            datasets.push(d);
        }
    }
    let next_after_id = if id < last { id } else { 0 };
    Ok(QueryDatasetsResponse {
        datasets,
        next_after_id,
    }
    .encode_to_vec())
}

/// The contributions of `ids` (in order) after `after_id`, filtered by status, one page.
fn page_by_index(
    r: &mut impl Read,
    ids: Vec<u64>,
    after_id: u64,
    limit: u32,
    status: i32,
) -> Result<QueryContributionsResponse, DatasetsError> {
    let limit = page_limit(limit);
    let mut contributions: Vec<Contribution> = Vec::new();
    let mut next_after_id = 0;
    for id in ids {
        if id <= after_id {
            continue;
        }
        if contributions.len() == limit {
            next_after_id = contributions.last().map_or(0, |c| c.id);
            break;
        }
        let c = state::contribution(r, id)?.ok_or_else(|| {
            crate::error::SdkError::Internal(format!("index names missing contribution {id}"))
        })?;
        if status == Status::Unspecified as i32 || c.status == status {
            contributions.push(c);
        }
    }
    Ok(QueryContributionsResponse {
        contributions,
        next_after_id,
    })
}

/// `/openledger.datasets.v1.Query/Contributions`
pub fn contributions(r: &mut impl Read, request: &[u8]) -> Result<Vec<u8>, DatasetsError> {
    let request =
        QueryContributionsRequest::decode(request).map_err(crate::error::SdkError::from)?;
    state::must_dataset(r, request.dataset_id)?;
    let ids = state::contribution_ids_in(r, request.dataset_id)?;
    Ok(page_by_index(r, ids, request.after_id, request.limit, request.status)?.encode_to_vec())
}

/// `/openledger.datasets.v1.Query/ContributionsOf`
pub fn contributions_of(r: &mut impl Read, request: &[u8]) -> Result<Vec<u8>, DatasetsError> {
    let request =
        QueryContributionsOfRequest::decode(request).map_err(crate::error::SdkError::from)?;
    let contributor = Address::from_bech32(&request.contributor)?;
    let ids = state::contribution_ids_of(r, &contributor)?;
    Ok(page_by_index(
        r,
        ids,
        request.after_id,
        request.limit,
        Status::Unspecified as i32,
    )?
    .encode_to_vec())
}

/// `/openledger.datasets.v1.Query/Usage`
pub fn usage(
    r: &mut impl Read,
    counters: &impl UsageCounters,
    request: &[u8],
) -> Result<Vec<u8>, DatasetsError> {
    let request = QueryUsageRequest::decode(request).map_err(crate::error::SdkError::from)?;
    if state::contribution(r, request.contribution_id)?.is_none() {
        return Err(DatasetsError::ContributionNotFound(request.contribution_id));
    }
    Ok(QueryUsageResponse {
        usage: Some(counters.usage(r, request.contribution_id)?),
    }
    .encode_to_vec())
}
