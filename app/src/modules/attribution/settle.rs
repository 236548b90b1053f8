//! The settlement of a paid use, in exact integer arithmetic (DESIGN.md):
//! 1. protocol fee: price × protocol_fee_bps / 10,000 to the fee collector;
//! 2. of the rest R at a version: R × data_share_bps / 10,000 to the attributed contributions by
//!    weight (with no attribution, and at every ancestor, to the version's declared training
//!    contributions in equal weight; where there are none it stays in R);
//! 3. R × royalty_bps of each parent edge to that parent, settled again by the same rules with
//!    the edge's data share, up to the depth limit;
//! 4. what remains to the version's contributors by their shares.
//!
//! Percentages round down and the remainder stays with step 4; every proportional split hands
//! its leftover units to the largest remainders, ties to the lower index (contribution ids and
//! contributors are in a fixed order), so the parts always sum to exactly the price.

use std::collections::BTreeMap;

use openledger_proto::models::v1::ModelVersion;

use super::deps::Ledger;
use super::AttributionError;
use crate::context::Read;
use crate::error::{Failure, SdkError};
use crate::modules::util::split_proportional;

/// Most versions one settlement visits: a lineage of merges can reach an ancestor by many paths,
/// and each path is paid, so the walk is bounded; past it, royalties stay with the child.
pub const MAX_SETTLEMENT_NODES: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub address: String,
    pub amount: u128,
    pub reason: &'static str,
    pub version_id: u64,
    pub contribution_id: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settlement {
    pub fee: u128,
    /// Every part but the fee, in the order they were computed.
    pub parts: Vec<Part>,
    /// Revenue reaching each version (its own use fees and royalties).
    pub revenue: BTreeMap<u64, u128>,
    /// Per contribution: (weight, earned).
    pub contributions: BTreeMap<u64, (u128, u128)>,
}

impl Settlement {
    /// The fee and every part, or None past 2^128 − 1.
    pub fn checked_total(&self) -> Option<u128> {
        self.parts
            .iter()
            .try_fold(self.fee, |sum, p| sum.checked_add(p.amount))
    }

    /// The fee and every part. A settlement [`split`] returned sums to its price (checked
    /// there), so this never saturates on one.
    pub fn total(&self) -> u128 {
        self.checked_total().unwrap_or(u128::MAX)
    }
}

/// What an addition or product past 2^128 − 1 in settlement ends with (prices are bounded by
/// real escrow in transactions, but not in SplitPreview).
fn overflow(what: &str) -> Failure {
    AttributionError::Overflow(format!("settlement: {what}")).into()
}

fn add(a: u128, b: u128, what: &str) -> Result<u128, Failure> {
    a.checked_add(b).ok_or_else(|| overflow(what))
}

fn sub(a: u128, b: u128, what: &str) -> Result<u128, Failure> {
    a.checked_sub(b).ok_or_else(|| overflow(what))
}

/// `amount × bps / 10,000`, rounded down, exact for any amount: the product is split so that
/// nothing exceeds `amount` (`amount / 10,000 × bps ≤ amount` and the remainder's product is
/// below 10^8), and each step is checked all the same.
fn bps(amount: u128, bps: u32) -> Result<u128, Failure> {
    let bps = u128::from(bps.min(10_000));
    let whole = (amount / 10_000)
        .checked_mul(bps)
        .ok_or_else(|| overflow("bps"))?;
    let part = (amount % 10_000)
        .checked_mul(bps)
        .ok_or_else(|| overflow("bps"))?
        / 10_000;
    add(whole, part, "bps")
}

struct Walk<'a, R: Read, L: Ledger> {
    r: &'a mut R,
    ledger: &'a L,
    max_depth: u32,
    max_declared: usize,
    /// Uses this settlement stands for: each declared contribution's weight, so weight counters
    /// read the same whether uses are reported one by one or aggregated.
    uses: u64,
    nodes: usize,
    out: Settlement,
}

impl<R: Read, L: Ledger> Walk<'_, R, L> {
    fn version(&mut self, id: u64) -> Result<ModelVersion, Failure> {
        Ok(self
            .ledger
            .version(self.r, id)?
            .ok_or(AttributionError::VersionNotFound(id))?)
    }

    /// The version's declared training contributions (accepted ones, in id order, bounded).
    fn declared(&mut self, version: &ModelVersion) -> Result<Vec<(u64, u64)>, Failure> {
        let mut out = Vec::new();
        for d in version.training.iter().flat_map(|t| t.datasets.iter()) {
            let room = self.max_declared.saturating_sub(out.len());
            if room == 0 {
                break;
            }
            for c in self.ledger.accepted_in(
                self.r,
                d.dataset_id,
                d.first_contribution_id,
                d.last_contribution_id,
                room,
            )? {
                out.push((c.id, self.uses.max(1)));
            }
        }
        out.sort();
        out.dedup();
        Ok(out)
    }

    fn pay_contributions(
        &mut self,
        version_id: u64,
        pool: u128,
        weights: &[(u64, u64)],
    ) -> Result<u128, Failure> {
        if pool == 0 || weights.is_empty() {
            return Ok(0);
        }
        let raw: Vec<u64> = weights.iter().map(|(_, w)| *w).collect();
        let Some(amounts) = split_proportional(pool, &raw) else {
            return Ok(0); // zero total weight: nothing to attribute, the pool stays with the version
        };
        for (&(contribution_id, weight), amount) in weights.iter().zip(amounts) {
            let c = self
                .ledger
                .contribution(self.r, contribution_id)?
                .ok_or(AttributionError::ContributionNotFound(contribution_id))?;
            let entry = self.out.contributions.entry(contribution_id).or_default();
            entry.0 = add(entry.0, u128::from(weight), "contribution weight")?;
            entry.1 = add(entry.1, amount, "contribution earnings")?;
            if amount > 0 {
                self.out.parts.push(Part {
                    address: c.contributor,
                    amount,
                    reason: "data",
                    version_id,
                    contribution_id,
                });
            }
        }
        Ok(pool)
    }

    fn settle(
        &mut self,
        version_id: u64,
        amount: u128,
        data_bps: u32,
        weights: Option<&[(u64, u64)]>,
        depth: u32,
    ) -> Result<(), Failure> {
        self.nodes += 1;
        let version = self.version(version_id)?;
        let revenue = self.out.revenue.entry(version_id).or_default();
        *revenue = add(*revenue, amount, "version revenue")?;

        let declared;
        let weights = match weights {
            Some(w) if !w.is_empty() => w,
            _ => {
                declared = self.declared(&version)?;
                &declared[..]
            }
        };
        let data_paid = self.pay_contributions(version_id, bps(amount, data_bps)?, weights)?;

        let mut royalties = 0u128;
        let mut upstream = version.upstream.clone();
        upstream.sort_by_key(|u| u.parent_version_id);
        for edge in upstream {
            let royalty = bps(amount, edge.royalty_bps)?;
            let deeper = depth.saturating_add(1);
            if royalty == 0 || deeper > self.max_depth || self.nodes >= MAX_SETTLEMENT_NODES {
                continue;
            }
            // What is left of the amount after the data share and the royalties so far; a
            // royalty past it is skipped (publication forbids it, but SplitPreview may name any
            // licence): never pay out more than arrived. Subtracting, nothing can wrap.
            let left = sub(
                sub(amount, data_paid, "data share")?,
                royalties,
                "royalties",
            )?;
            if royalty > left {
                continue;
            }
            royalties = add(royalties, royalty, "royalties")?;
            self.settle(
                edge.parent_version_id,
                royalty,
                edge.data_share_bps,
                None,
                deeper,
            )?;
        }

        let rest = sub(
            sub(amount, data_paid, "data share")?,
            royalties,
            "royalties",
        )?;
        let shares: Vec<u64> = version
            .contributors
            .iter()
            .map(|c| u64::from(c.share_bps))
            .collect();
        let amounts = split_proportional(rest, &shares).ok_or_else(|| {
            SdkError::Internal(format!("version {version_id} has no contributor shares"))
        })?;
        for (c, amount) in version.contributors.iter().zip(amounts) {
            if amount > 0 {
                self.out.parts.push(Part {
                    address: c.address.clone(),
                    amount,
                    reason: "contributor",
                    version_id,
                    contribution_id: 0,
                });
            }
        }
        Ok(())
    }
}

/// Splits `price` paid for a use of `version_id`: the protocol fee, then the version and its
/// ancestors. `data_bps` is the data share of the terms the use was bought under; `weights`
/// the use's attribution (contribution id, weight), already checked for eligibility; `uses` how
/// many uses the price pays for.
#[allow(clippy::too_many_arguments)]
pub fn split<R: Read, L: Ledger>(
    r: &mut R,
    ledger: &L,
    params: &openledger_proto::attribution::v1::Params,
    version_id: u64,
    price: u128,
    data_bps: u32,
    weights: &[(u64, u64)],
    uses: u64,
) -> Result<Settlement, Failure> {
    let fee = bps(price, params.protocol_fee_bps)?;
    let mut walk = Walk {
        r,
        ledger,
        max_depth: params.max_lineage_depth,
        max_declared: params.max_declared_contributions as usize,
        uses,
        nodes: 0,
        out: Settlement {
            fee,
            ..Default::default()
        },
    };
    walk.settle(
        version_id,
        sub(price, fee, "fee")?,
        data_bps,
        Some(weights),
        0,
    )?;
    let settlement = walk.out;
    let total = settlement
        .checked_total()
        .ok_or_else(|| overflow("total"))?;
    if total != price {
        return Err(SdkError::Internal(format!("settlement of {price} summed to {total}")).into());
    }
    Ok(settlement)
}

#[cfg(test)]
#[path = "settle_tests.rs"]
mod tests;
