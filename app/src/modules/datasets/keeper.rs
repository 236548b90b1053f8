//! What other modules may ask of datasets (through `crate::keepers`): its datasets and
//! contributions, read-only.

use openledger_proto::datasets::v1::{Contribution, Dataset, Status};
use openledger_types::Address;

use super::state;
use crate::context::Read;
use crate::error::SdkError;

/// datasets' side of the narrow interfaces other modules declare.
pub struct Keeper;

impl Keeper {
    pub fn dataset(r: &mut impl Read, id: u64) -> Result<Option<Dataset>, SdkError> {
        state::dataset(r, id)
    }

    /// A dataset's curator, if the dataset exists.
    pub fn curator(r: &mut impl Read, id: u64) -> Result<Option<Address>, SdkError> {
        state::dataset(r, id)?
            .map(|d| Ok(Address::from_bech32(&d.curator)?))
            .transpose()
    }

    pub fn contribution(r: &mut impl Read, id: u64) -> Result<Option<Contribution>, SdkError> {
        state::contribution(r, id)
    }

    /// The accepted contributions of a dataset with ids in `first..=last`, in id order, at most
    /// `limit` of them. The index is read from `dataset | first` on and never past `last`, a
    /// chunk at a time, so the work is bounded by the range and the limit, not the dataset.
    pub fn accepted_in(
        r: &mut impl Read,
        dataset: u64,
        first: u64,
        last: u64,
        limit: usize,
    ) -> Result<Vec<Contribution>, SdkError> {
        /// Index entries read before their contributions are: one read, then point reads.
        const CHUNK: usize = 64;
        let accepted = Status::Accepted as i32;
        let mut out = Vec::new();
        let mut from = first;
        while out.len() < limit && from <= last {
            let wanted = (limit - out.len()).min(CHUNK);
            let ids = state::contribution_ids_between(r, dataset, from, last, wanted)?;
            let Some(&last_read) = ids.last() else { break };
            for id in ids {
                match state::contribution(r, id)? {
                    Some(c) if c.status == accepted => out.push(c),
                    _ => {}
                }
            }
            match last_read.checked_add(1) {
                Some(next) => from = next,
                None => break,
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::Unmetered;
    use crate::keyspace::testing::state_of;

    /// Dataset 1 with contributions 1..=10,000 (the even ones accepted), dataset 2 with the next
    /// hundred.
    fn large_dataset() -> crate::store::testing::Counting {
        let contributor = Address::from_bytes(vec![0xab; 20]).unwrap();
        state_of(|ctx| {
            for id in 1..=10_100u64 {
                let c = Contribution {
                    id,
                    dataset_id: if id <= 10_000 { 1 } else { 2 },
                    content_sha256: format!("{id:064x}"),
                    status: if id % 2 == 0 {
                        Status::Accepted as i32
                    } else {
                        Status::Pending as i32
                    },
                    ..Default::default()
                };
                state::add_contribution(ctx, &c, &contributor).unwrap();
            }
        })
    }

    fn ids(contributions: &[Contribution]) -> Vec<u64> {
        contributions.iter().map(|c| c.id).collect()
    }

    #[test]
    fn accepted_in_reads_the_index_from_first_to_last_not_the_whole_dataset() {
        let state = large_dataset();
        let mut r = Unmetered(&state);
        let accepted = Keeper::accepted_in(&mut r, 1, 5_001, 5_010, 100).unwrap();
        assert_eq!(ids(&accepted), vec![5_002, 5_004, 5_006, 5_008, 5_010]);
        assert!(
            state.pulled() <= 12,
            "{} index entries read",
            state.pulled()
        );
    }

    #[test]
    fn accepted_in_stops_at_its_limit_and_never_crosses_into_another_dataset() {
        let state = large_dataset();
        let mut r = Unmetered(&state);
        let accepted = Keeper::accepted_in(&mut r, 1, 1, u64::MAX, 3).unwrap();
        assert_eq!(ids(&accepted), vec![2, 4, 6]);
        assert!(
            state.pulled() <= 10,
            "{} index entries read",
            state.pulled()
        );
        let tail = Keeper::accepted_in(&mut r, 1, 9_995, u64::MAX, 100).unwrap();
        assert_eq!(ids(&tail), vec![9_996, 9_998, 10_000]);
        let empty = Keeper::accepted_in(&mut r, 1, 7, 6, 100).unwrap();
        assert!(empty.is_empty());
    }
}
