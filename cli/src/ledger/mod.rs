//! What the commands of the OpenLedger modules (attribution, datasets, licenses, models) share: message type
//! URLs, short names of the proto enums, `--version V | --dataset D` targets, uopen amounts,
//! hex hashes, and the JSON/YAML shape of the generated types in the output.

pub mod card;
pub mod lineage;
pub mod responses;

use anyhow::{anyhow, bail, Context as _, Result};
use clap::Args;
use cosmrs::Any;
use prost::Message;
use serde::Serialize;
use serde_json::Value;
use yaml_rust2::{yaml::Hash as YamlHash, Yaml, YamlEmitter};

use openledger_proto::attribution::v1 as att;
use openledger_proto::datasets::v1 as ds;
use openledger_proto::licenses::v1 as lic;
use openledger_proto::models::v1 as mdl;

use crate::coins;

/// The full proto name of a generated message, for its `Any` type URL (`/` + name).
/// (prost-build here does not emit `prost::Name` impls, so they are declared once below.)
pub trait ProtoName {
    const TYPE_URL: &'static str;
}

macro_rules! proto_names {
    ($package:literal, $module:ident: $($msg:ident),+ $(,)?) => {
        $(impl ProtoName for $module::$msg {
            const TYPE_URL: &'static str = concat!("/", $package, ".", stringify!($msg));
        })+
    };
}

proto_names!("openledger.attribution.v1", att:
    MsgRegisterOperator, MsgRegisterOperatorResponse, MsgUnbondOperator, MsgUnbondOperatorResponse,
    MsgReportUsage, MsgReportUsageResponse, MsgClaimRewards, MsgClaimRewardsResponse,
    MsgChallengeUsage, MsgChallengeUsageResponse, MsgResolveChallenge, MsgResolveChallengeResponse);
proto_names!("openledger.datasets.v1", ds:
    MsgCreateDataset, MsgCreateDatasetResponse, MsgContribute, MsgContributeResponse,
    MsgReviewContributions, MsgReviewContributionsResponse, MsgUpdateCurator, MsgUpdateCuratorResponse);
proto_names!("openledger.licenses.v1", lic:
    MsgCreateLicense, MsgCreateLicenseResponse, MsgAttachLicense, MsgAttachLicenseResponse,
    MsgRetireLicense, MsgRetireLicenseResponse, MsgAcquireLicense, MsgAcquireLicenseResponse,
    MsgTopUpGrant, MsgTopUpGrantResponse, MsgReleaseGrant, MsgReleaseGrantResponse);
proto_names!("openledger.models.v1", mdl:
    MsgRegisterModel, MsgRegisterModelResponse, MsgPublishVersion, MsgPublishVersionResponse,
    MsgTransferModelOwnership, MsgTransferModelOwnershipResponse);

pub fn to_any<M: Message + ProtoName>(msg: &M) -> Any {
    Any {
        type_url: M::TYPE_URL.to_string(),
        value: msg.encode_to_vec(),
    }
}

/// ABCI query path of a module's gRPC query method, e.g. `/openledger.models.v1.Query/Lineage`.
pub fn query_path(module: &str, method: &str) -> String {
    format!("/openledger.{module}.v1.Query/{method}")
}

/// Proto enums named on the command line by a short name: `PROHIBITED_USE_LAW_ENFORCEMENT`
/// is `law-enforcement`, `ROLE_FINE_TUNER` is `fine-tuner`. The `*_UNSPECIFIED` value has none.
pub trait ShortName: Sized + Copy + 'static {
    const PREFIX: &'static str;
    const ALL: &'static [Self];
    fn proto_name(self) -> &'static str;

    fn short_name(self) -> String {
        let full = self.proto_name();
        full.strip_prefix(Self::PREFIX)
            .unwrap_or(full)
            .to_ascii_lowercase()
            .replace('_', "-")
    }

    /// Every short name, comma separated, for help and error messages.
    fn all_short_names() -> String {
        Self::ALL
            .iter()
            .map(|v| v.short_name())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Parses a short name; `_` and `-` are the same and case does not matter.
    fn parse_short(s: &str) -> Result<Self> {
        let want = s.trim().to_ascii_lowercase().replace('_', "-");
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.short_name() == want)
            .ok_or_else(|| {
                anyhow!(
                    "unknown value {s:?}: expected one of {}",
                    Self::all_short_names()
                )
            })
    }
}

macro_rules! short_names {
    ($ty:ty, $prefix:literal, [$($variant:ident),+ $(,)?]) => {
        impl ShortName for $ty {
            const PREFIX: &'static str = $prefix;
            const ALL: &'static [Self] = &[$(<$ty>::$variant),+];
            fn proto_name(self) -> &'static str {
                self.as_str_name()
            }
        }
    };
}

short_names!(
    lic::ProhibitedUse,
    "PROHIBITED_USE_",
    [
        Military,
        Surveillance,
        BiometricIdentification,
        Disinformation,
        Harassment,
        MedicalAdvice,
        CreditScoring,
        LawEnforcement,
        ModelTraining,
    ]
);
short_names!(mdl::Role, "ROLE_", [Architect, Data, FineTuner, Evaluator]);
short_names!(
    mdl::TrainingMethod,
    "TRAINING_METHOD_",
    [Full, Lora, Adapter, Merge, Distillation]
);
short_names!(ds::Policy, "POLICY_", [Open, Curated]);
short_names!(ds::Status, "STATUS_", [Pending, Accepted, Rejected]);

/// A clap value parser for a [`ShortName`] enum.
pub fn parse_short<E: ShortName>(s: &str) -> Result<E, String> {
    E::parse_short(s).map_err(|e| e.to_string())
}

/// Short name of a raw proto enum value, or the number when the value is unknown.
pub fn short_of<E: ShortName + TryFrom<i32>>(v: i32) -> String {
    match E::try_from(v) {
        Ok(e) if E::ALL.iter().any(|a| a.proto_name() == e.proto_name()) => e.short_name(),
        Ok(_) => "unspecified".to_string(),
        Err(_) => v.to_string(),
    }
}

/// `--version V | --dataset D`: what a licence is offered on.
#[derive(Debug, Clone, Args)]
#[group(required = true, multiple = false)]
pub struct TargetArgs {
    /// A model version, by id
    #[arg(long = "version", value_name = "VERSION_ID")]
    pub version: Option<u64>,
    /// A dataset, by id
    #[arg(long = "dataset", value_name = "DATASET_ID")]
    pub dataset: Option<u64>,
}

impl TargetArgs {
    pub fn to_proto(&self) -> lic::Target {
        match (self.version, self.dataset) {
            (Some(id), _) => lic::Target {
                kind: lic::TargetKind::ModelVersion as i32,
                id,
            },
            (None, Some(id)) => lic::Target {
                kind: lic::TargetKind::Dataset as i32,
                id,
            },
            // clap's group makes exactly one of them present.
            (None, None) => lic::Target::default(),
        }
    }
}

/// An amount of uopen as the protos carry it: `1000uopen` or `1000` become "1000".
pub fn parse_uopen(s: &str) -> Result<String> {
    let s = s.trim();
    let digits = match s.strip_suffix(crate::config::FEE_DENOM) {
        Some(d) => d,
        None if s.bytes().all(|b| b.is_ascii_digit()) => s,
        None => {
            let c = coins::parse_coin(s)?;
            bail!(
                "amount {s:?} is in {}, expected {} (e.g. 1000uopen or 1000)",
                c.denom,
                crate::config::FEE_DENOM
            );
        }
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        bail!("invalid amount {s:?}: expected an integer number of uopen, like 1000uopen or 1000");
    }
    let v: u128 = digits
        .parse()
        .with_context(|| format!("amount {s:?} is too large"))?;
    Ok(v.to_string())
}

/// clap value parser for [`parse_uopen`].
pub fn uopen_arg(s: &str) -> Result<String, String> {
    parse_uopen(s).map_err(|e| format!("{e:#}"))
}

/// A hex SHA-256 (64 hex digits), returned in lower case.
pub fn parse_sha256_hex(s: &str) -> Result<String> {
    let t = s.trim();
    let t = t.strip_prefix("0x").unwrap_or(t);
    if t.len() != 64 || !t.bytes().all(|b| b.is_ascii_hexdigit()) {
        bail!("{s:?} is not a hex SHA-256 (64 hex digits)");
    }
    Ok(t.to_ascii_lowercase())
}

/// clap value parser for [`parse_sha256_hex`].
pub fn sha256_arg(s: &str) -> Result<String, String> {
    parse_sha256_hex(s).map_err(|e| e.to_string())
}

/// The generated types as JSON, with every proto enum shown by its name (`POLICY_OPEN`)
/// instead of its number. The enum fields are recognised by name; these names are enums in
/// every message of the three modules.
pub fn to_json<T: Serialize>(value: &T) -> Value {
    let mut v = serde_json::to_value(value).unwrap_or(Value::Null);
    name_enums(&mut v);
    v
}

fn enum_name(key: &str, n: i32) -> Option<&'static str> {
    match key {
        "policy" => ds::Policy::try_from(n).ok().map(|e| e.as_str_name()),
        "status" => ds::Status::try_from(n).ok().map(|e| e.as_str_name()),
        "method" => mdl::TrainingMethod::try_from(n)
            .ok()
            .map(|e| e.as_str_name()),
        "role" => mdl::Role::try_from(n).ok().map(|e| e.as_str_name()),
        "kind" => lic::TargetKind::try_from(n).ok().map(|e| e.as_str_name()),
        "action" => lic::Action::try_from(n).ok().map(|e| e.as_str_name()),
        "prohibited_uses" | "use" => lic::ProhibitedUse::try_from(n)
            .ok()
            .map(|e| e.as_str_name()),
        _ => None,
    }
}

fn name_enums(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (key, field) in map.iter_mut() {
                match field {
                    Value::Number(n) => {
                        if let Some(name) = n
                            .as_i64()
                            .and_then(|n| i32::try_from(n).ok())
                            .and_then(|n| enum_name(key, n))
                        {
                            *field = Value::String(name.to_string());
                        }
                    }
                    Value::Array(items) if key == "prohibited_uses" => {
                        for item in items {
                            let name = item
                                .as_i64()
                                .and_then(|n| i32::try_from(n).ok())
                                .and_then(|n| enum_name(key, n));
                            if let Some(name) = name {
                                *item = Value::String(name.to_string());
                            }
                        }
                    }
                    _ => name_enums(field),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(name_enums),
        _ => {}
    }
}

/// Text output of a query: the JSON shown as YAML, as the SDK's CLI prints its text output.
pub fn yaml_text(v: &Value) -> String {
    let mut out = String::new();
    let mut emitter = YamlEmitter::new(&mut out);
    if emitter.dump(&json_to_yaml(v)).is_err() {
        return v.to_string();
    }
    out.strip_prefix("---\n")
        .or_else(|| out.strip_prefix("---"))
        .unwrap_or(&out)
        .trim_start()
        .to_string()
}

fn json_to_yaml(v: &Value) -> Yaml {
    match v {
        Value::Null => Yaml::Null,
        Value::Bool(b) => Yaml::Boolean(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Yaml::Integer(i),
            None => Yaml::Real(n.to_string()),
        },
        Value::String(s) => Yaml::String(s.clone()),
        Value::Array(items) => Yaml::Array(items.iter().map(json_to_yaml).collect()),
        Value::Object(map) => {
            let mut h = YamlHash::new();
            for (k, v) in map {
                h.insert(Yaml::String(k.clone()), json_to_yaml(v));
            }
            Yaml::Hash(h)
        }
    }
}

/// Prints a query response: JSON with enum names, or the same as YAML text.
pub fn emit_typed<T: Serialize>(ctx: &crate::config::Context, value: &T) {
    let j = to_json(value);
    crate::output::emit(ctx, &j, || yaml_text(&j));
}

/// "yes" or "no".
pub fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_urls_are_full_proto_names() {
        assert_eq!(
            ds::MsgCreateDataset::TYPE_URL,
            "/openledger.datasets.v1.MsgCreateDataset"
        );
        assert_eq!(
            lic::MsgTopUpGrant::TYPE_URL,
            "/openledger.licenses.v1.MsgTopUpGrant"
        );
        assert_eq!(
            mdl::MsgPublishVersionResponse::TYPE_URL,
            "/openledger.models.v1.MsgPublishVersionResponse"
        );
        assert_eq!(
            query_path("datasets", "Dataset"),
            "/openledger.datasets.v1.Query/Dataset"
        );
        assert_eq!(
            att::MsgReportUsage::TYPE_URL,
            "/openledger.attribution.v1.MsgReportUsage"
        );
        assert_eq!(
            query_path("attribution", "SplitPreview"),
            "/openledger.attribution.v1.Query/SplitPreview"
        );
    }

    #[test]
    fn prohibited_use_codes_by_short_name() {
        let names: Vec<String> = lic::ProhibitedUse::ALL
            .iter()
            .map(|p| p.short_name())
            .collect();
        assert_eq!(
            names,
            [
                "military",
                "surveillance",
                "biometric-identification",
                "disinformation",
                "harassment",
                "medical-advice",
                "credit-scoring",
                "law-enforcement",
                "model-training",
            ]
        );
        for (i, name) in names.iter().enumerate() {
            let p = lic::ProhibitedUse::parse_short(name).unwrap();
            assert_eq!(p as i32, i32::try_from(i).unwrap() + 1);
        }
        assert_eq!(
            lic::ProhibitedUse::parse_short("Law_Enforcement").unwrap(),
            lic::ProhibitedUse::LawEnforcement
        );
        assert!(lic::ProhibitedUse::parse_short("unspecified").is_err());
        assert!(lic::ProhibitedUse::parse_short("weapons")
            .unwrap_err()
            .to_string()
            .contains("military"));
        assert_eq!(
            mdl::Role::parse_short("fine-tuner").unwrap(),
            mdl::Role::FineTuner
        );
        assert_eq!(
            mdl::TrainingMethod::parse_short("lora").unwrap(),
            mdl::TrainingMethod::Lora
        );
        assert_eq!(short_of::<mdl::TrainingMethod>(0), "unspecified");
        assert_eq!(short_of::<mdl::TrainingMethod>(99), "99");
    }

    #[test]
    fn uopen_amounts() {
        assert_eq!(parse_uopen("1000uopen").unwrap(), "1000");
        assert_eq!(parse_uopen("1000").unwrap(), "1000");
        assert_eq!(parse_uopen("007").unwrap(), "7");
        for bad in ["", "uopen", "1.5uopen", "-1", "10ufoo", "10 uopen", "abc"] {
            assert!(parse_uopen(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn sha256_hex() {
        let h = "AB".repeat(32);
        assert_eq!(parse_sha256_hex(&h).unwrap(), "ab".repeat(32));
        assert!(parse_sha256_hex("abc").is_err());
        assert!(parse_sha256_hex(&"zz".repeat(32)).is_err());
    }

    #[test]
    fn json_names_enums() {
        let c = ds::Contribution {
            id: 4,
            status: ds::Status::Accepted as i32,
            history: vec![ds::StatusChange {
                status: 1,
                ..Default::default()
            }],
            ..Default::default()
        };
        let j = to_json(&c);
        assert_eq!(j["status"], "STATUS_ACCEPTED");
        assert_eq!(j["history"][0]["status"], "STATUS_PENDING");
        assert_eq!(j["id"], 4);
        let terms = lic::LicenseTerms {
            prohibited_uses: vec![1, 8],
            ..Default::default()
        };
        assert_eq!(
            to_json(&terms)["prohibited_uses"],
            serde_json::json!(["PROHIBITED_USE_MILITARY", "PROHIBITED_USE_LAW_ENFORCEMENT"])
        );
        let t = yaml_text(&j);
        assert!(t.contains("status: STATUS_ACCEPTED"), "{t}");
        assert!(!t.starts_with("---"));
    }
}
