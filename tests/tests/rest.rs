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
    // A send of `amount` uopen to bob at alice's current sequence.
    let send = |amount: &str| {
        tx::sign(
            &key,
            vec![tx::msg_send(&alice, &bob, amount, "uopen")],
            &SignParams {
                chain_id: net.chain_id(),
                account_number: signer.account_number,
                sequence: signer.sequence,
                fee_uopen: DEFAULT_FEE,
                gas: 200_000,
                memo: "",
            },
        )
    };
    let signed = send("5");
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

    // Broadcast the same tx as a wallet does, then read it back once committed.
    let broadcast = http::request(
        &rest,
        "POST",
        "/cosmos/tx/v1beta1/txs",
        &[("content-type", "application/json")],
        serde_json::json!({ "tx_bytes": body["tx_bytes"], "mode": "BROADCAST_MODE_SYNC" })
            .to_string()
            .as_bytes(),
    )
    .expect("broadcast");
    let sent = broadcast.json()["tx_response"].clone();
    assert_eq!(sent["code"], 0, "{}", broadcast.body);
    let hash = sent["txhash"].as_str().expect("txhash").to_string();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let committed = loop {
        let answer = get(&rest, &format!("/cosmos/tx/v1beta1/txs/{hash}"));
        if answer.status == 200 {
            break answer.json();
        }
        assert_eq!(answer.status, 404, "{}", answer.body);
        assert!(
            std::time::Instant::now() < deadline,
            "tx {hash} not committed in 30 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(300));
    };
    let response = &committed["tx_response"];
    assert_eq!(response["code"], 0, "{committed}");
    assert!(
        response["height"]
            .as_str()
            .and_then(|h| h.parse::<u64>().ok())
            > Some(before)
    );
    assert!(
        !response["timestamp"]
            .as_str()
            .unwrap_or_default()
            .is_empty(),
        "{committed}"
    );
    let message = &committed["tx"]["body"]["messages"][0];
    assert_eq!(message["@type"], "/cosmos.bank.v1beta1.MsgSend");
    assert_eq!(message["amount"][0]["amount"], "5");
    assert_eq!(
        committed["tx"]["auth_info"]["signer_infos"][0]["mode_info"]["single"]["mode"],
        "SIGN_MODE_DIRECT"
    );
    assert!(
        response["events"]
            .as_array()
            .expect("events")
            .iter()
            .any(|e| e["type"] == "transfer"),
        "{committed}"
    );
    // Refusals come back as tx responses with the SDK's codes: the same bytes again (CometBFT's
    // mempool cache has them: 19), and another tx at the spent sequence (CheckTx: 32).
    let post = |tx: &[u8]| {
        let b64 = base64::engine::general_purpose::STANDARD.encode(tx);
        let body = serde_json::json!({ "tx_bytes": b64 }).to_string();
        let answer = http::request(
            &rest,
            "POST",
            "/cosmos/tx/v1beta1/txs",
            &[],
            body.as_bytes(),
        )
        .expect("broadcast");
        answer.json()["tx_response"]["code"].clone()
    };
    assert_eq!(post(&signed), 19);
    assert_eq!(post(&send("6")), 32);
    // The block that holds it, and the latest one.
    let tx_height = response["height"].as_str().expect("height").to_string();
    let block = get(
        &rest,
        &format!("/cosmos/base/tendermint/v1beta1/blocks/{tx_height}"),
    )
    .json();
    assert_eq!(block["block"]["header"]["height"], tx_height.as_str());
    assert_eq!(block["block"]["header"]["chain_id"], net.chain_id());
    let tx_b64 = base64::engine::general_purpose::STANDARD.encode(&signed);
    assert!(
        block["block"]["data"]["txs"]
            .as_array()
            .expect("txs")
            .contains(&tx_b64.clone().into()),
        "{block}"
    );
    assert!(
        block["block_id"]["hash"]
            .as_str()
            .is_some_and(|h| !h.is_empty()),
        "{block}"
    );
    let proposer = block["sdk_block"]["header"]["proposer_address"]
        .as_str()
        .expect("proposer");
    assert!(proposer.starts_with("olvalcons1"), "{proposer}");
    let latest = get(&rest, "/cosmos/base/tendermint/v1beta1/blocks/latest").json();
    let latest_height: u64 = latest["block"]["header"]["height"]
        .as_str()
        .expect("h")
        .parse()
        .expect("n");
    assert!(
        latest_height >= tx_height.parse::<u64>().expect("n"),
        "{latest}"
    );
    let future = get(
        &rest,
        &format!(
            "/cosmos/base/tendermint/v1beta1/blocks/{}",
            latest_height + 1000
        ),
    );
    assert_eq!(future.status, 400, "{}", future.body);
    let syncing = get(&rest, "/cosmos/base/tendermint/v1beta1/syncing").json();
    assert_eq!(syncing["syncing"], false);
    let unknown_tx = get(
        &rest,
        &format!("/cosmos/tx/v1beta1/txs/{}", "AB".repeat(32)),
    );
    assert_eq!(unknown_tx.status, 404, "{}", unknown_tx.body);

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
