//! Bank sends through FinalizeBlock + Commit on RocksDB, fed directly (no CometBFT), and where
//! the time goes: signature checks alone, block execution with the Merkle roots, and Commit.
//! Each block's txs first pass CheckTx, as a node's mempool takes them, so the block finds their
//! signatures verified; BENCH_CHECKTX=0 feeds blocks straight (txs this node never saw).
//!
//! `cargo bench -p openledger-app --features testkit --bench finalize_block`
//! (BENCH_SENDERS, BENCH_BLOCKS to vary).

use std::time::{Duration, Instant};

use openledger_app::context::BlockHeader;
use openledger_app::testkit::{coin, msg_send, sign_tx, TestChain, TestKey, TxParams};
use openledger_app::tx::ante::verify_secp256k1;

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // cargo test --benches asks for a list; this bench has no cases to list.
    }
    let senders = env_or("BENCH_SENDERS", 2_000);
    let blocks = env_or("BENCH_BLOCKS", 5);
    let keys: Vec<TestKey> = (0..senders)
        .map(|i| TestKey::from_seed(&format!("sender-{i}")))
        .collect();
    let mut chain = TestChain::new(&keys.iter().collect::<Vec<_>>());
    // Measured as a release node runs: without the invariant checks tests turn on.
    chain.app = chain.app.clone().with_invariant_checks(false);
    let app = &chain.app;

    // One send per sender per block, to the next sender, signed up front.
    let blocks_txs: Vec<Vec<Vec<u8>>> = (0..blocks as u64)
        .map(|seq| {
            keys.iter()
                .enumerate()
                .map(|(i, key)| {
                    let to = keys[(i + 1) % keys.len()].address();
                    let p = TxParams {
                        chain_id: chain.chain_id.clone(),
                        account_number: i as u64,
                        sequence: seq,
                        gas_limit: 200_000,
                        fee: vec![coin(5_000, "uopen")],
                        memo: String::new(),
                    };
                    sign_tx(
                        key,
                        vec![msg_send(&key.address(), &to, vec![coin(1, "uopen")])],
                        &p,
                    )
                })
                .collect()
        })
        .collect();

    // Signature checks alone, on the same number of sign docs.
    let pubkeys: Vec<Vec<u8>> = keys.iter().map(TestKey::public_key).collect();
    let sig_samples: Vec<(Vec<u8>, Vec<u8>)> = blocks_txs[0]
        .iter()
        .map(|tx| {
            use prost::Message;
            let raw = cosmrs::proto::cosmos::tx::v1beta1::TxRaw::decode(tx.as_slice()).expect("tx");
            let account_number = 0;
            let doc = cosmrs::proto::cosmos::tx::v1beta1::SignDoc {
                body_bytes: raw.body_bytes,
                auth_info_bytes: raw.auth_info_bytes,
                chain_id: chain.chain_id.clone(),
                account_number,
            };
            (doc.encode_to_vec(), raw.signatures[0].clone())
        })
        .collect();
    let started = Instant::now();
    let valid = sig_samples
        .iter()
        .zip(&pubkeys)
        .filter(|((msg, sig), key)| verify_secp256k1(key, msg, sig))
        .count();
    let sig_time = started.elapsed();
    // Sender 0 has account number 0, so its signature checks out; the others fail only at the
    // final comparison, which costs the same.
    assert_eq!(
        valid, 1,
        "the sign doc is rebuilt as the ante check builds it"
    );

    let through_mempool = env_or("BENCH_CHECKTX", 1) == 1;
    let (mut check, mut finalize, mut commit) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    for (i, txs) in blocks_txs.iter().enumerate() {
        let height = i as u64 + 1;
        if through_mempool {
            let started = Instant::now();
            for tx in txs {
                let checked = app.check_tx(tx);
                assert_eq!(checked.code, 0, "CheckTx: {}", checked.log);
            }
            check += started.elapsed();
        }
        let started = Instant::now();
        let outcome = app
            .finalize_block(&BlockHeader::at(height), txs)
            .expect("finalize");
        finalize += started.elapsed();
        let failed = outcome.tx_results.iter().filter(|r| r.code != 0).count();
        assert_eq!(
            failed,
            0,
            "every bench tx must succeed: {:?}",
            outcome
                .tx_results
                .iter()
                .find(|r| r.code != 0)
                .map(|r| &r.log)
        );
        let started = Instant::now();
        app.commit().expect("commit");
        commit += started.elapsed();
    }

    let total_txs = (senders * blocks) as f64;
    let per_tx_us = |d: Duration| d.as_secs_f64() * 1e6 / total_txs;
    let sig_us = sig_time.as_secs_f64() * 1e6 / senders as f64;
    let mempool = if through_mempool {
        "after CheckTx"
    } else {
        "unseen by CheckTx"
    };
    println!("bank sends: {blocks} blocks x {senders} txs on RocksDB, {mempool}");
    println!(
        "  throughput (FinalizeBlock + Commit): {:.0} tx/s",
        total_txs / (finalize + commit).as_secs_f64()
    );
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "  per tx: FinalizeBlock {:.1} us, Commit {:.1} us",
        per_tx_us(finalize),
        per_tx_us(commit)
    );
    println!("  signature check alone: {sig_us:.1} us on one core; FinalizeBlock spreads them over {cores} cores before executing");
    if through_mempool {
        println!(
            "  CheckTx {:.1} us per tx (each signature checked here, once)",
            per_tx_us(check)
        );
    }
    let block_us = per_tx_us(finalize + commit);
    println!(
        "  one signature check / (FinalizeBlock + Commit) per tx: {:.2} (1.0 = a block costs one check per tx)",
        sig_us / block_us
    );
}
