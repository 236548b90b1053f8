//! Random sequences of registry messages never break the invariants: contributor shares sum to
//! 10,000 bps, parents are older than their children (no cycle), the escrow account holds
//! exactly the unreleased grants' escrow, and balances add up to an unchanged supply.

use openledger_proto::licenses::v1 as lic;
use openledger_proto::models::v1 as mdl;
use proptest::prelude::*;

use crate::context::Unmetered;
use crate::modules::{bank, licenses, models};
use crate::testkit::{any as pack, TestChain, TestKey};

#[derive(Debug, Clone)]
enum Action {
    CreateLicense {
        who: u8,
        derivatives: bool,
        commercial: bool,
        royalty: u32,
        data: u32,
        upfront: u64,
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
    Idle,
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        (
            0..3u8,
            any::<bool>(),
            any::<bool>(),
            0..4_000u32,
            0..8_000u32,
            0..300u64,
            0..4u64
        )
            .prop_map(
                |(who, derivatives, commercial, royalty, data, upfront, duration)| {
                    Action::CreateLicense {
                        who,
                        derivatives,
                        commercial,
                        royalty,
                        data,
                        upfront,
                        duration,
                    }
                }
            ),
        (0..3u8).prop_map(|who| Action::RegisterModel { who }),
        (
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
        (0..3u8, any::<u8>(), any::<u8>(), 0..2_000u64).prop_map(
            |(who, version, license, escrow)| Action::Acquire {
                who,
                version,
                license,
                escrow
            }
        ),
        (0..3u8, any::<u8>(), 1..500u64).prop_map(|(who, grant, amount)| Action::TopUp {
            who,
            grant,
            amount
        }),
        (0..3u8, any::<u8>()).prop_map(|(who, grant)| Action::Release { who, grant }),
        Just(Action::Idle),
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

fn run(chain: &TestChain, keys: &[TestKey], action: &Action) {
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
            duration,
        } => {
            let terms = lic::LicenseTerms {
                derivatives_allowed: *derivatives,
                commercial_use: *commercial,
                royalty_bps: *royalty,
                data_share_bps: *data,
                upfront_fee: upfront.to_string(),
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
        Action::Idle => {
            chain.block(Vec::new());
            return;
        }
    };
    // Refusals are expected; the invariants must hold whatever the outcome.
    chain.exec(key(who), vec![msg]);
}

fn check_invariants(chain: &TestChain, supply: u128) {
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
    let grants: Vec<lic::Grant> = licenses::genesis::export(&mut r).unwrap().grants;
    let escrowed: u128 = grants
        .iter()
        .filter(|g| !g.released)
        .map(|g| g.escrow.parse::<u128>().unwrap())
        .sum();
    assert_eq!(
        bank::Keeper::balance(&mut r, &licenses::escrow_account(), "uopen").unwrap(),
        escrowed
    );
    let balances: u128 = bank::Keeper::all_balances(&mut r)
        .unwrap()
        .iter()
        .map(|(_, c)| c.amount.parse::<u128>().unwrap())
        .sum();
    assert_eq!(balances, supply);
    assert_eq!(bank::Keeper::supply(&mut r, "uopen").unwrap(), supply);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn registries_keep_their_invariants(actions in prop::collection::vec(action(), 1..40)) {
        let keys = [TestKey::from_seed("p0"), TestKey::from_seed("p1"), TestKey::from_seed("p2")];
        let chain = TestChain::new(&keys.iter().collect::<Vec<_>>());
        let supply = 3 * crate::testkit::TEST_FUNDS;
        for action in &actions {
            run(&chain, &keys, action);
            check_invariants(&chain, supply);
        }
    }
}
