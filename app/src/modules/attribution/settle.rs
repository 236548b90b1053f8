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
    pub fn total(&self) -> u128 {
        self.fee + self.parts.iter().map(|p| p.amount).sum::<u128>()
    }
}

fn bps(amount: u128, bps: u32) -> u128 {
    // amount × bps could overflow for amounts near 2^128; split the product to stay exact.
    let bps = u128::from(bps.min(10_000));
    (amount / 10_000) * bps + (amount % 10_000) * bps / 10_000
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
            entry.0 += u128::from(weight);
            entry.1 += amount;
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
        *self.out.revenue.entry(version_id).or_default() += amount;

        let declared;
        let weights = match weights {
            Some(w) if !w.is_empty() => w,
            _ => {
                declared = self.declared(&version)?;
                &declared[..]
            }
        };
        let data_paid = self.pay_contributions(version_id, bps(amount, data_bps), weights)?;

        let mut royalties = 0u128;
        let mut upstream = version.upstream.clone();
        upstream.sort_by_key(|u| u.parent_version_id);
        for edge in upstream {
            let royalty = bps(amount, edge.royalty_bps);
            if royalty == 0 || depth + 1 > self.max_depth || self.nodes >= MAX_SETTLEMENT_NODES {
                continue;
            }
            if royalties + data_paid + royalty > amount {
                continue; // publication forbids this; never pay out more than arrived
            }
            royalties += royalty;
            self.settle(
                edge.parent_version_id,
                royalty,
                edge.data_share_bps,
                None,
                depth + 1,
            )?;
        }

        let rest = amount - data_paid - royalties;
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
    let fee = bps(price, params.protocol_fee_bps);
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
    walk.settle(version_id, price - fee, data_bps, Some(weights), 0)?;
    let settlement = walk.out;
    if settlement.total() != price {
        return Err(SdkError::Internal(format!(
            "settlement of {price} summed to {}",
            settlement.total()
        ))
        .into());
    }
    Ok(settlement)
}

#[cfg(test)]
#[path = "settle_tests.rs"]
mod tests;
