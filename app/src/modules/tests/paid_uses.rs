//! Paid uses of a licensed fine-tune: settled to the last unit, claimed, aggregated, proven by
//! receipt, and refused without a trace when a report is wrong.

use rs_merkle::{algorithms::Sha256, Hasher, MerkleTree};

use super::*;
use crate::store::Substore;

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
            ..Default::default()
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
                    ..Default::default()
                },
            )
            .unwrap();
    // The lists come a page at a time: a page of one, and the cursor of the rest.
    let first_page: att::QueryEarningsResponse =
        m.w.chain
            .query(
                &url(ATT, "Query/Earnings"),
                &att::QueryEarningsRequest {
                    address: c0.address().to_bech32(),
                    limit: 1,
                    ..Default::default()
                },
            )
            .unwrap();
    assert_eq!(first_page.contributions, earnings.contributions[..1]);
    let rest = earnings
        .contributions
        .get(1)
        .map(|_| earnings.contributions[0].contribution_id);
    assert_eq!(first_page.next_after_contribution_id, rest.unwrap_or(0));
    assert_eq!(
        earnings.next_after_contribution_id, 0,
        "one default page holds all"
    );
    let earned: u128 = earnings.rewards.unwrap().earned.parse().unwrap();
    assert!(
        earned > 0
            && earnings
                .contributions
                .iter()
                .any(|c| c.contribution_id == m.first)
    );
    let claim = att::MsgClaimRewards {
        claimant: c0.address().to_bech32(),
    };
    // Nothing is claimable while the reports can be challenged.
    assert_eq!(
        (earnings.vested.as_str(), earnings.pending.clone()),
        ("0", earned.to_string())
    );
    refused(
        m.w.chain
            .exec(c0, vec![any(&url(ATT, "MsgClaimRewards"), &claim)]),
        &AttributionError::NothingVested(c0.address(), earned),
    );
    advance(&m.w, WINDOW);
    let before = m.w.chain.balance(&c0.address());
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
        &AttributionError::NothingToClaim(String::new()),
    );
    assert_eq!(supply(&m), supply_before);
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
        ..Default::default()
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
            ..Default::default()
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
    let bank = m.w.chain.substore_root(Substore::Bank);
    type ReportArgs = (&'static str, Vec<att::Use>, Vec<att::AggregatedUses>);
    let cases: Vec<(&str, ReportArgs, Box<dyn AbciError>)> = vec![
        (
            "replayed batch",
            ("ok", one("r2", m.grant, vec![]), vec![]),
            Box::new(AttributionError::ReplayedBatch(String::new())),
        ),
        (
            "replayed request",
            ("b2", one("r1", m.grant, vec![]), vec![]),
            Box::new(AttributionError::ReplayedRequest(String::new())),
        ),
        (
            "grant of another version",
            ("b3", one("r3", 1, vec![]), vec![]),
            Box::new(LicensesError::WrongTarget(1, m.tuned)),
        ),
        (
            "unknown grant",
            ("b4", one("r4", 99, vec![]), vec![]),
            Box::new(LicensesError::GrantNotFound(0)),
        ),
        (
            "weights outside the lineage",
            (
                "b5",
                one("r5", m.grant, weights(m.first, &[(50, 1)])),
                vec![],
            ),
            Box::new(AttributionError::ContributionNotEligible(m.first + 50)),
        ),
        (
            "zero weight",
            (
                "b6",
                one("r6", m.grant, weights(m.first, &[(0, 0)])),
                vec![],
            ),
            Box::new(AttributionError::InvalidWeight(String::new())),
        ),
        (
            "overflowing weights",
            (
                "b7",
                one("r7", m.grant, weights(m.first, &[(0, u64::MAX), (1, 1)])),
                vec![],
            ),
            Box::new(AttributionError::InvalidWeight(String::new())),
        ),
        (
            "escrow too small",
            (
                "b8",
                vec![],
                vec![att::AggregatedUses {
                    grant_id: m.grant,
                    uses: 1_000,
                    units: 1_000,
                    weights: vec![],
                    receipts_root: vec![0; 32],
                    ..Default::default()
                }],
            ),
            Box::new(LicensesError::InsufficientEscrow(m.grant, 0, 0)),
        ),
    ];
    for (what, (batch, uses, aggregated), expected) in cases {
        let (result, moved) = m.w.chain.moved_by(|| report(&m, batch, uses, aggregated));
        assert_eq!(
            (result.codespace.as_str(), result.code),
            (expected.codespace(), expected.code()),
            "{what}: {}",
            result.log
        );
        // Refused before the ante (stateless checks) nothing moves; after it, the fee and the
        // sequence do. Attribution and licences (and every other substore) stay byte-identical.
        assert!(
            moved.is_empty() || moved == [Substore::Auth, Substore::Bank],
            "{what}: moved {moved:?}"
        );
    }
    // Only the operator's fees and sequence moved: no report, no reward, no counter.
    let reports: att::QueryReportsResponse =
        m.w.chain
            .query(
                &url(ATT, "Query/Reports"),
                &att::QueryReportsRequest {
                    operator: m.operator.address().to_bech32(),
                    ..Default::default()
                },
            )
            .unwrap();
    assert_eq!(reports.reports.len(), 1);
    assert_eq!(counters(&m, 0).uses, 1);
    assert_ne!(
        m.w.chain.substore_root(Substore::Bank),
        bank,
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
        &AttributionError::NotBonded(m.operator.address(), m.tuned),
    );
    refused(
        m.w.chain.exec(
            &m.operator,
            vec![any(&url(ATT, "MsgUnbondOperator"), &unbond)],
        ),
        &AttributionError::StillUnbonding(0),
    );
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
            ..Default::default()
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
        ..Default::default()
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
fn an_export_keeps_paid_requests_so_replays_stay_refused() {
    let m = market();
    let one = vec![att::Use {
        request_id: "paid-once".into(),
        grant_id: m.grant,
        units: 1,
        weights: vec![],
        ..Default::default()
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
