//! ABCI Query with a path picked from the app's query paths (or any string), random request
//! bytes, a random height and proof flag, on a real App with a few committed blocks.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use openledger_app::store::Substore;
use openledger_app::testkit::{coin, msg_send, TestChain, TestKey};
use std::sync::OnceLock;

/// Every gRPC method path `App::query` serves (app/src/query/mod.rs); `store/<substore>/key` paths
/// are built from `Substore::ALL`.
const GRPC_PATHS: &[&str] = &[
    "/cosmos.auth.v1beta1.Query/Account",
    "/cosmos.auth.v1beta1.Query/Params",
    "/cosmos.staking.v1beta1.Query/Params",
    "/cosmos.bank.v1beta1.Query/Balance",
    "/cosmos.bank.v1beta1.Query/AllBalances",
    "/cosmos.bank.v1beta1.Query/TotalSupply",
    "/cosmos.bank.v1beta1.Query/SupplyOf",
    "/openledger.datasets.v1.Query/Dataset",
    "/openledger.datasets.v1.Query/Datasets",
    "/openledger.datasets.v1.Query/Contributions",
    "/openledger.datasets.v1.Query/ContributionsOf",
    "/openledger.datasets.v1.Query/Usage",
    "/openledger.licenses.v1.Query/License",
    "/openledger.licenses.v1.Query/LicensesOf",
    "/openledger.licenses.v1.Query/Grant",
    "/openledger.licenses.v1.Query/GrantsOfLicensee",
    "/openledger.licenses.v1.Query/Authorizations",
    "/openledger.licenses.v1.Query/GrantsOnTarget",
    "/openledger.licenses.v1.Query/CanI",
    "/openledger.models.v1.Query/Model",
    "/openledger.models.v1.Query/Version",
    "/openledger.models.v1.Query/Versions",
    "/openledger.models.v1.Query/ModelsByOwner",
    "/openledger.models.v1.Query/Lineage",
    "/openledger.models.v1.Query/Descendants",
    "/openledger.models.v1.Query/Provenance",
    "/openledger.attribution.v1.Query/SplitPreview",
    "/openledger.attribution.v1.Query/Earnings",
    "/openledger.attribution.v1.Query/Usage",
    "/openledger.attribution.v1.Query/VersionUsage",
    "/openledger.attribution.v1.Query/Operator",
    "/openledger.attribution.v1.Query/Reports",
    "/openledger.attribution.v1.Query/Params",
    "/openledger.attribution.v1.Query/Challenge",
    "/openledger.attribution.v1.Query/VerifyReceipt",
    "/cosmos.tx.v1beta1.Service/Simulate",
    "/cosmos.base.node.v1beta1.Service/Config",
    "/cosmos.base.tendermint.v1beta1.Service/GetNodeInfo",
];

#[derive(Arbitrary, Debug)]
enum Path {
    Grpc(u8),
    Store(u8, bool),
    Any(String),
}

#[derive(Arbitrary, Debug)]
struct Input {
    path: Path,
    data: Vec<u8>,
    height: i64,
    prove: bool,
}

/// Genesis plus two blocks with a send each, so past heights and both accounts exist.
fn chain() -> &'static TestChain {
    static CHAIN: OnceLock<TestChain> = OnceLock::new();
    CHAIN.get_or_init(|| {
        let (a, b) = (TestKey::from_seed("fuzz-a"), TestKey::from_seed("fuzz-b"));
        let chain = TestChain::new(&[&a, &b]);
        for _ in 0..2 {
            let result = chain.exec(
                &a,
                vec![msg_send(&a.address(), &b.address(), vec![coin(1, "uopen")])],
            );
            assert_eq!(result.code, 0, "{}", result.log);
        }
        chain
    })
}

fuzz_target!(|input: Input| {
    let path = match input.path {
        Path::Grpc(i) => GRPC_PATHS[usize::from(i) % GRPC_PATHS.len()].to_string(),
        Path::Store(i, slash) => {
            let store = Substore::ALL[usize::from(i) % Substore::ALL.len()].name();
            format!("{}store/{store}/key", if slash { "/" } else { "" })
        }
        Path::Any(path) => path,
    };
    let response = chain()
        .app
        .query(&path, &input.data, input.height, input.prove);
    assert_eq!(
        response.code == 0,
        response.codespace.is_empty(),
        "{path}: {response:?}"
    );
});
