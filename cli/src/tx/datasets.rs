//! `openledger tx datasets …`: create a dataset, contribute batches of items, review them,
//! hand the dataset to another curator.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};
use clap::Args;
use cosmrs::Any;
use sha2::{Digest, Sha256};

use openledger_proto::datasets::v1 as ds;

use super::{one_msg, tx_commands, IntoMsgs};
use crate::address;
use crate::input::read_text_file_or_stdin;
use crate::ledger::{parse_sha256_hex, parse_short};

tx_commands! {
    pub enum DatasetsTxCmd {
        /// Create a dataset curated by FROM; prints the dataset_id the chain assigned
        Create(CreateArgs),
        /// Contribute a batch of items to a dataset; prints first_contribution_id and count
        #[command(group = clap::ArgGroup::new("items").required(true).multiple(false))]
        Contribute(ContributeArgs),
        /// Accept or reject pending contributions (FROM is the curator)
        #[command(group = clap::ArgGroup::new("decisions").required(true).multiple(true))]
        Review(ReviewArgs),
        /// Hand a dataset to a new curator (an address)
        UpdateCurator(UpdateCuratorArgs),
    }
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    #[arg(long)]
    name: String,
    #[arg(long, default_value = "")]
    description: String,
    /// Licence the dataset is offered under (0 = none yet)
    #[arg(long = "license-id", default_value_t = 0)]
    license_id: u64,
    /// open: contributions are accepted as they arrive; curated: they wait for review
    #[arg(long, value_name = "open|curated", default_value = "open", value_parser = parse_short::<ds::Policy>)]
    policy: ds::Policy,
}

impl IntoMsgs for CreateArgs {
    fn msgs(self, curator: &str) -> Result<Vec<Any>> {
        one_msg(ds::MsgCreateDataset {
            curator: curator.to_string(),
            name: self.name,
            description: self.description,
            license_id: self.license_id,
            policy: self.policy as i32,
        })
    }
}

#[derive(Debug, Args)]
pub struct ContributeArgs {
    dataset_id: u64,
    /// A JSON array of {"content_sha256", "size", "uri", "metadata"} ("-" = stdin)
    #[arg(long, group = "items", value_name = "FILE")]
    file: Option<PathBuf>,
    /// Local files to contribute: sha256 and size are computed from each
    #[arg(long, group = "items", num_args = 1.., value_name = "PATH")]
    content: Vec<PathBuf>,
    /// With --content: the uri of each file is PREFIX/<basename> instead of file://<basename>
    #[arg(long = "uri-prefix", requires = "content", value_name = "PREFIX")]
    uri_prefix: Option<String>,
    /// With --content: metadata recorded with every file
    #[arg(long, requires = "content", default_value = "")]
    metadata: String,
}

impl IntoMsgs for ContributeArgs {
    fn msgs(self, contributor: &str) -> Result<Vec<Any>> {
        let items = match &self.file {
            Some(path) => read_items_file(path)?,
            None => self
                .content
                .iter()
                .map(|p| item_from_file(p, self.uri_prefix.as_deref(), &self.metadata))
                .collect::<Result<_>>()?,
        };
        one_msg(ds::MsgContribute {
            contributor: contributor.to_string(),
            dataset_id: self.dataset_id,
            items,
        })
    }
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    dataset_id: u64,
    /// Contribution ids to accept
    #[arg(
        long,
        group = "decisions",
        value_delimiter = ',',
        value_name = "ID[,ID…]"
    )]
    accept: Vec<u64>,
    /// Contribution ids to reject
    #[arg(
        long,
        group = "decisions",
        value_delimiter = ',',
        value_name = "ID[,ID…]"
    )]
    reject: Vec<u64>,
    /// Reason recorded with the rejections (with the acceptances when nothing is rejected)
    #[arg(long, default_value = "")]
    reason: String,
}

impl IntoMsgs for ReviewArgs {
    fn msgs(self, curator: &str) -> Result<Vec<Any>> {
        one_msg(ds::MsgReviewContributions {
            curator: curator.to_string(),
            dataset_id: self.dataset_id,
            decisions: decisions(&self.accept, &self.reject, &self.reason)?,
        })
    }
}

#[derive(Debug, Args)]
pub struct UpdateCuratorArgs {
    dataset_id: u64,
    new_curator: String,
}

impl IntoMsgs for UpdateCuratorArgs {
    fn msgs(self, curator: &str) -> Result<Vec<Any>> {
        address::decode(&self.new_curator).context("invalid NEW_CURATOR")?;
        one_msg(ds::MsgUpdateCurator {
            curator: curator.to_string(),
            dataset_id: self.dataset_id,
            new_curator: self.new_curator,
        })
    }
}

const ITEM_FIELDS: [&str; 4] = ["content_sha256", "size", "uri", "metadata"];

/// Parses an items file: a JSON array of {"content_sha256", "size", "uri", "metadata"};
/// content_sha256 is required, a misspelt field is an error rather than silently dropped.
pub fn parse_items(json: &str) -> Result<Vec<ds::ContributionItem>> {
    let raw: Vec<serde_json::Map<String, serde_json::Value>> = serde_json::from_str(json).context(
        "expected a JSON array of objects {\"content_sha256\", \"size\", \"uri\", \"metadata\"}",
    )?;
    if raw.is_empty() {
        bail!("the items file holds no items");
    }
    raw.into_iter()
        .enumerate()
        .map(|(i, obj)| {
            if let Some(k) = obj.keys().find(|k| !ITEM_FIELDS.contains(&k.as_str())) {
                bail!(
                    "item {i}: unknown field {k:?} (expected {})",
                    ITEM_FIELDS.join(", ")
                );
            }
            let Some(sha) = obj.get("content_sha256").and_then(|v| v.as_str()) else {
                bail!("item {i}: content_sha256 (a hex string) is required");
            };
            let sha = parse_sha256_hex(sha).with_context(|| format!("item {i}"))?;
            let mut item: ds::ContributionItem =
                serde_json::from_value(serde_json::Value::Object(obj)).with_context(|| {
                    format!(
                        "item {i}: size must be a non-negative integer, uri and metadata strings"
                    )
                })?;
            item.content_sha256 = sha;
            Ok(item)
        })
        .collect()
}

fn read_items_file(path: &Path) -> Result<Vec<ds::ContributionItem>> {
    let text = read_text_file_or_stdin(path, "the items")?;
    parse_items(&text).with_context(|| format!("invalid items file {}", path.display()))
}

/// An item for a local file: its sha256 and size, and `file://<basename>` or PREFIX/<basename>.
fn item_from_file(
    path: &Path,
    uri_prefix: Option<&str>,
    metadata: &str,
) -> Result<ds::ContributionItem> {
    let mut f = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut hasher = Sha256::new();
    let size = std::io::copy(&mut f, &mut hasher)
        .with_context(|| format!("reading {}", path.display()))?;
    let base = path
        .file_name()
        .and_then(|n| n.to_str())
        .with_context(|| format!("{} has no UTF-8 file name", path.display()))?;
    Ok(ds::ContributionItem {
        content_sha256: hex::encode(hasher.finalize()),
        size,
        uri: content_uri(base, uri_prefix),
        metadata: metadata.to_string(),
    })
}

fn content_uri(basename: &str, prefix: Option<&str>) -> String {
    match prefix {
        None => format!("file://{basename}"),
        Some(p) if p.ends_with('/') => format!("{p}{basename}"),
        Some(p) => format!("{p}/{basename}"),
    }
}

/// Accepts then rejections, in the order given. `reason` goes with the rejections, or with the
/// acceptances when there are none.
fn decisions(accept: &[u64], reject: &[u64], reason: &str) -> Result<Vec<ds::Decision>> {
    let mut seen = std::collections::BTreeSet::new();
    for id in accept.iter().chain(reject) {
        if !seen.insert(*id) {
            bail!("contribution {id} is named twice");
        }
    }
    let accept_reason = if reject.is_empty() { reason } else { "" };
    let d = |id: &u64, accept: bool, reason: &str| ds::Decision {
        contribution_id: *id,
        accept,
        reason: reason.to_string(),
    };
    Ok(accept
        .iter()
        .map(|id| d(id, true, accept_reason))
        .chain(reject.iter().map(|id| d(id, false, reason)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_item_files() {
        let h = "ab".repeat(32);
        let items = parse_items(&format!(
            r#"[{{"content_sha256":"{}","size":12,"uri":"ipfs://x","metadata":"{{\"lang\":\"en\"}}"}},
                {{"content_sha256":"{h}"}}]"#,
            h.to_uppercase()
        ))
        .unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].content_sha256, h);
        assert_eq!(items[0].size, 12);
        assert_eq!(items[0].uri, "ipfs://x");
        assert_eq!(items[0].metadata, r#"{"lang":"en"}"#);
        assert_eq!(items[1].size, 0);
        // Proto3 JSON: a 64-bit size may also be a string.
        let quoted = parse_items(&format!(r#"[{{"content_sha256":"{h}","size":"12"}}]"#)).unwrap();
        assert_eq!(quoted[0].size, 12);

        for (bad, why) in [
            ("[]", "no items"),
            ("{}", "JSON array"),
            (r#"[{"size":1}]"#, "content_sha256"),
            (r#"[{"content_sha256":"abc"}]"#, "SHA-256"),
            (
                &format!(r#"[{{"content_sha256":"{h}","sha256":"x"}}]"#),
                "unknown field",
            ),
            (
                &format!(r#"[{{"content_sha256":"{h}","size":-1}}]"#),
                "size",
            ),
            (
                &format!(r#"[{{"content_sha256":"{h}","size":"twelve"}}]"#),
                "size",
            ),
        ] {
            let err = format!("{:#}", parse_items(bad).unwrap_err());
            assert!(err.contains(why), "{bad}: {err}");
        }
    }

    #[test]
    fn items_from_local_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        std::fs::write(&p, b"abc").unwrap();
        let item = item_from_file(&p, None, "m").unwrap();
        assert_eq!(
            item.content_sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(item.size, 3);
        assert_eq!(item.uri, "file://a.txt");
        assert_eq!(item.metadata, "m");
        assert_eq!(
            item_from_file(&p, Some("ipfs://cid"), "").unwrap().uri,
            "ipfs://cid/a.txt"
        );
        assert_eq!(content_uri("a.txt", Some("s3://b/")), "s3://b/a.txt");
        assert!(item_from_file(&dir.path().join("missing"), None, "").is_err());
    }

    #[test]
    fn review_decisions() {
        let d = decisions(&[1, 2], &[3], "dup").unwrap();
        let shown: Vec<(u64, bool, &str)> = d
            .iter()
            .map(|d| (d.contribution_id, d.accept, d.reason.as_str()))
            .collect();
        assert_eq!(shown, [(1, true, ""), (2, true, ""), (3, false, "dup")]);
        assert_eq!(decisions(&[4], &[], "ok").unwrap()[0].reason, "ok");
        assert!(decisions(&[1], &[1], "").is_err());
    }
}
