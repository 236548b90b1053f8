//! `openledger query models …`, with lineage as a tree, a Graphviz or a Mermaid graph, and a
//! version's Hugging Face model-card header.

use anyhow::{Context as _, Result};
use clap::Subcommand;
use cosmrs::rpc::HttpClient;

use openledger_proto::licenses::v1 as lic;
use openledger_proto::models::v1 as mdl;

use super::resolve_address;
use crate::config::{Context, OutputFormat};
use crate::ledger::{card, lineage, proto_json, query, query_and_emit};
use crate::output::{print_json, print_text};

#[derive(Debug, Subcommand)]
pub enum ModelsQuery {
    /// A model by id
    Model { id: u64 },
    /// A model version by id
    Version { id: u64 },
    /// The versions of a model, oldest first
    Versions { model_id: u64 },
    /// Models owned by an address (or key name)
    ByOwner { address: String },
    /// Versions derived from a version (fine-tunes, merges, … at any depth)
    Descendants { version_id: u64 },
    /// A version's lineage and the datasets it was trained on
    Provenance { version_id: u64 },
    /// A version and its ancestors to every root. --output text (a tree), json, dot (Graphviz:
    /// `… -o dot | dot -Tpng > lineage.png`) or mermaid (`graph TD`)
    Lineage { version_id: u64 },
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
        ModelsQuery::Versions { model_id } => {
            query_and_emit(ctx, client, &mdl::QueryVersionsRequest { model_id }).await
        }
        ModelsQuery::ByOwner { address } => {
            let req = mdl::QueryModelsByOwnerRequest {
                owner: resolve_address(ctx, &address)?,
            };
            query_and_emit(ctx, client, &req).await
        }
        ModelsQuery::Descendants { version_id } => {
            query_and_emit(ctx, client, &mdl::QueryDescendantsRequest { version_id }).await
        }
        ModelsQuery::Provenance { version_id } => {
            query_and_emit(ctx, client, &mdl::QueryProvenanceRequest { version_id }).await
        }
        ModelsQuery::Lineage { version_id } => {
            let r = query(client, &mdl::QueryLineageRequest { version_id }).await?;
            let out = match ctx.output {
                OutputFormat::Json => {
                    print_json(&proto_json(&r)?);
                    return Ok(());
                }
                OutputFormat::Text => lineage::text(&r.nodes),
                OutputFormat::Dot => lineage::dot(&r.nodes),
                OutputFormat::Mermaid => lineage::mermaid(&r.nodes),
            };
            print_text(&out)?;
            Ok(())
        }
        ModelsQuery::Card { version_id } => card(ctx, client, version_id).await,
    }
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
