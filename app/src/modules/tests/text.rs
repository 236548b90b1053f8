//! Control characters in stored text (audit L15): every message path that stores free text
//! refuses them through the one shared check, naming the field; descriptions keep `\n`.

use super::*;
use crate::modules::util::{check_text, Lines};

/// The refusal's log names the field.
fn refused_field(
    result: tendermint_proto::v0_38::abci::ExecTxResult,
    expected: &dyn AbciError,
    field: &str,
) {
    let log = refused(result, expected);
    assert!(log.contains(field), "{field} not named in {log:?}");
    assert!(log.contains("control character"), "{log}");
}

#[test]
fn every_stored_text_field_refuses_control_characters() {
    let w = world();
    let ds_err = DatasetsError::ControlCharacter(String::new(), 0, 0);
    let mdl_err = ModelsError::ControlCharacter(String::new(), 0, 0);
    let lic_err = LicensesError::ControlCharacter(String::new(), 0, 0);
    let create = |name: &str, description: &str| ds::MsgCreateDataset {
        curator: w.curator.address().to_bech32(),
        name: name.into(),
        description: description.into(),
        license_id: 0,
        policy: ds::Policy::Curated as i32,
    };
    let exec_create = |m: &ds::MsgCreateDataset| {
        w.chain
            .exec(&w.curator, vec![any(&url(DS, "MsgCreateDataset"), m)])
    };
    refused_field(exec_create(&create("evil\u{1b}[2J", "")), &ds_err, "name");
    refused_field(exec_create(&create("evil\u{202E}txt", "")), &ds_err, "name");
    refused_field(
        exec_create(&create("ok", "line\r\n")),
        &ds_err,
        "description",
    );
    // A description may break lines.
    let dataset_id =
        ok::<ds::MsgCreateDatasetResponse>(exec_create(&create("ok", "one\ntwo"))).dataset_id;

    let item = |uri: &str, metadata: &str| ds::ContributionItem {
        content_sha256: sha(9),
        size: 1,
        uri: uri.into(),
        metadata: metadata.into(),
    };
    let key = &w.contributors[0];
    let contribute = |item: ds::ContributionItem| {
        let msg = ds::MsgContribute {
            contributor: key.address().to_bech32(),
            dataset_id,
            items: vec![item],
        };
        w.chain
            .exec(key, vec![any(&url(DS, "MsgContribute"), &msg)])
    };
    refused_field(contribute(item("ipfs://x\n", "")), &ds_err, "uri");
    refused_field(contribute(item("", "\u{7}")), &ds_err, "metadata");
    let id =
        ok::<ds::MsgContributeResponse>(contribute(item("ipfs://x", "{\n}"))).first_contribution_id;
    let review = ds::MsgReviewContributions {
        curator: w.curator.address().to_bech32(),
        dataset_id,
        decisions: vec![ds::Decision {
            contribution_id: id,
            accept: false,
            reason: "no\u{0}".into(),
        }],
    };
    refused_field(
        w.chain.exec(
            &w.curator,
            vec![any(&url(DS, "MsgReviewContributions"), &review)],
        ),
        &ds_err,
        "reason",
    );

    let model = |name: &str, description: &str, base: Option<mdl::ExternalBase>| {
        let msg = mdl::MsgRegisterModel {
            owner: w.builder.address().to_bech32(),
            name: name.into(),
            description: description.into(),
            external_base: base,
        };
        w.chain
            .exec(&w.builder, vec![any(&url(MDL, "MsgRegisterModel"), &msg)])
    };
    refused_field(model("base\u{9b}", "", None), &mdl_err, "name");
    refused_field(
        model("base", "\u{1b}]8;;http://evil\u{7}", None),
        &mdl_err,
        "description",
    );
    let base = mdl::ExternalBase {
        source: "hf".into(),
        id: "org/m\t".into(),
        revision: String::new(),
    };
    refused_field(model("base", "", Some(base)), &mdl_err, "external_base.id");
    let model_id = ok::<mdl::MsgRegisterModelResponse>(model("base", "a\nb", None)).model_id;
    let mut publish = mdl::MsgPublishVersion {
        owner: w.builder.address().to_bech32(),
        model_id,
        artifact_sha256: sha(1),
        uri: "hf://x\u{2028}".into(),
        parent_version_ids: Vec::new(),
        external_base: None,
        training: Some(mdl::TrainingRecord {
            method: mdl::TrainingMethod::Full as i32,
            hyperparams_sha256: String::new(),
            datasets: Vec::new(),
        }),
        contributors: vec![contributor(&w.builder, mdl::Role::Architect, 10_000)],
        license_ids: Vec::new(),
    };
    refused_field(
        w.chain.exec(
            &w.builder,
            vec![any(&url(MDL, "MsgPublishVersion"), &publish)],
        ),
        &mdl_err,
        "uri",
    );
    publish.uri = "hf://x".into();
    assert_eq!(
        w.chain
            .exec(
                &w.builder,
                vec![any(&url(MDL, "MsgPublishVersion"), &publish)]
            )
            .code,
        0
    );

    for (field, terms) in [
        (
            "spdx_id",
            lic::LicenseTerms {
                spdx_id: "MIT\u{1b}".into(),
                ..Default::default()
            },
        ),
        (
            "legal_text_uri",
            lic::LicenseTerms {
                legal_text_uri: "https://x/\u{200F}".into(),
                ..Default::default()
            },
        ),
    ] {
        let msg = lic::MsgCreateLicense {
            creator: w.builder.address().to_bech32(),
            terms: Some(terms),
        };
        refused_field(
            w.chain
                .exec(&w.builder, vec![any(&url(LIC, "MsgCreateLicense"), &msg)]),
            &lic_err,
            field,
        );
    }
}

#[test]
fn the_shared_check_is_the_one_genesis_uses_too() {
    // Genesis goes through the same function: a dataset named with an escape is refused.
    assert!(check_text("name", "x\u{1b}", 1, 128, Lines::One).is_err());
    let g = ds::GenesisState {
        datasets: vec![ds::Dataset {
            id: 1,
            name: "x\u{1b}[0m".into(),
            curator: w_addr(),
            policy: ds::Policy::Open as i32,
            ..Default::default()
        }],
        contributions: Vec::new(),
    };
    let mut result = Ok(());
    crate::keyspace::testing::written(|ctx| {
        result = crate::modules::datasets::genesis::import(ctx, &g)
    });
    assert!(matches!(
        result,
        Err(DatasetsError::ControlCharacter(ref field, 1, 0x1b)) if field == "name"
    ));
}

fn w_addr() -> String {
    TestKey::from_seed("curator").address().to_bech32()
}

#[test]
fn attribution_text_fields_refuse_control_characters_and_change_nothing() {
    let m = market();
    let err = AttributionError::ControlCharacter(String::new(), 0, 0);
    let one_use = |request: &str| {
        vec![att::Use {
            request_id: request.into(),
            grant_id: m.grant,
            units: 1,
            weights: weights(m.first, &[(0, 1)]),
            ..Default::default()
        }]
    };
    let root = |chain: &TestChain| chain.substore_root(crate::store::Substore::Attribution);
    let attribution_root = root(&m.w.chain);
    refused_field(
        report(&m, "batch\u{7}", one_use("r1"), vec![]),
        &err,
        "batch_id",
    );
    refused_field(
        report(&m, "batch", one_use("r\u{0}1"), vec![]),
        &err,
        "request_id",
    );
    let stranger = &m.licensee;
    let reg = att::MsgRegisterOperator {
        operator: stranger.address().to_bech32(),
        version_id: m.tuned,
        endpoint: "https://infer.example/\u{1b}[31m".into(),
        bond: "2000000".into(),
    };
    refused_field(
        m.w.chain
            .exec(stranger, vec![any(&url(ATT, "MsgRegisterOperator"), &reg)]),
        &err,
        "endpoint",
    );
    assert_eq!(root(&m.w.chain), attribution_root);
    // A report with clean text is accepted; its challenge's evidence is checked the same way.
    assert_eq!(report(&m, "batch", one_use("r1"), vec![]).code, 0);
    let challenge = att::MsgChallengeUsage {
        challenger: stranger.address().to_bech32(),
        report_id: 1,
        claim: att::ChallengeClaim::FabricatedUse as i32,
        bond: "1000000".into(),
        evidence_uri: "ipfs://evidence\u{202E}".into(),
    };
    refused_field(
        m.w.chain.exec(
            stranger,
            vec![any(&url(ATT, "MsgChallengeUsage"), &challenge)],
        ),
        &err,
        "evidence_uri",
    );
}
