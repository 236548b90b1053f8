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
    /// `limit` of them.
    pub fn accepted_in(
        r: &mut impl Read,
        dataset: u64,
        first: u64,
        last: u64,
        limit: usize,
    ) -> Result<Vec<Contribution>, SdkError> {
        let accepted = Status::Accepted as i32;
        let mut out = Vec::new();
        for id in state::contribution_ids_in(r, dataset)? {
            if id < first || id > last {
                continue;
            }
            if out.len() == limit {
                break;
            }
            match state::contribution(r, id)? {
                Some(c) if c.status == accepted => out.push(c),
                _ => {}
            }
        }
        Ok(out)
    }
}
