//! `openledger query attribution …`: split previews, earnings, usage counters, operators,
//! reports, challenges, parameters.

use std::path::PathBuf;

use anyhow::{Context as _, Result};
use clap::Subcommand;
use cosmrs::rpc::HttpClient;

use openledger_proto::attribution::v1 as att;

use super::resolve_address;
use crate::attribute::uses::parse_weights_file;
use crate::config::Context;
use crate::input::read_text_file_or_stdin;
use crate::ledger::{proto_json, query, query_and_emit, uopen_arg};
use crate::output::emit;

#[derive(Debug, Subcommand)]
pub enum AttributionQuery {
    /// Who would get what if PRICE were paid for one use of a version (spends nothing)
    SplitPreview {
        version_id: u64,
        /// The price of the use, e.g. 1000uopen or 1000
        #[arg(long, value_parser = uopen_arg, value_name = "AMOUNT")]
        price: String,
        /// Licence whose data share applies at the version (0: the version's first licence)
        #[arg(long = "license-id", default_value_t = 0, value_name = "ID")]
        license_id: u64,
        /// Attribution weights: a JSON array [{"contribution_id", "weight"}, …] or a Use
        /// (`openledger attribute` prints either); "-" = stdin
        #[arg(long, value_name = "FILE")]
        weights: Option<PathBuf>,
    },
    /// Rewards of an address (or key name): earned, claimed, and what earned them
    Earnings { address: String },
    /// Counters of a data contribution: uses, weight, uopen earned
    Usage { contribution_id: u64 },
    /// A challenge of a usage report and its status
    Challenge { challenge_id: u64 },
    /// Counters of a model version: uses and revenue (direct and royalties)
    VersionUsage { version_id: u64 },
    /// An operator (address or key name) of a model version
    Operator { address: String, version_id: u64 },
    /// Usage reports of an operator (address or key name), a page at a time
    Reports {
        address: String,
        #[command(flatten)]
        page: super::datasets::PageArgs,
    },
    /// The attribution module's parameters
    Params,
}

pub async fn run(ctx: &Context, client: &HttpClient, q: AttributionQuery) -> Result<()> {
    match q {
        AttributionQuery::SplitPreview {
            version_id,
            price,
            license_id,
            weights,
        } => {
            let weights = match weights {
                Some(p) => parse_weights_file(&read_text_file_or_stdin(&p, "the weights")?)
                    .with_context(|| format!("invalid weights file {}", p.display()))?,
                None => Vec::new(),
            };
            let req = att::QuerySplitPreviewRequest {
                version_id,
                price,
                license_id,
                weights,
            };
            let r = query(client, &req).await?;
            emit(ctx, &proto_json(&r)?, || split_table(&r));
            Ok(())
        }
        AttributionQuery::Earnings { address } => {
            let req = att::QueryEarningsRequest {
                address: resolve_address(ctx, &address)?,
                ..Default::default()
            };
            query_and_emit(ctx, client, &req).await
        }
        AttributionQuery::Usage { contribution_id } => {
            query_and_emit(ctx, client, &att::QueryUsageRequest { contribution_id }).await
        }
        AttributionQuery::VersionUsage { version_id } => {
            query_and_emit(ctx, client, &att::QueryVersionUsageRequest { version_id }).await
        }
        AttributionQuery::Operator {
            address,
            version_id,
        } => {
            let req = att::QueryOperatorRequest {
                address: resolve_address(ctx, &address)?,
                version_id,
            };
            query_and_emit(ctx, client, &req).await
        }
        AttributionQuery::Reports { address, page } => {
            let req = att::QueryReportsRequest {
                operator: resolve_address(ctx, &address)?,
                after_id: page.after,
                limit: page.limit,
            };
            query_and_emit(ctx, client, &req).await
        }
        AttributionQuery::Challenge { challenge_id } => {
            query_and_emit(ctx, client, &att::QueryChallengeRequest { challenge_id }).await
        }
        AttributionQuery::Params => query_and_emit(ctx, client, &att::QueryParamsRequest {}).await,
    }
}

/// The payouts as a table: address, amount (right-aligned) and reason, then the total.
fn split_table(r: &att::QuerySplitPreviewResponse) -> String {
    let reason = |p: &att::Payout| {
        let mut s = p.reason.clone();
        if p.version_id != 0 {
            s.push_str(&format!(" version={}", p.version_id));
        }
        if p.contribution_id != 0 {
            s.push_str(&format!(" contribution={}", p.contribution_id));
        }
        s
    };
    let aw = r
        .payouts
        .iter()
        .map(|p| p.address.len())
        .chain([7])
        .max()
        .unwrap_or(7);
    let nw = r
        .payouts
        .iter()
        .map(|p| p.amount.len())
        .chain([6, r.total.len()])
        .max()
        .unwrap_or(6);
    let mut t = format!("{:<aw$}  {:>nw$}  REASON\n", "ADDRESS", "AMOUNT");
    for p in &r.payouts {
        t.push_str(&format!(
            "{:<aw$}  {:>nw$}  {}\n",
            p.address,
            p.amount,
            reason(p)
        ));
    }
    t.push_str(&format!("{:<aw$}  {:>nw$}\n", "total", r.total));
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_split_preview_prints_as_a_table_with_its_total() {
        let p = |a: &str, amt: &str, reason: &str, v: u64, c: u64| att::Payout {
            address: a.into(),
            amount: amt.into(),
            reason: reason.into(),
            version_id: v,
            contribution_id: c,
        };
        let r = att::QuerySplitPreviewResponse {
            payouts: vec![
                p("ol1fee", "10", "protocol_fee", 0, 0),
                p("ol1alice", "990", "data", 3, 7),
            ],
            total: "1000".into(),
        };
        assert_eq!(
            split_table(&r),
            "ADDRESS   AMOUNT  REASON\n\
             ol1fee        10  protocol_fee\n\
             ol1alice     990  data version=3 contribution=7\n\
             total       1000\n"
        );
    }
}
