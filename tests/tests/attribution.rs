//! Proof of attribution end to end, driven by the CLI on a real localnet: three contributors'
//! texts in a dataset, a base model trained on it, a licensed LoRA fine-tune, a licensee's grant,
//! a bonded operator the licensee authorises on the grant, and 100 paid uses reported with weights
//! computed by `openledger attribute`.
//! Every contributor's counters say how many uses touched their data, every payee earns exactly
//! 100 times the previewed split of one use, every settlement sums to its price, the base's
//! builder gets the royalty, claims move rewards to bank balances, and the supply is conserved.

use std::collections::BTreeMap;

use openledger_tests::json::number;
use openledger_tests::{repo_root, Localnet, TxOutcome};
use serde_json::{json, Value};

const USES: u128 = 100;
const PRICE: u128 = 1_000;
/// What localnet/start.sh sets.
const CHALLENGE_WINDOW_BLOCKS: u64 = 20;

/// The id a tx created, as the CLI takes it back as an argument.
fn id(t: &TxOutcome, field: &str) -> String {
    t.response_id(field).to_string()
}

#[test]
fn a_hundred_paid_uses_pay_data_contributors_fine_tuner_and_base_exactly() {
    let net = Localnet::start(1);
    let corpus = repo_root().join("tests/corpus");
    let names = ["bob", "carol", "dave", "erin", "frank", "grace", "henry"];
    for name in &names[2..] {
        let addr = net.new_key(name);
        net.send_ok("alice", &addr, "1000000000uopen");
    }
    let supply_before = net.total_supply();

    // bob, carol and dave contribute 1.txt, 2.txt and 3.txt to an open dataset.
    let dataset = id(
        &net.tx_ok(&[
            "tx", "datasets", "create", "alice", "--name", "essays", "--policy", "open",
        ]),
        "dataset_id",
    );
    let mut by_file = BTreeMap::new();
    for (who, file) in [("bob", "1.txt"), ("carol", "2.txt"), ("dave", "3.txt")] {
        let path = corpus.join(file).display().to_string();
        let t = net.tx_ok(&[
            "tx",
            "datasets",
            "contribute",
            who,
            &dataset,
            "--content",
            &path,
        ]);
        by_file.insert(file, id(&t, "first_contribution_id"));
    }

    // erin's base model on the dataset, free to derive from for a 10% royalty and 20% to data.
    let base_license = id(
        &net.tx_ok(&[
            "tx",
            "licenses",
            "create",
            "erin",
            "--commercial",
            "--derivatives",
            "--royalty-bps",
            "1000",
            "--data-share-bps",
            "2000",
        ]),
        "license_id",
    );
    let base_model = id(
        &net.tx_ok(&["tx", "models", "register", "erin", "--name", "base"]),
        "model_id",
    );
    let erin = net.address("erin");
    let base = id(
        &net.tx_ok(&[
            "tx",
            "models",
            "publish-version",
            "erin",
            &base_model,
            "--artifact-sha256",
            &"e1".repeat(32),
            "--method",
            "full",
            "--dataset",
            &format!("{dataset}:all"),
            "--contributor",
            &format!("{erin}:architect:10000"),
            "--license-id",
            &base_license,
        ]),
        "version_id",
    );
    // frank's LoRA under a paid licence: 1,000 uopen per use, 30% to data.
    let frank = net.address("frank");
    let paid = id(
        &net.tx_ok(&[
            "tx",
            "licenses",
            "create",
            "frank",
            "--commercial",
            "--per-use-price",
            &format!("{PRICE}uopen"),
            "--data-share-bps",
            "3000",
        ]),
        "license_id",
    );
    let tuned_model = id(
        &net.tx_ok(&["tx", "models", "register", "frank", "--name", "tuned"]),
        "model_id",
    );
    let tuned = id(
        &net.tx_ok(&[
            "tx",
            "models",
            "publish-version",
            "frank",
            &tuned_model,
            "--artifact-sha256",
            &"f2".repeat(32),
            "--method",
            "lora",
            "--parent",
            &base,
            "--contributor",
            &format!("{frank}:fine-tuner:10000"),
            "--license-id",
            &paid,
        ]),
        "version_id",
    );
    // grace buys a grant with escrow for the uses; henry operates the fine-tune.
    let grant = id(
        &net.tx_ok(&[
            "tx",
            "licenses",
            "acquire",
            "grace",
            "--version",
            &tuned,
            &paid,
            "--escrow",
            "200000uopen",
        ]),
        "grant_id",
    );
    net.tx_ok(&[
        "tx",
        "attribution",
        "register-operator",
        "henry",
        &tuned,
        "--endpoint",
        "https://henry.example",
        "--bond",
        "1000000uopen",
    ]);
    // grace lets henry charge the grant, with a limit far above its escrow (the escrow binds).
    net.authorize_operator("grace", &grant, "henry", "1000000000uopen");

    // The attributor, over the contributions as the chain numbered them.
    let dir = tempfile::tempdir().expect("tempdir");
    for (file, id) in &by_file {
        std::fs::copy(corpus.join(file), dir.path().join(format!("{id}.txt"))).expect("copy");
    }
    let weights_out = net.cli(&[
        "attribute",
        "--contributions",
        &dir.path().display().to_string(),
        "--output-text",
        &corpus.join("output.txt").display().to_string(),
        "--format",
        "weights",
    ]);
    assert!(
        weights_out.status.success(),
        "{}",
        String::from_utf8_lossy(&weights_out.stderr)
    );
    let weights: Value = serde_json::from_slice(&weights_out.stdout).expect("weights JSON");
    let attributed: Vec<String> = weights
        .as_array()
        .expect("list")
        .iter()
        .map(|w| number(&w["contribution_id"]).to_string())
        .collect();
    assert_eq!(
        attributed,
        vec![by_file["1.txt"].clone(), by_file["3.txt"].clone()],
        "bob's and dave's texts are quoted, carol's is not"
    );

    // The split of one use, previewed; then 100 uses with the same attribution.
    let weights_file = dir.path().join("weights.json");
    std::fs::write(&weights_file, weights.to_string()).expect("write");
    let preview = net.cli_json(&[
        "query",
        "attribution",
        "split-preview",
        &tuned,
        "--price",
        &format!("{PRICE}uopen"),
        "--weights",
        &weights_file.display().to_string(),
    ]);
    assert_eq!(number(&preview["total"]), PRICE);
    let mut per_use: BTreeMap<String, u128> = BTreeMap::new();
    for p in preview["payouts"].as_array().expect("payouts") {
        if p["reason"] == "protocol_fee" {
            assert_eq!(number(&p["amount"]), PRICE / 100, "the 1% protocol fee");
            continue; // paid straight to the fee collector, not a reward
        }
        *per_use
            .entry(p["address"].as_str().expect("address").to_string())
            .or_default() += number(&p["amount"]);
    }
    let uses: Vec<Value> = (0..USES).map(|i| json!({"request_id": format!("req-{i}"), "grant_id": number(&json!(grant)), "units": 1, "weights": weights})).collect();
    let uses_file = dir.path().join("uses.json");
    std::fs::write(&uses_file, Value::Array(uses).to_string()).expect("write");
    let reported = net.tx_ok(&[
        "tx",
        "attribution",
        "report-usage",
        "henry",
        &tuned,
        "--batch-id",
        "batch-1",
        "--file",
        &uses_file.display().to_string(),
    ]);
    let settled: Vec<&Value> = reported.json["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["type"] == "openledger.attribution.v1.EventUseSettled")
        .collect();
    assert_eq!(settled.len() as u128, USES);
    for e in settled {
        let attr = |k: &str| {
            number(
                &e["attributes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|a| a["key"] == k)
                    .unwrap()["value"],
            )
        };
        assert_eq!(
            attr("protocol_fee") + attr("parts"),
            attr("price"),
            "a settlement sums to its price"
        );
    }

    // Counters: every use touched bob's and dave's texts (attributed) and carol's (the base's
    // declared data, paid through the royalty).
    for id in by_file.values() {
        let usage = net.cli_json(&["query", "attribution", "usage", id]);
        assert_eq!(
            number(&usage["counters"]["uses"]),
            USES,
            "contribution {id}: {usage}"
        );
    }
    // Every payee earned exactly 100 times its part of one use; erin got the base's royalty.
    for (addr, part) in &per_use {
        let earnings = net.cli_json(&["query", "attribution", "earnings", addr]);
        assert_eq!(
            number(&earnings["rewards"]["earned"]),
            USES * part,
            "{addr}: {earnings}"
        );
    }
    assert!(
        per_use.get(&erin).copied().unwrap_or(0) > 0,
        "the base's builder is paid a royalty on every use"
    );

    // Rewards vest when the report's challenge window (20 blocks on a localnet) has closed:
    // until then they are pending and a claim is refused.
    let bob_addr = net.address("bob");
    let earnings = net.cli_json(&["query", "attribution", "earnings", &bob_addr]);
    assert_eq!(
        (number(&earnings["vested"]), number(&earnings["pending"])),
        (0, number(&earnings["rewards"]["earned"])),
        "{earnings}"
    );
    let early = net.tx(&[
        "tx",
        "attribution",
        "claim",
        "bob",
        "--gas",
        "200000",
        "--fees",
        "5000uopen",
    ]);
    assert_eq!(
        (early.codespace.as_str(), early.code),
        ("attribution", Some(11)),
        "nothing vested yet: {}",
        early.describe()
    );
    net.wait_for_height(0, reported.height + CHALLENGE_WINDOW_BLOCKS + 1);
    let earnings = net.cli_json(&["query", "attribution", "earnings", &bob_addr]);
    assert_eq!(
        (number(&earnings["vested"]), number(&earnings["pending"])),
        (number(&earnings["rewards"]["earned"]), 0),
        "{earnings}"
    );

    // Claims move vested rewards into bank balances.
    for who in ["bob", "dave", "erin", "frank", "carol"] {
        let addr = net.address(who);
        let earned = USES * per_use.get(&addr).copied().unwrap_or(0);
        let before = net.balance(&addr);
        let claim = net.tx(&[
            "tx",
            "attribution",
            "claim",
            who,
            "--fees",
            "5000uopen",
            "--gas",
            "200000",
        ]);
        claim.assert_committed_ok(&format!("{who} claims"));
        assert_eq!(
            net.balance(&addr),
            before + earned - 5_000,
            "{who}: {}",
            claim.describe()
        );
    }
    assert_eq!(
        net.total_supply(),
        supply_before,
        "nothing is created or lost"
    );

    // Refusals through the chain, each with its code, leaving reports and counters as they were.
    let base_grant = id(
        &net.tx_ok(&[
            "tx",
            "licenses",
            "acquire",
            "grace",
            "--version",
            &base,
            &base_license,
        ]),
        "grant_id",
    );
    // Authorised too, so that its report is refused for the version, not the authorisation.
    net.authorize_operator("grace", &base_grant, "henry", "1000000000uopen");
    let grant_id = number(&json!(grant));
    let (c1, c3) = (
        number(&json!(by_file["1.txt"])),
        number(&json!(by_file["3.txt"])),
    );
    let reports_before = net.cli_json(&["query", "attribution", "reports", "henry"]);
    let usage_before = net.cli_json(&["query", "attribution", "usage", &by_file["1.txt"]]);
    let refusals: Vec<(&str, Value, &str, u32)> = vec![
        ("a grant of another version", json!([{"request_id": "x1", "grant_id": number(&json!(base_grant)), "units": 1, "weights": []}]), "licenses", 15),
        ("weights outside the lineage", json!([{"request_id": "x2", "grant_id": grant_id, "units": 1, "weights": [{"contribution_id": 999, "weight": 1}]}]), "attribution", 9),
        ("a zero weight", json!([{"request_id": "x3", "grant_id": grant_id, "units": 1, "weights": [{"contribution_id": c1, "weight": 0}]}]), "attribution", 10),
        ("weights overflowing 64 bits", json!([{"request_id": "x4", "grant_id": grant_id, "units": 1, "weights": [{"contribution_id": c1, "weight": u64::MAX}, {"contribution_id": c3, "weight": 1}]}]), "attribution", 10),
        ("an escrow too small", json!({"aggregated": [{"grant_id": grant_id, "uses": 500, "units": 500, "weights": [], "receipts_root": "00".repeat(32)}]}), "licenses", 17),
        ("replayed request ids", Value::Array((0..3).map(|i| json!({"request_id": format!("req-{i}"), "grant_id": grant_id, "units": 1, "weights": []})).collect()), "attribution", 8),
    ];
    for (i, (what, file, codespace, code)) in refusals.into_iter().enumerate() {
        let path = dir.path().join(format!("bad-{i}.json"));
        std::fs::write(&path, file.to_string()).expect("write");
        let batch = format!("bad-{i}");
        let t = net.tx(&[
            "tx",
            "attribution",
            "report-usage",
            "henry",
            &tuned,
            "--batch-id",
            &batch,
            "--file",
            &path.display().to_string(),
            "--gas",
            "2000000",
            "--fees",
            "50000uopen",
        ]);
        assert_eq!(
            (t.codespace.as_str(), t.code),
            (codespace, Some(code)),
            "{what}: {}",
            t.describe()
        );
    }
    assert_eq!(
        net.cli_json(&["query", "attribution", "reports", "henry"]),
        reports_before
    );
    assert_eq!(
        net.cli_json(&["query", "attribution", "usage", &by_file["1.txt"]]),
        usage_before
    );

    // Disputes: two of the council (alice, bob, carol) decide; nobody votes on their own
    // challenge. A new report gets two challenges: bob's, rejected, burns his bond ...
    let challenge = |who: &str, report: &str, bond: &str| {
        id(
            &net.tx_ok(&[
                "tx",
                "attribution",
                "challenge",
                who,
                report,
                "--claim",
                "fabricated-use",
                "--bond",
                bond,
                "--evidence",
                "ipfs://evidence",
            ]),
            "challenge_id",
        )
    };
    let vote = |member: &str, challenge: &str, ruling: &str| {
        net.tx_ok(&["tx", "attribution", "resolve", member, challenge, ruling])
    };
    let uses2: Vec<Value> = (0..3).map(|i| json!({"request_id": format!("second-{i}"), "grant_id": grant_id, "units": 1, "weights": weights})).collect();
    let uses2_file = dir.path().join("uses2.json");
    std::fs::write(&uses2_file, Value::Array(uses2).to_string()).expect("write");
    let disputed = net.tx_ok(&[
        "tx",
        "attribution",
        "report-usage",
        "henry",
        &tuned,
        "--batch-id",
        "batch-3",
        "--file",
        &uses2_file.display().to_string(),
    ]);
    let disputed_report = id(&disputed, "report_id");
    let supply_before = net.total_supply();
    let rejected = challenge("bob", &disputed_report, "2000000uopen");
    let own = net.tx(&[
        "tx",
        "attribution",
        "resolve",
        "bob",
        &rejected,
        "--upheld",
        "--gas",
        "200000",
        "--fees",
        "5000uopen",
    ]);
    assert_eq!(
        (own.codespace.as_str(), own.code),
        ("attribution", Some(20)),
        "bob may not rule on his own challenge: {}",
        own.describe()
    );
    let first_vote = vote("alice", &rejected, "--rejected");
    assert_eq!(
        first_vote.json["msg_responses"][0]["status"], "CHALLENGE_STATUS_OPEN",
        "one vote of two decides nothing"
    );
    vote("carol", &rejected, "--rejected");
    assert_eq!(
        net.total_supply(),
        supply_before - 2_000_000,
        "the bond is burned"
    );
    // ... carol's, upheld, gives her the operator's bond and reverses the report's credits.
    let carol = net.address("carol");
    let carol_before = net.balance(&carol);
    let upheld = challenge("carol", &disputed_report, "1000000uopen");
    vote("alice", &upheld, "--upheld");
    let ruling = vote("bob", &upheld, "--upheld");
    assert_eq!(
        ruling.json["msg_responses"][0]["status"],
        "CHALLENGE_STATUS_UPHELD",
        "{}",
        ruling.describe()
    );
    assert_eq!(
        number(&ruling.json["msg_responses"][0]["slashed"]),
        1_000_000,
        "henry's whole bond"
    );
    assert!(
        number(&ruling.json["msg_responses"][0]["reversed"]) > 0,
        "the report's credits are reversed"
    );
    let challenge_fee = carol_before + 1_000_000 - net.balance(&carol);
    assert!(
        challenge_fee > 0 && challenge_fee < 100_000,
        "carol got henry's bond and her own back, less her challenge's fee ({challenge_fee})"
    );
    let refused = net.tx(&[
        "tx",
        "attribution",
        "report-usage",
        "henry",
        &tuned,
        "--batch-id",
        "batch-4",
        "--file",
        &uses2_file.display().to_string(),
        "--gas",
        "2000000",
        "--fees",
        "50000uopen",
    ]);
    assert_eq!(
        (refused.codespace.as_str(), refused.code),
        ("attribution", Some(3)),
        "a slashed operator reports no more: {}",
        refused.describe()
    );

    // A wrong weight is proven without a judge: ivan, another operator, credits bob's 1.txt ten
    // times the weight the attribution rule gives it; bob proves it from the output text and his
    // file, and gets ivan's bond.
    let ivan = net.new_key("ivan");
    net.send_ok("alice", &ivan, "1000000000uopen");
    net.tx_ok(&[
        "tx",
        "attribution",
        "register-operator",
        "ivan",
        &tuned,
        "--endpoint",
        "https://ivan.example",
        "--bond",
        "1000000uopen",
    ]);
    net.authorize_operator("grace", &grant, "ivan", "1000000000uopen");
    let output = corpus.join("output.txt").display().to_string();
    let mut inflated = net.cli_json(&[
        "attribute",
        "--contributions",
        &dir.path().display().to_string(),
        "--output-text",
        &output,
        "--format",
        "use",
        "--grant-id",
        &grant,
        "--request-id",
        "ivan-1",
    ]);
    let bob_text = by_file["1.txt"].clone();
    let honest = inflated["weights"]
        .as_array_mut()
        .expect("weights")
        .iter_mut()
        .find(|w| w["contribution_id"] == bob_text.as_str())
        .map(|w| {
            let honest = number(&w["weight"]);
            w["weight"] = json!((honest * 10).to_string());
            honest
        })
        .expect("bob's 1.txt is attributed");
    let uses_file = dir.path().join("inflated.json");
    std::fs::write(&uses_file, json!([inflated]).to_string()).expect("write");
    let receipts = dir.path().join("inflated-receipts.json");
    let report = net.tx_ok(&[
        "tx",
        "attribution",
        "report-usage",
        "ivan",
        &tuned,
        "--batch-id",
        "inflated",
        "--file",
        &uses_file.display().to_string(),
        "--receipts-out",
        &receipts.display().to_string(),
    ]);
    let report_id = id(&report, "report_id");
    let written: Value =
        serde_json::from_slice(&std::fs::read(&receipts).expect("receipts")).expect("JSON");
    let root = written["individual"]["uses_root"]
        .as_str()
        .expect("uses_root")
        .to_string();
    let bob = net.address("bob");
    let bob_before = net.balance(&bob);
    let proven = net.tx_ok(&[
        "tx",
        "attribution",
        "prove-wrong-weight",
        "bob",
        &report_id,
        "--root",
        &root,
        "--receipt-file",
        &receipts.display().to_string(),
        "--index",
        "0",
        "--output-text",
        &output,
        "--contribution",
        &bob_text,
        "--contribution-file",
        &corpus.join("1.txt").display().to_string(),
    ]);
    let response = &proven.json["msg_responses"][0];
    assert_eq!(
        (
            number(&response["reported_weight"]),
            number(&response["recomputed_weight"])
        ),
        (honest * 10, honest),
        "{}",
        proven.describe()
    );
    assert_eq!(number(&response["slashed"]), 1_000_000, "ivan's whole bond");
    let fee = bob_before + 1_000_000 - net.balance(&bob);
    assert!(
        fee > 0 && fee < 200_000,
        "bob got ivan's bond, less the proof's fee ({fee})"
    );
    assert_eq!(
        net.total_supply(),
        supply_before - 2_000_000,
        "a proof moves money, it creates or burns none"
    );
}
