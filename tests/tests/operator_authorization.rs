//! Licensee-authorised metering end to end, through the CLI on a real localnet: a usage report
//! charges a grant only through a live authorisation of its operator by the licensee, within
//! the authorisation's spend limit. A bonded stranger is refused (`licenses` 21) and moves
//! nothing; an authorised operator is charged up to its limit (`spent` rises, the escrow falls by
//! as much) and no further (`licenses` 23); after `revoke-operator` it is refused again, and
//! past an authorisation's expiry height it is refused as expired (`licenses` 22). A batch the
//! licensee acknowledged (`openledger attribute acknowledge`) settles and cannot be challenged as
//! fabricated (`attribution` 40); one signed by another key is refused (`attribution` 39).

use openledger_tests::json::number;
use openledger_tests::{Localnet, TxOutcome};
use serde_json::{json, Value};

const PRICE: u128 = 1_000;
const ESCROW: u128 = 10_000;
const LIMIT: u128 = 3_000;

/// The id a tx created, as the CLI takes it back as an argument.
fn id(t: &TxOutcome, field: &str) -> String {
    t.response_id(field).to_string()
}

/// Everything a refused report must leave as it was: the grant (escrow, uses), the licensee's
/// balance, its authorisations, and the supply.
fn money_of(net: &Localnet, grant: &str, licensee: &str) -> (Value, u128, Value, u128) {
    (
        net.cli_json(&["query", "licenses", "grant", grant]),
        net.balance(licensee),
        net.cli_json(&["query", "licenses", "authorizations", "--grant", grant]),
        net.total_supply(),
    )
}

fn escrow(net: &Localnet, grant: &str) -> u128 {
    number(&net.cli_json(&["query", "licenses", "grant", grant])["grant"]["escrow"])
}

/// The authorisations `query licenses authorizations ARGS` lists.
fn authorizations(net: &Localnet, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["query", "licenses", "authorizations"];
    all.extend_from_slice(args);
    net.cli_json(&all)["authorizations"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn a_report_charges_a_grant_only_through_a_live_authorisation_of_its_operator() {
    let net = Localnet::start(1);
    for name in ["frank", "grace", "henry", "mallory"] {
        let addr = net.new_key(name);
        net.send_ok("alice", &addr, "1000000000uopen");
    }
    let (grace, henry, mallory) = (
        net.address("grace"),
        net.address("henry"),
        net.address("mallory"),
    );

    // frank's version under a paid licence; grace's grant on it with an escrow of ten uses.
    let frank = net.address("frank");
    let license = id(
        &net.tx_ok(&[
            "tx",
            "licenses",
            "create",
            "frank",
            "--commercial",
            "--per-use-price",
            &format!("{PRICE}uopen"),
        ]),
        "license_id",
    );
    let model = id(
        &net.tx_ok(&["tx", "models", "register", "frank", "--name", "served"]),
        "model_id",
    );
    let version = id(
        &net.tx_ok(&[
            "tx",
            "models",
            "publish-version",
            "frank",
            &model,
            "--artifact-sha256",
            &"a7".repeat(32),
            "--method",
            "full",
            "--contributor",
            &format!("{frank}:architect:10000"),
            "--license-id",
            &license,
        ]),
        "version_id",
    );
    let grant = id(
        &net.tx_ok(&[
            "tx",
            "licenses",
            "acquire",
            "grace",
            "--version",
            &version,
            &license,
            "--escrow",
            &format!("{ESCROW}uopen"),
        ]),
        "grant_id",
    );
    // henry and mallory are both bonded operators of the version; grace chose neither yet.
    for who in ["henry", "mallory"] {
        net.tx_ok(&[
            "tx",
            "attribution",
            "register-operator",
            who,
            &version,
            "--endpoint",
            &format!("https://{who}.example"),
            "--bond",
            "1000000uopen",
        ]);
    }

    let dir = tempfile::tempdir().expect("tempdir");
    let grant_id = number(&json!(grant));
    let mut batches = 0;
    // A report of `uses` paid uses against grace's grant, by `who`, with gas fixed so that a
    // refusal is reported by the chain rather than by the simulation.
    let mut report = |who: &str, uses: usize| {
        batches += 1;
        let file = dir.path().join(format!("uses-{batches}.json"));
        let list: Vec<Value> = (0..uses)
            .map(|i| json!({"request_id": format!("b{batches}-{i}"), "grant_id": grant_id, "units": 1, "weights": []}))
            .collect();
        std::fs::write(&file, Value::Array(list).to_string()).expect("write");
        net.tx(&[
            "tx",
            "attribution",
            "report-usage",
            who,
            &version,
            "--batch-id",
            &format!("batch-{batches}"),
            "--file",
            &file.display().to_string(),
            "--gas",
            "2000000",
            "--fees",
            "50000uopen",
        ])
    };
    let refused = |t: &TxOutcome, code: u32, what: &str| {
        assert_eq!(
            (t.codespace.as_str(), t.code),
            ("licenses", Some(code)),
            "{what}: {}",
            t.describe()
        );
    };

    // A bonded operator grace never authorised is refused and moves nothing.
    let before = money_of(&net, &grant, &grace);
    assert!(authorizations(&net, &["--grant", &grant]).is_empty());
    refused(&report("mallory", 2), 21, "a stranger's report");
    refused(&report("henry", 1), 21, "a report before any authorisation");
    assert_eq!(money_of(&net, &grant, &grace), before, "nothing moved");
    assert_eq!(escrow(&net, &grant), ESCROW);

    // Nobody but the licensee authorises on its grant.
    let t = net.tx(&[
        "tx",
        "licenses",
        "authorize-operator",
        "mallory",
        &grant,
        &mallory,
        "--spend-limit",
        "1000000uopen",
        "--gas",
        "2000000",
        "--fees",
        "50000uopen",
    ]);
    refused(&t, 10, "mallory authorising herself on grace's grant");
    assert!(authorizations(&net, &["--grant", &grant]).is_empty());

    // grace authorises henry for three uses' worth: he is charged within it, spent rising.
    net.authorize_operator("grace", &grant, &henry, &format!("{LIMIT}uopen"));
    let auths = authorizations(&net, &["--grant", &grant]);
    assert_eq!(auths.len(), 1, "{auths:?}");
    assert_eq!(auths[0]["operator"], henry.as_str());
    assert_eq!(
        (number(&auths[0]["spend_limit"]), number(&auths[0]["spent"])),
        (LIMIT, 0)
    );
    let of_henry = authorizations(&net, &["--operator", "henry"]);
    assert_eq!(
        of_henry
            .iter()
            .map(|a| number(&a["grant_id"]))
            .collect::<Vec<_>>(),
        [grant_id],
        "the grants henry may charge"
    );

    let t = report("henry", 2);
    t.assert_committed_ok("henry's first report");
    let spent = |net: &Localnet| {
        let a = authorizations(net, &["--grant", &grant]);
        assert_eq!(a.len(), 1, "{a:?}");
        number(&a[0]["spent"])
    };
    assert_eq!(spent(&net), 2 * PRICE);
    assert_eq!(escrow(&net, &grant), ESCROW - 2 * PRICE);

    // Beyond the limit: refused, nothing moves.
    let before = money_of(&net, &grant, &grace);
    refused(&report("henry", 2), 23, "a report beyond the spend limit");
    assert_eq!(money_of(&net, &grant, &grace), before, "nothing moved");
    // henry's authorisation is his alone: mallory is still refused.
    refused(
        &report("mallory", 1),
        21,
        "a stranger's report next to an authorised one",
    );
    assert_eq!(money_of(&net, &grant, &grace), before, "nothing moved");

    // Up to the limit exactly.
    report("henry", 1).assert_committed_ok("henry's report up to the limit");
    assert_eq!(spent(&net), LIMIT);
    assert_eq!(escrow(&net, &grant), ESCROW - LIMIT);

    // Revoked: henry is refused again, and revoking twice finds nothing to revoke.
    net.tx_ok(&["tx", "licenses", "revoke-operator", "grace", &grant, &henry]);
    assert!(authorizations(&net, &["--grant", &grant]).is_empty());
    assert!(authorizations(&net, &["--operator", &henry]).is_empty());
    let before = money_of(&net, &grant, &grace);
    refused(&report("henry", 1), 21, "a report after revocation");
    assert_eq!(money_of(&net, &grant, &grace), before, "nothing moved");
    let t = net.tx(&[
        "tx",
        "licenses",
        "revoke-operator",
        "grace",
        &grant,
        &henry,
        "--gas",
        "2000000",
        "--fees",
        "50000uopen",
    ]);
    refused(&t, 21, "revoking an authorisation that does not exist");
    assert_eq!(escrow(&net, &grant), ESCROW - LIMIT);

    // Authorised again until a height: once it is reached, henry is refused as expired.
    let expires = net.status(0).height + 5;
    net.tx_ok(&[
        "tx",
        "licenses",
        "authorize-operator",
        "grace",
        &grant,
        &henry,
        "--spend-limit",
        &format!("{LIMIT}uopen"),
        "--expires-height",
        &expires.to_string(),
    ]);
    let auths = authorizations(&net, &["--grant", &grant]);
    assert_eq!(auths.len(), 1, "{auths:?}");
    assert_eq!(
        (
            number(&auths[0]["expires_height"]),
            number(&auths[0]["spent"])
        ),
        (u128::from(expires), 0),
        "a new authorisation starts afresh"
    );
    net.wait_for_height(0, expires);
    let before = money_of(&net, &grant, &grace);
    refused(
        &report("henry", 1),
        22,
        "a report after the authorisation expired",
    );
    assert_eq!(money_of(&net, &grant, &grace), before, "nothing moved");
    assert_eq!(escrow(&net, &grant), ESCROW - LIMIT);

    // A batch grace acknowledged: `openledger attribute acknowledge` signs it, henry attaches the
    // signature; it settles, and it cannot be challenged as fabricated. One signed by another
    // key is refused and moves nothing.
    net.authorize_operator("grace", &grant, &henry, &format!("{LIMIT}uopen"));
    let root = "ab".repeat(32);
    let acknowledge = |key: &str| {
        net.cli_json(&[
            "attribute",
            "acknowledge",
            key,
            "--grant-id",
            &grant,
            "--operator",
            &henry,
            "--batch-id",
            "batch-ack",
            "--uses",
            "2",
            "--units",
            "2",
            "--receipts-root",
            &root,
        ])["licensee_signature"]
            .as_str()
            .expect("a signature")
            .to_string()
    };
    let aggregated_report = |signature: &str| {
        let file = dir.path().join("acknowledged.json");
        let entry = json!({"aggregated": [{"grant_id": grant_id, "uses": 2, "units": 2,
            "receipts_root": root, "licensee_signature": signature}]});
        std::fs::write(&file, entry.to_string()).expect("write");
        net.tx(&[
            "tx",
            "attribution",
            "report-usage",
            "henry",
            &version,
            "--batch-id",
            "batch-ack",
            "--file",
            &file.display().to_string(),
            "--gas",
            "2000000",
            "--fees",
            "50000uopen",
        ])
    };
    let before = money_of(&net, &grant, &grace);
    let forged = aggregated_report(&acknowledge("mallory"));
    assert_eq!(
        (forged.codespace.as_str(), forged.code),
        ("attribution", Some(39)),
        "an acknowledgement grace did not sign: {}",
        forged.describe()
    );
    assert_eq!(money_of(&net, &grant, &grace), before, "nothing moved");
    let settled = aggregated_report(&acknowledge("grace"));
    settled.assert_committed_ok("grace's acknowledged batch");
    assert_eq!(escrow(&net, &grant), ESCROW - LIMIT - 2 * PRICE);
    let report_id = id(&settled, "report_id");
    let challenge = net.tx(&[
        "tx",
        "attribution",
        "challenge",
        "mallory",
        &report_id,
        "--claim",
        "fabricated-use",
        "--bond",
        "1000000uopen",
        "--gas",
        "2000000",
        "--fees",
        "50000uopen",
    ]);
    assert_eq!(
        (challenge.codespace.as_str(), challenge.code),
        ("attribution", Some(40)),
        "an acknowledged batch is not fabricated: {}",
        challenge.describe()
    );
}
