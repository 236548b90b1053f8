//! Receipts of aggregated uses, and their Merkle proofs.
//!
//! The receipt of a use is the protobuf encoding of its `Use` message (prost's canonical
//! encoding: fields in number order, default values left out, weights in the order given). The
//! leaves are sha256(receipt), in the order of the uses in the file, and the tree is the one
//! `rs_merkle::MerkleTree<rs_merkle::algorithms::Sha256>` builds: a parent is
//! sha256(left || right), and a node without a sibling moves up unchanged (so the root of a
//! single use is its leaf). Its root is the `receipts_root` of the `AggregatedUses` sent to the
//! chain; a proof lets a contributor show later that "use k of this aggregate" was the receipt
//! they hold.

use anyhow::{bail, Context as _, Result};
use prost::Message;
use rs_merkle::{algorithms::Sha256, Hasher, MerkleProof, MerkleTree};
use serde_json::{json, Value};

use openledger_proto::attribution::v1 as att;

use super::uses::parse_use;

/// The receipt of a use: its protobuf encoding.
pub fn receipt(u: &att::Use) -> Vec<u8> {
    u.encode_to_vec()
}

/// The leaf of a receipt: its sha256.
pub fn leaf(receipt: &[u8]) -> [u8; 32] {
    Sha256::hash(receipt)
}

/// The Merkle tree over the receipts of one aggregate (at least one).
#[derive(Clone)]
pub struct ReceiptTree {
    receipts: Vec<Vec<u8>>,
    leaves: Vec<[u8; 32]>,
    tree: MerkleTree<Sha256>,
}

impl ReceiptTree {
    pub fn new(receipts: Vec<Vec<u8>>) -> Result<Self> {
        if receipts.is_empty() {
            bail!("a receipts tree needs at least one receipt");
        }
        let leaves: Vec<[u8; 32]> = receipts.iter().map(|r| leaf(r)).collect();
        let tree = MerkleTree::<Sha256>::from_leaves(&leaves);
        Ok(Self {
            receipts,
            leaves,
            tree,
        })
    }

    pub fn of_uses<'a>(uses: impl IntoIterator<Item = &'a att::Use>) -> Result<Self> {
        Self::new(uses.into_iter().map(receipt).collect())
    }

    pub fn root(&self) -> [u8; 32] {
        // A tree of at least one leaf always has a root.
        self.tree.root().unwrap_or(self.leaves[0])
    }

    pub fn len(&self) -> usize {
        self.leaves.len()
    }

    pub fn leaf(&self, k: usize) -> [u8; 32] {
        self.leaves[k]
    }

    pub fn receipt(&self, k: usize) -> &[u8] {
        &self.receipts[k]
    }

    /// The proof of leaf `k`: the sibling hashes bottom-up, concatenated (rs_merkle's bytes).
    pub fn proof(&self, k: usize) -> Vec<u8> {
        self.tree.proof(&[k]).to_bytes()
    }
}

impl std::fmt::Debug for ReceiptTree {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReceiptTree")
            .field("root", &hex::encode(self.root()))
            .field("leaves", &self.len())
            .finish()
    }
}

/// Whether `receipt` is leaf `index` of a tree of `total` leaves with this root.
pub fn verify(
    root: &[u8; 32],
    receipt: &[u8],
    index: usize,
    total: usize,
    proof: &[u8],
) -> Result<bool> {
    if index >= total {
        bail!("index {index} is not below the number of leaves {total}");
    }
    let proof = MerkleProof::<Sha256>::from_bytes(proof)
        .map_err(|e| anyhow::anyhow!("invalid proof (expected 32-byte hashes): {e}"))?;
    Ok(proof.verify(*root, &[index], &[leaf(receipt)], total))
}

/// A 32-byte hash given in hex, or in base64 as `query attribution reports` prints the roots
/// (proto3 JSON). 64 hex digits and the 44 characters of base64 cannot be confused.
pub fn parse_hash(what: &str, s: &str) -> Result<[u8; 32]> {
    use base64::Engine as _;
    let t = s.trim();
    let t = t.strip_prefix("0x").unwrap_or(t);
    let bytes = match hex::decode(t) {
        Ok(bytes) => bytes,
        Err(_) => base64::engine::general_purpose::STANDARD
            .decode(t)
            .map_err(|_| anyhow::anyhow!("{what} is neither hex nor base64"))?,
    };
    <[u8; 32]>::try_from(bytes.as_slice())
        .map_err(|_| anyhow::anyhow!("{what} must be 32 bytes (64 hex digits)"))
}

/// One receipt of a receipts file, self-contained: what a contributor keeps to prove the use.
pub fn receipt_entry_json(tree: &ReceiptTree, k: usize, u: &att::Use) -> Value {
    json!({
        "index": k,
        "use": u,
        "receipt": hex::encode(tree.receipt(k)),
        "leaf": hex::encode(tree.leaf(k)),
        "proof": hex::encode(tree.proof(k)),
        "root": hex::encode(tree.root()),
        "total_leaves": tree.len(),
    })
}

/// What `verify-receipt` checks: a use, where it claims to be, and its proof.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    pub use_: att::Use,
    pub index: usize,
    pub total: Option<usize>,
    pub proof: Option<Vec<u8>>,
}

/// Finds the claim for leaf `index` under `root` in a receipts file: the whole file written by
/// `--receipts-out` (the aggregate whose root is `root`, or the individual uses), one of its
/// entries, or a bare `Use`.
pub fn find_claim(file: &Value, root: &[u8; 32], index: usize) -> Result<Claim> {
    let root_hex = hex::encode(root);
    let entry = if let Some(individual) = file.get("individual") {
        if individual.get("uses_root").and_then(Value::as_str) != Some(&root_hex) {
            bail!("the file's individual uses are not under root {root_hex}");
        }
        individual
            .get("receipts")
            .and_then(Value::as_array)
            .and_then(|r| r.get(index))
            .with_context(|| format!("the file has no individual use {index}"))?
    } else if let Some(groups) = file.get("aggregated").and_then(Value::as_array) {
        let Some(group) = groups
            .iter()
            .find(|g| g.get("receipts_root").and_then(Value::as_str) == Some(&root_hex))
        else {
            let roots: Vec<&str> = groups
                .iter()
                .filter_map(|g| g.get("receipts_root")?.as_str())
                .collect();
            bail!(
                "no aggregate with root {root_hex} in the file (its roots: {})",
                roots.join(", ")
            );
        };
        group
            .get("receipts")
            .and_then(Value::as_array)
            .and_then(|r| r.get(index))
            .with_context(|| format!("the aggregate with root {root_hex} has no receipt {index}"))?
    } else {
        file
    };
    let Some(u) = entry.get("use") else {
        // A bare Use: the proof and the leaf count come from the flags.
        return Ok(Claim {
            use_: parse_use(entry.clone(), "the receipt")?,
            index,
            total: None,
            proof: None,
        });
    };
    let use_ = parse_use(u.clone(), "the receipt's use")?;
    if let Some(i) = entry.get("index").and_then(Value::as_u64) {
        if i != index as u64 {
            bail!("the receipt in the file is number {i}, not {index}");
        }
    }
    if let Some(r) = entry.get("root").and_then(Value::as_str) {
        if r.trim_start_matches("0x").to_ascii_lowercase() != root_hex {
            bail!("the receipt in the file belongs to root {r}, not {root_hex}");
        }
    }
    if let Some(r) = entry.get("receipt").and_then(Value::as_str) {
        if hex::decode(r).ok() != Some(receipt(&use_)) {
            bail!("the receipt bytes in the file are not the encoding of its use");
        }
    }
    let proof = match entry.get("proof").and_then(Value::as_str) {
        Some(p) => Some(hex::decode(p).context("the proof in the file is not hex")?),
        None => None,
    };
    let total = entry
        .get("total_leaves")
        .and_then(Value::as_u64)
        .map(|t| t as usize);
    Ok(Claim {
        use_,
        index,
        total,
        proof,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn use_(id: &str, grant: u64, weights: &[(u64, u64)]) -> att::Use {
        att::Use {
            request_id: id.into(),
            grant_id: grant,
            units: 1,
            weights: weights
                .iter()
                .map(|&(c, w)| att::Weight {
                    contribution_id: c,
                    weight: w,
                })
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn single_leaf_root_is_the_leaf() {
        let u = use_("r", 1, &[(7, 3)]);
        let t = ReceiptTree::of_uses([&u]).unwrap();
        assert_eq!(t.root(), leaf(&receipt(&u)));
        assert!(t.proof(0).is_empty());
        assert!(verify(&t.root(), &receipt(&u), 0, 1, &[]).unwrap());
        assert!(ReceiptTree::new(Vec::new()).is_err());
    }

    #[test]
    fn root_of_three_by_hand() {
        let us = [
            use_("a", 1, &[]),
            use_("b", 1, &[(2, 5)]),
            use_("c", 1, &[(1, 1), (2, 2)]),
        ];
        let t = ReceiptTree::of_uses(&us).unwrap();
        let l: Vec<[u8; 32]> = us.iter().map(|u| leaf(&receipt(u))).collect();
        let cat = |a: &[u8; 32], b: &[u8; 32]| Sha256::hash(&[a.as_slice(), b.as_slice()].concat());
        // rs_merkle promotes the unpaired third leaf unchanged.
        assert_eq!(t.root(), cat(&cat(&l[0], &l[1]), &l[2]));
        for k in 0..3 {
            assert!(verify(&t.root(), t.receipt(k), k, 3, &t.proof(k)).unwrap());
            assert!(!verify(&t.root(), t.receipt(k), (k + 1) % 3, 3, &t.proof(k)).unwrap());
        }
        assert!(verify(&t.root(), t.receipt(0), 3, 3, &t.proof(0)).is_err());
        assert!(verify(&t.root(), t.receipt(0), 0, 3, &[1, 2, 3]).is_err());
    }

    #[test]
    fn claims_from_files() {
        let us = [use_("a", 1, &[(1, 4)]), use_("b", 1, &[(2, 5)])];
        let t = ReceiptTree::of_uses(&us).unwrap();
        let bundle = json!({"aggregated": [{
            "grant_id": 1,
            "receipts_root": hex::encode(t.root()),
            "total_leaves": 2,
            "receipts": [receipt_entry_json(&t, 0, &us[0]), receipt_entry_json(&t, 1, &us[1])],
        }]});
        let c = find_claim(&bundle, &t.root(), 1).unwrap();
        assert_eq!(
            c,
            Claim {
                use_: us[1].clone(),
                index: 1,
                total: Some(2),
                proof: Some(t.proof(1))
            }
        );
        assert!(find_claim(&bundle, &[0; 32], 1)
            .unwrap_err()
            .to_string()
            .contains("no aggregate"));
        assert!(find_claim(&bundle, &t.root(), 2).is_err());
        let entry = receipt_entry_json(&t, 0, &us[0]);
        assert_eq!(find_claim(&entry, &t.root(), 0).unwrap().use_, us[0]);
        assert!(find_claim(&entry, &t.root(), 1).is_err());
        // A use edited after the fact no longer matches its receipt bytes.
        let mut tampered = entry.clone();
        tampered["use"]["weights"][0]["weight"] = json!(40);
        assert!(find_claim(&tampered, &t.root(), 0).is_err());
        let bare = serde_json::to_value(&us[0]).unwrap();
        let c = find_claim(&bare, &t.root(), 0).unwrap();
        assert_eq!((c.total, c.proof), (None, None));
    }

    #[test]
    fn a_root_is_read_in_hex_or_in_the_base64_of_query_output() {
        let h = "ab".repeat(32);
        assert_eq!(parse_hash("root", &format!("0x{h}")).unwrap(), [0xab; 32]);
        let b64 = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, [0xab; 32]);
        assert_eq!(parse_hash("root", &b64).unwrap(), [0xab; 32]);
        assert!(parse_hash("root", "abcd").is_err());
        assert!(parse_hash("root", "zz").is_err());
    }
}
