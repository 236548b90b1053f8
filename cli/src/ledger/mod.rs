//! What the commands of the OpenLedger modules (attribution, datasets, licenses, models) share:
//! short names of the proto enums, `--version V | --dataset D` targets, uopen amounts, hex
//! hashes, and the output of the generated types: their proto3 JSON, or the same as YAML.

pub mod card;
pub mod lineage;
pub mod responses;

use anyhow::{anyhow, bail, Context as _, Result};
use clap::Args;
use cosmrs::rpc::HttpClient;
use serde::Serialize;
use serde_json::Value;
use yaml_rust2::{yaml::Hash as YamlHash, Yaml, YamlEmitter};

use openledger_proto::attribution::v1 as att;
use openledger_proto::datasets::v1 as ds;
use openledger_proto::licenses::v1 as lic;
use openledger_proto::models::v1 as mdl;
use openledger_proto::QueryRequest;

use crate::coins;
use crate::config::Context;
use crate::rpc;

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
short_names!(
    att::ChallengeClaim,
    "CHALLENGE_CLAIM_",
    [FabricatedUse, WrongAttribution, UnlicensedUse]
);

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

/// A generated type as its proto3 JSON (64-bit integers as strings, enums by name, bytes in
/// base64), which pbjson generates from the .proto files.
pub fn proto_json<T: Serialize>(value: &T) -> Result<Value> {
    serde_json::to_value(value).context("showing the response as JSON")
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

/// Prints a query response: its proto3 JSON, or the same as YAML text.
pub fn emit_typed<T: Serialize>(ctx: &Context, value: &T) -> Result<()> {
    let j = proto_json(value)?;
    crate::output::emit(ctx, &j, || yaml_text(&j));
    Ok(())
}

/// Runs an `openledger.*.Query` rpc: the request knows its path and response type.
pub async fn query<R: QueryRequest>(client: &HttpClient, request: &R) -> Result<R::Response> {
    rpc::grpc_query(client, R::PATH, request).await
}

/// Runs an `openledger.*.Query` rpc and prints its response ([`emit_typed`]).
pub async fn query_and_emit<R: QueryRequest>(
    ctx: &Context,
    client: &HttpClient,
    request: &R,
) -> Result<()> {
    emit_typed(ctx, &query(client, request).await?)
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
    fn query_requests_carry_their_grpc_paths() {
        fn path<R: QueryRequest>(_: R) -> &'static str {
            R::PATH
        }
        assert_eq!(
            path(ds::QueryDatasetRequest::default()),
            "/openledger.datasets.v1.Query/Dataset"
        );
        assert_eq!(
            path(att::QuerySplitPreviewRequest::default()),
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
        assert_eq!(
            att::ChallengeClaim::parse_short("wrong-attribution").unwrap(),
            att::ChallengeClaim::WrongAttribution
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
    fn a_contribution_prints_its_status_by_name_and_its_ids_as_strings() {
        let c = ds::Contribution {
            id: 4,
            status: ds::Status::Accepted as i32,
            history: vec![ds::StatusChange {
                status: 1,
                ..Default::default()
            }],
            ..Default::default()
        };
        let j = proto_json(&c).unwrap();
        assert_eq!(j["status"], "STATUS_ACCEPTED");
        assert_eq!(j["history"][0]["status"], "STATUS_PENDING");
        assert_eq!(j["id"], "4");
        let terms = lic::LicenseTerms {
            prohibited_uses: vec![1, 8],
            ..Default::default()
        };
        assert_eq!(
            proto_json(&terms).unwrap()["prohibited_uses"],
            serde_json::json!(["PROHIBITED_USE_MILITARY", "PROHIBITED_USE_LAW_ENFORCEMENT"])
        );
        let t = yaml_text(&j);
        assert!(t.contains("status: STATUS_ACCEPTED"), "{t}");
        assert!(!t.starts_with("---"));
    }

    #[test]
    fn a_challenge_prints_its_status_by_challenge_status_name() {
        let r = att::QueryChallengeResponse {
            challenge: Some(att::Challenge {
                id: 2,
                claim: att::ChallengeClaim::FabricatedUse as i32,
                status: att::ChallengeStatus::Rejected as i32,
                ..Default::default()
            }),
        };
        let j = proto_json(&r).unwrap();
        // The old renaming took every `status` for a contribution's and printed STATUS_ACCEPTED.
        assert_eq!(j["challenge"]["status"], "CHALLENGE_STATUS_REJECTED");
        assert_eq!(j["challenge"]["claim"], "CHALLENGE_CLAIM_FABRICATED_USE");
        assert!(yaml_text(&j).contains("status: CHALLENGE_STATUS_REJECTED"));
    }

    #[test]
    fn a_report_prints_its_receipts_roots_in_base64() {
        let r = att::QueryReportsResponse {
            reports: vec![att::Report {
                id: 2,
                receipts_roots: vec![vec![0xab; 32], vec![1, 2]],
                ..Default::default()
            }],
            next_after_id: 0,
        };
        let j = proto_json(&r).unwrap();
        assert_eq!(j["reports"][0]["receipts_roots"][1], "AQI=");
        assert_eq!(j["reports"][0]["id"], "2");
    }
}
