//! The SDK's own generated gRPC clients read the chain through the node's gRPC server: the same
//! answers the CLI gets over ABCI query, at the latest height and at a past one.

use cosmrs::proto::cosmos::auth::v1beta1::{
    query_client::QueryClient as AuthClient, BaseAccount, QueryAccountRequest,
};
use cosmrs::proto::cosmos::bank::v1beta1::{
    query_client::QueryClient as BankClient, QueryBalanceRequest,
};
use cosmrs::proto::cosmos::base::tendermint::v1beta1::{
    service_client::ServiceClient, GetNodeInfoRequest,
};
use openledger_tests::{Localnet, DEFAULT_FEE};
use prost::Message;

fn balance_request(addr: &str, height: Option<u64>) -> tonic::Request<QueryBalanceRequest> {
    let mut request = tonic::Request::new(QueryBalanceRequest {
        address: addr.into(),
        denom: "uopen".into(),
    });
    if let Some(h) = height {
        request.metadata_mut().insert(
            "x-cosmos-block-height",
            h.to_string().parse().expect("ascii"),
        );
    }
    request
}

#[test]
fn sdk_grpc_clients_get_the_same_answers_as_abci_queries() {
    let net = Localnet::start(1);
    let alice = net.address("alice");
    let bob = net.address("bob");
    let before = net.balance(&bob);
    let sent = net.send(
        "alice",
        &bob,
        "777uopen",
        &["--fees", &format!("{DEFAULT_FEE}uopen")],
    );
    sent.assert_committed_ok("alice -> bob");
    let past_height = sent.height - 1;

    let endpoint = format!("http://{}", net.node_grpc(0));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let mut bank = BankClient::connect(endpoint.clone())
            .await
            .expect("connect gRPC");
        let now = bank
            .balance(balance_request(&bob, None))
            .await
            .expect("balance")
            .into_inner();
        assert_eq!(
            now.balance.expect("coin").amount,
            net.balance(&bob).to_string(),
            "gRPC and ABCI agree"
        );
        let then = bank
            .balance(balance_request(&bob, Some(past_height)))
            .await
            .expect("past balance")
            .into_inner();
        assert_eq!(
            then.balance.expect("coin").amount,
            before.to_string(),
            "the header selects the height"
        );

        let mut auth = AuthClient::connect(endpoint.clone())
            .await
            .expect("connect gRPC");
        let account = auth
            .account(QueryAccountRequest {
                address: alice.clone(),
            })
            .await
            .expect("account")
            .into_inner();
        let any = account.account.expect("account");
        assert_eq!(any.type_url, "/cosmos.auth.v1beta1.BaseAccount");
        let base = BaseAccount::decode(any.value.as_slice()).expect("BaseAccount");
        assert_eq!((base.address, base.sequence), (alice.clone(), 1));
        let missing = auth
            .account(QueryAccountRequest {
                address: net.new_key("nobody"),
            })
            .await;
        assert_eq!(
            missing.expect_err("unknown account").code(),
            tonic::Code::NotFound
        );

        let mut node = ServiceClient::connect(endpoint)
            .await
            .expect("connect gRPC");
        let info = node
            .get_node_info(GetNodeInfoRequest {})
            .await
            .expect("node info")
            .into_inner();
        assert_eq!(
            info.default_node_info.expect("node info").network,
            net.chain_id()
        );
        // Relayers read the CometBFT version from build_deps: it is the node's own.
        let deps = info.application_version.expect("version").build_deps;
        let cometbft = deps
            .iter()
            .find(|m| m.path == "github.com/cometbft/cometbft")
            .expect("cometbft in build_deps");
        let status = net.cli_json(&["status"]);
        let running = openledger_tests::json::find(&status, "node_info")
            .and_then(|n| n.get("version"))
            .and_then(serde_json::Value::as_str)
            .expect("node_info.version");
        assert_eq!(cometbft.version, format!("v{running}"));
        for sdk_line in [
            "github.com/cosmos/cosmos-sdk",
            "github.com/cosmos/ibc-go/v8",
        ] {
            assert!(
                deps.iter().any(|m| m.path == sdk_line),
                "{sdk_line} in {deps:?}"
            );
        }
    });
}
