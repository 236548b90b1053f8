//! licences genesis: licences, offers and grants; indexes and counters are rebuilt.

pub use openledger_proto::licenses::v1::GenesisState as Genesis;

use super::state::{self, TargetRef, S};
use super::LicensesError;
use crate::context::{Ctx, Read};
use openledger_types::Address;
use crate::modules::util::read_values;

pub fn import(ctx: &mut Ctx, genesis: &Genesis) -> Result<(), LicensesError> {
    let mut last = 0;
    for l in &genesis.licenses {
        if l.id <= last {
            return Err(LicensesError::InvalidTerms(format!(
                "genesis licences must have increasing ids, got {}",
                l.id
            )));
        }
        super::rules::validate_terms(
            l.terms
                .as_ref()
                .ok_or_else(|| LicensesError::InvalidTerms("terms missing".into()))?,
        )?;
        last = l.id;
        state::set_license(ctx, l)?;
    }
    ctx.put(
        S,
        state::LAST_LICENSE_ID.to_vec(),
        last.to_be_bytes().to_vec(),
    )?;
    for o in &genesis.offers {
        let target = TargetRef::from_proto(o.target.as_ref())?;
        state::must_license(ctx, o.license_id)?;
        state::set_offer(ctx, target, o)?;
    }
    let mut last = 0;
    for g in &genesis.grants {
        if g.id <= last {
            return Err(LicensesError::InvalidTerms(format!(
                "genesis grants must have increasing ids, got {}",
                g.id
            )));
        }
        last = g.id;
        let target = TargetRef::from_proto(g.target.as_ref())?;
        state::set_grant(ctx, g)?;
        state::index_grant(ctx, g, &Address::from_bech32(&g.licensee)?, target)?;
    }
    ctx.put(
        S,
        state::LAST_GRANT_ID.to_vec(),
        last.to_be_bytes().to_vec(),
    )?;
    Ok(())
}

pub fn export(r: &mut impl Read) -> Result<Genesis, LicensesError> {
    Ok(Genesis {
        licenses: read_values(r, S, &[state::LICENSE])?,
        offers: read_values(r, S, &[state::OFFER])?,
        grants: read_values(r, S, &[state::GRANT])?,
    })
}
