//! Claims on content (audit M5, docs/adr/0008): a copy of a pending contribution's hash blocks
//! nobody, the curator chooses between claimants, and a rejection frees the hash.

use super::*;

fn create(w: &World, policy: ds::Policy) -> u64 {
    let create = ds::MsgCreateDataset {
        curator: w.curator.address().to_bech32(),
        name: "claims".into(),
        description: String::new(),
        license_id: 0,
        policy: policy as i32,
    };
    ok::<ds::MsgCreateDatasetResponse>(
        w.chain
            .exec(&w.curator, vec![any(&url(DS, "MsgCreateDataset"), &create)]),
    )
    .dataset_id
}

fn contribute(
    w: &World,
    key: &TestKey,
    dataset_id: u64,
    hash: &str,
) -> tendermint_proto::v0_38::abci::ExecTxResult {
    let msg = ds::MsgContribute {
        contributor: key.address().to_bech32(),
        dataset_id,
        items: vec![ds::ContributionItem {
            content_sha256: hash.into(),
            size: 10,
            uri: "ipfs://original".into(),
            metadata: String::new(),
        }],
    };
    w.chain
        .exec(key, vec![any(&url(DS, "MsgContribute"), &msg)])
}

fn review(
    w: &World,
    dataset_id: u64,
    id: u64,
    accept: bool,
) -> tendermint_proto::v0_38::abci::ExecTxResult {
    let msg = ds::MsgReviewContributions {
        curator: w.curator.address().to_bech32(),
        dataset_id,
        decisions: vec![ds::Decision {
            contribution_id: id,
            accept,
            reason: String::new(),
        }],
    };
    w.chain.exec(
        &w.curator,
        vec![any(&url(DS, "MsgReviewContributions"), &msg)],
    )
}

fn first(result: tendermint_proto::v0_38::abci::ExecTxResult) -> u64 {
    ok::<ds::MsgContributeResponse>(result).first_contribution_id
}

#[test]
fn a_copied_hash_does_not_block_the_real_contributor_and_the_curator_picks_one() {
    let w = world();
    let dataset = create(&w, ds::Policy::Curated);
    let (copier, real) = (&w.contributors[1], &w.contributors[0]);
    // The copier's tx lands first with the real contributor's hash; the real one still lands.
    let copy = first(contribute(&w, copier, dataset, &sha(1)));
    let original = first(contribute(&w, real, dataset, &sha(1)));
    // The same contributor twice is still one claim.
    refused(
        contribute(&w, real, dataset, &sha(1)),
        &DatasetsError::DuplicateContent(String::new()),
    );
    // The curator accepts the original; the copy can then not be accepted too, only rejected.
    assert_eq!(review(&w, dataset, original, true).code, 0);
    refused(
        review(&w, dataset, copy, true),
        &DatasetsError::ContentAlreadyAccepted(String::new(), 0),
    );
    assert_eq!(review(&w, dataset, copy, false).code, 0);
}

#[test]
fn a_rejected_contribution_frees_its_hash() {
    let w = world();
    let dataset = create(&w, ds::Policy::Curated);
    let key = &w.contributors[0];
    let id = first(contribute(&w, key, dataset, &sha(2)));
    assert_eq!(review(&w, dataset, id, false).code, 0);
    // Rejected: the same contributor may contribute the hash again, and have it accepted.
    let again = first(contribute(&w, key, dataset, &sha(2)));
    assert_ne!(again, id);
    assert_eq!(review(&w, dataset, again, true).code, 0);
    // Accepted: the claim is live again.
    refused(
        contribute(&w, key, dataset, &sha(2)),
        &DatasetsError::DuplicateContent(String::new()),
    );
}

#[test]
fn an_open_dataset_records_every_claimant() {
    let w = world();
    let dataset = create(&w, ds::Policy::Open);
    let a = first(contribute(&w, &w.contributors[1], dataset, &sha(3)));
    let b = first(contribute(&w, &w.contributors[0], dataset, &sha(3)));
    let accepted: ds::QueryContributionsResponse = w
        .chain
        .query(
            &url(DS, "Query/Contributions"),
            &ds::QueryContributionsRequest {
                dataset_id: dataset,
                status: ds::Status::Accepted as i32,
                after_id: 0,
                limit: 0,
            },
        )
        .unwrap();
    let ids: Vec<u64> = accepted.contributions.iter().map(|c| c.id).collect();
    assert_eq!(ids, vec![a, b]);
    refused(
        contribute(&w, &w.contributors[0], dataset, &sha(3)),
        &DatasetsError::DuplicateContent(String::new()),
    );
}
