//! `openledger query datasets …`.

use anyhow::Result;
use clap::{Args, Subcommand};
use cosmrs::rpc::HttpClient;

use openledger_proto::datasets::v1 as ds;

use super::resolve_address;
use crate::config::Context;
use crate::ledger::{parse_short, query_and_emit};

/// Pages go by id: the items after `--after`, at most `--limit` (0 = the chain's default, 100).
/// A response's next_after_id is the --after of the next page (0 when there is none).
#[derive(Debug, Clone, Copy, Args)]
pub struct PageArgs {
    /// Start after this id
    #[arg(long, default_value_t = 0, value_name = "ID")]
    pub after: u64,
    /// At most this many items (0 = the chain's default)
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub limit: u32,
}

#[derive(Debug, Subcommand)]
pub enum DatasetsQuery {
    /// A dataset by id
    Dataset { id: u64 },
    /// Datasets in order of id, a page at a time
    List {
        #[command(flatten)]
        page: PageArgs,
    },
    /// Contributions to a dataset, a page at a time
    Contributions {
        dataset_id: u64,
        /// Only contributions with this status: pending, accepted, rejected
        #[arg(long, value_parser = parse_short::<ds::Status>, value_name = "STATUS")]
        status: Option<ds::Status>,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Contributions made by an address (or key name)
    ContributionsOf {
        address: String,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Settlement counters of a contribution: uses, weight, uopen earned
    Usage { contribution_id: u64 },
}

pub async fn run(ctx: &Context, client: &HttpClient, q: DatasetsQuery) -> Result<()> {
    match q {
        DatasetsQuery::Dataset { id } => {
            query_and_emit(ctx, client, &ds::QueryDatasetRequest { dataset_id: id }).await
        }
        DatasetsQuery::List { page } => {
            let req = ds::QueryDatasetsRequest {
                after_id: page.after,
                limit: page.limit,
            };
            query_and_emit(ctx, client, &req).await
        }
        DatasetsQuery::Contributions {
            dataset_id,
            status,
            page,
        } => {
            let req = ds::QueryContributionsRequest {
                dataset_id,
                status: status.map_or(ds::Status::Unspecified as i32, |s| s as i32),
                after_id: page.after,
                limit: page.limit,
            };
            query_and_emit(ctx, client, &req).await
        }
        DatasetsQuery::ContributionsOf { address, page } => {
            let req = ds::QueryContributionsOfRequest {
                contributor: resolve_address(ctx, &address)?,
                after_id: page.after,
                limit: page.limit,
            };
            query_and_emit(ctx, client, &req).await
        }
        DatasetsQuery::Usage { contribution_id } => {
            query_and_emit(ctx, client, &ds::QueryUsageRequest { contribution_id }).await
        }
    }
}
