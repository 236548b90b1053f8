//! IBC: what the chain keeps so other chains' light clients can follow it. For now the host
//! side alone: at every block, the consensus state a counterparty's 07-tendermint client holds
//! of this chain at that height, kept for the `historical_entries` heights the staking Params
//! advertise. A connection handshake (ConnOpenTry/Ack) checks the counterparty's copy against
//! it, and ABCI 2.0 gives the app no way to rebuild a past one.

pub mod deps;
mod state;

use openledger_proto::ibc::v1::HostConsensusState;

use crate::context::{BlockHeader, Ctx, Read};
use crate::error::SdkError;

/// Heights below the window that one block deletes at most, so lowering `historical_entries`
/// costs a bounded amount per block and the backlog drains over the next blocks.
const PRUNED_PER_BLOCK: usize = 16;

pub struct Keeper;

impl Keeper {
    /// BeginBlock: records this block's consensus state and forgets those out of the window.
    /// `last_app_hash` is the app hash committed by the block before, which the header of this
    /// block carries (FinalizeBlock does not: the SDK fills it the same way, from the last commit).
    pub fn begin_block(
        ctx: &mut Ctx,
        deps: &impl deps::Deps,
        header: &BlockHeader,
        last_app_hash: [u8; 32],
    ) -> Result<(), SdkError> {
        // The latest is always kept: CheckTx takes the last block's time from it.
        let kept = u64::from(deps.historical_entries(ctx)?).max(1);
        let state = HostConsensusState {
            timestamp_nanos: header.time_nanos,
            root: last_app_hash.to_vec(),
            next_validators_hash: header.next_validators_hash.clone(),
        };
        state::set_host_consensus_state(ctx, header.height, &state)?;
        let first_kept = header.height.saturating_add(1).saturating_sub(kept);
        state::prune_host_consensus_states(ctx, first_kept, PRUNED_PER_BLOCK)
    }

    /// This chain's consensus state at `height`, if it is within the kept window.
    pub fn host_consensus_state(
        r: &mut impl Read,
        height: u64,
    ) -> Result<Option<HostConsensusState>, SdkError> {
        state::host_consensus_state(r, height)
    }
}

#[cfg(test)]
mod tests;
