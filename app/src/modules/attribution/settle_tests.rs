//! The settlement rules on hand-made lineages: exact figures for one example, and conservation
//! of every unit over random lineages, prices and weights.

use std::collections::BTreeMap;

use openledger_proto::attribution::v1::Params;
use openledger_proto::datasets::v1::{Contribution, Status};
use openledger_proto::models::v1::{
    Contributor, DatasetUse, ModelVersion, TrainingRecord, UpstreamTerms,
};
use proptest::prelude::*;

use super::*;
use crate::context::Read;
use crate::error::SdkError;
use crate::modules::attribution::deps::{DatasetsView, ModelsView};
use crate::store::{KeyValues, Substore};

/// Versions and contributions held in maps: the registries' read interface, for these rules only.
#[derive(Default, Debug)]
struct Lineage {
    versions: BTreeMap<u64, ModelVersion>,
    contributions: BTreeMap<u64, Contribution>,
}

impl ModelsView for Lineage {
    fn version<R: Read>(&self, _: &mut R, id: u64) -> Result<Option<ModelVersion>, SdkError> {
        Ok(self.versions.get(&id).cloned())
    }
}

impl DatasetsView for Lineage {
    fn contribution<R: Read>(&self, _: &mut R, id: u64) -> Result<Option<Contribution>, SdkError> {
        Ok(self.contributions.get(&id).cloned())
    }
    fn accepted_in<R: Read>(
        &self,
        _: &mut R,
        dataset: u64,
        first: u64,
        last: u64,
        limit: usize,
    ) -> Result<Vec<Contribution>, SdkError> {
        Ok(self
            .contributions
            .values()
            .filter(|c| {
                c.dataset_id == dataset
                    && c.id >= first
                    && c.id <= last
                    && c.status == Status::Accepted as i32
            })
            .take(limit)
            .cloned()
            .collect())
    }
}

struct NoState;

impl Read for NoState {
    fn read(&mut self, _: Substore, _: &[u8]) -> Result<Option<Vec<u8>>, SdkError> {
        Ok(None)
    }
    fn read_prefix(&mut self, _: Substore, _: &[u8]) -> Result<KeyValues, SdkError> {
        Ok(Vec::new())
    }
}

fn addr(tag: &str) -> String {
    openledger_types::Address::module(tag).to_bech32()
}

fn version(
    id: u64,
    contributors: &[(&str, u32)],
    upstream: &[(u64, u32, u32)],
    datasets: &[u64],
) -> ModelVersion {
    ModelVersion {
        id,
        contributors: contributors
            .iter()
            .map(|(a, bps)| Contributor {
                address: addr(a),
                role: 1,
                share_bps: *bps,
            })
            .collect(),
        parent_version_ids: upstream.iter().map(|u| u.0).collect(),
        upstream: upstream
            .iter()
            .map(|&(parent, royalty_bps, data_share_bps)| UpstreamTerms {
                parent_version_id: parent,
                license_id: 1,
                grant_id: 0,
                royalty_bps,
                data_share_bps,
            })
            .collect(),
        training: Some(TrainingRecord {
            method: 1,
            hyperparams_sha256: String::new(),
            datasets: datasets
                .iter()
                .map(|&d| DatasetUse {
                    dataset_id: d,
                    first_contribution_id: 0,
                    last_contribution_id: u64::MAX,
                })
                .collect(),
        }),
        ..Default::default()
    }
}

fn contribution(id: u64, dataset: u64, who: &str) -> Contribution {
    Contribution {
        id,
        dataset_id: dataset,
        contributor: addr(who),
        status: Status::Accepted as i32,
        ..Default::default()
    }
}

fn params(fee_bps: u32, depth: u32) -> Params {
    Params {
        protocol_fee_bps: fee_bps,
        max_lineage_depth: depth,
        max_declared_contributions: 1_000,
        ..super::super::default_params()
    }
}

fn paid_to(s: &Settlement, who: &str) -> u128 {
    let a = addr(who);
    s.parts
        .iter()
        .filter(|p| p.address == a)
        .map(|p| p.amount)
        .sum()
}

#[test]
fn one_use_of_a_fine_tune_pays_data_tuner_and_the_base_exactly() {
    // Base (1): built by "base-dev" on dataset 10 (contributions 100 by d1, 101 by d2).
    // Fine-tune (2) owes the base 10% royalty; the base's edge terms give data 20%.
    let l = fine_tune();
    // Price 1,000 under terms with a 30% data share; the use is attributed 3:1 to 100 and 101.
    let s = split(
        &mut NoState,
        &l,
        &params(100, 8),
        2,
        1_000,
        3_000,
        &[(100, 3), (101, 1)],
        1,
    )
    .unwrap();
    assert_eq!(s.fee, 10); // 1% of 1,000
                           // R = 990: data 297 split 3:1 → 222.75 / 74.25 → 223 / 74 (largest remainder to 100 first).
                           // Royalty 99 to the base: its data 20% = 19.8 → 19, equal weight over 100 and 101 → 10 / 9;
                           // the base's rest 80 to base-dev.
                           // The tuner's rest: 990 - 297 - 99 = 594 → 7:3 → 415.8 / 178.2 → 416 / 178.
    assert_eq!(paid_to(&s, "d1"), 223 + 10);
    assert_eq!(paid_to(&s, "d2"), 74 + 9);
    assert_eq!(paid_to(&s, "base-dev"), 80);
    assert_eq!(paid_to(&s, "tuner"), 416);
    assert_eq!(paid_to(&s, "evaluator"), 178);
    assert_eq!(s.total(), 1_000);
    assert_eq!(s.revenue, BTreeMap::from([(1, 99), (2, 990)]));
}

#[test]
fn without_attribution_the_declared_training_data_is_paid_in_equal_weight() {
    let mut l = Lineage::default();
    l.versions
        .insert(1, version(1, &[("dev", 10_000)], &[], &[10]));
    for (id, who) in [(1, "a"), (2, "b"), (3, "c")] {
        l.contributions.insert(id, contribution(id, 10, who));
    }
    let s = split(&mut NoState, &l, &params(0, 8), 1, 100, 5_000, &[], 1).unwrap();
    assert_eq!(
        (
            paid_to(&s, "a"),
            paid_to(&s, "b"),
            paid_to(&s, "c"),
            paid_to(&s, "dev")
        ),
        (17, 17, 16, 50)
    );
}

#[test]
fn royalties_stop_at_the_depth_limit_and_stay_with_the_child() {
    let mut l = Lineage::default();
    l.versions
        .insert(1, version(1, &[("root", 10_000)], &[], &[]));
    l.versions
        .insert(2, version(2, &[("mid", 10_000)], &[(1, 5_000, 0)], &[]));
    l.versions
        .insert(3, version(3, &[("leaf", 10_000)], &[(2, 5_000, 0)], &[]));
    let s = split(&mut NoState, &l, &params(0, 1), 3, 1_000, 0, &[], 1).unwrap();
    assert_eq!(
        (paid_to(&s, "leaf"), paid_to(&s, "mid"), paid_to(&s, "root")),
        (500, 500, 0)
    );
    let s = split(&mut NoState, &l, &params(0, 2), 3, 1_000, 0, &[], 1).unwrap();
    assert_eq!(
        (paid_to(&s, "leaf"), paid_to(&s, "mid"), paid_to(&s, "root")),
        (500, 250, 250)
    );
}

prop_compose! {
    /// A random lineage: version i may derive from up to three older versions.
    fn lineage()(specs in prop::collection::vec((prop::collection::vec((any::<u8>(), 0..3_000u32, 0..5_000u32), 0..3), prop::collection::vec(1..5_000u32, 1..4), 0..3u64), 1..12),
                 contributions in prop::collection::vec((0..3u64, 0..6u8), 0..12)) -> Lineage {
        let mut l = Lineage::default();
        for (i, (parents, shares, dataset)) in specs.into_iter().enumerate() {
            let id = i as u64 + 1;
            let weights: Vec<u64> = shares.iter().map(|&s| u64::from(s)).collect();
            let bps = crate::modules::util::split_proportional(10_000, &weights).unwrap();
            let names: Vec<String> = (0..bps.len()).map(|k| format!("v{id}c{k}")).collect();
            let contributors: Vec<(&str, u32)> = names.iter().map(String::as_str).zip(bps.iter().map(|&b| b as u32)).filter(|(_, b)| *b > 0).collect();
            let mut upstream: Vec<(u64, u32, u32)> = Vec::new();
            for (p, royalty, data) in parents {
                if id > 1 {
                    let parent = u64::from(p) % (id - 1) + 1;
                    if !upstream.iter().any(|u| u.0 == parent) {
                        upstream.push((parent, royalty, data));
                    }
                }
            }
            l.versions.insert(id, version(id, &contributors, &upstream, &[dataset]));
        }
        for (i, (dataset, who)) in contributions.into_iter().enumerate() {
            let id = i as u64 + 1;
            l.contributions.insert(id, contribution(id, dataset, &format!("d{who}")));
        }
        l
    }
}

proptest! {
    #[test]
    fn every_split_sums_to_the_price(l in lineage(), price in any::<u64>().prop_map(u128::from), big in any::<bool>(),
                                      fee in 0..2_000u32, data in 0..5_000u32, depth in 0..10u32, weights in prop::collection::vec((1..13u64, 1..1_000u64), 0..6)) {
        let price = if big { price * u128::from(u64::MAX) } else { price };
        let top = *l.versions.keys().last().unwrap();
        let mut weights: Vec<(u64, u64)> = weights.into_iter().filter(|(c, _)| l.contributions.contains_key(c)).collect();
        weights.sort();
        weights.dedup_by_key(|w| w.0);
        let s = split(&mut NoState, &l, &params(fee, depth), top, price, data, &weights, 1).unwrap();
        prop_assert_eq!(s.total(), price);
        prop_assert!(s.parts.iter().all(|p| p.amount > 0));
        prop_assert_eq!(s.revenue.get(&top).copied(), Some(price - s.fee));
    }
}

/// The fine-tune of the first example: version 2 owes version 1 a 10% royalty; contributions
/// 100 and 101 of dataset 10 are the base's training data.
fn fine_tune() -> Lineage {
    let mut l = Lineage::default();
    l.versions
        .insert(1, version(1, &[("base-dev", 10_000)], &[], &[10]));
    l.contributions.insert(100, contribution(100, 10, "d1"));
    l.contributions.insert(101, contribution(101, 10, "d2"));
    l.versions.insert(
        2,
        version(
            2,
            &[("tuner", 7_000), ("evaluator", 3_000)],
            &[(1, 1_000, 2_000)],
            &[],
        ),
    );
    l
}

#[test]
fn a_price_of_u128_max_settles_exactly() {
    let l = fine_tune();
    let max = u128::MAX;
    let s = split(
        &mut NoState,
        &l,
        &params(100, 8),
        2,
        max,
        3_000,
        &[(100, 3), (101, 1)],
        1,
    )
    .unwrap();
    let pct = |amount: u128, bps: u128| amount / 10_000 * bps + amount % 10_000 * bps / 10_000;
    let fee = pct(max, 100);
    let r = max - fee;
    let (data, royalty) = (pct(r, 3_000), pct(r, 1_000));
    assert_eq!(s.fee, fee);
    assert_eq!(s.total(), max);
    assert_eq!(s.revenue, BTreeMap::from([(1, royalty), (2, r)]));
    // The base's data share and its rest; the tuner and evaluator share what remains.
    let base_data = pct(royalty, 2_000);
    assert_eq!(paid_to(&s, "base-dev"), royalty - base_data);
    assert_eq!(
        paid_to(&s, "tuner") + paid_to(&s, "evaluator"),
        r - data - royalty
    );
    assert_eq!(paid_to(&s, "d1") + paid_to(&s, "d2"), data + base_data);
}

/// SplitPreview may name any licence, so a data share of 100% can meet a 10% royalty edge. At
/// prices near 2^128 the guard `royalties + data + royalty > amount` used to wrap: the royalty
/// was paid, the rest underflowed, and the parts still "summed" to the price.
#[test]
fn a_data_share_of_everything_at_u128_max_pays_no_royalty_rather_than_wrapping() {
    let l = fine_tune();
    let max = u128::MAX;
    let s = split(
        &mut NoState,
        &l,
        &params(0, 8),
        2,
        max,
        10_000,
        &[(100, 1)],
        1,
    )
    .unwrap();
    assert_eq!(s.fee, 0);
    assert_eq!(paid_to(&s, "d1"), max, "the whole price is the data share");
    assert_eq!(paid_to(&s, "base-dev"), 0);
    assert_eq!(paid_to(&s, "tuner") + paid_to(&s, "evaluator"), 0);
    assert_eq!(s.revenue, BTreeMap::from([(2, max)]));
    assert_eq!(s.checked_total(), Some(max));
}

#[test]
fn every_price_up_to_u128_max_sums_exactly_or_refuses_with_overflow() {
    let l = fine_tune();
    for price in [u128::MAX, u128::MAX - 1, u128::MAX / 2 + 1, 1u128 << 127, 0] {
        for data in [0, 3_000, 9_000, 10_000] {
            for fee in [0, 1, 10_000] {
                match split(
                    &mut NoState,
                    &l,
                    &params(fee, 8),
                    2,
                    price,
                    data,
                    &[(100, u64::MAX), (101, 1)],
                    1,
                ) {
                    Ok(s) => assert_eq!(s.checked_total(), Some(price)),
                    Err(e) => assert_eq!(
                        (e.codespace, e.code),
                        ("attribution", 13),
                        "{price} {data} {fee}: {}",
                        e.log
                    ),
                }
            }
        }
    }
    // Parts past 2^128 do not sum: the total is None, not a wrapped figure.
    let s = Settlement {
        fee: u128::MAX,
        parts: vec![Part {
            address: addr("x"),
            amount: 1,
            reason: "data",
            version_id: 1,
            contribution_id: 0,
        }],
        ..Default::default()
    };
    assert_eq!(s.checked_total(), None);
}
