//! The registries: the story of a dataset, a base model and two fine-tunes, with every licence
//! rule refusing what it must.

use super::*;
use crate::store::Substore;

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
        &DatasetsError::DuplicateContent(String::new()),
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
        &ModelsError::DerivativeNotAllowed(String::new()),
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
        &ModelsError::DroppedProhibitedUses(String::new()),
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
        &ModelsError::RoyaltiesExceedRevenue(String::new()),
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
        &ModelsError::CommercialOnNonCommercial(String::new()),
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
                ..Default::default()
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
                ..Default::default()
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
                ..Default::default()
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
            second.version_id,
            100
        )
        .unwrap()
        .nodes,
        lineage.nodes
    );
    assert!(w.chain.balance(&w.tuner.address()) < TEST_FUNDS);
}

#[test]
fn a_licence_attached_after_publication_keeps_the_parents_terms() {
    let w = world();
    // A free, non-commercial base licence that prohibits military use and takes 30% royalty.
    let base_model = register(&w, &w.builder, "base");
    let base_license = license(
        &w,
        &w.builder,
        lic::LicenseTerms {
            derivatives_allowed: true,
            prohibited_uses: vec![lic::ProhibitedUse::Military as i32],
            royalty_bps: 3_000,
            ..Default::default()
        },
    );
    let base: mdl::MsgPublishVersionResponse = ok(publish(
        &w,
        &w.builder,
        base_model,
        vec![],
        mdl::TrainingMethod::Full,
        vec![base_license],
        vec![],
    ));
    // A fine-tune published with no licence of its own.
    let tuned_model = register(&w, &w.tuner, "tuned");
    let tuned: mdl::MsgPublishVersionResponse = ok(publish(
        &w,
        &w.tuner,
        tuned_model,
        vec![base.version_id],
        mdl::TrainingMethod::Lora,
        vec![],
        vec![],
    ));
    let military = vec![lic::ProhibitedUse::Military as i32];
    let attach = |key: &TestKey, version: u64, terms: lic::LicenseTerms| {
        let license_id = license(&w, key, terms);
        let msg = lic::MsgAttachLicense {
            owner: key.address().to_bech32(),
            target: version_target(version),
            license_id,
        };
        w.chain
            .exec(key, vec![any(&url(LIC, "MsgAttachLicense"), &msg)])
    };

    // Attached later, each licence that publication would refuse is refused too, with its rule.
    let log = refused(
        attach(
            &w.tuner,
            tuned.version_id,
            lic::LicenseTerms {
                commercial_use: true,
                prohibited_uses: military.clone(),
                ..Default::default()
            },
        ),
        &LicensesError::CommercialOnNonCommercial(
            crate::modules::licenses::Inheritance::CommercialOnNonCommercial {
                license: 0,
                parent: 0,
            },
        ),
    );
    assert!(
        log.contains(&format!("parent version {}", base.version_id)),
        "{log}"
    );
    refused(
        attach(&w.tuner, tuned.version_id, lic::LicenseTerms::default()),
        &LicensesError::DroppedProhibitedUses(
            crate::modules::licenses::Inheritance::DroppedProhibitedUses {
                license: 0,
                parent: 0,
                dropped: vec![],
            },
        ),
    );
    let log = refused(
        attach(
            &w.tuner,
            tuned.version_id,
            lic::LicenseTerms {
                data_share_bps: 7_001,
                prohibited_uses: military.clone(),
                ..Default::default()
            },
        ),
        &LicensesError::RoyaltiesExceedRevenue(
            crate::modules::licenses::Inheritance::RoyaltiesExceedRevenue {
                license: 0,
                data_share_bps: 0,
                royalties_bps: 0,
            },
        ),
    );
    assert!(log.contains("the parents take 3000 bps"), "{log}");

    // A licence that keeps the terms is offered; on the base, with no parents, anything goes.
    ok::<lic::MsgAttachLicenseResponse>(attach(
        &w.tuner,
        tuned.version_id,
        lic::LicenseTerms {
            data_share_bps: 7_000,
            prohibited_uses: military,
            ..Default::default()
        },
    ));
    ok::<lic::MsgAttachLicenseResponse>(attach(
        &w.builder,
        base.version_id,
        lic::LicenseTerms {
            commercial_use: true,
            ..Default::default()
        },
    ));
    let offers: lic::QueryLicensesOfResponse = w
        .chain
        .query(
            &url(LIC, "Query/LicensesOf"),
            &lic::QueryLicensesOfRequest {
                target: version_target(tuned.version_id),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        offers.offers.len(),
        1,
        "only the licence that keeps the terms"
    );
}

/// Gas of publishing a derivative of a paid base after `others` other licensees bought grants
/// on it.
fn gas_to_derive_with(others: usize) -> i64 {
    let w = world();
    let base_model = register(&w, &w.builder, "base");
    let paid = license(
        &w,
        &w.builder,
        lic::LicenseTerms {
            derivatives_allowed: true,
            upfront_fee: "1".into(),
            ..Default::default()
        },
    );
    let base: mdl::MsgPublishVersionResponse = ok(publish(
        &w,
        &w.builder,
        base_model,
        vec![],
        mdl::TrainingMethod::Full,
        vec![paid],
        vec![],
    ));
    let buy = |key: &TestKey| {
        let msg = lic::MsgAcquireLicense {
            licensee: key.address().to_bech32(),
            target: version_target(base.version_id),
            license_id: paid,
            escrow: "0".into(),
        };
        ok::<lic::MsgAcquireLicenseResponse>(
            w.chain
                .exec(key, vec![any(&url(LIC, "MsgAcquireLicense"), &msg)]),
        );
    };
    buy(&w.tuner);
    let others_keys = [
        &w.curator,
        &w.second,
        &w.contributors[0],
        &w.contributors[1],
        &w.contributors[2],
    ];
    for key in others_keys.iter().take(others) {
        buy(key);
    }
    let tuned_model = register(&w, &w.tuner, "tuned");
    let result = publish(
        &w,
        &w.tuner,
        tuned_model,
        vec![base.version_id],
        mdl::TrainingMethod::Lora,
        vec![],
        vec![],
    );
    assert_eq!(result.code, 0, "{}", result.log);
    result.gas_used
}

#[test]
fn deriving_costs_the_same_however_many_others_hold_grants_on_the_parent() {
    // The licence rules read the publisher's own grants on the parent, never everyone's: grant
    // spam on a popular base cannot price its derivatives out.
    assert_eq!(gas_to_derive_with(5), gas_to_derive_with(0));
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
        &ModelsError::VersionNotFound(0),
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
    let cases: Vec<(tendermint_proto::google::protobuf::Any, Box<dyn AbciError>)> = vec![
        (
            any(&url(MDL, "MsgPublishVersion"), &bad_shares),
            Box::new(ModelsError::SharesNotTenThousand(0)),
        ),
        (
            any(
                &url(MDL, "MsgPublishVersion"),
                &mdl::MsgPublishVersion {
                    artifact_sha256: "xyz".into(),
                    ..bad_shares.clone()
                },
            ),
            Box::new(ModelsError::InvalidField(String::new())),
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
            Box::new(DatasetsError::EmptyBatch),
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
            Box::new(DatasetsError::BatchTooLarge(0)),
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
            Box::new(DatasetsError::DatasetNotFound(0)),
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
            Box::new(LicensesError::InvalidTerms(String::new())),
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
            Box::new(LicensesError::InvalidAmount(String::new())),
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
            Box::new(LicensesError::TargetNotFound(
                crate::modules::licenses::TargetRef::Version(42),
            )),
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
            Box::new(LicensesError::InvalidTarget),
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
            Box::new(SdkError::InvalidAddress(String::new())),
        ),
    ];
    for (msg, expected) in cases {
        let url = msg.type_url.clone();
        let (result, moved) = w.chain.moved_by(|| w.chain.exec(&w.builder, vec![msg]));
        assert_eq!(
            (result.codespace.as_str(), result.code),
            (expected.codespace(), expected.code()),
            "{url}: {}",
            result.log
        );
        // At most the fee and the sequence: no registry substore moves.
        assert!(
            moved.is_empty() || moved == [Substore::Auth, Substore::Bank],
            "{url}: moved {moved:?}"
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
