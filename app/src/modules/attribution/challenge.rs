//! Disputes of usage reports: a bonded challenge within the window, ruled by the authority.

use openledger_proto::attribution::v1::{
    Challenge, ChallengeClaim, ChallengeStatus, EventChallengeResolved, EventUsageChallenged,
    MsgChallengeUsage, MsgChallengeUsageResponse, MsgResolveChallenge, MsgResolveChallengeResponse,
};

use openledger_types::Address;

use super::deps::{Grants, Transfers};
use super::msgs::amount;
use super::state::{self, num};
use super::{bonds_account, rewards_account, AttributionError};
use crate::context::{typed_event, Ctx};
use crate::error::Failure;
use crate::modules::util::split_proportional;

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
    if msg.evidence_uri.chars().count() > 512 {
        return Err(AttributionError::InvalidField(
            "evidence_uri is limited to 512 characters".into(),
        ));
    }
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
    let min = num(&params.min_challenge_bond)?;
    if bond < min {
        return Err(AttributionError::BondTooSmall(bond, min).into());
    }
    if state::has_open_challenge(ctx, report.id)? {
        return Err(AttributionError::ChallengeAlreadyOpen(report.id).into());
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
    };
    state::set_challenge(ctx, &challenge)?;
    state::set_open_challenge(ctx, report.id, id)?;
    ctx.emit(typed_event(&EventUsageChallenged {
        challenge_id: id,
        report_id: report.id,
        challenger: challenge.challenger.clone(),
        claim: msg.claim,
    }));
    Ok(MsgChallengeUsageResponse { challenge_id: id })
}

pub fn validate_resolve(msg: &MsgResolveChallenge) -> Result<Address, AttributionError> {
    Ok(Address::from_bech32(&msg.authority)?)
}

pub fn resolve(
    ctx: &mut Ctx,
    deps: &(impl Grants + Transfers),
    msg: &MsgResolveChallenge,
    authority: &Address,
) -> Result<MsgResolveChallengeResponse, Failure> {
    let params = state::params(ctx)?;
    if params.authority.is_empty() || params.authority != authority.to_bech32() {
        return Err(AttributionError::NotAuthority(authority.clone()).into());
    }
    let mut challenge = state::challenge(ctx, msg.challenge_id)?
        .ok_or(AttributionError::ChallengeNotFound(msg.challenge_id))?;
    if challenge.status != ChallengeStatus::Open as i32 {
        return Err(AttributionError::ChallengeResolved(challenge.id).into());
    }
    let report = state::report(ctx, challenge.report_id)?
        .ok_or(AttributionError::ReportNotFound(challenge.report_id))?;
    let challenger = state::stored_address(&challenge.challenger)?;
    let bond = num(&challenge.bond)?;
    let (mut reversed, mut slashed, mut burned) = (0u128, 0u128, 0u128);
    if msg.upheld {
        // The operator's bond to the challenger, with the challenger's own bond back.
        let operator = state::stored_address(&report.operator)?;
        if let Some(mut op) = state::operator(ctx, report.version_id, &operator)? {
            slashed = num(&op.bond)?;
            deps.send_uopen(ctx, &bonds_account(), &challenger, slashed)?;
            op.bond = "0".into();
            if op.unbonding_height == 0 {
                op.unbonding_height = ctx.height;
            }
            state::set_operator(ctx, &operator, &op)?;
        }
        deps.send_uopen(ctx, &challenge_bonds_account(), &challenger, bond)?;
        // Reverse what the report credited and is still unclaimed.
        for payout in &report.payouts {
            let addr = state::stored_address(&payout.address)?;
            let mut rewards = state::rewards(ctx, &addr)?;
            let pending = num(&rewards.earned)?.saturating_sub(num(&rewards.claimed)?);
            let take = pending.min(num(&payout.amount)?);
            rewards.earned = (num(&rewards.earned)? - take).to_string();
            state::set_rewards(ctx, &addr, &rewards)?;
            reversed += take;
        }
        let weights: Vec<u64> = report
            .charges
            .iter()
            .map(|c| num(&c.amount).map(|a| a.min(u64::MAX as u128) as u64))
            .collect::<Result<_, _>>()?;
        if reversed > 0 {
            if let Some(parts) = split_proportional(reversed, &weights) {
                for (charge, part) in report.charges.iter().zip(parts) {
                    if part > 0 {
                        deps.refund(ctx, charge.grant_id, part, &rewards_account())?;
                    }
                }
            } else {
                return Err(AttributionError::NoChargesToRefund(report.id).into());
            }
        }
        challenge.status = ChallengeStatus::Upheld as i32;
    } else {
        burned = bond;
        deps.burn_uopen(ctx, &challenge_bonds_account(), bond)?;
        challenge.status = ChallengeStatus::Rejected as i32;
    }
    challenge.resolved_height = ctx.height;
    state::set_challenge(ctx, &challenge)?;
    state::clear_open_challenge(ctx, report.id)?;
    ctx.emit(typed_event(&EventChallengeResolved {
        challenge_id: challenge.id,
        upheld: msg.upheld,
        reversed: reversed.to_string(),
        slashed: slashed.to_string(),
        burned: burned.to_string(),
    }));
    Ok(MsgResolveChallengeResponse {
        reversed: reversed.to_string(),
        slashed: slashed.to_string(),
        burned: burned.to_string(),
    })
}
