//! A maintained Cosmos client library (CosmJS, as Keplr and most dApps use it) drives a real
//! localnet: it estimates gas by simulation, with no gas limit and no signature, as wallets do
//! for `gas: "auto"`, then signs SIGN_MODE_DIRECT and broadcasts. Needs `npm ci` in tests/js
//! (tests/run.sh does it).

use std::process::Command;
use std::time::Duration;

use openledger_tests::{proc, repo_root, Localnet};
use serde_json::Value;

#[test]
fn cosmjs_estimates_a_sends_gas_by_simulation_and_its_auto_fee_tx_commits() {
    let js = repo_root().join("tests/js");
    assert!(
        js.join("node_modules/@cosmjs/stargate").is_dir(),
        "CosmJS is not installed: run `npm ci` in {}",
        js.display()
    );
    let net = Localnet::start(1);
    let alice = net.mnemonic("alice");
    let bob = net.address("bob");
    let before = net.balance(&bob);
    let out = proc::run(
        Command::new("node")
            .current_dir(&js)
            .arg("simulate-and-send.mjs")
            .arg(net.node_rpc(0))
            .arg(&alice)
            .arg(&bob)
            .arg("1234"),
        Duration::from_secs(120),
    );
    assert!(
        out.status.success(),
        "node failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        net.log_tails(20)
    );
    let line = String::from_utf8_lossy(&out.stdout);
    let result: Value = serde_json::from_str(line.trim()).expect("one JSON line");
    assert_eq!(
        result["address"].as_str(),
        Some(net.address("alice").as_str())
    );
    assert_eq!(result["code"], 0, "{result}");
    let (simulated, wanted, used) = (
        result["simulated_gas"].as_u64().expect("simulated gas"),
        result["gas_wanted"].as_u64().expect("gas wanted"),
        result["gas_used"].as_u64().expect("gas used"),
    );
    // CosmJS asks for the estimate times its margin (1.4, rounded up); the estimate is within the bytes the
    // fee and signature add to the tx.
    assert_eq!(wanted, (simulated as f64 * 1.4).ceil() as u64, "{result}");
    assert!(
        used.abs_diff(simulated) < 1_000 && used <= wanted,
        "{result}"
    );
    assert_eq!(net.balance(&bob), before + 1234);
}
