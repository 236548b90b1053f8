//! Four validators: 200 sends from seven senders, pushed without waiting (consecutive
//! sequences, spread over the four nodes' RPCs), all commit, every node has the same balances,
//! and all four report the same app hash at every height.

use std::thread;
use std::time::{Duration, Instant};

use openledger_tests::{Localnet, DEFAULT_FEE};

const VALIDATORS: usize = 4;
const TXS: usize = 200;
const SENDERS: [&str; 7] = ["alice", "bob", "carol", "val0", "val1", "val2", "val3"];
const PUSH_TIMEOUT: Duration = Duration::from_secs(240);
const COMMIT_TIMEOUT: Duration = Duration::from_secs(180);

#[test]
fn four_validators_agree_under_load() {
    let net = Localnet::start(VALIDATORS);
    let dave = net.new_key("dave");
    let supply_before = net.total_supply();
    let senders: Vec<(&str, String)> = SENDERS.iter().map(|s| (*s, net.address(s))).collect();
    let balances_before: Vec<u128> = senders.iter().map(|(_, a)| net.balance(a)).collect();

    let started = Instant::now();
    // Per sender: (hashes, total amount).
    let pushed: Vec<(Vec<String>, u128)> = thread::scope(|s| {
        let handles: Vec<_> = senders
            .iter()
            .enumerate()
            .map(|(k, (name, addr))| {
                let (net, dave) = (&net, &dave);
                let count = TXS / SENDERS.len() + usize::from(k < TXS % SENDERS.len());
                s.spawn(move || {
                    let node = k % VALIDATORS;
                    let acct = net.account_at(node, addr);
                    let mut hashes = Vec::with_capacity(count);
                    let mut total = 0u128;
                    for j in 0..count {
                        let amount = 1000 + u128::try_from(j).expect("small");
                        let seq = (acct.sequence + j as u64).to_string();
                        let num = acct.account_number.to_string();
                        let args = Localnet::send_args(
                            name,
                            dave,
                            &format!("{amount}uopen"),
                            &["--sequence", &seq, "--account-number", &num, "--no-wait"],
                        );
                        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
                        let t = net.tx_nowait_at(node, &refs);
                        assert!(
                            t.code == Some(0) && !t.txhash.is_empty(),
                            "{name} tx #{j} (sequence {seq}) via node {node} refused: {}",
                            t.describe()
                        );
                        hashes.push(t.txhash);
                        total += amount;
                        assert!(
                            started.elapsed() < PUSH_TIMEOUT,
                            "pushing {TXS} txs took longer than {PUSH_TIMEOUT:?}"
                        );
                    }
                    (hashes, total)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("sender thread"))
            .collect()
    });
    let all: Vec<String> = pushed.iter().flat_map(|(h, _)| h.iter().cloned()).collect();
    assert_eq!(all.len(), TXS);
    eprintln!("pushed {TXS} txs in {:?}", started.elapsed());

    let committed = net.wait_for_txs(0, &all, COMMIT_TIMEOUT);
    for t in &committed {
        assert!(t.is_ok() && t.included(), "a tx failed: {}", t.describe());
    }
    let last = committed.iter().map(|t| t.height).max().expect("txs");
    let first = committed.iter().map(|t| t.height).min().expect("txs");
    eprintln!(
        "all {TXS} committed in blocks {first}..={last} after {:?}",
        started.elapsed()
    );

    // Every node has executed the last of those blocks and holds the same balances.
    let total_sent: u128 = pushed.iter().map(|(_, t)| t).sum();
    for node in 0..VALIDATORS {
        net.wait_for_height(node, last);
        assert_eq!(
            net.balance_at(node, &dave),
            total_sent,
            "dave's balance on node {node}"
        );
        for (k, (name, addr)) in senders.iter().enumerate() {
            let n = pushed[k].0.len() as u128;
            assert_eq!(
                net.balance_at(node, addr),
                balances_before[k] - pushed[k].1 - n * DEFAULT_FEE,
                "{name}'s balance on node {node}"
            );
        }
    }
    assert_eq!(
        net.total_supply(),
        supply_before,
        "sends neither mint nor burn"
    );

    let top = net.common_height(&[0, 1, 2, 3]);
    assert!(top >= last);
    net.assert_same_app_hashes(&[0, 1, 2, 3], 1, top);
    eprintln!("app hashes agree on heights 1..={top}");
}
