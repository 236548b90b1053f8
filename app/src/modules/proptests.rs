//! Random sequences of registry, bank and attribution messages never break the invariants:
//! contributor shares sum to 10,000 bps, parents are older than their children (no cycle), the
//! escrow account holds exactly the unreleased grants' escrow, the rewards account exactly what
//! was earned and not claimed, the bonds account exactly the operators' bonds, the challenge-bonds
//! account exactly the open challenges' bonds, balances add up to the supply, and the supply
//! moves only by the bonds of rejected challenges (burned). MsgSend pays no module account.
//!
//! Each case starts from a small market (a dataset of three contributions, a paid version trained
//! on it, a grant and a bonded operator) so that reports, claims and challenges have something
//! to act on.

use openledger_proto::attribution::v1 as att;
use openledger_proto::datasets::v1 as ds;
use openledger_proto::licenses::v1 as lic;
use openledger_proto::models::v1 as mdl;
use proptest::prelude::*;
use prost::Message;
use rs_merkle::{algorithms::Sha256 as MerkleSha256, Hasher, MerkleTree};
use sha2::Digest;

use crate::context::Unmetered;
use crate::error::SdkError;
use crate::modules::attribution;
use crate::modules::{bank, licenses, models};
use crate::testkit::{any as pack, module_accounts, refused, TestChain, TestKey};
use openledger_types::Address;

/// A use in a report: (request, units, weights as (contribution, weight)).
type RandomUse = (u8, u64, Vec<(u8, u64)>);

#[derive(Debug, Clone)]
enum Action {
    CreateLicense {
        who: u8,
        derivatives: bool,
        commercial: bool,
        royalty: u32,
        data: u32,
        upfront: u64,
        per_use: u64,
        duration: u64,
    },
    RegisterModel {
        who: u8,
    },
    Publish {
        who: u8,
        model: u8,
        parents: Vec<u8>,
        license: Option<u8>,
        shares: Vec<u32>,
        exact: bool,
    },
    Acquire {
        who: u8,
        version: u8,
        license: u8,
        escrow: u64,
    },
    TopUp {
        who: u8,
        grant: u8,
        amount: u64,
    },
    Release {
        who: u8,
        grant: u8,
    },
    /// The licensee `who` lets key `operator` charge a grant.
    Authorize {
        who: u8,
        grant: u8,
        operator: u8,
        limit: u64,
    },
    /// To a key (`to` < 3) or to a module account.
    Send {
        who: u8,
        to: u8,
        amount: u64,
    },
    RegisterOperator {
        who: u8,
        version: u8,
        bond: u64,
    },
    Unbond {
        who: u8,
        version: u8,
    },
    /// Summed into one aggregated entry when `aggregated`.
    Report {
        who: u8,
        version: u8,
        grant: u8,
        batch: u8,
        uses: Vec<RandomUse>,
        aggregated: bool,
    },
    Claim {
        who: u8,
    },
    Challenge {
        who: u8,
        report: u8,
        bond: u64,
    },
    Resolve {
        who: u8,
        challenge: u8,
        upheld: bool,
    },
    Withdraw {
        who: u8,
        challenge: u8,
    },
    /// A proof that use `k` of a report credits contribution `contribution` wrongly.
    Prove {
        who: u8,
        report: u8,
        k: u8,
        contribution: u8,
    },
    Idle,
}

/// The texts of the market's contributions 1 to 3, and the output every reported use was
/// computed from (it shares a run of four words with the first text only).
const TEXTS: [&str; 3] = [
    "alpha beta gamma delta epsilon zeta",
    "one two three four five six",
    "red green blue cyan magenta yellow",
];
const OUTPUT: &str = "then alpha beta gamma delta came and went";

/// The individual uses each report carried, by report id: what a proof needs.
type Reported = std::cell::RefCell<std::collections::BTreeMap<u64, Vec<att::Use>>>;

/// Mostly p2, the market's operator; sometimes a key that operates nothing (yet).
fn operator() -> impl Strategy<Value = u8> {
    prop_oneof![3 => Just(2u8), 1 => 0..2u8]
}

/// Mostly p0 or p1, the dispute council; sometimes p2, the operator, who may not rule.
fn council_member() -> impl Strategy<Value = u8> {
    prop_oneof![3 => 0..2u8, 1 => Just(2u8)]
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        1 => (
            0..3u8,
            any::<bool>(),
            any::<bool>(),
            0..4_000u32,
            0..8_000u32,
            0..300u64,
            0..200u64,
            0..4u64
        )
            .prop_map(
                |(who, derivatives, commercial, royalty, data, upfront, per_use, duration)| {
                    Action::CreateLicense {
                        who,
                        derivatives,
                        commercial,
                        royalty,
                        data,
                        upfront,
                        per_use,
                        duration,
                    }
                }
            ),
        1 => (0..3u8).prop_map(|who| Action::RegisterModel { who }),
        1 => (
            0..3u8,
            any::<u8>(),
            prop::collection::vec(any::<u8>(), 0..3),
            prop::option::of(any::<u8>()),
            prop::collection::vec(1..6_000u32, 1..4),
            any::<bool>()
        )
            .prop_map(
                |(who, model, parents, license, shares, exact)| Action::Publish {
                    who,
                    model,
                    parents,
                    license,
                    shares,
                    exact
                }
            ),
        1 => (0..3u8, any::<u8>(), any::<u8>(), 0..2_000u64).prop_map(
            |(who, version, license, escrow)| Action::Acquire {
                who,
                version,
                license,
                escrow
            }
        ),
        1 => (0..3u8, any::<u8>(), 1..500u64).prop_map(|(who, grant, amount)| Action::TopUp {
            who,
            grant,
            amount
        }),
        1 => (0..3u8, any::<u8>()).prop_map(|(who, grant)| Action::Release { who, grant }),
        1 => (0..3u8, any::<u8>(), 0..3u8, 1..200_000u64).prop_map(|(who, grant, operator, limit)| {
            Action::Authorize { who, grant, operator, limit }
        }),
        1 => (0..3u8, 0..8u8, 1..10_000u64).prop_map(|(who, to, amount)| Action::Send {
            who,
            to,
            amount
        }),
        1 => (0..3u8, any::<u8>(), 900_000..3_000_000u64).prop_map(|(who, version, bond)| {
            Action::RegisterOperator { who, version, bond }
        }),
        1 => (0..3u8, any::<u8>()).prop_map(|(who, version)| Action::Unbond { who, version }),
        3 => (
            operator(),
            any::<u8>(),
            any::<u8>(),
            0..32u8,
            prop::collection::vec(
                (
                    0..64u8,
                    1..4u64,
                    prop::collection::vec((0..4u8, 0..16u64), 0..3)
                ),
                1..4
            ),
            any::<bool>()
        )
            .prop_map(|(who, version, grant, batch, uses, aggregated)| Action::Report {
                who,
                version,
                grant,
                batch,
                uses,
                aggregated
            }),
        1 => (0..3u8).prop_map(|who| Action::Claim { who }),
        2 => (0..3u8, any::<u8>(), 900_000..2_000_000u64).prop_map(|(who, report, bond)| {
            Action::Challenge { who, report, bond }
        }),
        2 => (council_member(), any::<u8>(), any::<bool>()).prop_map(
            |(who, challenge, upheld)| Action::Resolve {
                who,
                challenge,
                upheld,
            }
        ),
        1 => (0..3u8, any::<u8>()).prop_map(|(who, challenge)| Action::Withdraw { who, challenge }),
        2 => (0..3u8, any::<u8>(), 0..4u8, 0..4u8).prop_map(|(who, report, k, contribution)| {
            Action::Prove { who, report, k, contribution }
        }),
        1 => Just(Action::Idle),
    ]
}

/// Picks the `i`-th of 1..=last (ids), or a missing id when there are none.
fn pick(i: u8, last: u64) -> u64 {
    if last == 0 {
        1
    } else {
        u64::from(i) % last + 1
    }
}

/// The recipient of a [`Action::Send`]: one of the keys, or a module account.
fn recipient(keys: &[TestKey], to: u8) -> Address {
    let to = usize::from(to);
    match to.checked_sub(keys.len()) {
        None => keys[to].address(),
        Some(i) => module_accounts()[i % module_accounts().len()].clone(),
    }
}

/// The last report and challenge ids (both count from 1 and nothing is deleted).
fn attribution_last(chain: &TestChain) -> (u64, u64) {
    let genesis = chain.app.export_genesis().unwrap().attribution;
    let reports = genesis.reports.iter().map(|r| r.id).max().unwrap_or(0);
    let challenges = genesis.challenges.iter().map(|c| c.id).max().unwrap_or(0);
    (reports, challenges)
}

fn report_msg(
    operator: String,
    version_id: u64,
    grant_id: u64,
    batch: u8,
    uses: &[RandomUse],
    aggregated: bool,
) -> att::MsgReportUsage {
    // Contributions 1 to 3 are the market's; 4 is outside every lineage.
    let weights = |ws: &[(u8, u64)]| -> Vec<att::Weight> {
        ws.iter()
            .map(|&(c, weight)| att::Weight {
                contribution_id: u64::from(c) + 1,
                weight,
            })
            .collect()
    };
    let uses: Vec<att::Use> = uses
        .iter()
        .map(|(request, units, ws)| att::Use {
            request_id: format!("req-{request}"),
            grant_id,
            units: *units,
            weights: weights(ws),
            output_sha256: sha2::Sha256::digest(OUTPUT).to_vec(),
        })
        .collect();
    let (uses, aggregated) = if aggregated {
        let mut summed = std::collections::BTreeMap::<u64, u64>::new();
        for w in uses.iter().flat_map(|u| &u.weights) {
            *summed.entry(w.contribution_id).or_default() += w.weight;
        }
        let entry = att::AggregatedUses {
            grant_id,
            uses: uses.len() as u64,
            units: uses.iter().map(|u| u.units).sum(),
            weights: summed
                .into_iter()
                .map(|(contribution_id, weight)| att::Weight {
                    contribution_id,
                    weight,
                })
                .collect(),
            receipts_root: vec![batch; 32],
            ..Default::default()
        };
        (vec![], vec![entry])
    } else {
        (uses, vec![])
    };
    att::MsgReportUsage {
        operator,
        version_id,
        batch_id: format!("batch-{batch}"),
        uses,
        aggregated,
    }
}

fn run(chain: &TestChain, keys: &[TestKey], reported: &Reported, action: &Action) {
    let key = |who: &u8| &keys[*who as usize];
    let addr = |who: &u8| keys[*who as usize].address().to_bech32();
    let licenses_last =
        licenses::Keeper::last_license_id(&mut Unmetered(&chain.app.storage())).unwrap();
    let versions_last =
        models::Keeper::last_version_id(&mut Unmetered(&chain.app.storage())).unwrap();
    let grants_last =
        licenses::Keeper::last_grant_id(&mut Unmetered(&chain.app.storage())).unwrap();
    let models_last = models::Keeper::last_model_id(&mut Unmetered(&chain.app.storage())).unwrap();
    let (who, msg) = match action {
        Action::CreateLicense {
            who,
            derivatives,
            commercial,
            royalty,
            data,
            upfront,
            per_use,
            duration,
        } => {
            let terms = lic::LicenseTerms {
                derivatives_allowed: *derivatives,
                commercial_use: *commercial,
                royalty_bps: *royalty,
                data_share_bps: *data,
                upfront_fee: upfront.to_string(),
                per_use_price: per_use.to_string(),
                duration_blocks: *duration,
                ..Default::default()
            };
            (
                who,
                pack(
                    "/openledger.licenses.v1.MsgCreateLicense",
                    &lic::MsgCreateLicense {
                        creator: addr(who),
                        terms: Some(terms),
                    },
                ),
            )
        }
        Action::RegisterModel { who } => {
            let msg = mdl::MsgRegisterModel {
                owner: addr(who),
                name: "m".into(),
                ..Default::default()
            };
            (who, pack("/openledger.models.v1.MsgRegisterModel", &msg))
        }
        Action::Publish {
            who,
            model,
            parents,
            license,
            shares,
            exact,
        } => {
            // Mostly shares that sum to 10,000 (scaled exactly), sometimes the raw ones.
            let shares: Vec<u32> = if *exact {
                let weights: Vec<u64> = shares.iter().map(|&s| u64::from(s)).collect();
                crate::modules::util::split_proportional(10_000, &weights)
                    .unwrap()
                    .into_iter()
                    .map(|p| p as u32)
                    .filter(|&p| p > 0)
                    .collect()
            } else {
                shares.clone()
            };
            let contributors = shares
                .iter()
                .enumerate()
                .map(|(i, &bps)| mdl::Contributor {
                    address: keys[i % keys.len()].address().to_bech32(),
                    role: mdl::Role::Data as i32,
                    share_bps: bps,
                })
                .collect();
            let msg = mdl::MsgPublishVersion {
                owner: addr(who),
                model_id: pick(*model, models_last),
                artifact_sha256: "ab".repeat(32),
                parent_version_ids: parents.iter().map(|p| pick(*p, versions_last)).collect(),
                training: Some(mdl::TrainingRecord {
                    method: mdl::TrainingMethod::Lora as i32,
                    ..Default::default()
                }),
                contributors,
                license_ids: license.iter().map(|l| pick(*l, licenses_last)).collect(),
                ..Default::default()
            };
            (who, pack("/openledger.models.v1.MsgPublishVersion", &msg))
        }
        Action::Acquire {
            who,
            version,
            license,
            escrow,
        } => {
            let msg = lic::MsgAcquireLicense {
                licensee: addr(who),
                target: Some(lic::Target {
                    kind: lic::TargetKind::ModelVersion as i32,
                    id: pick(*version, versions_last),
                }),
                license_id: pick(*license, licenses_last),
                escrow: escrow.to_string(),
            };
            (who, pack("/openledger.licenses.v1.MsgAcquireLicense", &msg))
        }
        Action::TopUp { who, grant, amount } => {
            let msg = lic::MsgTopUpGrant {
                licensee: addr(who),
                grant_id: pick(*grant, grants_last),
                amount: amount.to_string(),
            };
            (who, pack("/openledger.licenses.v1.MsgTopUpGrant", &msg))
        }
        Action::Release { who, grant } => {
            let msg = lic::MsgReleaseGrant {
                licensee: addr(who),
                grant_id: pick(*grant, grants_last),
            };
            (who, pack("/openledger.licenses.v1.MsgReleaseGrant", &msg))
        }
        Action::Authorize {
            who,
            grant,
            operator,
            limit,
        } => {
            let msg = lic::MsgAuthorizeOperator {
                licensee: addr(who),
                grant_id: pick(*grant, grants_last),
                operator: addr(operator),
                spend_limit: limit.to_string(),
                expires_height: 0,
            };
            (
                who,
                pack("/openledger.licenses.v1.MsgAuthorizeOperator", &msg),
            )
        }
        Action::Send { who, to, amount } => {
            let send = crate::testkit::msg_send(
                &key(who).address(),
                &recipient(keys, *to),
                vec![crate::testkit::coin(u128::from(*amount), "uopen")],
            );
            (who, send)
        }
        Action::RegisterOperator { who, version, bond } => {
            let msg = att::MsgRegisterOperator {
                operator: addr(who),
                version_id: pick(*version, versions_last),
                endpoint: "https://infer.example".into(),
                bond: bond.to_string(),
            };
            (
                who,
                pack("/openledger.attribution.v1.MsgRegisterOperator", &msg),
            )
        }
        Action::Unbond { who, version } => {
            let msg = att::MsgUnbondOperator {
                operator: addr(who),
                version_id: pick(*version, versions_last),
            };
            (
                who,
                pack("/openledger.attribution.v1.MsgUnbondOperator", &msg),
            )
        }
        Action::Report {
            who,
            version,
            grant,
            batch,
            uses,
            aggregated,
        } => {
            let msg = report_msg(
                addr(who),
                pick(*version, versions_last),
                pick(*grant, grants_last),
                *batch,
                uses,
                *aggregated,
            );
            (who, pack("/openledger.attribution.v1.MsgReportUsage", &msg))
        }
        Action::Claim { who } => {
            let msg = att::MsgClaimRewards {
                claimant: addr(who),
            };
            (
                who,
                pack("/openledger.attribution.v1.MsgClaimRewards", &msg),
            )
        }
        Action::Challenge { who, report, bond } => {
            let msg = att::MsgChallengeUsage {
                challenger: addr(who),
                report_id: pick(*report, attribution_last(chain).0),
                claim: att::ChallengeClaim::WrongAttribution as i32,
                bond: bond.to_string(),
                evidence_uri: "ipfs://evidence".into(),
            };
            (
                who,
                pack("/openledger.attribution.v1.MsgChallengeUsage", &msg),
            )
        }
        Action::Resolve {
            who,
            challenge,
            upheld,
        } => {
            let msg = att::MsgResolveChallenge {
                member: addr(who),
                challenge_id: pick(*challenge, attribution_last(chain).1),
                upheld: *upheld,
            };
            (
                who,
                pack("/openledger.attribution.v1.MsgResolveChallenge", &msg),
            )
        }
        Action::Withdraw { who, challenge } => {
            let msg = att::MsgWithdrawChallenge {
                challenger: addr(who),
                challenge_id: pick(*challenge, attribution_last(chain).1),
            };
            (
                who,
                pack("/openledger.attribution.v1.MsgWithdrawChallenge", &msg),
            )
        }
        Action::Prove {
            who,
            report,
            k,
            contribution,
        } => {
            let report_id = pick(*report, attribution_last(chain).0);
            let uses = reported
                .borrow()
                .get(&report_id)
                .cloned()
                .unwrap_or_default();
            let Some(receipt) = uses.get(usize::from(*k)) else {
                return;
            };
            let leaves: Vec<[u8; 32]> = uses
                .iter()
                .map(|u| MerkleSha256::hash(&u.encode_to_vec()))
                .collect();
            let text = TEXTS
                .get(usize::from(*contribution))
                .copied()
                .unwrap_or("none");
            let msg = att::MsgProveWrongWeight {
                prover: addr(who),
                report_id,
                individual: true,
                entry: 0,
                receipt: receipt.encode_to_vec(),
                leaf_index: u64::from(*k),
                total_leaves: uses.len() as u64,
                proof: MerkleTree::<MerkleSha256>::from_leaves(&leaves)
                    .proof(&[usize::from(*k)])
                    .to_bytes(),
                output_text: OUTPUT.as_bytes().to_vec(),
                contribution_id: u64::from(*contribution) + 1,
                contribution: text.as_bytes().to_vec(),
            };
            (
                who,
                pack("/openledger.attribution.v1.MsgProveWrongWeight", &msg),
            )
        }
        Action::Idle => {
            chain.block(Vec::new());
            return;
        }
    };
    // Refusals are expected; the invariants must hold whatever the outcome.
    let result = chain.exec(key(who), vec![msg.clone()]);
    if result.code == 0 && msg.type_url == "/openledger.attribution.v1.MsgReportUsage" {
        let sent = att::MsgReportUsage::decode(msg.value.as_slice()).unwrap();
        let id = crate::testkit::ok::<att::MsgReportUsageResponse>(result.clone()).report_id;
        reported.borrow_mut().insert(id, sent.uses);
    }
    if let Action::Send { to, .. } = action {
        if usize::from(*to) < keys.len() {
            assert_eq!(result.code, 0, "a send between keys: {}", result.log);
        } else {
            refused(result, &SdkError::Unauthorized(String::new()));
        }
    }
}

pub(super) fn check_invariants(chain: &TestChain, supply: u128) {
    let storage = chain.app.storage();
    let mut r = Unmetered(&storage);
    let versions: Vec<mdl::ModelVersion> = models::genesis::export(&mut r).unwrap().versions;
    for v in &versions {
        assert_eq!(
            v.contributors.iter().map(|c| c.share_bps).sum::<u32>(),
            10_000,
            "version {}",
            v.id
        );
        assert!(
            v.parent_version_ids.iter().all(|&p| p < v.id),
            "version {} has a parent that is not older",
            v.id
        );
    }
    // Balances sum to the supply, every module account holds what its module owes.
    crate::invariants::check(&storage).unwrap();
    assert_eq!(bank::Keeper::supply(&mut r, "uopen").unwrap(), supply);
}

/// Attribution's module accounts hold exactly what its state says they hold; the supply, less
/// what rejected challenges burned.
pub(super) fn check_attribution_invariants(chain: &TestChain, initial_supply: u128) -> u128 {
    let genesis = chain.app.export_genesis().unwrap().attribution;
    let amount = |s: &str| s.parse::<u128>().unwrap();
    // The module accounts' balances are checked by the invariants every block runs.
    for report in genesis.reports.iter().filter(|r| r.reversed) {
        assert!(
            genesis.credits.iter().all(|c| c.report_id != report.id),
            "a reversed report credits nobody"
        );
    }
    let bonds_of = |status: att::ChallengeStatus| -> u128 {
        genesis
            .challenges
            .iter()
            .filter(|c| c.status == status as i32)
            .map(|c| amount(&c.bond))
            .sum()
    };
    // A rejected challenge's bond is burned.
    initial_supply - bonds_of(att::ChallengeStatus::Rejected)
}

/// The market each case starts from: p0 curates an open dataset that p0, p1 and p2 contribute
/// to (contributions 1 to 3), and publishes version 1 of model 1 trained on it under licence 1
/// (100 uopen per use, derivatives allowed); p1 holds grant 1 on it and p2 is its operator.
fn market(chain: &TestChain, keys: &[TestKey]) {
    let addr = |i: usize| keys[i].address().to_bech32();
    let create = ds::MsgCreateDataset {
        curator: addr(0),
        name: "d".into(),
        policy: ds::Policy::Open as i32,
        ..Default::default()
    };
    let url = "/openledger.datasets.v1.MsgCreateDataset";
    let dataset_id = chain
        .exec_ok::<ds::MsgCreateDatasetResponse>(&keys[0], vec![pack(url, &create)])
        .dataset_id;
    for (i, key) in keys.iter().enumerate() {
        let msg = ds::MsgContribute {
            contributor: addr(i),
            dataset_id,
            items: vec![ds::ContributionItem {
                content_sha256: hex::encode(sha2::Sha256::digest(TEXTS[i])),
                size: TEXTS[i].len() as u64,
                ..Default::default()
            }],
        };
        let url = "/openledger.datasets.v1.MsgContribute";
        chain.exec_ok::<ds::MsgContributeResponse>(key, vec![pack(url, &msg)]);
    }
    let terms = lic::LicenseTerms {
        commercial_use: true,
        derivatives_allowed: true,
        per_use_price: "100".into(),
        royalty_bps: 1_000,
        data_share_bps: 3_000,
        ..Default::default()
    };
    let msg = lic::MsgCreateLicense {
        creator: addr(0),
        terms: Some(terms),
    };
    let url = "/openledger.licenses.v1.MsgCreateLicense";
    chain.exec_ok::<lic::MsgCreateLicenseResponse>(&keys[0], vec![pack(url, &msg)]);
    let msg = mdl::MsgRegisterModel {
        owner: addr(0),
        name: "base".into(),
        ..Default::default()
    };
    let url = "/openledger.models.v1.MsgRegisterModel";
    chain.exec_ok::<mdl::MsgRegisterModelResponse>(&keys[0], vec![pack(url, &msg)]);
    let contributor = |i: usize, share_bps| mdl::Contributor {
        address: addr(i),
        role: mdl::Role::Architect as i32,
        share_bps,
    };
    let msg = mdl::MsgPublishVersion {
        owner: addr(0),
        model_id: 1,
        artifact_sha256: "cd".repeat(32),
        training: Some(mdl::TrainingRecord {
            method: mdl::TrainingMethod::Full as i32,
            datasets: vec![mdl::DatasetUse {
                dataset_id,
                first_contribution_id: 0,
                last_contribution_id: u64::MAX,
            }],
            ..Default::default()
        }),
        contributors: vec![contributor(0, 6_000), contributor(1, 4_000)],
        license_ids: vec![1],
        ..Default::default()
    };
    let url = "/openledger.models.v1.MsgPublishVersion";
    chain.exec_ok::<mdl::MsgPublishVersionResponse>(&keys[0], vec![pack(url, &msg)]);
    let msg = lic::MsgAcquireLicense {
        licensee: addr(1),
        target: Some(lic::Target {
            kind: lic::TargetKind::ModelVersion as i32,
            id: 1,
        }),
        license_id: 1,
        escrow: "100000".into(),
    };
    let url = "/openledger.licenses.v1.MsgAcquireLicense";
    chain.exec_ok::<lic::MsgAcquireLicenseResponse>(&keys[1], vec![pack(url, &msg)]);
    let msg = lic::MsgAuthorizeOperator {
        licensee: addr(1),
        grant_id: 1,
        operator: addr(2),
        spend_limit: "100000".into(),
        expires_height: 0,
    };
    let url = "/openledger.licenses.v1.MsgAuthorizeOperator";
    chain.exec_ok::<lic::MsgAuthorizeOperatorResponse>(&keys[1], vec![pack(url, &msg)]);
    let msg = att::MsgRegisterOperator {
        operator: addr(2),
        version_id: 1,
        endpoint: "https://infer.example".into(),
        bond: "1000000".into(),
    };
    let url = "/openledger.attribution.v1.MsgRegisterOperator";
    chain.exec_ok::<att::MsgRegisterOperatorResponse>(&keys[2], vec![pack(url, &msg)]);
}

/// A fresh chain of p0, p1 and p2 with the market on it. p0 and p1 are the dispute council,
/// either deciding alone; short windows and timeouts so that time matters.
fn market_chain() -> (TestChain, [TestKey; 3]) {
    let keys = [
        TestKey::from_seed("p0"),
        TestKey::from_seed("p1"),
        TestKey::from_seed("p2"),
    ];
    let council = vec![keys[0].address().to_bech32(), keys[1].address().to_bech32()];
    let chain = TestChain::with_genesis(&keys.iter().collect::<Vec<_>>(), |g| {
        g.attribution.params = Some(att::Params {
            council,
            council_threshold: 1,
            unbonding_blocks: 12,
            challenge_window_blocks: 12,
            challenge_timeout_blocks: 20,
            ..attribution::default_params()
        });
    });
    market(&chain, &keys);
    (chain, keys)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn registries_keep_their_invariants(actions in prop::collection::vec(action(), 1..60)) {
        let (chain, keys) = market_chain();
        let initial_supply = 3 * crate::testkit::TEST_FUNDS;
        let reported = Reported::default();
        for action in &actions {
            run(&chain, &keys, &reported, action);
            let supply = check_attribution_invariants(&chain, initial_supply);
            check_invariants(&chain, supply);
        }
    }
}

/// Determinism on random histories: one seeded history of every kind of message, valid and
/// not, over 100 blocks, run on two fresh stores, gives the same root of every substore at every
/// height (so the same app hash).
#[test]
fn a_seeded_random_history_gives_the_same_roots_at_every_height_on_fresh_stores() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let actions = prop::collection::vec(action(), 100)
        .new_tree(&mut runner)
        .unwrap()
        .current();
    let runs = [market_chain(), market_chain()];
    let reported = [Reported::default(), Reported::default()];
    let roots = |chain: &TestChain| {
        let storage = chain.app.storage();
        storage
            .substore_roots(storage.committed().unwrap().height)
            .unwrap()
    };
    for (step, action) in actions.iter().enumerate() {
        for ((chain, keys), reported) in runs.iter().zip(&reported) {
            run(chain, keys, reported, action);
        }
        let (a, b) = (&runs[0].0, &runs[1].0);
        assert_eq!(
            a.app.committed(),
            b.app.committed(),
            "step {step}: {action:?}"
        );
        assert_eq!(roots(a), roots(b), "step {step}: {action:?}");
    }
    assert!(
        runs[0].0.app.committed().height >= 100,
        "100 blocks at least"
    );
}
