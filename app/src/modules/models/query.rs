//! models queries, served by ABCI Query and gRPC alike.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use openledger_proto::models::v1::{
    LineageNode, QueryDescendantsRequest, QueryDescendantsResponse, QueryLineageRequest,
    QueryLineageResponse, QueryModelRequest, QueryModelResponse, QueryModelsByOwnerRequest,
    QueryModelsByOwnerResponse, QueryProvenanceRequest, QueryProvenanceResponse,
    QueryVersionRequest, QueryVersionResponse, QueryVersionsRequest, QueryVersionsResponse,
};
use prost::Message;

use openledger_types::Address;

use super::deps::Registries;
use super::state;
use super::ModelsError;
use crate::context::Read;
use crate::modules::util::{decode_request, page_limit};

/// `/openledger.models.v1.Query/Model`
pub fn model(r: &mut impl Read, request: &[u8]) -> Result<Vec<u8>, ModelsError> {
    let request: QueryModelRequest = decode_request(request)?;
    Ok(QueryModelResponse {
        model: Some(state::must_model(r, request.model_id)?),
    }
    .encode_to_vec())
}

/// `/openledger.models.v1.Query/Version`
pub fn version(r: &mut impl Read, request: &[u8]) -> Result<Vec<u8>, ModelsError> {
    let request: QueryVersionRequest = decode_request(request)?;
    Ok(QueryVersionResponse {
        version: Some(state::must_version(r, request.version_id)?),
    }
    .encode_to_vec())
}

/// `/openledger.models.v1.Query/Versions`: a model's versions by id, a page at a time (the
/// model's version ids are in order, so a page starts from a binary search).
pub fn versions(r: &mut impl Read, request: &[u8]) -> Result<Vec<u8>, ModelsError> {
    let request: QueryVersionsRequest = decode_request(request)?;
    let model = state::must_model(r, request.model_id)?;
    let limit = page_limit(request.limit);
    let start = model
        .version_ids
        .partition_point(|&id| id <= request.after_id);
    let rest = model.version_ids.get(start..).unwrap_or_default();
    let page = rest.get(..limit).unwrap_or(rest);
    let versions = page
        .iter()
        .map(|&id| state::must_version(r, id))
        .collect::<Result<_, _>>()?;
    let next_after_id = match page.last() {
        Some(&last) if rest.len() > page.len() => last,
        _ => 0,
    };
    Ok(QueryVersionsResponse {
        versions,
        next_after_id,
    }
    .encode_to_vec())
}

/// `/openledger.models.v1.Query/ModelsByOwner`: by model id, a page at a time.
pub fn models_by_owner(r: &mut impl Read, request: &[u8]) -> Result<Vec<u8>, ModelsError> {
    let request: QueryModelsByOwnerRequest = decode_request(request)?;
    let owner = Address::from_bech32(&request.owner)?;
    let (models, next) = state::models_of(r, &owner, request.after_id, page_limit(request.limit))?;
    Ok(QueryModelsByOwnerResponse {
        models,
        next_after_id: next.unwrap_or(0),
    }
    .encode_to_vec())
}

/// A walk's nodes, and whether it stopped at its bound with more to visit.
#[derive(Debug, Clone, PartialEq)]
pub struct Walk<T> {
    pub nodes: Vec<T>,
    pub truncated: bool,
}

/// The version and its ancestors, each once at its shortest distance, nearest first (ties by id):
/// at most `limit` versions, the nearest ones (breadth first).
pub fn lineage_nodes(
    r: &mut impl Read,
    registries: &impl Registries,
    version_id: u64,
    limit: usize,
) -> Result<Walk<LineageNode>, ModelsError> {
    let mut depth_of: BTreeMap<u64, u32> = BTreeMap::new();
    let mut queue = VecDeque::from([(version_id, 0u32)]);
    let mut versions = BTreeMap::new();
    let mut truncated = false;
    while let Some((id, depth)) = queue.pop_front() {
        if depth_of.contains_key(&id) {
            continue;
        }
        if depth_of.len() == limit {
            truncated = true;
            break;
        }
        let version = state::must_version(r, id)?;
        depth_of.insert(id, depth);
        for &parent in &version.parent_version_ids {
            queue.push_back((parent, depth + 1));
        }
        versions.insert(id, version);
    }
    let mut order: Vec<(u32, u64)> = depth_of.iter().map(|(&id, &d)| (d, id)).collect();
    order.sort();
    let mut nodes = Vec::with_capacity(order.len());
    for (depth, id) in order {
        let Some(version) = versions.remove(&id) else {
            continue;
        };
        let model = state::must_model(r, version.model_id)?;
        let licenses = registries.licenses_of_version(r, id)?;
        nodes.push(LineageNode {
            version: Some(version),
            model: Some(model),
            licenses,
            depth,
        });
    }
    Ok(Walk { nodes, truncated })
}

/// `/openledger.models.v1.Query/Lineage`
pub fn lineage(
    r: &mut impl Read,
    registries: &impl Registries,
    request: &[u8],
) -> Result<Vec<u8>, ModelsError> {
    let request: QueryLineageRequest = decode_request(request)?;
    let walk = lineage_nodes(r, registries, request.version_id, page_limit(request.limit))?;
    Ok(QueryLineageResponse {
        nodes: walk.nodes,
        truncated: walk.truncated,
    }
    .encode_to_vec())
}

/// Children read per index page while walking descendants.
const CHILDREN_PAGE: usize = 100;

/// The versions derived from `version_id` at any depth, breadth first: at most `limit` of them.
/// Each child is named under at most `MAX_PARENTS` parents, so the index entries read are
/// bounded by the limit too.
pub fn descendant_ids(
    r: &mut impl Read,
    version_id: u64,
    limit: usize,
) -> Result<Walk<u64>, ModelsError> {
    let mut seen = BTreeSet::new();
    let mut queue = VecDeque::from([version_id]);
    while let Some(id) = queue.pop_front() {
        let mut after = 0;
        loop {
            let (children, next) = state::children(r, id, after, CHILDREN_PAGE)?;
            for child in children {
                if seen.contains(&child) {
                    continue;
                }
                if seen.len() == limit {
                    return Ok(Walk {
                        nodes: seen.into_iter().collect(),
                        truncated: true,
                    });
                }
                seen.insert(child);
                queue.push_back(child);
            }
            match next {
                Some(next) => after = next,
                None => break,
            }
        }
    }
    Ok(Walk {
        nodes: seen.into_iter().collect(),
        truncated: false,
    })
}

/// `/openledger.models.v1.Query/Descendants`: the versions derived from this one, by id.
pub fn descendants(r: &mut impl Read, request: &[u8]) -> Result<Vec<u8>, ModelsError> {
    let request: QueryDescendantsRequest = decode_request(request)?;
    state::must_version(r, request.version_id)?;
    let walk = descendant_ids(r, request.version_id, page_limit(request.limit))?;
    let versions = walk
        .nodes
        .into_iter()
        .map(|id| state::must_version(r, id))
        .collect::<Result<_, _>>()?;
    Ok(QueryDescendantsResponse {
        versions,
        truncated: walk.truncated,
    }
    .encode_to_vec())
}

/// `/openledger.models.v1.Query/Provenance`: the lineage and every dataset it was trained on.
pub fn provenance(
    r: &mut impl Read,
    registries: &impl Registries,
    request: &[u8],
) -> Result<Vec<u8>, ModelsError> {
    let request: QueryProvenanceRequest = decode_request(request)?;
    let walk = lineage_nodes(r, registries, request.version_id, page_limit(request.limit))?;
    let ids: BTreeSet<u64> = walk
        .nodes
        .iter()
        .filter_map(|n| n.version.as_ref()?.training.as_ref())
        .flat_map(|t| t.datasets.iter().map(|d| d.dataset_id))
        .collect();
    let mut datasets = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(d) = registries.dataset(r, id)? {
            datasets.push(d);
        }
    }
    Ok(QueryProvenanceResponse {
        lineage: walk.nodes,
        datasets,
        truncated: walk.truncated,
    }
    .encode_to_vec())
}

#[cfg(test)]
mod tests {
    use openledger_proto::models::v1::{Model, ModelVersion};

    use super::*;
    use crate::context::Unmetered;
    use crate::error::SdkError;
    use crate::keyspace::testing::state_of;
    use crate::store::testing::Counting;

    /// Registries with no licences and no datasets: the walks are what is tested.
    struct Keepers;

    impl Registries for Keepers {
        fn licenses_of_version<R: Read>(
            &self,
            _: &mut R,
            _: u64,
        ) -> Result<Vec<openledger_proto::licenses::v1::License>, SdkError> {
            Ok(Vec::new())
        }
        fn dataset<R: Read>(
            &self,
            _: &mut R,
            _: u64,
        ) -> Result<Option<openledger_proto::datasets::v1::Dataset>, SdkError> {
            Ok(None)
        }
    }

    fn owner() -> Address {
        Address::from_bytes(vec![0xab; 20]).unwrap()
    }

    /// Model 1 with 30 versions, each the parent of the next; models 1..=250 owned by `owner`.
    fn chain() -> Counting {
        state_of(|ctx| {
            for id in 1..=250u64 {
                let model = Model {
                    id,
                    owner: owner().to_bech32(),
                    version_ids: if id == 1 { (1..=30).collect() } else { vec![] },
                    ..Default::default()
                };
                state::set_model(ctx, &model).unwrap();
                state::add_owned(ctx, &owner(), id).unwrap();
            }
            for id in 1..=30u64 {
                let version = ModelVersion {
                    id,
                    model_id: 1,
                    parent_version_ids: if id > 1 { vec![id - 1] } else { vec![] },
                    ..Default::default()
                };
                state::add_version(ctx, &version).unwrap();
            }
        })
    }

    fn lineage_of(state: &Counting, version_id: u64, limit: u32) -> QueryLineageResponse {
        let request = QueryLineageRequest { version_id, limit }.encode_to_vec();
        let bytes = lineage(&mut Unmetered(state), &Keepers, &request).unwrap();
        QueryLineageResponse::decode(bytes.as_slice()).unwrap()
    }

    fn depths(response: &QueryLineageResponse) -> Vec<(u64, u32)> {
        response
            .nodes
            .iter()
            .map(|n| (n.version.as_ref().unwrap().id, n.depth))
            .collect()
    }

    #[test]
    fn a_lineage_walk_stops_at_its_limit_nearest_first_and_says_so() {
        let state = chain();
        let short = lineage_of(&state, 30, 5);
        assert!(short.truncated);
        assert_eq!(
            depths(&short),
            vec![(30, 0), (29, 1), (28, 2), (27, 3), (26, 4)]
        );
        let whole = lineage_of(&state, 30, 30);
        assert!(!whole.truncated);
        assert_eq!(whole.nodes.len(), 30);
        assert!(!lineage_of(&state, 30, 0).truncated, "the default is 100");
        let request = QueryProvenanceRequest {
            version_id: 30,
            limit: 3,
        }
        .encode_to_vec();
        let bytes = provenance(&mut Unmetered(&state), &Keepers, &request).unwrap();
        let response = QueryProvenanceResponse::decode(bytes.as_slice()).unwrap();
        assert!(response.truncated);
        assert_eq!(response.lineage.len(), 3);
    }

    #[test]
    fn a_descendants_walk_stops_at_its_limit_and_says_so() {
        let state = chain();
        let walk = |limit: u32| {
            let request = QueryDescendantsRequest {
                version_id: 1,
                limit,
            }
            .encode_to_vec();
            let bytes = descendants(&mut Unmetered(&state), &request).unwrap();
            let response = QueryDescendantsResponse::decode(bytes.as_slice()).unwrap();
            let ids: Vec<u64> = response.versions.iter().map(|v| v.id).collect();
            (ids, response.truncated)
        };
        assert_eq!(walk(10), ((2..=11).collect(), true));
        assert_eq!(walk(29), ((2..=30).collect(), false));
    }

    #[test]
    fn versions_and_models_by_owner_page_through_every_item_once() {
        let state = chain();
        let mut r = Unmetered(&state);
        let (mut versions, mut after, mut pages) = (Vec::new(), 0, 0);
        loop {
            let request = QueryVersionsRequest {
                model_id: 1,
                after_id: after,
                limit: 7,
            }
            .encode_to_vec();
            let page =
                QueryVersionsResponse::decode(versions_query(&mut r, &request).as_slice()).unwrap();
            assert!(page.versions.len() <= 7);
            versions.extend(page.versions.iter().map(|v| v.id));
            pages += 1;
            if page.next_after_id == 0 {
                break;
            }
            after = page.next_after_id;
        }
        assert_eq!((versions, pages), ((1..=30).collect::<Vec<_>>(), 5));

        let (mut models, mut after) = (Vec::new(), 0);
        loop {
            let request = QueryModelsByOwnerRequest {
                owner: owner().to_bech32(),
                after_id: after,
                limit: 0,
            }
            .encode_to_vec();
            let bytes = models_by_owner(&mut r, &request).unwrap();
            let page = QueryModelsByOwnerResponse::decode(bytes.as_slice()).unwrap();
            assert!(page.models.len() <= 100, "the default page is 100");
            models.extend(page.models.iter().map(|m| m.id));
            if page.next_after_id == 0 {
                break;
            }
            after = page.next_after_id;
        }
        assert_eq!(models, (1..=250).collect::<Vec<_>>());
    }

    fn versions_query(r: &mut Unmetered, request: &[u8]) -> Vec<u8> {
        versions(r, request).unwrap()
    }
}
