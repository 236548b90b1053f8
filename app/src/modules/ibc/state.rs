//! The ibc substore's keys that are not ICS-24 paths: the host's own history. Their first byte
//! is 0x00, which no ICS-24 path (ASCII text) starts with.

use openledger_proto::ibc::v1::HostConsensusState;

use crate::context::{Ctx, Read};
use crate::error::SdkError;
use crate::keyspace::{Map, Proto};
use crate::store::Substore;

const S: Substore = Substore::Ibc;
/// `0x00 | height (u64 big-endian)` → this chain's consensus state at that height.
const HOST_CONSENSUS_STATES: Map<u64, Proto<HostConsensusState>> = Map::new(S, 0x00);

pub(super) fn host_consensus_state(
    r: &mut impl Read,
    height: u64,
) -> Result<Option<HostConsensusState>, SdkError> {
    HOST_CONSENSUS_STATES.get(r, &height)
}

pub(super) fn set_host_consensus_state(
    ctx: &mut Ctx,
    height: u64,
    state: &HostConsensusState,
) -> Result<(), SdkError> {
    HOST_CONSENSUS_STATES.set(ctx, &height, state)
}

/// Deletes up to `limit` of the oldest entries below `first_kept`.
pub(super) fn prune_host_consensus_states(
    ctx: &mut Ctx,
    first_kept: u64,
    limit: usize,
) -> Result<(), SdkError> {
    let mut old = Vec::new();
    for entry in HOST_CONSENSUS_STATES.iter(ctx).take(limit) {
        let (height, _) = entry?;
        if height >= first_kept {
            break;
        }
        old.push(height);
    }
    old.iter()
        .try_for_each(|height| HOST_CONSENSUS_STATES.remove(ctx, height))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyspace::testing::written;

    #[test]
    fn host_consensus_states_are_keyed_by_height_in_numeric_order() {
        let rows = written(|ctx| {
            set_host_consensus_state(ctx, 0x0102, &HostConsensusState::default()).unwrap();
        });
        let keys: Vec<_> = rows
            .into_iter()
            .map(|(store, key, _)| (store, key))
            .collect();
        assert_eq!(keys, vec![(S, vec![0x00, 0, 0, 0, 0, 0, 0, 0x01, 0x02])]);
    }
}
