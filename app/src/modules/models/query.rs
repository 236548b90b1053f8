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
use crate::modules::util::decode_request;

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

/// `/openledger.models.v1.Query/Versions`
pub fn versions(r: &mut impl Read, request: &[u8]) -> Result<Vec<u8>, ModelsError> {
    let request: QueryVersionsRequest = decode_request(request)?;
    let model = state::must_model(r, request.model_id)?;
    let versions = model
        .version_ids
        .iter()
        .map(|&id| state::must_version(r, id))
        .collect::<Result<_, _>>()?;
    Ok(QueryVersionsResponse { versions }.encode_to_vec())
}

/// `/openledger.models.v1.Query/ModelsByOwner`
pub fn models_by_owner(r: &mut impl Read, request: &[u8]) -> Result<Vec<u8>, ModelsError> {
    let request: QueryModelsByOwnerRequest = decode_request(request)?;
    let owner = Address::from_bech32(&request.owner)?;
    Ok(QueryModelsByOwnerResponse {
        models: state::models_of(r, &owner)?,
    }
    .encode_to_vec())
}

/// The version and every ancestor, each once at its shortest distance, nearest first (ties by id).
pub fn lineage_nodes(
    r: &mut impl Read,
    registries: &impl Registries,
    version_id: u64,
) -> Result<Vec<LineageNode>, ModelsError> {
    let mut depth_of: BTreeMap<u64, u32> = BTreeMap::new();
    let mut queue = VecDeque::from([(version_id, 0u32)]);
    let mut versions = BTreeMap::new();
    while let Some((id, depth)) = queue.pop_front() {
        if depth_of.contains_key(&id) {
            continue;
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
        let version = versions
            .remove(&id)
            .expect("every visited id has its version");
        let model = state::must_model(r, version.model_id)?;
        let licenses = registries.licenses_of_version(r, id)?;
        nodes.push(LineageNode {
            version: Some(version),
            model: Some(model),
            licenses,
            depth,
        });
    }
    Ok(nodes)
}

/// `/openledger.models.v1.Query/Lineage`
pub fn lineage(
    r: &mut impl Read,
    registries: &impl Registries,
    request: &[u8],
) -> Result<Vec<u8>, ModelsError> {
    let request: QueryLineageRequest = decode_request(request)?;
    Ok(QueryLineageResponse {
        nodes: lineage_nodes(r, registries, request.version_id)?,
    }
    .encode_to_vec())
}

/// `/openledger.models.v1.Query/Descendants`: every version derived from this one, by id.
pub fn descendants(r: &mut impl Read, request: &[u8]) -> Result<Vec<u8>, ModelsError> {
    let request: QueryDescendantsRequest = decode_request(request)?;
    state::must_version(r, request.version_id)?;
    let mut seen = BTreeSet::new();
    let mut queue = VecDeque::from([request.version_id]);
    while let Some(id) = queue.pop_front() {
        for child in state::children(r, id)? {
            if seen.insert(child) {
                queue.push_back(child);
            }
        }
    }
    let versions = seen
        .into_iter()
        .map(|id| state::must_version(r, id))
        .collect::<Result<_, _>>()?;
    Ok(QueryDescendantsResponse { versions }.encode_to_vec())
}

/// `/openledger.models.v1.Query/Provenance`: the lineage and every dataset it was trained on.
pub fn provenance(
    r: &mut impl Read,
    registries: &impl Registries,
    request: &[u8],
) -> Result<Vec<u8>, ModelsError> {
    let request: QueryProvenanceRequest = decode_request(request)?;
    let lineage = lineage_nodes(r, registries, request.version_id)?;
    let ids: BTreeSet<u64> = lineage
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
    Ok(QueryProvenanceResponse { lineage, datasets }.encode_to_vec())
}
