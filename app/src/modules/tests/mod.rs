//! The modules through the real App, told as stories over one shared world: the registries
//! (`registry_story`), paid uses and their reports (`paid_uses`), disputes (`challenges`) and
//! grants running out (`expiry`). Refusals are named by the module's error variant
//! ([`refused`] compares codespace and code, not the variant's fields).

mod addresses;
mod authorizations;
mod challenges;
mod contributions;
mod expiry;
mod paid_uses;
mod preview_overflow;
mod proofs;
mod registry_story;
mod text;

use openledger_proto::attribution::v1 as att;
use openledger_proto::datasets::v1 as ds;
use openledger_proto::licenses::v1 as lic;
use openledger_proto::models::v1 as mdl;
use prost::Message;

use crate::error::{AbciError, SdkError};
use crate::modules::attribution::AttributionError;
use crate::modules::datasets::DatasetsError;
use crate::modules::licenses::LicensesError;
use crate::modules::models::ModelsError;
use crate::testkit::{any, ok, refused, TestChain, TestKey, TEST_FUNDS};

const ATT: &str = "/openledger.attribution.v1.";
const DS: &str = "/openledger.datasets.v1.";
const LIC: &str = "/openledger.licenses.v1.";
const MDL: &str = "/openledger.models.v1.";

fn url(prefix: &str, name: &str) -> String {
    format!("{prefix}{name}")
}

fn sha(n: u64) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(n.to_be_bytes()))
}

struct World {
    chain: TestChain,
    curator: TestKey,
    contributors: [TestKey; 3],
    builder: TestKey,
    tuner: TestKey,
    second: TestKey,
}

fn world() -> World {
    world_with(|_| {})
}

/// A world whose attribution params are edited first (by default the curator alone is the
/// dispute council).
fn world_with(edit: impl FnOnce(&mut att::Params)) -> World {
    let w = World {
        curator: TestKey::from_seed("curator"),
        contributors: [
            TestKey::from_seed("c1"),
            TestKey::from_seed("c2"),
            TestKey::from_seed("c3"),
        ],
        builder: TestKey::from_seed("builder"),
        tuner: TestKey::from_seed("tuner"),
        second: TestKey::from_seed("second"),
        chain: TestChain::new(&[]),
    };
    let keys: Vec<&TestKey> = [&w.curator, &w.builder, &w.tuner, &w.second]
        .into_iter()
        .chain(w.contributors.iter())
        .collect();
    // The curator alone is the dispute council; windows are short so that stories can pass them.
    let council = vec![w.curator.address().to_bech32()];
    let mut params = att::Params {
        council,
        council_threshold: 1,
        challenge_window_blocks: WINDOW,
        unbonding_blocks: WINDOW,
        challenge_timeout_blocks: TIMEOUT,
        ..crate::modules::attribution::default_params()
    };
    edit(&mut params);
    let chain = TestChain::with_genesis(&keys, |g| g.attribution.params = Some(params));
    World { chain, ..w }
}

/// The world's challenge window and unbonding period, and its challenge timeout, in blocks.
const WINDOW: u64 = 10;
const TIMEOUT: u64 = 30;

/// Money is conserved: every module account holds what its module says it holds, the balances
/// sum to the supply, and the supply is the genesis funds less what rejected challenges burned.
fn conserved(m: &Market) {
    let genesis_funds = 7 * TEST_FUNDS;
    let supply = crate::modules::proptests::check_attribution_invariants(&m.w.chain, genesis_funds);
    crate::modules::proptests::check_invariants(&m.w.chain, supply);
}

/// Empty blocks, so heights pass.
fn advance(w: &World, blocks: u64) {
    for _ in 0..blocks {
        w.chain.block(Vec::new());
    }
}

fn license(w: &World, key: &TestKey, terms: lic::LicenseTerms) -> u64 {
    let msg = lic::MsgCreateLicense {
        creator: key.address().to_bech32(),
        terms: Some(terms),
    };
    ok::<lic::MsgCreateLicenseResponse>(
        w.chain
            .exec(key, vec![any(&url(LIC, "MsgCreateLicense"), &msg)]),
    )
    .license_id
}

fn contributor(key: &TestKey, role: mdl::Role, share_bps: u32) -> mdl::Contributor {
    mdl::Contributor {
        address: key.address().to_bech32(),
        role: role as i32,
        share_bps,
    }
}

fn publish(
    w: &World,
    key: &TestKey,
    model_id: u64,
    parents: Vec<u64>,
    method: mdl::TrainingMethod,
    license_ids: Vec<u64>,
    datasets: Vec<mdl::DatasetUse>,
) -> tendermint_proto::v0_38::abci::ExecTxResult {
    let msg = mdl::MsgPublishVersion {
        owner: key.address().to_bech32(),
        model_id,
        artifact_sha256: sha(model_id * 1000 + parents.len() as u64),
        uri: "hf://example/model".into(),
        parent_version_ids: parents,
        external_base: None,
        training: Some(mdl::TrainingRecord {
            method: method as i32,
            hyperparams_sha256: sha(7),
            datasets,
        }),
        contributors: vec![contributor(key, mdl::Role::FineTuner, 10_000)],
        license_ids,
    };
    w.chain
        .exec(key, vec![any(&url(MDL, "MsgPublishVersion"), &msg)])
}

fn register(w: &World, key: &TestKey, name: &str) -> u64 {
    let msg = mdl::MsgRegisterModel {
        owner: key.address().to_bech32(),
        name: name.into(),
        description: String::new(),
        external_base: None,
    };
    ok::<mdl::MsgRegisterModelResponse>(
        w.chain
            .exec(key, vec![any(&url(MDL, "MsgRegisterModel"), &msg)]),
    )
    .model_id
}

fn version_target(id: u64) -> Option<lic::Target> {
    Some(lic::Target {
        kind: lic::TargetKind::ModelVersion as i32,
        id,
    })
}

struct Market {
    w: World,
    /// The open dataset every version of the market is trained on, and its first contribution.
    dataset: u64,
    first: u64,
    base: u64,
    tuned: u64,
    grant: u64,
    operator: TestKey,
    licensee: TestKey,
}

/// Dataset with three contributors (all accepted), base model trained on it, a licensed
/// LoRA fine-tune, a licensee's grant on the fine-tune, and a bonded operator.
fn market() -> Market {
    market_with(|_| {})
}

fn market_with(edit: impl FnOnce(&mut att::Params)) -> Market {
    let w = world_with(edit);
    let (operator, licensee) = (
        TestKey::from_seed("operator"),
        TestKey::from_seed("licensee"),
    );
    for key in [&operator, &licensee] {
        let send = crate::testkit::msg_send(
            &w.curator.address(),
            &key.address(),
            vec![crate::testkit::coin(50_000_000, "uopen")],
        );
        assert_eq!(w.chain.exec(&w.curator, vec![send]).code, 0);
    }
    let create = ds::MsgCreateDataset {
        curator: w.curator.address().to_bech32(),
        name: "d".into(),
        description: String::new(),
        license_id: 0,
        policy: ds::Policy::Open as i32,
    };
    let dataset_id = ok::<ds::MsgCreateDatasetResponse>(
        w.chain
            .exec(&w.curator, vec![any(&url(DS, "MsgCreateDataset"), &create)]),
    )
    .dataset_id;
    let mut first = 0;
    for (i, key) in w.contributors.iter().enumerate() {
        let items = vec![ds::ContributionItem {
            content_sha256: sha(100 + i as u64),
            size: 10,
            uri: String::new(),
            metadata: String::new(),
        }];
        let msg = ds::MsgContribute {
            contributor: key.address().to_bech32(),
            dataset_id,
            items,
        };
        let r: ds::MsgContributeResponse = ok(w
            .chain
            .exec(key, vec![any(&url(DS, "MsgContribute"), &msg)]));
        if i == 0 {
            first = r.first_contribution_id;
        }
    }
    let base_license = license(
        &w,
        &w.builder,
        lic::LicenseTerms {
            commercial_use: true,
            derivatives_allowed: true,
            royalty_bps: 1_000,
            data_share_bps: 2_000,
            ..Default::default()
        },
    );
    let base_model = register(&w, &w.builder, "base");
    let uses = vec![mdl::DatasetUse {
        dataset_id,
        first_contribution_id: 0,
        last_contribution_id: u64::MAX,
    }];
    let base: mdl::MsgPublishVersionResponse = ok(publish(
        &w,
        &w.builder,
        base_model,
        vec![],
        mdl::TrainingMethod::Full,
        vec![base_license],
        uses,
    ));
    let acquire = lic::MsgAcquireLicense {
        licensee: w.tuner.address().to_bech32(),
        target: version_target(base.version_id),
        license_id: base_license,
        escrow: "0".into(),
    };
    ok::<lic::MsgAcquireLicenseResponse>(w.chain.exec(
        &w.tuner,
        vec![any(&url(LIC, "MsgAcquireLicense"), &acquire)],
    ));
    let paid = license(
        &w,
        &w.tuner,
        lic::LicenseTerms {
            commercial_use: true,
            per_use_price: "1000".into(),
            data_share_bps: 3_000,
            duration_blocks: 1_000,
            ..Default::default()
        },
    );
    let tuned_model = register(&w, &w.tuner, "tuned");
    let tuned: mdl::MsgPublishVersionResponse = ok(publish(
        &w,
        &w.tuner,
        tuned_model,
        vec![base.version_id],
        mdl::TrainingMethod::Lora,
        vec![paid],
        vec![],
    ));
    let buy = lic::MsgAcquireLicense {
        licensee: licensee.address().to_bech32(),
        target: version_target(tuned.version_id),
        license_id: paid,
        escrow: "150000".into(),
    };
    let grant = ok::<lic::MsgAcquireLicenseResponse>(
        w.chain
            .exec(&licensee, vec![any(&url(LIC, "MsgAcquireLicense"), &buy)]),
    )
    .grant_id;
    let reg = att::MsgRegisterOperator {
        operator: operator.address().to_bech32(),
        version_id: tuned.version_id,
        endpoint: "https://infer.example".into(),
        bond: "2000000".into(),
    };
    assert_eq!(
        w.chain
            .exec(&operator, vec![any(&url(ATT, "MsgRegisterOperator"), &reg)])
            .code,
        0
    );
    authorize(&w, &licensee, grant, &operator, 150_000);
    Market {
        w,
        dataset: dataset_id,
        first,
        base: base.version_id,
        tuned: tuned.version_id,
        grant,
        operator,
        licensee,
    }
}

/// The licensee lets `operator` charge the grant up to `limit` uopen.
fn authorize(w: &World, licensee: &TestKey, grant_id: u64, operator: &TestKey, limit: u128) {
    let msg = lic::MsgAuthorizeOperator {
        licensee: licensee.address().to_bech32(),
        grant_id,
        operator: operator.address().to_bech32(),
        spend_limit: limit.to_string(),
        expires_height: 0,
    };
    ok::<lic::MsgAuthorizeOperatorResponse>(
        w.chain
            .exec(licensee, vec![any(&url(LIC, "MsgAuthorizeOperator"), &msg)]),
    );
}

fn weights(first: u64, pattern: &[(u64, u64)]) -> Vec<att::Weight> {
    pattern
        .iter()
        .map(|&(offset, weight)| att::Weight {
            contribution_id: first + offset,
            weight,
        })
        .collect()
}

fn report(
    m: &Market,
    batch: &str,
    uses: Vec<att::Use>,
    aggregated: Vec<att::AggregatedUses>,
) -> tendermint_proto::v0_38::abci::ExecTxResult {
    report_as(m, &m.operator, batch, uses, aggregated)
}

/// A report of uses of the market's fine-tune by `operator`.
fn report_as(
    m: &Market,
    operator: &TestKey,
    batch: &str,
    uses: Vec<att::Use>,
    aggregated: Vec<att::AggregatedUses>,
) -> tendermint_proto::v0_38::abci::ExecTxResult {
    let msg = att::MsgReportUsage {
        operator: operator.address().to_bech32(),
        version_id: m.tuned,
        batch_id: batch.into(),
        uses,
        aggregated,
    };
    m.w.chain
        .exec(operator, vec![any(&url(ATT, "MsgReportUsage"), &msg)])
}

fn supply(m: &Market) -> u128 {
    let storage = m.w.chain.app.storage();
    crate::modules::bank::Keeper::supply(&mut crate::context::Unmetered(&storage), "uopen").unwrap()
}
