//! `openledger query models …`, with lineage as a tree, a Graphviz or a Mermaid graph, and a
//! version's Hugging Face model-card header.

use anyhow::{Context as _, Result};
use clap::Subcommand;
use cosmrs::rpc::HttpClient;

use openledger_proto::licenses::v1 as lic;
use openledger_proto::models::v1 as mdl;

use super::resolve_address;
use crate::config::{Context, OutputFormat};
use crate::ledger::{card, emit_typed, lineage, query_path, to_json};
use crate::output::{print_json, print_text};
use crate::rpc;

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
    let path = |m: &str| query_path("models", m);
    match q {
        ModelsQuery::Model { id } => {
            let r: mdl::QueryModelResponse = rpc::grpc_query(
                client,
                &path("Model"),
                &mdl::QueryModelRequest { model_id: id },
            )
            .await?;
            emit_typed(ctx, &r);
        }
        ModelsQuery::Version { id } => {
            let r = version(client, id).await?;
            emit_typed(ctx, &r);
        }
        ModelsQuery::Versions { model_id } => {
            let r: mdl::QueryVersionsResponse = rpc::grpc_query(
                client,
                &path("Versions"),
                &mdl::QueryVersionsRequest { model_id },
            )
            .await?;
            emit_typed(ctx, &r);
        }
        ModelsQuery::ByOwner { address } => {
            let req = mdl::QueryModelsByOwnerRequest {
                owner: resolve_address(ctx, &address)?,
            };
            let r: mdl::QueryModelsByOwnerResponse =
                rpc::grpc_query(client, &path("ModelsByOwner"), &req).await?;
            emit_typed(ctx, &r);
        }
        ModelsQuery::Descendants { version_id } => {
            let req = mdl::QueryDescendantsRequest { version_id };
            let r: mdl::QueryDescendantsResponse =
                rpc::grpc_query(client, &path("Descendants"), &req).await?;
            emit_typed(ctx, &r);
        }
        ModelsQuery::Provenance { version_id } => {
            let req = mdl::QueryProvenanceRequest { version_id };
            let r: mdl::QueryProvenanceResponse =
                rpc::grpc_query(client, &path("Provenance"), &req).await?;
            emit_typed(ctx, &r);
        }
        ModelsQuery::Lineage { version_id } => {
            let req = mdl::QueryLineageRequest { version_id };
            let r: mdl::QueryLineageResponse =
                rpc::grpc_query(client, &path("Lineage"), &req).await?;
            let out = match ctx.output {
                OutputFormat::Json => {
                    print_json(&to_json(&r));
                    return Ok(());
                }
                OutputFormat::Text => lineage::text(&r.nodes),
                OutputFormat::Dot => lineage::dot(&r.nodes),
                OutputFormat::Mermaid => lineage::mermaid(&r.nodes),
            };
            print_text(&out)?;
        }
        ModelsQuery::Card { version_id } => {
            let v = version(client, version_id)
                .await?
                .version
                .with_context(|| format!("version {version_id} not found"))?;
            let own_base = v.external_base.as_ref().filter(|b| !b.id.is_empty());
            let model_base = if v.parent_version_ids.is_empty() && own_base.is_none() {
                let req = mdl::QueryModelRequest {
                    model_id: v.model_id,
                };
                let r: mdl::QueryModelResponse =
                    rpc::grpc_query(client, &path("Model"), &req).await?;
                r.model.and_then(|m| m.external_base)
            } else {
                None
            };
            let first_license = match v.license_ids.first() {
                Some(id) => {
                    let req = lic::QueryLicenseRequest { license_id: *id };
                    let r: lic::QueryLicenseResponse =
                        rpc::grpc_query(client, &query_path("licenses", "License"), &req).await?;
                    r.license
                }
                None => None,
            };
            let c = card::card_for(&v, model_base.as_ref(), first_license.as_ref());
            if ctx.json() {
                print_json(&c.to_json());
            } else {
                print_text(&c.render()?)?;
            }
        }
    }
    Ok(())
}

async fn version(client: &HttpClient, id: u64) -> Result<mdl::QueryVersionResponse> {
    rpc::grpc_query(
        client,
        &query_path("models", "Version"),
        &mdl::QueryVersionRequest { version_id: id },
    )
    .await
}
