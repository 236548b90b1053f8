//! A localnet describes itself as wallets and explorers expect: chain.json and assetlist.json in
//! the cosmos/chain-registry schema (validated with that schema), and a Keplr chain info whose
//! endpoints answer. Needs `npm ci` in tests/js (tests/run.sh does it).

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use openledger_tests::http::get;
use openledger_tests::{proc, repo_root, Localnet};
use serde_json::Value;

fn validate(registry: &Path) -> (bool, Value) {
    let js = repo_root().join("tests/js");
    assert!(
        js.join("node_modules/ajv").is_dir(),
        "ajv is not installed: run `npm ci` in {}",
        js.display()
    );
    let out = proc::run(
        Command::new("node")
            .current_dir(&js)
            .arg("validate-chain-registry.mjs")
            .arg(registry)
            .arg("openledgerlocal"),
        Duration::from_secs(60),
    );
    let line = String::from_utf8_lossy(&out.stdout);
    let report: Value = serde_json::from_str(line.trim())
        .unwrap_or_else(|e| panic!("{e}: {line} {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.success(), report)
}

fn read(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("JSON")
}

#[test]
fn a_localnet_writes_chain_registry_files_that_validate_and_keplr_chain_info_that_answers() {
    let net = Localnet::start(2);
    let registry = net.dir().join("chain-registry");
    let (valid, report) = validate(&registry);
    assert!(valid, "{report}");

    let chain = read(&registry.join("openledgerlocal/chain.json"));
    assert_eq!(chain["chain_id"], net.chain_id());
    assert_eq!(chain["slip44"], 118);
    assert_eq!(
        chain["apis"]["rest"].as_array().map(Vec::len),
        Some(2),
        "one per node"
    );
    let keplr = read(&registry.join("openledgerlocal/keplr-chain-info.json"));
    assert_eq!(keplr["chainId"], net.chain_id());
    assert_eq!(keplr["bech32Config"]["bech32PrefixAccAddr"], "ol");
    // Its REST endpoint is a live node of this chain, and its fee floor the chain's own.
    let rest = keplr["rest"]
        .as_str()
        .expect("rest")
        .trim_start_matches("http://");
    let node_info = get(rest, "/cosmos/base/tendermint/v1beta1/node_info").json();
    assert_eq!(node_info["default_node_info"]["network"], net.chain_id());
    let config = get(rest, "/cosmos/base/node/v1beta1/config").json();
    let floor: f64 = config["minimum_gas_price"]
        .as_str()
        .and_then(|p| p.strip_suffix("uopen"))
        .and_then(|p| p.parse().ok())
        .expect("minimum gas price");
    assert_eq!(
        keplr["feeCurrencies"][0]["gasPriceStep"]["low"].as_f64(),
        Some(floor)
    );

    // The schema check can fail: a chain.json with a status the schema does not know.
    let broken = tempfile::tempdir().expect("tempdir");
    for schema in ["chain.schema.json", "assetlist.schema.json"] {
        std::fs::copy(registry.join(schema), broken.path().join(schema)).expect("copy");
    }
    std::fs::create_dir(broken.path().join("openledgerlocal")).expect("dir");
    let mut bad = chain.clone();
    bad["status"] = "thriving".into();
    std::fs::write(
        broken.path().join("openledgerlocal/chain.json"),
        bad.to_string(),
    )
    .expect("write");
    std::fs::copy(
        registry.join("openledgerlocal/assetlist.json"),
        broken.path().join("openledgerlocal/assetlist.json"),
    )
    .expect("copy");
    let (valid, report) = validate(broken.path());
    assert!(!valid, "{report}");
    assert!(report["results"]["chain.json"].is_array(), "{report}");
}
