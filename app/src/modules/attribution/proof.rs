//! Proofs of a wrong weight: a dispute the chain decides by recomputing the reference
//! attribution rule (`openledger_attribution::weight`) from the model output and one
//! contribution's bytes, both checked against hashes already on chain.

use openledger_proto::attribution::v1::{
    EventWrongWeightProven, MsgProveWrongWeight, MsgProveWrongWeightResponse, Report, Use, Weight,
};
use openledger_types::Address;
use prost::Message;
use rs_merkle::{algorithms::Sha256 as MerkleSha256, Hasher, MerkleProof, MerkleTree};
use sha2::{Digest, Sha256};

use super::challenge;
use super::deps::{Grants, Ledger, Transfers};
use super::msgs::{eligible_weights, lineage_datasets};
use super::state;
use super::AttributionError;
use crate::context::{typed_event, Ctx};
use crate::error::Failure;

/// Hard caps checked before any state is read; the params set lower ones.
const MAX_OUTPUT_BYTES: usize = 1 << 20;
const MAX_CONTRIBUTION_BYTES: usize = 4 << 20;
/// Gas per byte of output and contribution recomputed: tokenising and a sorted set of word
/// windows, about ten times a store read's per-byte cost.
const RECOMPUTE_GAS_PER_BYTE: u64 = 30;

/// The Merkle root of receipts (encoded `Use`s) as `rs_merkle` builds it with sha256 leaves;
/// empty when there are none.
pub fn receipts_root<'a>(receipts: impl IntoIterator<Item = &'a Use>) -> Vec<u8> {
    let leaves: Vec<[u8; 32]> = receipts
        .into_iter()
        .map(|u| MerkleSha256::hash(&u.encode_to_vec()))
        .collect();
    if leaves.is_empty() {
        return Vec::new();
    }
    MerkleTree::<MerkleSha256>::from_leaves(&leaves)
        .root()
        .map(|r| r.to_vec())
        .unwrap_or_default()
}

/// Whether `receipt` is leaf `index` of `total` under `root`, by an rs_merkle proof.
pub fn proves_leaf(root: &[u8], receipt: &[u8], index: u64, total: u64, proof: &[u8]) -> bool {
    let (Ok(root), Ok(index), Ok(total)) = (
        <[u8; 32]>::try_from(root),
        usize::try_from(index),
        usize::try_from(total),
    ) else {
        return false;
    };
    index < total
        && MerkleProof::<MerkleSha256>::from_bytes(proof)
            .map(|p| p.verify(root, &[index], &[MerkleSha256::hash(receipt)], total))
            .unwrap_or(false)
}

/// Stateless checks: who proves, and sizes under the hard caps.
pub fn validate(msg: &MsgProveWrongWeight) -> Result<Address, AttributionError> {
    if msg.output_text.len() > MAX_OUTPUT_BYTES {
        return Err(AttributionError::ProofTooLarge(
            "output_text".into(),
            msg.output_text.len() as u64,
            MAX_OUTPUT_BYTES as u64,
        ));
    }
    if msg.contribution.len() > MAX_CONTRIBUTION_BYTES {
        return Err(AttributionError::ProofTooLarge(
            "contribution".into(),
            msg.contribution.len() as u64,
            MAX_CONTRIBUTION_BYTES as u64,
        ));
    }
    Ok(Address::from_bech32(&msg.prover)?)
}

/// The root the receipt must be under: the report's individual uses, or one aggregated entry.
fn root_of(report: &Report, msg: &MsgProveWrongWeight) -> Result<Vec<u8>, AttributionError> {
    if msg.individual {
        return Ok(report.uses_root.clone());
    }
    report
        .receipts_roots
        .get(msg.entry as usize)
        .cloned()
        .ok_or(AttributionError::NoAggregatedEntry(report.id, msg.entry))
}

pub fn prove(
    ctx: &mut Ctx,
    deps: &(impl Ledger + Grants + Transfers),
    msg: &MsgProveWrongWeight,
    prover: &Address,
) -> Result<MsgProveWrongWeightResponse, Failure> {
    let params = state::params(ctx)?;
    for (field, len, limit) in [
        (
            "output_text",
            msg.output_text.len(),
            params.max_proof_output_bytes,
        ),
        (
            "contribution",
            msg.contribution.len(),
            params.max_proof_contribution_bytes,
        ),
    ] {
        if len as u64 > limit {
            return Err(AttributionError::ProofTooLarge(field.into(), len as u64, limit).into());
        }
    }
    let report = state::report(ctx, msg.report_id)?
        .ok_or(AttributionError::ReportNotFound(msg.report_id))?;
    if report.reversed {
        return Err(AttributionError::ReportReversed(report.id).into());
    }
    // While its credits have not vested: inside the window, or while a challenge holds it.
    let closes = report.height.saturating_add(params.challenge_window_blocks);
    if ctx.height > closes && state::open_challenges(ctx, report.id)? == 0 {
        return Err(AttributionError::ChallengeWindowClosed(report.id, closes).into());
    }
    let root = root_of(&report, msg)?;
    if !proves_leaf(
        &root,
        &msg.receipt,
        msg.leaf_index,
        msg.total_leaves,
        &msg.proof,
    ) {
        return Err(AttributionError::ReceiptNotInReport(report.id).into());
    }
    let receipt = Use::decode(msg.receipt.as_slice()).map_err(|e| {
        AttributionError::InvalidField(format!("receipt is not an encoded Use: {e}"))
    })?;
    if receipt.output_sha256.len() != 32 {
        return Err(AttributionError::ReceiptWithoutOutputHash(report.id).into());
    }
    if Sha256::digest(&msg.output_text).as_slice() != receipt.output_sha256.as_slice() {
        return Err(AttributionError::OutputMismatch.into());
    }
    let contribution = deps
        .contribution(ctx, msg.contribution_id)?
        .ok_or(AttributionError::ContributionNotFound(msg.contribution_id))?;
    let recorded = hex::decode(&contribution.content_sha256).unwrap_or_default();
    if Sha256::digest(&msg.contribution).as_slice() != recorded.as_slice() {
        return Err(AttributionError::ContributionMismatch(msg.contribution_id).into());
    }
    // Only a contribution the report could have credited can have been credited wrongly.
    let datasets = lineage_datasets(ctx, deps, report.version_id)?;
    let probe = [Weight {
        contribution_id: msg.contribution_id,
        weight: 1,
    }];
    eligible_weights(ctx, deps, &datasets, &probe, 1)?;
    ctx.gas.consume_per_byte(
        0,
        RECOMPUTE_GAS_PER_BYTE,
        msg.output_text.len() + msg.contribution.len(),
        "RecomputeWeight",
    )?;
    let output = String::from_utf8_lossy(&msg.output_text);
    let source = String::from_utf8_lossy(&msg.contribution);
    let recomputed =
        openledger_attribution::weight(&output, &source, params.attribution_min_span as usize);
    let reported = receipt
        .weights
        .iter()
        .find(|w| w.contribution_id == msg.contribution_id)
        .map_or(0, |w| w.weight);
    if recomputed == reported {
        return Err(AttributionError::WeightCorrect(msg.contribution_id, reported).into());
    }
    let (reversed, slashed) = challenge::reverse(ctx, deps, report.clone(), prover)?;
    ctx.emit(typed_event(&EventWrongWeightProven {
        report_id: report.id,
        contribution_id: msg.contribution_id,
        reported_weight: reported,
        recomputed_weight: recomputed,
        prover: prover.to_bech32(),
        slashed: slashed.to_string(),
        reversed: reversed.to_string(),
    }));
    Ok(MsgProveWrongWeightResponse {
        reported_weight: reported,
        recomputed_weight: recomputed,
        slashed: slashed.to_string(),
        reversed: reversed.to_string(),
    })
}
