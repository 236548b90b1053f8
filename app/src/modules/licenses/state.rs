//! The licenses substore; the only door to its keys. Readers fail with `SdkError` (gas, corrupt
//! state) except the `must_*` ones, which say what is missing as a `LicensesError`.

use openledger_proto::licenses::v1::{Grant, License, Offer, OperatorAuthorization, TargetKind};
use openledger_types::Address;

use super::{LicensesError, TargetRef};
use crate::context::{Ctx, Read};
use crate::error::SdkError;
use crate::keyspace::{Counter, KeyPart, Map, Proto, Set};
use crate::store::Substore;

const S: Substore = Substore::Licenses;
/// `0x00` → last licence id.
const LAST_LICENSE_ID: Counter = Counter::new(S, 0x00);
/// `0x01 | id` → `License`.
const LICENSES: Map<u64, Proto<License>> = Map::new(S, 0x01);
/// `0x02 | target kind | target id | licence id` → `Offer`.
const OFFERS: Map<(TargetRef, u64), Proto<Offer>> = Map::new(S, 0x02);
/// `0x03` → last grant id.
const LAST_GRANT_ID: Counter = Counter::new(S, 0x03);
/// `0x04 | id` → `Grant`.
const GRANTS: Map<u64, Proto<Grant>> = Map::new(S, 0x04);
/// `0x05 | len | licensee | grant id` → ().
const BY_LICENSEE: Set<(Address, u64)> = Map::new(S, 0x05);
/// `0x06 | target kind | target id | grant id` → ().
const BY_TARGET: Set<(TargetRef, u64)> = Map::new(S, 0x06);
/// `0x07 | target kind | target id | len | licensee | grant id` → (): a licensee's grants on one
/// target, so the licence rules read only the caller's grants however many others hold.
const BY_TARGET_LICENSEE: Set<(TargetRef, Address, u64)> = Map::new(S, 0x07);
/// `0x08 | grant id | len | operator` → `OperatorAuthorization`.
const AUTHORIZATIONS: Map<(u64, Address), Proto<OperatorAuthorization>> = Map::new(S, 0x08);
/// `0x09 | len | operator | grant id` → (): the grants an operator may charge.
const BY_OPERATOR: Set<(Address, u64)> = Map::new(S, 0x09);

/// A target in a key: its kind as one byte, then its id big-endian.
impl KeyPart for TargetRef {
    fn encode(&self, out: &mut Vec<u8>) {
        let (kind, id) = self.kind_and_id();
        (kind as u8).encode(out);
        id.encode(out);
    }

    fn decode(bytes: &[u8]) -> Result<(Self, &[u8]), SdkError> {
        let (kind, rest) = u8::decode(bytes)?;
        let (id, rest) = u64::decode(rest)?;
        let target = match TargetKind::try_from(i32::from(kind)) {
            Ok(TargetKind::ModelVersion) => TargetRef::Version(id),
            Ok(TargetKind::Dataset) => TargetRef::Dataset(id),
            _ => {
                return Err(SdkError::Internal(format!(
                    "corrupt state key: target kind {kind}"
                )))
            }
        };
        Ok((target, rest))
    }
}

// ---- licences

pub(super) fn next_license_id(ctx: &mut Ctx) -> Result<u64, SdkError> {
    LAST_LICENSE_ID.next(ctx)
}

pub(super) fn set_last_license_id(ctx: &mut Ctx, id: u64) -> Result<(), SdkError> {
    LAST_LICENSE_ID.set(ctx, &id)
}

pub(super) fn last_license_id(r: &mut impl Read) -> Result<u64, SdkError> {
    LAST_LICENSE_ID.last(r)
}

pub(super) fn license(r: &mut impl Read, id: u64) -> Result<Option<License>, SdkError> {
    LICENSES.get(r, &id)
}

pub(super) fn must_license(r: &mut impl Read, id: u64) -> Result<License, LicensesError> {
    license(r, id)?.ok_or(LicensesError::LicenseNotFound(id))
}

pub(super) fn set_license(ctx: &mut Ctx, license: &License) -> Result<(), SdkError> {
    LICENSES.set(ctx, &license.id, license)
}

pub(super) fn all_licenses(r: &mut impl Read) -> Result<Vec<License>, SdkError> {
    LICENSES.values(r)
}

// ---- offers

pub(super) fn offer(
    r: &mut impl Read,
    target: TargetRef,
    license_id: u64,
) -> Result<Option<Offer>, SdkError> {
    OFFERS.get(r, &(target, license_id))
}

/// Stores an offer under its target and its licence id.
pub(super) fn set_offer(ctx: &mut Ctx, target: TargetRef, offer: &Offer) -> Result<(), SdkError> {
    OFFERS.set(ctx, &(target, offer.license_id), offer)
}

/// Every offer on a target, by licence id.
pub(super) fn offers(r: &mut impl Read, target: TargetRef) -> Result<Vec<Offer>, SdkError> {
    OFFERS.values_under(r, &target)
}

/// One page of a target's offers by licence id after `after_id`, and the next page's `after_id`.
pub(super) fn offers_page(
    r: &mut impl Read,
    target: TargetRef,
    after_id: u64,
    limit: usize,
) -> Result<(Vec<Offer>, Option<u64>), SdkError> {
    let after = (after_id > 0).then_some((target, after_id));
    let (offers, next) = OFFERS
        .page_under(r, &target, after.as_ref(), limit)?
        .map(|(_, offer)| offer);
    Ok((offers, next.map(|(_, id)| id)))
}

pub(super) fn all_offers(r: &mut impl Read) -> Result<Vec<Offer>, SdkError> {
    OFFERS.values(r)
}

// ---- grants

pub(super) fn next_grant_id(ctx: &mut Ctx) -> Result<u64, SdkError> {
    LAST_GRANT_ID.next(ctx)
}

pub(super) fn set_last_grant_id(ctx: &mut Ctx, id: u64) -> Result<(), SdkError> {
    LAST_GRANT_ID.set(ctx, &id)
}

pub(super) fn last_grant_id(r: &mut impl Read) -> Result<u64, SdkError> {
    LAST_GRANT_ID.last(r)
}

pub(super) fn must_grant(r: &mut impl Read, id: u64) -> Result<Grant, LicensesError> {
    GRANTS.get(r, &id)?.ok_or(LicensesError::GrantNotFound(id))
}

pub(super) fn grant(r: &mut impl Read, id: u64) -> Result<Option<Grant>, SdkError> {
    GRANTS.get(r, &id)
}

pub(super) fn set_grant(ctx: &mut Ctx, grant: &Grant) -> Result<(), SdkError> {
    GRANTS.set(ctx, &grant.id, grant)
}

pub(super) fn all_grants(r: &mut impl Read) -> Result<Vec<Grant>, SdkError> {
    GRANTS.values(r)
}

/// Adds a grant to the by-licensee and by-target indexes.
pub(super) fn index_grant(
    ctx: &mut Ctx,
    grant_id: u64,
    licensee: &Address,
    target: TargetRef,
) -> Result<(), SdkError> {
    BY_LICENSEE.set(ctx, &(licensee.clone(), grant_id), &())?;
    BY_TARGET.set(ctx, &(target, grant_id), &())?;
    BY_TARGET_LICENSEE.set(ctx, &(target, licensee.clone(), grant_id), &())
}

fn must_grants(r: &mut impl Read, ids: Vec<u64>) -> Result<Vec<Grant>, LicensesError> {
    ids.into_iter().map(|id| must_grant(r, id)).collect()
}

/// One page of a licensee's grants by id after `after_id`, and the next page's `after_id` (None
/// on the last page).
pub(super) fn grants_of(
    r: &mut impl Read,
    licensee: &Address,
    after_id: u64,
    limit: usize,
) -> Result<(Vec<Grant>, Option<u64>), LicensesError> {
    let after = (after_id > 0).then(|| (licensee.clone(), after_id));
    let (ids, next) = BY_LICENSEE
        .page_under(r, licensee, after.as_ref(), limit)?
        .map(|((_, id), ())| id);
    Ok((must_grants(r, ids)?, next.map(|(_, id)| id)))
}

/// One page of a licensee's grants on one target by id after `after_id`, and the next page's
/// `after_id` (None on the last page).
pub(super) fn grants_of_on(
    r: &mut impl Read,
    licensee: &Address,
    target: TargetRef,
    after_id: u64,
    limit: usize,
) -> Result<(Vec<Grant>, Option<u64>), LicensesError> {
    let leading = (target, licensee.clone());
    let after = (after_id > 0).then(|| (target, licensee.clone(), after_id));
    let (ids, next) = BY_TARGET_LICENSEE
        .page_under(r, &leading, after.as_ref(), limit)?
        .map(|((_, _, id), ())| id);
    Ok((must_grants(r, ids)?, next.map(|(_, _, id)| id)))
}

/// One page of the grants on a target by id after `after_id`, and the next page's `after_id`
/// (None on the last page).
pub(super) fn grants_on(
    r: &mut impl Read,
    target: TargetRef,
    after_id: u64,
    limit: usize,
) -> Result<(Vec<Grant>, Option<u64>), LicensesError> {
    let after = (after_id > 0).then_some((target, after_id));
    let (ids, next) = BY_TARGET
        .page_under(r, &target, after.as_ref(), limit)?
        .map(|((_, id), ())| id);
    Ok((must_grants(r, ids)?, next.map(|(_, id)| id)))
}

// ---- operator authorisations

pub(super) fn authorization(
    r: &mut impl Read,
    grant_id: u64,
    operator: &Address,
) -> Result<Option<OperatorAuthorization>, SdkError> {
    AUTHORIZATIONS.get(r, &(grant_id, operator.clone()))
}

pub(super) fn set_authorization(
    ctx: &mut Ctx,
    operator: &Address,
    authorization: &OperatorAuthorization,
) -> Result<(), SdkError> {
    let grant_id = authorization.grant_id;
    AUTHORIZATIONS.set(ctx, &(grant_id, operator.clone()), authorization)?;
    BY_OPERATOR.set(ctx, &(operator.clone(), grant_id), &())
}

pub(super) fn remove_authorization(
    ctx: &mut Ctx,
    grant_id: u64,
    operator: &Address,
) -> Result<(), SdkError> {
    AUTHORIZATIONS.remove(ctx, &(grant_id, operator.clone()))?;
    BY_OPERATOR.remove(ctx, &(operator.clone(), grant_id))
}

/// One page of a grant's authorisations by operator after `after`, and the next page's cursor.
pub(super) fn authorizations_on_page(
    r: &mut impl Read,
    grant_id: u64,
    after: Option<&Address>,
    limit: usize,
) -> Result<(Vec<OperatorAuthorization>, Option<Address>), SdkError> {
    let after = after.map(|operator| (grant_id, operator.clone()));
    let (page, next) = AUTHORIZATIONS
        .page_under(r, &grant_id, after.as_ref(), limit)?
        .map(|(_, a)| a);
    Ok((page, next.map(|(_, operator)| operator)))
}

/// One page of an operator's authorisations by grant id after `after_id`, and the next page's
/// `after_id`.
pub(super) fn authorizations_of(
    r: &mut impl Read,
    operator: &Address,
    after_id: u64,
    limit: usize,
) -> Result<(Vec<OperatorAuthorization>, Option<u64>), SdkError> {
    let after = (after_id > 0).then(|| (operator.clone(), after_id));
    let (grant_ids, next) = BY_OPERATOR
        .page_under(r, operator, after.as_ref(), limit)?
        .map(|((_, grant_id), ())| grant_id);
    let mut out = Vec::with_capacity(grant_ids.len());
    for grant_id in grant_ids {
        if let Some(a) = authorization(r, grant_id, operator)? {
            out.push(a);
        }
    }
    Ok((out, next.map(|(_, id)| id)))
}

pub(super) fn all_authorizations(
    r: &mut impl Read,
) -> Result<Vec<OperatorAuthorization>, SdkError> {
    AUTHORIZATIONS.values(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyspace::testing::written;

    fn keys(write: impl FnOnce(&mut Ctx)) -> Vec<Vec<u8>> {
        let mut keys: Vec<Vec<u8>> = written(write)
            .into_iter()
            .map(|(store, key, _)| {
                assert_eq!(store, S);
                key
            })
            .collect();
        keys.sort();
        keys
    }

    fn id(id: u64) -> [u8; 8] {
        id.to_be_bytes()
    }

    #[test]
    fn keys_keep_their_layout() {
        let licensee = Address::from_bytes(vec![0xab; 20]).unwrap();
        let written = keys(|ctx| {
            next_license_id(ctx).unwrap();
            set_license(
                ctx,
                &License {
                    id: 7,
                    ..Default::default()
                },
            )
            .unwrap();
            let offer = Offer {
                license_id: 7,
                ..Default::default()
            };
            set_offer(ctx, TargetRef::Version(3), &offer).unwrap();
            set_offer(ctx, TargetRef::Dataset(4), &offer).unwrap();
            next_grant_id(ctx).unwrap();
            set_grant(
                ctx,
                &Grant {
                    id: 9,
                    ..Default::default()
                },
            )
            .unwrap();
            index_grant(ctx, 9, &licensee, TargetRef::Dataset(4)).unwrap();
        });
        let mut expected: Vec<Vec<u8>> = vec![
            vec![0x00],
            [&[0x01][..], &id(7)].concat(),
            [&[0x02, 1][..], &id(3), &id(7)].concat(),
            [&[0x02, 2][..], &id(4), &id(7)].concat(),
            vec![0x03],
            [&[0x04][..], &id(9)].concat(),
            [&[0x05, 20][..], &[0xab; 20], &id(9)].concat(),
            [&[0x06, 2][..], &id(4), &id(9)].concat(),
            [&[0x07, 2][..], &id(4), &[20], &[0xab; 20], &id(9)].concat(),
        ];
        expected.sort();
        assert_eq!(written, expected);
    }

    #[test]
    fn a_target_key_part_round_trips_and_refuses_unknown_kinds() {
        for target in [TargetRef::Version(1), TargetRef::Dataset(u64::MAX)] {
            let mut raw = Vec::new();
            target.encode(&mut raw);
            assert_eq!(TargetRef::decode(&raw).unwrap(), (target, &[][..]));
        }
        let mut raw = vec![0];
        5u64.encode(&mut raw);
        assert!(TargetRef::decode(&raw).is_err());
    }

    /// 120 grants on version 1 and 40 on version 2, alternating between two licensees.
    fn grants() -> (crate::store::testing::Counting, [Address; 2]) {
        let licensees = [
            Address::from_bytes(vec![0xab; 20]).unwrap(),
            Address::from_bytes(vec![0xcd; 20]).unwrap(),
        ];
        let state = crate::keyspace::testing::state_of(|ctx| {
            for id in 1..=160u64 {
                set_grant(
                    ctx,
                    &Grant {
                        id,
                        ..Default::default()
                    },
                )
                .unwrap();
                let target = TargetRef::Version(if id <= 120 { 1 } else { 2 });
                index_grant(ctx, id, &licensees[(id % 2) as usize], target).unwrap();
            }
        });
        (state, licensees)
    }

    /// Every page of a paged read, until it says there is no next one.
    fn all_pages(mut page: impl FnMut(u64) -> (Vec<Grant>, Option<u64>)) -> (Vec<u64>, usize) {
        let (mut ids, mut after, mut pages) = (Vec::new(), 0, 0);
        loop {
            let (grants, next) = page(after);
            pages += 1;
            ids.extend(grants.iter().map(|g| g.id));
            match next {
                Some(next) => after = next,
                None => return (ids, pages),
            }
        }
    }

    #[test]
    fn grants_on_a_target_and_of_a_licensee_page_through_each_grant_once() {
        let (state, licensees) = grants();
        let mut r = crate::context::Unmetered(&state);
        let (on_one, pages) =
            all_pages(|after| grants_on(&mut r, TargetRef::Version(1), after, 25).unwrap());
        assert_eq!((on_one, pages), ((1..=120).collect(), 5));
        let (of_first, _) = all_pages(|after| grants_of(&mut r, &licensees[1], after, 7).unwrap());
        assert_eq!(
            of_first,
            (1..=160).filter(|id| id % 2 == 1).collect::<Vec<_>>()
        );
        let (of_on, _) = all_pages(|after| {
            grants_of_on(&mut r, &licensees[0], TargetRef::Version(2), after, 3).unwrap()
        });
        assert_eq!(of_on, (122..=160).step_by(2).collect::<Vec<_>>());
    }

    #[test]
    fn a_page_of_grants_reads_one_index_entry_past_its_limit_at_most() {
        let (state, _) = grants();
        let mut r = crate::context::Unmetered(&state);
        let (page, next) = grants_on(&mut r, TargetRef::Version(1), 100, 10).unwrap();
        assert_eq!(page.len(), 10);
        assert_eq!(next, Some(110));
        assert!(
            state.pulled() <= 11,
            "{} index entries read",
            state.pulled()
        );
    }
}
