//! The attribution substore; the only door to its keys (the layout is in `mod.rs`).

use openledger_proto::attribution::v1::{
    AddressRewards, Challenge, ContributionCounters, CouncilProposal, Operator, Params, Report,
    RewardCredit, VersionCounters,
};
use openledger_types::Address;

use super::AttributionError;
use crate::context::{Ctx, Read};
use crate::error::SdkError;
use crate::keyspace::{BigEndian, Counter, Item, Map, Proto, Set, Tail};
use crate::store::Substore;

const S: Substore = Substore::Attribution;
const PARAMS: Item<Proto<Params>> = Item::new(S, 0x00);
/// `0x01 | version id | len | operator` → operator.
const OPERATORS: Map<(u64, Address), Proto<Operator>> = Map::new(S, 0x01);
/// `0x02 | len | operator | batch id` → report id: a batch is reported once.
const BATCHES: Map<(Address, Tail), BigEndian> = Map::new(S, 0x02);
/// `0x03 | len | operator | request id`: a request is paid once.
const REQUESTS: Set<(Address, Tail)> = Map::new(S, 0x03);
const LAST_REPORT_ID: Counter = Counter::new(S, 0x04);
const REPORTS: Map<u64, Proto<Report>> = Map::new(S, 0x05);
/// `0x06 | len | operator | report id`: an operator's reports.
const REPORTS_OF: Set<(Address, u64)> = Map::new(S, 0x06);
const CONTRIBUTIONS: Map<u64, Proto<ContributionCounters>> = Map::new(S, 0x07);
const VERSIONS: Map<u64, Proto<VersionCounters>> = Map::new(S, 0x08);
const REWARDS: Map<Address, Proto<AddressRewards>> = Map::new(S, 0x09);
/// `0x0a | len | address | contribution id`: the contributions an address earned from.
const EARNED_FROM_CONTRIBUTION: Set<(Address, u64)> = Map::new(S, 0x0a);
/// `0x0b | len | address | version id`: the versions an address earned from.
const EARNED_FROM_VERSION: Set<(Address, u64)> = Map::new(S, 0x0b);
const LAST_CHALLENGE_ID: Counter = Counter::new(S, 0x0c);
const CHALLENGES: Map<u64, Proto<Challenge>> = Map::new(S, 0x0d);
/// `0x0e | report id` → how many challenges are open on it (absent: none); its credits do not
/// vest while any is.
const OPEN_CHALLENGES: Map<u64, BigEndian> = Map::new(S, 0x0e);
/// `0x0f | len | payee | report id` → what that report credited the payee, unclaimed.
const CREDITS: Map<(Address, u64), Proto<RewardCredit>> = Map::new(S, 0x0f);
/// `0x10` → the council epoch: how many times the council changed.
const COUNCIL_EPOCH: Counter = Counter::new(S, 0x10);
/// `0x11 | sha256(members, threshold)` → a proposed council change and its approvals.
const COUNCIL_PROPOSALS: Map<Tail, Proto<CouncilProposal>> = Map::new(S, 0x11);

/// What a payee earned from, so its earnings query can list the counters behind them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum EarnedFrom {
    Contribution(u64),
    Version(u64),
}

/// An address this module keeps in its records (reports, challenges, payees).
pub(super) fn stored_address(bech32: &str) -> Result<Address, SdkError> {
    Ok(Address::from_bech32(bech32)?)
}

fn tail(text: &str) -> Tail {
    Tail(text.as_bytes().to_vec())
}

pub(super) fn params(r: &mut impl Read) -> Result<Params, SdkError> {
    Ok(PARAMS.get(r)?.unwrap_or_else(super::default_params))
}

pub(super) fn set_params(ctx: &mut Ctx, params: &Params) -> Result<(), SdkError> {
    PARAMS.set(ctx, params)
}

pub(super) fn operator(
    r: &mut impl Read,
    version_id: u64,
    addr: &Address,
) -> Result<Option<Operator>, SdkError> {
    OPERATORS.get(r, &(version_id, addr.clone()))
}

pub(super) fn set_operator(ctx: &mut Ctx, addr: &Address, op: &Operator) -> Result<(), SdkError> {
    OPERATORS.set(ctx, &(op.version_id, addr.clone()), op)
}

pub(super) fn remove_operator(
    ctx: &mut Ctx,
    version_id: u64,
    addr: &Address,
) -> Result<(), SdkError> {
    OPERATORS.remove(ctx, &(version_id, addr.clone()))
}

pub(super) fn operators(r: &mut impl Read) -> Result<Vec<Operator>, SdkError> {
    OPERATORS.values(r)
}

pub(super) fn batch_reported(
    r: &mut impl Read,
    operator: &Address,
    batch_id: &str,
) -> Result<bool, SdkError> {
    BATCHES.has(r, &(operator.clone(), tail(batch_id)))
}

pub(super) fn request_paid(
    r: &mut impl Read,
    operator: &Address,
    request_id: &str,
) -> Result<bool, SdkError> {
    REQUESTS.has(r, &(operator.clone(), tail(request_id)))
}

pub(super) fn record_paid_request(
    ctx: &mut Ctx,
    operator: &Address,
    request_id: &str,
) -> Result<(), SdkError> {
    REQUESTS.set(ctx, &(operator.clone(), tail(request_id)), &())
}

/// Every paid request, as (operator, request id), in key order.
pub(super) fn paid_requests(r: &mut impl Read) -> Result<Vec<(Address, String)>, SdkError> {
    REQUESTS
        .entries(r)?
        .into_iter()
        .map(|((operator, Tail(request)), ())| {
            let request = String::from_utf8(request)
                .map_err(|_| SdkError::Internal("corrupt state: request id is not UTF-8".into()))?;
            Ok((operator, request))
        })
        .collect()
}

pub(super) fn next_report_id(ctx: &mut Ctx) -> Result<u64, SdkError> {
    LAST_REPORT_ID.next(ctx)
}

pub(super) fn set_last_report_id(ctx: &mut Ctx, id: u64) -> Result<(), SdkError> {
    LAST_REPORT_ID.set(ctx, &id)
}

pub(super) fn report(r: &mut impl Read, id: u64) -> Result<Option<Report>, SdkError> {
    REPORTS.get(r, &id)
}

/// The report, its batch (now reported) and its place among its operator's reports.
pub(super) fn record_report(
    ctx: &mut Ctx,
    operator: &Address,
    report: &Report,
) -> Result<(), SdkError> {
    BATCHES.set(ctx, &(operator.clone(), tail(&report.batch_id)), &report.id)?;
    REPORTS.set(ctx, &report.id, report)?;
    REPORTS_OF.set(ctx, &(operator.clone(), report.id), &())
}

/// A report's record after a ruling (its batch and index entries stay as they are).
pub(super) fn set_report(ctx: &mut Ctx, report: &Report) -> Result<(), SdkError> {
    REPORTS.set(ctx, &report.id, report)
}

pub(super) fn reports(r: &mut impl Read) -> Result<Vec<Report>, SdkError> {
    REPORTS.values(r)
}

/// One page of the ids of an operator's reports after `after_id`, in order, and the next
/// page's `after_id` (None on the last page).
pub(super) fn report_ids_of(
    r: &mut impl Read,
    operator: &Address,
    after_id: u64,
    limit: usize,
) -> Result<(Vec<u64>, Option<u64>), SdkError> {
    let after = (after_id > 0).then(|| (operator.clone(), after_id));
    let (ids, next) = REPORTS_OF
        .page_under(r, operator, after.as_ref(), limit)?
        .map(|((_, id), ())| id);
    Ok((ids, next.map(|(_, id)| id)))
}

pub(super) fn contribution_counters(
    r: &mut impl Read,
    id: u64,
) -> Result<ContributionCounters, SdkError> {
    Ok(CONTRIBUTIONS.get(r, &id)?.unwrap_or(ContributionCounters {
        contribution_id: id,
        uses: 0,
        weight: "0".into(),
        earned: "0".into(),
    }))
}

pub(super) fn set_contribution_counters(
    ctx: &mut Ctx,
    counters: &ContributionCounters,
) -> Result<(), SdkError> {
    CONTRIBUTIONS.set(ctx, &counters.contribution_id, counters)
}

pub(super) fn all_contribution_counters(
    r: &mut impl Read,
) -> Result<Vec<ContributionCounters>, SdkError> {
    CONTRIBUTIONS.values(r)
}

pub(super) fn version_counters(r: &mut impl Read, id: u64) -> Result<VersionCounters, SdkError> {
    Ok(VERSIONS.get(r, &id)?.unwrap_or(VersionCounters {
        version_id: id,
        uses: 0,
        revenue: "0".into(),
    }))
}

pub(super) fn set_version_counters(
    ctx: &mut Ctx,
    counters: &VersionCounters,
) -> Result<(), SdkError> {
    VERSIONS.set(ctx, &counters.version_id, counters)
}

pub(super) fn all_version_counters(r: &mut impl Read) -> Result<Vec<VersionCounters>, SdkError> {
    VERSIONS.values(r)
}

pub(super) fn rewards(r: &mut impl Read, addr: &Address) -> Result<AddressRewards, SdkError> {
    Ok(REWARDS.get(r, addr)?.unwrap_or(AddressRewards {
        address: addr.to_bech32(),
        earned: "0".into(),
        claimed: "0".into(),
    }))
}

pub(super) fn set_rewards(
    ctx: &mut Ctx,
    addr: &Address,
    rewards: &AddressRewards,
) -> Result<(), SdkError> {
    REWARDS.set(ctx, addr, rewards)
}

pub(super) fn all_rewards(r: &mut impl Read) -> Result<Vec<AddressRewards>, SdkError> {
    REWARDS.values(r)
}

pub(super) fn record_earned(
    ctx: &mut Ctx,
    addr: &Address,
    from: EarnedFrom,
) -> Result<(), SdkError> {
    match from {
        EarnedFrom::Contribution(id) => EARNED_FROM_CONTRIBUTION.set(ctx, &(addr.clone(), id), &()),
        EarnedFrom::Version(id) => EARNED_FROM_VERSION.set(ctx, &(addr.clone(), id), &()),
    }
}

/// The ids an address index holds for `addr`, in order.
/// One page of the ids `addr` earned from in `index`, after `after_id`, and the next page's
/// `after_id`.
fn ids_page(
    r: &mut impl Read,
    index: &Set<(Address, u64)>,
    addr: &Address,
    after_id: u64,
    limit: usize,
) -> Result<(Vec<u64>, Option<u64>), SdkError> {
    let after = (after_id > 0).then(|| (addr.clone(), after_id));
    let (ids, next) = index
        .page_under(r, addr, after.as_ref(), limit)?
        .map(|((_, id), ())| id);
    Ok((ids, next.map(|(_, id)| id)))
}

/// A page of the contributions `addr` earned from, by id.
pub(super) fn contributions_earned_from(
    r: &mut impl Read,
    addr: &Address,
    after_id: u64,
    limit: usize,
) -> Result<(Vec<u64>, Option<u64>), SdkError> {
    ids_page(r, &EARNED_FROM_CONTRIBUTION, addr, after_id, limit)
}

/// A page of the versions `addr` earned from, by id.
pub(super) fn versions_earned_from(
    r: &mut impl Read,
    addr: &Address,
    after_id: u64,
    limit: usize,
) -> Result<(Vec<u64>, Option<u64>), SdkError> {
    ids_page(r, &EARNED_FROM_VERSION, addr, after_id, limit)
}

pub(super) fn next_challenge_id(ctx: &mut Ctx) -> Result<u64, SdkError> {
    LAST_CHALLENGE_ID.next(ctx)
}

pub(super) fn set_last_challenge_id(ctx: &mut Ctx, id: u64) -> Result<(), SdkError> {
    LAST_CHALLENGE_ID.set(ctx, &id)
}

pub(super) fn challenge(r: &mut impl Read, id: u64) -> Result<Option<Challenge>, SdkError> {
    CHALLENGES.get(r, &id)
}

pub(super) fn set_challenge(ctx: &mut Ctx, challenge: &Challenge) -> Result<(), SdkError> {
    CHALLENGES.set(ctx, &challenge.id, challenge)
}

pub(super) fn challenges(r: &mut impl Read) -> Result<Vec<Challenge>, SdkError> {
    CHALLENGES.values(r)
}

/// How many challenges are open on a report.
pub(super) fn open_challenges(r: &mut impl Read, report_id: u64) -> Result<u64, SdkError> {
    Ok(OPEN_CHALLENGES.get(r, &report_id)?.unwrap_or(0))
}

pub(super) fn set_open_challenges(
    ctx: &mut Ctx,
    report_id: u64,
    open: u64,
) -> Result<(), SdkError> {
    if open == 0 {
        OPEN_CHALLENGES.remove(ctx, &report_id)
    } else {
        OPEN_CHALLENGES.set(ctx, &report_id, &open)
    }
}

pub(super) fn set_credit(ctx: &mut Ctx, credit: &RewardCredit) -> Result<(), SdkError> {
    let payee = stored_address(&credit.address)?;
    CREDITS.set(ctx, &(payee, credit.report_id), credit)
}

pub(super) fn credit(
    r: &mut impl Read,
    payee: &Address,
    report_id: u64,
) -> Result<Option<RewardCredit>, SdkError> {
    CREDITS.get(r, &(payee.clone(), report_id))
}

pub(super) fn remove_credit(
    ctx: &mut Ctx,
    payee: &Address,
    report_id: u64,
) -> Result<(), SdkError> {
    CREDITS.remove(ctx, &(payee.clone(), report_id))
}

/// A payee's unclaimed credits, oldest report first.
pub(super) fn credits_of(
    r: &mut impl Read,
    payee: &Address,
) -> Result<Vec<RewardCredit>, SdkError> {
    CREDITS.values_under(r, payee)
}

/// A payee's first `limit` unclaimed credits, oldest report first: what one claim looks at.
pub(super) fn first_credits_of(
    r: &mut impl Read,
    payee: &Address,
    limit: usize,
) -> Result<Vec<RewardCredit>, SdkError> {
    let (credits, _) = CREDITS
        .page_under(r, payee, None, limit)?
        .map(|(_, credit)| credit);
    Ok(credits)
}

pub(super) fn all_credits(r: &mut impl Read) -> Result<Vec<RewardCredit>, SdkError> {
    CREDITS.values(r)
}

pub(super) fn council_epoch(r: &mut impl Read) -> Result<u64, SdkError> {
    COUNCIL_EPOCH.last(r)
}

pub(super) fn set_council_epoch(ctx: &mut Ctx, epoch: u64) -> Result<(), SdkError> {
    COUNCIL_EPOCH.set(ctx, &epoch)
}

pub(super) fn council_proposal(
    r: &mut impl Read,
    digest: &[u8; 32],
) -> Result<Option<CouncilProposal>, SdkError> {
    COUNCIL_PROPOSALS.get(r, &Tail(digest.to_vec()))
}

pub(super) fn set_council_proposal(
    ctx: &mut Ctx,
    digest: &[u8; 32],
    proposal: &CouncilProposal,
) -> Result<(), SdkError> {
    COUNCIL_PROPOSALS.set(ctx, &Tail(digest.to_vec()), proposal)
}

pub(super) fn remove_council_proposal(ctx: &mut Ctx, digest: &[u8; 32]) -> Result<(), SdkError> {
    COUNCIL_PROPOSALS.remove(ctx, &Tail(digest.to_vec()))
}

pub(super) fn council_proposals(r: &mut impl Read) -> Result<Vec<CouncilProposal>, SdkError> {
    COUNCIL_PROPOSALS.values(r)
}

/// Counters are decimal strings on the wire; in state they are always well-formed.
pub(super) fn num(text: &str) -> Result<u128, AttributionError> {
    if text.is_empty() {
        return Ok(0);
    }
    text.parse::<u128>()
        .map_err(|_| AttributionError::Overflow(format!("corrupt counter {text:?}")))
}

pub(super) fn add(text: &str, amount: u128) -> Result<String, AttributionError> {
    Ok(num(text)?
        .checked_add(amount)
        .ok_or_else(|| AttributionError::Overflow("counter".into()))?
        .to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyspace::testing::written;

    /// One example per keyspace, written as the module writes it, against the bytes it had.
    #[test]
    fn keys_keep_their_bytes() {
        let alice = Address::from_bytes(vec![0xaa; 20]).unwrap();
        let framed = |prefix: u8, tail: &[u8]| {
            let mut key = vec![prefix, 20];
            key.extend([0xaa; 20]);
            key.extend_from_slice(tail);
            key
        };
        let id = |prefix: u8, id: u64| {
            let mut key = vec![prefix];
            key.extend(id.to_be_bytes());
            key
        };
        let report = Report {
            id: 3,
            batch_id: "b1".into(),
            ..Default::default()
        };
        let rows = written(|ctx| {
            set_params(ctx, &super::super::default_params()).unwrap();
            let op = Operator {
                version_id: 5,
                ..Default::default()
            };
            set_operator(ctx, &alice, &op).unwrap();
            record_paid_request(ctx, &alice, "r1").unwrap();
            set_last_report_id(ctx, 3).unwrap();
            record_report(ctx, &alice, &report).unwrap();
            set_contribution_counters(
                ctx,
                &ContributionCounters {
                    contribution_id: 7,
                    ..Default::default()
                },
            )
            .unwrap();
            set_version_counters(
                ctx,
                &VersionCounters {
                    version_id: 8,
                    ..Default::default()
                },
            )
            .unwrap();
            set_rewards(ctx, &alice, &AddressRewards::default()).unwrap();
            record_earned(ctx, &alice, EarnedFrom::Contribution(7)).unwrap();
            record_earned(ctx, &alice, EarnedFrom::Version(8)).unwrap();
            assert_eq!(next_challenge_id(ctx).unwrap(), 1);
            set_challenge(
                ctx,
                &Challenge {
                    id: 1,
                    ..Default::default()
                },
            )
            .unwrap();
            set_open_challenges(ctx, 3, 2).unwrap();
            set_credit(
                ctx,
                &RewardCredit {
                    address: alice.to_bech32(),
                    report_id: 3,
                    ..Default::default()
                },
            )
            .unwrap();
            set_council_epoch(ctx, 4).unwrap();
            set_council_proposal(ctx, &[0xcc; 32], &CouncilProposal::default()).unwrap();
        });
        let keys: Vec<(Vec<u8>, Vec<u8>)> = rows
            .into_iter()
            .map(|(store, key, value)| {
                assert_eq!(store, S);
                (key, value)
            })
            .collect();
        let mut operator = id(0x01, 5);
        operator.push(20);
        operator.extend([0xaa; 20]);
        let unit = Vec::new;
        let expected = [
            (vec![0x00], None),
            (operator, None),
            (framed(0x02, b"b1"), Some(3u64.to_be_bytes().to_vec())),
            (framed(0x03, b"r1"), Some(unit())),
            (vec![0x04], Some(3u64.to_be_bytes().to_vec())),
            (id(0x05, 3), None),
            (framed(0x06, &3u64.to_be_bytes()), Some(unit())),
            (id(0x07, 7), None),
            (id(0x08, 8), None),
            (framed(0x09, &[]), None),
            (framed(0x0a, &7u64.to_be_bytes()), Some(unit())),
            (framed(0x0b, &8u64.to_be_bytes()), Some(unit())),
            (vec![0x0c], Some(1u64.to_be_bytes().to_vec())),
            (id(0x0d, 1), None),
            (id(0x0e, 3), Some(2u64.to_be_bytes().to_vec())),
            (framed(0x0f, &3u64.to_be_bytes()), None),
            (vec![0x10], Some(4u64.to_be_bytes().to_vec())),
            ([vec![0x11], vec![0xcc; 32]].concat(), None),
        ];
        assert_eq!(
            keys.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>(),
            expected.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>()
        );
        for ((key, value), (_, want)) in keys.iter().zip(&expected) {
            if let Some(want) = want {
                assert_eq!(value, want, "value at {key:?}");
            }
        }
    }
}
