//! What other modules may ask of models (through `crate::keepers`): its models and versions,
//! read-only.

use openledger_proto::models::v1::{Model, ModelVersion};
use openledger_types::Address;

use super::state;
use crate::context::Read;
use crate::error::SdkError;

/// models' side of the narrow interfaces other modules declare.
pub struct Keeper;

impl Keeper {
    pub fn model(r: &mut impl Read, id: u64) -> Result<Option<Model>, SdkError> {
        state::model(r, id)
    }

    pub fn version(r: &mut impl Read, id: u64) -> Result<Option<ModelVersion>, SdkError> {
        state::version(r, id)
    }

    /// The owner of the model a version belongs to, if the version exists.
    pub fn owner_of_version(r: &mut impl Read, id: u64) -> Result<Option<Address>, SdkError> {
        let Some(version) = state::version(r, id)? else {
            return Ok(None);
        };
        state::model(r, version.model_id)?
            .map(|m| Ok(Address::from_bech32(&m.owner)?))
            .transpose()
    }

    /// Who is paid for a version and their shares in bps (its contributors, summing to 10,000).
    pub fn payees_of_version(r: &mut impl Read, id: u64) -> Result<Vec<(Address, u32)>, SdkError> {
        let version = state::version(r, id)?
            .ok_or_else(|| SdkError::Internal(format!("version {id} not found")))?;
        version
            .contributors
            .iter()
            .map(|c| Ok((Address::from_bech32(&c.address)?, c.share_bps)))
            .collect()
    }

    /// The last model id handed out (0 when none); ids are dense.
    pub fn last_model_id(r: &mut impl Read) -> Result<u64, SdkError> {
        state::last_model_id(r)
    }

    /// The last version id handed out (0 when none); ids are dense.
    pub fn last_version_id(r: &mut impl Read) -> Result<u64, SdkError> {
        state::last_version_id(r)
    }
}
