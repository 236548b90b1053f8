//! Transactions: decoding with stateless checks (`decode`), the ante checks that charge the fee,
//! verify the signature and bump the sequence (`ante`), and the message router (`router`).
//!
//! A tx runs in two scratch layers over the block's state: the ante layer, kept when the ante
//! checks pass even if a message then fails (the fee and sequence still count, as in the SDK),
//! and the message layer, kept only when every message succeeds.

pub mod ante;
pub mod decode;
pub mod handler;
pub mod router;
pub mod signatures;
pub mod unknown_fields;

use tendermint_proto::v0_38::abci::{Event, ExecTxResult};

use crate::context::Ctx;
use crate::error::Failure;
use crate::gas::GasMeter;
use crate::store::{Overlay, StateRead, Writes};
use ante::{Env, Mode};

/// What running one tx produced: the writes to keep and its ABCI result.
pub struct TxOutcome {
    pub writes: Writes,
    pub result: ExecTxResult,
}

impl TxOutcome {
    fn failed(
        err: impl Into<Failure>,
        gas_wanted: u64,
        gas_used: u64,
        writes: Writes,
        events: Vec<Event>,
    ) -> Self {
        let err: Failure = err.into();
        TxOutcome {
            writes,
            result: ExecTxResult {
                code: err.code,
                codespace: err.codespace.to_string(),
                log: err.log,
                gas_wanted: gas_i64(gas_wanted),
                gas_used: gas_i64(gas_used),
                events,
                ..Default::default()
            },
        }
    }
}

fn gas_i64(gas: u64) -> i64 {
    i64::try_from(gas).unwrap_or(i64::MAX)
}

/// Runs one tx over `state`. Check mode stops after the ante checks, as CheckTx does.
pub fn run(state: &dyn StateRead, env: &Env, bytes: &[u8], mode: Mode) -> TxOutcome {
    let purpose = if mode == Mode::Simulate {
        decode::Purpose::Simulate
    } else {
        decode::Purpose::Execute
    };
    let tx = match decode::decode_for(bytes, &env.params, purpose) {
        Ok(tx) => tx,
        Err(e) => return TxOutcome::failed(e, 0, 0, Writes::new(), Vec::new()),
    };
    // A simulation is metered too, up to the most gas any tx may ask for: past that the tx
    // could never be included, and an unmetered run is a free way to stall the node.
    let gas = if mode == Mode::Simulate {
        GasMeter::new(env.params.max_gas_per_tx)
    } else {
        GasMeter::new(tx.gas_limit)
    };
    let mut ante_ctx = Ctx::new(state, gas, env.height).at_time(env.time_nanos);
    if let Err(e) = ante::run(&mut ante_ctx, &tx, env, mode) {
        return TxOutcome::failed(
            e,
            tx.gas_limit,
            ante_ctx.gas.used(),
            Writes::new(),
            Vec::new(),
        );
    }
    let (ante_writes, gas, mut events) = ante_ctx.finish();
    if matches!(mode, Mode::Check { .. }) {
        return TxOutcome {
            writes: ante_writes,
            result: success(&tx, gas, events, Vec::new()),
        };
    }

    let after_ante = Overlay::with_writes(state, ante_writes);
    let mut msg_ctx = Ctx::new(&after_ante, gas, env.height).at_time(env.time_nanos);
    let outcome: Result<Vec<_>, Failure> = tx
        .msgs
        .iter()
        .map(|msg| router::execute(&mut msg_ctx, msg))
        .collect();
    let (msg_writes, gas, msg_events) = msg_ctx.finish();
    let mut writes = after_ante.into_writes();
    match outcome {
        Ok(responses) => {
            writes.extend(msg_writes);
            events.extend(msg_events);
            TxOutcome {
                writes,
                result: success(&tx, gas, events, responses),
            }
        }
        Err(e) => TxOutcome::failed(e, tx.gas_limit, gas.used(), writes, events),
    }
}

fn success(
    tx: &decode::DecodedTx,
    gas: GasMeter,
    events: Vec<Event>,
    msg_responses: Vec<tendermint_proto::google::protobuf::Any>,
) -> ExecTxResult {
    use prost::Message;
    let data = cosmrs::proto::cosmos::base::abci::v1beta1::TxMsgData {
        msg_responses,
        ..Default::default()
    };
    ExecTxResult {
        code: 0,
        data: data.encode_to_vec().into(),
        gas_wanted: gas_i64(tx.gas_limit),
        gas_used: gas_i64(gas.used()),
        events,
        ..Default::default()
    }
}

#[cfg(test)]
mod tests;
