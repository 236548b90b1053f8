//! `openledger tx models …`: register a model, publish versions (from flags and/or a Hugging
//! Face model card), transfer a model to a new owner.

use std::path::PathBuf;

use anyhow::{anyhow, bail, Context as _, Result};
use clap::Args;
use cosmrs::Any;

use openledger_proto::models::v1 as mdl;

use super::{one_msg, tx_commands, IntoMsgs};
use crate::address;
use crate::ledger::card::{self, CardFields, ALL_FIRST, ALL_LAST};
use crate::ledger::{parse_short, sha256_arg, ShortName};

tx_commands! {
    pub enum ModelsTxCmd {
        /// Register a model owned by FROM; prints the model_id the chain assigned
        Register(RegisterArgs),
        /// Publish a version of a model FROM owns; prints the version_id the chain assigned
        #[command(after_help = PUBLISH_HELP)]
        PublishVersion(PublishVersionArgs),
        /// Transfer a model to a new owner (an address)
        Transfer(TransferArgs),
    }
}

#[derive(Debug, Args)]
pub struct RegisterArgs {
    #[arg(long)]
    name: String,
    #[arg(long, default_value = "")]
    description: String,
    #[command(flatten)]
    base: BaseArgs,
}

impl IntoMsgs for RegisterArgs {
    fn msgs(self, owner: &str) -> Result<Vec<Any>> {
        one_msg(mdl::MsgRegisterModel {
            owner: owner.to_string(),
            external_base: self.base.to_proto(),
            name: self.name,
            description: self.description,
        })
    }
}

#[derive(Debug, Args)]
pub struct PublishVersionArgs {
    model_id: u64,
    #[command(flatten)]
    args: PublishArgs,
}

/// Reads the model card (`--from-card`) first; the flags given replace what it says.
impl IntoMsgs for PublishVersionArgs {
    fn msgs(self, owner: &str) -> Result<Vec<Any>> {
        let card = self.args.from_card.as_ref().map(read_card).transpose()?;
        one_msg(mdl::MsgPublishVersion {
            owner: owner.to_string(),
            ..publish_msg(self.model_id, &self.args, card)
        })
    }
}

#[derive(Debug, Args)]
pub struct TransferArgs {
    model_id: u64,
    new_owner: String,
}

impl IntoMsgs for TransferArgs {
    fn msgs(self, owner: &str) -> Result<Vec<Any>> {
        address::decode(&self.new_owner).context("invalid NEW_OWNER")?;
        one_msg(mdl::MsgTransferModelOwnership {
            owner: owner.to_string(),
            model_id: self.model_id,
            new_owner: self.new_owner,
        })
    }
}

const PUBLISH_HELP: &str = "\
Dataset uses: --dataset 3:100-199 records contributions 100 to 199 (inclusive) of dataset 3;
--dataset 3 or --dataset 3:all records the whole dataset, sent as the range
0-18446744073709551615 (0 to u64::MAX), which the chain reads as \"all\".

--from-card README.md reads the YAML front matter of a Hugging Face model card:
  base_model           a number or openledger:<version id> is a --parent; any other string
                       is the external base (source huggingface)
  base_model_relation  adapter -> adapter, finetune -> full, merge -> merge, quantized -> full
  license              openledger:<licence id> (or license: other, license_name: openledger:<id>)
  datasets             each openledger:<dataset id> is a use of the whole dataset
Other entries are noted on stderr and left out. A flag given explicitly replaces what the card
says for that field (--parent, --base-*, --method, --license-id, --dataset).";

/// An external base: `--base-id` with its source (default huggingface) and revision.
#[derive(Debug, Clone, Default, Args)]
pub struct BaseArgs {
    /// Where the external base lives [default: huggingface]
    #[arg(long = "base-source", requires = "base_id", value_name = "SOURCE")]
    pub base_source: Option<String>,
    /// Id of the external base, e.g. meta-llama/Llama-3.1-8B
    #[arg(long = "base-id", value_name = "ID")]
    pub base_id: Option<String>,
    /// Revision or content hash of the external base's weights
    #[arg(long = "base-revision", requires = "base_id", value_name = "REV")]
    pub base_revision: Option<String>,
}

impl BaseArgs {
    pub fn to_proto(&self) -> Option<mdl::ExternalBase> {
        let id = self.base_id.clone()?;
        Some(mdl::ExternalBase {
            source: self
                .base_source
                .clone()
                .unwrap_or_else(|| card::HUGGINGFACE.to_string()),
            id,
            revision: self.base_revision.clone().unwrap_or_default(),
        })
    }
}

#[derive(Debug, Clone, Default, Args)]
pub struct PublishArgs {
    /// Hex SHA-256 of the weights
    #[arg(long = "artifact-sha256", value_parser = sha256_arg, value_name = "HEX")]
    pub artifact_sha256: String,
    /// Where the weights can be fetched
    #[arg(long, default_value = "", value_name = "URI")]
    pub uri: String,
    /// An on-chain version this one derives from (repeat for a merge)
    #[arg(long = "parent", value_name = "VERSION_ID")]
    pub parents: Vec<u64>,
    /// Training method: full, lora, adapter, merge, distillation
    #[arg(long, value_parser = parse_short::<mdl::TrainingMethod>, value_name = "METHOD")]
    pub method: Option<mdl::TrainingMethod>,
    /// Hex SHA-256 of the hyper-parameters
    #[arg(long = "hyperparams-sha256", value_parser = sha256_arg, value_name = "HEX")]
    pub hyperparams_sha256: Option<String>,
    /// Contributions used in training: DATASET_ID:FIRST-LAST, or DATASET_ID (all); repeatable
    #[arg(long = "dataset", value_parser = dataset_use_arg, value_name = "DATASET_ID:FIRST-LAST")]
    pub datasets: Vec<mdl::DatasetUse>,
    /// ADDR:ROLE:BPS, ROLE one of architect, data, fine-tuner, evaluator; shares sum to 10000
    #[arg(long = "contributor", value_parser = contributor_arg, value_name = "ADDR:ROLE:BPS")]
    pub contributors: Vec<mdl::Contributor>,
    /// Licence offered on the version (repeatable)
    #[arg(long = "license-id", value_name = "LICENSE_ID")]
    pub license_ids: Vec<u64>,
    #[command(flatten)]
    pub base: BaseArgs,
    /// Take parents, base, method, licences and datasets from a Hugging Face model card
    #[arg(long = "from-card", value_name = "README.md")]
    pub from_card: Option<PathBuf>,
}

/// `3:100-199`, `3:all` or `3`.
pub fn parse_dataset_use(s: &str) -> Result<mdl::DatasetUse> {
    let (id, range) = match s.split_once(':') {
        Some((id, r)) => (id, Some(r.trim())),
        None => (s, None),
    };
    let dataset_id = id
        .trim()
        .parse::<u64>()
        .map_err(|_| anyhow!("invalid dataset id in {s:?}"))?;
    let (first, last) = match range {
        None | Some("all") => (ALL_FIRST, ALL_LAST),
        Some(r) => {
            let (a, b) = r
                .split_once('-')
                .ok_or_else(|| anyhow!("{s:?}: expected DATASET_ID:FIRST-LAST"))?;
            let a = a
                .trim()
                .parse::<u64>()
                .map_err(|_| anyhow!("invalid FIRST in {s:?}"))?;
            let b = b
                .trim()
                .parse::<u64>()
                .map_err(|_| anyhow!("invalid LAST in {s:?}"))?;
            if a > b {
                bail!("{s:?}: FIRST is after LAST");
            }
            (a, b)
        }
    };
    Ok(mdl::DatasetUse {
        dataset_id,
        first_contribution_id: first,
        last_contribution_id: last,
    })
}

fn dataset_use_arg(s: &str) -> Result<mdl::DatasetUse, String> {
    parse_dataset_use(s).map_err(|e| e.to_string())
}

/// `ol1…:fine-tuner:6000`.
pub fn parse_contributor(s: &str) -> Result<mdl::Contributor> {
    let mut parts = s.rsplitn(3, ':');
    let (Some(bps), Some(role), Some(addr)) = (parts.next(), parts.next(), parts.next()) else {
        bail!("{s:?}: expected ADDR:ROLE:BPS");
    };
    address::decode(addr.trim())?;
    let role = mdl::Role::parse_short(role).with_context(|| format!("role in {s:?}"))?;
    let share_bps = bps
        .trim()
        .parse::<u32>()
        .map_err(|_| anyhow!("invalid BPS in {s:?}"))?;
    Ok(mdl::Contributor {
        address: addr.trim().to_string(),
        role: role as i32,
        share_bps,
    })
}

fn contributor_arg(s: &str) -> Result<mdl::Contributor, String> {
    parse_contributor(s).map_err(|e| format!("{e:#}"))
}

/// The message (signer left empty): the card's fields, each replaced by the flags given for it.
pub fn publish_msg(
    model_id: u64,
    args: &PublishArgs,
    card: Option<CardFields>,
) -> mdl::MsgPublishVersion {
    let card = card.unwrap_or_default();
    let pick = |flags: &Vec<u64>, from_card: Vec<u64>| {
        if flags.is_empty() {
            from_card
        } else {
            flags.clone()
        }
    };
    let datasets = if args.datasets.is_empty() {
        card.datasets
    } else {
        args.datasets.clone()
    };
    let method = args
        .method
        .or(card.method)
        .map_or(mdl::TrainingMethod::Unspecified as i32, |m| m as i32);
    mdl::MsgPublishVersion {
        owner: String::new(),
        model_id,
        artifact_sha256: args.artifact_sha256.clone(),
        uri: args.uri.clone(),
        parent_version_ids: pick(&args.parents, card.parents),
        external_base: args.base.to_proto().or(card.external_base),
        training: Some(mdl::TrainingRecord {
            method,
            hyperparams_sha256: args.hyperparams_sha256.clone().unwrap_or_default(),
            datasets,
        }),
        contributors: args.contributors.clone(),
        license_ids: pick(&args.license_ids, card.license_ids),
    }
}

fn read_card(path: &PathBuf) -> Result<CardFields> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let fields =
        card::parse_card(&text).with_context(|| format!("model card {}", path.display()))?;
    for note in &fields.ignored {
        eprintln!("note: {}: left out {note}", path.display());
    }
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct P {
        #[command(flatten)]
        args: PublishArgs,
    }

    fn addr() -> String {
        bech32::encode::<bech32::Bech32>(bech32::Hrp::parse("ol").unwrap(), &[7u8; 20]).unwrap()
    }

    #[test]
    fn dataset_uses() {
        let d = parse_dataset_use("3:100-199").unwrap();
        assert_eq!(
            (
                d.dataset_id,
                d.first_contribution_id,
                d.last_contribution_id
            ),
            (3, 100, 199)
        );
        for all in ["3", "3:all"] {
            let d = parse_dataset_use(all).unwrap();
            assert_eq!(
                (d.first_contribution_id, d.last_contribution_id),
                (0, u64::MAX)
            );
        }
        for bad in ["", "x", "3:", "3:5", "3:9-5", "3:a-b"] {
            assert!(parse_dataset_use(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn contributors() {
        let a = addr();
        let c = parse_contributor(&format!("{a}:fine-tuner:6000")).unwrap();
        assert_eq!(
            (c.address.as_str(), c.role, c.share_bps),
            (a.as_str(), mdl::Role::FineTuner as i32, 6000)
        );
        assert!(parse_contributor(&format!("{a}:chef:1")).is_err());
        assert!(parse_contributor("alice:data:1").is_err());
        assert!(parse_contributor(&format!("{a}:data")).is_err());
    }

    #[test]
    fn card_fields_and_flag_overrides() {
        let card = card::parse_card(
            "---\nbase_model: [openledger:12, org/base]\nbase_model_relation: adapter\nlicense: openledger:4\ndatasets: [openledger:3]\n---\n",
        )
        .unwrap();
        let h = "ab".repeat(32);
        let a = addr();
        let only_card = P::try_parse_from(["p", "--artifact-sha256", &h])
            .unwrap()
            .args;
        let m = publish_msg(7, &only_card, Some(card.clone()));
        assert_eq!(m.model_id, 7);
        assert_eq!(m.parent_version_ids, [12]);
        assert_eq!(m.external_base.as_ref().unwrap().id, "org/base");
        assert_eq!(m.license_ids, [4]);
        let t = m.training.unwrap();
        assert_eq!(t.method, mdl::TrainingMethod::Adapter as i32);
        assert_eq!(t.datasets[0].last_contribution_id, u64::MAX);

        let flags = P::try_parse_from([
            "p",
            "--artifact-sha256",
            &h,
            "--parent",
            "20",
            "--parent",
            "21",
            "--method",
            "merge",
            "--license-id",
            "5",
            "--dataset",
            "8:1-2",
            "--base-id",
            "x/y",
            "--base-revision",
            "r1",
            "--contributor",
            &format!("{a}:architect:10000"),
            "--hyperparams-sha256",
            &h,
        ])
        .unwrap()
        .args;
        let m = publish_msg(7, &flags, Some(card));
        assert_eq!(m.parent_version_ids, [20, 21]);
        let b = m.external_base.unwrap();
        assert_eq!(
            (b.source.as_str(), b.id.as_str(), b.revision.as_str()),
            ("huggingface", "x/y", "r1")
        );
        assert_eq!(m.license_ids, [5]);
        assert_eq!(m.contributors.len(), 1);
        let t = m.training.unwrap();
        assert_eq!(t.method, mdl::TrainingMethod::Merge as i32);
        assert_eq!(
            (t.datasets[0].dataset_id, t.datasets[0].last_contribution_id),
            (8, 2)
        );
        assert_eq!(t.hyperparams_sha256, h);

        assert!(
            P::try_parse_from(["p"]).is_err(),
            "--artifact-sha256 is required"
        );
        assert!(P::try_parse_from(["p", "--artifact-sha256", &h, "--base-revision", "r"]).is_err());
        assert!(P::try_parse_from(["p", "--artifact-sha256", &h, "--method", "sgd"]).is_err());
    }
}
