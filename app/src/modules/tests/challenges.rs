//! Disputes: a challenge upheld slashes the operator, one rejected burns the challenger's bond.

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
    let id = ok::<att::MsgChallengeUsageResponse>(challenge(&m, challenger, report_id, "1000000"))
        .challenge_id;
    refused(
        challenge(&m, &m.w.second, report_id, "1000000"),
        &AttributionError::ChallengeAlreadyOpen(report_id),
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
        &AttributionError::NotAuthority(m.w.second.address()),
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
        &AttributionError::NotBonded(m.operator.address(), m.tuned),
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
    let id = ok::<att::MsgChallengeUsageResponse>(challenge(&m, &m.w.second, report_id, "3000000"))
        .challenge_id;
    let outcome: att::MsgResolveChallengeResponse = ok(resolve(&m, id, false));
    assert_eq!(
        (outcome.burned.as_str(), outcome.slashed.as_str()),
        ("3000000", "0")
    );
    assert_eq!(supply(&m), supply_before - 3_000_000);
    refused(
        resolve(&m, id, true),
        &AttributionError::ChallengeResolved(id),
    );
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
