//! What datasets needs from other modules; `crate::keepers` implements it.

use openledger_proto::datasets::v1::ContributionUsage;

use crate::context::{Ctx, Read};
use crate::error::SdkError;

/// What datasets needs from licences: whether a licence exists.
pub trait Licenses {
    fn license_exists(&self, ctx: &mut Ctx, id: u64) -> Result<bool, SdkError>;
}

/// Where a contribution's usage counters live: settlement keeps them.
pub trait UsageCounters {
    fn usage<R: Read>(
        &self,
        r: &mut R,
        contribution_id: u64,
    ) -> Result<ContributionUsage, SdkError>;
}

/// Everything datasets' messages need.
pub trait Deps: Licenses {}
impl<T: Licenses> Deps for T {}
