//! Blocks through `finalize_block` + `commit` on a real App with a funded genesis account (one
//! App per process, so state builds up across inputs). Each block mixes raw txs (the input's
//! bytes) with txs signed by the funded key whose messages are any of the chain's tx messages,
//! with protobuf bodies built field by field from the input, so decoding, ante and signature
//! checks pass and the modules' handlers run. The App must never panic or fail the block: every
//! tx ends as a result code.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use openledger_app::context::BlockHeader;
use openledger_app::testkit::{coin, sign_tx, TestChain, TestKey, TxParams, TEST_FEE};
use std::sync::OnceLock;
use tendermint_proto::google::protobuf::Any;

struct Fixture {
    chain: TestChain,
    key: TestKey,
    /// Strings a handler may look for: both accounts in bech32, the denom, on-chain ids.
    words: Vec<String>,
    /// The chain's tx messages by type URL, x/bank's MsgSend first.
    type_urls: Vec<String>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let (key, other) = (TestKey::from_seed("fuzz-a"), TestKey::from_seed("fuzz-b"));
        let chain = TestChain::new(&[&key, &other]);
        let words = vec![
            key.address().to_bech32(),
            other.address().to_bech32(),
            "uopen".into(),
            "1".into(),
            "openledger:1".into(),
            "mit".into(),
        ];
        let mut type_urls =
            vec![<cosmrs::proto::cosmos::bank::v1beta1::MsgSend as prost::Name>::type_url()];
        type_urls.extend(openledger_proto::TX_MESSAGES.iter().map(|m| (m.type_url)()));
        Fixture {
            chain,
            key,
            words,
            type_urls,
        }
    })
}

/// One protobuf field: numbers 1 to 16 cover every field of the chain's messages.
#[derive(Arbitrary, Debug)]
enum Field {
    Varint(u8, u64),
    Word(u8, u8),
    Text(u8, String),
    Bytes(u8, Vec<u8>),
    Hash(u8, u8),
    Nested(u8, Vec<Field>),
}

#[derive(Arbitrary, Debug)]
enum Tx {
    Raw(Vec<u8>),
    Signed {
        messages: Vec<(u8, Vec<Field>)>,
        gas_limit: u32,
        /// Off by this from the account's sequence (0: the right one).
        sequence_skew: u8,
        memo: String,
    },
}

fn key(number: u8, wire_type: u64, out: &mut Vec<u8>) {
    varint((u64::from(number % 16) + 1) << 3 | wire_type, out);
}

fn varint(mut v: u64, out: &mut Vec<u8>) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn delimited(number: u8, bytes: &[u8], out: &mut Vec<u8>) {
    key(number, 2, out);
    varint(bytes.len() as u64, out);
    out.extend_from_slice(bytes);
}

fn encode(fields: &[Field], f: &Fixture, depth: u8, out: &mut Vec<u8>) {
    for field in fields {
        match field {
            Field::Varint(n, v) => {
                key(*n, 0, out);
                varint(*v, out);
            }
            Field::Word(n, i) => {
                delimited(*n, f.words[usize::from(*i) % f.words.len()].as_bytes(), out)
            }
            Field::Text(n, s) => delimited(*n, s.as_bytes(), out),
            Field::Bytes(n, b) => delimited(*n, b, out),
            Field::Hash(n, b) => delimited(*n, &[*b; 32], out),
            // Two levels of nesting reach every message's sub-messages (weights, coins, items).
            Field::Nested(n, inner) if depth < 3 => {
                let mut body = Vec::new();
                encode(inner, f, depth + 1, &mut body);
                delimited(*n, &body, out);
            }
            Field::Nested(..) => {}
        }
    }
}

fuzz_target!(|txs: Vec<Tx>| {
    let f = fixture();
    let app = &f.chain.app;
    let mut account = f.chain.account(&f.key);
    let mut block = Vec::new();
    for tx in txs.into_iter().take(8) {
        block.push(match tx {
            Tx::Raw(bytes) => bytes,
            Tx::Signed {
                messages,
                gas_limit,
                sequence_skew,
                memo,
            } => {
                let messages = messages
                    .iter()
                    .take(4)
                    .map(|(i, fields)| {
                        let mut value = Vec::new();
                        encode(fields, f, 0, &mut value);
                        Any {
                            type_url: f.type_urls[usize::from(*i) % f.type_urls.len()].clone(),
                            value,
                        }
                    })
                    .collect();
                let p = TxParams {
                    chain_id: f.chain.chain_id.clone(),
                    account_number: account.account_number,
                    sequence: account.sequence + u64::from(sequence_skew),
                    gas_limit: u64::from(gas_limit).clamp(200_000, 10_000_000),
                    fee: vec![coin(TEST_FEE, "uopen")],
                    memo,
                };
                // A tx with the right sequence moves it on, accepted or not (ante ran).
                if sequence_skew == 0 {
                    account.sequence += 1;
                }
                sign_tx(&f.key, messages, &p)
            }
        });
    }
    let height = app.committed().height + 1;
    let outcome = app
        .finalize_block(&BlockHeader::at(height), &block)
        .expect("a block always finalizes");
    assert_eq!(outcome.tx_results.len(), block.len());
    for result in &outcome.tx_results {
        assert_eq!(result.code == 0, result.codespace.is_empty(), "{result:?}");
    }
    app.commit().expect("a finalized block always commits");
});
