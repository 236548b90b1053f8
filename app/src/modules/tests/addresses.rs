//! Addresses in messages (audit L2): all upper case is the same account and is stored in its
//! canonical (lower-case) spelling; mixed case and bech32m are refused as invalid addresses.

use super::*;

#[test]
fn an_upper_case_contributor_is_stored_canonically_and_mixed_case_is_refused() {
    let w = world();
    let model_id = register(&w, &w.builder, "base");
    let canonical = w.tuner.address().to_bech32();
    let mut msg = mdl::MsgPublishVersion {
        owner: w.builder.address().to_bech32(),
        model_id,
        artifact_sha256: sha(1),
        uri: String::new(),
        parent_version_ids: Vec::new(),
        external_base: None,
        training: Some(mdl::TrainingRecord {
            method: mdl::TrainingMethod::Full as i32,
            hyperparams_sha256: String::new(),
            datasets: Vec::new(),
        }),
        contributors: vec![mdl::Contributor {
            address: canonical.to_ascii_uppercase(),
            role: mdl::Role::Architect as i32,
            share_bps: 10_000,
        }],
        license_ids: Vec::new(),
    };
    let version_id = ok::<mdl::MsgPublishVersionResponse>(
        w.chain
            .exec(&w.builder, vec![any(&url(MDL, "MsgPublishVersion"), &msg)]),
    )
    .version_id;
    let stored: mdl::QueryVersionResponse = w
        .chain
        .query(
            &url(MDL, "Query/Version"),
            &mdl::QueryVersionRequest { version_id },
        )
        .unwrap();
    assert_eq!(stored.version.unwrap().contributors[0].address, canonical);

    let mut mixed = canonical.clone();
    mixed.replace_range(4..5, &canonical[4..5].to_ascii_uppercase());
    msg.contributors[0].address = mixed;
    msg.artifact_sha256 = sha(2);
    let log = refused(
        w.chain
            .exec(&w.builder, vec![any(&url(MDL, "MsgPublishVersion"), &msg)]),
        &SdkError::InvalidAddress(String::new()),
    );
    assert!(log.contains("mixed-case"), "{log}");
}
