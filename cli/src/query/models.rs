//! `openledger query models …`, with lineage as a tree, a Graphviz or a Mermaid graph, and a
//! version's Hugging Face model-card header.

use anyhow::{Context as _, Result};
use clap::{Args, Subcommand};
use cosmrs::rpc::HttpClient;

use openledger_proto::licenses::v1 as lic;
use openledger_proto::models::v1 as mdl;

use super::datasets::PageArgs;
use super::resolve_address;
use crate::config::{Context, OutputFormat};
use crate::ledger::{card, lineage, proto_json, query, query_and_emit};
use crate::output::{print_json, print_text};

/// How far a walk goes: at most `--limit` versions, nearest first (0 = the chain's default, 100;
/// at most 1000). A response's `truncated` says the walk stopped there.
#[derive(Debug, Clone, Copy, Args)]
pub struct WalkArgs {
    /// Visit at most this many versions (0 = the chain's default)
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub limit: u32,
}

#[derive(Debug, Subcommand)]
pub enum ModelsQuery {
    /// A model by id
    Model { id: u64 },
    /// A model version by id
    Version { id: u64 },
    /// The versions of a model, oldest first, a page at a time
    Versions {
        model_id: u64,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Models owned by an address (or key name), a page at a time
    ByOwner {
        address: String,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Versions derived from a version (fine-tunes, merges, … at any depth)
    Descendants {
        version_id: u64,
        #[command(flatten)]
        walk: WalkArgs,
    },
    /// A version's lineage and the datasets it was trained on
    Provenance {
        version_id: u64,
        #[command(flatten)]
        walk: WalkArgs,
    },
    /// A version and its ancestors to every root. --output text (a tree), json, dot (Graphviz:
    /// `… -o dot | dot -Tpng > lineage.png`) or mermaid (`graph TD`)
    Lineage {
        version_id: u64,
        #[command(flatten)]
        walk: WalkArgs,
    },
    /// A Hugging Face model-card YAML header for a version (base_model, base_model_relation,
    /// datasets, license, tags), to paste at the top of its README.md
    Card { version_id: u64 },
}

impl ModelsQuery {
    /// Only `lineage` prints graphs (`--output dot|mermaid`).
    pub fn accepts_graph_output(&self) -> bool {
        matches!(self, ModelsQuery::Lineage { .. })
    }
}

pub async fn run(ctx: &Context, client: &HttpClient, q: ModelsQuery) -> Result<()> {
    match q {
        ModelsQuery::Model { id } => {
            query_and_emit(ctx, client, &mdl::QueryModelRequest { model_id: id }).await
        }
        ModelsQuery::Version { id } => {
            query_and_emit(ctx, client, &mdl::QueryVersionRequest { version_id: id }).await
        }
        ModelsQuery::Versions { model_id, page } => {
            let req = mdl::QueryVersionsRequest {
                model_id,
                after_id: page.after,
                limit: page.limit,
            };
            query_and_emit(ctx, client, &req).await
        }
        ModelsQuery::ByOwner { address, page } => {
            let req = mdl::QueryModelsByOwnerRequest {
                owner: resolve_address(ctx, &address)?,
                after_id: page.after,
                limit: page.limit,
            };
            query_and_emit(ctx, client, &req).await
        }
        ModelsQuery::Descendants { version_id, walk } => {
            let req = mdl::QueryDescendantsRequest {
                version_id,
                limit: walk.limit,
            };
            query_and_emit(ctx, client, &req).await
        }
        ModelsQuery::Provenance { version_id, walk } => {
            let req = mdl::QueryProvenanceRequest {
                version_id,
                limit: walk.limit,
            };
            query_and_emit(ctx, client, &req).await
        }
        ModelsQuery::Lineage { version_id, walk } => {
            let req = mdl::QueryLineageRequest {
                version_id,
                limit: walk.limit,
            };
            let r = query(client, &req).await?;
            let mut out = match ctx.output {
                OutputFormat::Json => {
                    print_json(&proto_json(&r)?);
                    return Ok(());
                }
                OutputFormat::Text => lineage::text(&r.nodes),
                OutputFormat::Dot => lineage::dot(&r.nodes),
                OutputFormat::Mermaid => lineage::mermaid(&r.nodes),
            };
            if r.truncated {
                let note = truncated_note(r.nodes.len());
                if ctx.output == OutputFormat::Text {
                    out.push_str(&note);
                    out.push('\n');
                } else {
                    // Graphs stay valid input for dot and mermaid.
                    eprintln!("{note}");
                }
            }
            print_text(&out)?;
            Ok(())
        }
        ModelsQuery::Card { version_id } => card(ctx, client, version_id).await,
    }
}

/// What a lineage cut short at its bound says.
fn truncated_note(shown: usize) -> String {
    format!("(truncated: the nearest {shown} versions are shown; --limit up to 1000 shows more)")
}

/// A version's model-card header: its own base, else its model's (for a root version), and
/// its first licence.
async fn card(ctx: &Context, client: &HttpClient, version_id: u64) -> Result<()> {
    let v = query(client, &mdl::QueryVersionRequest { version_id })
        .await?
        .version
        .with_context(|| format!("version {version_id} not found"))?;
    let own_base = v.external_base.as_ref().filter(|b| !b.id.is_empty());
    let model_base = if v.parent_version_ids.is_empty() && own_base.is_none() {
        let req = mdl::QueryModelRequest {
            model_id: v.model_id,
        };
        query(client, &req)
            .await?
            .model
            .and_then(|m| m.external_base)
    } else {
        None
    };
    let first_license = match v.license_ids.first() {
        Some(id) => {
            query(client, &lic::QueryLicenseRequest { license_id: *id })
                .await?
                .license
        }
        None => None,
    };
    let c = card::card_for(&v, model_base.as_ref(), first_license.as_ref());
    if ctx.json() {
        print_json(&c.to_json());
    } else {
        print_text(&c.render()?)?;
    }
    Ok(())
}
