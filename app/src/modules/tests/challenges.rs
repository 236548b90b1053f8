//! Disputes: several bonded challenges per report, decided by a threshold of the council; an
//! upheld one slashes the operator and reverses exactly the report's credits, once; rewards vest
//! only after the window; an operator cannot leave while it can still be slashed; a challenge
//! nobody decides is withdrawn with its bond.

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

fn challenged(m: &Market, who: &TestKey, report_id: u64, bond: &str) -> u64 {
    ok::<att::MsgChallengeUsageResponse>(challenge(m, who, report_id, bond)).challenge_id
}

fn vote(
    m: &Market,
    member: &TestKey,
    challenge_id: u64,
    upheld: bool,
) -> tendermint_proto::v0_38::abci::ExecTxResult {
    let msg = att::MsgResolveChallenge {
        member: member.address().to_bech32(),
        challenge_id,
        upheld,
    };
    m.w.chain
        .exec(member, vec![any(&url(ATT, "MsgResolveChallenge"), &msg)])
}

/// The curator's vote, which decides alone in the default world.
fn resolve(m: &Market, challenge_id: u64, upheld: bool) -> att::MsgResolveChallengeResponse {
    ok(vote(m, &m.w.curator, challenge_id, upheld))
}

fn withdraw(
    m: &Market,
    who: &TestKey,
    challenge_id: u64,
) -> tendermint_proto::v0_38::abci::ExecTxResult {
    let msg = att::MsgWithdrawChallenge {
        challenger: who.address().to_bech32(),
        challenge_id,
    };
    m.w.chain
        .exec(who, vec![any(&url(ATT, "MsgWithdrawChallenge"), &msg)])
}

fn claim(m: &Market, who: &TestKey) -> tendermint_proto::v0_38::abci::ExecTxResult {
    let msg = att::MsgClaimRewards {
        claimant: who.address().to_bech32(),
    };
    m.w.chain
        .exec(who, vec![any(&url(ATT, "MsgClaimRewards"), &msg)])
}

fn unbond(m: &Market) -> tendermint_proto::v0_38::abci::ExecTxResult {
    let msg = att::MsgUnbondOperator {
        operator: m.operator.address().to_bech32(),
        version_id: m.tuned,
    };
    m.w.chain
        .exec(&m.operator, vec![any(&url(ATT, "MsgUnbondOperator"), &msg)])
}

/// `count` uses of the fine-tune, all attributed to the first contribution.
fn uses(m: &Market, prefix: &str, count: usize) -> Vec<att::Use> {
    (0..count)
        .map(|i| att::Use {
            request_id: format!("{prefix}{i}"),
            grant_id: m.grant,
            units: 1,
            weights: weights(m.first, &[(0, 1)]),
            ..Default::default()
        })
        .collect()
}

fn reported(m: &Market, batch: &str, count: usize) -> u64 {
    ok::<att::MsgReportUsageResponse>(report(m, batch, uses(m, batch, count), vec![])).report_id
}

fn earnings(m: &Market, who: &TestKey) -> att::QueryEarningsResponse {
    m.w.chain
        .query(
            &url(ATT, "Query/Earnings"),
            &att::QueryEarningsRequest {
                address: who.address().to_bech32(),
                ..Default::default()
            },
        )
        .unwrap()
}

fn escrow(m: &Market) -> u128 {
    let g: lic::QueryGrantResponse =
        m.w.chain
            .query(
                &url(LIC, "Query/Grant"),
                &lic::QueryGrantRequest { grant_id: m.grant },
            )
            .unwrap();
    g.grant.unwrap().escrow.parse().unwrap()
}

fn status(m: &Market, challenge_id: u64) -> att::ChallengeStatus {
    let c: att::QueryChallengeResponse =
        m.w.chain
            .query(
                &url(ATT, "Query/Challenge"),
                &att::QueryChallengeRequest { challenge_id },
            )
            .unwrap();
    att::ChallengeStatus::try_from(c.challenge.unwrap().status).unwrap()
}

#[test]
fn an_upheld_challenge_slashes_the_bond_and_reverses_the_reports_credits_once() {
    let m = market();
    let report_id = reported(&m, "b1", 10);
    let escrow_after_report = escrow(&m);
    let challenger = &m.licensee;
    let before = m.w.chain.balance(&challenger.address());
    let first = challenged(&m, challenger, report_id, "1000000");
    // A second challenge of the same report is not blocked by the first.
    let second = challenged(&m, &m.w.second, report_id, "1000000");
    // Only the council rules, and the operator may not challenge its own report.
    refused(
        vote(&m, &m.w.second, first, true),
        &AttributionError::NotCouncilMember(m.w.second.address()),
    );
    refused(
        challenge(&m, &m.operator, report_id, "1000000"),
        &AttributionError::SelfChallenge(report_id),
    );
    let outcome = resolve(&m, first, true);
    assert_eq!(outcome.status, att::ChallengeStatus::Upheld as i32);
    assert_eq!(outcome.slashed, "2000000");
    // 10 uses at 1,000 less the 1% fee: 9,900 credited, none of it claimable yet, all reversed.
    assert_eq!(outcome.reversed, "9900");
    assert_eq!(escrow(&m), escrow_after_report + 9_900);
    assert_eq!(
        m.w.chain.balance(&challenger.address()),
        before + 2_000_000 - 250_000,
        "slashed bond in, own bond back, the challenge fee out"
    );
    let c0 = earnings(&m, &m.w.contributors[0]);
    assert_eq!(
        (c0.rewards.unwrap().earned.as_str(), c0.pending.as_str()),
        ("0", "0")
    );
    // The second upheld challenge gets its bond back; the report is not reversed again.
    let again = resolve(&m, second, true);
    assert_eq!(
        (again.reversed.as_str(), again.slashed.as_str()),
        ("0", "0")
    );
    assert_eq!(escrow(&m), escrow_after_report + 9_900);
    refused(
        challenge(&m, &m.w.second, report_id, "1000000"),
        &AttributionError::ReportReversed(report_id),
    );
    refused(
        report(&m, "b2", uses(&m, "x", 1), vec![]),
        &AttributionError::NotBonded(m.operator.address(), m.tuned),
    );
    conserved(&m);
}

#[test]
fn two_challenges_on_one_report_the_first_rejected_the_second_upheld_leave_other_reports_alone() {
    let m = market();
    let disputed = reported(&m, "b1", 4);
    let other = reported(&m, "b2", 6);
    let supply_before = supply(&m);
    let weak = challenged(&m, &m.w.second, disputed, "3000000");
    let rejected = resolve(&m, weak, false);
    assert_eq!(
        (rejected.burned.as_str(), rejected.slashed.as_str()),
        ("3000000", "0")
    );
    assert_eq!(supply(&m), supply_before - 3_000_000);
    refused(
        vote(&m, &m.w.curator, weak, true),
        &AttributionError::ChallengeResolved(weak),
    );
    assert_eq!(status(&m, weak), att::ChallengeStatus::Rejected);
    let strong = challenged(&m, &m.licensee, disputed, "1000000");
    let upheld = resolve(&m, strong, true);
    // 4 uses at 1,000 less the fee: only the disputed report's credits come back.
    assert_eq!(upheld.reversed, "3960");
    // The other report vests when its window closes and is claimed in full.
    advance(&m.w, WINDOW);
    let c0 = &m.w.contributors[0];
    let e = earnings(&m, c0);
    assert_eq!(e.pending, "0");
    let vested: u128 = e.vested.parse().unwrap();
    assert!(vested > 0);
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
    let credited_by_other = reports
        .reports
        .iter()
        .find(|r| r.id == other)
        .and_then(|r| {
            r.payouts
                .iter()
                .find(|p| p.address == c0.address().to_bech32())
        })
        .map(|p| p.amount.clone());
    assert_eq!(credited_by_other, Some(vested.to_string()));
    assert!(reports
        .reports
        .iter()
        .any(|r| r.id == disputed && r.reversed));
    let claimed: att::MsgClaimRewardsResponse = ok(claim(&m, c0));
    assert_eq!(claimed.claimed, vested.to_string());
    conserved(&m);
}

#[test]
fn an_operator_that_unbonds_right_after_a_report_stays_slashable_until_the_window_closes() {
    let m = market();
    let c0 = &m.w.contributors[0];
    let report_id = reported(&m, "b1", 2);
    assert_eq!(unbond(&m).code, 0, "unbonding starts");
    // The bond stays while the report can be challenged (unbonding is never shorter), and the
    // report's rewards are not claimable inside its window.
    refused(unbond(&m), &AttributionError::StillUnbonding(0));
    refused(
        claim(&m, c0),
        &AttributionError::NothingVested(c0.address(), 0),
    );
    let id = challenged(&m, &m.licensee, report_id, "1000000");
    // Past the window and the unbonding period, the open challenge still holds both.
    advance(&m.w, WINDOW);
    refused(unbond(&m), &AttributionError::ChallengesPending(1));
    refused(
        claim(&m, c0),
        &AttributionError::NothingVested(c0.address(), 0),
    );
    let outcome = resolve(&m, id, true);
    assert_eq!(outcome.slashed, "2000000", "the whole bond");
    let back: att::MsgUnbondOperatorResponse = ok(unbond(&m));
    assert_eq!(back.returned, "0");
    conserved(&m);
}

#[test]
fn a_challenge_nobody_decides_is_withdrawn_with_its_bond_after_the_timeout() {
    let m = market();
    let report_id = reported(&m, "b1", 1);
    let id = challenged(&m, &m.licensee, report_id, "1000000");
    let from = m.w.chain.app.committed().height + TIMEOUT + 1;
    refused(
        withdraw(&m, &m.licensee, id),
        &AttributionError::ChallengeNotTimedOut(id, from),
    );
    advance(&m.w, TIMEOUT);
    refused(
        withdraw(&m, &m.w.second, id),
        &AttributionError::NotChallenger(m.w.second.address(), id),
    );
    refused(
        vote(&m, &m.w.curator, id, true),
        &AttributionError::ChallengeTimedOut(id),
    );
    let before = m.w.chain.balance(&m.licensee.address());
    let back: att::MsgWithdrawChallengeResponse = ok(withdraw(&m, &m.licensee, id));
    assert_eq!(back.returned, "1000000");
    assert_eq!(
        m.w.chain.balance(&m.licensee.address()),
        before + 1_000_000 - 250_000
    );
    assert_eq!(status(&m, id), att::ChallengeStatus::Expired);
    // With no challenge open and the window closed, the report's rewards vest.
    let claimed: att::MsgClaimRewardsResponse = ok(claim(&m, &m.w.contributors[0]));
    assert_ne!(claimed.claimed, "0");
    conserved(&m);
}

/// A market whose council is the curator, the builder and the tuner, two of whom decide.
fn market_with_two_of_three() -> Market {
    let members =
        ["curator", "builder", "tuner"].map(|s| TestKey::from_seed(s).address().to_bech32());
    market_with(|p| {
        p.council = members.to_vec();
        p.council_threshold = 2;
    })
}

#[test]
fn two_of_three_council_members_decide_and_none_rules_on_a_challenge_they_filed() {
    let m = market_with_two_of_three();
    let report_id = reported(&m, "b1", 1);
    let id = challenged(&m, &m.w.builder, report_id, "1000000");
    refused(
        vote(&m, &m.w.builder, id, true),
        &AttributionError::ConflictOfInterest(m.w.builder.address(), id),
    );
    let first: att::MsgResolveChallengeResponse = ok(vote(&m, &m.w.curator, id, true));
    assert_eq!(
        first.status,
        att::ChallengeStatus::Open as i32,
        "one vote of two"
    );
    refused(
        vote(&m, &m.w.curator, id, false),
        &AttributionError::AlreadyVoted(m.w.curator.address(), id),
    );
    let second: att::MsgResolveChallengeResponse = ok(vote(&m, &m.w.tuner, id, true));
    assert_eq!(second.status, att::ChallengeStatus::Upheld as i32);
    assert_eq!(second.slashed, "2000000");
    conserved(&m);
}

fn update_council(
    m: &Market,
    member: &TestKey,
    members: &[&TestKey],
    threshold: u32,
) -> tendermint_proto::v0_38::abci::ExecTxResult {
    let msg = att::MsgUpdateCouncil {
        member: member.address().to_bech32(),
        members: members.iter().map(|k| k.address().to_bech32()).collect(),
        threshold,
    };
    m.w.chain
        .exec(member, vec![any(&url(ATT, "MsgUpdateCouncil"), &msg)])
}

#[test]
fn only_the_council_changes_the_council_at_its_own_threshold() {
    let m = market_with_two_of_three();
    let new = [&m.w.second, &m.licensee];
    refused(
        update_council(&m, &m.w.second, &new, 1),
        &AttributionError::NotCouncilMember(m.w.second.address()),
    );
    refused(
        update_council(&m, &m.w.curator, &new, 3),
        &AttributionError::InvalidCouncil(String::new()),
    );
    let first: att::MsgUpdateCouncilResponse = ok(update_council(&m, &m.w.curator, &new, 1));
    assert_eq!((first.approvals, first.applied), (1, false));
    refused(
        update_council(&m, &m.w.curator, &new, 1),
        &AttributionError::AlreadyApproved(m.w.curator.address()),
    );
    let second: att::MsgUpdateCouncilResponse = ok(update_council(&m, &m.w.tuner, &new, 1));
    assert_eq!((second.approvals, second.applied), (2, true));
    // The old council is out; the new one decides alone.
    let report_id = reported(&m, "b1", 1);
    let id = challenged(&m, &m.w.builder, report_id, "1000000");
    refused(
        vote(&m, &m.w.curator, id, true),
        &AttributionError::NotCouncilMember(m.w.curator.address()),
    );
    let decided: att::MsgResolveChallengeResponse = ok(vote(&m, &m.w.second, id, false));
    assert_eq!(decided.status, att::ChallengeStatus::Rejected as i32);
    conserved(&m);
}

#[test]
fn a_genesis_whose_unbonding_is_shorter_than_the_challenge_window_is_refused() {
    let p = att::Params {
        unbonding_blocks: 10,
        challenge_window_blocks: 100,
        ..crate::modules::attribution::default_params()
    };
    assert!(matches!(
        crate::modules::attribution::validate_params(&p),
        Err(AttributionError::InvalidParams(_))
    ));
    let mut genesis = crate::genesis::AppGenesis::default();
    genesis.attribution.params = Some(crate::modules::attribution::default_params());
    assert!(genesis.validate().is_ok());
    genesis.attribution.params = Some(p);
    assert!(genesis.validate().is_err());
}

#[test]
fn an_operators_reports_page_by_id_from_a_seek() {
    let m = market();
    let ids: Vec<u64> = (0..3).map(|i| reported(&m, &format!("b{i}"), 1)).collect();
    let page = |after_id: u64| -> att::QueryReportsResponse {
        m.w.chain
            .query(
                &url(ATT, "Query/Reports"),
                &att::QueryReportsRequest {
                    operator: m.operator.address().to_bech32(),
                    after_id,
                    limit: 2,
                },
            )
            .unwrap()
    };
    let first = page(0);
    let got: Vec<u64> = first.reports.iter().map(|r| r.id).collect();
    assert_eq!((got.as_slice(), first.next_after_id), (&ids[..2], ids[1]));
    let second = page(first.next_after_id);
    let got: Vec<u64> = second.reports.iter().map(|r| r.id).collect();
    assert_eq!((got.as_slice(), second.next_after_id), (&ids[2..], 0));
    conserved(&m);
}
