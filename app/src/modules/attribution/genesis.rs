//! attribution genesis: params, operators, reports, counters and rewards.

pub use openledger_proto::attribution::v1::GenesisState as Genesis;
use std::collections::BTreeMap;

use openledger_proto::attribution::v1::{ChallengeStatus, PaidRequest};
use openledger_types::Address;

use super::state;
use super::AttributionError;
use crate::context::{Ctx, Read};

pub fn import(ctx: &mut Ctx, genesis: &Genesis) -> Result<(), AttributionError> {
    let p = &genesis.params.clone().unwrap_or_else(super::default_params);
    super::validate_params(p)?;
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
    let made_by: BTreeMap<u64, (u64, &str)> = genesis
        .reports
        .iter()
        .map(|r| (r.id, (r.version_id, r.operator.as_str())))
        .collect();
    let mut last = 0;
    // Open challenges per report, and per (version, operator) through their reports.
    let mut open: BTreeMap<u64, u64> = BTreeMap::new();
    let mut open_of: BTreeMap<(u64, String), u32> = BTreeMap::new();
    for c in &genesis.challenges {
        last = last.max(c.id);
        state::set_challenge(ctx, c)?;
        if c.status == ChallengeStatus::Open as i32 {
            let &(version_id, operator) = made_by
                .get(&c.report_id)
                .ok_or(AttributionError::ReportNotFound(c.report_id))?;
            *open.entry(c.report_id).or_default() += 1;
            *open_of
                .entry((version_id, operator.to_string()))
                .or_default() += 1;
        }
    }
    for (report_id, count) in open {
        state::set_open_challenges(ctx, report_id, count)?;
    }
    for op in &genesis.operators {
        let counted = open_of
            .get(&(op.version_id, op.address.clone()))
            .copied()
            .unwrap_or(0);
        if counted != op.open_challenges {
            return Err(AttributionError::InvalidField(format!(
                "operator {} of version {} counts {} open challenges, the challenges {counted}",
                op.address, op.version_id, op.open_challenges
            )));
        }
    }
    state::set_last_challenge_id(ctx, last)?;
    for credit in &genesis.credits {
        state::set_credit(ctx, credit)?;
    }
    state::set_council_epoch(ctx, genesis.council_epoch)?;
    for proposal in &genesis.council_proposals {
        super::council::import_proposal(ctx, proposal)?;
    }
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
        credits: state::all_credits(r)?,
        council_epoch: state::council_epoch(r)?,
        council_proposals: state::council_proposals(r)?,
    })
}
