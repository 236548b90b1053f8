//! The ABCI 2.0 (CometBFT v0.38) face of the app, served by tendermint-abci's socket server.

use tendermint_abci::Application;
use tendermint_proto::v0_38::abci::{
    response_process_proposal::ProposalStatus, RequestCheckTx, RequestFinalizeBlock, RequestInfo,
    RequestInitChain, RequestPrepareProposal, RequestProcessProposal, RequestQuery,
    ResponseCheckTx, ResponseCommit, ResponseFinalizeBlock, ResponseInfo, ResponseInitChain,
    ResponsePrepareProposal, ResponseProcessProposal, ResponseQuery,
};

use crate::app::App;
use crate::context::BlockHeader;

/// Protocol version of the app's state machine, reported in Info and block headers.
pub const APP_VERSION: u64 = 1;

/// A failure of the node itself (not of a tx): storage broken, or CometBFT out of step. The only
/// safe answer is to stop, so the node restarts from the last commit and replays.
fn fatal(what: &str, err: impl std::fmt::Display) -> ! {
    tracing::error!(%err, "{what} failed; stopping so the node restarts from the last commit");
    std::process::exit(1)
}

impl Application for App {
    fn info(&self, _request: RequestInfo) -> ResponseInfo {
        let committed = self.committed();
        ResponseInfo {
            data: "openledger".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            app_version: APP_VERSION,
            last_block_height: committed.height as i64,
            last_block_app_hash: if committed.height == 0 {
                Default::default()
            } else {
                committed.app_hash.to_vec().into()
            },
        }
    }

    fn init_chain(&self, request: RequestInitChain) -> ResponseInitChain {
        let _span = tracing::info_span!("init_chain", chain_id = %request.chain_id).entered();
        // CometBFT's -1 means blocks are not limited by gas.
        let max_gas = request
            .consensus_params
            .as_ref()
            .and_then(|p| p.block.as_ref())
            .and_then(|b| u64::try_from(b.max_gas).ok());
        match self.init_chain_with_max_gas(&request.chain_id, &request.app_state_bytes, max_gas) {
            Ok(app_hash) => ResponseInitChain {
                app_hash: app_hash.to_vec().into(),
                ..Default::default()
            },
            Err(e) => fatal("InitChain (invalid genesis?)", e),
        }
    }

    fn check_tx(&self, request: RequestCheckTx) -> ResponseCheckTx {
        let result = self.check_tx(&request.tx);
        ResponseCheckTx {
            code: result.code,
            data: result.data,
            log: result.log,
            gas_wanted: result.gas_wanted,
            gas_used: result.gas_used,
            events: result.events,
            codespace: result.codespace,
            ..Default::default()
        }
    }

    fn prepare_proposal(&self, request: RequestPrepareProposal) -> ResponsePrepareProposal {
        let max_bytes = usize::try_from(request.max_tx_bytes).unwrap_or(0);
        ResponsePrepareProposal {
            txs: self.proposal(request.txs, max_bytes),
        }
    }

    fn process_proposal(&self, request: RequestProcessProposal) -> ResponseProcessProposal {
        let status = if self.proposal_is_valid(&request.txs) {
            ProposalStatus::Accept
        } else {
            ProposalStatus::Reject
        };
        ResponseProcessProposal {
            status: status as i32,
        }
    }

    fn finalize_block(&self, request: RequestFinalizeBlock) -> ResponseFinalizeBlock {
        let height = u64::try_from(request.height).unwrap_or(0);
        let _span =
            tracing::info_span!("finalize_block", height, txs = request.txs.len()).entered();
        let header = BlockHeader {
            height,
            time_nanos: request.time.as_ref().map_or(0, unix_nanos),
            next_validators_hash: request.next_validators_hash.to_vec(),
        };
        match self.finalize_block(&header, &request.txs) {
            Ok(outcome) => ResponseFinalizeBlock {
                tx_results: outcome.tx_results,
                events: outcome.events,
                app_hash: outcome.app_hash.to_vec().into(),
                ..Default::default()
            },
            Err(e) => fatal("FinalizeBlock", e),
        }
    }

    fn commit(&self) -> ResponseCommit {
        match self.commit() {
            Ok(committed) => {
                tracing::info!(height = committed.height, app_hash = %hex::encode_upper(committed.app_hash), "committed");
                ResponseCommit { retain_height: 0 }
            }
            Err(e) => fatal("Commit", e),
        }
    }

    fn query(&self, request: RequestQuery) -> ResponseQuery {
        // A query reads and never writes, so a panic in one leaves nothing half done: answer
        // it as an internal error rather than lose CometBFT's query connection.
        let answer = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.query(&request.path, &request.data, request.height, request.prove)
        }));
        answer.unwrap_or_else(|_| {
            tracing::error!(path = %request.path, "query panicked");
            ResponseQuery {
                code: 1,
                codespace: "undefined".into(),
                log: "internal error: the query failed".into(),
                ..Default::default()
            }
        })
    }
}

/// A protobuf timestamp as nanoseconds since the epoch; a time before the epoch (which BFT time
/// never gives) counts as the epoch, one past u64 (the year 2554) as the largest.
fn unix_nanos(time: &tendermint_proto::google::protobuf::Timestamp) -> u64 {
    let nanos = i128::from(time.seconds) * 1_000_000_000 + i128::from(time.nanos);
    u64::try_from(nanos.max(0)).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::unix_nanos;
    use tendermint_proto::google::protobuf::Timestamp;

    #[test]
    fn a_block_time_becomes_nanoseconds_since_the_epoch_and_never_wraps() {
        let at = |seconds, nanos| unix_nanos(&Timestamp { seconds, nanos });
        assert_eq!(at(1_700_000_000, 5), 1_700_000_000_000_000_005);
        assert_eq!(at(-5, 0), 0);
        assert_eq!(at(i64::MAX, 999_999_999), u64::MAX);
    }
}
