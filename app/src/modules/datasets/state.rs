//! Keys and typed access to the datasets substore.

use openledger_proto::datasets::v1::{Contribution, Dataset};

use super::DatasetsError;
use crate::context::{Ctx, Read};
use openledger_types::Address;
use crate::modules::util::{address_key, id_key};
use crate::store::Substore;

pub const S: Substore = Substore::Datasets;
pub const LAST_DATASET_ID: &[u8] = &[0x00];
pub const DATASET: u8 = 0x01;
pub const LAST_CONTRIBUTION_ID: &[u8] = &[0x02];
pub const CONTRIBUTION: u8 = 0x03;
pub const CONTENT: u8 = 0x04;
pub const BY_DATASET: u8 = 0x05;
pub const BY_CONTRIBUTOR: u8 = 0x06;

pub fn content_key(dataset_id: u64, sha256_hex: &str) -> Vec<u8> {
    let mut key = id_key(CONTENT, dataset_id);
    key.extend_from_slice(sha256_hex.as_bytes());
    key
}

pub fn by_dataset_key(dataset_id: u64, contribution_id: u64) -> Vec<u8> {
    let mut key = id_key(BY_DATASET, dataset_id);
    key.extend_from_slice(&contribution_id.to_be_bytes());
    key
}

pub fn by_contributor_key(contributor: &Address, contribution_id: u64) -> Vec<u8> {
    let mut key = address_key(BY_CONTRIBUTOR, contributor);
    key.extend_from_slice(&contribution_id.to_be_bytes());
    key
}

pub fn dataset(r: &mut impl Read, id: u64) -> Result<Option<Dataset>, DatasetsError> {
    Ok(r.read_msg(S, &id_key(DATASET, id))?)
}

pub fn must_dataset(r: &mut impl Read, id: u64) -> Result<Dataset, DatasetsError> {
    dataset(r, id)?.ok_or(DatasetsError::DatasetNotFound(id))
}

pub fn set_dataset(ctx: &mut Ctx, dataset: &Dataset) -> Result<(), DatasetsError> {
    Ok(ctx.put_msg(S, id_key(DATASET, dataset.id), dataset)?)
}

pub fn contribution(r: &mut impl Read, id: u64) -> Result<Option<Contribution>, DatasetsError> {
    Ok(r.read_msg(S, &id_key(CONTRIBUTION, id))?)
}

pub fn set_contribution(ctx: &mut Ctx, c: &Contribution) -> Result<(), DatasetsError> {
    Ok(ctx.put_msg(S, id_key(CONTRIBUTION, c.id), c)?)
}
