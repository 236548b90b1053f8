//! licences genesis: licences, offers, grants and operator authorisations; indexes and counters
//! are rebuilt.

pub use openledger_proto::licenses::v1::GenesisState as Genesis;
use openledger_types::Address;

use super::{state, LicensesError, TargetRef};
use crate::context::{Ctx, Read};

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
    state::set_last_license_id(ctx, last)?;
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
        state::index_grant(
            ctx,
            g.id,
            &Address::from_canonical_bech32(&g.licensee)?,
            target,
        )?;
    }
    state::set_last_grant_id(ctx, last)?;
    for a in &genesis.authorizations {
        state::must_grant(ctx, a.grant_id)?;
        state::set_authorization(ctx, &Address::from_canonical_bech32(&a.operator)?, a)?;
    }
    Ok(())
}

pub fn export(r: &mut impl Read) -> Result<Genesis, LicensesError> {
    Ok(Genesis {
        licenses: state::all_licenses(r)?,
        offers: state::all_offers(r)?,
        grants: state::all_grants(r)?,
        authorizations: state::all_authorizations(r)?,
    })
}
