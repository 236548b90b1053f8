//! The ante checks and MsgSend through the real App over RocksDB, one refusal per rule.

use cosmrs::proto::cosmos::tx::v1beta1::TxRaw;
use prost::Message;

use crate::app::App;
use crate::context::BlockHeader;
use crate::error::{AbciError, SdkError};
use crate::store::{Storage, Substore};
use crate::testkit::{
    coin, module_accounts, msg_send, sign_tx, TestChain, TestKey, TxParams, TEST_FEE, TEST_FUNDS,
};

const FUNDS: u128 = TEST_FUNDS;

struct Chain {
    chain: TestChain,
    alice: TestKey,
    bob: TestKey,
}

fn chain() -> Chain {
    let (alice, bob) = (TestKey::from_seed("alice"), TestKey::from_seed("bob"));
    Chain {
        chain: TestChain::new(&[&alice, &bob]),
        alice,
        bob,
    }
}

fn params(sequence: u64) -> TxParams {
    TxParams {
        chain_id: "openledger-test-1".into(),
        account_number: 0,
        sequence,
        gas_limit: 200_000,
        fee: vec![coin(5_000, "uopen")],
        memo: String::new(),
    }
}

impl Chain {
    fn send(&self, amount: u128, p: &TxParams) -> Vec<u8> {
        sign_tx(
            &self.alice,
            vec![msg_send(
                &self.alice.address(),
                &self.bob.address(),
                vec![coin(amount, "uopen")],
            )],
            p,
        )
    }

    /// Runs one tx in its own block; returns (code, codespace, gas_used).
    fn deliver(&self, tx: Vec<u8>) -> (u32, String, i64) {
        let r = self.chain.block(vec![tx]).remove(0);
        (r.code, r.codespace, r.gas_used)
    }

    fn balance(&self, key: &TestKey) -> u128 {
        self.chain.balance(&key.address())
    }

    fn sequence(&self, key: &TestKey) -> u64 {
        self.chain.account(key).sequence
    }
}

#[test]
fn a_send_moves_exactly_the_amount_and_the_fee() {
    let c = chain();
    assert_eq!(c.chain.app.check_tx(&c.send(12_345, &params(0))).code, 0);
    let (code, _, gas) = c.deliver(c.send(12_345, &params(0)));
    assert_eq!(code, 0);
    assert!(gas > 0 && gas <= 200_000);
    assert_eq!(c.balance(&c.alice), FUNDS - 12_345 - 5_000);
    assert_eq!(c.balance(&c.bob), FUNDS + 12_345);
    assert_eq!(c.sequence(&c.alice), 1);
}

#[test]
fn each_bad_tx_gets_its_sdk_code_and_changes_nothing() {
    let c = chain();
    let good = c.send(1, &params(0));
    let mut bad_sig = TxRaw::decode(good.as_slice()).unwrap();
    bad_sig.signatures[0][5] ^= 1;
    let cases: Vec<(&str, Vec<u8>, SdkError)> = vec![
        (
            "malformed bytes",
            vec![0xde, 0xad, 0xbe, 0xef],
            SdkError::TxDecode(String::new()),
        ),
        (
            "bad signature",
            bad_sig.encode_to_vec(),
            SdkError::Unauthorized(String::new()),
        ),
        (
            "wrong chain id",
            c.send(
                1,
                &TxParams {
                    chain_id: "other-1".into(),
                    ..params(0)
                },
            ),
            SdkError::Unauthorized(String::new()),
        ),
        (
            "wrong account number",
            c.send(
                1,
                &TxParams {
                    account_number: 7,
                    ..params(0)
                },
            ),
            SdkError::Unauthorized(String::new()),
        ),
        (
            "future sequence",
            c.send(1, &params(3)),
            SdkError::WrongSequence(String::new()),
        ),
        (
            "fee too low",
            c.send(
                1,
                &TxParams {
                    fee: vec![coin(4_999, "uopen")],
                    ..params(0)
                },
            ),
            SdkError::InsufficientFee(String::new()),
        ),
        (
            "insufficient funds for fee",
            c.send(
                1,
                &TxParams {
                    fee: vec![coin(FUNDS * 2, "uopen")],
                    ..params(0)
                },
            ),
            SdkError::InsufficientFunds(String::new()),
        ),
        (
            "oversized",
            c.send(
                1,
                &TxParams {
                    memo: "x".repeat(300 * 1024),
                    ..params(0)
                },
            ),
            SdkError::TxTooLarge(String::new()),
        ),
        (
            "memo too long",
            c.send(
                1,
                &TxParams {
                    memo: "x".repeat(257),
                    ..params(0)
                },
            ),
            SdkError::MemoTooLarge(String::new()),
        ),
        (
            "unknown message",
            sign_tx(
                &c.alice,
                vec![tendermint_proto::google::protobuf::Any {
                    type_url: "/unknown.Msg".into(),
                    value: vec![],
                }],
                &params(0),
            ),
            SdkError::UnknownRequest(String::new()),
        ),
        (
            "overflowing amount",
            sign_tx(
                &c.alice,
                vec![msg_send(
                    &c.alice.address(),
                    &c.bob.address(),
                    vec![cosmrs::proto::cosmos::base::v1beta1::Coin {
                        denom: "uopen".into(),
                        amount: "340282366920938463463374607431768211456".into(),
                    }],
                )],
                &params(0),
            ),
            SdkError::InvalidCoins(String::new()),
        ),
    ];
    for (name, tx, want) in cases {
        assert_eq!(
            c.chain.app.check_tx(&tx).code,
            want.code(),
            "CheckTx: {name}"
        );
        let ((code, codespace, _), moved) = c.chain.moved_by(|| c.deliver(tx));
        assert_eq!(
            (code, codespace.as_str()),
            (want.code(), want.codespace()),
            "FinalizeBlock: {name}"
        );
        assert_eq!(moved, [], "{name} changed state");
    }
    assert_eq!((c.balance(&c.alice), c.sequence(&c.alice)), (FUNDS, 0));
}

#[test]
fn a_send_to_any_module_account_is_refused_as_unauthorized_and_moves_only_the_fee() {
    let c = chain();
    let fee_collector = crate::modules::bank::fee_collector();
    for account in module_accounts() {
        let before = c.chain.balance(&account);
        let send = msg_send(&c.alice.address(), &account, vec![coin(1_000, "uopen")]);
        let (log, moved) = c.chain.moved_by(|| {
            c.chain
                .exec_refused(&c.alice, vec![send], &SdkError::Unauthorized(String::new()))
        });
        assert_eq!(moved, [Substore::Auth, Substore::Bank], "{log}");
        let fee = if account == fee_collector {
            TEST_FEE
        } else {
            0
        };
        assert_eq!(c.chain.balance(&account), before + fee, "{log}");
    }
}

#[test]
fn replayed_sequence_is_refused() {
    let c = chain();
    let tx = c.send(10, &params(0));
    assert_eq!(c.deliver(tx.clone()).0, 0);
    let (replayed, moved) = c.chain.moved_by(|| c.deliver(tx));
    assert_eq!(replayed.0, SdkError::WrongSequence(String::new()).code());
    assert_eq!(moved, []);
}

#[test]
fn insufficient_funds_and_out_of_gas_keep_fee_and_sequence_but_move_nothing() {
    let c = chain();
    assert_eq!(
        c.deliver(c.send(FUNDS, &params(0))).0,
        SdkError::InsufficientFunds(String::new()).code(),
        "fee leaves less than FUNDS"
    );
    assert_eq!(
        (c.balance(&c.alice), c.sequence(&c.alice)),
        (FUNDS - 5_000, 1)
    );

    let estimate = c.chain.app.simulate(&c.send(10, &params(1)));
    assert_eq!(estimate.code, 0, "{}", estimate.log);
    let gas = estimate.gas_used as u64 - 1;
    let tight = TxParams {
        gas_limit: gas,
        fee: vec![coin(5_000, "uopen")],
        ..params(1)
    };
    let (code, _, used) = c.deliver(c.send(10, &tight));
    let out_of_gas = SdkError::OutOfGas {
        location: "",
        limit: 0,
        used: 0,
    };
    assert_eq!(code, out_of_gas.code());
    assert!(used as u64 > gas);
    assert_eq!(
        (c.balance(&c.alice), c.sequence(&c.alice)),
        (FUNDS - 10_000, 2)
    );
    assert_eq!(c.balance(&c.bob), FUNDS);

    // The estimate holds up to the few bytes a different gas limit takes to encode.
    let adjusted = TxParams {
        gas_limit: (gas + 1) * 11 / 10,
        sequence: 2,
        ..tight
    };
    let (code, _, used) = c.deliver(c.send(10, &adjusted));
    assert_eq!(code, 0, "the simulated gas with a 10% margin is enough");
    assert!(
        (used as u64).abs_diff(gas + 1) < 1_000,
        "estimate {} vs used {used}",
        gas + 1
    );
}

#[test]
fn check_tx_tracks_pending_sequences_until_commit() {
    let c = chain();
    assert_eq!(c.chain.app.check_tx(&c.send(1, &params(0))).code, 0);
    assert_eq!(
        c.chain.app.check_tx(&c.send(1, &params(0))).code,
        SdkError::WrongSequence(String::new()).code(),
        "replay within the mempool"
    );
    assert_eq!(
        c.chain.app.check_tx(&c.send(1, &params(1))).code,
        0,
        "next sequence accepted"
    );
}

#[test]
fn genesis_export_then_import_then_export_is_identical() {
    let c = chain();
    c.deliver(c.send(77, &params(0)));
    let exported = serde_json::to_string_pretty(&c.chain.app.export_genesis().unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let again = App::new(Storage::open(dir.path(), 0).unwrap()).unwrap();
    again
        .init_chain(&c.chain.chain_id, exported.as_bytes())
        .unwrap();
    assert_eq!(
        serde_json::to_string_pretty(&again.export_genesis().unwrap()).unwrap(),
        exported
    );
}

#[test]
fn the_same_blocks_give_the_same_app_hash_on_another_node() {
    let (a, b) = (chain(), chain());
    for seq in 0..5 {
        let tx = a.send(100 + seq as u128, &params(seq));
        let height = a.chain.app.committed().height + 1;
        let ha = a
            .chain
            .app
            .finalize_block(&BlockHeader::at(height), std::slice::from_ref(&tx))
            .unwrap()
            .app_hash;
        let hb = b
            .chain
            .app
            .finalize_block(&BlockHeader::at(height), &[tx])
            .unwrap()
            .app_hash;
        assert_eq!(ha, hb, "height {height}");
        a.chain.app.commit().unwrap();
        b.chain.app.commit().unwrap();
    }
}

#[test]
fn high_s_signatures_are_refused() {
    use k256::ecdsa::signature::Signer;
    let key = k256::ecdsa::SigningKey::from_slice(&[7u8; 32]).unwrap();
    let msg = b"sign doc";
    let sig: k256::ecdsa::Signature = key.sign(msg);
    let pubkey = key
        .verifying_key()
        .to_encoded_point(true)
        .as_bytes()
        .to_vec();
    assert!(super::ante::verify_secp256k1(&pubkey, msg, &sig.to_bytes()));
    let (r, s) = sig.split_scalars();
    let high = k256::ecdsa::Signature::from_scalars(r, -*s).unwrap();
    assert!(!super::ante::verify_secp256k1(
        &pubkey,
        msg,
        &high.to_bytes()
    ));
}

#[test]
fn a_simulation_runs_out_of_gas_at_the_per_tx_ceiling_instead_of_running_unmetered() {
    let (alice, bob) = (TestKey::from_seed("alice"), TestKey::from_seed("bob"));
    let ceiling = 30_000;
    let chain =
        TestChain::with_genesis(&[&alice, &bob], |g| g.auth.params.max_gas_per_tx = ceiling);
    let send = |gas_limit| {
        sign_tx(
            &alice,
            vec![msg_send(
                &alice.address(),
                &bob.address(),
                vec![coin(1, "uopen")],
            )],
            &TxParams {
                gas_limit,
                ..params(0)
            },
        )
    };
    // A bank send needs more than the ceiling: simulated, it stops there as it would in a block.
    let simulated = chain.app.simulate(&send(ceiling));
    assert_eq!(
        (simulated.codespace.as_str(), simulated.code),
        (
            "sdk",
            SdkError::OutOfGas {
                location: "",
                limit: 0,
                used: 0
            }
            .code()
        ),
        "{}",
        simulated.log
    );
    assert!(
        simulated.log.contains(&format!("gasWanted: {ceiling}")),
        "{}",
        simulated.log
    );
}

#[test]
fn a_message_with_an_unknown_field_or_a_padded_encoding_is_refused_and_moves_nothing() {
    let c = chain();
    let send = msg_send(&c.alice.address(), &c.bob.address(), vec![coin(7, "uopen")]);
    let mut unknown = send.clone();
    // Field 99, varint 1: bytes a decoder that drops unknown fields would never read.
    unknown.value.extend_from_slice(&[0x98, 0x06, 0x01]);
    let mut padded = send.clone();
    // The same to_address field written twice: prost keeps the last, re-encoding is shorter.
    let to = c.bob.address().to_bech32();
    padded.value.extend_from_slice(&[0x12, to.len() as u8]);
    padded.value.extend_from_slice(to.as_bytes());
    for msg in [unknown, padded] {
        let bob = c.balance(&c.bob);
        let (log, _) = c.chain.moved_by(|| {
            c.chain
                .exec_refused(&c.alice, vec![msg], &SdkError::TxDecode(String::new()))
        });
        assert!(log.contains("MsgSend"), "{log}");
        assert_eq!(c.balance(&c.bob), bob, "{log}");
    }
    // The canonical encoding of the same message goes through.
    let bob = c.balance(&c.bob);
    assert_eq!(c.chain.exec(&c.alice, vec![send]).code, 0);
    assert_eq!(c.balance(&c.bob), bob + 7);
}

/// The tx as wallets and CosmJS simulate it to estimate gas: no gas limit, no fee, one empty
/// signature, SIGN_MODE_UNSPECIFIED.
fn as_wallets_simulate(signed: &[u8]) -> Vec<u8> {
    use cosmrs::proto::cosmos::tx::signing::v1beta1::SignMode;
    use cosmrs::proto::cosmos::tx::v1beta1::{mode_info, AuthInfo, Fee, ModeInfo};
    let raw = TxRaw::decode(signed).unwrap();
    let mut auth_info = AuthInfo::decode(raw.auth_info_bytes.as_slice()).unwrap();
    auth_info.fee = Some(Fee::default());
    auth_info.signer_infos[0].mode_info = Some(ModeInfo {
        sum: Some(mode_info::Sum::Single(mode_info::Single {
            mode: SignMode::Unspecified as i32,
        })),
    });
    TxRaw {
        body_bytes: raw.body_bytes,
        auth_info_bytes: auth_info.encode_to_vec(),
        signatures: vec![vec![]],
    }
    .encode_to_vec()
}

#[test]
fn a_simulation_without_gas_limit_fee_or_signature_estimates_the_gas_the_signed_tx_uses() {
    let c = chain();
    let signed = c.send(10, &params(0));
    let unsigned = as_wallets_simulate(&signed);
    let estimate = c.chain.app.simulate(&unsigned);
    assert_eq!(estimate.code, 0, "{}", estimate.log);
    // The signature's gas is charged as if it were checked, so the estimate is the real cost
    // give or take the bytes the fee and signature add to the tx's size.
    let signed_cost = c.chain.app.simulate(&signed).gas_used;
    assert!(
        estimate.gas_used <= signed_cost && signed_cost - estimate.gas_used < 1_000,
        "unsigned {} vs signed {signed_cost}",
        estimate.gas_used
    );
    // The same bytes are no tx to execute: CheckTx and blocks refuse them, and nothing moves.
    let invalid_gas = SdkError::InvalidGasLimit(String::new()).code();
    assert_eq!(c.chain.app.check_tx(&unsigned).code, invalid_gas);
    let (delivered, moved) = c.chain.moved_by(|| c.deliver(unsigned));
    assert_eq!(delivered.0, invalid_gas);
    assert_eq!(moved, []);
    assert_eq!(c.sequence(&c.alice), 0);
}
