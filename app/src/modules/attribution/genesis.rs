//! attribution genesis: params, operators, reports, counters and rewards.

pub use openledger_proto::attribution::v1::GenesisState as Genesis;

use super::state::{self, S};
use super::AttributionError;
use crate::context::{Ctx, Read};
use openledger_types::Address;
use crate::modules::util::{id_key, read_values};

pub fn import(ctx: &mut Ctx, genesis: &Genesis) -> Result<(), AttributionError> {
    let p = &genesis.params.clone().unwrap_or_else(super::default_params);
    if p.protocol_fee_bps > 10_000 || p.max_uses_per_report == 0 || p.max_weights_per_use == 0 {
        return Err(AttributionError::InvalidField(
            "protocol_fee_bps ≤ 10000 and positive report limits".into(),
        ));
    }
    state::num(&p.min_operator_bond)?;
    ctx.put_msg(S, state::PARAMS.to_vec(), p)?;
    for op in &genesis.operators {
        state::set_operator(ctx, &Address::from_bech32(&op.address)?, op)?;
    }
    let mut last = 0;
    for r in &genesis.reports {
        let operator = Address::from_bech32(&r.operator)?;
        last = last.max(r.id);
        ctx.put_msg(S, id_key(state::REPORT, r.id), r)?;
        ctx.put(
            S,
            state::keyed_by_address(state::BATCH, &operator, r.batch_id.as_bytes()),
            r.id.to_be_bytes().to_vec(),
        )?;
        ctx.put(
            S,
            state::keyed_by_address(state::REPORTS_OF, &operator, &r.id.to_be_bytes()),
            Vec::new(),
        )?;
    }
    ctx.put(
        S,
        state::LAST_REPORT_ID.to_vec(),
        last.to_be_bytes().to_vec(),
    )?;
    for c in &genesis.contributions {
        ctx.put_msg(S, id_key(state::CONTRIBUTION, c.contribution_id), c)?;
    }
    for v in &genesis.versions {
        ctx.put_msg(S, id_key(state::VERSION, v.version_id), v)?;
    }
    for r in &genesis.rewards {
        state::set_rewards(ctx, &Address::from_bech32(&r.address)?, r)?;
    }
    let mut last = 0;
    for c in &genesis.challenges {
        last = last.max(c.id);
        ctx.put_msg(S, id_key(state::CHALLENGE, c.id), c)?;
        if c.status == openledger_proto::attribution::v1::ChallengeStatus::Open as i32 {
            ctx.put(
                S,
                id_key(state::OPEN_CHALLENGE, c.report_id),
                c.id.to_be_bytes().to_vec(),
            )?;
        }
    }
    ctx.put(
        S,
        state::LAST_CHALLENGE_ID.to_vec(),
        last.to_be_bytes().to_vec(),
    )?;
    for p in &genesis.paid_requests {
        let operator = Address::from_bech32(&p.operator)?;
        ctx.put(
            S,
            state::keyed_by_address(state::REQUEST, &operator, p.request_id.as_bytes()),
            Vec::new(),
        )?;
    }
    Ok(())
}

pub fn export(r: &mut impl Read) -> Result<Genesis, AttributionError> {
    Ok(Genesis {
        params: Some(state::params(r)?),
        operators: read_values(r, S, &[state::OPERATOR])?,
        reports: read_values(r, S, &[state::REPORT])?,
        contributions: read_values(r, S, &[state::CONTRIBUTION])?,
        versions: read_values(r, S, &[state::VERSION])?,
        rewards: read_values(r, S, &[state::REWARDS])?,
        challenges: read_values(r, S, &[state::CHALLENGE])?,
        paid_requests: paid_requests(r)?,
    })
}

/// The paid-request keys back as (operator, request id): `0x03 | len | operator | request id`.
fn paid_requests(
    r: &mut impl Read,
) -> Result<Vec<openledger_proto::attribution::v1::PaidRequest>, AttributionError> {
    let mut out = Vec::new();
    for (key, _) in r.read_prefix(S, &[state::REQUEST])? {
        let len = *key
            .get(1)
            .ok_or_else(|| AttributionError::InvalidField("request key".into()))?
            as usize;
        let operator = key
            .get(2..2 + len)
            .ok_or_else(|| AttributionError::InvalidField("request key".into()))?;
        let request_id = String::from_utf8(key[2 + len..].to_vec())
            .map_err(|_| AttributionError::InvalidField("request id is not utf-8".into()))?;
        out.push(openledger_proto::attribution::v1::PaidRequest {
            operator: Address::from_bytes(operator.to_vec())?.to_bech32(),
            request_id,
        });
    }
    Ok(out)
}
