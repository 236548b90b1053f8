//! `openledger tx attribution …`: register as an inference operator of a model version with a
//! bond, unbond, report paid uses in batches (individual or aggregated with a Merkle root of
//! their receipts), claim vested rewards, challenge a report, vote on a challenge as a council
//! member, withdraw an undecided challenge, and change the council.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use clap::Args;
use cosmrs::Any;
use serde_json::{json, Value};

use openledger_proto::attribution::v1 as att;

use super::{one_msg, tx_commands, IntoMsgs};
use crate::attribute::receipts::receipt_entry_json;
use crate::attribute::uses::{aggregate, parse_uses_file, Aggregate, UsesFile};
use crate::input::read_text_file_or_stdin;
use crate::ledger::{parse_short, uopen_arg};

tx_commands! {
    pub enum AttributionTxCmd {
        /// Register FROM as an inference operator of a model version, with a bond
        RegisterOperator(RegisterOperatorArgs),
        /// Start unbonding; after the unbonding period, the same command returns the bond
        Unbond(UnbondArgs),
        /// Report a batch of paid uses of a version; prints report_id, uses and paid
        #[command(after_help = "The uses file is a JSON array of uses\n  \
            [{\"request_id\": \"r1\", \"grant_id\": 4, \"units\": 1, \"weights\": [{\"contribution_id\": 7, \"weight\": 12}]}]\n\
            or {\"uses\": [...], \"aggregated\": [{\"grant_id\", \"uses\", \"units\", \"weights\", \"receipts_root\": HEX}]}.\n\
            `openledger attribute --format use` prints one use.")]
        ReportUsage(ReportUsageArgs),
        /// Claim the rewards FROM has earned; prints what was claimed
        Claim(ClaimArgs),
        /// Challenge a usage report within its window, with a bond; prints challenge_id
        Challenge(ChallengeArgs),
        /// Vote on a challenge as a member of the dispute council; the council's threshold of
        /// votes one way decides it; prints the status
        Resolve(ResolveArgs),
        /// Take back the bond of a challenge nobody decided within the chain's timeout
        WithdrawChallenge(WithdrawChallengeArgs),
        /// Approve replacing the dispute council; it takes effect at the council's threshold
        UpdateCouncil(UpdateCouncilArgs),
    }
}

#[derive(Debug, Args)]
pub struct RegisterOperatorArgs {
    version_id: u64,
    /// Where the operator serves the model
    #[arg(long, value_name = "URL")]
    endpoint: String,
    /// Bond, e.g. 1000000uopen (at least the chain's min_operator_bond)
    #[arg(long, value_parser = uopen_arg, value_name = "AMOUNT")]
    bond: String,
}

impl IntoMsgs for RegisterOperatorArgs {
    fn msgs(self, operator: &str) -> Result<Vec<Any>> {
        one_msg(att::MsgRegisterOperator {
            operator: operator.to_string(),
            version_id: self.version_id,
            endpoint: self.endpoint,
            bond: self.bond,
        })
    }
}

#[derive(Debug, Args)]
pub struct UnbondArgs {
    version_id: u64,
}

impl IntoMsgs for UnbondArgs {
    fn msgs(self, operator: &str) -> Result<Vec<Any>> {
        one_msg(att::MsgUnbondOperator {
            operator: operator.to_string(),
            version_id: self.version_id,
        })
    }
}

#[derive(Debug, Args)]
pub struct ReportUsageArgs {
    version_id: u64,
    /// Unique per operator: the chain refuses a replayed batch
    #[arg(long = "batch-id", value_name = "ID")]
    batch_id: String,
    /// The uses file ("-" = stdin)
    #[arg(long, value_name = "FILE")]
    file: PathBuf,
    /// Send the file's individual uses aggregated per grant (counts, summed units and weights,
    /// Merkle root of the receipts) instead of one by one
    #[arg(long)]
    aggregate: bool,
    /// With --aggregate: write each use's receipt, leaf and Merkle proof to FILE, for
    /// `openledger attribute verify-receipt`
    #[arg(long = "receipts-out", requires = "aggregate", value_name = "FILE")]
    receipts_out: Option<PathBuf>,
}

/// Reads the uses file; with --aggregate, notes each aggregate on stderr and writes the
/// receipts file before anything is signed.
impl IntoMsgs for ReportUsageArgs {
    fn msgs(self, operator: &str) -> Result<Vec<Any>> {
        let uses = read_uses_file(&self.file)?;
        let (uses, aggregated) = if self.aggregate {
            let (aggregated, groups) = aggregated_report(uses)?;
            for g in &groups {
                eprintln!(
                    "grant {}: {} uses aggregated, receipts root {}",
                    g.msg.grant_id,
                    g.msg.uses,
                    hex::encode(&g.msg.receipts_root)
                );
            }
            if let Some(out) = &self.receipts_out {
                let j = receipts_json(self.version_id, &self.batch_id, &groups);
                std::fs::write(out, serde_json::to_string_pretty(&j)? + "\n")
                    .with_context(|| format!("writing receipts to {}", out.display()))?;
            }
            (Vec::new(), aggregated)
        } else {
            (uses.uses, uses.aggregated)
        };
        one_msg(att::MsgReportUsage {
            operator: operator.to_string(),
            version_id: self.version_id,
            batch_id: self.batch_id,
            uses,
            aggregated,
        })
    }
}

#[derive(Debug, Args)]
pub struct ClaimArgs {}

impl IntoMsgs for ClaimArgs {
    fn msgs(self, claimant: &str) -> Result<Vec<Any>> {
        one_msg(att::MsgClaimRewards {
            claimant: claimant.to_string(),
        })
    }
}

#[derive(Debug, Args)]
pub struct ChallengeArgs {
    report_id: u64,
    /// What the report got wrong: fabricated-use, wrong-attribution, unlicensed-use
    #[arg(long, value_parser = parse_short::<att::ChallengeClaim>, value_name = "CLAIM")]
    claim: att::ChallengeClaim,
    /// Bond, e.g. 1000000uopen (at least the chain's min_challenge_bond): burned if rejected
    #[arg(long, value_parser = uopen_arg, value_name = "AMOUNT")]
    bond: String,
    /// Where the evidence can be read
    #[arg(long, default_value = "", value_name = "URI")]
    evidence: String,
}

impl IntoMsgs for ChallengeArgs {
    fn msgs(self, challenger: &str) -> Result<Vec<Any>> {
        one_msg(att::MsgChallengeUsage {
            challenger: challenger.to_string(),
            report_id: self.report_id,
            claim: self.claim as i32,
            bond: self.bond,
            evidence_uri: self.evidence,
        })
    }
}

#[derive(Debug, Args)]
pub struct ResolveArgs {
    challenge_id: u64,
    /// The challenge is right: slash the operator, reverse unclaimed rewards
    #[arg(
        long,
        conflicts_with = "rejected",
        required_unless_present = "rejected"
    )]
    upheld: bool,
    /// The challenge is wrong: burn the challenger's bond
    #[arg(long)]
    rejected: bool,
}

impl IntoMsgs for ResolveArgs {
    fn msgs(self, member: &str) -> Result<Vec<Any>> {
        one_msg(att::MsgResolveChallenge {
            member: member.to_string(),
            challenge_id: self.challenge_id,
            // clap lets exactly one of the two through.
            upheld: self.upheld && !self.rejected,
        })
    }
}

#[derive(Debug, Args)]
pub struct WithdrawChallengeArgs {
    challenge_id: u64,
}

impl IntoMsgs for WithdrawChallengeArgs {
    fn msgs(self, challenger: &str) -> Result<Vec<Any>> {
        one_msg(att::MsgWithdrawChallenge {
            challenger: challenger.to_string(),
            challenge_id: self.challenge_id,
        })
    }
}

#[derive(Debug, Args)]
pub struct UpdateCouncilArgs {
    /// The new council's members (ol1… addresses), comma-separated
    #[arg(long, value_delimiter = ',', required = true, value_name = "MEMBERS")]
    members: Vec<String>,
    /// How many of the new council decide a challenge
    #[arg(long)]
    threshold: u32,
}

impl IntoMsgs for UpdateCouncilArgs {
    fn msgs(self, member: &str) -> Result<Vec<Any>> {
        one_msg(att::MsgUpdateCouncil {
            member: member.to_string(),
            members: self.members,
            threshold: self.threshold,
        })
    }
}

fn read_uses_file(path: &Path) -> Result<UsesFile> {
    let text = read_text_file_or_stdin(path, "the uses")?;
    parse_uses_file(&text).with_context(|| format!("invalid uses file {}", path.display()))
}

/// The aggregated entries to send for `--aggregate`: the file's individual uses aggregated per
/// grant, after any aggregated entries the file already holds (sent as they are).
fn aggregated_report(file: UsesFile) -> Result<(Vec<att::AggregatedUses>, Vec<Aggregate>)> {
    let groups = if file.uses.is_empty() {
        Vec::new()
    } else {
        aggregate(&file.uses)?
    };
    let mut entries = file.aggregated;
    entries.extend(groups.iter().map(|g| g.msg.clone()));
    Ok((entries, groups))
}

/// What `--receipts-out` writes: per aggregate its root and every use with its receipt, leaf and
/// proof (each entry self-contained, to hand to the contributors it names).
fn receipts_json(version_id: u64, batch_id: &str, groups: &[Aggregate]) -> Value {
    json!({
        "version_id": version_id,
        "batch_id": batch_id,
        "aggregated": groups.iter().map(|g| json!({
            "grant_id": g.msg.grant_id,
            "receipts_root": hex::encode(&g.msg.receipts_root),
            "total_leaves": g.uses.len(),
            "receipts": g.uses.iter().enumerate().map(|(k, u)| receipt_entry_json(&g.tree, k, u)).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attribute::receipts::{find_claim, parse_hash, receipt, verify};

    #[test]
    fn aggregated_report_and_receipts_file() {
        let file = parse_uses_file(
            r#"{"uses": [
                {"request_id": "a", "grant_id": 5, "weights": [{"contribution_id": 2, "weight": 3}]},
                {"request_id": "b", "grant_id": 1},
                {"request_id": "c", "grant_id": 5, "units": 4, "weights": [{"contribution_id": 2, "weight": 1}, {"contribution_id": 1, "weight": 2}]}
            ], "aggregated": [{"grant_id": 9, "uses": 2, "units": 2}]}"#,
        )
        .unwrap();
        let (entries, groups) = aggregated_report(file).unwrap();
        let shown: Vec<(u64, u64, u64)> = entries
            .iter()
            .map(|e| (e.grant_id, e.uses, e.units))
            .collect();
        assert_eq!(shown, [(9, 2, 2), (1, 1, 1), (5, 2, 5)]);
        assert_eq!(
            entries[2].weights,
            [
                att::Weight {
                    contribution_id: 1,
                    weight: 2
                },
                att::Weight {
                    contribution_id: 2,
                    weight: 4
                }
            ]
        );

        let j = receipts_json(3, "b1", &groups);
        let g = &j["aggregated"][1];
        assert_eq!(
            (g["grant_id"].as_u64(), g["total_leaves"].as_u64()),
            (Some(5), Some(2))
        );
        let root = parse_hash("root", g["receipts_root"].as_str().unwrap()).unwrap();
        assert_eq!(root.to_vec(), entries[2].receipts_root);
        let claim = find_claim(&j, &root, 1).unwrap();
        assert_eq!(claim.use_.request_id, "c");
        assert!(verify(&root, &receipt(&claim.use_), 1, 2, &claim.proof.unwrap()).unwrap());
    }
}
