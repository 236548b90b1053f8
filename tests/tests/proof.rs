//! A Merkle proof of alice's bank balance: `query store bank KEY --prove` at height H gives
//! two ICS23 proofs, [key in the bank substore, "bank" -> substore root in the root tree],
//! which verify with jmt's ICS23 spec against the app hash in the header of block H+1.
//! Tampered values, keys, roots and app hashes must fail.

use ics23::commitment_proof::Proof;
use ics23::{calculate_existence_root, verify_membership, CommitmentProof, HostFunctionsManager};
use openledger_tests::json::byte_candidates;
use openledger_tests::{bank_balance_key, find, Localnet, DENOM};
use prost::Message;
use serde_json::Value;

const BANK_STORE: &[u8] = b"bank";
fn verify(proof: &CommitmentProof, root: &[u8], key: &[u8], value: &[u8]) -> bool {
    verify_membership::<HostFunctionsManager>(proof, &jmt::ics23_spec(), &root.to_vec(), key, value)
}

fn decode_proof(op: &Value) -> CommitmentProof {
    let data = op
        .get("data")
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("proof op without data: {op}"));
    byte_candidates(data)
        .iter()
        .find_map(|b| {
            CommitmentProof::decode(b.as_slice())
                .ok()
                .filter(|p| p.proof.is_some())
        })
        .unwrap_or_else(|| panic!("proof op data is not an ICS23 CommitmentProof: {op}"))
}

fn existence(p: &CommitmentProof) -> &ics23::ExistenceProof {
    match &p.proof {
        Some(Proof::Exist(e)) => e,
        other => panic!("expected an existence proof, got {other:?}"),
    }
}

/// Does the stored value plausibly hold `amount`? (Its encoding is the app's business.)
fn value_mentions(value: &[u8], amount: u128) -> bool {
    let dec = amount.to_string();
    let contains = |needle: &[u8]| value.windows(needle.len()).any(|w| w == needle);
    contains(dec.as_bytes()) || contains(&amount.to_be_bytes()) || contains(&amount.to_le_bytes())
}

#[test]
fn balance_proof_verifies_against_app_hash() {
    let net = Localnet::start(1);
    let alice = net.address("alice");
    let bob = net.address("bob");
    net.send_ok("alice", &bob, "4242uopen");

    let h = net.status(0).height;
    let balance = net.balance_at(0, &alice);
    // 0x02 | len(addr) | addr (20 bytes) | denom, as the Cosmos SDK's bank module lays it out.
    let key = bank_balance_key(&alice, DENOM);
    assert_eq!(key.len(), 2 + 20 + DENOM.len());
    let v = net.cli_json(&[
        "query",
        "store",
        "bank",
        &hex::encode(&key),
        "--prove",
        "--height",
        &h.to_string(),
    ]);

    net.wait_for_height(0, h + 1);
    let app_hash = hex::decode(net.app_hash_at(0, h + 1)).expect("hex app hash");
    assert_eq!(app_hash.len(), 32, "app hash of block {}", h + 1);

    // `proof_ops` as a list of ops, or CometBFT's {"ops": [...]}.
    let ops = find(&v, "proof_ops")
        .or_else(|| find(&v, "proofOps"))
        .and_then(|p| {
            p.as_array()
                .or_else(|| p.get("ops").and_then(Value::as_array))
        })
        .unwrap_or_else(|| panic!("no proof ops in {v}"));
    assert_eq!(ops.len(), 2, "two proof ops [substore, root]: {v}");
    let substore_proof = decode_proof(&ops[0]);
    let root_proof = decode_proof(&ops[1]);

    let leaf = existence(&substore_proof);
    assert_eq!(leaf.key, key, "op 0 proves the balance key");
    let substore_root =
        calculate_existence_root::<HostFunctionsManager>(leaf).expect("substore root");
    assert_eq!(substore_root.len(), 32);

    let value_field = v
        .get("value")
        .or_else(|| find(&v, "value"))
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no value in {v}"));
    let value = byte_candidates(value_field)
        .into_iter()
        .find(|c| verify(&substore_proof, &substore_root, &key, c))
        .unwrap_or_else(|| {
            panic!("op 0 does not prove the returned value {value_field:?} under its root")
        });
    assert!(!value.is_empty());
    assert_eq!(leaf.value, value);
    if !value_mentions(&value, balance) {
        eprintln!(
            "note: stored value {} does not visibly encode alice's balance {balance}",
            hex::encode(&value)
        );
    }

    let root_leaf = existence(&root_proof);
    assert_eq!(root_leaf.key, BANK_STORE, "op 1 proves the bank substore");
    assert!(
        verify(&root_proof, &app_hash, BANK_STORE, &substore_root),
        "op 1: bank root not in the app hash of block {}",
        h + 1
    );

    // Tampering anywhere fails.
    let mut bad_value = value.clone();
    *bad_value.last_mut().expect("value") ^= 1;
    assert!(
        !verify(&substore_proof, &substore_root, &key, &bad_value),
        "tampered value verified"
    );
    assert!(
        !verify(
            &substore_proof,
            &substore_root,
            &bank_balance_key(&alice, "uother"),
            &value
        ),
        "wrong key verified"
    );
    let mut forged = leaf.clone();
    forged.value = bad_value;
    let forged_root =
        calculate_existence_root::<HostFunctionsManager>(&forged).expect("forged root");
    assert_ne!(forged_root, substore_root);
    assert!(
        !verify(&root_proof, &app_hash, BANK_STORE, &forged_root),
        "a forged substore root verified"
    );
    let mut bad_app_hash = app_hash.clone();
    bad_app_hash[0] ^= 1;
    assert!(
        !verify(&root_proof, &bad_app_hash, BANK_STORE, &substore_root),
        "a wrong app hash verified"
    );
    assert!(
        !verify(&root_proof, &app_hash, b"auth", &substore_root),
        "the bank root verified as another store's"
    );
}
