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

/// `/openledger.datasets.v1.Query/Datasets`: by id, a page at a time, from a seek.
pub fn datasets(r: &mut impl Read, request: &[u8]) -> Result<Vec<u8>, DatasetsError> {
    let request = QueryDatasetsRequest::decode(request).map_err(crate::error::SdkError::from)?;
    let (datasets, next) = state::datasets_page(r, request.after_id, page_limit(request.limit))?;
    Ok(QueryDatasetsResponse {
        datasets,
        next_after_id: next.unwrap_or(0),
    }
    .encode_to_vec())
}

/// The contributions of one page of index ids, filtered by status. A page visits at most `limit`
/// index entries, so with a filter it may hold fewer (even none) before the last page.
fn contributions_page(
    r: &mut impl Read,
    (ids, next): (Vec<u64>, Option<u64>),
    status: i32,
) -> Result<QueryContributionsResponse, DatasetsError> {
    let mut contributions: Vec<Contribution> = Vec::with_capacity(ids.len());
    for id in ids {
        let c = state::contribution(r, id)?.ok_or_else(|| {
            crate::error::SdkError::Internal(format!("index names missing contribution {id}"))
        })?;
        if status == Status::Unspecified as i32 || c.status == status {
            contributions.push(c);
        }
    }
    Ok(QueryContributionsResponse {
        contributions,
        next_after_id: next.unwrap_or(0),
    })
}

/// `/openledger.datasets.v1.Query/Contributions`
pub fn contributions(r: &mut impl Read, request: &[u8]) -> Result<Vec<u8>, DatasetsError> {
    let request =
        QueryContributionsRequest::decode(request).map_err(crate::error::SdkError::from)?;
    state::must_dataset(r, request.dataset_id)?;
    let page = state::contribution_ids_in(
        r,
        request.dataset_id,
        request.after_id,
        page_limit(request.limit),
    )?;
    Ok(contributions_page(r, page, request.status)?.encode_to_vec())
}

/// `/openledger.datasets.v1.Query/ContributionsOf`
pub fn contributions_of(r: &mut impl Read, request: &[u8]) -> Result<Vec<u8>, DatasetsError> {
    let request =
        QueryContributionsOfRequest::decode(request).map_err(crate::error::SdkError::from)?;
    let contributor = Address::from_bech32(&request.contributor)?;
    let page =
        state::contribution_ids_of(r, &contributor, request.after_id, page_limit(request.limit))?;
    Ok(contributions_page(r, page, Status::Unspecified as i32)?.encode_to_vec())
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

#[cfg(test)]
mod tests {
    use openledger_proto::datasets::v1::Dataset;

    use super::*;
    use crate::context::Unmetered;
    use crate::keyspace::testing::state_of;
    use crate::store::testing::Counting;

    fn contributor() -> Address {
        Address::from_bytes(vec![0xab; 20]).unwrap()
    }

    /// Dataset 1 with contributions 1..=1,000, every third accepted.
    fn dataset() -> Counting {
        state_of(|ctx| {
            let dataset = Dataset {
                id: 1,
                ..Default::default()
            };
            state::set_dataset(ctx, &dataset).unwrap();
            for id in 1..=1_000u64 {
                let c = Contribution {
                    id,
                    dataset_id: 1,
                    content_sha256: format!("{id:064x}"),
                    status: if id % 3 == 0 {
                        Status::Accepted as i32
                    } else {
                        Status::Pending as i32
                    },
                    ..Default::default()
                };
                state::add_contribution(ctx, &c, &contributor()).unwrap();
            }
        })
    }

    /// Every page of Contributions, and the most index entries one page read.
    fn walk(state: &Counting, status: Status, limit: u32) -> (Vec<u64>, usize) {
        let (mut ids, mut after, mut most) = (Vec::new(), 0, 0);
        loop {
            let request = QueryContributionsRequest {
                dataset_id: 1,
                status: status as i32,
                after_id: after,
                limit,
            }
            .encode_to_vec();
            state.reset();
            let bytes = contributions(&mut Unmetered(state), &request).unwrap();
            most = most.max(state.pulled());
            let page = QueryContributionsResponse::decode(bytes.as_slice()).unwrap();
            ids.extend(page.contributions.iter().map(|c| c.id));
            if page.next_after_id == 0 {
                return (ids, most);
            }
            after = page.next_after_id;
        }
    }

    #[test]
    fn contribution_pages_give_each_contribution_once_each_from_a_seek() {
        let state = dataset();
        let (all, most) = walk(&state, Status::Unspecified, 33);
        assert_eq!(all, (1..=1_000).collect::<Vec<_>>());
        assert!(most <= 34, "a page read {most} index entries");
        let (accepted, most) = walk(&state, Status::Accepted, 50);
        assert_eq!(accepted, (3..=1_000).step_by(3).collect::<Vec<_>>());
        assert!(most <= 51, "a filtered page read {most} index entries");
        let request = QueryContributionsOfRequest {
            contributor: contributor().to_bech32(),
            after_id: 990,
            limit: 0,
        }
        .encode_to_vec();
        let bytes = contributions_of(&mut Unmetered(&state), &request).unwrap();
        let page = QueryContributionsResponse::decode(bytes.as_slice()).unwrap();
        assert_eq!(page.contributions.len(), 10);
        assert_eq!(page.next_after_id, 0);
    }
}
