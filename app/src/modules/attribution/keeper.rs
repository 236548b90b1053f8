//! What other modules may ask of attribution.

use openledger_proto::attribution::v1::ContributionCounters;

use super::state;
use crate::context::Read;
use crate::error::SdkError;

/// attribution's side of the narrow interfaces other modules declare.
pub struct Keeper;

impl Keeper {
    /// How often a contribution was used, with what weight, and what it earned (zeros if never).
    pub fn contribution_counters(
        r: &mut impl Read,
        contribution_id: u64,
    ) -> Result<ContributionCounters, SdkError> {
        state::contribution_counters(r, contribution_id)
    }
}
