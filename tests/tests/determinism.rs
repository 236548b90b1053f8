//! One validator runs a mix of sends (including one that fails in its block); then a fresh
//! non-validator node with the same genesis syncs from scratch by block replay (blocksync)
//! and must compute the same app hash at every height, and the same balances.

use std::time::Duration;

use openledger_tests::{min_fee, Localnet};

const SYNC_TIMEOUT: Duration = Duration::from_secs(120);

#[test]
fn fresh_full_node_replays_to_the_same_app_hashes() {
    let net = Localnet::start(1);
    let frank = net.new_key("frank");
    let bob = net.address("bob");

    for (k, from) in ["alice", "bob", "carol", "val0"]
        .iter()
        .cycle()
        .take(12)
        .enumerate()
    {
        net.send_ok(from, &frank, &format!("{}uopen", 500 + k));
    }
    net.send_ok("carol", &bob, "777uopen");
    // A send that fails (more than carol has): refused in CheckTx or failed in its block.
    let carol = net.address("carol");
    let too_much = net.balance(&carol) + 1;
    let failed = net.send(
        "carol",
        &bob,
        &format!("{too_much}uopen"),
        &[
            "--gas",
            "200000",
            "--fees",
            &format!("{}uopen", min_fee(200_000)),
        ],
    );
    assert_ne!(
        failed.code,
        Some(0),
        "sending more than the balance must fail: {}",
        failed.describe()
    );
    net.send_ok("alice", &frank, "1uopen");

    let top = net.wait_blocks(0, 2).height;
    let full = net.add_full_node();
    let st = net.wait_for_height_within(full, top, SYNC_TIMEOUT);
    eprintln!("full node {full} synced to {st:?} (target {top})");

    net.assert_same_app_hashes(&[0, full], 1, top);
    for addr in [&frank, &bob, &carol, &net.address("alice")] {
        assert_eq!(
            net.balance_at(full, addr),
            net.balance_at(0, addr),
            "balance of {addr} at {top}"
        );
    }
    // It keeps following the chain.
    net.send_ok("bob", &frank, "2uopen");
    let next = net.wait_blocks(0, 1).height;
    net.wait_for_height_within(full, next, SYNC_TIMEOUT);
    net.assert_same_app_hashes(&[0, full], top, next);

    // `openledgerd debug roots` on the stopped nodes names the same root for every substore.
    let roots = |node: usize| -> serde_json::Value {
        net.stop_node(node);
        let home = net.dir().join(format!("node{node}")).join("app");
        let out = std::process::Command::new(&net.binaries().openledgerd)
            .args(["debug", "roots", "--height", &next.to_string(), "--home"])
            .arg(&home)
            .output()
            .expect("openledgerd debug roots");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("JSON")
    };
    let (validator, follower) = (roots(0), roots(full));
    assert_eq!(
        validator["roots"], follower["roots"],
        "{validator}\n{follower}"
    );
    assert_eq!(validator["roots"].as_object().map(|r| r.len()), Some(7));
}
