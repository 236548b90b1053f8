//! datasets genesis: datasets and contributions; indexes and id counters
//! are rebuilt from them.

pub use openledger_proto::datasets::v1::GenesisState as Genesis;

use super::state::{self, S};
use super::DatasetsError;
use crate::context::{Ctx, Read};
use openledger_types::Address;
use crate::modules::util::read_values;

pub fn import(ctx: &mut Ctx, genesis: &Genesis) -> Result<(), DatasetsError> {
    let mut last_dataset = 0;
    for d in &genesis.datasets {
        if d.id <= last_dataset {
            return Err(DatasetsError::InvalidField(format!(
                "genesis datasets must have increasing ids, got {}",
                d.id
            )));
        }
        Address::from_bech32(&d.curator)?;
        last_dataset = d.id;
        state::set_dataset(ctx, d)?;
    }
    ctx.put(
        S,
        state::LAST_DATASET_ID.to_vec(),
        last_dataset.to_be_bytes().to_vec(),
    )?;
    let mut last_contribution = 0;
    for c in &genesis.contributions {
        if c.id <= last_contribution {
            return Err(DatasetsError::InvalidField(format!(
                "genesis contributions must have increasing ids, got {}",
                c.id
            )));
        }
        state::must_dataset(ctx, c.dataset_id)?;
        let contributor = Address::from_bech32(&c.contributor)?;
        last_contribution = c.id;
        state::set_contribution(ctx, c)?;
        ctx.put(
            S,
            state::content_key(c.dataset_id, &c.content_sha256),
            c.id.to_be_bytes().to_vec(),
        )?;
        ctx.put(S, state::by_dataset_key(c.dataset_id, c.id), Vec::new())?;
        ctx.put(S, state::by_contributor_key(&contributor, c.id), Vec::new())?;
    }
    ctx.put(
        S,
        state::LAST_CONTRIBUTION_ID.to_vec(),
        last_contribution.to_be_bytes().to_vec(),
    )?;
    Ok(())
}

pub fn export(r: &mut impl Read) -> Result<Genesis, DatasetsError> {
    Ok(Genesis {
        datasets: read_values(r, S, &[state::DATASET])?,
        contributions: read_values(r, S, &[state::CONTRIBUTION])?,
    })
}
