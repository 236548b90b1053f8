//! The SDK's REST routes (what Keplr, Leap and explorers call on port 1317) on a real node:
//! the same answers as the CLI gets over ABCI, in the gateway's JSON, at the latest height and
//! at a past one, with the SDK's error body when a query is refused.

use base64::Engine;
use openledger_tests::http::{self, get};
use openledger_tests::tx::{self, SignParams};
use openledger_tests::{Localnet, DEFAULT_FEE};

const BASE_ACCOUNT: &str = "/cosmos.auth.v1beta1.BaseAccount";

#[test]
fn the_sdk_rest_routes_answer_as_an_sdk_node_does() {
    let net = Localnet::start(1);
    let rest = net.node_rest(0);
    let (alice, bob) = (net.address("alice"), net.address("bob"));

    let account = get(&rest, &format!("/cosmos/auth/v1beta1/accounts/{alice}"));
    assert_eq!(account.status, 200, "{}", account.body);
    let account = account.json()["account"].clone();
    assert_eq!(account["@type"], BASE_ACCOUNT);
    assert_eq!(account["address"], alice.as_str());
    let on_chain = net.account(&alice);
    assert_eq!(
        account["account_number"],
        on_chain.account_number.to_string()
    );
    assert_eq!(account["sequence"], on_chain.sequence.to_string());

    // A send, then bob's balance at the height before it and at the latest.
    let bob_before = net.balance(&bob);
    let before = net.status(0).height;
    net.send_ok("alice", &bob, "4321uopen");
    // Point reads answer at any kept height (a range read, AllBalances, only at the latest).
    let by_denom = |height: Option<u64>| {
        let path = format!("/cosmos/bank/v1beta1/balances/{bob}/by_denom?denom=uopen");
        let h = height.map(|h| h.to_string());
        let headers: Vec<(&str, &str)> = h
            .iter()
            .map(|h| ("x-cosmos-block-height", h.as_str()))
            .collect();
        http::request(&rest, "GET", &path, &headers, &[]).expect("balance")
    };
    let amount = |answer: &http::Answer| -> u128 {
        let json = answer.json();
        json["balance"]["amount"]
            .as_str()
            .expect("amount")
            .parse()
            .expect("number")
    };
    let past = by_denom(Some(before));
    assert_eq!(past.status, 200, "{}", past.body);
    assert_eq!(
        past.header("x-cosmos-block-height"),
        Some(before.to_string().as_str())
    );
    assert_eq!(amount(&past), bob_before);
    let latest = by_denom(None);
    assert_eq!(amount(&latest), bob_before + 4321);
    assert_eq!(amount(&latest), net.balance(&bob));
    let all = get(&rest, &format!("/cosmos/bank/v1beta1/balances/{bob}")).json();
    let uopen = all["balances"]
        .as_array()
        .and_then(|b| b.iter().find(|c| c["denom"] == "uopen"))
        .cloned();
    assert_eq!(
        uopen.map(|c| c["amount"].clone()),
        Some(net.balance(&bob).to_string().into())
    );
    assert!(all["pagination"].is_object(), "{all}");

    let supply = get(&rest, "/cosmos/bank/v1beta1/supply").json();
    assert!(
        supply["supply"]
            .as_array()
            .expect("supply")
            .iter()
            .any(|c| c["denom"] == "uopen"),
        "{supply}"
    );
    let node_info = get(&rest, "/cosmos/base/tendermint/v1beta1/node_info").json();
    assert_eq!(node_info["default_node_info"]["network"], net.chain_id());
    assert!(!node_info["application_version"]["build_deps"]
        .as_array()
        .expect("deps")
        .is_empty());
    let config = get(&rest, "/cosmos/base/node/v1beta1/config").json();
    assert!(
        config["minimum_gas_price"]
            .as_str()
            .expect("price")
            .ends_with("uopen"),
        "{config}"
    );
    let staking = get(&rest, "/cosmos/staking/v1beta1/params").json()["params"].clone();
    assert!(
        staking["unbonding_time"]
            .as_str()
            .expect("duration")
            .ends_with('s'),
        "{staking}"
    );
    assert!(
        staking["historical_entries"].as_u64() > Some(0),
        "{staking}"
    );
    let auth = get(&rest, "/cosmos/auth/v1beta1/params").json()["params"].clone();
    assert!(
        auth["sig_verify_cost_secp256k1"].as_str().is_some(),
        "{auth}"
    );

    // Simulate a signed send as a REST wallet does: base64 tx bytes in, gas used out.
    let key = net.signing_key("alice");
    let signer = net.account(&alice);
    let signed = tx::sign(
        &key,
        vec![tx::msg_send(&alice, &bob, "5", "uopen")],
        &SignParams {
            chain_id: net.chain_id(),
            account_number: signer.account_number,
            sequence: signer.sequence,
            fee_uopen: DEFAULT_FEE,
            gas: 200_000,
            memo: "",
        },
    );
    let body = serde_json::json!({
        "tx_bytes": base64::engine::general_purpose::STANDARD.encode(&signed)
    });
    let simulated = http::request(
        &rest,
        "POST",
        "/cosmos/tx/v1beta1/simulate",
        &[("content-type", "application/json")],
        body.to_string().as_bytes(),
    )
    .expect("simulate");
    assert_eq!(simulated.status, 200, "{}", simulated.body);
    let gas_used: u64 = simulated.json()["gas_info"]["gas_used"]
        .as_str()
        .expect("gas_used as a string")
        .parse()
        .expect("number");
    assert!(gas_used > 0 && gas_used < 200_000, "{}", simulated.body);

    // Refused: the SDK's error body, with the gRPC code of the error's kind.
    let stranger = cosmrs::AccountId::new("ol", &[7; 20]).expect("address");
    let missing = get(&rest, &format!("/cosmos/auth/v1beta1/accounts/{stranger}"));
    let error = missing.json();
    assert_eq!(missing.status, 404, "{}", missing.body);
    assert_eq!(error["code"], 5, "{error}");
    assert!(
        error["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{error}"
    );
    assert_eq!(error["details"], serde_json::json!([]));
    let unknown = get(&rest, "/cosmos/gov/v1/proposals");
    assert_eq!(
        (unknown.status, unknown.json()["code"].clone()),
        (501, 12.into())
    );
}
