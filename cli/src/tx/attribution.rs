//! `openledger tx attribution …`: register as an inference operator of a model version with a
//! bond, unbond, report paid uses in batches (individual or aggregated with a Merkle root of
//! their receipts), claim vested rewards, challenge a report, vote on a challenge as a council
//! member, withdraw an undecided challenge, change the council, and prove a wrong weight.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use clap::Args;
use cosmrs::Any;
use serde_json::{json, Value};

use openledger_proto::attribution::v1 as att;

use super::{one_msg, tx_commands, IntoMsgs};
use crate::attribute::receipts::{
    find_claim, parse_hash, receipt, receipt_entry_json, ReceiptTree,
};
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
        /// Prove that a report credited a contribution with a weight the chain's attribution
        /// rule does not give it, from the output text and the contribution's file; if so, the
        /// operator's bond is FROM's and the report reversed
        ProveWrongWeight(ProveWrongWeightArgs),
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
    /// Write each use's receipt, leaf and Merkle proof to FILE (under its aggregate's root with
    /// --aggregate, else under the report's root of individual uses), for `openledger attribute
    /// verify-receipt` and `tx attribution prove-wrong-weight`
    #[arg(long = "receipts-out", value_name = "FILE")]
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
            if let Some(out) = self.receipts_out.as_ref().filter(|_| !uses.uses.is_empty()) {
                let j = individual_receipts_json(self.version_id, &self.batch_id, &uses.uses)?;
                std::fs::write(out, serde_json::to_string_pretty(&j)? + "\n")
                    .with_context(|| format!("writing receipts to {}", out.display()))?;
            }
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

#[derive(Debug, Args)]
pub struct ProveWrongWeightArgs {
    report_id: u64,
    /// The root the receipt is under (hex or base64): one of the report's receipts_roots, or its
    /// uses_root, as `query attribution reports` shows them
    #[arg(long, value_name = "HASH")]
    root: String,
    /// The receipts file written by `report-usage --receipts-out`, or one entry of it
    #[arg(long = "receipt-file", value_name = "FILE")]
    receipt_file: PathBuf,
    /// Position of the use under the root (0-based)
    #[arg(long, value_name = "K")]
    index: usize,
    /// The aggregated entry of the report the root belongs to; without it, the report's
    /// individual uses
    #[arg(long, value_name = "N")]
    entry: Option<u32>,
    /// The model output the use's weights were computed from
    #[arg(long = "output-text", value_name = "FILE")]
    output_text: PathBuf,
    /// The contribution whose weight is wrong, and its content
    #[arg(long, value_name = "ID")]
    contribution: u64,
    #[arg(long = "contribution-file", value_name = "FILE")]
    contribution_file: PathBuf,
}

impl IntoMsgs for ProveWrongWeightArgs {
    fn msgs(self, prover: &str) -> Result<Vec<Any>> {
        let root = parse_hash("--root", &self.root)?;
        let file: Value = serde_json::from_str(&read_text_file_or_stdin(
            &self.receipt_file,
            "the receipts",
        )?)
        .with_context(|| format!("{} is not JSON", self.receipt_file.display()))?;
        let claim = find_claim(&file, &root, self.index)?;
        let (Some(proof), Some(total)) = (claim.proof, claim.total) else {
            anyhow::bail!(
                "the receipts file holds no proof and leaf count for use {}",
                self.index
            );
        };
        let read = |path: &Path| {
            std::fs::read(path).with_context(|| format!("reading {}", path.display()))
        };
        one_msg(att::MsgProveWrongWeight {
            prover: prover.to_string(),
            report_id: self.report_id,
            individual: self.entry.is_none(),
            entry: self.entry.unwrap_or(0),
            receipt: receipt(&claim.use_),
            leaf_index: self.index as u64,
            total_leaves: total as u64,
            proof,
            output_text: read(&self.output_text)?,
            contribution_id: self.contribution,
            contribution: read(&self.contribution_file)?,
        })
    }
}

/// What `--receipts-out` writes for individual uses: the report's uses root and every use with
/// its receipt, leaf and proof.
fn individual_receipts_json(version_id: u64, batch_id: &str, uses: &[att::Use]) -> Result<Value> {
    let tree = ReceiptTree::of_uses(uses)?;
    Ok(json!({
        "version_id": version_id,
        "batch_id": batch_id,
        "individual": {
            "uses_root": hex::encode(tree.root()),
            "total_leaves": tree.len(),
            "receipts": uses.iter().enumerate().map(|(k, u)| receipt_entry_json(&tree, k, u)).collect::<Vec<_>>(),
        },
    }))
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
    fn a_proof_of_a_wrong_weight_carries_the_receipt_its_proof_and_both_texts() {
        let dir = tempfile::tempdir().unwrap();
        let uses: Vec<att::Use> = (0..3)
            .map(|i| att::Use {
                request_id: format!("r{i}"),
                grant_id: 1,
                units: 1,
                weights: vec![att::Weight {
                    contribution_id: 7,
                    weight: 50 + i,
                }],
                output_sha256: vec![9; 32],
            })
            .collect();
        let receipts = dir.path().join("receipts.json");
        let j = individual_receipts_json(4, "b", &uses).unwrap();
        std::fs::write(&receipts, j.to_string()).unwrap();
        let (output, contribution) = (dir.path().join("out.txt"), dir.path().join("7.txt"));
        std::fs::write(&output, "the output").unwrap();
        std::fs::write(&contribution, "the contribution").unwrap();
        let root = j["individual"]["uses_root"].as_str().unwrap().to_string();
        let args = ProveWrongWeightArgs {
            report_id: 3,
            root: root.clone(),
            receipt_file: receipts,
            index: 2,
            entry: None,
            output_text: output,
            contribution: 7,
            contribution_file: contribution,
        };
        let msgs = args.msgs("ol1prover").unwrap();
        let m =
            <att::MsgProveWrongWeight as prost::Message>::decode(msgs[0].value.as_slice()).unwrap();
        assert!(m.individual);
        assert_eq!((m.report_id, m.leaf_index, m.total_leaves), (3, 2, 3));
        assert_eq!(m.receipt, receipt(&uses[2]));
        assert_eq!(
            (m.output_text.as_slice(), m.contribution.as_slice()),
            (&b"the output"[..], &b"the contribution"[..])
        );
        let root = parse_hash("root", &root).unwrap();
        assert!(verify(&root, &m.receipt, 2, 3, &m.proof).unwrap());
    }
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
