//! The AI ledger end to end, driven by the CLI on a real localnet: a curated dataset with three
//! contributors, a base model trained on it under a licence allowing derivatives for a 10%
//! royalty, a fine-tuner who buys a grant and publishes a LoRA version under its own licence, a
//! second fine-tune derived from that, and the lineage showing all three. A derivative of a
//! non-commercial licence with commercial terms is refused, with the rule it broke.

use openledger_tests::json::number;
use openledger_tests::Localnet;

#[test]
fn dataset_to_base_model_to_two_fine_tunes_with_licences_enforced() {
    let net = Localnet::start(1);
    let curator = "alice";
    let contributors = ["bob", "carol", "dave"];
    for name in ["dave", "erin", "frank", "grace"] {
        let addr = net.new_key(name);
        net.send_ok("alice", &addr, "1000000000uopen");
    }
    let (builder, tuner, second) = ("erin", "frank", "grace");

    // A curated dataset; each contributor sends a batch of two real files.
    let created = net.tx_ok(&[
        "tx",
        "datasets",
        "create",
        curator,
        "--name",
        "medical-qa",
        "--policy",
        "curated",
    ]);
    let dataset = created.response_id("dataset_id").to_string();
    let files = tempfile::tempdir().expect("tempdir");
    let mut firsts = Vec::new();
    for (i, who) in contributors.iter().enumerate() {
        let paths: Vec<String> = (0..2)
            .map(|j| {
                let path = files.path().join(format!("{who}-{j}.txt"));
                std::fs::write(
                    &path,
                    format!("contribution {j} of {who}: question {i} and its answer"),
                )
                .expect("write");
                path.display().to_string()
            })
            .collect();
        let mut args = vec![
            "tx",
            "datasets",
            "contribute",
            who,
            dataset.as_str(),
            "--content",
        ];
        args.extend(paths.iter().map(String::as_str));
        let t = net.tx_ok(&args);
        assert_eq!(t.response_id("count"), 2);
        firsts.push(t.response_id("first_contribution_id"));
    }
    // The curator accepts the first two contributors' batches and rejects the third's.
    let accept = format!(
        "{},{},{},{}",
        firsts[0],
        firsts[0] + 1,
        firsts[1],
        firsts[1] + 1
    );
    let reject = format!("{},{}", firsts[2], firsts[2] + 1);
    net.tx_ok(&[
        "tx",
        "datasets",
        "review",
        curator,
        &dataset,
        "--accept",
        &accept,
        "--reject",
        &reject,
        "--reason",
        "unverified source",
    ]);
    let accepted = net.cli_json(&[
        "query",
        "datasets",
        "contributions",
        &dataset,
        "--status",
        "accepted",
    ]);
    assert_eq!(
        accepted["contributions"].as_array().expect("list").len(),
        4,
        "{accepted}"
    );

    // The base model under a commercial licence allowing derivatives for a 10% royalty.
    let base_license = net
        .tx_ok(&[
            "tx",
            "licenses",
            "create",
            builder,
            "--commercial",
            "--derivatives",
            "--attribution",
            "--prohibit",
            "military",
            "--upfront-fee",
            "100uopen",
            "--per-use-price",
            "10uopen",
            "--royalty-bps",
            "1000",
            "--data-share-bps",
            "2000",
        ])
        .response_id("license_id")
        .to_string();
    let base_model = net
        .tx_ok(&["tx", "models", "register", builder, "--name", "base-llm"])
        .response_id("model_id")
        .to_string();
    let uses = format!("{dataset}:{}-{}", firsts[0], firsts[1] + 1);
    let builder_addr = net.address(builder);
    let bob_addr = net.address("bob");
    let base = net
        .tx_ok(&[
            "tx",
            "models",
            "publish-version",
            builder,
            &base_model,
            "--artifact-sha256",
            &"a1".repeat(32),
            "--method",
            "full",
            "--dataset",
            &uses,
            "--contributor",
            &format!("{builder_addr}:architect:8000"),
            "--contributor",
            &format!("{bob_addr}:data:2000"),
            "--license-id",
            &base_license,
        ])
        .response_id("version_id")
        .to_string();

    // The fine-tuner buys a grant (upfront fee to the base's contributors by share) ...
    let builder_before = net.balance(&builder_addr);
    let bob_before = net.balance(&bob_addr);
    let grant = net.tx_ok(&[
        "tx",
        "licenses",
        "acquire",
        tuner,
        "--version",
        &base,
        &base_license,
        "--escrow",
        "5000uopen",
    ]);
    assert!(grant.response_id("grant_id") > 0);
    assert_eq!(
        net.balance(&builder_addr),
        builder_before + 80,
        "80% of the 100 uopen upfront fee"
    );
    assert_eq!(net.balance(&bob_addr), bob_before + 20, "20% of it");

    // ... and publishes a LoRA version under its own non-commercial licence, open to derivatives.
    let tuned_license = net
        .tx_ok(&[
            "tx",
            "licenses",
            "create",
            tuner,
            "--derivatives",
            "--prohibit",
            "military",
            "--royalty-bps",
            "500",
        ])
        .response_id("license_id")
        .to_string();
    let tuned_model = net
        .tx_ok(&[
            "tx",
            "models",
            "register",
            tuner,
            "--name",
            "base-llm-medical",
        ])
        .response_id("model_id")
        .to_string();
    let tuner_addr = net.address(tuner);
    let tuned = net
        .tx_ok(&[
            "tx",
            "models",
            "publish-version",
            tuner,
            &tuned_model,
            "--artifact-sha256",
            &"b2".repeat(32),
            "--method",
            "lora",
            "--parent",
            &base,
            "--contributor",
            &format!("{tuner_addr}:fine-tuner:10000"),
            "--license-id",
            &tuned_license,
        ])
        .response_id("version_id")
        .to_string();

    // A second fine-tune: commercial terms on a derivative of the non-commercial LoRA are refused.
    let second_addr = net.address(second);
    let commercial = net
        .tx_ok(&[
            "tx",
            "licenses",
            "create",
            second,
            "--commercial",
            "--prohibit",
            "military",
        ])
        .response_id("license_id")
        .to_string();
    let second_model = net
        .tx_ok(&[
            "tx",
            "models",
            "register",
            second,
            "--name",
            "base-llm-medical-fr",
        ])
        .response_id("model_id")
        .to_string();
    let publish_second = |license: Option<&str>| {
        let mut args = vec![
            "tx",
            "models",
            "publish-version",
            second,
            &second_model,
            "--artifact-sha256",
            "c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3",
            "--method",
            "adapter",
            "--parent",
            &tuned,
            "--gas",
            "2000000",
            "--fees",
            "50000uopen",
        ];
        let contributor = format!("{second_addr}:fine-tuner:10000");
        args.extend(["--contributor", contributor.as_str()]);
        if let Some(l) = license {
            args.extend(["--license-id", l]);
        }
        net.tx(&args)
    };
    let refused = publish_second(Some(&commercial));
    assert_eq!(
        (refused.codespace.as_str(), refused.code),
        ("models", Some(8)),
        "{}",
        refused.describe()
    );
    assert!(
        refused.raw_log.contains("non-commercial"),
        "the refusal names its rule: {}",
        refused.raw_log
    );
    let published = publish_second(None);
    published.assert_committed_ok("second fine-tune");
    let second_version = published.response_id("version_id").to_string();

    // The lineage shows all three, nearest first, with contributors, datasets and licences.
    let lineage = net.cli_json(&["query", "models", "lineage", &second_version]);
    let nodes = lineage["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("lineage: {lineage}"));
    let ids: Vec<(u128, u128)> = nodes
        .iter()
        .map(|n| (number(&n["version"]["id"]), number(&n["depth"])))
        .collect();
    let want: Vec<(u128, u128)> = vec![
        (second_version.parse().unwrap(), 0),
        (tuned.parse().unwrap(), 1),
        (base.parse().unwrap(), 2),
    ];
    assert_eq!(ids, want);
    let root = &nodes[2];
    assert_eq!(
        root["version"]["contributors"]
            .as_array()
            .expect("contributors")
            .len(),
        2
    );
    assert_eq!(
        number(&root["version"]["training"]["datasets"][0]["dataset_id"]),
        dataset.parse::<u128>().unwrap()
    );
    assert_eq!(
        number(&root["licenses"][0]["id"]),
        base_license.parse::<u128>().unwrap()
    );
    assert_eq!(root["model"]["name"], "base-llm");
    assert_eq!(lineage["truncated"], false);

    // A walk stops at --limit, nearest first, and says so.
    let short = net.cli_json(&[
        "query",
        "models",
        "lineage",
        &second_version,
        "--limit",
        "2",
    ]);
    assert_eq!(short["truncated"], true, "{short}");
    let short_ids: Vec<u128> = short["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| number(&n["version"]["id"]))
        .collect();
    assert_eq!(short_ids, vec![want[0].0, want[1].0]);
    let text = String::from_utf8(
        net.cli(&[
            "query",
            "models",
            "lineage",
            &second_version,
            "--limit",
            "1",
            "--output",
            "text",
        ])
        .stdout,
    )
    .expect("utf-8");
    assert!(text.contains("(truncated"), "{text}");

    // A person can look at it: Graphviz DOT and Mermaid.
    let dot = String::from_utf8(
        net.cli(&[
            "query",
            "models",
            "lineage",
            &second_version,
            "--output",
            "dot",
        ])
        .stdout,
    )
    .expect("utf-8");
    assert!(
        dot.starts_with("digraph") && dot.contains("base-llm"),
        "{dot}"
    );
    let mermaid = String::from_utf8(
        net.cli(&[
            "query",
            "models",
            "lineage",
            &second_version,
            "--output",
            "mermaid",
        ])
        .stdout,
    )
    .expect("utf-8");
    assert!(mermaid.contains("graph TD"), "{mermaid}");
}
