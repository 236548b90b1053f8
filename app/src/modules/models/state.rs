//! The models substore; the only door to its keys.

use openledger_proto::models::v1::{Model, ModelVersion};
use openledger_types::Address;

use super::ModelsError;
use crate::context::{Ctx, Read};
use crate::error::SdkError;
use crate::keyspace::{Counter, Map, Proto, Set};
use crate::store::Substore;

const S: Substore = Substore::Models;
/// The last model id handed out.
const LAST_MODEL_ID: Counter = Counter::new(S, 0x00);
/// `0x01 | id` → model.
const MODELS: Map<u64, Proto<Model>> = Map::new(S, 0x01);
/// The last version id handed out.
const LAST_VERSION_ID: Counter = Counter::new(S, 0x02);
/// `0x03 | id` → version.
const VERSIONS: Map<u64, Proto<ModelVersion>> = Map::new(S, 0x03);
/// `0x04 | len | owner | model id`: models by owner.
const BY_OWNER: Set<(Address, u64)> = Map::new(S, 0x04);
/// `0x05 | parent version id | child version id`: descendants.
const CHILDREN: Set<(u64, u64)> = Map::new(S, 0x05);

pub(super) fn model(r: &mut impl Read, id: u64) -> Result<Option<Model>, SdkError> {
    MODELS.get(r, &id)
}

pub(super) fn must_model(r: &mut impl Read, id: u64) -> Result<Model, ModelsError> {
    model(r, id)?.ok_or(ModelsError::ModelNotFound(id))
}

pub(super) fn set_model(ctx: &mut Ctx, model: &Model) -> Result<(), SdkError> {
    MODELS.set(ctx, &model.id, model)
}

/// Every model, by id.
pub(super) fn models(r: &mut impl Read) -> Result<Vec<Model>, SdkError> {
    MODELS.values(r)
}

/// Takes the next model id.
pub(super) fn next_model_id(ctx: &mut Ctx) -> Result<u64, SdkError> {
    LAST_MODEL_ID.next(ctx)
}

/// The last model id handed out (0 when none).
pub(super) fn last_model_id(r: &mut impl Read) -> Result<u64, SdkError> {
    LAST_MODEL_ID.last(r)
}

pub(super) fn set_last_model_id(ctx: &mut Ctx, id: u64) -> Result<(), SdkError> {
    LAST_MODEL_ID.set(ctx, &id)
}

pub(super) fn version(r: &mut impl Read, id: u64) -> Result<Option<ModelVersion>, SdkError> {
    VERSIONS.get(r, &id)
}

pub(super) fn must_version(r: &mut impl Read, id: u64) -> Result<ModelVersion, ModelsError> {
    version(r, id)?.ok_or(ModelsError::VersionNotFound(id))
}

/// Stores a new version and indexes it under each of its parents.
pub(super) fn add_version(ctx: &mut Ctx, version: &ModelVersion) -> Result<(), SdkError> {
    VERSIONS.set(ctx, &version.id, version)?;
    for &parent in &version.parent_version_ids {
        CHILDREN.set(ctx, &(parent, version.id), &())?;
    }
    Ok(())
}

/// Every version, by id.
pub(super) fn versions(r: &mut impl Read) -> Result<Vec<ModelVersion>, SdkError> {
    VERSIONS.values(r)
}

/// Takes the next version id.
pub(super) fn next_version_id(ctx: &mut Ctx) -> Result<u64, SdkError> {
    LAST_VERSION_ID.next(ctx)
}

/// The last version id handed out (0 when none).
pub(super) fn last_version_id(r: &mut impl Read) -> Result<u64, SdkError> {
    LAST_VERSION_ID.last(r)
}

pub(super) fn set_last_version_id(ctx: &mut Ctx, id: u64) -> Result<(), SdkError> {
    LAST_VERSION_ID.set(ctx, &id)
}

/// One page of the versions that name `parent` as a parent, by id after `after_id`, and the next
/// page's `after_id` (None on the last page).
pub(super) fn children(
    r: &mut impl Read,
    parent: u64,
    after_id: u64,
    limit: usize,
) -> Result<(Vec<u64>, Option<u64>), SdkError> {
    let after = (after_id > 0).then_some((parent, after_id));
    let (ids, next) = CHILDREN
        .page_under(r, &parent, after.as_ref(), limit)?
        .map(|((_, child), ())| child);
    Ok((ids, next.map(|(_, child)| child)))
}

pub(super) fn add_owned(ctx: &mut Ctx, owner: &Address, model_id: u64) -> Result<(), SdkError> {
    BY_OWNER.set(ctx, &(owner.clone(), model_id), &())
}

pub(super) fn remove_owned(ctx: &mut Ctx, owner: &Address, model_id: u64) -> Result<(), SdkError> {
    BY_OWNER.remove(ctx, &(owner.clone(), model_id))
}

/// One page of the models `owner` owns, by id after `after_id`, and the next page's `after_id`
/// (None on the last page).
pub(super) fn models_of(
    r: &mut impl Read,
    owner: &Address,
    after_id: u64,
    limit: usize,
) -> Result<(Vec<Model>, Option<u64>), ModelsError> {
    let after = (after_id > 0).then(|| (owner.clone(), after_id));
    let (ids, next) = BY_OWNER
        .page_under(r, owner, after.as_ref(), limit)?
        .map(|((_, id), ())| id);
    let mut models = Vec::with_capacity(ids.len());
    for id in ids {
        models.push(must_model(r, id)?);
    }
    Ok((models, next.map(|(_, id)| id)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyspace::testing::written;

    #[test]
    fn keys_keep_their_layout() {
        let owner = Address::from_bytes(vec![0xab; 20]).unwrap();
        let writes = written(|ctx| {
            assert_eq!(next_model_id(ctx).unwrap(), 1);
            set_model(
                ctx,
                &Model {
                    id: 1,
                    ..Default::default()
                },
            )
            .unwrap();
            add_owned(ctx, &owner, 1).unwrap();
            assert_eq!(next_version_id(ctx).unwrap(), 1);
            add_version(
                ctx,
                &ModelVersion {
                    id: 3,
                    parent_version_ids: vec![2],
                    ..Default::default()
                },
            )
            .unwrap();
        });
        let id = |n: u64| n.to_be_bytes().to_vec();
        let key = |parts: &[&[u8]]| parts.concat();
        let mut by_owner = vec![0x04, 20];
        by_owner.extend([0xab; 20]);
        by_owner.extend(id(1));
        let expected: Vec<(Vec<u8>, Option<Vec<u8>>)> = vec![
            (vec![0x00], Some(id(1))),
            (key(&[&[0x01], &id(1)]), None),
            (vec![0x02], Some(id(1))),
            (key(&[&[0x03], &id(3)]), None),
            (by_owner, Some(Vec::new())),
            (key(&[&[0x05], &id(2), &id(3)]), Some(Vec::new())),
        ];
        let mut got: Vec<(Vec<u8>, Option<Vec<u8>>)> = writes
            .into_iter()
            .map(|(store, key, value)| {
                assert_eq!(store, S);
                let value = (![0x01, 0x03].contains(&key[0])).then_some(value);
                (key, value)
            })
            .collect();
        got.sort();
        assert_eq!(got, expected);
    }
}
