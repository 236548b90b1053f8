//! Evidence the chain checks itself. Proofs of a wrong weight: an operator that over-credits a
//! colluding contribution is proven wrong from the output text and the contribution's bytes,
//! with no judge; a correct weight "proven wrong" is refused and changes nothing but the
//! prover's fee. Licensee acknowledgements: a signed batch settles and cannot be challenged as
//! fabricated.

use rs_merkle::{algorithms::Sha256 as MerkleSha256, Hasher, MerkleTree};
use sha2::{Digest, Sha256};

use super::*;

const CONTRIBUTION: &str = "The honey bee gathers nectar from flowers and turns it into honey.";
/// Shares "the honey bee gathers nectar from flowers" (7 words) with the contribution.
const OUTPUT: &str = "Bees make honey: the honey bee gathers nectar from flowers, every day.";

/// The colluder's contribution of [`CONTRIBUTION`] to the market's dataset; its id.
fn contribute_text(m: &Market) -> u64 {
    let msg = ds::MsgContribute {
        contributor: m.w.second.address().to_bech32(),
        dataset_id: m.dataset,
        items: vec![ds::ContributionItem {
            content_sha256: hex::encode(Sha256::digest(CONTRIBUTION)),
            size: CONTRIBUTION.len() as u64,
            uri: String::new(),
            metadata: String::new(),
        }],
    };
    ok::<ds::MsgContributeResponse>(
        m.w.chain
            .exec(&m.w.second, vec![any(&url(DS, "MsgContribute"), &msg)]),
    )
    .first_contribution_id
}

/// Uses of [`OUTPUT`], each crediting `contribution` with `weight`.
fn uses_of_output(m: &Market, prefix: &str, contribution: u64, weight: u64) -> Vec<att::Use> {
    (0..3)
        .map(|i| att::Use {
            request_id: format!("{prefix}{i}"),
            grant_id: m.grant,
            units: 1,
            weights: vec![att::Weight {
                contribution_id: contribution,
                weight,
            }],
            output_sha256: Sha256::digest(OUTPUT).to_vec(),
        })
        .collect()
}

/// A proof that leaf `k` of `receipts` credits `contribution` wrongly.
fn proof_msg(
    prover: &TestKey,
    report_id: u64,
    individual: bool,
    receipts: &[att::Use],
    k: usize,
    contribution: u64,
) -> att::MsgProveWrongWeight {
    let leaves: Vec<[u8; 32]> = receipts
        .iter()
        .map(|u| MerkleSha256::hash(&u.encode_to_vec()))
        .collect();
    let tree = MerkleTree::<MerkleSha256>::from_leaves(&leaves);
    att::MsgProveWrongWeight {
        prover: prover.address().to_bech32(),
        report_id,
        individual,
        entry: 0,
        receipt: receipts[k].encode_to_vec(),
        leaf_index: k as u64,
        total_leaves: receipts.len() as u64,
        proof: tree.proof(&[k]).to_bytes(),
        output_text: OUTPUT.as_bytes().to_vec(),
        contribution_id: contribution,
        contribution: CONTRIBUTION.as_bytes().to_vec(),
    }
}

fn prove(
    m: &Market,
    prover: &TestKey,
    msg: &att::MsgProveWrongWeight,
) -> tendermint_proto::v0_38::abci::ExecTxResult {
    m.w.chain
        .exec(prover, vec![any(&url(ATT, "MsgProveWrongWeight"), msg)])
}

#[test]
fn the_reference_rule_gives_the_colluding_contribution_seven_words_of_the_output() {
    assert_eq!(openledger_attribution::weight(OUTPUT, CONTRIBUTION, 4), 7);
}

#[test]
fn an_over_credited_contribution_is_proven_wrong_and_the_operator_slashed_without_a_judge() {
    let m = market();
    let colluder = contribute_text(&m);
    let receipts = uses_of_output(&m, "r", colluder, 500);
    let aggregated = att::AggregatedUses {
        grant_id: m.grant,
        uses: 3,
        units: 3,
        weights: vec![att::Weight {
            contribution_id: colluder,
            weight: 1_500,
        }],
        receipts_root: crate::modules::attribution::proof::receipts_root(&receipts),
        ..Default::default()
    };
    let report_id =
        ok::<att::MsgReportUsageResponse>(report(&m, "b1", vec![], vec![aggregated])).report_id;
    let prover = &m.w.contributors[0];
    let msg = proof_msg(prover, report_id, false, &receipts, 1, colluder);
    // The output and the contribution must be the ones the chain has hashes of.
    let mut other_output = msg.clone();
    other_output.output_text = b"something else entirely".to_vec();
    refused(
        prove(&m, prover, &other_output),
        &AttributionError::OutputMismatch,
    );
    let mut other_bytes = msg.clone();
    other_bytes.contribution = b"not the contribution".to_vec();
    refused(
        prove(&m, prover, &other_bytes),
        &AttributionError::ContributionMismatch(colluder),
    );
    let mut not_in_report = msg.clone();
    not_in_report.leaf_index = 2;
    refused(
        prove(&m, prover, &not_in_report),
        &AttributionError::ReceiptNotInReport(report_id),
    );
    let before = m.w.chain.balance(&prover.address());
    let outcome: att::MsgProveWrongWeightResponse = ok(prove(&m, prover, &msg));
    assert_eq!(
        (outcome.reported_weight, outcome.recomputed_weight),
        (500, 7)
    );
    assert_eq!(outcome.slashed, "2000000", "the operator's whole bond");
    // 3 uses at 1,000 less the 1% fee, all credited by the report, all reversed.
    assert_eq!(outcome.reversed, "2970");
    assert_eq!(
        m.w.chain.balance(&prover.address()),
        before + 2_000_000 - 250_000,
        "the bond to the prover, less the proof's fee"
    );
    refused(
        prove(&m, prover, &msg),
        &AttributionError::ReportReversed(report_id),
    );
    refused(
        report(&m, "b2", uses_of_output(&m, "x", colluder, 7), vec![]),
        &AttributionError::NotBonded(m.operator.address(), m.tuned),
    );
    conserved(&m);
}

#[test]
fn a_correct_weight_proven_wrong_is_refused_and_costs_the_prover_only_its_fee() {
    let m = market();
    let colluder = contribute_text(&m);
    let receipts = uses_of_output(&m, "r", colluder, 7);
    let report_id =
        ok::<att::MsgReportUsageResponse>(report(&m, "b1", receipts.clone(), vec![])).report_id;
    let prover = &m.w.contributors[0];
    let msg = proof_msg(prover, report_id, true, &receipts, 0, colluder);
    let before = m.w.chain.balance(&prover.address());
    let (result, moved) = m.w.chain.moved_by(|| prove(&m, prover, &msg));
    refused(result, &AttributionError::WeightCorrect(colluder, 7));
    assert_eq!(
        moved,
        vec![crate::store::Substore::Auth, crate::store::Substore::Bank],
        "only the fee and the sequence"
    );
    assert_eq!(m.w.chain.balance(&prover.address()), before - 250_000);
    // After the window the credits vest; a proof comes too late.
    advance(&m.w, WINDOW);
    let mut wrong = msg.clone();
    wrong.receipt = receipts[0].encode_to_vec();
    refused(
        prove(&m, prover, &wrong),
        &AttributionError::ChallengeWindowClosed(report_id, 0),
    );
    conserved(&m);
}

/// An aggregated entry of `uses` on the market's grant, signed by `signer` as its licensee.
fn acknowledged_entry(m: &Market, signer: &TestKey, batch: &str, uses: u64) -> att::AggregatedUses {
    let mut entry = att::AggregatedUses {
        grant_id: m.grant,
        uses,
        units: uses,
        weights: weights(m.first, &[(0, 1)]),
        receipts_root: vec![0xab; 32],
        licensee_signature: Vec::new(),
    };
    let signed = crate::modules::attribution::msgs::acknowledgement(
        &m.w.chain.chain_id,
        &m.operator.address().to_bech32(),
        batch,
        &entry,
    );
    entry.licensee_signature = signer.sign(&signed.encode_to_vec());
    entry
}

#[test]
fn a_batch_the_licensee_acknowledged_settles_and_cannot_be_challenged_as_fabricated() {
    let m = market();
    // Signed by someone else, or for another batch, it is refused and settles nothing.
    let forged = acknowledged_entry(&m, &m.w.second, "b1", 5);
    let (result, moved) =
        m.w.chain
            .moved_by(|| report(&m, "b1", vec![], vec![forged]));
    refused(result, &AttributionError::InvalidAcknowledgement(m.grant));
    assert_eq!(
        moved,
        vec![crate::store::Substore::Auth, crate::store::Substore::Bank]
    );
    let replayed = acknowledged_entry(&m, &m.licensee, "b0", 5);
    refused(
        report(&m, "b1", vec![], vec![replayed]),
        &AttributionError::InvalidAcknowledgement(m.grant),
    );
    let entry = acknowledged_entry(&m, &m.licensee, "b1", 5);
    let settled: att::MsgReportUsageResponse = ok(report(&m, "b1", vec![], vec![entry]));
    assert_eq!(settled.paid, "5000");
    let fabricated = att::MsgChallengeUsage {
        challenger: m.w.second.address().to_bech32(),
        report_id: settled.report_id,
        claim: att::ChallengeClaim::FabricatedUse as i32,
        bond: "1000000".into(),
        evidence_uri: String::new(),
    };
    refused(
        m.w.chain.exec(
            &m.w.second,
            vec![any(&url(ATT, "MsgChallengeUsage"), &fabricated)],
        ),
        &AttributionError::AcknowledgedByLicensee(settled.report_id),
    );
    // Other claims stay open: the licensee vouched for the uses, not for their attribution.
    let wrong = att::MsgChallengeUsage {
        claim: att::ChallengeClaim::WrongAttribution as i32,
        ..fabricated
    };
    ok::<att::MsgChallengeUsageResponse>(m.w.chain.exec(
        &m.w.second,
        vec![any(&url(ATT, "MsgChallengeUsage"), &wrong)],
    ));
    conserved(&m);
}
