//! One validator: alice sends 12345uopen to bob with an explicit fee; balances, sequence,
//! the tx lookup and the total supply must all come out exactly.

use openledger_tests::{Localnet, DEFAULT_FEE};

const AMOUNT: u128 = 12_345;

#[test]
fn bank_send_moves_exact_amounts() {
    let net = Localnet::start(1);
    let alice = net.address("alice");
    let bob = net.address("bob");

    let alice_before = net.balance(&alice);
    let bob_before = net.balance(&bob);
    let acc_before = net.account(&alice);
    let supply_before = net.total_supply();
    assert_eq!(acc_before.sequence, 0, "alice has sent nothing yet");
    assert!(alice_before > AMOUNT + DEFAULT_FEE);

    let sent = net.send(
        "alice",
        &bob,
        &format!("{AMOUNT}uopen"),
        &["--fees", &format!("{DEFAULT_FEE}uopen")],
    );
    sent.assert_committed_ok("alice -> bob");
    assert!(!sent.txhash.is_empty(), "no txhash: {}", sent.describe());

    let found = net.wait_for_tx(0, &sent.txhash);
    assert_eq!(found.code, Some(0), "query tx: {}", found.describe());
    assert_eq!(found.height, sent.height, "query tx height");
    assert!(found.txhash.eq_ignore_ascii_case(&sent.txhash));

    assert_eq!(
        net.balance(&bob),
        bob_before + AMOUNT,
        "bob gains exactly the amount"
    );
    assert_eq!(
        net.balance(&alice),
        alice_before - AMOUNT - DEFAULT_FEE,
        "alice pays amount + fee"
    );
    let acc_after = net.account(&alice);
    assert_eq!(acc_after.sequence, 1, "alice's sequence 0 -> 1");
    assert_eq!(acc_after.account_number, acc_before.account_number);
    assert_eq!(
        net.total_supply(),
        supply_before,
        "a send neither mints nor burns"
    );

    // The state stays put in later blocks.
    net.wait_blocks(0, 2);
    assert_eq!(net.balance(&bob), bob_before + AMOUNT);
    assert_eq!(net.balance(&alice), alice_before - AMOUNT - DEFAULT_FEE);
}
