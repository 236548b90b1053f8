//! The registries through the real App: the story of a dataset, a base model and two
//! fine-tunes, with every licence rule refusing what it must.

use openledger_proto::datasets::v1 as ds;
use openledger_proto::licenses::v1 as lic;
use openledger_proto::models::v1 as mdl;
use prost::Message;

use crate::testkit::{any, TestChain, TestKey, TEST_FUNDS};

const DS: &str = "/openledger.datasets.v1.";
const LIC: &str = "/openledger.licenses.v1.";
const MDL: &str = "/openledger.models.v1.";

fn url(prefix: &str, name: &str) -> String {
    format!("{prefix}{name}")
}

fn sha(n: u64) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(n.to_be_bytes()))
}

/// The response of the tx's first message, or panics with the log.
fn ok<M: Message + Default>(result: tendermint_proto::v0_38::abci::ExecTxResult) -> M {
    assert_eq!(result.code, 0, "{}", result.log);
    let data = cosmrs::proto::cosmos::base::abci::v1beta1::TxMsgData::decode(result.data.as_ref())
        .unwrap();
    M::decode(data.msg_responses[0].value.as_slice()).unwrap()
}

fn refused(
    result: tendermint_proto::v0_38::abci::ExecTxResult,
    codespace: &str,
    code: u32,
) -> String {
    assert_eq!(
        (result.codespace.as_str(), result.code),
        (codespace, code),
        "{}",
        result.log
    );
    result.log
}

struct World {
    chain: TestChain,
    curator: TestKey,
    contributors: [TestKey; 3],
    builder: TestKey,
    tuner: TestKey,
    second: TestKey,
}

fn world() -> World {
    let w = World {
        curator: TestKey::from_seed("curator"),
        contributors: [
            TestKey::from_seed("c1"),
            TestKey::from_seed("c2"),
            TestKey::from_seed("c3"),
        ],
        builder: TestKey::from_seed("builder"),
        tuner: TestKey::from_seed("tuner"),
        second: TestKey::from_seed("second"),
        chain: TestChain::new(&[]),
    };
    let keys: Vec<&TestKey> = [&w.curator, &w.builder, &w.tuner, &w.second]
        .into_iter()
        .chain(w.contributors.iter())
        .collect();
    // The curator is also the attribution authority that rules on challenges.
    let authority = w.curator.address().to_bech32();
    let chain = TestChain::with_genesis(&keys, |g| {
        g.attribution.params = Some(openledger_proto::attribution::v1::Params {
            authority,
            ..crate::modules::attribution::default_params()
        });
    });
    World { chain, ..w }
}

fn license(w: &World, key: &TestKey, terms: lic::LicenseTerms) -> u64 {
    let msg = lic::MsgCreateLicense {
        creator: key.address().to_bech32(),
        terms: Some(terms),
    };
    ok::<lic::MsgCreateLicenseResponse>(
        w.chain
            .exec(key, vec![any(&url(LIC, "MsgCreateLicense"), &msg)]),
    )
    .license_id
}

fn contributor(key: &TestKey, role: mdl::Role, share_bps: u32) -> mdl::Contributor {
    mdl::Contributor {
        address: key.address().to_bech32(),
        role: role as i32,
        share_bps,
    }
}

fn publish(
    w: &World,
    key: &TestKey,
    model_id: u64,
    parents: Vec<u64>,
    method: mdl::TrainingMethod,
    license_ids: Vec<u64>,
    datasets: Vec<mdl::DatasetUse>,
) -> tendermint_proto::v0_38::abci::ExecTxResult {
    let msg = mdl::MsgPublishVersion {
        owner: key.address().to_bech32(),
        model_id,
        artifact_sha256: sha(model_id * 1000 + parents.len() as u64),
        uri: "hf://example/model".into(),
        parent_version_ids: parents,
        external_base: None,
        training: Some(mdl::TrainingRecord {
            method: method as i32,
            hyperparams_sha256: sha(7),
            datasets,
        }),
        contributors: vec![contributor(key, mdl::Role::FineTuner, 10_000)],
        license_ids,
    };
    w.chain
        .exec(key, vec![any(&url(MDL, "MsgPublishVersion"), &msg)])
}

fn register(w: &World, key: &TestKey, name: &str) -> u64 {
    let msg = mdl::MsgRegisterModel {
        owner: key.address().to_bech32(),
        name: name.into(),
        description: String::new(),
        external_base: None,
    };
    ok::<mdl::MsgRegisterModelResponse>(
        w.chain
            .exec(key, vec![any(&url(MDL, "MsgRegisterModel"), &msg)]),
    )
    .model_id
}

fn version_target(id: u64) -> Option<lic::Target> {
    Some(lic::Target {
        kind: lic::TargetKind::ModelVersion as i32,
        id,
    })
}

#[test]
fn the_story_of_a_dataset_a_base_model_and_two_fine_tunes() {
    let w = world();
    // A curated dataset and three contributors' batches.
    let create = ds::MsgCreateDataset {
        curator: w.curator.address().to_bech32(),
        name: "medical-qa".into(),
        description: "questions and answers".into(),
        license_id: 0,
        policy: ds::Policy::Curated as i32,
    };
    let dataset_id = ok::<ds::MsgCreateDatasetResponse>(
        w.chain
            .exec(&w.curator, vec![any(&url(DS, "MsgCreateDataset"), &create)]),
    )
    .dataset_id;
    let mut firsts = Vec::new();
    for (i, key) in w.contributors.iter().enumerate() {
        let items = (0..3)
            .map(|j| ds::ContributionItem {
                content_sha256: sha((i * 10 + j) as u64),
                size: 100,
                uri: format!("ipfs://{i}/{j}"),
                metadata: String::new(),
            })
            .collect();
        let msg = ds::MsgContribute {
            contributor: key.address().to_bech32(),
            dataset_id,
            items,
        };
        let r: ds::MsgContributeResponse = ok(w
            .chain
            .exec(key, vec![any(&url(DS, "MsgContribute"), &msg)]));
        assert_eq!(r.count, 3);
        firsts.push(r.first_contribution_id);
    }
    // A duplicate content hash in the same dataset is refused.
    let dup = ds::MsgContribute {
        contributor: w.contributors[0].address().to_bech32(),
        dataset_id,
        items: vec![ds::ContributionItem {
            content_sha256: sha(0),
            size: 1,
            uri: String::new(),
            metadata: String::new(),
        }],
    };
    refused(
        w.chain.exec(
            &w.contributors[0],
            vec![any(&url(DS, "MsgContribute"), &dup)],
        ),
        "datasets",
        5,
    );
    // The curator accepts the first two contributors' batches and rejects one item of the third.
    let mut decisions: Vec<ds::Decision> = (firsts[0]..firsts[0] + 6)
        .map(|id| ds::Decision {
            contribution_id: id,
            accept: true,
            reason: String::new(),
        })
        .collect();
    decisions.push(ds::Decision {
        contribution_id: firsts[2],
        accept: false,
        reason: "duplicate of public data".into(),
    });
    let review = ds::MsgReviewContributions {
        curator: w.curator.address().to_bech32(),
        dataset_id,
        decisions,
    };
    assert_eq!(
        w.chain
            .exec(
                &w.curator,
                vec![any(&url(DS, "MsgReviewContributions"), &review)]
            )
            .code,
        0
    );
    let accepted: ds::QueryContributionsResponse = w
        .chain
        .query(
            &url(DS, "Query/Contributions"),
            &ds::QueryContributionsRequest {
                dataset_id,
                status: ds::Status::Accepted as i32,
                after_id: 0,
                limit: 0,
            },
        )
        .unwrap();
    assert_eq!(accepted.contributions.len(), 6);
    let rejected: ds::QueryContributionsResponse = w
        .chain
        .query(
            &url(DS, "Query/Contributions"),
            &ds::QueryContributionsRequest {
                dataset_id,
                status: ds::Status::Rejected as i32,
                after_id: 0,
                limit: 0,
            },
        )
        .unwrap();
    assert_eq!(
        rejected.contributions[0].history.len(),
        2,
        "pending, then rejected"
    );

    // The builder's base model, trained on the accepted contributions, under a licence that
    // allows derivatives and commercial use for a 10% royalty and a 100 uopen upfront fee.
    let base_terms = lic::LicenseTerms {
        commercial_use: true,
        derivatives_allowed: true,
        attribution_required: true,
        prohibited_uses: vec![lic::ProhibitedUse::Military as i32],
        upfront_fee: "100".into(),
        per_use_price: "10".into(),
        royalty_bps: 1_000,
        data_share_bps: 2_000,
        ..Default::default()
    };
    let base_license = license(&w, &w.builder, base_terms.clone());
    let base_model = register(&w, &w.builder, "base");
    let uses = vec![mdl::DatasetUse {
        dataset_id,
        first_contribution_id: firsts[0],
        last_contribution_id: firsts[1] + 2,
    }];
    let base: mdl::MsgPublishVersionResponse = ok(publish(
        &w,
        &w.builder,
        base_model,
        vec![],
        mdl::TrainingMethod::Full,
        vec![base_license],
        uses,
    ));

    // Without a grant the fine-tuner may not derive from it.
    let tuned_model = register(&w, &w.tuner, "tuned");
    let log = refused(
        publish(
            &w,
            &w.tuner,
            tuned_model,
            vec![base.version_id],
            mdl::TrainingMethod::Lora,
            vec![],
            vec![],
        ),
        "models",
        7,
    );
    assert!(log.contains("no live grant"), "{log}");

    // The fine-tuner buys a grant: the upfront fee goes to the base's contributors.
    let builder_before = w.chain.balance(&w.builder.address());
    let acquire = lic::MsgAcquireLicense {
        licensee: w.tuner.address().to_bech32(),
        target: version_target(base.version_id),
        license_id: base_license,
        escrow: "5000".into(),
    };
    let grant: lic::MsgAcquireLicenseResponse = ok(w.chain.exec(
        &w.tuner,
        vec![any(&url(LIC, "MsgAcquireLicense"), &acquire)],
    ));
    assert_eq!(w.chain.balance(&w.builder.address()), builder_before + 100);
    assert_eq!(
        w.chain.balance(&crate::modules::licenses::escrow_account()),
        5_000
    );

    // A licence that drops the parent's prohibited use is refused; so is one whose data share and
    // royalties exceed the whole.
    let loose = license(
        &w,
        &w.tuner,
        lic::LicenseTerms {
            commercial_use: true,
            derivatives_allowed: true,
            ..Default::default()
        },
    );
    refused(
        publish(
            &w,
            &w.tuner,
            tuned_model,
            vec![base.version_id],
            mdl::TrainingMethod::Lora,
            vec![loose],
            vec![],
        ),
        "models",
        9,
    );
    let greedy = license(
        &w,
        &w.tuner,
        lic::LicenseTerms {
            data_share_bps: 9_500,
            prohibited_uses: vec![lic::ProhibitedUse::Military as i32],
            ..Default::default()
        },
    );
    refused(
        publish(
            &w,
            &w.tuner,
            tuned_model,
            vec![base.version_id],
            mdl::TrainingMethod::Lora,
            vec![greedy],
            vec![],
        ),
        "models",
        10,
    );

    // The LoRA fine-tune with its own non-commercial licence, open to derivatives for free.
    let tuned_terms = lic::LicenseTerms {
        derivatives_allowed: true,
        prohibited_uses: vec![lic::ProhibitedUse::Military as i32],
        royalty_bps: 500,
        ..Default::default()
    };
    let tuned_license = license(&w, &w.tuner, tuned_terms);
    let tuned: mdl::MsgPublishVersionResponse = ok(publish(
        &w,
        &w.tuner,
        tuned_model,
        vec![base.version_id],
        mdl::TrainingMethod::Lora,
        vec![tuned_license],
        vec![],
    ));

    // A second fine-tune derives from it through the open licence, but commercial terms on a
    // derivative of a non-commercial parent are refused.
    let second_model = register(&w, &w.second, "second");
    let commercial = license(
        &w,
        &w.second,
        lic::LicenseTerms {
            commercial_use: true,
            prohibited_uses: vec![lic::ProhibitedUse::Military as i32],
            ..Default::default()
        },
    );
    let log = refused(
        publish(
            &w,
            &w.second,
            second_model,
            vec![tuned.version_id],
            mdl::TrainingMethod::Adapter,
            vec![commercial],
            vec![],
        ),
        "models",
        8,
    );
    assert!(log.contains("commercial"), "{log}");
    let second: mdl::MsgPublishVersionResponse = ok(publish(
        &w,
        &w.second,
        second_model,
        vec![tuned.version_id],
        mdl::TrainingMethod::Adapter,
        vec![],
        vec![],
    ));

    // The lineage shows all three, nearest first, with contributors, datasets and licences.
    let lineage: mdl::QueryLineageResponse = w
        .chain
        .query(
            &url(MDL, "Query/Lineage"),
            &mdl::QueryLineageRequest {
                version_id: second.version_id,
            },
        )
        .unwrap();
    let ids: Vec<(u64, u32)> = lineage
        .nodes
        .iter()
        .map(|n| (n.version.as_ref().unwrap().id, n.depth))
        .collect();
    assert_eq!(
        ids,
        vec![
            (second.version_id, 0),
            (tuned.version_id, 1),
            (base.version_id, 2)
        ]
    );
    let root = &lineage.nodes[2];
    assert_eq!(root.licenses[0].id, base_license);
    assert_eq!(
        root.version
            .as_ref()
            .unwrap()
            .training
            .as_ref()
            .unwrap()
            .datasets[0]
            .dataset_id,
        dataset_id
    );
    let provenance: mdl::QueryProvenanceResponse = w
        .chain
        .query(
            &url(MDL, "Query/Provenance"),
            &mdl::QueryProvenanceRequest {
                version_id: second.version_id,
            },
        )
        .unwrap();
    assert_eq!(
        provenance.datasets.iter().map(|d| d.id).collect::<Vec<_>>(),
        vec![dataset_id]
    );
    let descendants: mdl::QueryDescendantsResponse = w
        .chain
        .query(
            &url(MDL, "Query/Descendants"),
            &mdl::QueryDescendantsRequest {
                version_id: base.version_id,
            },
        )
        .unwrap();
    assert_eq!(
        descendants
            .versions
            .iter()
            .map(|v| v.id)
            .collect::<Vec<_>>(),
        vec![tuned.version_id, second.version_id]
    );

    // "Can I": the tuner may derive from the base through grant, the second may not use it commercially.
    let can = |who: &TestKey, id: u64, action: lic::Action| -> lic::QueryCanIResponse {
        w.chain
            .query(
                &url(LIC, "Query/CanI"),
                &lic::QueryCanIRequest {
                    who: who.address().to_bech32(),
                    target: version_target(id),
                    action: action as i32,
                    r#use: 0,
                },
            )
            .unwrap()
    };
    let answer = can(&w.tuner, base.version_id, lic::Action::Derive);
    assert!(
        answer.allowed && answer.grant_id == grant.grant_id,
        "{}",
        answer.rule
    );
    assert!(!can(&w.second, base.version_id, lic::Action::CommercialUse).allowed);
    assert!(
        !can(&w.second, tuned.version_id, lic::Action::CommercialUse).allowed,
        "the tuned licence is non-commercial"
    );

    // Export → import → export gives identical bytes with all of it.
    let exported = serde_json::to_string_pretty(&w.chain.app.export_genesis().unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let again = crate::App::new(crate::store::Storage::open(dir.path(), 0).unwrap()).unwrap();
    again
        .init_chain(&w.chain.chain_id, exported.as_bytes())
        .unwrap();
    assert_eq!(
        serde_json::to_string_pretty(&again.export_genesis().unwrap()).unwrap(),
        exported
    );
    let storage = again.storage();
    assert_eq!(
        crate::modules::models::query::lineage_nodes(
            &mut crate::context::Unmetered(&storage),
            &crate::keepers::Keepers,
            second.version_id
        )
        .unwrap(),
        lineage.nodes
    );
    assert!(w.chain.balance(&w.tuner.address()) < TEST_FUNDS);
}

#[test]
fn a_version_can_only_name_older_versions_as_parents_so_no_cycle_can_form() {
    let w = world();
    let open = license(
        &w,
        &w.builder,
        lic::LicenseTerms {
            derivatives_allowed: true,
            ..Default::default()
        },
    );
    let model = register(&w, &w.builder, "m");
    let v1: mdl::MsgPublishVersionResponse = ok(publish(
        &w,
        &w.builder,
        model,
        vec![],
        mdl::TrainingMethod::Full,
        vec![open],
        vec![],
    ));
    // The next id does not exist yet, nor does the version itself: both refused as not found.
    refused(
        publish(
            &w,
            &w.builder,
            model,
            vec![v1.version_id + 1],
            mdl::TrainingMethod::Merge,
            vec![],
            vec![],
        ),
        "models",
        4,
    );
    let v2: mdl::MsgPublishVersionResponse = ok(publish(
        &w,
        &w.builder,
        model,
        vec![v1.version_id],
        mdl::TrainingMethod::Merge,
        vec![],
        vec![],
    ));
    let version: mdl::QueryVersionResponse = w
        .chain
        .query(
            &url(MDL, "Query/Version"),
            &mdl::QueryVersionRequest {
                version_id: v2.version_id,
            },
        )
        .unwrap();
    assert!(version
        .version
        .unwrap()
        .parent_version_ids
        .iter()
        .all(|&p| p < v2.version_id));
}

#[test]
fn bad_registry_messages_are_refused_with_their_code_and_change_nothing() {
    let w = world();
    let bad_shares = mdl::MsgPublishVersion {
        owner: w.builder.address().to_bech32(),
        model_id: 1,
        artifact_sha256: sha(1),
        training: Some(mdl::TrainingRecord {
            method: mdl::TrainingMethod::Full as i32,
            ..Default::default()
        }),
        contributors: vec![contributor(&w.builder, mdl::Role::Architect, 9_999)],
        ..Default::default()
    };
    let cases: Vec<(tendermint_proto::google::protobuf::Any, &str, u32)> = vec![
        (
            any(&url(MDL, "MsgPublishVersion"), &bad_shares),
            "models",
            6,
        ),
        (
            any(
                &url(MDL, "MsgPublishVersion"),
                &mdl::MsgPublishVersion {
                    artifact_sha256: "xyz".into(),
                    ..bad_shares.clone()
                },
            ),
            "models",
            2,
        ),
        (
            any(
                &url(DS, "MsgContribute"),
                &ds::MsgContribute {
                    contributor: w.builder.address().to_bech32(),
                    dataset_id: 1,
                    items: vec![],
                },
            ),
            "datasets",
            10,
        ),
        (
            any(
                &url(DS, "MsgContribute"),
                &ds::MsgContribute {
                    contributor: w.builder.address().to_bech32(),
                    dataset_id: 1,
                    items: vec![
                        ds::ContributionItem {
                            content_sha256: sha(1),
                            size: 1,
                            ..Default::default()
                        };
                        257
                    ],
                },
            ),
            "datasets",
            6,
        ),
        (
            any(
                &url(DS, "MsgReviewContributions"),
                &ds::MsgReviewContributions {
                    curator: w.builder.address().to_bech32(),
                    dataset_id: 99,
                    decisions: vec![ds::Decision::default()],
                },
            ),
            "datasets",
            3,
        ),
        (
            any(
                &url(LIC, "MsgCreateLicense"),
                &lic::MsgCreateLicense {
                    creator: w.builder.address().to_bech32(),
                    terms: Some(lic::LicenseTerms {
                        royalty_bps: 10_001,
                        ..Default::default()
                    }),
                },
            ),
            "licenses",
            2,
        ),
        (
            any(
                &url(LIC, "MsgCreateLicense"),
                &lic::MsgCreateLicense {
                    creator: w.builder.address().to_bech32(),
                    terms: Some(lic::LicenseTerms {
                        upfront_fee: "340282366920938463463374607431768211456".into(),
                        ..Default::default()
                    }),
                },
            ),
            "licenses",
            13,
        ),
        (
            any(
                &url(LIC, "MsgAcquireLicense"),
                &lic::MsgAcquireLicense {
                    licensee: w.builder.address().to_bech32(),
                    target: version_target(42),
                    license_id: 1,
                    escrow: String::new(),
                },
            ),
            "licenses",
            4,
        ),
        (
            any(
                &url(LIC, "MsgAttachLicense"),
                &lic::MsgAttachLicense {
                    owner: w.builder.address().to_bech32(),
                    target: None,
                    license_id: 1,
                },
            ),
            "licenses",
            14,
        ),
        (
            any(
                &url(MDL, "MsgRegisterModel"),
                &mdl::MsgRegisterModel {
                    owner: "ol1bad".into(),
                    name: "x".into(),
                    ..Default::default()
                },
            ),
            "sdk",
            7,
        ),
    ];
    for (msg, codespace, code) in cases {
        let url = msg.type_url.clone();
        let result = w.chain.exec(&w.builder, vec![msg]);
        assert_eq!(
            (result.codespace.as_str(), result.code),
            (codespace, code),
            "{url}: {}",
            result.log
        );
    }
    let storage = w.chain.app.storage();
    let mut r = crate::context::Unmetered(&storage);
    assert!(crate::modules::models::Keeper::model(&mut r, 1)
        .unwrap()
        .is_none());
    assert!(crate::modules::licenses::Keeper::license(&mut r, 1)
        .unwrap()
        .is_none());
    assert!(crate::modules::datasets::Keeper::dataset(&mut r, 1)
        .unwrap()
        .is_none());
}

mod attribution_story_support {
    pub(super) use super::attribution_story::{market, report, supply, weights, Market, ATT};
}

mod attribution_story {
    use openledger_proto::attribution::v1 as att;

    use super::*;

    pub(super) const ATT: &str = "/openledger.attribution.v1.";

    pub(super) struct Market {
        pub(super) w: World,
        pub(super) dataset_id: u64,
        pub(super) first: u64,
        pub(super) base: u64,
        pub(super) tuned: u64,
        pub(super) grant: u64,
        pub(super) operator: TestKey,
        pub(super) licensee: TestKey,
    }

    /// Dataset with three contributors (all accepted), base model trained on it, a licensed
    /// LoRA fine-tune, a licensee's grant on the fine-tune, and a bonded operator.
    pub(super) fn market() -> Market {
        let w = world();
        let (operator, licensee) = (
            TestKey::from_seed("operator"),
            TestKey::from_seed("licensee"),
        );
        for key in [&operator, &licensee] {
            let send = crate::testkit::msg_send(
                &w.curator.address(),
                &key.address(),
                vec![crate::testkit::coin(50_000_000, "uopen")],
            );
            assert_eq!(w.chain.exec(&w.curator, vec![send]).code, 0);
        }
        let create = ds::MsgCreateDataset {
            curator: w.curator.address().to_bech32(),
            name: "d".into(),
            description: String::new(),
            license_id: 0,
            policy: ds::Policy::Open as i32,
        };
        let dataset_id = ok::<ds::MsgCreateDatasetResponse>(
            w.chain
                .exec(&w.curator, vec![any(&url(DS, "MsgCreateDataset"), &create)]),
        )
        .dataset_id;
        let mut first = 0;
        for (i, key) in w.contributors.iter().enumerate() {
            let items = vec![ds::ContributionItem {
                content_sha256: sha(100 + i as u64),
                size: 10,
                uri: String::new(),
                metadata: String::new(),
            }];
            let msg = ds::MsgContribute {
                contributor: key.address().to_bech32(),
                dataset_id,
                items,
            };
            let r: ds::MsgContributeResponse = ok(w
                .chain
                .exec(key, vec![any(&url(DS, "MsgContribute"), &msg)]));
            if i == 0 {
                first = r.first_contribution_id;
            }
        }
        let base_license = license(
            &w,
            &w.builder,
            lic::LicenseTerms {
                commercial_use: true,
                derivatives_allowed: true,
                royalty_bps: 1_000,
                data_share_bps: 2_000,
                ..Default::default()
            },
        );
        let base_model = register(&w, &w.builder, "base");
        let uses = vec![mdl::DatasetUse {
            dataset_id,
            first_contribution_id: 0,
            last_contribution_id: u64::MAX,
        }];
        let base: mdl::MsgPublishVersionResponse = ok(publish(
            &w,
            &w.builder,
            base_model,
            vec![],
            mdl::TrainingMethod::Full,
            vec![base_license],
            uses,
        ));
        let acquire = lic::MsgAcquireLicense {
            licensee: w.tuner.address().to_bech32(),
            target: version_target(base.version_id),
            license_id: base_license,
            escrow: "0".into(),
        };
        ok::<lic::MsgAcquireLicenseResponse>(w.chain.exec(
            &w.tuner,
            vec![any(&url(LIC, "MsgAcquireLicense"), &acquire)],
        ));
        let paid = license(
            &w,
            &w.tuner,
            lic::LicenseTerms {
                commercial_use: true,
                per_use_price: "1000".into(),
                data_share_bps: 3_000,
                duration_blocks: 1_000,
                ..Default::default()
            },
        );
        let tuned_model = register(&w, &w.tuner, "tuned");
        let tuned: mdl::MsgPublishVersionResponse = ok(publish(
            &w,
            &w.tuner,
            tuned_model,
            vec![base.version_id],
            mdl::TrainingMethod::Lora,
            vec![paid],
            vec![],
        ));
        let buy = lic::MsgAcquireLicense {
            licensee: licensee.address().to_bech32(),
            target: version_target(tuned.version_id),
            license_id: paid,
            escrow: "150000".into(),
        };
        let grant = ok::<lic::MsgAcquireLicenseResponse>(
            w.chain
                .exec(&licensee, vec![any(&url(LIC, "MsgAcquireLicense"), &buy)]),
        )
        .grant_id;
        let reg = att::MsgRegisterOperator {
            operator: operator.address().to_bech32(),
            version_id: tuned.version_id,
            endpoint: "https://infer.example".into(),
            bond: "2000000".into(),
        };
        assert_eq!(
            w.chain
                .exec(&operator, vec![any(&url(ATT, "MsgRegisterOperator"), &reg)])
                .code,
            0
        );
        Market {
            w,
            dataset_id,
            first,
            base: base.version_id,
            tuned: tuned.version_id,
            grant,
            operator,
            licensee,
        }
    }

    pub(super) fn weights(first: u64, pattern: &[(u64, u64)]) -> Vec<att::Weight> {
        pattern
            .iter()
            .map(|&(offset, weight)| att::Weight {
                contribution_id: first + offset,
                weight,
            })
            .collect()
    }

    pub(super) fn report(
        m: &Market,
        batch: &str,
        uses: Vec<att::Use>,
        aggregated: Vec<att::AggregatedUses>,
    ) -> tendermint_proto::v0_38::abci::ExecTxResult {
        let msg = att::MsgReportUsage {
            operator: m.operator.address().to_bech32(),
            version_id: m.tuned,
            batch_id: batch.into(),
            uses,
            aggregated,
        };
        m.w.chain
            .exec(&m.operator, vec![any(&url(ATT, "MsgReportUsage"), &msg)])
    }

    fn counters(m: &Market, offset: u64) -> att::ContributionCounters {
        let r: att::QueryUsageResponse =
            m.w.chain
                .query(
                    &url(ATT, "Query/Usage"),
                    &att::QueryUsageRequest {
                        contribution_id: m.first + offset,
                    },
                )
                .unwrap();
        r.counters.unwrap()
    }

    pub(super) fn supply(m: &Market) -> u128 {
        let storage = m.w.chain.app.storage();
        crate::modules::bank::Keeper::supply(&mut crate::context::Unmetered(&storage), "uopen")
            .unwrap()
    }

    #[test]
    fn a_hundred_paid_uses_are_settled_to_the_last_unit_and_claimed() {
        let m = market();
        let supply_before = supply(&m);
        // 100 uses: each attributes contribution 0; every other one also contribution 2.
        let uses: Vec<att::Use> = (0..100)
            .map(|i| att::Use {
                request_id: format!("req-{i}"),
                grant_id: m.grant,
                units: 1,
                weights: weights(
                    m.first,
                    if i % 2 == 0 {
                        &[(0, 3), (2, 1)]
                    } else {
                        &[(0, 1)]
                    },
                ),
            })
            .collect();
        let preview: att::QuerySplitPreviewResponse =
            m.w.chain
                .query(
                    &url(ATT, "Query/SplitPreview"),
                    &att::QuerySplitPreviewRequest {
                        version_id: m.tuned,
                        price: "1000".into(),
                        license_id: 0,
                        weights: weights(m.first, &[(0, 1)]),
                    },
                )
                .unwrap();
        assert_eq!(preview.total, "1000");
        let result = report(&m, "batch-1", uses, vec![]);
        let response: att::MsgReportUsageResponse = ok(result.clone());
        assert_eq!((response.uses, response.paid.as_str()), (100, "100000"));
        // Every settlement's parts sum exactly to its price.
        let settled: Vec<_> = result
            .events
            .iter()
            .filter(|e| e.r#type == "openledger.attribution.v1.EventUseSettled")
            .collect();
        assert_eq!(settled.len(), 100);
        for e in settled {
            let get = |k: &str| {
                e.attributes
                    .iter()
                    .find(|a| a.key == k)
                    .unwrap()
                    .value
                    .trim_matches('"')
                    .parse::<u128>()
                    .unwrap()
            };
            assert_eq!(get("protocol_fee") + get("parts"), get("price"));
        }
        // Counters: contribution 0 is attributed in all 100 uses and 2 in 50, and the base's
        // declared data (all three) is paid through the royalty on every use: each counts the
        // uses that touched it once, and sums the weights it got (attributed, plus 1 per use as
        // declared data at the base).
        assert_eq!(
            (
                counters(&m, 0).uses,
                counters(&m, 1).uses,
                counters(&m, 2).uses
            ),
            (100, 100, 100)
        );
        assert_eq!(counters(&m, 0).weight, (50 * 3 + 50 + 100).to_string());
        assert_eq!(counters(&m, 1).weight, 100.to_string());
        assert_eq!(counters(&m, 2).weight, (50 + 100).to_string());
        let earned = |o| counters(&m, o).earned.parse::<u128>().unwrap();
        assert!(
            earned(0) > earned(2) && earned(2) > earned(1),
            "paid by weight"
        );
        let version: att::QueryVersionUsageResponse =
            m.w.chain
                .query(
                    &url(ATT, "Query/VersionUsage"),
                    &att::QueryVersionUsageRequest { version_id: m.base },
                )
                .unwrap();
        assert_eq!(
            version.counters.unwrap().uses,
            100,
            "the base ran every time its fine-tune did"
        );

        // Claims move rewards to bank balances; nothing is created or lost.
        let c0 = &m.w.contributors[0];
        let earnings: att::QueryEarningsResponse =
            m.w.chain
                .query(
                    &url(ATT, "Query/Earnings"),
                    &att::QueryEarningsRequest {
                        address: c0.address().to_bech32(),
                    },
                )
                .unwrap();
        let earned: u128 = earnings.rewards.unwrap().earned.parse().unwrap();
        assert!(
            earned > 0
                && earnings
                    .contributions
                    .iter()
                    .any(|c| c.contribution_id == m.first)
        );
        let before = m.w.chain.balance(&c0.address());
        let claim = att::MsgClaimRewards {
            claimant: c0.address().to_bech32(),
        };
        let claimed: att::MsgClaimRewardsResponse = ok(m
            .w
            .chain
            .exec(c0, vec![any(&url(ATT, "MsgClaimRewards"), &claim)]));
        assert_eq!(claimed.claimed, earned.to_string());
        assert_eq!(
            m.w.chain.balance(&c0.address()),
            before + earned - 250_000,
            "rewards in, the claim's fee out"
        );
        refused(
            m.w.chain
                .exec(c0, vec![any(&url(ATT, "MsgClaimRewards"), &claim)]),
            "attribution",
            11,
        );
        assert_eq!(supply(&m), supply_before);
        let _ = m.dataset_id;
    }

    #[test]
    fn the_aggregated_form_settles_a_thousand_uses_in_one_entry() {
        let m = market();
        let grant_before: lic::QueryGrantResponse =
            m.w.chain
                .query(
                    &url(LIC, "Query/Grant"),
                    &lic::QueryGrantRequest { grant_id: m.grant },
                )
                .unwrap();
        let agg = att::AggregatedUses {
            grant_id: m.grant,
            uses: 100,
            units: 100,
            weights: weights(m.first, &[(0, 300), (1, 100)]),
            receipts_root: vec![7; 32],
        };
        let response: att::MsgReportUsageResponse = ok(report(&m, "agg-1", vec![], vec![agg]));
        assert_eq!((response.uses, response.paid.as_str()), (100, "100000"));
        let grant: lic::QueryGrantResponse =
            m.w.chain
                .query(
                    &url(LIC, "Query/Grant"),
                    &lic::QueryGrantRequest { grant_id: m.grant },
                )
                .unwrap();
        let (before, after) = (grant_before.grant.unwrap(), grant.grant.unwrap());
        assert_eq!(
            before.escrow.parse::<u128>().unwrap() - after.escrow.parse::<u128>().unwrap(),
            100_000
        );
        assert_eq!(after.uses, 100);
        assert_eq!(counters(&m, 0).uses, 100);
        assert_eq!(
            counters(&m, 0).weight,
            (300 + 100).to_string(),
            "summed weight plus declared weight at the base"
        );
    }

    #[test]
    fn refused_reports_change_nothing() {
        let m = market();
        let one = |request: &str, grant: u64, w: Vec<att::Weight>| {
            vec![att::Use {
                request_id: request.into(),
                grant_id: grant,
                units: 1,
                weights: w,
            }]
        };
        assert_eq!(
            report(
                &m,
                "ok",
                one("r1", m.grant, weights(m.first, &[(0, 1)])),
                vec![]
            )
            .code,
            0
        );
        let hash = m.w.chain.app.committed().app_hash;
        let cases: Vec<(&str, tendermint_proto::v0_38::abci::ExecTxResult, &str, u32)> = vec![
            (
                "replayed batch",
                report(&m, "ok", one("r2", m.grant, vec![]), vec![]),
                "attribution",
                7,
            ),
            (
                "replayed request",
                report(&m, "b2", one("r1", m.grant, vec![]), vec![]),
                "attribution",
                8,
            ),
            (
                "grant of another version",
                report(&m, "b3", one("r3", 1, vec![]), vec![]),
                "licenses",
                15,
            ),
            (
                "unknown grant",
                report(&m, "b4", one("r4", 99, vec![]), vec![]),
                "licenses",
                9,
            ),
            (
                "weights outside the lineage",
                report(
                    &m,
                    "b5",
                    one("r5", m.grant, weights(m.first, &[(50, 1)])),
                    vec![],
                ),
                "attribution",
                9,
            ),
            (
                "zero weight",
                report(
                    &m,
                    "b6",
                    one("r6", m.grant, weights(m.first, &[(0, 0)])),
                    vec![],
                ),
                "attribution",
                10,
            ),
            (
                "overflowing weights",
                report(
                    &m,
                    "b7",
                    one("r7", m.grant, weights(m.first, &[(0, u64::MAX), (1, 1)])),
                    vec![],
                ),
                "attribution",
                10,
            ),
            (
                "escrow too small",
                report(
                    &m,
                    "b8",
                    vec![],
                    vec![att::AggregatedUses {
                        grant_id: m.grant,
                        uses: 1_000,
                        units: 1_000,
                        weights: vec![],
                        receipts_root: vec![0; 32],
                    }],
                ),
                "licenses",
                17,
            ),
        ];
        for (what, result, codespace, code) in cases {
            assert_eq!(
                (result.codespace.as_str(), result.code),
                (codespace, code),
                "{what}: {}",
                result.log
            );
        }
        // Only the operator's fees and sequence moved: no report, no reward, no counter.
        let reports: att::QueryReportsResponse =
            m.w.chain
                .query(
                    &url(ATT, "Query/Reports"),
                    &att::QueryReportsRequest {
                        operator: m.operator.address().to_bech32(),
                    },
                )
                .unwrap();
        assert_eq!(reports.reports.len(), 1);
        assert_eq!(counters(&m, 0).uses, 1);
        assert_ne!(
            m.w.chain.app.committed().app_hash,
            hash,
            "fees were charged"
        );

        // An unbonding operator may not report; an expired grant pays nothing.
        let unbond = att::MsgUnbondOperator {
            operator: m.operator.address().to_bech32(),
            version_id: m.tuned,
        };
        assert_eq!(
            m.w.chain
                .exec(
                    &m.operator,
                    vec![any(&url(ATT, "MsgUnbondOperator"), &unbond)]
                )
                .code,
            0
        );
        refused(
            report(&m, "b9", one("r9", m.grant, vec![]), vec![]),
            "attribution",
            3,
        );
        refused(
            m.w.chain.exec(
                &m.operator,
                vec![any(&url(ATT, "MsgUnbondOperator"), &unbond)],
            ),
            "attribution",
            6,
        );
        let _ = &m.licensee;
    }
}

mod challenges {
    use openledger_proto::attribution::v1 as att;

    use super::attribution_story_support::*;
    use super::*;

    fn challenge(
        m: &Market,
        who: &TestKey,
        report_id: u64,
        bond: &str,
    ) -> tendermint_proto::v0_38::abci::ExecTxResult {
        let msg = att::MsgChallengeUsage {
            challenger: who.address().to_bech32(),
            report_id,
            claim: att::ChallengeClaim::FabricatedUse as i32,
            bond: bond.into(),
            evidence_uri: "ipfs://evidence".into(),
        };
        m.w.chain
            .exec(who, vec![any(&url(ATT, "MsgChallengeUsage"), &msg)])
    }

    fn resolve(
        m: &Market,
        challenge_id: u64,
        upheld: bool,
    ) -> tendermint_proto::v0_38::abci::ExecTxResult {
        let msg = att::MsgResolveChallenge {
            authority: m.w.curator.address().to_bech32(),
            challenge_id,
            upheld,
        };
        m.w.chain.exec(
            &m.w.curator,
            vec![any(&url(ATT, "MsgResolveChallenge"), &msg)],
        )
    }

    #[test]
    fn an_upheld_challenge_slashes_the_bond_and_reverses_unclaimed_rewards() {
        let m = market();
        let uses = (0..10)
            .map(|i| att::Use {
                request_id: format!("r{i}"),
                grant_id: m.grant,
                units: 1,
                weights: weights(m.first, &[(0, 1)]),
            })
            .collect();
        let report_id = ok::<att::MsgReportUsageResponse>(report(&m, "b1", uses, vec![])).report_id;
        let escrow = |m: &Market| -> u128 {
            let g: lic::QueryGrantResponse =
                m.w.chain
                    .query(
                        &url(LIC, "Query/Grant"),
                        &lic::QueryGrantRequest { grant_id: m.grant },
                    )
                    .unwrap();
            g.grant.unwrap().escrow.parse().unwrap()
        };
        let escrow_after_report = escrow(&m);
        let challenger = &m.licensee;
        let before = m.w.chain.balance(&challenger.address());
        let id =
            ok::<att::MsgChallengeUsageResponse>(challenge(&m, challenger, report_id, "1000000"))
                .challenge_id;
        refused(
            challenge(&m, &m.w.second, report_id, "1000000"),
            "attribution",
            2,
        );
        // Only the authority rules.
        let other = att::MsgResolveChallenge {
            authority: m.w.second.address().to_bech32(),
            challenge_id: id,
            upheld: true,
        };
        refused(
            m.w.chain.exec(
                &m.w.second,
                vec![any(&url(ATT, "MsgResolveChallenge"), &other)],
            ),
            "attribution",
            3,
        );
        let outcome: att::MsgResolveChallengeResponse = ok(resolve(&m, id, true));
        assert_eq!(outcome.slashed, "2000000");
        // 10 uses at 1,000 less the 1% fee: 9,900 credited and nothing claimed, all reversed.
        assert_eq!(outcome.reversed, "9900");
        assert_eq!(escrow(&m), escrow_after_report + 9_900);
        assert_eq!(
            m.w.chain.balance(&challenger.address()),
            before + 2_000_000 - 250_000,
            "slashed bond in, own bond back, the challenge fee out"
        );
        let earnings: att::QueryEarningsResponse =
            m.w.chain
                .query(
                    &url(ATT, "Query/Earnings"),
                    &att::QueryEarningsRequest {
                        address: m.w.contributors[0].address().to_bech32(),
                    },
                )
                .unwrap();
        assert_eq!(earnings.rewards.unwrap().earned, "0");
        refused(
            report(
                &m,
                "b2",
                vec![att::Use {
                    request_id: "x".into(),
                    grant_id: m.grant,
                    units: 1,
                    weights: vec![],
                }],
                vec![],
            ),
            "attribution",
            3,
        );
    }

    #[test]
    fn a_rejected_challenge_burns_the_challengers_bond() {
        let m = market();
        let uses = vec![att::Use {
            request_id: "r".into(),
            grant_id: m.grant,
            units: 1,
            weights: vec![],
        }];
        let report_id = ok::<att::MsgReportUsageResponse>(report(&m, "b1", uses, vec![])).report_id;
        let supply_before = supply(&m);
        let id =
            ok::<att::MsgChallengeUsageResponse>(challenge(&m, &m.w.second, report_id, "3000000"))
                .challenge_id;
        let outcome: att::MsgResolveChallengeResponse = ok(resolve(&m, id, false));
        assert_eq!(
            (outcome.burned.as_str(), outcome.slashed.as_str()),
            ("3000000", "0")
        );
        assert_eq!(supply(&m), supply_before - 3_000_000);
        refused(resolve(&m, id, true), "attribution", 2);
        let c: att::QueryChallengeResponse =
            m.w.chain
                .query(
                    &url(ATT, "Query/Challenge"),
                    &att::QueryChallengeRequest { challenge_id: id },
                )
                .unwrap();
        assert_eq!(
            c.challenge.unwrap().status,
            att::ChallengeStatus::Rejected as i32
        );
    }
}

mod attribution_edges {
    use openledger_proto::attribution::v1 as att;
    use rs_merkle::{algorithms::Sha256, Hasher, MerkleTree};

    use super::attribution_story_support::*;
    use super::*;

    /// The licensee's grant (1,000 uopen of escrow) under a new 10 uopen-per-use licence on the
    /// fine-tune whose grants last `duration` blocks.
    fn short_grant(m: &Market, duration: u64) -> u64 {
        let short = license(
            &m.w,
            &m.w.tuner,
            lic::LicenseTerms {
                commercial_use: true,
                per_use_price: "10".into(),
                duration_blocks: duration,
                ..Default::default()
            },
        );
        let attach = lic::MsgAttachLicense {
            owner: m.w.tuner.address().to_bech32(),
            target: version_target(m.tuned),
            license_id: short,
        };
        assert_eq!(
            m.w.chain
                .exec(
                    &m.w.tuner,
                    vec![any(&url(LIC, "MsgAttachLicense"), &attach)]
                )
                .code,
            0
        );
        let buy = lic::MsgAcquireLicense {
            licensee: m.licensee.address().to_bech32(),
            target: version_target(m.tuned),
            license_id: short,
            escrow: "1000".into(),
        };
        ok::<lic::MsgAcquireLicenseResponse>(
            m.w.chain
                .exec(&m.licensee, vec![any(&url(LIC, "MsgAcquireLicense"), &buy)]),
        )
        .grant_id
    }

    #[test]
    fn a_contributor_proves_their_data_was_used_in_call_k() {
        let m = market();
        let uses: Vec<att::Use> = (0..3)
            .map(|i| att::Use {
                request_id: format!("call-{i}"),
                grant_id: m.grant,
                units: 1,
                weights: weights(m.first, &[(i, 5)]),
            })
            .collect();
        let leaves: Vec<[u8; 32]> = uses
            .iter()
            .map(|u| Sha256::hash(&u.encode_to_vec()))
            .collect();
        let tree = MerkleTree::<Sha256>::from_leaves(&leaves);
        let root = tree.root().unwrap().to_vec();
        let agg = att::AggregatedUses {
            grant_id: m.grant,
            uses: 3,
            units: 3,
            weights: weights(m.first, &[(0, 5), (1, 5), (2, 5)]),
            receipts_root: root.clone(),
        };
        let report_id =
            ok::<att::MsgReportUsageResponse>(report(&m, "agg", vec![], vec![agg])).report_id;
        let ask = |receipt: &att::Use, index: usize| -> att::QueryVerifyReceiptResponse {
            let request = att::QueryVerifyReceiptRequest {
                report_id,
                entry: 0,
                receipt: receipt.encode_to_vec(),
                leaf_index: index as u64,
                total_leaves: 3,
                proof: tree.proof(&[index]).to_bytes(),
            };
            m.w.chain
                .query(&url(ATT, "Query/VerifyReceipt"), &request)
                .unwrap()
        };
        let answer = ask(&uses[1], 1);
        assert!(answer.valid);
        assert_eq!(answer.receipts_root, root);
        assert_eq!(
            answer.receipt.unwrap().weights[0].contribution_id,
            m.first + 1
        );
        let mut forged = uses[1].clone();
        forged.weights[0].weight = 500;
        assert!(
            !ask(&forged, 1).valid,
            "a receipt claiming more weight does not verify"
        );
        assert!(
            !ask(&uses[0], 1).valid,
            "nor does another call's receipt at this index"
        );
    }

    #[test]
    fn an_expired_grant_returns_its_unused_escrow_once() {
        let m = market();
        let grant = short_grant(&m, 3);
        // One use at 10 uopen, then release is refused until expiry.
        let one = vec![att::Use {
            request_id: "u".into(),
            grant_id: grant,
            units: 1,
            weights: vec![],
        }];
        ok::<att::MsgReportUsageResponse>(report(&m, "short", one, vec![]));
        let release = lic::MsgReleaseGrant {
            licensee: m.licensee.address().to_bech32(),
            grant_id: grant,
        };
        refused(
            m.w.chain.exec(
                &m.licensee,
                vec![any(&url(LIC, "MsgReleaseGrant"), &release)],
            ),
            "licenses",
            11,
        );
        m.w.chain.block(Vec::new());
        let before = m.w.chain.balance(&m.licensee.address());
        let refunded: lic::MsgReleaseGrantResponse = ok(m.w.chain.exec(
            &m.licensee,
            vec![any(&url(LIC, "MsgReleaseGrant"), &release)],
        ));
        assert_eq!(refunded.refunded, "990");
        assert_eq!(
            m.w.chain.balance(&m.licensee.address()),
            before + 990 - 250_000
        );
        refused(
            m.w.chain.exec(
                &m.licensee,
                vec![any(&url(LIC, "MsgReleaseGrant"), &release)],
            ),
            "licenses",
            12,
        );
    }

    #[test]
    fn an_expired_grant_pays_for_no_use_and_an_unbonded_operator_gets_the_bond_back() {
        let m = market();
        // A paid licence with grants lasting 2 blocks.
        let grant = short_grant(&m, 2);
        m.w.chain.block(Vec::new());
        m.w.chain.block(Vec::new());
        let use_ = vec![att::Use {
            request_id: "late".into(),
            grant_id: grant,
            units: 1,
            weights: vec![],
        }];
        refused(report(&m, "late", use_, vec![]), "licenses", 16);

        // Unbonding: refused until the period passes, then the bond comes back.
        let unbond = att::MsgUnbondOperator {
            operator: m.operator.address().to_bech32(),
            version_id: m.tuned,
        };
        assert_eq!(
            m.w.chain
                .exec(
                    &m.operator,
                    vec![any(&url(ATT, "MsgUnbondOperator"), &unbond)]
                )
                .code,
            0
        );
        refused(
            m.w.chain.exec(
                &m.operator,
                vec![any(&url(ATT, "MsgUnbondOperator"), &unbond)],
            ),
            "attribution",
            6,
        );
        for _ in 0..crate::modules::attribution::default_params().unbonding_blocks {
            m.w.chain.block(Vec::new());
        }
        let before = m.w.chain.balance(&m.operator.address());
        let back: att::MsgUnbondOperatorResponse = ok(m.w.chain.exec(
            &m.operator,
            vec![any(&url(ATT, "MsgUnbondOperator"), &unbond)],
        ));
        assert_eq!(back.returned, "2000000");
        assert_eq!(
            m.w.chain.balance(&m.operator.address()),
            before + 2_000_000 - 250_000
        );
    }

    #[test]
    fn an_export_keeps_paid_requests_so_replays_stay_refused() {
        let m = market();
        let one = vec![att::Use {
            request_id: "paid-once".into(),
            grant_id: m.grant,
            units: 1,
            weights: vec![],
        }];
        ok::<att::MsgReportUsageResponse>(report(&m, "b", one, vec![]));
        let genesis = m.w.chain.app.export_genesis().unwrap();
        let paid: Vec<_> = genesis
            .attribution
            .paid_requests
            .iter()
            .map(|p| (p.operator.clone(), p.request_id.clone()))
            .collect();
        assert_eq!(
            paid,
            vec![(m.operator.address().to_bech32(), "paid-once".to_string())]
        );
        let exported = serde_json::to_string_pretty(&genesis).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let again = crate::App::new(crate::store::Storage::open(dir.path(), 0).unwrap()).unwrap();
        again
            .init_chain(&m.w.chain.chain_id, exported.as_bytes())
            .unwrap();
        assert_eq!(
            serde_json::to_string_pretty(&again.export_genesis().unwrap()).unwrap(),
            exported
        );
    }
}
