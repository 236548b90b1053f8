//! Uses files (what an operator reports) and their aggregation.
//!
//! A uses file is either `{"uses": [Use…], "aggregated": [AggregatedUses…]}` (either key may be
//! left out) or a plain JSON array of `Use` objects. A `Use` is
//! `{"request_id": "…", "grant_id": 3, "units": 1, "weights": [{"contribution_id": 7, "weight": 12}]}`
//! where `units` defaults to 1 (per-use pricing) and `weights` to none, with an optional
//! `output_sha256` (base64, as `openledger attribute --format use` prints it) that lets anyone
//! prove a wrong weight later; an `AggregatedUses` is
//! `{"grant_id", "uses", "units", "weights", "receipts_root", "licensee_signature"}` with the
//! root and the licensee's optional acknowledgement (`openledger attribute acknowledge`) in hex.
//! A misspelt
//! field is an error, not silently dropped; so is a request id given twice, or a contribution
//! weighted twice in one use.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{bail, Context as _, Result};
use serde_json::{Map, Value};

use openledger_proto::attribution::v1 as att;

use super::receipts::ReceiptTree;

const USE_FIELDS: [&str; 5] = [
    "request_id",
    "grant_id",
    "units",
    "weights",
    "output_sha256",
];
const AGGREGATED_FIELDS: [&str; 6] = [
    "grant_id",
    "uses",
    "units",
    "weights",
    "receipts_root",
    "licensee_signature",
];
const WEIGHT_FIELDS: [&str; 2] = ["contribution_id", "weight"];

/// The contents of a uses file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UsesFile {
    pub uses: Vec<att::Use>,
    pub aggregated: Vec<att::AggregatedUses>,
}

fn object(v: Value, what: &str, fields: &[&str]) -> Result<Map<String, Value>> {
    let Value::Object(obj) = v else {
        bail!("{what}: expected a JSON object")
    };
    if let Some(k) = obj.keys().find(|k| !fields.contains(&k.as_str())) {
        bail!(
            "{what}: unknown field {k:?} (expected {})",
            fields.join(", ")
        );
    }
    Ok(obj)
}

fn typed<T: serde::de::DeserializeOwned>(obj: Map<String, Value>, what: &str) -> Result<T> {
    serde_json::from_value(Value::Object(obj)).with_context(|| {
        format!(
            "{what}: ids, counts and weights must be non-negative integers, request_id a string"
        )
    })
}

/// A list of weights: no contribution twice.
fn parse_weight_list(v: Option<Value>, what: &str) -> Result<Value> {
    let Some(v) = v else {
        return Ok(Value::Array(Vec::new()));
    };
    let Value::Array(items) = v else {
        bail!("{what}: weights must be a JSON array")
    };
    let mut seen = BTreeSet::new();
    let mut checked = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let obj = object(item, &format!("{what}, weight {i}"), &WEIGHT_FIELDS)?;
        let w: att::Weight = typed(obj.clone(), &format!("{what}, weight {i}"))?;
        if !seen.insert(w.contribution_id) {
            bail!(
                "{what}: contribution {} is weighted twice",
                w.contribution_id
            );
        }
        checked.push(Value::Object(obj));
    }
    Ok(Value::Array(checked))
}

/// One `Use` object; `units` defaults to 1.
pub fn parse_use(v: Value, what: &str) -> Result<att::Use> {
    let mut obj = object(v, what, &USE_FIELDS)?;
    let weights = parse_weight_list(obj.remove("weights"), what)?;
    obj.insert("weights".into(), weights);
    obj.entry("units").or_insert(Value::from(1u64));
    let u: att::Use = typed(obj, what)?;
    if u.request_id.is_empty() {
        bail!("{what}: request_id is required");
    }
    Ok(u)
}

fn parse_aggregated(v: Value, what: &str) -> Result<att::AggregatedUses> {
    let mut obj = object(v, what, &AGGREGATED_FIELDS)?;
    let weights = parse_weight_list(obj.remove("weights"), what)?;
    obj.insert("weights".into(), weights);
    // The root and the signature in hex (as printed everywhere), or as arrays of byte values;
    // proto3 JSON would want base64, so they are set after the rest is read.
    let mut hex_field = |field: &str| -> Result<Vec<u8>> {
        Ok(match obj.remove(field) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::String(h)) => hex::decode(h.trim().trim_start_matches("0x"))
                .with_context(|| format!("{what}: {field} is not hex"))?,
            Some(bytes) => serde_json::from_value(bytes)
                .with_context(|| format!("{what}: {field} is neither hex nor bytes"))?,
        })
    };
    let root = hex_field("receipts_root")?;
    let signature = hex_field("licensee_signature")?;
    let mut aggregated: att::AggregatedUses = typed(obj, what)?;
    aggregated.receipts_root = root;
    aggregated.licensee_signature = signature;
    Ok(aggregated)
}

/// Parses a uses file (see the module doc).
pub fn parse_uses_file(json: &str) -> Result<UsesFile> {
    let v: Value = serde_json::from_str(json).context("a uses file must be JSON")?;
    let (uses, aggregated) = match v {
        Value::Array(items) => (items, Vec::new()),
        v @ Value::Object(_) => {
            let mut obj = object(v, "the uses file", &["uses", "aggregated"])?;
            let mut list = |key: &str| match obj.remove(key) {
                None | Some(Value::Null) => Ok(Vec::new()),
                Some(Value::Array(items)) => Ok(items),
                Some(_) => bail!("\"{key}\" must be a JSON array"),
            };
            (list("uses")?, list("aggregated")?)
        }
        _ => bail!("a uses file is a JSON array of uses or an object {{\"uses\": […], \"aggregated\": […]}}"),
    };
    let file = UsesFile {
        uses: uses
            .into_iter()
            .enumerate()
            .map(|(i, u)| parse_use(u, &format!("use {i}")))
            .collect::<Result<_>>()?,
        aggregated: aggregated
            .into_iter()
            .enumerate()
            .map(|(i, a)| parse_aggregated(a, &format!("aggregated entry {i}")))
            .collect::<Result<_>>()?,
    };
    if file.uses.is_empty() && file.aggregated.is_empty() {
        bail!("the uses file holds no uses");
    }
    let mut ids = BTreeSet::new();
    if let Some(u) = file
        .uses
        .iter()
        .find(|u| !ids.insert(u.request_id.as_str()))
    {
        bail!("request_id {:?} is given twice", u.request_id);
    }
    Ok(file)
}

/// A weights file for `split-preview`: a JSON array of weights, or any object with a "weights"
/// array (such as a `Use` printed by `openledger attribute --format use`).
pub fn parse_weights_file(json: &str) -> Result<Vec<att::Weight>> {
    let v: Value = serde_json::from_str(json).context("a weights file must be JSON")?;
    let list = match v {
        Value::Array(_) => v,
        Value::Object(mut obj) => obj
            .remove("weights")
            .context("expected a JSON array of weights, or an object with \"weights\"")?,
        _ => bail!("expected a JSON array of weights"),
    };
    let checked = parse_weight_list(Some(list), "the weights file")?;
    typed_list(checked)
}

fn typed_list(v: Value) -> Result<Vec<att::Weight>> {
    serde_json::from_value(v)
        .context("weights must be {\"contribution_id\", \"weight\"} with non-negative integers")
}

/// The uses of one grant, aggregated, with the tree of their receipts.
#[derive(Debug, Clone)]
pub struct Aggregate {
    pub msg: att::AggregatedUses,
    /// The uses in it, in the file's order: leaf k is the receipt of `uses[k]`.
    pub uses: Vec<att::Use>,
    pub tree: ReceiptTree,
}

/// Aggregates individual uses by grant (ascending grant id): the count of uses, the sum of their
/// units, their weights summed per contribution (ascending id), and the Merkle root of their
/// receipts in the file's order.
pub fn aggregate(uses: &[att::Use]) -> Result<Vec<Aggregate>> {
    let mut by_grant: BTreeMap<u64, Vec<&att::Use>> = BTreeMap::new();
    for u in uses {
        by_grant.entry(u.grant_id).or_default().push(u);
    }
    by_grant
        .into_iter()
        .map(|(grant_id, group)| {
            let overflow = || anyhow::anyhow!("grant {grant_id}: the sums overflow 64 bits");
            let mut units: u64 = 0;
            let mut weights: BTreeMap<u64, u64> = BTreeMap::new();
            for u in &group {
                units = units.checked_add(u.units).ok_or_else(overflow)?;
                for w in &u.weights {
                    let total = weights.entry(w.contribution_id).or_insert(0);
                    *total = total.checked_add(w.weight).ok_or_else(overflow)?;
                }
            }
            let tree = ReceiptTree::of_uses(group.iter().copied())?;
            let msg = att::AggregatedUses {
                grant_id,
                uses: group.len() as u64,
                units,
                weights: weights
                    .into_iter()
                    .map(|(contribution_id, weight)| att::Weight {
                        contribution_id,
                        weight,
                    })
                    .collect(),
                receipts_root: tree.root().to_vec(),
                ..Default::default()
            };
            Ok(Aggregate {
                msg,
                uses: group.into_iter().cloned().collect(),
                tree,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attribute::receipts::{leaf, receipt, verify};

    const THREE: &str = r#"[
        {"request_id": "r1", "grant_id": 4, "units": 2, "weights": [{"contribution_id": 9, "weight": 3}, {"contribution_id": 1, "weight": 5}]},
        {"request_id": "r2", "grant_id": 4, "weights": [{"contribution_id": 1, "weight": 7}]},
        {"request_id": "r3", "grant_id": 4, "units": 10, "weights": []}
    ]"#;

    fn w(c: u64, weight: u64) -> att::Weight {
        att::Weight {
            contribution_id: c,
            weight,
        }
    }

    #[test]
    fn parses_both_forms() {
        let f = parse_uses_file(THREE).unwrap();
        assert!(f.aggregated.is_empty());
        assert_eq!(f.uses.len(), 3);
        assert_eq!(f.uses[0].weights, [w(9, 3), w(1, 5)]);
        assert_eq!((f.uses[1].units, f.uses[2].units), (1, 10));
        let root = "cd".repeat(32);
        let f = parse_uses_file(&format!(
            r#"{{"uses": [{{"request_id": "x", "grant_id": 1}}],
                "aggregated": [{{"grant_id": 2, "uses": 5, "units": 5, "weights": [{{"contribution_id": 3, "weight": 1}}],
                                 "receipts_root": "{root}"}}]}}"#
        ))
        .unwrap();
        assert_eq!(f.uses[0].weights, []);
        assert_eq!(f.aggregated[0].receipts_root, [0xcd; 32]);
        assert_eq!(f.aggregated[0].weights, [w(3, 1)]);
        assert_eq!(
            parse_uses_file(
                r#"{"aggregated": [{"grant_id": 2, "uses": 1, "receipts_root": [1, 2]}]}"#
            )
            .unwrap()
            .aggregated[0]
                .receipts_root,
            [1, 2]
        );
    }

    #[test]
    fn rejects_bad_uses_files() {
        for (bad, why) in [
            ("[]", "no uses"),
            ("{}", "no uses"),
            ("3", "JSON array"),
            ("not json", "JSON"),
            (r#"[{"grant_id": 1}]"#, "request_id"),
            (r#"[{"request_id": "a", "grant": 1}]"#, "unknown field"),
            (r#"{"usage": []}"#, "unknown field"),
            (r#"[{"request_id": "a", "grant_id": -1}]"#, "non-negative"),
            (
                r#"[{"request_id": "a", "weights": [{"contribution_id": 1, "weight": 1}, {"contribution_id": 1, "weight": 2}]}]"#,
                "twice",
            ),
            (
                r#"[{"request_id": "a", "weights": [{"id": 1}]}]"#,
                "unknown field",
            ),
            (r#"[{"request_id": "a"}, {"request_id": "a"}]"#, "twice"),
            (
                r#"{"aggregated": [{"grant_id": 1, "receipts_root": "xyz"}]}"#,
                "hex",
            ),
            (r#"{"uses": {}}"#, "array"),
        ] {
            let err = format!("{:#}", parse_uses_file(bad).unwrap_err());
            assert!(err.contains(why), "{bad}: {err}");
        }
    }

    #[test]
    fn weights_files() {
        assert_eq!(
            parse_weights_file(r#"[{"contribution_id": 7, "weight": 12}]"#).unwrap(),
            [w(7, 12)]
        );
        let from_use = r#"{"request_id": "x", "grant_id": 1, "units": 1, "weights": [{"contribution_id": 2, "weight": 1}]}"#;
        assert_eq!(parse_weights_file(from_use).unwrap(), [w(2, 1)]);
        assert!(parse_weights_file("{}").is_err());
        // Proto3 JSON, as `openledger attribute` prints it: 64-bit integers may be strings.
        assert_eq!(
            parse_weights_file(r#"[{"contribution_id": "7", "weight": "12"}]"#).unwrap(),
            [w(7, 12)]
        );
        assert!(parse_weights_file(r#"[{"contribution_id": 7, "weight": "twelve"}]"#).is_err());
        assert!(parse_weights_file(r#"[{"contribution_id": 7, "weight": -1}]"#).is_err());
    }

    #[test]
    fn aggregates_by_grant_with_sums_and_root() {
        let mut uses = parse_uses_file(THREE).unwrap().uses;
        uses.insert(
            1,
            att::Use {
                request_id: "other".into(),
                grant_id: 2,
                units: 1,
                weights: vec![w(1, 1)],
                ..Default::default()
            },
        );
        let aggs = aggregate(&uses).unwrap();
        assert_eq!(aggs.len(), 2);
        assert_eq!(aggs[0].msg.grant_id, 2);
        let a = &aggs[1].msg;
        assert_eq!((a.grant_id, a.uses, a.units), (4, 3, 13));
        assert_eq!(a.weights, [w(1, 12), w(9, 3)]);
        assert_eq!(a.receipts_root.len(), 32);
        // The same file twice gives the same root; the tree's leaves follow the file's order.
        let again = aggregate(&uses).unwrap();
        assert_eq!(again[1].msg, *a);
        let reordered: Vec<att::Use> = [3, 2, 0].iter().map(|&i| uses[i].clone()).collect();
        assert_ne!(
            aggregate(&reordered).unwrap()[0].msg.receipts_root,
            a.receipts_root
        );
        assert_eq!(
            aggs[1]
                .uses
                .iter()
                .map(|u| u.request_id.as_str())
                .collect::<Vec<_>>(),
            ["r1", "r2", "r3"]
        );

        // Leaf 1 (r2) proves against the root; a tampered receipt does not.
        let root: [u8; 32] = a.receipts_root.clone().try_into().unwrap();
        let t = &aggs[1].tree;
        let proof = t.proof(1);
        let r2 = receipt(&aggs[1].uses[1]);
        assert_eq!(t.leaf(1), leaf(&r2));
        assert!(verify(&root, &r2, 1, 3, &proof).unwrap());
        let mut forged = aggs[1].uses[1].clone();
        forged.weights[0].weight = 70;
        assert!(!verify(&root, &receipt(&forged), 1, 3, &proof).unwrap());
        let mut flipped = r2.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert!(!verify(&root, &flipped, 1, 3, &proof).unwrap());
    }

    #[test]
    fn aggregation_overflow_is_an_error() {
        let u = |id: &str| att::Use {
            request_id: id.into(),
            grant_id: 1,
            units: u64::MAX,
            weights: vec![],
            ..Default::default()
        };
        assert!(aggregate(&[u("a"), u("b")]).is_err());
    }
}
