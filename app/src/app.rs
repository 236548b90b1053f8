//! The state machine behind the ABCI methods: genesis, CheckTx, FinalizeBlock, Commit, Query.
//!
//! CometBFT's connections (consensus, mempool, query) call in from their own threads, and none
//! waits on another: consensus (InitChain, FinalizeBlock, Commit) holds its own lock; CheckTx
//! holds the mempool's; simulation and queries read a RocksDB snapshot of the last commit and
//! hold no lock while they run. FinalizeBlock persists nothing: it computes the new app hash
//! from the block's write set in memory, and Commit writes the block atomically.

use std::sync::{Arc, Mutex, MutexGuard};

use tendermint_proto::v0_38::abci::{Event, ExecTxResult};

use crate::context::{BlockHeader, Ctx, Unmetered};
use crate::error::SdkError;
use crate::gas::GasMeter;
use crate::genesis::{self, AppGenesis};
use crate::keepers::Keepers;
use crate::modules::auth::{self, GasPrice};
use crate::modules::ibc;
use crate::store::{
    Committed, EmptyState, Overlay, PreparedBlock, Snapshot, StateRead, Storage, Writes,
};
use crate::tx::signatures::{tx_hash, SignatureCache, TxHash};
use crate::tx::{self, ante::Env, ante::Mode, ante::Verified};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("store: {0}")]
    Store(#[from] crate::store::StoreError),
    #[error("{0}")]
    State(#[from] SdkError),
    #[error("genesis: {}", .0.log)]
    Genesis(crate::error::Failure),
    #[error("block {height} breaks an invariant: {broken}")]
    Invariant {
        height: u64,
        broken: crate::invariants::InvariantError,
    },
    #[error("FinalizeBlock for height {got} but the next height is {want}")]
    HeightMismatch { got: u64, want: u64 },
    #[error("InitChain over a store at height {height} whose app hash {committed} is not this genesis's {computed}")]
    GenesisMismatch {
        height: u64,
        committed: String,
        computed: String,
    },
}

#[derive(Clone)]
pub struct App {
    storage: Storage,
    consensus: Arc<Mutex<Consensus>>,
    check: Arc<Mutex<CheckState>>,
    /// Signatures this node verified, so CheckTx, the proposal checks and FinalizeBlock check
    /// each tx's signature once between them.
    signatures: Arc<SignatureCache>,
    /// Gas one query may spend on reads before it is refused (the node's `--query-gas-limit`).
    query_gas_limit: u64,
    /// Check [`crate::invariants`] after every block (a full read of the state, so debug
    /// builds, tests and `--check-invariants` only); a broken one stops the node.
    check_invariants: bool,
}

/// The query gas budget when the node sets none: about 50,000 point reads, far more than any
/// page of 1,000 items needs, far less than a scan of a large index.
pub const DEFAULT_QUERY_GAS_LIMIT: u64 = 50_000_000;

/// What consensus owns: the block between FinalizeBlock and Commit, and the last commit.
struct Consensus {
    pending: Option<PreparedBlock>,
    /// Hashes of the pending block's txs, whose cached signatures Commit drops.
    pending_txs: Vec<TxHash>,
    committed: Committed,
}

/// The mempool's view: the committed state at `height` plus the ante effects (fees, sequences)
/// of the txs CheckTx accepted over it. The first CheckTx over a newer commit starts it afresh
/// (CometBFT then rechecks the txs left in the mempool), so Commit never waits on the mempool.
struct CheckState {
    height: u64,
    writes: Writes,
}

impl CheckState {
    /// The accepted writes over `snapshot`, dropped when they were made over an older commit.
    fn rebase(&mut self, snapshot: &Snapshot<'_>) -> Result<u64, crate::store::StoreError> {
        let height = snapshot.committed()?.height;
        if self.height != height {
            self.height = height;
            self.writes.clear();
        }
        Ok(height)
    }
}

/// The result of executing a block.
pub struct BlockOutcome {
    pub tx_results: Vec<ExecTxResult>,
    /// Events of the begin-block hooks (FinalizeBlock's block events).
    pub events: Vec<Event>,
    pub app_hash: [u8; 32],
    /// Bytes of state the block writes (keys and values), for benchmarks.
    pub state_bytes: usize,
}

impl App {
    pub fn new(storage: Storage) -> Result<Self, AppError> {
        let committed = storage.committed()?;
        Ok(App {
            storage,
            consensus: Arc::new(Mutex::new(Consensus {
                pending: None,
                pending_txs: Vec::new(),
                committed,
            })),
            check: Arc::new(Mutex::new(CheckState {
                height: committed.height,
                writes: Writes::new(),
            })),
            signatures: Arc::default(),
            query_gas_limit: DEFAULT_QUERY_GAS_LIMIT,
            check_invariants: cfg!(debug_assertions),
        })
    }

    /// The same app with another query gas budget (0 is taken as the default).
    pub fn with_query_gas_limit(mut self, limit: u64) -> Self {
        self.query_gas_limit = if limit == 0 {
            DEFAULT_QUERY_GAS_LIMIT
        } else {
            limit
        };
        self
    }

    /// The same app, checking the invariants after every block or not.
    pub fn with_invariant_checks(mut self, on: bool) -> Self {
        self.check_invariants = on;
        self
    }

    /// Signatures verified and not yet committed (for tests and metrics).
    pub fn cached_signatures(&self) -> usize {
        self.signatures.len()
    }

    pub fn query_gas_limit(&self) -> u64 {
        self.query_gas_limit
    }

    fn consensus(&self) -> MutexGuard<'_, Consensus> {
        lock(&self.consensus)
    }

    pub fn committed(&self) -> Committed {
        self.consensus().committed
    }

    pub fn storage(&self) -> Storage {
        self.storage.clone()
    }

    /// Applies genesis and commits it as version 0, so the first block builds on it.
    ///
    /// CometBFT calls InitChain again on every restart until block 1 commits (Info still says
    /// height 0), so genesis is always computed over an empty state, never over the genesis
    /// already committed: a re-run then finds the same app hash and writes nothing, and a
    /// different genesis for the same store is refused.
    pub fn init_chain(&self, chain_id: &str, app_state: &[u8]) -> Result<[u8; 32], AppError> {
        self.init_chain_with_max_gas(chain_id, app_state, None)
    }

    /// InitChain with the consensus params' `block.max_gas` (None: blocks are not limited),
    /// kept as state so that every node judges proposals by it.
    pub fn init_chain_with_max_gas(
        &self,
        chain_id: &str,
        app_state: &[u8],
        block_max_gas: Option<u64>,
    ) -> Result<[u8; 32], AppError> {
        let genesis = AppGenesis::from_json(app_state)?;
        let mut inner = self.consensus();
        let mut ctx = Ctx::new(&EmptyState, GasMeter::infinite(), 0);
        auth::Keeper::set_chain_id(&mut ctx, chain_id)?;
        if let Some(max_gas) = block_max_gas {
            auth::Keeper::set_block_max_gas(&mut ctx, max_gas)?;
        }
        genesis::import(&mut ctx, &genesis).map_err(AppError::Genesis)?;
        let (writes, _, _) = ctx.finish();
        let prepared = self.storage.prepare(0, writes)?;
        if self.storage.is_initialized()? {
            let committed = inner.committed;
            if committed.height != 0 || prepared.app_hash() != committed.app_hash {
                return Err(AppError::GenesisMismatch {
                    height: committed.height,
                    committed: hex::encode_upper(committed.app_hash),
                    computed: hex::encode_upper(prepared.app_hash()),
                });
            }
            tracing::info!(chain_id, app_hash = %hex::encode_upper(committed.app_hash), "genesis already committed");
            return Ok(committed.app_hash);
        }
        inner.committed = self.storage.commit(prepared)?;
        tracing::info!(chain_id, app_hash = %hex::encode_upper(inner.committed.app_hash), "genesis committed");
        Ok(inner.committed.app_hash)
    }

    fn env(state: &dyn StateRead, height: u64, time_nanos: u64) -> Result<Env, SdkError> {
        let mut r = Unmetered(state);
        let params = auth::Keeper::params(&mut r)?;
        let min_gas_price = GasPrice::parse(&params.min_gas_price)?;
        Ok(Env {
            chain_id: auth::Keeper::chain_id(&mut r)?,
            params,
            min_gas_price,
            height,
            time_nanos,
        })
    }

    /// The env of a tx the next block may hold, judged over the last commit at `committed`:
    /// the block's time is not known yet, so the last block's stands in (as the SDK's check
    /// state carries the last header).
    fn next_block_env(state: &dyn StateRead, committed: u64) -> Result<Env, SdkError> {
        let last = ibc::Keeper::host_consensus_state(&mut Unmetered(state), committed)?;
        Self::env(state, committed + 1, last.map_or(0, |s| s.timestamp_nanos))
    }

    /// CheckTx: ante checks against the mempool's state; accepted effects stay in it. It holds
    /// the mempool's lock only, so a block executing or committing never waits on it.
    pub fn check_tx(&self, bytes: &[u8]) -> ExecTxResult {
        let mut check = lock(&self.check);
        // Taken under the mempool's lock, so the snapshots CheckTx sees only move forward.
        let snapshot = self.storage.snapshot();
        let height = match check.rebase(&snapshot) {
            Ok(height) => height,
            Err(e) => return internal(e.into()),
        };
        let check_state = Overlay::with_writes(&snapshot, std::mem::take(&mut check.writes));
        let outcome = match Self::next_block_env(&check_state, height) {
            Ok(env) => {
                let verified = verify_once(&self.signatures, &check_state, &env, bytes);
                tx::run(&check_state, &env, bytes, Mode::Check { verified })
            }
            Err(e) => {
                check.writes = check_state.into_writes();
                return internal(e);
            }
        };
        let mut writes = check_state.into_writes();
        if outcome.result.code == 0 {
            writes.extend(outcome.writes);
        }
        check.writes = writes;
        outcome.result
    }

    /// PrepareProposal: the txs in CometBFT's order that the block would charge (see
    /// [`Admission`]), up to `max_bytes` and up to the block's max gas (the sum of the txs' gas
    /// limits). A tx the mempool holds but the block could not charge is left out.
    pub fn proposal<T: AsRef<[u8]>>(&self, txs: Vec<T>, max_bytes: usize) -> Vec<T> {
        let max_gas = self.block_max_gas();
        let snapshot = self.storage.snapshot();
        let Ok(mut admission) = Admission::over(&snapshot, &self.signatures) else {
            return Vec::new();
        };
        let (mut bytes, mut gas) = (0usize, 0u64);
        let mut out = Vec::with_capacity(txs.len());
        for tx in txs {
            let Some(wanted) = tx_gas_limit(tx.as_ref()) else {
                continue;
            };
            // CometBFT counts each tx with its protobuf framing; a few bytes of slack cover it.
            let framed = tx.as_ref().len() + 8;
            let gas_after = gas.saturating_add(wanted);
            if bytes + framed > max_bytes || max_gas.is_some_and(|max| gas_after > max) {
                break;
            }
            if !admission.admit(tx.as_ref()) {
                continue;
            }
            bytes += framed;
            gas = gas_after;
            out.push(tx);
        }
        out
    }

    /// ProcessProposal: every tx decodes, the block could charge each in order (see
    /// [`Admission`]), and their gas limits sum to at most the block's max gas.
    pub fn proposal_is_valid<T: AsRef<[u8]>>(&self, txs: &[T]) -> bool {
        let snapshot = self.storage.snapshot();
        let Ok(mut admission) = Admission::over(&snapshot, &self.signatures) else {
            return false;
        };
        let mut gas = 0u64;
        for tx in txs {
            match tx_gas_limit(tx.as_ref()) {
                Some(wanted) => gas = gas.saturating_add(wanted),
                None => return false,
            }
            if !admission.admit(tx.as_ref()) {
                return false;
            }
        }
        self.block_max_gas().is_none_or(|max| gas <= max)
    }

    /// The committed `block.max_gas`; unreadable state counts as no limit (Commit would fail).
    fn block_max_gas(&self) -> Option<u64> {
        auth::Keeper::block_max_gas(&mut crate::context::Unmetered(&self.storage))
            .ok()
            .flatten()
    }

    /// Simulate: the whole tx against the mempool's state, nothing kept. It copies the mempool's
    /// writes and lets go of its lock before running, so a simulation holds up nobody.
    pub fn simulate(&self, bytes: &[u8]) -> ExecTxResult {
        let snapshot;
        let (height, writes) = {
            let mut check = lock(&self.check);
            snapshot = self.storage.snapshot();
            match check.rebase(&snapshot) {
                Ok(height) => (height, check.writes.clone()),
                Err(e) => return internal(e.into()),
            }
        };
        let check_state = Overlay::with_writes(&snapshot, writes);
        match Self::next_block_env(&check_state, height) {
            Ok(env) => tx::run(&check_state, &env, bytes, Mode::Simulate).result,
            Err(e) => internal(e),
        }
    }

    /// FinalizeBlock: runs the begin-block hooks, then the txs in order, and computes the app
    /// hash, persisting nothing.
    pub fn finalize_block<T: AsRef<[u8]> + Sync>(
        &self,
        header: &BlockHeader,
        txs: &[T],
    ) -> Result<BlockOutcome, AppError> {
        let height = header.height;
        let mut inner = self.consensus();
        let want = inner.committed.height + 1;
        if height != want {
            return Err(AppError::HeightMismatch { got: height, want });
        }
        let mut block = Overlay::new(&self.storage);
        let events = begin_block(&mut block, header, inner.committed.app_hash)?;
        let env = Self::env(&block, height, header.time_nanos)?;
        let verified = preverify_all(&self.storage, &self.signatures, &env, txs);
        let mut tx_results = Vec::with_capacity(txs.len());
        for (bytes, verified) in txs.iter().zip(verified) {
            let outcome = tx::run(&block, &env, bytes.as_ref(), Mode::Deliver { verified });
            block.apply(outcome.writes);
            tx_results.push(outcome.result);
        }
        if self.check_invariants {
            if let Err(broken) = crate::invariants::check(&block) {
                return Err(AppError::Invariant { height, broken });
            }
        }
        let writes = block.into_writes();
        let prepared = self.storage.prepare(height, writes)?;
        let app_hash = prepared.app_hash();
        let state_bytes = prepared.write_bytes();
        inner.pending = Some(prepared);
        inner.pending_txs = txs.iter().map(|tx| tx_hash(tx.as_ref())).collect();
        Ok(BlockOutcome {
            tx_results,
            events,
            app_hash,
            state_bytes,
        })
    }

    /// Commit: writes the finalized block atomically and resets the mempool's state.
    pub fn commit(&self) -> Result<Committed, AppError> {
        let mut inner = self.consensus();
        let prepared = inner
            .pending
            .take()
            .ok_or(crate::store::StoreError::NothingPrepared)?;
        inner.committed = self.storage.commit(prepared)?;
        self.signatures
            .forget(&std::mem::take(&mut inner.pending_txs));
        Ok(inner.committed)
    }

    /// Exports the latest committed state as app_state JSON.
    pub fn export_genesis(&self) -> Result<AppGenesis, AppError> {
        genesis::export(&mut Unmetered(&self.storage.snapshot())).map_err(AppError::Genesis)
    }
}

/// What every block does before its txs, whatever they are: each module's BeginBlock, with no
/// gas limit (their cost does not depend on input) and their writes kept. Returns their events.
fn begin_block(
    block: &mut Overlay<'_>,
    header: &BlockHeader,
    last_app_hash: [u8; 32],
) -> Result<Vec<Event>, AppError> {
    let mut ctx = Ctx::new(&*block, GasMeter::infinite(), header.height).at_time(header.time_nanos);
    ibc::Keeper::begin_block(&mut ctx, &Keepers, header, last_app_hash)?;
    let (writes, _, events) = ctx.finish();
    block.apply(writes);
    Ok(events)
}

/// The rule by which a proposer picks txs and every validator judges a proposal, one function
/// for both: in block order, over the last commit, each tx passes the ante checks (signature,
/// sequence, a fee its payer can pay from what the txs before it left). A block never carries a
/// tx that pays no fee, so its space cannot be filled for free.
struct Admission<'a> {
    state: Overlay<'a>,
    env: Env,
    signatures: &'a SignatureCache,
}

impl<'a> Admission<'a> {
    fn over(snapshot: &'a Snapshot<'a>, signatures: &'a SignatureCache) -> Result<Self, AppError> {
        let committed = snapshot.committed()?.height;
        let state = Overlay::new(snapshot);
        let env = App::next_block_env(&state, committed)?;
        Ok(Admission {
            state,
            env,
            signatures,
        })
    }

    /// Whether the block could charge `tx` after the ones admitted before it; its ante effects
    /// are kept for the next.
    fn admit(&mut self, tx: &[u8]) -> bool {
        let verified = verify_once(self.signatures, &self.state, &self.env, tx);
        let outcome = tx::run(&self.state, &self.env, tx, Mode::Check { verified });
        let admitted = outcome.result.code == 0;
        if admitted {
            self.state.apply(outcome.writes);
        }
        admitted
    }
}

/// The tx's signature as verified against the account in `state`: from the cache when this node
/// checked it before, else checked now and cached. None when it does not verify (the ante check
/// then refuses the tx with the reason).
fn verify_once(
    signatures: &SignatureCache,
    state: &dyn StateRead,
    env: &Env,
    tx: &[u8],
) -> Option<Verified> {
    let hash = tx_hash(tx);
    if let Some(verified) = signatures.get(&hash) {
        return Some(verified);
    }
    let verified = tx::ante::preverify(&mut Unmetered(state), tx, env)?;
    signatures.insert(hash, verified);
    Some(verified)
}

/// Checks the block's signatures on all cores against the state before the block, skipping
/// those this node verified already. Execution stays sequential and decides; this only spares
/// it the signature checks it can reuse.
fn preverify_all<T: AsRef<[u8]> + Sync>(
    state: &Storage,
    signatures: &SignatureCache,
    env: &Env,
    txs: &[T],
) -> Vec<Option<Verified>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(txs.len().max(1));
    let chunk = txs.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = txs
            .chunks(chunk)
            .map(|part| {
                let worker = scope.spawn(move || {
                    part.iter()
                        .map(|tx| verify_once(signatures, state, env, tx.as_ref()))
                        .collect::<Vec<_>>()
                });
                (part.len(), worker)
            })
            .collect();
        // A worker that panicked vouches for none of its txs (the ante checks verify them), and
        // every position keeps its tx so no result lands on another tx.
        workers
            .into_iter()
            .flat_map(|(len, w)| w.join().unwrap_or_else(|_| vec![None; len]))
            .collect()
    })
}

/// A panic while a lock is held leaves no partial state behind (writes are staged), so the data
/// behind a poisoned lock is still consistent.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn internal(e: SdkError) -> ExecTxResult {
    use crate::error::AbciError;
    ExecTxResult {
        code: e.code(),
        codespace: e.codespace().into(),
        log: e.to_string(),
        ..Default::default()
    }
}

/// The gas limit a tx's fee asks for; None when it does not decode as a tx.
fn tx_gas_limit(bytes: &[u8]) -> Option<u64> {
    use cosmrs::proto::cosmos::tx::v1beta1::{AuthInfo, TxRaw};
    use prost::Message;
    let raw = TxRaw::decode(bytes).ok()?;
    let auth_info = AuthInfo::decode(raw.auth_info_bytes.as_slice()).ok()?;
    Some(auth_info.fee.map_or(0, |fee| fee.gas_limit))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::Unmetered;
    use crate::modules::bank;
    use crate::testkit::TestKey;

    fn genesis_json(funds: u128) -> (TestKey, String) {
        let key = TestKey::from_seed("genesis");
        let mut genesis = AppGenesis::default();
        genesis
            .add_account(
                &key.address().to_bech32(),
                &[bank::genesis::GenesisCoin {
                    denom: "uopen".into(),
                    amount: funds.to_string(),
                }],
            )
            .unwrap();
        (key, serde_json::to_string(&genesis).unwrap())
    }

    #[test]
    fn init_chain_run_again_after_a_restart_before_block_one_keeps_the_genesis_state() {
        let dir = tempfile::tempdir().unwrap();
        let (key, json) = genesis_json(1_000);
        let first = App::new(Storage::open(dir.path(), 0).unwrap())
            .unwrap()
            .init_chain("c-1", json.as_bytes())
            .unwrap();
        // The node restarts before block 1: CometBFT's handshake calls InitChain again.
        let app = App::new(Storage::open(dir.path(), 0).unwrap()).unwrap();
        assert_eq!(app.init_chain("c-1", json.as_bytes()).unwrap(), first);
        assert_eq!(app.committed().app_hash, first);
        let storage = app.storage();
        let mut r = Unmetered(&storage);
        assert_eq!(
            bank::Keeper::balance(&mut r, &key.address(), "uopen").unwrap(),
            1_000
        );
        assert_eq!(bank::Keeper::supply(&mut r, "uopen").unwrap(), 1_000);
        // Another genesis over the same store is refused, and changes nothing.
        let (_, other) = genesis_json(2_000);
        assert!(matches!(
            app.init_chain("c-1", other.as_bytes()),
            Err(AppError::GenesisMismatch { height: 0, .. })
        ));
        assert_eq!(app.committed().app_hash, first);
    }

    #[test]
    fn a_proposal_holds_txs_up_to_the_blocks_max_gas_and_one_over_it_is_refused() {
        let (key, json) = genesis_json(1_000_000);
        let send = |sequence| self_send(&key, "c-1", sequence, 1, 5_000);
        let txs = vec![send(0), send(1), send(2)];
        let limited_dir = tempfile::tempdir().unwrap();
        let limited = App::new(Storage::open(limited_dir.path(), 0).unwrap()).unwrap();
        limited
            .init_chain_with_max_gas("c-1", json.as_bytes(), Some(500_000))
            .unwrap();
        // 2 × 200,000 fit in 500,000; a third would not.
        assert_eq!(limited.proposal(txs.clone(), 1 << 20), txs[..2].to_vec());
        assert!(limited.proposal_is_valid(&txs[..2]));
        assert!(!limited.proposal_is_valid(&txs));
        assert!(!limited.proposal_is_valid(&[b"not a tx".to_vec()]));
        // Without a limit only the bytes bound the proposal.
        let open_dir = tempfile::tempdir().unwrap();
        let open = App::new(Storage::open(open_dir.path(), 0).unwrap()).unwrap();
        open.init_chain("c-1", json.as_bytes()).unwrap();
        assert_eq!(open.proposal(txs.clone(), 1 << 20), txs);
        assert!(open.proposal_is_valid(&txs));
        assert_eq!(
            open.proposal(txs.clone(), txs[0].len() + 8),
            txs[..1].to_vec()
        );
    }

    fn signed_send(key: &TestKey, sequence: u64) -> Vec<u8> {
        signed_send_of(key, sequence, 1)
    }

    /// A send of `amount` to oneself on the test chain, at `sequence`.
    fn signed_send_of(key: &TestKey, sequence: u64, amount: u128) -> Vec<u8> {
        self_send(key, "openledger-test-1", sequence, amount, 250_000)
    }

    /// A send of `amount` uopen from account 0 to itself on `chain_id`, paying `fee` for 200,000 gas.
    fn self_send(key: &TestKey, chain_id: &str, sequence: u64, amount: u128, fee: u128) -> Vec<u8> {
        use crate::testkit::{coin, msg_send, sign_tx, TxParams};
        sign_tx(
            key,
            vec![msg_send(
                &key.address(),
                &key.address(),
                vec![coin(amount, "uopen")],
            )],
            &TxParams {
                chain_id: chain_id.into(),
                account_number: 0,
                sequence,
                gas_limit: 200_000,
                fee: vec![coin(fee, "uopen")],
                memo: String::new(),
            },
        )
    }

    #[test]
    fn check_tx_simulation_and_queries_answer_while_a_block_holds_the_consensus_lock() {
        let key = TestKey::from_seed("mempool");
        let chain = crate::testkit::TestChain::new(&[&key]);
        let app = chain.app.clone();
        // A block executing or committing holds this lock for its whole length.
        let held = app.consensus();
        let (done, finished) = std::sync::mpsc::channel();
        let other = app.clone();
        let tx = signed_send(&key, 0);
        std::thread::spawn(move || {
            let simulated = other.simulate(&tx).code;
            let checked = other.check_tx(&tx).code;
            let queried = other.query("/cosmos.auth.v1beta1.Query/Params", &[], 0, false);
            let _ = done.send((simulated, checked, queried.code));
        });
        // Not a timing bound: before the mempool had a lock of its own, this never returned
        // while `held` was alive.
        let answers = finished.recv_timeout(std::time::Duration::from_secs(60));
        drop(held);
        assert_eq!(answers, Ok((0, 0, 0)));
    }

    #[test]
    fn the_mempool_state_starts_afresh_over_each_new_commit() {
        let key = TestKey::from_seed("mempool");
        let chain = crate::testkit::TestChain::new(&[&key]);
        assert_eq!(chain.app.check_tx(&signed_send(&key, 0)).code, 0);
        // The mempool has seen sequence 0; the next it accepts is 1.
        assert_ne!(chain.app.check_tx(&signed_send(&key, 0)).code, 0);
        // A block commits a different tx at sequence 0 (another node's mempool proposed it).
        let other = signed_send_of(&key, 0, 2);
        assert_eq!(chain.block(vec![other])[0].code, 0);
        // Over the new commit the mempool's old writes are gone: sequence 1 is next, once.
        let balance = chain.balance(&key.address());
        assert_eq!(chain.app.check_tx(&signed_send(&key, 1)).code, 0);
        assert_ne!(chain.app.check_tx(&signed_send(&key, 1)).code, 0);
        // Simulation sees the mempool's fee taken, not the one of the tx it replaced.
        assert_eq!(chain.app.simulate(&signed_send(&key, 2)).code, 0);
        assert_eq!(chain.balance(&key.address()), balance);
    }

    #[test]
    fn a_range_read_on_a_snapshot_sees_one_commit_whatever_commits_after() {
        use crate::store::Substore;
        let key = TestKey::from_seed("snapshot");
        let chain = crate::testkit::TestChain::new(&[&key]);
        let storage = chain.app.storage();
        let snapshot = storage.snapshot();
        let before: Vec<_> = snapshot
            .range(Substore::Auth, &[], None)
            .collect::<Result<_, _>>()
            .unwrap();
        let height = snapshot.committed().unwrap().height;
        // A commit that rewrites the account (its sequence) lands after the snapshot was taken.
        assert_eq!(chain.block(vec![signed_send(&key, 0)])[0].code, 0);
        let after: Vec<_> = snapshot
            .range(Substore::Auth, &[], None)
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(before, after);
        assert_eq!(snapshot.committed().unwrap().height, height);
        let latest: Vec<_> = storage
            .range(Substore::Auth, &[], None)
            .collect::<Result<_, _>>()
            .unwrap();
        assert_ne!(latest, before);
    }

    #[test]
    fn a_proposal_holding_a_tx_whose_fee_cannot_be_paid_is_refused_and_a_proposer_leaves_it_out() {
        // Enough for fees of 5,000 and 5,000, not for 5,000 and 8,000.
        let (key, json) = genesis_json(12_000);
        let tx = |sequence, fee| self_send(&key, "c-1", sequence, 1, fee);
        let dir = tempfile::tempdir().unwrap();
        let app = App::new(Storage::open(dir.path(), 0).unwrap()).unwrap();
        app.init_chain("c-1", json.as_bytes()).unwrap();
        let (first, second) = (tx(0, 5_000), tx(1, 8_000));
        assert!(app.proposal_is_valid(std::slice::from_ref(&first)));
        // The second's fee is not payable from what the first leaves, nor one over the balance.
        assert!(!app.proposal_is_valid(&[first.clone(), second.clone()]));
        assert!(app.proposal_is_valid(&[first.clone(), tx(1, 5_000)]));
        assert!(!app.proposal_is_valid(&[tx(0, 13_000)]));
        // A tx out of sequence or with another chain's signature charges nobody either.
        assert!(!app.proposal_is_valid(&[second.clone()]));
        let mut forged = first.clone();
        let last = forged.len() - 1;
        forged[last] ^= 1;
        assert!(!app.proposal_is_valid(&[forged.clone()]));
        // The proposer applies the same rule and keeps what the block can charge.
        assert_eq!(
            app.proposal(vec![forged, first.clone(), second, tx(1, 5_000)], 1 << 20),
            vec![first, tx(1, 5_000)]
        );
    }

    #[test]
    fn a_signature_checked_at_check_tx_is_kept_until_its_block_commits_and_a_forged_one_never() {
        let key = TestKey::from_seed("cache");
        let chain = crate::testkit::TestChain::new(&[&key]);
        let app = &chain.app;
        let tx = signed_send(&key, 0);
        assert_eq!(app.check_tx(&tx).code, 0);
        assert_eq!(app.cached_signatures(), 1);
        // ProcessProposal and FinalizeBlock find it there instead of checking it again.
        assert!(app.proposal_is_valid(std::slice::from_ref(&tx)));
        assert_eq!(app.cached_signatures(), 1);
        let mut forged = signed_send(&key, 1);
        let last = forged.len() - 1;
        forged[last] ^= 1;
        assert_ne!(app.check_tx(&forged).code, 0);
        assert_eq!(
            app.cached_signatures(),
            1,
            "a signature that fails is not cached"
        );
        assert_eq!(chain.block(vec![tx])[0].code, 0);
        assert_eq!(
            app.cached_signatures(),
            0,
            "committed: its sequence is spent"
        );
    }
}
