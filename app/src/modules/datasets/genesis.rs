//! datasets genesis: datasets and contributions; indexes and id counters
//! are rebuilt from them.

pub use openledger_proto::datasets::v1::GenesisState as Genesis;

use openledger_types::Address;

use super::state;
use super::DatasetsError;
use crate::context::{Ctx, Read};

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
    state::set_last_dataset_id(ctx, last_dataset)?;
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
        state::add_contribution(ctx, c, &contributor)?;
    }
    state::set_last_contribution_id(ctx, last_contribution)?;
    Ok(())
}

pub fn export(r: &mut impl Read) -> Result<Genesis, DatasetsError> {
    Ok(Genesis {
        datasets: state::datasets(r)?,
        contributions: state::contributions(r)?,
    })
}
