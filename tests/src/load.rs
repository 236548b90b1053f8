//! The load generator (issue 11): transactions signed ahead of time from many accounts, sent
//! with `broadcast_tx_sync` at a fixed offered rate over kept-alive connections, and a report
//! read back from the committed blocks: what was accepted, what committed, how fast, and how
//! long each transaction waited from its send to the commit of its block.
//!
//! Bounded by construction: `rate × duration` transactions, a drain deadline, loopback only.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{anyhow, bail, Context};
use base64::Engine;
use cosmrs::crypto::secp256k1::SigningKey;
use cosmrs::proto::cosmos::auth::v1beta1::{BaseAccount, QueryAccountRequest, QueryAccountResponse};
use prost::Message;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::http::KeepAlive;
use crate::tx::{address_of, msg_send, sign, SignParams};

/// Gas limit of one load transaction: a bank send uses well under it.
const LOAD_GAS: u64 = 100_000;
/// Each load account gets this much from the funder, enough for many runs of fees.
const FUNDING: u128 = 1_000_000_000;

/// What to send, where, and for how long.
pub struct Plan {
    /// CometBFT RPC endpoints (`host:port`); connection `c` talks to `rpc[c % rpc.len()]`.
    pub rpc: Vec<String>,
    /// Offered rate in transactions per second.
    pub rate: u32,
    pub duration: Duration,
    /// Kept-alive connections sending in parallel (each account always uses the same one, so
    /// its sequence numbers arrive in order).
    pub connections: usize,
    /// How long to wait after sending for the mempool to empty.
    pub drain: Duration,
}

/// The payload of a load: one queue of transactions per sender, in the order they must land.
pub struct Load {
    pub queues: Vec<Vec<Vec<u8>>>,
}

impl Load {
    fn total(&self) -> usize {
        self.queues.iter().map(Vec::len).sum()
    }
}

/// Accounts the generator signs for, funded once and reused across runs.
pub struct Accounts {
    chain_id: String,
    keys: Vec<SigningKey>,
    addresses: Vec<String>,
    numbers: Vec<u64>,
}

impl Accounts {
    /// Derives `count` keys from `seed` (deterministic, so a rerun finds the same accounts),
    /// funds those that are new from `funder`, and reads their account numbers.
    pub fn prepare(
        rpc: &str,
        chain_id: &str,
        funder: &SigningKey,
        seed: &str,
        count: usize,
    ) -> anyhow::Result<Accounts> {
        let keys: Vec<SigningKey> = (0..count)
            .map(|i| {
                let secret = Sha256::digest(format!("openledger-load/{seed}/{i}"));
                SigningKey::from_slice(&secret).map_err(|e| anyhow!("load key {i}: {e}"))
            })
            .collect::<anyhow::Result<_>>()?;
        let addresses: Vec<String> = keys.iter().map(address_of).collect();
        let mut conn = KeepAlive::connect(rpc)?;
        let funder_addr = address_of(funder);
        let funder_account = query_account(&mut conn, &funder_addr)?
            .ok_or_else(|| anyhow!("the funder {funder_addr} has no account"))?;
        let mut missing = Vec::new();
        for addr in &addresses {
            if query_account(&mut conn, addr)?.is_none() {
                missing.push(addr.clone());
            }
        }
        let params = |sequence| SignParams {
            chain_id,
            account_number: funder_account.account_number,
            sequence,
            fee_uopen: crate::min_fee(LOAD_GAS),
            gas: LOAD_GAS,
            memo: "",
        };
        for (k, addr) in missing.iter().enumerate() {
            let amount = FUNDING.to_string();
            let msg = msg_send(&funder_addr, addr, &amount, crate::DENOM);
            let tx = sign(funder, vec![msg], &params(funder_account.sequence + k as u64));
            if !matches!(broadcast(&mut conn, &tx)?, Answer::Code(0)) {
                bail!("funding {addr} was refused");
            }
        }
        let want = funder_account.sequence + missing.len() as u64;
        let deadline = Instant::now() + Duration::from_secs(60);
        while query_account(&mut conn, &funder_addr)?.map_or(0, |a| a.sequence) < want {
            if Instant::now() > deadline {
                bail!("the funding transactions did not commit within 60 s");
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        let mut numbers = Vec::with_capacity(count);
        for addr in &addresses {
            let account = query_account(&mut conn, addr)?
                .ok_or_else(|| anyhow!("{addr} has no account after funding"))?;
            numbers.push(account.account_number);
        }
        Ok(Accounts {
            chain_id: chain_id.to_owned(),
            keys,
            addresses,
            numbers,
        })
    }

    /// Signs `total` bank sends of 1 uopen, round robin over the accounts (each to the next
    /// one), starting at each account's current sequence. Signing runs on every core.
    pub fn bank_sends(&self, rpc: &str, total: usize) -> anyhow::Result<Load> {
        let mut conn = KeepAlive::connect(rpc)?;
        let mut sequences = Vec::with_capacity(self.addresses.len());
        for addr in &self.addresses {
            let account = query_account(&mut conn, addr)?
                .ok_or_else(|| anyhow!("{addr} has no account"))?;
            sequences.push(account.sequence);
        }
        let n = self.keys.len();
        let per_account = |j: usize| total / n + usize::from(j < total % n);
        let queues = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..n)
                .map(|j| {
                    let sequences = &sequences;
                    scope.spawn(move || {
                        let to = &self.addresses[(j + 1) % n];
                        (0..per_account(j))
                            .map(|k| {
                                let msg = msg_send(&self.addresses[j], to, "1", crate::DENOM);
                                let params = SignParams {
                                    chain_id: &self.chain_id,
                                    account_number: self.numbers[j],
                                    sequence: sequences[j] + k as u64,
                                    fee_uopen: crate::min_fee(LOAD_GAS),
                                    gas: LOAD_GAS,
                                    memo: "",
                                };
                                sign(&self.keys[j], vec![msg], &params)
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().map_err(|_| anyhow!("a signing thread panicked")))
                .collect::<anyhow::Result<Vec<_>>>()
        })?;
        Ok(Load { queues })
    }
}

/// What one run did, read from the nodes' answers and the committed blocks.
#[derive(Debug, Clone)]
pub struct Report {
    pub offered_rate: u32,
    pub seconds: f64,
    pub submitted: usize,
    pub accepted: usize,
    /// Refusals by ABCI code of CheckTx, or `mempool` when CometBFT refused the tx before the
    /// app saw it (a JSON-RPC error, e.g. a tx already in its cache).
    pub rejected: BTreeMap<String, usize>,
    /// Sends that got no answer (connection errors, unparsable replies).
    pub send_errors: usize,
    pub committed: usize,
    /// Accepted transactions found in no block by the drain deadline.
    pub lost: usize,
    pub first_height: u64,
    pub last_height: u64,
    /// Committed transactions per second over the blocks that held them.
    pub committed_tps: f64,
    /// Milliseconds from send to the commit of the transaction's block.
    pub latency_p50_ms: f64,
    pub latency_p95_ms: f64,
    pub latency_p99_ms: f64,
    /// Mempool sizes sampled while sending: (seconds since start, transactions).
    pub mempool: Vec<(f64, u64)>,
    /// Mempool size when the last transaction had been sent.
    pub mempool_at_end: u64,
}

impl Report {
    /// The run kept up with its offered rate: everything sent was accepted and committed,
    /// at (nearly) the rate offered, and the mempool held no more than two seconds of load.
    pub fn kept_up(&self) -> bool {
        self.send_errors == 0
            && self.accepted == self.submitted
            && self.lost == 0
            && self.committed_tps >= 0.9 * f64::from(self.offered_rate)
            && self.mempool_at_end <= 2 * u64::from(self.offered_rate)
    }

    pub fn to_json(&self) -> Value {
        json!({
            "offered_rate": self.offered_rate,
            "seconds": self.seconds,
            "submitted": self.submitted,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "send_errors": self.send_errors,
            "committed": self.committed,
            "lost": self.lost,
            "blocks": [self.first_height, self.last_height],
            "committed_tps": round2(self.committed_tps),
            "latency_ms": {"p50": round2(self.latency_p50_ms), "p95": round2(self.latency_p95_ms), "p99": round2(self.latency_p99_ms)},
            "mempool_max": self.mempool.iter().map(|m| m.1).max().unwrap_or(0),
            "mempool_at_end": self.mempool_at_end,
            "mempool": self.mempool.iter().map(|(t, n)| json!([round2(*t), n])).collect::<Vec<_>>(),
            "kept_up": self.kept_up(),
        })
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// One send: when, to what answer.
struct Sent {
    hash: [u8; 32],
    at: SystemTime,
    /// The node's answer, or None when the send failed.
    answer: Option<Answer>,
}

/// Sends `load` as `plan` says and reads the outcome back from the blocks.
pub fn run(plan: &Plan, load: &Load) -> anyhow::Result<Report> {
    if plan.rpc.is_empty() || plan.rate == 0 || plan.connections == 0 {
        bail!("a load needs an endpoint, a rate and a connection");
    }
    let mut probe = KeepAlive::connect(&plan.rpc[0])?;
    let start_height = latest_height(&mut probe)?;
    // Transaction i (round robin over the senders) is due at i / rate seconds.
    let mut due: Vec<Vec<(usize, &[u8])>> = vec![Vec::new(); plan.connections];
    let mut cursor = vec![0usize; load.queues.len()];
    let mut i = 0usize;
    while i < load.total() {
        for (sender, queue) in load.queues.iter().enumerate() {
            if let Some(tx) = queue.get(cursor[sender]) {
                cursor[sender] += 1;
                due[sender % plan.connections].push((i, tx.as_slice()));
                i += 1;
            }
        }
    }
    let total = i;
    let sent: Mutex<Vec<Sent>> = Mutex::new(Vec::with_capacity(total));
    let sending = AtomicBool::new(true);
    let mempool: Mutex<Vec<(f64, u64)>> = Mutex::new(Vec::new());
    let start = Instant::now() + Duration::from_millis(200);
    let period = Duration::from_secs(1) / plan.rate;
    std::thread::scope(|scope| -> anyhow::Result<()> {
        let sampler = scope.spawn(|| -> anyhow::Result<()> {
            let mut conn = KeepAlive::connect(&plan.rpc[0])?;
            while sending.load(Ordering::Relaxed) {
                let n = mempool_size(&mut conn)?;
                let t = start.elapsed().as_secs_f64();
                mempool.lock().map_err(|_| anyhow!("poisoned"))?.push((t, n));
                std::thread::sleep(Duration::from_millis(250));
            }
            Ok(())
        });
        let senders: Vec<_> = due
            .iter()
            .enumerate()
            .map(|(c, txs)| {
                let (sent, endpoint) = (&sent, &plan.rpc[c % plan.rpc.len()]);
                scope.spawn(move || -> anyhow::Result<()> {
                    let mut conn = KeepAlive::connect(endpoint)?;
                    let mut mine = Vec::with_capacity(txs.len());
                    for &(i, tx) in txs {
                        let at = start + period * u32::try_from(i)?;
                        if let Some(wait) = at.checked_duration_since(Instant::now()) {
                            std::thread::sleep(wait);
                        }
                        let hash = Sha256::digest(tx).into();
                        let at = SystemTime::now();
                        let answer = match broadcast(&mut conn, tx) {
                            Ok(answer) => Some(answer),
                            Err(_) => {
                                // A broken connection is counted and replaced.
                                conn = KeepAlive::connect(endpoint)?;
                                None
                            }
                        };
                        mine.push(Sent { hash, at, answer });
                    }
                    sent.lock().map_err(|_| anyhow!("poisoned"))?.extend(mine);
                    Ok(())
                })
            })
            .collect();
        let mut failure = None;
        for s in senders {
            if let Err(e) = s.join().map_err(|_| anyhow!("a sender panicked"))? {
                failure.get_or_insert(e);
            }
        }
        sending.store(false, Ordering::Relaxed);
        sampler.join().map_err(|_| anyhow!("the sampler panicked"))??;
        failure.map_or(Ok(()), Err)
    })?;
    let seconds = start.elapsed().as_secs_f64();
    let mempool_at_end = mempool_size(&mut probe)?;
    let sent = sent.into_inner().map_err(|_| anyhow!("poisoned"))?;

    // Drain: wait for the mempool to empty, then for one more block, whose time is the commit
    // time of the last block holding load (BFT time: the median of its precommits).
    let deadline = Instant::now() + plan.drain;
    while mempool_size(&mut probe)? > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
    }
    let end_height = latest_height(&mut probe)? + 1;
    while latest_height(&mut probe)? < end_height {
        std::thread::sleep(Duration::from_millis(100));
    }

    let mut included: BTreeMap<[u8; 32], u64> = BTreeMap::new();
    let mut block_times: BTreeMap<u64, i128> = BTreeMap::new();
    for h in start_height..=end_height {
        let (time, txs) = block(&mut probe, h)?;
        block_times.insert(h, time);
        for tx in txs {
            included.insert(Sha256::digest(&tx).into(), h);
        }
    }
    let mut rejected = BTreeMap::new();
    let (mut accepted, mut send_errors, mut lost) = (0, 0, 0);
    let mut latencies = Vec::new();
    let (mut first, mut last) = (u64::MAX, 0);
    for s in &sent {
        match &s.answer {
            None => send_errors += 1,
            Some(Answer::Code(0)) => accepted += 1,
            Some(Answer::Code(code)) => *rejected.entry(code.to_string()).or_insert(0) += 1,
            Some(Answer::Mempool) => *rejected.entry("mempool".into()).or_insert(0) += 1,
        }
        match included.get(&s.hash) {
            Some(&h) => {
                first = first.min(h);
                last = last.max(h);
                let committed_at = block_times.get(&(h + 1)).copied().unwrap_or_default();
                let sent_at = unix_nanos(s.at);
                latencies.push((committed_at - sent_at).max(0) as f64 / 1e6);
            }
            None if matches!(s.answer, Some(Answer::Code(0))) => lost += 1,
            None => {}
        }
    }
    latencies.sort_by(f64::total_cmp);
    let committed = latencies.len();
    let span_nanos = match (block_times.get(&first), block_times.get(&(last + 1))) {
        (Some(a), Some(b)) if b > a => (b - a) as f64,
        _ => 0.0,
    };
    let committed_tps = if span_nanos > 0.0 {
        committed as f64 / (span_nanos / 1e9)
    } else {
        0.0
    };
    let mempool = mempool.into_inner().map_err(|_| anyhow!("poisoned"))?;
    Ok(Report {
        offered_rate: plan.rate,
        seconds,
        submitted: sent.len(),
        accepted,
        rejected,
        send_errors,
        committed,
        lost,
        first_height: if committed > 0 { first } else { 0 },
        last_height: last,
        committed_tps,
        latency_p50_ms: percentile(&latencies, 50),
        latency_p95_ms: percentile(&latencies, 95),
        latency_p99_ms: percentile(&latencies, 99),
        mempool,
        mempool_at_end,
    })
}

/// The q-th percentile of sorted values (nearest rank), 0 when there are none.
fn percentile(sorted: &[f64], q: usize) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (sorted.len() * q).div_ceil(100).max(1);
    sorted[rank - 1]
}

fn unix_nanos(t: SystemTime) -> i128 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| i128::try_from(d.as_nanos()).unwrap_or(i128::MAX))
}

// ------------------------------------------------------------------------- CometBFT RPC

/// A JSON-RPC call: the whole envelope (`result` or `error`).
fn call(conn: &mut KeepAlive, method: &str, params: Value) -> anyhow::Result<Value> {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).to_string();
    let answer = conn.post_json("/", body.as_bytes())?;
    serde_json::from_str(&answer.body).with_context(|| format!("{method}: not JSON: {}", answer.body))
}

/// A JSON-RPC call's result; its error as an error.
fn rpc(conn: &mut KeepAlive, method: &str, params: Value) -> anyhow::Result<Value> {
    let mut v = call(conn, method, params)?;
    match v.get_mut("result") {
        Some(result) => Ok(result.take()),
        None => bail!("{method}: {}", v.get("error").unwrap_or(&v)),
    }
}

/// What a node answered to `broadcast_tx_sync`.
enum Answer {
    /// CheckTx ran and returned this code.
    Code(u32),
    /// CometBFT refused the tx itself (a JSON-RPC error: already in its cache, mempool full).
    Mempool,
}

fn broadcast(conn: &mut KeepAlive, tx: &[u8]) -> anyhow::Result<Answer> {
    let tx = base64::engine::general_purpose::STANDARD.encode(tx);
    let v = call(conn, "broadcast_tx_sync", json!({ "tx": tx }))?;
    if v.get("error").is_some() {
        return Ok(Answer::Mempool);
    }
    let code = v["result"]["code"]
        .as_u64()
        .ok_or_else(|| anyhow!("broadcast_tx_sync answered {v}"))?;
    Ok(Answer::Code(u32::try_from(code)?))
}

fn latest_height(conn: &mut KeepAlive) -> anyhow::Result<u64> {
    let status = rpc(conn, "status", json!({}))?;
    string_u64(&status["sync_info"]["latest_block_height"])
}

fn mempool_size(conn: &mut KeepAlive) -> anyhow::Result<u64> {
    string_u64(&rpc(conn, "num_unconfirmed_txs", json!({}))?["total"])
}

/// A block's header time (Unix nanoseconds) and its transactions.
fn block(conn: &mut KeepAlive, height: u64) -> anyhow::Result<(i128, Vec<Vec<u8>>)> {
    let result = rpc(conn, "block", json!({ "height": height.to_string() }))?;
    let block = &result["block"];
    let time = block["header"]["time"]
        .as_str()
        .ok_or_else(|| anyhow!("block {height} has no time"))?;
    let time = cosmrs::tendermint::Time::parse_from_rfc3339(time)?.unix_timestamp_nanos();
    let txs = block["data"]["txs"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(Value::as_str)
        .map(|t| base64::engine::general_purpose::STANDARD.decode(t))
        .collect::<Result<_, _>>()?;
    Ok((time, txs))
}

fn string_u64(v: &Value) -> anyhow::Result<u64> {
    v.as_str()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| anyhow!("not a decimal string: {v}"))
}

/// The base account at `address` through ABCI query (the gRPC path), None when it has none.
fn query_account(conn: &mut KeepAlive, address: &str) -> anyhow::Result<Option<BaseAccount>> {
    let data = QueryAccountRequest {
        address: address.to_owned(),
    }
    .encode_to_vec();
    let result = rpc(
        conn,
        "abci_query",
        json!({"path": "/cosmos.auth.v1beta1.Query/Account", "data": hex::encode(data)}),
    )?;
    let response = &result["response"];
    if response["code"].as_u64().unwrap_or(0) != 0 {
        return Ok(None);
    }
    let value = response["value"].as_str().unwrap_or_default();
    let bytes = base64::engine::general_purpose::STANDARD.decode(value)?;
    let account = QueryAccountResponse::decode(bytes.as_slice())?
        .account
        .ok_or_else(|| anyhow!("{address}: an answer with no account"))?;
    Ok(Some(BaseAccount::decode(account.value.as_slice())?))
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 50), 50.0);
        assert_eq!(percentile(&v, 95), 95.0);
        assert_eq!(percentile(&v, 99), 99.0);
        assert_eq!(percentile(&[7.0], 99), 7.0);
        assert_eq!(percentile(&[], 50), 0.0);
    }
}
