//! models genesis: models and versions; indexes and counters are rebuilt.

pub use openledger_proto::models::v1::GenesisState as Genesis;

use openledger_types::Address;

use super::msgs::check_base;
use super::state;
use super::ModelsError;
use crate::context::{Ctx, Read};
use crate::modules::util::{check_text, Lines};

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
        // The text checks of MsgRegisterModel: genesis stores no text a message could not.
        check_text("name", &m.name, 1, 128, Lines::One)?;
        check_text("description", &m.description, 0, 4096, Lines::Many)?;
        check_base(m.external_base.as_ref())?;
        state::set_model(ctx, m)?;
        state::add_owned(ctx, &Address::from_canonical_bech32(&m.owner)?, m.id)?;
    }
    state::set_last_model_id(ctx, last)?;
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
        check_text("uri", &v.uri, 0, 512, Lines::One)?;
        check_base(v.external_base.as_ref())?;
        // Addresses are stored and compared as written: only their canonical spelling.
        for c in &v.contributors {
            Address::from_canonical_bech32(&c.address)?;
        }
        if !v.publisher.is_empty() {
            Address::from_canonical_bech32(&v.publisher)?;
        }
        last = v.id;
        state::add_version(ctx, v)?;
    }
    state::set_last_version_id(ctx, last)?;
    Ok(())
}

pub fn export(r: &mut impl Read) -> Result<Genesis, ModelsError> {
    Ok(Genesis {
        models: state::models(r)?,
        versions: state::versions(r)?,
    })
}
