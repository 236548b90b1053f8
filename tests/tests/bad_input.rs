//! Bad transactions are refused with a stable (codespace, code) and change nothing, except
//! that a tx refused only while executing in a block still pays its fee and uses its sequence.

use openledger_tests::tx::{self, SignParams};
use openledger_tests::{min_fee, Account, Localnet, TxOutcome, DEFAULT_FEE, DEFAULT_GAS, DENOM};

// Cosmos SDK error codes (codespace "sdk") the app must return.
const CODESPACE: &str = "sdk";
const CODE_TX_DECODE: u32 = 2; // ErrTxDecode
const CODE_UNAUTHORIZED: u32 = 4; // ErrUnauthorized: signature verification failed
const CODE_INSUFFICIENT_FUNDS: u32 = 5; // ErrInsufficientFunds
const CODE_UNKNOWN_REQUEST: u32 = 6; // ErrUnknownRequest: no handler for the message type
const CODE_INVALID_COINS: u32 = 10; // ErrInvalidCoins
const CODE_OUT_OF_GAS: u32 = 11; // ErrOutOfGas
const CODE_INSUFFICIENT_FEE: u32 = 13; // ErrInsufficientFee
const CODE_TX_TOO_LARGE: u32 = 21; // ErrTxTooLarge
const CODE_WRONG_SEQUENCE: u32 = 32; // ErrWrongSequence: incorrect account sequence

/// 2^128: one more than the largest u128.
const OVERFLOW_AMOUNT: &str = "340282366920938463463374607431768211456";
/// A memo that makes the tx about 2 MiB.
const OVERSIZED_MEMO_BYTES: usize = 2 * 1024 * 1024;

/// Where a refusal may happen.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Stage {
    /// CheckTx must refuse it: never in a block, no state change at all.
    CheckTx,
    /// Refused in CheckTx (no change) or, if included, failed in the block (fee and sequence spent).
    Either,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Snapshot {
    alice: u128,
    bob: u128,
    account: Account,
}

struct Case<'a> {
    net: &'a Localnet,
    alice: String,
    bob: String,
}

impl Case<'_> {
    fn snapshot(&self) -> Snapshot {
        Snapshot {
            alice: self.net.balance(&self.alice),
            bob: self.net.balance(&self.bob),
            account: self.net.account(&self.alice),
        }
    }

    /// Asserts the refusal and the state afterwards (waiting two blocks so nothing sneaks in
    /// later); returns the fee that was charged (0 when refused in CheckTx).
    fn expect_refused(
        &self,
        name: &str,
        before: Snapshot,
        t: &TxOutcome,
        code: u32,
        stage: Stage,
        fee: u128,
    ) -> u128 {
        eprintln!(
            "[{name}] {}",
            t.describe().lines().next().unwrap_or_default()
        );
        assert_eq!(
            t.code,
            Some(code),
            "[{name}] expected code {code}: {}",
            t.describe()
        );
        assert_eq!(
            t.codespace,
            CODESPACE,
            "[{name}] codespace: {}",
            t.describe()
        );
        if stage == Stage::CheckTx {
            assert!(
                !t.included(),
                "[{name}] must be refused by CheckTx, yet it is in block {}: {}",
                t.height,
                t.describe()
            );
        }
        self.net.wait_blocks(0, 2);
        let after = self.snapshot();
        assert_eq!(
            after.bob, before.bob,
            "[{name}] bob's balance must not change"
        );
        if t.included() {
            assert_eq!(
                after.alice,
                before.alice - fee,
                "[{name}] a tx that failed in a block pays exactly its fee"
            );
            assert_eq!(
                after.account.sequence,
                before.account.sequence + 1,
                "[{name}] and uses its sequence"
            );
            fee
        } else {
            assert_eq!(
                after, before,
                "[{name}] a tx refused by CheckTx changes nothing"
            );
            0
        }
    }

    fn send_args(&self, amount: &str, extra: &[&str]) -> Vec<String> {
        Localnet::send_args("alice", &self.bob, amount, extra)
    }

    fn run(&self, args: &[String]) -> TxOutcome {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        self.net.tx(&refs)
    }
}

#[test]
fn bad_transactions_are_refused_without_state_change() {
    let net = Localnet::start(1);
    let c = Case {
        net: &net,
        alice: net.address("alice"),
        bob: net.address("bob"),
    };
    let gas_str = DEFAULT_GAS.to_string();

    // --- bad signature: a valid signed send with one bit of its signature flipped.
    let before = c.snapshot();
    let args = c.send_args("1000uopen", &[]);
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let good = net.print_raw(&refs);
    let bad = tx::flip_signature_bit(&good);
    let t = net.broadcast_hex(&hex::encode(&bad));
    c.expect_refused(
        "bad signature",
        before,
        &t,
        CODE_UNAUTHORIZED,
        Stage::CheckTx,
        0,
    );
    // Control: the untampered bytes are a valid tx.
    net.broadcast_hex(&hex::encode(&good))
        .assert_committed_ok("untampered --print-raw tx");

    // --- wrong chain id in the sign doc.
    let before = c.snapshot();
    let t = c.run(&c.send_args("1001uopen", &["--chain-id", "wrong-1"]));
    c.expect_refused(
        "wrong chain id",
        before,
        &t,
        CODE_UNAUTHORIZED,
        Stage::CheckTx,
        0,
    );

    // --- wrong account number in the sign doc.
    let before = c.snapshot();
    let seq = before.account.sequence.to_string();
    let t = c.run(&c.send_args(
        "1002uopen",
        &["--account-number", "999", "--sequence", &seq],
    ));
    c.expect_refused(
        "wrong account number",
        before,
        &t,
        CODE_UNAUTHORIZED,
        Stage::CheckTx,
        0,
    );

    // --- replayed sequence: a send commits, then another one signed with the same sequence.
    let used_seq = c.snapshot().account.sequence.to_string();
    let ok = c.run(&c.send_args("1003uopen", &[]));
    ok.assert_committed_ok("send before the replay");
    let gas_of_a_send = ok.gas_used;
    let before = c.snapshot();
    let t = c.run(&c.send_args("1004uopen", &["--sequence", &used_seq]));
    c.expect_refused(
        "replayed sequence",
        before,
        &t,
        CODE_WRONG_SEQUENCE,
        Stage::CheckTx,
        0,
    );

    // --- fee below the minimum gas price.
    let before = c.snapshot();
    let t = c.run(&c.send_args("1005uopen", &["--fees", "1uopen", "--gas", &gas_str]));
    c.expect_refused(
        "fee too low",
        before,
        &t,
        CODE_INSUFFICIENT_FEE,
        Stage::CheckTx,
        0,
    );

    // --- out of gas: a gas limit below the real cost of a send (measured on the send above),
    // with a fee that satisfies the minimum price. It must be delivered and fail in the block.
    assert!(
        gas_of_a_send > 0,
        "the committed send reported no gas_used: {}",
        ok.describe()
    );
    let mut delivered = false;
    for gas in [
        gas_of_a_send * 3 / 4,
        gas_of_a_send * 9 / 10,
        gas_of_a_send - 1,
    ] {
        let before = c.snapshot();
        let fee = min_fee(gas);
        let t = c.run(&c.send_args(
            "1006uopen",
            &[
                "--gas",
                &gas.to_string(),
                "--fees",
                &format!("{fee}{DENOM}"),
            ],
        ));
        if !t.included() {
            // The ante handler alone needed more: try a limit closer to the real cost.
            eprintln!(
                "[out of gas] gas {gas} refused before a block: {}",
                t.describe()
            );
            assert_eq!(
                c.snapshot(),
                before,
                "[out of gas] refused in CheckTx yet state changed"
            );
            continue;
        }
        let charged = c.expect_refused(
            "out of gas",
            before,
            &t,
            CODE_OUT_OF_GAS,
            Stage::Either,
            fee,
        );
        assert_eq!(charged, fee, "[out of gas] the fee is charged");
        delivered = true;
        break;
    }
    assert!(
        delivered,
        "no gas limit below the cost of a send ({gas_of_a_send}) got a send into a block"
    );

    // --- insufficient funds: more than alice has.
    let before = c.snapshot();
    let t = c.run(&c.send_args(&format!("{}{DENOM}", before.alice + 1), &[]));
    c.expect_refused(
        "insufficient funds",
        before,
        &t,
        CODE_INSUFFICIENT_FUNDS,
        Stage::Either,
        DEFAULT_FEE,
    );

    // --- malformed bytes.
    let before = c.snapshot();
    let t = net.broadcast_hex("deadbeef");
    c.expect_refused(
        "malformed bytes",
        before,
        &t,
        CODE_TX_DECODE,
        Stage::CheckTx,
        0,
    );

    // Crafted txs are signed here with alice's key.
    let key = net.signing_key("alice");
    let sign = |msgs, memo: &str, acct: Account| {
        tx::sign(
            &key,
            msgs,
            &SignParams {
                chain_id: net.chain_id(),
                account_number: acct.account_number,
                sequence: acct.sequence,
                fee_uopen: DEFAULT_FEE,
                gas: DEFAULT_GAS,
                memo,
            },
        )
    };
    // Control: a crafted, well-formed send commits (so the refusals below are about the defect).
    let acct = c.snapshot().account;
    net.broadcast_hex(&hex::encode(sign(
        vec![tx::msg_send(&c.alice, &c.bob, "1007", DENOM)],
        "",
        acct,
    )))
    .assert_committed_ok("crafted valid send");

    // --- unknown message type.
    let before = c.snapshot();
    let unknown = cosmrs::Any {
        type_url: "/unknown.Msg".to_owned(),
        value: vec![0x0a, 0x01, 0x78],
    };
    let t = net.broadcast_hex(&hex::encode(sign(vec![unknown], "", before.account)));
    c.expect_refused(
        "unknown message type",
        before,
        &t,
        CODE_UNKNOWN_REQUEST,
        Stage::Either,
        DEFAULT_FEE,
    );

    // --- oversized tx (a ~2 MiB memo), sent to the RPC directly: too long for a command line.
    let before = c.snapshot();
    let memo = "m".repeat(OVERSIZED_MEMO_BYTES);
    let big = sign(
        vec![tx::msg_send(&c.alice, &c.bob, "1008", DENOM)],
        &memo,
        before.account,
    );
    assert!(big.len() > OVERSIZED_MEMO_BYTES);
    let t = net.broadcast_rpc(0, &big);
    c.expect_refused(
        "oversized tx",
        before,
        &t,
        CODE_TX_TOO_LARGE,
        Stage::CheckTx,
        0,
    );

    // --- amount overflow (2^128): the CLI may refuse it itself; a crafted tx gets a code.
    let before = c.snapshot();
    let t = c.run(&c.send_args(&format!("{OVERFLOW_AMOUNT}{DENOM}"), &[]));
    if t.code.is_some() {
        c.expect_refused(
            "amount overflow (CLI)",
            before,
            &t,
            CODE_INVALID_COINS,
            Stage::Either,
            DEFAULT_FEE,
        );
    } else {
        assert!(
            !t.exit_ok,
            "[amount overflow (CLI)] no result yet exit status 0: {}",
            t.describe()
        );
        assert_eq!(c.snapshot(), before);
    }
    let before = c.snapshot();
    let t = net.broadcast_hex(&hex::encode(sign(
        vec![tx::msg_send(&c.alice, &c.bob, OVERFLOW_AMOUNT, DENOM)],
        "",
        before.account,
    )));
    c.expect_refused(
        "amount overflow (crafted)",
        before,
        &t,
        CODE_INVALID_COINS,
        Stage::Either,
        DEFAULT_FEE,
    );

    // The node is still alive and making blocks, and alice can still send.
    net.wait_blocks(0, 2);
    let before = c.snapshot();
    c.run(&c.send_args("1009uopen", &[]))
        .assert_committed_ok("send after the bad inputs");
    let after = c.snapshot();
    assert_eq!(after.bob, before.bob + 1009);
    assert_eq!(after.alice, before.alice - 1009 - DEFAULT_FEE);
}
