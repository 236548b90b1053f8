//! Every REST route answers what gRPC answers for the same height: one table, each row a
//! gateway route, the gRPC call it stands for, and the gateway's JSON of that call's answer
//! written out from the SDK's protos (proto names, 64-bit integers as strings).

use cosmrs::proto::cosmos::auth::v1beta1 as auth;
use cosmrs::proto::cosmos::bank::v1beta1 as bank;
use cosmrs::proto::cosmos::base::node::v1beta1 as node;
use cosmrs::proto::cosmos::base::tendermint::v1beta1 as tm;
use cosmrs::proto::cosmos::staking::v1beta1 as staking;
use openledger_tests::http;
use openledger_tests::Localnet;
use prost::Message;
use serde_json::{json, Value};
use tonic::transport::Channel;

/// A gRPC request at `height`, as the gateway forwards it.
fn at<T>(height: u64, message: T) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    let value = height.to_string().parse().expect("ascii");
    request
        .metadata_mut()
        .insert("x-cosmos-block-height", value);
    request
}

fn coins(coins: &[cosmrs::proto::cosmos::base::v1beta1::Coin]) -> Value {
    coins
        .iter()
        .map(|c| json!({ "denom": c.denom, "amount": c.amount }))
        .collect()
}

fn page(p: &cosmrs::proto::cosmos::base::query::v1beta1::PageResponse) -> Value {
    use base64::Engine;
    let next = (!p.next_key.is_empty())
        .then(|| base64::engine::general_purpose::STANDARD.encode(&p.next_key));
    json!({ "next_key": next, "total": p.total.to_string() })
}

/// Each row: the REST path, the height asked for (0: the latest), and the JSON the gateway must
/// print for gRPC's answer at that height. Range reads (AllBalances, TotalSupply) are served at
/// the latest height only, so those rows ask for the latest on both sides.
async fn expected(channel: Channel, height: u64, alice: &str) -> Vec<(String, u64, Value)> {
    let mut auth_q = auth::query_client::QueryClient::new(channel.clone());
    let mut bank_q = bank::query_client::QueryClient::new(channel.clone());
    let mut staking_q = staking::query_client::QueryClient::new(channel.clone());
    let mut node_q = node::service_client::ServiceClient::new(channel.clone());
    let mut tm_q = tm::service_client::ServiceClient::new(channel);
    let mut rows = Vec::new();

    let account = auth_q
        .account(at(
            height,
            auth::QueryAccountRequest {
                address: alice.into(),
            },
        ))
        .await
        .expect("account")
        .into_inner()
        .account
        .expect("account");
    let base = auth::BaseAccount::decode(account.value.as_slice()).expect("BaseAccount");
    let key = base.pub_key.as_ref().map(|k| {
        let key = cosmrs::proto::cosmos::crypto::secp256k1::PubKey::decode(k.value.as_slice())
            .expect("secp256k1 key");
        use base64::Engine;
        json!({ "@type": k.type_url, "key": base64::engine::general_purpose::STANDARD.encode(key.key) })
    });
    rows.push((
        format!("/cosmos/auth/v1beta1/accounts/{alice}"),
        height,
        json!({ "account": {
            "@type": account.type_url,
            "address": base.address,
            "pub_key": key,
            "account_number": base.account_number.to_string(),
            "sequence": base.sequence.to_string(),
        }}),
    ));

    let p = auth_q
        .params(at(height, auth::QueryParamsRequest {}))
        .await
        .expect("auth params")
        .into_inner()
        .params
        .expect("params");
    rows.push((
        "/cosmos/auth/v1beta1/params".into(),
        height,
        json!({ "params": {
            "max_memo_characters": p.max_memo_characters.to_string(),
            "tx_sig_limit": p.tx_sig_limit.to_string(),
            "tx_size_cost_per_byte": p.tx_size_cost_per_byte.to_string(),
            "sig_verify_cost_ed25519": p.sig_verify_cost_ed25519.to_string(),
            "sig_verify_cost_secp256k1": p.sig_verify_cost_secp256k1.to_string(),
        }}),
    ));

    let all = bank_q
        .all_balances(at(
            0,
            bank::QueryAllBalancesRequest {
                address: alice.into(),
                pagination: None,
                resolve_denom: false,
            },
        ))
        .await
        .expect("balances")
        .into_inner();
    let all_page = all.pagination.as_ref().map(page);
    rows.push((
        format!("/cosmos/bank/v1beta1/balances/{alice}"),
        0,
        json!({ "balances": coins(&all.balances), "pagination": all_page }),
    ));

    let one = bank_q
        .balance(at(
            height,
            bank::QueryBalanceRequest {
                address: alice.into(),
                denom: "uopen".into(),
            },
        ))
        .await
        .expect("balance")
        .into_inner();
    rows.push((
        format!("/cosmos/bank/v1beta1/balances/{alice}/by_denom?denom=uopen"),
        height,
        json!({ "balance": one.balance.map(|c| json!({ "denom": c.denom, "amount": c.amount })) }),
    ));

    let supply = bank_q
        .total_supply(at(0, bank::QueryTotalSupplyRequest { pagination: None }))
        .await
        .expect("supply")
        .into_inner();
    let supply_page = supply.pagination.as_ref().map(page);
    rows.push((
        "/cosmos/bank/v1beta1/supply".into(),
        0,
        json!({ "supply": coins(&supply.supply), "pagination": supply_page }),
    ));

    let s = staking_q
        .params(at(height, staking::QueryParamsRequest {}))
        .await
        .expect("staking params")
        .into_inner()
        .params
        .expect("params");
    let unbonding = s.unbonding_time.as_ref().expect("unbonding time");
    assert_eq!(
        unbonding.nanos, 0,
        "the chain's unbonding time is whole seconds"
    );
    rows.push((
        "/cosmos/staking/v1beta1/params".into(),
        height,
        json!({ "params": {
            "unbonding_time": format!("{}s", unbonding.seconds),
            "max_validators": s.max_validators,
            "max_entries": s.max_entries,
            "historical_entries": s.historical_entries,
            "bond_denom": s.bond_denom,
            "min_commission_rate": s.min_commission_rate,
        }}),
    ));

    let c = node_q
        .config(at(height, node::ConfigRequest {}))
        .await
        .expect("config")
        .into_inner();
    rows.push((
        "/cosmos/base/node/v1beta1/config".into(),
        height,
        json!({
            "minimum_gas_price": c.minimum_gas_price,
            "pruning_keep_recent": c.pruning_keep_recent,
            "pruning_interval": c.pruning_interval,
            "halt_height": c.halt_height.to_string(),
        }),
    ));

    let info = tm_q
        .get_node_info(at(height, tm::GetNodeInfoRequest {}))
        .await
        .expect("node info")
        .into_inner();
    let network = info.default_node_info.as_ref().map(|n| n.network.clone());
    let deps: Vec<Value> = info
        .application_version
        .iter()
        .flat_map(|v| &v.build_deps)
        .map(|m| json!({ "path": m.path, "version": m.version, "sum": m.sum }))
        .collect();
    // Node info is not state: compare what both read from the same place.
    rows.push((
        "/cosmos/base/tendermint/v1beta1/node_info".into(),
        height,
        json!({ "network": network, "build_deps": deps }),
    ));
    rows
}

#[test]
fn every_rest_route_answers_what_grpc_answers_at_the_same_height() {
    let net = Localnet::start(1);
    let alice = net.address("alice");
    let bob = net.address("bob");
    // Alice has signed (her account holds a key) and a later block moves her balance again, so
    // the height matters.
    net.send_ok("alice", &bob, "1000uopen");
    let height = net.status(0).height;
    net.send_ok("alice", &bob, "2000uopen");

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let rows = runtime.block_on(async {
        let channel = Channel::from_shared(format!("http://{}", net.node_grpc(0)))
            .expect("endpoint")
            .connect()
            .await
            .expect("connect gRPC");
        expected(channel, height, &alice).await
    });
    assert_eq!(rows.len(), 8);
    for (path, at_height, want) in rows {
        let h = at_height.to_string();
        let headers = [("x-cosmos-block-height", h.as_str())];
        let answer = http::request(&net.node_rest(0), "GET", &path, &headers, &[]).expect("REST");
        assert_eq!(answer.status, 200, "{path}: {}", answer.body);
        let mut got = answer.json();
        if path.ends_with("/node_info") {
            got = json!({
                "network": got["default_node_info"]["network"],
                "build_deps": got["application_version"]["build_deps"],
            });
        }
        assert_eq!(got, want, "{path}");
    }
}
