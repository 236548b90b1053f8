//! Attribution messages: operators and their bonds, usage reports settled as they are recorded,
//! and reward claims.

use std::collections::{BTreeMap, BTreeSet};

use openledger_proto::attribution::v1::{
    AggregatedUses, BatchAcknowledgement, EventOperatorRegistered, EventOperatorUnbonded,
    EventOperatorUnbonding, EventRewardsClaimed, EventUseSettled, GrantCharge, MsgChallengeUsage,
    MsgChallengeUsageResponse, MsgClaimRewards, MsgClaimRewardsResponse, MsgProveWrongWeight,
    MsgProveWrongWeightResponse, MsgRegisterOperator, MsgRegisterOperatorResponse, MsgReportUsage,
    MsgReportUsageResponse, MsgResolveChallenge, MsgResolveChallengeResponse, MsgUnbondOperator,
    MsgUnbondOperatorResponse, MsgUpdateCouncil, MsgUpdateCouncilResponse, MsgWithdrawChallenge,
    MsgWithdrawChallengeResponse, Operator, Params, Payout, Report, RewardCredit, Weight,
};
use openledger_types::{parse_amount, Address};

use super::challenge;
use super::council;
use super::deps::{Deps, FeeCollector, Grants, Ledger, Transfers};
use super::proof;
use super::settle::{self, Settlement};
use super::state::{self, add, num, EarnedFrom};
use super::{bonds_account, rewards_account, AttributionError};
use crate::context::{typed_event, Ctx};
use crate::error::{Failure, SdkError};
use crate::modules::util::{check_text, Lines};
use crate::tx::handler::{Execute, Handler};

/// An amount field of a message, in uopen.
pub(super) fn amount(field: &str, text: &str) -> Result<u128, AttributionError> {
    parse_amount(text)
        .map_err(|e| AttributionError::InvalidField(format!("{field}: {}", SdkError::from(e))))
}

pub fn validate_register(msg: &MsgRegisterOperator) -> Result<(Address, u128), AttributionError> {
    check_text("endpoint", &msg.endpoint, 0, 512, Lines::One)?;
    Ok((
        Address::from_bech32(&msg.operator)?,
        amount("bond", &msg.bond)?,
    ))
}

pub fn register(
    ctx: &mut Ctx,
    deps: &(impl Ledger + Transfers),
    msg: &MsgRegisterOperator,
    operator: &Address,
    bond: u128,
) -> Result<(), Failure> {
    let params = state::params(ctx)?;
    let min = num(&params.min_operator_bond)?;
    if bond < min {
        return Err(AttributionError::BondTooSmall(bond, min).into());
    }
    if deps.version(ctx, msg.version_id)?.is_none() {
        return Err(AttributionError::VersionNotFound(msg.version_id).into());
    }
    if state::operator(ctx, msg.version_id, operator)?.is_some() {
        return Err(AttributionError::AlreadyRegistered(msg.version_id).into());
    }
    deps.send_uopen(ctx, operator, &bonds_account(), bond)?;
    let op = Operator {
        address: operator.to_bech32(),
        version_id: msg.version_id,
        endpoint: msg.endpoint.clone(),
        bond: bond.to_string(),
        registered_height: ctx.height,
        unbonding_height: 0,
        open_challenges: 0,
    };
    state::set_operator(ctx, operator, &op)?;
    ctx.emit(typed_event(&EventOperatorRegistered {
        operator: op.address.clone(),
        version_id: op.version_id,
        bond: op.bond.clone(),
    }));
    Ok(())
}

pub fn validate_unbond(msg: &MsgUnbondOperator) -> Result<Address, AttributionError> {
    Ok(Address::from_bech32(&msg.operator)?)
}

/// First call: stop reporting and start the unbonding period. A call after it: the bond back.
pub fn unbond(
    ctx: &mut Ctx,
    transfers: &impl Transfers,
    msg: &MsgUnbondOperator,
    operator: &Address,
) -> Result<MsgUnbondOperatorResponse, AttributionError> {
    let mut op = state::operator(ctx, msg.version_id, operator)?
        .ok_or_else(|| AttributionError::NotOperator(operator.clone(), msg.version_id))?;
    if op.unbonding_height == 0 {
        op.unbonding_height = ctx.height;
        state::set_operator(ctx, operator, &op)?;
        ctx.emit(typed_event(&EventOperatorUnbonding {
            operator: op.address.clone(),
            version_id: op.version_id,
        }));
        return Ok(MsgUnbondOperatorResponse {
            returned: "0".into(),
        });
    }
    let params = state::params(ctx)?;
    let release_at = op.unbonding_height.saturating_add(params.unbonding_blocks);
    if ctx.height < release_at {
        return Err(AttributionError::StillUnbonding(release_at));
    }
    // The bond answers for every report until it can no longer be disputed: the window of its
    // last report closed before `release_at` (unbonding_blocks ≥ challenge_window_blocks), and
    // what is still open must be decided first.
    if op.open_challenges > 0 {
        return Err(AttributionError::ChallengesPending(op.open_challenges));
    }
    let bond = num(&op.bond)?;
    transfers.send_uopen(ctx, &bonds_account(), operator, bond)?;
    state::remove_operator(ctx, op.version_id, operator)?;
    ctx.emit(typed_event(&EventOperatorUnbonded {
        operator: op.address.clone(),
        version_id: op.version_id,
        returned: bond.to_string(),
    }));
    Ok(MsgUnbondOperatorResponse {
        returned: bond.to_string(),
    })
}

/// Stateless checks of a report: sizes, ids, weights.
pub fn validate_report(msg: &MsgReportUsage) -> Result<Address, AttributionError> {
    let operator = Address::from_bech32(&msg.operator)?;
    check_text("batch_id", &msg.batch_id, 1, 128, Lines::One)?;
    if msg.uses.is_empty() && msg.aggregated.is_empty() {
        return Err(AttributionError::InvalidField("a report needs uses".into()));
    }
    let mut requests = BTreeSet::new();
    for u in &msg.uses {
        check_text("request_id", &u.request_id, 1, 128, Lines::One)?;
        if !requests.insert(u.request_id.as_str()) {
            return Err(AttributionError::InvalidField(format!(
                "request ids must be distinct: {:?} appears twice",
                u.request_id
            )));
        }
        if u.units == 0 {
            return Err(AttributionError::InvalidField(format!(
                "request {}: units must be positive",
                u.request_id
            )));
        }
        check_weights(&u.weights)?;
    }
    for a in &msg.aggregated {
        if a.uses == 0 || a.units < a.uses {
            return Err(AttributionError::InvalidField(format!(
                "grant {}: uses must be positive and units at least uses",
                a.grant_id
            )));
        }
        if a.receipts_root.len() != 32 {
            return Err(AttributionError::InvalidField(
                "receipts_root must be 32 bytes".into(),
            ));
        }
        check_weights(&a.weights)?;
    }
    Ok(operator)
}

pub(super) fn check_weights(weights: &[Weight]) -> Result<(), AttributionError> {
    let mut ids = BTreeSet::new();
    let mut total: u64 = 0;
    for w in weights {
        if w.weight == 0 {
            return Err(AttributionError::InvalidWeight(format!(
                "contribution {} has weight 0",
                w.contribution_id
            )));
        }
        if !ids.insert(w.contribution_id) {
            return Err(AttributionError::InvalidWeight(format!(
                "contribution {} named twice",
                w.contribution_id
            )));
        }
        total = total
            .checked_add(w.weight)
            .ok_or_else(|| AttributionError::InvalidWeight("weights overflow 64 bits".into()))?;
    }
    Ok(())
}

/// Datasets anywhere in the version's lineage: weights may only name their accepted contributions.
pub(super) fn lineage_datasets(
    ctx: &mut Ctx,
    ledger: &impl Ledger,
    version_id: u64,
) -> Result<BTreeSet<u64>, Failure> {
    let mut datasets = BTreeSet::new();
    let mut seen = BTreeSet::new();
    let mut stack = vec![version_id];
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        let v = ledger
            .version(ctx, id)?
            .ok_or(AttributionError::VersionNotFound(id))?;
        datasets.extend(
            v.training
                .iter()
                .flat_map(|t| t.datasets.iter().map(|d| d.dataset_id)),
        );
        stack.extend(v.parent_version_ids);
    }
    Ok(datasets)
}

pub(super) fn eligible_weights(
    ctx: &mut Ctx,
    ledger: &impl Ledger,
    datasets: &BTreeSet<u64>,
    weights: &[Weight],
    max: u32,
) -> Result<Vec<(u64, u64)>, Failure> {
    if weights.len() > max as usize {
        return Err(AttributionError::InvalidWeight(format!(
            "{} weights, limit {max}",
            weights.len()
        ))
        .into());
    }
    let mut out = Vec::with_capacity(weights.len());
    for w in weights {
        let c = ledger.contribution(ctx, w.contribution_id)?;
        let ok = c.as_ref().is_some_and(|c| {
            datasets.contains(&c.dataset_id)
                && c.status == openledger_proto::datasets::v1::Status::Accepted as i32
        });
        if !ok {
            return Err(AttributionError::ContributionNotEligible(w.contribution_id).into());
        }
        out.push((w.contribution_id, w.weight));
    }
    out.sort();
    Ok(out)
}

/// What a report's settlements add up to, written once at the end of the report: one write
/// per payee and counter however many uses touched them.
#[derive(Default)]
struct Credits {
    fee: u128,
    by_address: BTreeMap<String, u128>,
    /// contribution id → (uses, weight, earned)
    contributions: BTreeMap<u64, (u64, u128, u128)>,
    /// version id → (uses, revenue)
    versions: BTreeMap<u64, (u64, u128)>,
    /// (address, what it earned from)
    earned_from: BTreeSet<(String, EarnedFrom)>,
    /// grant id → uopen charged
    charges: BTreeMap<u64, u128>,
}

impl Credits {
    fn add(&mut self, settlement: &Settlement, uses: u64) {
        self.fee += settlement.fee;
        for p in &settlement.parts {
            *self.by_address.entry(p.address.clone()).or_default() += p.amount;
            let from = if p.contribution_id != 0 {
                EarnedFrom::Contribution(p.contribution_id)
            } else {
                EarnedFrom::Version(p.version_id)
            };
            self.earned_from.insert((p.address.clone(), from));
        }
        // A use touches a contribution once, however many lineage paths paid it.
        for (&id, &(weight, earned)) in &settlement.contributions {
            let entry = self.contributions.entry(id).or_default();
            entry.0 = entry.0.saturating_add(uses);
            entry.1 += weight;
            entry.2 += earned;
        }
        for (&id, &revenue) in &settlement.revenue {
            let entry = self.versions.entry(id).or_default();
            entry.0 = entry.0.saturating_add(uses);
            entry.1 += revenue;
        }
    }

    /// What the report keeps for a later challenge: payouts per address and charges per grant.
    fn record(&self) -> (Vec<Payout>, Vec<GrantCharge>) {
        let payouts = self
            .by_address
            .iter()
            .map(|(address, amount)| Payout {
                address: address.clone(),
                amount: amount.to_string(),
                reason: "report".into(),
                version_id: 0,
                contribution_id: 0,
            })
            .collect();
        let charges = self
            .charges
            .iter()
            .map(|(&grant_id, amount)| GrantCharge {
                grant_id,
                amount: amount.to_string(),
            })
            .collect();
        (payouts, charges)
    }

    /// Rewards to each payee as credits of the report, vesting after its challenge window;
    /// counters; the fee to the fee collector.
    fn write(
        self,
        ctx: &mut Ctx,
        deps: &(impl Transfers + FeeCollector),
        report_id: u64,
        vests_at_height: u64,
    ) -> Result<(), Failure> {
        deps.send_uopen(ctx, &rewards_account(), &deps.fee_collector(), self.fee)?;
        for (address, amount) in self.by_address {
            let addr = state::stored_address(&address)?;
            let mut rewards = state::rewards(ctx, &addr)?;
            rewards.earned = add(&rewards.earned, amount)?;
            state::set_rewards(ctx, &addr, &rewards)?;
            state::set_credit(
                ctx,
                &RewardCredit {
                    address,
                    report_id,
                    amount: amount.to_string(),
                    vests_at_height,
                },
            )?;
        }
        for (addr, from) in self.earned_from {
            state::record_earned(ctx, &state::stored_address(&addr)?, from)?;
        }
        for (id, (uses, weight, earned)) in self.contributions {
            let mut c = state::contribution_counters(ctx, id)?;
            c.uses = c.uses.saturating_add(uses);
            c.weight = add(&c.weight, weight)?;
            c.earned = add(&c.earned, earned)?;
            state::set_contribution_counters(ctx, &c)?;
        }
        for (id, (uses, revenue)) in self.versions {
            let mut v = state::version_counters(ctx, id)?;
            v.uses = v.uses.saturating_add(uses);
            v.revenue = add(&v.revenue, revenue)?;
            state::set_version_counters(ctx, &v)?;
        }
        Ok(())
    }
}

/// Charges the grant and settles one priced batch (one use, or one aggregated entry).
#[allow(clippy::too_many_arguments)]
fn settle_one(
    ctx: &mut Ctx,
    deps: &(impl Ledger + Grants),
    params: &Params,
    operator: &Address,
    version_id: u64,
    grant_id: u64,
    uses: u64,
    units: u64,
    weights: &[(u64, u64)],
    credits: &mut Credits,
) -> Result<u128, Failure> {
    let (terms, price) = deps.charge(
        ctx,
        operator,
        grant_id,
        version_id,
        uses,
        units,
        &rewards_account(),
    )?;
    let settlement = settle::split(
        ctx,
        deps,
        params,
        version_id,
        price,
        terms.data_share_bps,
        weights,
        uses,
    )?;
    credits.add(&settlement, uses);
    *credits.charges.entry(grant_id).or_default() += price;
    let parts: u128 = settlement.parts.iter().map(|p| p.amount).sum();
    ctx.emit(typed_event(&EventUseSettled {
        version_id,
        grant_id,
        uses,
        price: price.to_string(),
        protocol_fee: settlement.fee.to_string(),
        parts: parts.to_string(),
    }));
    Ok(price)
}

/// What the licensee of an aggregated entry's grant signs to acknowledge it.
pub fn acknowledgement(
    chain_id: &str,
    operator: &str,
    batch_id: &str,
    entry: &AggregatedUses,
) -> BatchAcknowledgement {
    BatchAcknowledgement {
        chain_id: chain_id.to_string(),
        grant_id: entry.grant_id,
        operator: operator.to_string(),
        batch_id: batch_id.to_string(),
        uses: entry.uses,
        units: entry.units,
        receipts_root: entry.receipts_root.clone(),
    }
}

/// The entry's licensee signature verifies against the grant's licensee's key on chain.
fn check_acknowledgement(
    ctx: &mut Ctx,
    deps: &impl Deps,
    operator: &Address,
    batch_id: &str,
    entry: &AggregatedUses,
) -> Result<(), Failure> {
    let chain_id = deps.chain_id(ctx)?;
    let signed = acknowledgement(&chain_id, &operator.to_bech32(), batch_id, entry);
    let valid = deps.licensee_key(ctx, entry.grant_id)?.is_some_and(|key| {
        crate::tx::ante::verify_secp256k1(
            &key,
            &prost::Message::encode_to_vec(&signed),
            &entry.licensee_signature,
        )
    });
    if !valid {
        return Err(AttributionError::InvalidAcknowledgement(entry.grant_id).into());
    }
    Ok(())
}

/// Records and settles a report. Any refused use refuses the whole report.
pub fn report(
    ctx: &mut Ctx,
    deps: &impl Deps,
    msg: &MsgReportUsage,
    operator: &Address,
) -> Result<MsgReportUsageResponse, Failure> {
    let params = state::params(ctx)?;
    let count = msg.uses.len() + msg.aggregated.len();
    if count > params.max_uses_per_report as usize {
        return Err(AttributionError::InvalidField(format!(
            "{count} entries, limit {}",
            params.max_uses_per_report
        ))
        .into());
    }
    let op = state::operator(ctx, msg.version_id, operator)?;
    if op.as_ref().is_none_or(|o| o.unbonding_height != 0) {
        return Err(AttributionError::NotBonded(operator.clone(), msg.version_id).into());
    }
    if state::batch_reported(ctx, operator, &msg.batch_id)? {
        return Err(AttributionError::ReplayedBatch(msg.batch_id.clone()).into());
    }
    let datasets = lineage_datasets(ctx, deps, msg.version_id)?;
    let mut paid = 0u128;
    let mut uses = 0u64;
    let mut credits = Credits::default();
    for u in &msg.uses {
        if state::request_paid(ctx, operator, &u.request_id)? {
            return Err(AttributionError::ReplayedRequest(u.request_id.clone()).into());
        }
        state::record_paid_request(ctx, operator, &u.request_id)?;
        let weights =
            eligible_weights(ctx, deps, &datasets, &u.weights, params.max_weights_per_use)?;
        paid += settle_one(
            ctx,
            deps,
            &params,
            operator,
            msg.version_id,
            u.grant_id,
            1,
            u.units,
            &weights,
            &mut credits,
        )?;
        uses += 1;
    }
    let mut acknowledged = msg.uses.is_empty();
    for a in &msg.aggregated {
        if a.licensee_signature.is_empty() {
            acknowledged = false;
        } else {
            check_acknowledgement(ctx, deps, operator, &msg.batch_id, a)?;
        }
        let weights =
            eligible_weights(ctx, deps, &datasets, &a.weights, params.max_weights_per_use)?;
        paid += settle_one(
            ctx,
            deps,
            &params,
            operator,
            msg.version_id,
            a.grant_id,
            a.uses,
            a.units,
            &weights,
            &mut credits,
        )?;
        uses = uses.saturating_add(a.uses);
    }
    let (payouts, charges) = credits.record();
    let id = state::next_report_id(ctx)?;
    let vests_at = ctx
        .height
        .saturating_add(params.challenge_window_blocks)
        .saturating_add(1);
    credits.write(ctx, deps, id, vests_at)?;
    let report = Report {
        id,
        operator: operator.to_bech32(),
        version_id: msg.version_id,
        batch_id: msg.batch_id.clone(),
        uses,
        paid: paid.to_string(),
        height: ctx.height,
        receipts_roots: msg
            .aggregated
            .iter()
            .map(|a| a.receipts_root.clone())
            .collect(),
        payouts,
        charges,
        reversed: false,
        uses_root: proof::receipts_root(&msg.uses),
        acknowledged,
    };
    state::record_report(ctx, operator, &report)?;
    Ok(MsgReportUsageResponse {
        report_id: id,
        uses,
        paid: paid.to_string(),
    })
}

pub fn validate_claim(msg: &MsgClaimRewards) -> Result<Address, AttributionError> {
    Ok(Address::from_bech32(&msg.claimant)?)
}

/// Whether a credit can be claimed: its report's window has closed and no challenge of it is
/// open (an upheld one deletes the credit).
pub(super) fn vested(
    r: &mut impl crate::context::Read,
    credit: &RewardCredit,
    height: u64,
) -> Result<bool, SdkError> {
    Ok(height >= credit.vests_at_height && state::open_challenges(r, credit.report_id)? == 0)
}

/// The most credits one claim looks at (oldest first), so its gas is bounded; a claimant with
/// more claims again.
pub const MAX_CREDITS_PER_CLAIM: usize = 500;

/// Pays out the vested credits among the claimant's oldest `MAX_CREDITS_PER_CLAIM`.
pub fn claim(
    ctx: &mut Ctx,
    transfers: &impl Transfers,
    claimant: &Address,
) -> Result<MsgClaimRewardsResponse, Failure> {
    let (mut claimed, mut pending) = (0u128, 0u128);
    for credit in state::first_credits_of(ctx, claimant, MAX_CREDITS_PER_CLAIM)? {
        let amount = num(&credit.amount)?;
        if vested(ctx, &credit, ctx.height)? {
            claimed = claimed
                .checked_add(amount)
                .ok_or_else(|| AttributionError::Overflow("claim".into()))?;
            state::remove_credit(ctx, claimant, credit.report_id)?;
        } else {
            pending = pending.saturating_add(amount);
        }
    }
    if claimed == 0 {
        return Err(match pending {
            0 => AttributionError::NothingToClaim(claimant.to_bech32()),
            _ => AttributionError::NothingVested(claimant.clone(), pending),
        }
        .into());
    }
    transfers.send_uopen(ctx, &rewards_account(), claimant, claimed)?;
    let mut rewards = state::rewards(ctx, claimant)?;
    rewards.claimed = add(&rewards.claimed, claimed)?;
    state::set_rewards(ctx, claimant, &rewards)?;
    ctx.emit(typed_event(&EventRewardsClaimed {
        claimant: claimant.to_bech32(),
        amount: claimed.to_string(),
    }));
    Ok(MsgClaimRewardsResponse {
        claimed: claimed.to_string(),
    })
}

crate::module_messages!(module: "attribution", package: "openledger.attribution.v1", deps: Deps, {
    RegisterOperator(ValidRegister),
    UnbondOperator(ValidUnbond),
    ReportUsage(ValidReport),
    ClaimRewards(ValidClaim),
    ChallengeUsage(ValidChallenge),
    ResolveChallenge(ValidResolve),
    WithdrawChallenge(ValidWithdraw),
    UpdateCouncil(ValidUpdateCouncil),
    ProveWrongWeight(ValidProof),
});

/// A MsgRegisterOperator past its stateless checks.
#[derive(Debug, Clone)]
pub struct ValidRegister {
    msg: MsgRegisterOperator,
    operator: Address,
    bond: u128,
}

impl Handler for ValidRegister {
    type Proto = MsgRegisterOperator;
    type Response = MsgRegisterOperatorResponse;
    fn check(msg: MsgRegisterOperator) -> Result<Self, Failure> {
        let (operator, bond) = validate_register(&msg)?;
        Ok(ValidRegister {
            msg,
            operator,
            bond,
        })
    }
    fn signer(&self) -> &Address {
        &self.operator
    }
}

impl<D: Deps> Execute<D> for ValidRegister {
    fn execute(&self, ctx: &mut Ctx, deps: &D) -> Result<MsgRegisterOperatorResponse, Failure> {
        register(ctx, deps, &self.msg, &self.operator, self.bond)?;
        Ok(MsgRegisterOperatorResponse {})
    }
}

/// A MsgUnbondOperator past its stateless checks.
#[derive(Debug, Clone)]
pub struct ValidUnbond {
    msg: MsgUnbondOperator,
    operator: Address,
}

impl Handler for ValidUnbond {
    type Proto = MsgUnbondOperator;
    type Response = MsgUnbondOperatorResponse;
    fn check(msg: MsgUnbondOperator) -> Result<Self, Failure> {
        let operator = validate_unbond(&msg)?;
        Ok(ValidUnbond { msg, operator })
    }
    fn signer(&self) -> &Address {
        &self.operator
    }
}

impl<D: Deps> Execute<D> for ValidUnbond {
    fn execute(&self, ctx: &mut Ctx, deps: &D) -> Result<MsgUnbondOperatorResponse, Failure> {
        Ok(unbond(ctx, deps, &self.msg, &self.operator)?)
    }
}

/// A MsgReportUsage past its stateless checks.
#[derive(Debug, Clone)]
pub struct ValidReport {
    msg: MsgReportUsage,
    operator: Address,
}

impl Handler for ValidReport {
    type Proto = MsgReportUsage;
    type Response = MsgReportUsageResponse;
    fn check(msg: MsgReportUsage) -> Result<Self, Failure> {
        let operator = validate_report(&msg)?;
        Ok(ValidReport { msg, operator })
    }
    fn signer(&self) -> &Address {
        &self.operator
    }
}

impl<D: Deps> Execute<D> for ValidReport {
    fn execute(&self, ctx: &mut Ctx, deps: &D) -> Result<MsgReportUsageResponse, Failure> {
        report(ctx, deps, &self.msg, &self.operator)
    }
}

/// A MsgClaimRewards past its stateless checks.
#[derive(Debug, Clone)]
pub struct ValidClaim {
    claimant: Address,
}

impl Handler for ValidClaim {
    type Proto = MsgClaimRewards;
    type Response = MsgClaimRewardsResponse;
    fn check(msg: MsgClaimRewards) -> Result<Self, Failure> {
        Ok(ValidClaim {
            claimant: validate_claim(&msg)?,
        })
    }
    fn signer(&self) -> &Address {
        &self.claimant
    }
}

impl<D: Deps> Execute<D> for ValidClaim {
    fn execute(&self, ctx: &mut Ctx, deps: &D) -> Result<MsgClaimRewardsResponse, Failure> {
        claim(ctx, deps, &self.claimant)
    }
}

/// A MsgChallengeUsage past its stateless checks.
#[derive(Debug, Clone)]
pub struct ValidChallenge {
    msg: MsgChallengeUsage,
    challenger: Address,
    bond: u128,
}

impl Handler for ValidChallenge {
    type Proto = MsgChallengeUsage;
    type Response = MsgChallengeUsageResponse;
    fn check(msg: MsgChallengeUsage) -> Result<Self, Failure> {
        let (challenger, bond) = challenge::validate_challenge(&msg)?;
        Ok(ValidChallenge {
            msg,
            challenger,
            bond,
        })
    }
    fn signer(&self) -> &Address {
        &self.challenger
    }
}

impl<D: Deps> Execute<D> for ValidChallenge {
    fn execute(&self, ctx: &mut Ctx, deps: &D) -> Result<MsgChallengeUsageResponse, Failure> {
        challenge::challenge(ctx, deps, &self.msg, &self.challenger, self.bond)
    }
}

/// A MsgResolveChallenge past its stateless checks.
#[derive(Debug, Clone)]
pub struct ValidResolve {
    msg: MsgResolveChallenge,
    member: Address,
}

impl Handler for ValidResolve {
    type Proto = MsgResolveChallenge;
    type Response = MsgResolveChallengeResponse;
    fn check(msg: MsgResolveChallenge) -> Result<Self, Failure> {
        let member = challenge::validate_resolve(&msg)?;
        Ok(ValidResolve { msg, member })
    }
    fn signer(&self) -> &Address {
        &self.member
    }
}

impl<D: Deps> Execute<D> for ValidResolve {
    fn execute(&self, ctx: &mut Ctx, deps: &D) -> Result<MsgResolveChallengeResponse, Failure> {
        challenge::resolve(ctx, deps, &self.msg, &self.member)
    }
}

/// A MsgWithdrawChallenge past its stateless checks.
#[derive(Debug, Clone)]
pub struct ValidWithdraw {
    msg: MsgWithdrawChallenge,
    challenger: Address,
}

impl Handler for ValidWithdraw {
    type Proto = MsgWithdrawChallenge;
    type Response = MsgWithdrawChallengeResponse;
    fn check(msg: MsgWithdrawChallenge) -> Result<Self, Failure> {
        let challenger = challenge::validate_withdraw(&msg)?;
        Ok(ValidWithdraw { msg, challenger })
    }
    fn signer(&self) -> &Address {
        &self.challenger
    }
}

impl<D: Deps> Execute<D> for ValidWithdraw {
    fn execute(&self, ctx: &mut Ctx, deps: &D) -> Result<MsgWithdrawChallengeResponse, Failure> {
        challenge::withdraw(ctx, deps, &self.msg, &self.challenger)
    }
}

/// A MsgUpdateCouncil past its stateless checks (the proposed council is valid).
#[derive(Debug, Clone)]
pub struct ValidUpdateCouncil {
    msg: MsgUpdateCouncil,
    member: Address,
}

impl Handler for ValidUpdateCouncil {
    type Proto = MsgUpdateCouncil;
    type Response = MsgUpdateCouncilResponse;
    fn check(msg: MsgUpdateCouncil) -> Result<Self, Failure> {
        let member = council::validate_update(&msg)?;
        Ok(ValidUpdateCouncil { msg, member })
    }
    fn signer(&self) -> &Address {
        &self.member
    }
}

impl<D: Deps> Execute<D> for ValidUpdateCouncil {
    fn execute(&self, ctx: &mut Ctx, _deps: &D) -> Result<MsgUpdateCouncilResponse, Failure> {
        Ok(council::update(ctx, &self.msg, &self.member)?)
    }
}

/// A MsgProveWrongWeight past its stateless checks (sizes under the hard caps).
#[derive(Debug, Clone)]
pub struct ValidProof {
    msg: MsgProveWrongWeight,
    prover: Address,
}

impl Handler for ValidProof {
    type Proto = MsgProveWrongWeight;
    type Response = MsgProveWrongWeightResponse;
    fn check(msg: MsgProveWrongWeight) -> Result<Self, Failure> {
        let prover = proof::validate(&msg)?;
        Ok(ValidProof { msg, prover })
    }
    fn signer(&self) -> &Address {
        &self.prover
    }
}

impl<D: Deps> Execute<D> for ValidProof {
    fn execute(&self, ctx: &mut Ctx, deps: &D) -> Result<MsgProveWrongWeightResponse, Failure> {
        proof::prove(ctx, deps, &self.msg, &self.prover)
    }
}
