//! The datasets substore; the only door to its keys.

use openledger_proto::datasets::v1::{Contribution, Dataset, Status};
use openledger_types::Address;

use super::DatasetsError;
use crate::context::{Ctx, Read};
use crate::error::SdkError;
use crate::keyspace::{BigEndian, Counter, Map, Proto, Set, Tail};
use crate::store::Substore;

const S: Substore = Substore::Datasets;
/// The last dataset id handed out.
const LAST_DATASET_ID: Counter = Counter::new(S, 0x00);
/// `0x01 | id` → dataset.
const DATASETS: Map<u64, Proto<Dataset>> = Map::new(S, 0x01);
/// The last contribution id handed out.
const LAST_CONTRIBUTION_ID: Counter = Counter::new(S, 0x02);
/// `0x03 | id` → contribution.
const CONTRIBUTIONS: Map<u64, Proto<Contribution>> = Map::new(S, 0x03);
/// `0x04 | dataset id | len | contributor | sha256 hex` → contribution id: a contributor's live
/// claim on a content hash in a dataset (one per contributor; a rejection frees it).
const CLAIMS: Map<(u64, Address, Tail), BigEndian> = Map::new(S, 0x04);
/// `0x05 | dataset id | contribution id`: a dataset's contributions, in order.
const BY_DATASET: Set<(u64, u64)> = Map::new(S, 0x05);
/// `0x06 | len | contributor | contribution id`: a contributor's, across datasets.
const BY_CONTRIBUTOR: Set<(Address, u64)> = Map::new(S, 0x06);
/// `0x07 | dataset id | sha256 hex` → contribution id: the one claim the curator accepted for a
/// content hash in a curated dataset.
const ACCEPTED: Map<(u64, Tail), BigEndian> = Map::new(S, 0x07);

fn claim_key(dataset_id: u64, contributor: &Address, sha256_hex: &str) -> (u64, Address, Tail) {
    (
        dataset_id,
        contributor.clone(),
        Tail(sha256_hex.as_bytes().to_vec()),
    )
}

fn accepted_key(dataset_id: u64, sha256_hex: &str) -> (u64, Tail) {
    (dataset_id, Tail(sha256_hex.as_bytes().to_vec()))
}

pub(super) fn dataset(r: &mut impl Read, id: u64) -> Result<Option<Dataset>, SdkError> {
    DATASETS.get(r, &id)
}

pub(super) fn must_dataset(r: &mut impl Read, id: u64) -> Result<Dataset, DatasetsError> {
    dataset(r, id)?.ok_or(DatasetsError::DatasetNotFound(id))
}

pub(super) fn set_dataset(ctx: &mut Ctx, dataset: &Dataset) -> Result<(), SdkError> {
    DATASETS.set(ctx, &dataset.id, dataset)
}

/// Every dataset, by id.
pub(super) fn datasets(r: &mut impl Read) -> Result<Vec<Dataset>, SdkError> {
    DATASETS.values(r)
}

/// One page of datasets by id after `after_id`, and the next page's `after_id` (None at the end).
pub(super) fn datasets_page(
    r: &mut impl Read,
    after_id: u64,
    limit: usize,
) -> Result<(Vec<Dataset>, Option<u64>), SdkError> {
    let after = (after_id > 0).then_some(after_id);
    Ok(DATASETS
        .page(r, after.as_ref(), limit)?
        .map(|(_, dataset)| dataset))
}

/// Takes the next dataset id.
pub(super) fn next_dataset_id(ctx: &mut Ctx) -> Result<u64, SdkError> {
    LAST_DATASET_ID.next(ctx)
}

pub(super) fn set_last_dataset_id(ctx: &mut Ctx, id: u64) -> Result<(), SdkError> {
    LAST_DATASET_ID.set(ctx, &id)
}

pub(super) fn contribution(r: &mut impl Read, id: u64) -> Result<Option<Contribution>, SdkError> {
    CONTRIBUTIONS.get(r, &id)
}

/// Stores a contribution whose status changed; its indexes stay as they are.
pub(super) fn set_contribution(ctx: &mut Ctx, c: &Contribution) -> Result<(), SdkError> {
    CONTRIBUTIONS.set(ctx, &c.id, c)
}

/// Stores a new contribution with its two indexes and, unless it was rejected, its contributor's
/// claim on its content hash.
pub(super) fn add_contribution(
    ctx: &mut Ctx,
    c: &Contribution,
    contributor: &Address,
) -> Result<(), SdkError> {
    set_contribution(ctx, c)?;
    if c.status != Status::Rejected as i32 {
        CLAIMS.set(
            ctx,
            &claim_key(c.dataset_id, contributor, &c.content_sha256),
            &c.id,
        )?;
    }
    BY_DATASET.set(ctx, &(c.dataset_id, c.id), &())?;
    BY_CONTRIBUTOR.set(ctx, &(contributor.clone(), c.id), &())
}

/// Every contribution, by id.
pub(super) fn contributions(r: &mut impl Read) -> Result<Vec<Contribution>, SdkError> {
    CONTRIBUTIONS.values(r)
}

/// Takes the next contribution id.
pub(super) fn next_contribution_id(ctx: &mut Ctx) -> Result<u64, SdkError> {
    LAST_CONTRIBUTION_ID.next(ctx)
}

pub(super) fn set_last_contribution_id(ctx: &mut Ctx, id: u64) -> Result<(), SdkError> {
    LAST_CONTRIBUTION_ID.set(ctx, &id)
}

/// Whether a contributor already has a live (pending or accepted) claim on a content hash in a
/// dataset.
pub(super) fn has_claim(
    r: &mut impl Read,
    dataset_id: u64,
    contributor: &Address,
    sha256_hex: &str,
) -> Result<bool, SdkError> {
    CLAIMS.has(r, &claim_key(dataset_id, contributor, sha256_hex))
}

/// Frees a contributor's claim on a content hash (its contribution was rejected), so that the
/// hash can be contributed again.
pub(super) fn free_claim(
    ctx: &mut Ctx,
    dataset_id: u64,
    contributor: &Address,
    sha256_hex: &str,
) -> Result<(), SdkError> {
    CLAIMS.remove(ctx, &claim_key(dataset_id, contributor, sha256_hex))
}

/// The contribution the curator accepted for a content hash in a curated dataset, if any.
pub(super) fn accepted_content(
    r: &mut impl Read,
    dataset_id: u64,
    sha256_hex: &str,
) -> Result<Option<u64>, SdkError> {
    ACCEPTED.get(r, &accepted_key(dataset_id, sha256_hex))
}

/// Records the curator's choice of contribution `id` for a content hash in a curated dataset.
pub(super) fn set_accepted_content(
    ctx: &mut Ctx,
    dataset_id: u64,
    sha256_hex: &str,
    id: u64,
) -> Result<(), SdkError> {
    ACCEPTED.set(ctx, &accepted_key(dataset_id, sha256_hex), &id)
}

/// One page of a dataset's contribution ids after `after_id`: at most `limit`, and the id to
/// pass as `after_id` for the next page (None on the last page). Seeks, so any page costs as
/// much as the first.
pub(super) fn contribution_ids_in(
    r: &mut impl Read,
    dataset_id: u64,
    after_id: u64,
    limit: usize,
) -> Result<(Vec<u64>, Option<u64>), SdkError> {
    let after = (after_id > 0).then_some((dataset_id, after_id));
    let (ids, next) = BY_DATASET
        .page_under(r, &dataset_id, after.as_ref(), limit)?
        .map(|((_, id), ())| id);
    Ok((ids, next.map(|(_, id)| id)))
}

/// The ids of a dataset's contributions in `from..=to`, at most `limit` of them: the read seeks to
/// `dataset | from` and stops at the first id past `to`.
pub(super) fn contribution_ids_between(
    r: &mut impl Read,
    dataset_id: u64,
    from: u64,
    to: u64,
    limit: usize,
) -> Result<Vec<u64>, SdkError> {
    BY_DATASET
        .iter_from(r, &dataset_id, &(dataset_id, from))
        .map(|entry| entry.map(|((_, id), ())| id))
        .take_while(|id| id.as_ref().map_or(true, |&id| id <= to))
        .take(limit)
        .collect()
}

/// One page of a contributor's contribution ids across datasets after `after_id`, as
/// [`contribution_ids_in`].
pub(super) fn contribution_ids_of(
    r: &mut impl Read,
    contributor: &Address,
    after_id: u64,
    limit: usize,
) -> Result<(Vec<u64>, Option<u64>), SdkError> {
    let after = (after_id > 0).then(|| (contributor.clone(), after_id));
    let (ids, next) = BY_CONTRIBUTOR
        .page_under(r, contributor, after.as_ref(), limit)?
        .map(|((_, id), ())| id);
    Ok((ids, next.map(|(_, id)| id)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyspace::testing::written;

    #[test]
    fn keys_keep_their_layout() {
        let contributor = Address::from_bytes(vec![0xab; 20]).unwrap();
        let sha = "ab".repeat(32);
        let writes = written(|ctx| {
            assert_eq!(next_dataset_id(ctx).unwrap(), 1);
            set_dataset(
                ctx,
                &Dataset {
                    id: 1,
                    ..Default::default()
                },
            )
            .unwrap();
            assert_eq!(next_contribution_id(ctx).unwrap(), 1);
            add_contribution(
                ctx,
                &Contribution {
                    id: 2,
                    dataset_id: 1,
                    content_sha256: sha.clone(),
                    ..Default::default()
                },
                &contributor,
            )
            .unwrap();
            set_accepted_content(ctx, 1, &sha, 2).unwrap();
            // A rejected contribution stores no claim.
            add_contribution(
                ctx,
                &Contribution {
                    id: 3,
                    dataset_id: 1,
                    content_sha256: sha.clone(),
                    status: Status::Rejected as i32,
                    ..Default::default()
                },
                &contributor,
            )
            .unwrap();
        });
        let id = |n: u64| n.to_be_bytes().to_vec();
        let key = |parts: &[&[u8]]| parts.concat();
        let mut by_contributor = vec![0x06, 20];
        by_contributor.extend([0xab; 20]);
        let mut by_contributor_3 = by_contributor.clone();
        by_contributor.extend(id(2));
        by_contributor_3.extend(id(3));
        let claim = key(&[&[0x04], &id(1), &[20], &[0xab; 20], sha.as_bytes()]);
        let expected: Vec<(Vec<u8>, Option<Vec<u8>>)> = vec![
            (vec![0x00], Some(id(1))),
            (key(&[&[0x01], &id(1)]), None),
            (vec![0x02], Some(id(1))),
            (key(&[&[0x03], &id(2)]), None),
            (key(&[&[0x03], &id(3)]), None),
            (claim, Some(id(2))),
            (key(&[&[0x05], &id(1), &id(2)]), Some(Vec::new())),
            (key(&[&[0x05], &id(1), &id(3)]), Some(Vec::new())),
            (by_contributor, Some(Vec::new())),
            (by_contributor_3, Some(Vec::new())),
            (key(&[&[0x07], &id(1), sha.as_bytes()]), Some(id(2))),
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
