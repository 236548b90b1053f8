//! Paid uses settled in FinalizeBlock + Commit on RocksDB: the individual form (8 attributed
//! contributions per use) and the aggregated form (1,000 uses per entry), with state bytes
//! written per use. The version settled is a LoRA fine-tune whose royalty reaches its base.
//!
//! `cargo bench -p openledger-app --bench settle_uses` (BENCH_BLOCKS to vary).

use std::time::{Duration, Instant};

use openledger_proto::attribution::v1 as att;
use openledger_proto::datasets::v1 as ds;
use openledger_proto::licenses::v1 as lic;
use openledger_proto::models::v1 as mdl;
use prost::Message;

use openledger_app::context::BlockHeader;
use openledger_app::testkit::{any, coin, sign_tx, TestChain, TestKey, TxParams};

const CONTRIBUTIONS: u64 = 8;

fn response<M: Message + Default>(r: &tendermint_proto::v0_38::abci::ExecTxResult) -> M {
    assert_eq!(r.code, 0, "{}", r.log);
    let data = cosmrs::proto::cosmos::base::abci::v1beta1::TxMsgData::decode(r.data.as_ref())
        .expect("data");
    M::decode(data.msg_responses[0].value.as_slice()).expect("response")
}

struct Setup {
    chain: TestChain,
    operator: TestKey,
    version: u64,
    grant: u64,
    first: u64,
}

fn setup() -> Setup {
    let (owner, operator, licensee) = (
        TestKey::from_seed("owner"),
        TestKey::from_seed("operator"),
        TestKey::from_seed("licensee"),
    );
    let mut chain = TestChain::new(&[&owner, &operator, &licensee]);
    // Measured as a release node runs: without the invariant checks tests turn on.
    chain.app = chain.app.clone().with_invariant_checks(false);
    let me = owner.address().to_bech32();
    let ds_id = response::<ds::MsgCreateDatasetResponse>(&chain.exec(
        &owner,
        vec![any(
            "/openledger.datasets.v1.MsgCreateDataset",
            &ds::MsgCreateDataset {
                curator: me.clone(),
                name: "d".into(),
                policy: ds::Policy::Open as i32,
                ..Default::default()
            },
        )],
    ))
    .dataset_id;
    let items = (0..CONTRIBUTIONS)
        .map(|i| ds::ContributionItem {
            content_sha256: format!("{i:064x}"),
            size: 1,
            ..Default::default()
        })
        .collect();
    let first = response::<ds::MsgContributeResponse>(&chain.exec(
        &owner,
        vec![any(
            "/openledger.datasets.v1.MsgContribute",
            &ds::MsgContribute {
                contributor: me.clone(),
                dataset_id: ds_id,
                items,
            },
        )],
    ))
    .first_contribution_id;
    let terms = |price: &str| lic::LicenseTerms {
        commercial_use: true,
        derivatives_allowed: true,
        per_use_price: price.into(),
        royalty_bps: 1_000,
        data_share_bps: 2_000,
        ..Default::default()
    };
    let license = |t| {
        response::<lic::MsgCreateLicenseResponse>(&chain.exec(
            &owner,
            vec![any(
                "/openledger.licenses.v1.MsgCreateLicense",
                &lic::MsgCreateLicense {
                    creator: me.clone(),
                    terms: Some(t),
                },
            )],
        ))
        .license_id
    };
    let (open, paid) = (license(terms("0")), license(terms("10")));
    let model = response::<mdl::MsgRegisterModelResponse>(&chain.exec(
        &owner,
        vec![any(
            "/openledger.models.v1.MsgRegisterModel",
            &mdl::MsgRegisterModel {
                owner: me.clone(),
                name: "m".into(),
                ..Default::default()
            },
        )],
    ))
    .model_id;
    let publish = |parents: Vec<u64>, license: u64| {
        let msg = mdl::MsgPublishVersion {
            owner: me.clone(),
            model_id: model,
            artifact_sha256: "ab".repeat(32),
            parent_version_ids: parents,
            training: Some(mdl::TrainingRecord {
                method: 1,
                hyperparams_sha256: String::new(),
                datasets: vec![mdl::DatasetUse {
                    dataset_id: ds_id,
                    first_contribution_id: 0,
                    last_contribution_id: u64::MAX,
                }],
            }),
            contributors: vec![mdl::Contributor {
                address: me.clone(),
                role: 1,
                share_bps: 10_000,
            }],
            license_ids: vec![license],
            ..Default::default()
        };
        response::<mdl::MsgPublishVersionResponse>(&chain.exec(
            &owner,
            vec![any("/openledger.models.v1.MsgPublishVersion", &msg)],
        ))
        .version_id
    };
    let base = publish(vec![], open);
    let version = publish(vec![base], paid);
    let target = Some(lic::Target {
        kind: lic::TargetKind::ModelVersion as i32,
        id: version,
    });
    let buy = lic::MsgAcquireLicense {
        licensee: licensee.address().to_bech32(),
        target,
        license_id: paid,
        escrow: "100000000000".into(),
    };
    let grant = response::<lic::MsgAcquireLicenseResponse>(&chain.exec(
        &licensee,
        vec![any("/openledger.licenses.v1.MsgAcquireLicense", &buy)],
    ))
    .grant_id;
    let authorize = lic::MsgAuthorizeOperator {
        licensee: licensee.address().to_bech32(),
        grant_id: grant,
        operator: operator.address().to_bech32(),
        spend_limit: u128::MAX.to_string(),
        expires_height: 0,
    };
    response::<lic::MsgAuthorizeOperatorResponse>(&chain.exec(
        &licensee,
        vec![any(
            "/openledger.licenses.v1.MsgAuthorizeOperator",
            &authorize,
        )],
    ));
    let reg = att::MsgRegisterOperator {
        operator: operator.address().to_bech32(),
        version_id: version,
        endpoint: String::new(),
        bond: "1000000".into(),
    };
    assert_eq!(
        chain
            .exec(
                &operator,
                vec![any("/openledger.attribution.v1.MsgRegisterOperator", &reg)]
            )
            .code,
        0
    );
    Setup {
        chain,
        operator,
        version,
        grant,
        first,
    }
}

/// Runs reports, one per block, signed up front; (uses/s, state bytes per use).
fn run(s: &Setup, reports: Vec<att::MsgReportUsage>, uses_per_report: u64) -> (f64, f64) {
    let account = s.chain.account(&s.operator);
    let txs: Vec<Vec<u8>> = reports
        .iter()
        .enumerate()
        .map(|(i, msg)| {
            let p = TxParams {
                chain_id: s.chain.chain_id.clone(),
                account_number: account.account_number,
                sequence: account.sequence + i as u64,
                gas_limit: 100_000_000,
                fee: vec![coin(2_500_000, "uopen")],
                memo: String::new(),
            };
            sign_tx(
                &s.operator,
                vec![any("/openledger.attribution.v1.MsgReportUsage", msg)],
                &p,
            )
        })
        .collect();
    let (mut elapsed, mut bytes) = (Duration::ZERO, 0usize);
    for tx in txs {
        let height = s.chain.app.committed().height + 1;
        let started = Instant::now();
        let outcome = s
            .chain
            .app
            .finalize_block(&BlockHeader::at(height), &[tx])
            .expect("finalize");
        s.chain.app.commit().expect("commit");
        elapsed += started.elapsed();
        assert_eq!(
            outcome.tx_results[0].code, 0,
            "{}",
            outcome.tx_results[0].log
        );
        bytes += outcome.state_bytes;
    }
    let uses = (reports.len() as u64 * uses_per_report) as f64;
    (uses / elapsed.as_secs_f64(), bytes as f64 / uses)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let blocks: usize = std::env::var("BENCH_BLOCKS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let s = setup();
    let weights: Vec<att::Weight> = (0..CONTRIBUTIONS)
        .map(|i| att::Weight {
            contribution_id: s.first + i,
            weight: i + 1,
        })
        .collect();

    const PER_REPORT: u64 = 1_000;
    let individual: Vec<att::MsgReportUsage> = (0..blocks)
        .map(|b| att::MsgReportUsage {
            operator: s.operator.address().to_bech32(),
            version_id: s.version,
            batch_id: format!("i{b}"),
            uses: (0..PER_REPORT)
                .map(|u| att::Use {
                    request_id: format!("{b}-{u}"),
                    grant_id: s.grant,
                    units: 1,
                    weights: weights.clone(),
                    ..Default::default()
                })
                .collect(),
            aggregated: vec![],
        })
        .collect();
    let (rate, bytes) = run(&s, individual, PER_REPORT);
    println!("individual form ({CONTRIBUTIONS} attributed contributions per use, {PER_REPORT} uses per report): {rate:.0} uses/s, {bytes:.1} state bytes written per use");

    const ENTRIES: u64 = 100;
    const USES_PER_ENTRY: u64 = 1_000;
    let aggregated: Vec<att::MsgReportUsage> = (0..blocks)
        .map(|b| att::MsgReportUsage {
            operator: s.operator.address().to_bech32(),
            version_id: s.version,
            batch_id: format!("a{b}"),
            uses: vec![],
            aggregated: (0..ENTRIES)
                .map(|_| att::AggregatedUses {
                    grant_id: s.grant,
                    uses: USES_PER_ENTRY,
                    units: USES_PER_ENTRY,
                    weights: weights.clone(),
                    receipts_root: vec![1; 32],
                    ..Default::default()
                })
                .collect(),
        })
        .collect();
    let (rate, bytes) = run(&s, aggregated, ENTRIES * USES_PER_ENTRY);
    println!("aggregated form ({USES_PER_ENTRY} uses per entry, {ENTRIES} entries per report): {rate:.0} uses/s, {bytes:.3} state bytes written per use");
}
