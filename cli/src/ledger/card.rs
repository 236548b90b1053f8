//! Hugging Face model cards: read the YAML front matter of a README.md into the fields of a
//! `MsgPublishVersion`, and write a card header from a version on chain.
//!
//! Mapping (both ways):
//! - `base_model` (a string or a list): a number or `openledger:<version id>` is an on-chain
//!   parent version; any other string is an external base on Hugging Face (one at most).
//! - `base_model_relation`: `adapter` = adapter, `finetune` = full, `merge` = merge,
//!   `quantized` = full (the chain also takes `lora`, `full` and `distillation`). Writing back,
//!   lora and adapter are `adapter`, full and distillation are `finetune`, merge is `merge`.
//! - `license`: `openledger:<licence id>`, or `other` with `license_name: openledger:<id>`;
//!   written as the SPDX id of the first licence (lower case, as Hugging Face spells them)
//!   when it has one.
//! - `datasets`: each `openledger:<dataset id>` is a use of the whole dataset, contributions
//!   0 to 18446744073709551615 (u64::MAX), which means "all".

use anyhow::{anyhow, bail, Context as _, Result};
use serde_json::{json, Value};
use yaml_rust2::{yaml::Hash as YamlHash, Yaml, YamlEmitter, YamlLoader};

use openledger_proto::licenses::v1 as lic;
use openledger_proto::models::v1 as mdl;

/// Prefix of on-chain ids in a card (`openledger:12`).
pub const ID_PREFIX: &str = "openledger:";
/// Source recorded for an external base named in a card.
pub const HUGGINGFACE: &str = "huggingface";
/// A dataset use of contributions FIRST..=LAST with these bounds means the whole dataset.
pub const ALL_FIRST: u64 = 0;
pub const ALL_LAST: u64 = u64::MAX;

/// What a card says that a `MsgPublishVersion` can carry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CardFields {
    pub parents: Vec<u64>,
    pub external_base: Option<mdl::ExternalBase>,
    pub method: Option<mdl::TrainingMethod>,
    pub license_ids: Vec<u64>,
    pub datasets: Vec<mdl::DatasetUse>,
    /// Entries of the card that have no place on chain (shown to the user as notes).
    pub ignored: Vec<String>,
}

/// The YAML between a leading `---` line and the next `---` (or `...`) line.
pub fn front_matter(text: &str) -> Result<&str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        bail!("the model card does not start with a YAML front matter (a `---` line)");
    }
    let start = first.len();
    let mut pos = start;
    for line in lines {
        let t = line.trim_end();
        if t == "---" || t == "..." {
            return Ok(&text[start..pos]);
        }
        pos += line.len();
    }
    bail!("the model card's YAML front matter has no closing `---` line")
}

/// An `openledger:<id>` reference; None for anything else.
fn ledger_id(s: &str) -> Option<Result<u64>> {
    let rest = s.trim().strip_prefix(ID_PREFIX)?;
    Some(
        rest.trim()
            .parse::<u64>()
            .map_err(|_| anyhow!("invalid OpenLedger id in {s:?}")),
    )
}

/// A scalar or a list of scalars, as Hugging Face allows for base_model, license, datasets.
fn entries(y: &Yaml) -> Vec<&Yaml> {
    match y {
        Yaml::Array(items) => items.iter().collect(),
        Yaml::Null | Yaml::BadValue => Vec::new(),
        other => vec![other],
    }
}

fn scalar_text(y: &Yaml) -> Option<String> {
    match y {
        Yaml::String(s) | Yaml::Real(s) => Some(s.clone()),
        Yaml::Integer(i) => Some(i.to_string()),
        Yaml::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Maps `base_model_relation` to a training method.
pub fn relation_to_method(relation: &str) -> Result<mdl::TrainingMethod> {
    use mdl::TrainingMethod as M;
    Ok(match relation.trim().to_ascii_lowercase().replace(['-', '_'], "").as_str() {
        "adapter" => M::Adapter,
        "finetune" | "full" => M::Full,
        "merge" => M::Merge,
        "quantized" => M::Full,
        "lora" => M::Lora,
        "distillation" => M::Distillation,
        other => bail!(
            "base_model_relation {other:?} is not one of adapter, finetune, merge, quantized (pass --method to set it)"
        ),
    })
}

/// The `base_model_relation` of a training method; None for an unspecified one.
pub fn method_to_relation(method: i32) -> Option<&'static str> {
    use mdl::TrainingMethod as M;
    match M::try_from(method).ok()? {
        M::Adapter | M::Lora => Some("adapter"),
        M::Full | M::Distillation => Some("finetune"),
        M::Merge => Some("merge"),
        M::Unspecified => None,
    }
}

/// Reads the card's front matter into [`CardFields`].
pub fn parse_card(text: &str) -> Result<CardFields> {
    let yaml = front_matter(text)?;
    let docs = YamlLoader::load_from_str(yaml)
        .context("the model card's front matter is not valid YAML")?;
    let mut out = CardFields::default();
    let doc = match docs.into_iter().next() {
        None | Some(Yaml::Null) => return Ok(out),
        Some(Yaml::Hash(h)) => h,
        Some(_) => bail!("the model card's front matter is not a YAML mapping"),
    };
    let get = |key: &str| doc.get(&Yaml::String(key.to_string()));

    let mut external = Vec::new();
    for e in get("base_model").map(entries).unwrap_or_default() {
        match e {
            Yaml::Integer(i) => out.parents.push(
                u64::try_from(*i).map_err(|_| anyhow!("base_model {i} is not a version id"))?,
            ),
            _ => {
                let s =
                    scalar_text(e).ok_or_else(|| anyhow!("base_model entries must be strings"))?;
                if let Some(id) = ledger_id(&s) {
                    out.parents.push(id?);
                } else if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
                    out.parents
                        .push(s.parse().with_context(|| format!("base_model {s:?}"))?);
                } else if !s.trim().is_empty() {
                    external.push(s.trim().to_string());
                }
            }
        }
    }
    match external.as_slice() {
        [] => {}
        [one] => {
            out.external_base = Some(mdl::ExternalBase {
                source: HUGGINGFACE.to_string(),
                id: one.clone(),
                revision: String::new(),
            })
        }
        many => bail!(
            "the card names {} external base models ({}); a version records one: pass --base-id",
            many.len(),
            many.join(", ")
        ),
    }

    if let Some(rel) = get("base_model_relation").and_then(scalar_text) {
        out.method = Some(relation_to_method(&rel)?);
    }

    let mut licence_refs: Vec<&Yaml> = get("license").map(entries).unwrap_or_default();
    licence_refs.extend(get("license_name").map(entries).unwrap_or_default());
    for e in licence_refs {
        let Some(s) = scalar_text(e) else { continue };
        match ledger_id(&s) {
            Some(id) => {
                let id = id?;
                if !out.license_ids.contains(&id) {
                    out.license_ids.push(id);
                }
            }
            None if s == "other" => {}
            None => out
                .ignored
                .push(format!("license {s} (not an OpenLedger licence)")),
        }
    }

    for e in get("datasets").map(entries).unwrap_or_default() {
        let Some(s) = scalar_text(e) else { continue };
        match ledger_id(&s) {
            Some(id) => out.datasets.push(mdl::DatasetUse {
                dataset_id: id?,
                first_contribution_id: ALL_FIRST,
                last_contribution_id: ALL_LAST,
            }),
            None => out
                .ignored
                .push(format!("dataset {s} (not an OpenLedger dataset)")),
        }
    }
    Ok(out)
}

/// The card header of a version on chain.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Card {
    pub base_model: Vec<String>,
    pub base_model_relation: Option<String>,
    pub datasets: Vec<String>,
    pub license: Option<String>,
    pub license_name: Option<String>,
    pub tags: Vec<String>,
}

/// Builds the card of `version`. `model_base` is the model's external base, used when the
/// version names neither parents nor a base of its own; `first_license` is the version's
/// first licence, if it has one and it was found.
pub fn card_for(
    version: &mdl::ModelVersion,
    model_base: Option<&mdl::ExternalBase>,
    first_license: Option<&lic::License>,
) -> Card {
    let mut base_model: Vec<String> = version
        .parent_version_ids
        .iter()
        .map(|p| format!("{ID_PREFIX}{p}"))
        .collect();
    let own_base = version.external_base.as_ref().filter(|b| !b.id.is_empty());
    let base = own_base.or(if version.parent_version_ids.is_empty() {
        model_base
    } else {
        None
    });
    if let Some(b) = base.filter(|b| !b.id.is_empty()) {
        base_model.push(b.id.clone());
    }
    let training = version.training.clone().unwrap_or_default();
    let relation = if base_model.is_empty() {
        None
    } else {
        method_to_relation(training.method)
    };
    let mut datasets: Vec<String> = Vec::new();
    for d in &training.datasets {
        let r = format!("{ID_PREFIX}{}", d.dataset_id);
        if !datasets.contains(&r) {
            datasets.push(r);
        }
    }
    let (license, license_name) = match version.license_ids.first() {
        None => (None, None),
        Some(id) => {
            let spdx = first_license
                .filter(|l| l.id == *id)
                .and_then(|l| l.terms.as_ref())
                .map(|t| t.spdx_id.trim())
                .filter(|s| !s.is_empty());
            match spdx {
                Some(s) => (Some(s.to_ascii_lowercase()), None),
                None => (Some("other".to_string()), Some(format!("{ID_PREFIX}{id}"))),
            }
        }
    };
    Card {
        base_model,
        base_model_relation: relation.map(str::to_string),
        datasets,
        license,
        license_name,
        tags: vec!["openledger".to_string()],
    }
}

impl Card {
    fn to_yaml(&self) -> Yaml {
        let s = |v: &str| Yaml::String(v.to_string());
        let list = |v: &[String]| Yaml::Array(v.iter().map(|x| s(x)).collect());
        let mut h = YamlHash::new();
        match self.base_model.as_slice() {
            [] => {}
            [one] => {
                h.insert(s("base_model"), s(one));
            }
            many => {
                h.insert(s("base_model"), list(many));
            }
        }
        if let Some(r) = &self.base_model_relation {
            h.insert(s("base_model_relation"), s(r));
        }
        if !self.datasets.is_empty() {
            h.insert(s("datasets"), list(&self.datasets));
        }
        if let Some(l) = &self.license {
            h.insert(s("license"), s(l));
        }
        if let Some(n) = &self.license_name {
            h.insert(s("license_name"), s(n));
        }
        h.insert(s("tags"), list(&self.tags));
        Yaml::Hash(h)
    }

    /// The header as a model card's front matter, between `---` lines.
    pub fn render(&self) -> Result<String> {
        let mut out = String::new();
        YamlEmitter::new(&mut out)
            .dump(&self.to_yaml())
            .map_err(|e| anyhow!("writing YAML: {e:?}"))?;
        // The emitter starts the document with its own `---` line.
        if !out.starts_with("---") {
            out.insert_str(0, "---\n");
        }
        out.push_str("\n---\n");
        Ok(out)
    }

    pub fn to_json(&self) -> Value {
        let mut j = json!({
            "base_model": self.base_model,
            "datasets": self.datasets,
            "tags": self.tags,
        });
        if let Some(r) = &self.base_model_relation {
            j["base_model_relation"] = json!(r);
        }
        if let Some(l) = &self.license {
            j["license"] = json!(l);
        }
        if let Some(n) = &self.license_name {
            j["license_name"] = json!(n);
        }
        j
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\u{feff}---
language:
- en
license: openledger:4
base_model:
  - meta-llama/Llama-3.1-8B
  - openledger:12
  - 13
base_model_relation: adapter
datasets:
- openledger:3
- tatsu-lab/alpaca
tags: [lora, openledger]
---

# My model

Some prose with a --- rule that is not front matter.
";

    #[test]
    fn parses_a_card_into_msg_fields() {
        let f = parse_card(SAMPLE).unwrap();
        assert_eq!(f.parents, [12, 13]);
        let base = f.external_base.unwrap();
        assert_eq!(
            (base.source.as_str(), base.id.as_str()),
            ("huggingface", "meta-llama/Llama-3.1-8B")
        );
        assert_eq!(f.method, Some(mdl::TrainingMethod::Adapter));
        assert_eq!(f.license_ids, [4]);
        assert_eq!(
            f.datasets,
            [mdl::DatasetUse {
                dataset_id: 3,
                first_contribution_id: 0,
                last_contribution_id: u64::MAX
            }]
        );
        assert_eq!(
            f.ignored,
            ["dataset tatsu-lab/alpaca (not an OpenLedger dataset)"]
        );
    }

    #[test]
    fn card_variants() {
        let f = parse_card("---\nbase_model: mistralai/Mistral-7B-v0.1\nbase_model_relation: quantized\nlicense: apache-2.0\n---\n").unwrap();
        assert!(f.parents.is_empty());
        assert_eq!(f.external_base.unwrap().id, "mistralai/Mistral-7B-v0.1");
        assert_eq!(f.method, Some(mdl::TrainingMethod::Full));
        assert!(f.license_ids.is_empty());
        assert_eq!(f.ignored.len(), 1);

        let f = parse_card(
            "---\nlicense: other\nlicense_name: openledger:9\nbase_model_relation: merge\n---\n",
        )
        .unwrap();
        assert_eq!(f.license_ids, [9]);
        assert_eq!(f.method, Some(mdl::TrainingMethod::Merge));
        assert_eq!(parse_card("---\n---\n").unwrap(), CardFields::default());

        assert!(parse_card("# no front matter\n").is_err());
        assert!(parse_card("---\nbase_model: x\n").is_err(), "unterminated");
        assert!(
            parse_card("---\nbase_model: [a, b]\n---\n").is_err(),
            "two external bases"
        );
        assert!(parse_card("---\nbase_model_relation: sideways\n---\n").is_err());
        assert!(parse_card("---\nbase_model: openledger:x\n---\n").is_err());
        assert!(parse_card("---\nkey: [unclosed\n---\n").is_err());
    }

    fn version() -> mdl::ModelVersion {
        mdl::ModelVersion {
            id: 20,
            parent_version_ids: vec![12, 13],
            external_base: Some(mdl::ExternalBase {
                source: "huggingface".into(),
                id: "meta-llama/Llama-3.1-8B".into(),
                revision: "abc".into(),
            }),
            training: Some(mdl::TrainingRecord {
                method: mdl::TrainingMethod::Lora as i32,
                hyperparams_sha256: String::new(),
                datasets: vec![
                    mdl::DatasetUse {
                        dataset_id: 3,
                        first_contribution_id: 0,
                        last_contribution_id: 9,
                    },
                    mdl::DatasetUse {
                        dataset_id: 3,
                        first_contribution_id: 20,
                        last_contribution_id: 29,
                    },
                    mdl::DatasetUse {
                        dataset_id: 5,
                        first_contribution_id: 0,
                        last_contribution_id: u64::MAX,
                    },
                ],
            }),
            license_ids: vec![4, 6],
            ..Default::default()
        }
    }

    #[test]
    fn renders_a_card_that_parses_back() {
        let card = card_for(&version(), None, None);
        let text = card.render().unwrap();
        assert!(
            text.starts_with("---\n") && text.ends_with("\n---\n"),
            "{text}"
        );
        // Plain YAML readers see the header.
        let docs = YamlLoader::load_from_str(front_matter(&text).unwrap()).unwrap();
        let doc = &docs[0];
        assert_eq!(doc["base_model"][0].as_str(), Some("openledger:12"));
        assert_eq!(
            doc["base_model"][2].as_str(),
            Some("meta-llama/Llama-3.1-8B")
        );
        assert_eq!(doc["base_model_relation"].as_str(), Some("adapter"));
        assert_eq!(doc["license"].as_str(), Some("other"));
        assert_eq!(doc["license_name"].as_str(), Some("openledger:4"));
        assert_eq!(doc["tags"][0].as_str(), Some("openledger"));
        // And it reads back into the same publish fields.
        let f = parse_card(&text).unwrap();
        assert_eq!(f.parents, [12, 13]);
        assert_eq!(f.external_base.unwrap().id, "meta-llama/Llama-3.1-8B");
        assert_eq!(f.method, Some(mdl::TrainingMethod::Adapter));
        assert_eq!(f.license_ids, [4]);
        let ids: Vec<u64> = f.datasets.iter().map(|d| d.dataset_id).collect();
        assert_eq!(ids, [3, 5]);
        assert!(f.ignored.is_empty());
    }

    #[test]
    fn card_licence_and_bases() {
        let licence = lic::License {
            id: 4,
            terms: Some(lic::LicenseTerms {
                spdx_id: "Apache-2.0".into(),
                ..Default::default()
            }),
            ..Default::default()
        };
        let card = card_for(&version(), None, Some(&licence));
        assert_eq!(card.license.as_deref(), Some("apache-2.0"));
        assert_eq!(card.license_name, None);

        // A first version with no base of its own takes the model's; no licence, no license key.
        let model_base = mdl::ExternalBase {
            source: "huggingface".into(),
            id: "org/base".into(),
            revision: String::new(),
        };
        let v = mdl::ModelVersion {
            training: Some(mdl::TrainingRecord {
                method: mdl::TrainingMethod::Full as i32,
                ..Default::default()
            }),
            ..Default::default()
        };
        let card = card_for(&v, Some(&model_base), None);
        assert_eq!(card.base_model, ["org/base"]);
        assert_eq!(card.base_model_relation.as_deref(), Some("finetune"));
        let text = card.render().unwrap();
        assert!(text.contains("base_model: org/base\n"), "{text}");
        assert!(!text.contains("license"), "{text}");
        // A root version trained from scratch has no base_model nor relation.
        let card = card_for(&mdl::ModelVersion::default(), None, None);
        assert!(card.base_model.is_empty() && card.base_model_relation.is_none());
        assert_eq!(card.to_json()["tags"], json!(["openledger"]));
    }
}
