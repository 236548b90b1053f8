//! models genesis: models and versions; indexes and counters are rebuilt.

pub use openledger_proto::models::v1::GenesisState as Genesis;

use super::state::{self, S};
use super::ModelsError;
use crate::context::{Ctx, Read};
use openledger_types::Address;
use crate::modules::util::read_values;

pub fn import(ctx: &mut Ctx, genesis: &Genesis) -> Result<(), ModelsError> {
    let mut last = 0;
    for m in &genesis.models {
        if m.id <= last {
            return Err(ModelsError::InvalidField(format!(
                "genesis models must have increasing ids, got {}",
                m.id
            )));
        }
        last = m.id;
        state::set_model(ctx, m)?;
        ctx.put(
            S,
            state::owner_key(&Address::from_bech32(&m.owner)?, m.id),
            Vec::new(),
        )?;
    }
    ctx.put(
        S,
        state::LAST_MODEL_ID.to_vec(),
        last.to_be_bytes().to_vec(),
    )?;
    let mut last = 0;
    for v in &genesis.versions {
        if v.id <= last {
            return Err(ModelsError::InvalidField(format!(
                "genesis versions must have increasing ids, got {}",
                v.id
            )));
        }
        // Parents come first: the same rule that keeps the lineage acyclic on chain.
        if v.parent_version_ids.iter().any(|&p| p >= v.id) {
            return Err(ModelsError::InvalidField(format!(
                "version {} names a parent that is not older",
                v.id
            )));
        }
        state::must_model(ctx, v.model_id)?;
        last = v.id;
        state::set_version(ctx, v)?;
        for &parent in &v.parent_version_ids {
            ctx.put(S, state::child_key(parent, v.id), Vec::new())?;
        }
    }
    ctx.put(
        S,
        state::LAST_VERSION_ID.to_vec(),
        last.to_be_bytes().to_vec(),
    )?;
    Ok(())
}

pub fn export(r: &mut impl Read) -> Result<Genesis, ModelsError> {
    Ok(Genesis {
        models: read_values(r, S, &[state::MODEL])?,
        versions: read_values(r, S, &[state::VERSION])?,
    })
}
