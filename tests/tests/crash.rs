//! Four validators under a steady load of sends; node 3's app and cometbft are killed with
//! SIGKILL, the chain goes on with three, node 3 restarts, catches up, agrees with node 0 on
//! every app hash, and still holds the balances committed before the crash.

use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use openledger_tests::{bank_balance_key, Localnet, DENOM};

const VALIDATORS: usize = 4;
const CRASHED: usize = 3;
const LOAD_LIMIT: usize = 200;
const LOAD_TIMEOUT: Duration = Duration::from_secs(150);
const CATCH_UP_TIMEOUT: Duration = Duration::from_secs(120);

/// Stops the load when dropped, also when the test panics.
struct StopOnDrop<'a>(&'a AtomicBool);

impl Drop for StopOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[test]
fn crashed_validator_recovers_and_agrees() {
    let net = Localnet::start(VALIDATORS);
    let erin = net.new_key("erin");
    let alice = net.address("alice");
    let alice_key = bank_balance_key(&alice, DENOM);
    let erin_key = bank_balance_key(&erin, DENOM);
    let stop = AtomicBool::new(false);

    let (attempts, pre_kill) = thread::scope(|s| {
        // The load: alice -> erin, one committed send after another, through node 0.
        let load = s.spawn(|| {
            let started = Instant::now();
            let mut attempts: Vec<(String, u128)> = Vec::new();
            let mut ok = 0usize;
            for k in 0..LOAD_LIMIT {
                if stop.load(Ordering::SeqCst) || started.elapsed() > LOAD_TIMEOUT {
                    break;
                }
                let amount = 100 + k as u128;
                let t = net.send("alice", &erin, &format!("{amount}uopen"), &[]);
                if !t.txhash.is_empty() {
                    attempts.push((t.txhash.clone(), amount));
                }
                if t.is_ok() && t.included() {
                    ok += 1;
                } else {
                    eprintln!(
                        "load: send #{k} not committed (retrying with the next): {}",
                        t.describe()
                    );
                }
            }
            eprintln!("load: {ok} of {} sends committed", attempts.len());
            attempts
        });

        let stop_load = StopOnDrop(&stop);
        // Let some load commit, then note what node 3 has committed.
        net.wait_blocks(0, 3);
        let h = net.status(CRASHED).height;
        let snapshot = (
            h,
            net.store_value_at(CRASHED, "bank", &alice_key, h),
            net.store_value_at(CRASHED, "bank", &erin_key, h),
        );
        assert!(!snapshot.2.is_empty(), "no load committed before the crash");
        eprintln!("node {CRASHED} at height {h} before the crash");

        net.kill_node(CRASHED);
        // The other three (30 of 40 power) keep committing.
        let h0 = net.status(0).height;
        net.wait_for_height(0, h0 + 4);
        net.restart_node(CRASHED);
        net.wait_blocks(0, 4);
        drop(stop_load);
        (load.join().expect("load thread"), snapshot)
    });

    // Node 3 catches up with node 0.
    let target = net.status(0).height;
    let st = net.wait_for_height_within(CRASHED, target, CATCH_UP_TIMEOUT);
    eprintln!("node {CRASHED} caught up: {st:?}");
    net.assert_same_app_hashes(&[0, CRASHED], 1, target);
    net.assert_same_app_hashes(&[0, 1, 2], 1, target);

    // What node 3 had committed before the crash is unchanged.
    let (h, alice_then, erin_then) = pre_kill;
    for (who, key, then) in [
        ("alice", &alice_key, &alice_then),
        ("erin", &erin_key, &erin_then),
    ] {
        assert_eq!(
            &net.store_value_at(CRASHED, "bank", key, h),
            then,
            "{who}'s balance at height {h} on node {CRASHED}"
        );
        assert_eq!(
            &net.store_value_at(0, "bank", key, h),
            then,
            "{who}'s balance at height {h} on node 0"
        );
    }

    // Every committed send is known to node 3 as well, and erin got exactly their sum.
    net.wait_blocks(0, 2);
    let mut committed_sum = 0u128;
    let mut top = 0;
    for (hash, amount) in &attempts {
        if let Some(t) = net.query_tx(0, hash) {
            if t.is_ok() {
                committed_sum += amount;
                top = top.max(t.height);
                let on3 = net
                    .query_tx(CRASHED, hash)
                    .unwrap_or_else(|| panic!("tx {hash} unknown to node {CRASHED}"));
                assert_eq!(
                    (on3.code, on3.height),
                    (t.code, t.height),
                    "tx {hash} on node {CRASHED}"
                );
            }
        }
    }
    net.wait_for_height(CRASHED, top);
    // The load has stopped: latest balances are final.
    assert_eq!(net.balance_at(0, &erin), committed_sum, "erin on node 0");
    assert_eq!(
        net.balance_at(CRASHED, &erin),
        committed_sum,
        "erin on node {CRASHED}"
    );
    assert_eq!(
        net.balance_at(CRASHED, &alice),
        net.balance_at(0, &alice),
        "alice"
    );
}

/// CometBFT calls InitChain again on every restart until block 1 commits. A validator killed
/// after InitChain and before block 1 must come back with its genesis, not genesis twice: here
/// only node 0 of four runs at first (no quorum, so the chain stays at genesis), is killed and
/// restarted, and then the other three join; all four agree and the supply is the genesis's.
#[test]
fn a_validator_killed_before_block_one_restarts_with_its_genesis_once() {
    let net = Localnet::start_with(
        VALIDATORS,
        &[("OL_START_NODES", "1"), ("OL_WAIT_HEIGHT", "0")],
    );
    assert_eq!(net.status(0).height, 0, "no quorum: no block yet");
    let alice = net.address("alice");
    let (supply, balance) = (net.total_supply(), net.balance_at(0, &alice));
    assert!(supply > 0 && balance > 0);
    net.kill_node(0);
    net.restart_node(0);
    for i in 1..VALIDATORS {
        net.restart_node(i);
    }
    for i in 0..VALIDATORS {
        net.wait_for_height_within(i, 3, CATCH_UP_TIMEOUT);
    }
    net.assert_same_app_hashes(&[0, 1, 2, 3], 1, 3);
    assert_eq!(
        net.total_supply(),
        supply,
        "genesis applied twice on node 0"
    );
    assert_eq!(net.balance_at(0, &alice), balance);
}
