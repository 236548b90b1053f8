//! Keys and typed access to the models substore.

use openledger_proto::models::v1::{Model, ModelVersion};

use super::ModelsError;
use crate::context::{Ctx, Read};
use openledger_types::Address;
use crate::modules::util::{address_key, id_key, trailing_id};
use crate::store::Substore;

pub const S: Substore = Substore::Models;
pub const LAST_MODEL_ID: &[u8] = &[0x00];
pub const MODEL: u8 = 0x01;
pub const LAST_VERSION_ID: &[u8] = &[0x02];
pub const VERSION: u8 = 0x03;
pub const BY_OWNER: u8 = 0x04;
pub const CHILDREN: u8 = 0x05;

pub fn owner_key(owner: &Address, model_id: u64) -> Vec<u8> {
    let mut key = address_key(BY_OWNER, owner);
    key.extend_from_slice(&model_id.to_be_bytes());
    key
}

pub fn child_key(parent: u64, child: u64) -> Vec<u8> {
    let mut key = id_key(CHILDREN, parent);
    key.extend_from_slice(&child.to_be_bytes());
    key
}

pub fn model(r: &mut impl Read, id: u64) -> Result<Option<Model>, ModelsError> {
    Ok(r.read_msg(S, &id_key(MODEL, id))?)
}

pub fn must_model(r: &mut impl Read, id: u64) -> Result<Model, ModelsError> {
    model(r, id)?.ok_or(ModelsError::ModelNotFound(id))
}

pub fn set_model(ctx: &mut Ctx, model: &Model) -> Result<(), ModelsError> {
    Ok(ctx.put_msg(S, id_key(MODEL, model.id), model)?)
}

pub fn version(r: &mut impl Read, id: u64) -> Result<Option<ModelVersion>, ModelsError> {
    Ok(r.read_msg(S, &id_key(VERSION, id))?)
}

pub fn must_version(r: &mut impl Read, id: u64) -> Result<ModelVersion, ModelsError> {
    version(r, id)?.ok_or(ModelsError::VersionNotFound(id))
}

pub fn set_version(ctx: &mut Ctx, version: &ModelVersion) -> Result<(), ModelsError> {
    Ok(ctx.put_msg(S, id_key(VERSION, version.id), version)?)
}

pub fn children(r: &mut impl Read, parent: u64) -> Result<Vec<u64>, ModelsError> {
    r.read_prefix(S, &id_key(CHILDREN, parent))?
        .iter()
        .map(|(k, _)| Ok(trailing_id(k)?))
        .collect()
}

pub fn models_of(r: &mut impl Read, owner: &Address) -> Result<Vec<Model>, ModelsError> {
    let keys = r.read_prefix(S, &address_key(BY_OWNER, owner))?;
    let mut models = Vec::with_capacity(keys.len());
    for (key, _) in keys {
        models.push(must_model(r, trailing_id(&key)?)?);
    }
    Ok(models)
}
