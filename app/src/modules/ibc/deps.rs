//! What the IBC module needs from other modules; `crate::keepers` implements it.

use crate::context::Read;
use crate::error::SdkError;

/// From auth (the staking Params it serves): how many heights of host history to keep.
pub trait HistoricalEntries {
    fn historical_entries(&self, r: &mut impl Read) -> Result<u32, SdkError>;
}

pub trait Deps: HistoricalEntries {}
impl<T: HistoricalEntries> Deps for T {}
