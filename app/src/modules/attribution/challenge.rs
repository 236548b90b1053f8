//! Disputes of usage reports: bonded challenges within the window, several per report, decided
//! by a threshold of the council or withdrawn with their bond after a timeout.

use openledger_proto::attribution::v1::{
    Challenge, ChallengeClaim, ChallengeStatus, EventChallengeResolved, EventChallengeVoted,
    EventChallengeWithdrawn, EventUsageChallenged, MsgChallengeUsage, MsgChallengeUsageResponse,
    MsgResolveChallenge, MsgResolveChallengeResponse, MsgWithdrawChallenge,
    MsgWithdrawChallengeResponse, Report,
};

use openledger_types::Address;

use super::council;
use super::deps::{Grants, Transfers};
use super::msgs::amount;
use super::state::{self, num};
use super::{bonds_account, rewards_account, AttributionError};
use crate::context::{typed_event, Ctx};
use crate::error::Failure;
use crate::modules::util::{check_text, split_proportional, Lines};

/// A module account holding challengers' bonds until the ruling.
pub fn challenge_bonds_account() -> Address {
    Address::module("attribution_challenges")
}

pub fn validate_challenge(msg: &MsgChallengeUsage) -> Result<(Address, u128), AttributionError> {
    if ChallengeClaim::try_from(msg.claim).map_or(true, |c| c == ChallengeClaim::Unspecified) {
        return Err(AttributionError::InvalidField(
            "claim must be fabricated use, wrong attribution or unlicensed use".into(),
        ));
    }
    check_text("evidence_uri", &msg.evidence_uri, 0, 512, Lines::One)?;
    let bond = amount("bond", &msg.bond)?;
    Ok((Address::from_bech32(&msg.challenger)?, bond))
}

pub fn challenge(
    ctx: &mut Ctx,
    transfers: &impl Transfers,
    msg: &MsgChallengeUsage,
    challenger: &Address,
    bond: u128,
) -> Result<MsgChallengeUsageResponse, Failure> {
    let params = state::params(ctx)?;
    let report = state::report(ctx, msg.report_id)?
        .ok_or(AttributionError::ReportNotFound(msg.report_id))?;
    let closes = report.height.saturating_add(params.challenge_window_blocks);
    if ctx.height > closes {
        return Err(AttributionError::ChallengeWindowClosed(report.id, closes).into());
    }
    if report.reversed {
        return Err(AttributionError::ReportReversed(report.id).into());
    }
    if report.acknowledged && msg.claim == ChallengeClaim::FabricatedUse as i32 {
        return Err(AttributionError::AcknowledgedByLicensee(report.id).into());
    }
    let operator = state::stored_address(&report.operator)?;
    if operator == *challenger {
        return Err(AttributionError::SelfChallenge(report.id).into());
    }
    let min = num(&params.min_challenge_bond)?;
    if bond < min {
        return Err(AttributionError::BondTooSmall(bond, min).into());
    }
    let open = state::open_challenges(ctx, report.id)?;
    if open >= u64::from(params.max_open_challenges_per_report) {
        return Err(AttributionError::ChallengeSlotsFull(
            report.id,
            params.max_open_challenges_per_report,
        )
        .into());
    }
    transfers.send_uopen(ctx, challenger, &challenge_bonds_account(), bond)?;
    let id = state::next_challenge_id(ctx)?;
    let challenge = Challenge {
        id,
        challenger: challenger.to_bech32(),
        report_id: report.id,
        claim: msg.claim,
        bond: bond.to_string(),
        evidence_uri: msg.evidence_uri.clone(),
        height: ctx.height,
        status: ChallengeStatus::Open as i32,
        resolved_height: 0,
        upheld_by: Vec::new(),
        rejected_by: Vec::new(),
    };
    state::set_challenge(ctx, &challenge)?;
    count_open(ctx, &report, 1)?;
    ctx.emit(typed_event(&EventUsageChallenged {
        challenge_id: id,
        report_id: report.id,
        challenger: challenge.challenger.clone(),
        claim: msg.claim,
    }));
    Ok(MsgChallengeUsageResponse { challenge_id: id })
}

/// Opens (+1) or closes (-1) a challenge in the counts of its report and of the report's
/// operator, which hold back the report's vesting and the operator's unbonding.
fn count_open(ctx: &mut Ctx, report: &Report, delta: i8) -> Result<(), Failure> {
    let corrupt = || AttributionError::Overflow("open challenge count".into());
    let open = state::open_challenges(ctx, report.id)?;
    let open = if delta > 0 {
        open.checked_add(1)
    } else {
        open.checked_sub(1)
    }
    .ok_or_else(corrupt)?;
    state::set_open_challenges(ctx, report.id, open)?;
    let operator = state::stored_address(&report.operator)?;
    // The operator's record outlives its open challenges: unbonding waits for them.
    if let Some(mut op) = state::operator(ctx, report.version_id, &operator)? {
        op.open_challenges = if delta > 0 {
            op.open_challenges.checked_add(1)
        } else {
            op.open_challenges.checked_sub(1)
        }
        .ok_or_else(corrupt)?;
        state::set_operator(ctx, &operator, &op)?;
    }
    Ok(())
}

/// An open challenge, refused once decided or withdrawn.
fn open_challenge(ctx: &mut Ctx, id: u64) -> Result<Challenge, AttributionError> {
    let challenge = state::challenge(ctx, id)?.ok_or(AttributionError::ChallengeNotFound(id))?;
    if challenge.status != ChallengeStatus::Open as i32 {
        return Err(AttributionError::ChallengeResolved(id));
    }
    Ok(challenge)
}

pub fn validate_resolve(msg: &MsgResolveChallenge) -> Result<Address, AttributionError> {
    Ok(Address::from_bech32(&msg.member)?)
}

/// One council member's vote; the threshold decides the challenge.
pub fn resolve(
    ctx: &mut Ctx,
    deps: &(impl Grants + Transfers),
    msg: &MsgResolveChallenge,
    member: &Address,
) -> Result<MsgResolveChallengeResponse, Failure> {
    let params = state::params(ctx)?;
    if !council::is_member(&params, member) {
        return Err(AttributionError::NotCouncilMember(member.clone()).into());
    }
    let mut challenge = open_challenge(ctx, msg.challenge_id)?;
    if ctx.height
        > challenge
            .height
            .saturating_add(params.challenge_timeout_blocks)
    {
        return Err(AttributionError::ChallengeTimedOut(challenge.id).into());
    }
    let report = state::report(ctx, challenge.report_id)?
        .ok_or(AttributionError::ReportNotFound(challenge.report_id))?;
    let me = member.to_bech32();
    if challenge.challenger == me || report.operator == me {
        return Err(AttributionError::ConflictOfInterest(member.clone(), challenge.id).into());
    }
    if challenge.upheld_by.contains(&me) || challenge.rejected_by.contains(&me) {
        return Err(AttributionError::AlreadyVoted(member.clone(), challenge.id).into());
    }
    ctx.emit(typed_event(&EventChallengeVoted {
        challenge_id: challenge.id,
        member: me.clone(),
        upheld: msg.upheld,
    }));
    let votes = if msg.upheld {
        &mut challenge.upheld_by
    } else {
        &mut challenge.rejected_by
    };
    votes.push(me);
    let decided = votes.len() >= params.council_threshold as usize;
    let mut outcome = MsgResolveChallengeResponse {
        status: ChallengeStatus::Open as i32,
        reversed: "0".into(),
        slashed: "0".into(),
        burned: "0".into(),
    };
    if !decided {
        state::set_challenge(ctx, &challenge)?;
        return Ok(outcome);
    }
    let challenger = state::stored_address(&challenge.challenger)?;
    let bond = num(&challenge.bond)?;
    if msg.upheld {
        deps.send_uopen(ctx, &challenge_bonds_account(), &challenger, bond)?;
        if !report.reversed {
            let (reversed, slashed) = reverse(ctx, deps, report.clone(), &challenger)?;
            outcome.reversed = reversed.to_string();
            outcome.slashed = slashed.to_string();
        }
        challenge.status = ChallengeStatus::Upheld as i32;
    } else {
        deps.burn_uopen(ctx, &challenge_bonds_account(), bond)?;
        outcome.burned = bond.to_string();
        challenge.status = ChallengeStatus::Rejected as i32;
    }
    outcome.status = challenge.status;
    challenge.resolved_height = ctx.height;
    state::set_challenge(ctx, &challenge)?;
    count_open(ctx, &report, -1)?;
    ctx.emit(typed_event(&EventChallengeResolved {
        challenge_id: challenge.id,
        upheld: msg.upheld,
        reversed: outcome.reversed.clone(),
        slashed: outcome.slashed.clone(),
        burned: outcome.burned.clone(),
    }));
    Ok(outcome)
}

/// The first upheld challenge or proof against a report: the operator's whole bond to the
/// challenger (or prover), and
/// exactly what the report credited, none of it claimable yet, back to the grants it charged.
/// Returns (reversed, slashed).
pub(super) fn reverse(
    ctx: &mut Ctx,
    deps: &(impl Grants + Transfers),
    mut report: Report,
    challenger: &Address,
) -> Result<(u128, u128), Failure> {
    let operator = state::stored_address(&report.operator)?;
    let mut slashed = 0;
    if let Some(mut op) = state::operator(ctx, report.version_id, &operator)? {
        slashed = num(&op.bond)?;
        deps.send_uopen(ctx, &bonds_account(), challenger, slashed)?;
        op.bond = "0".into();
        if op.unbonding_height == 0 {
            op.unbonding_height = ctx.height;
        }
        state::set_operator(ctx, &operator, &op)?;
    }
    let mut reversed = 0u128;
    for payout in &report.payouts {
        let payee = state::stored_address(&payout.address)?;
        // A credit cannot vest while its report is challenged, so the whole of it is here.
        let Some(credit) = state::credit(ctx, &payee, report.id)? else {
            continue;
        };
        let take = num(&credit.amount)?;
        state::remove_credit(ctx, &payee, report.id)?;
        let mut rewards = state::rewards(ctx, &payee)?;
        rewards.earned = num(&rewards.earned)?
            .checked_sub(take)
            .ok_or_else(|| AttributionError::Overflow("reversed more than earned".into()))?
            .to_string();
        state::set_rewards(ctx, &payee, &rewards)?;
        reversed = reversed
            .checked_add(take)
            .ok_or_else(|| AttributionError::Overflow("reversal".into()))?;
    }
    if reversed > 0 {
        let weights: Vec<u64> = report
            .charges
            .iter()
            .map(|c| num(&c.amount).map(|a| a.min(u64::MAX as u128) as u64))
            .collect::<Result<_, _>>()?;
        let parts = split_proportional(reversed, &weights)
            .ok_or(AttributionError::NoChargesToRefund(report.id))?;
        for (charge, part) in report.charges.iter().zip(parts) {
            if part > 0 {
                deps.refund(ctx, charge.grant_id, part, &rewards_account())?;
            }
        }
    }
    report.reversed = true;
    state::set_report(ctx, &report)?;
    Ok((reversed, slashed))
}

pub fn validate_withdraw(msg: &MsgWithdrawChallenge) -> Result<Address, AttributionError> {
    Ok(Address::from_bech32(&msg.challenger)?)
}

/// A challenge nobody decided within the timeout: its bond back to its challenger.
pub fn withdraw(
    ctx: &mut Ctx,
    transfers: &impl Transfers,
    msg: &MsgWithdrawChallenge,
    challenger: &Address,
) -> Result<MsgWithdrawChallengeResponse, Failure> {
    let params = state::params(ctx)?;
    let mut challenge = open_challenge(ctx, msg.challenge_id)?;
    if challenge.challenger != challenger.to_bech32() {
        return Err(AttributionError::NotChallenger(challenger.clone(), challenge.id).into());
    }
    let from = challenge
        .height
        .saturating_add(params.challenge_timeout_blocks)
        .saturating_add(1);
    if ctx.height < from {
        return Err(AttributionError::ChallengeNotTimedOut(challenge.id, from).into());
    }
    let report = state::report(ctx, challenge.report_id)?
        .ok_or(AttributionError::ReportNotFound(challenge.report_id))?;
    let bond = num(&challenge.bond)?;
    transfers.send_uopen(ctx, &challenge_bonds_account(), challenger, bond)?;
    challenge.status = ChallengeStatus::Expired as i32;
    challenge.resolved_height = ctx.height;
    state::set_challenge(ctx, &challenge)?;
    count_open(ctx, &report, -1)?;
    ctx.emit(typed_event(&EventChallengeWithdrawn {
        challenge_id: challenge.id,
        returned: bond.to_string(),
    }));
    Ok(MsgWithdrawChallengeResponse {
        returned: bond.to_string(),
    })
}
