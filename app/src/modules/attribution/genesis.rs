//! attribution genesis: params, operators, reports, counters and rewards.

pub use openledger_proto::attribution::v1::GenesisState as Genesis;
use openledger_proto::attribution::v1::{ChallengeStatus, PaidRequest};
use openledger_types::Address;

use super::state;
use super::AttributionError;
use crate::context::{Ctx, Read};

pub fn import(ctx: &mut Ctx, genesis: &Genesis) -> Result<(), AttributionError> {
    let p = &genesis.params.clone().unwrap_or_else(super::default_params);
    if p.protocol_fee_bps > 10_000 || p.max_uses_per_report == 0 || p.max_weights_per_use == 0 {
        return Err(AttributionError::InvalidField(
            "protocol_fee_bps ≤ 10000 and positive report limits".into(),
        ));
    }
    state::num(&p.min_operator_bond)?;
    state::set_params(ctx, p)?;
    for op in &genesis.operators {
        state::set_operator(ctx, &Address::from_bech32(&op.address)?, op)?;
    }
    let mut last = 0;
    for r in &genesis.reports {
        last = last.max(r.id);
        state::record_report(ctx, &Address::from_bech32(&r.operator)?, r)?;
    }
    state::set_last_report_id(ctx, last)?;
    for c in &genesis.contributions {
        state::set_contribution_counters(ctx, c)?;
    }
    for v in &genesis.versions {
        state::set_version_counters(ctx, v)?;
    }
    for r in &genesis.rewards {
        state::set_rewards(ctx, &Address::from_bech32(&r.address)?, r)?;
    }
    let mut last = 0;
    for c in &genesis.challenges {
        last = last.max(c.id);
        state::set_challenge(ctx, c)?;
        if c.status == ChallengeStatus::Open as i32 {
            state::set_open_challenge(ctx, c.report_id, c.id)?;
        }
    }
    state::set_last_challenge_id(ctx, last)?;
    for p in &genesis.paid_requests {
        state::record_paid_request(ctx, &Address::from_bech32(&p.operator)?, &p.request_id)?;
    }
    Ok(())
}

pub fn export(r: &mut impl Read) -> Result<Genesis, AttributionError> {
    Ok(Genesis {
        params: Some(state::params(r)?),
        operators: state::operators(r)?,
        reports: state::reports(r)?,
        contributions: state::all_contribution_counters(r)?,
        versions: state::all_version_counters(r)?,
        rewards: state::all_rewards(r)?,
        challenges: state::challenges(r)?,
        paid_requests: state::paid_requests(r)?
            .into_iter()
            .map(|(operator, request_id)| PaidRequest {
                operator: operator.to_bech32(),
                request_id,
            })
            .collect(),
    })
}
