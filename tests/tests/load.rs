//! The load generator against a real localnet, in a bounded form (BENCHMARKS.md has the full
//! runs): every transaction it offers is accepted, found in a committed block, and timed.

use std::time::Duration;

use openledger_tests::load::{self, Accounts, Plan};
use openledger_tests::Localnet;

#[test]
fn every_accepted_transaction_of_an_offered_load_is_found_in_a_committed_block() {
    let net = Localnet::start(1);
    let rpc = net.node_rpc(0).trim_start_matches("http://").to_owned();
    let funder = net.signing_key("alice");
    let accounts = Accounts::prepare(&rpc, net.chain_id(), &funder, "test", 20).expect("accounts");
    let (rate, seconds) = (40, 5);
    let payload = accounts.bank_sends(&rpc, rate * seconds).expect("signed load");
    let plan = Plan {
        rpc: vec![rpc],
        rate: u32::try_from(rate).expect("rate"),
        duration: Duration::from_secs(u64::try_from(seconds).expect("seconds")),
        connections: 4,
        drain: Duration::from_secs(30),
    };
    let report = load::run(&plan, &payload).expect("load run");
    let json = report.to_json();
    assert_eq!(report.submitted, rate * seconds, "{json}");
    assert_eq!(report.accepted, report.submitted, "{json}");
    assert_eq!(report.committed, report.accepted, "{json}");
    assert_eq!(report.lost, 0, "{json}");
    assert!(report.rejected.is_empty(), "{json}");
    assert!(report.first_height > 0 && report.last_height >= report.first_height, "{json}");
    assert!(report.latency_p50_ms > 0.0, "{json}");
    assert!(report.latency_p99_ms >= report.latency_p50_ms, "{json}");
    assert!(!report.mempool.is_empty(), "{json}");
    // A second run from the same accounts continues their sequences.
    let again = accounts.bank_sends(&plan.rpc[0], 20).expect("second load");
    let report = load::run(&plan, &again).expect("second run");
    assert_eq!((report.accepted, report.committed), (20, 20), "{}", report.to_json());
}

#[test]
fn a_load_the_chain_refuses_is_reported_by_code_and_not_as_committed() {
    let net = Localnet::start(1);
    let rpc = net.node_rpc(0).trim_start_matches("http://").to_owned();
    let funder = net.signing_key("alice");
    let accounts = Accounts::prepare(&rpc, net.chain_id(), &funder, "replay", 5).expect("accounts");
    let payload = accounts.bank_sends(&rpc, 10).expect("signed load");
    let plan = Plan {
        rpc: vec![rpc],
        rate: 20,
        duration: Duration::from_secs(1),
        connections: 2,
        drain: Duration::from_secs(30),
    };
    let first = load::run(&plan, &payload).expect("first run");
    assert_eq!(first.committed, 10, "{}", first.to_json());
    // The same signed transactions again: their sequences are spent.
    let replay = load::run(&plan, &payload).expect("replay");
    let json = replay.to_json();
    assert_eq!(replay.accepted, 0, "{json}");
    assert_eq!(replay.committed, 0, "{json}");
    assert_eq!(replay.send_errors, 0, "{json}");
    assert_eq!(replay.rejected.values().sum::<usize>(), 10, "{json}");
}
