//! ABCI Query: the SDK's gRPC method paths with protobuf bodies, and `store/<substore>/key`
//! with ICS23 proofs. The gRPC server calls the same entry point.

use cosmrs::proto::cosmos::base::abci::v1beta1::{GasInfo, Result as AbciResult};
use cosmrs::proto::cosmos::base::node::v1beta1::ConfigResponse;
use cosmrs::proto::cosmos::base::tendermint::v1beta1::{GetNodeInfoResponse, Module, VersionInfo};
use cosmrs::proto::cosmos::tx::v1beta1::{SimulateRequest, SimulateResponse};
use prost::Message;
use tendermint_proto::v0_38::abci::ResponseQuery;
use tendermint_proto::v0_38::crypto::{ProofOp, ProofOps};

/// GetNodeInfo's `build_deps`: the Go modules whose interfaces this chain implements, at the
/// versions it answers as (none is linked in). Relayers pick their compatibility mode from them;
/// Hermes 1.13 accepts cosmos-sdk in [0.45, 0.54) and ibc-go in [4.1.1, 11). CometBFT's is the
/// version localnet/install-cometbft.sh pins, which the gRPC end-to-end test compares with the
/// running node's.
pub const BUILD_DEPS: [(&str, &str); 3] = [
    ("github.com/cometbft/cometbft", "v0.38.25"),
    ("github.com/cosmos/cosmos-sdk", "v0.50.13"),
    ("github.com/cosmos/ibc-go/v8", "v8.7.0"),
];

use crate::app::App;
use crate::context::{Metered, Unmetered};
use crate::error::{Failure, SdkError};
use crate::keepers::Keepers;
use crate::modules::{attribution, auth, bank, datasets, licenses, models};
use crate::store::{RangeIter, StateRead, Storage, StoreError, Substore};

/// Proof op type of both levels: a JMT ICS23 proof (spec: `jmt::ics23_spec()`).
pub const PROOF_OP_TYPE: &str = "ics23:jmt";

/// The state-reading gRPC methods, by full method path; None for an unknown path.
fn dispatch(
    path: &str,
    r: &mut Metered,
    data: &[u8],
    height: u64,
) -> Option<Result<Vec<u8>, Failure>> {
    fn f<E: Into<Failure>>(result: Result<Vec<u8>, E>) -> Result<Vec<u8>, Failure> {
        result.map_err(Into::into)
    }
    Some(match path {
        "/cosmos.auth.v1beta1.Query/Account" => f(auth::query::account(r, data)),
        "/cosmos.auth.v1beta1.Query/Params" => f(auth::query::params(r, data)),
        "/cosmos.staking.v1beta1.Query/Params" => f(auth::query::staking_params(r, data)),
        "/cosmos.bank.v1beta1.Query/Balance" => f(bank::query::balance(r, data)),
        "/cosmos.bank.v1beta1.Query/AllBalances" => f(bank::query::all_balances(r, data)),
        "/cosmos.bank.v1beta1.Query/TotalSupply" => f(bank::query::total_supply(r, data)),
        "/cosmos.bank.v1beta1.Query/SupplyOf" => f(bank::query::supply_of(r, data)),
        "/openledger.datasets.v1.Query/Dataset" => f(datasets::query::dataset(r, data)),
        "/openledger.datasets.v1.Query/Datasets" => f(datasets::query::datasets(r, data)),
        "/openledger.datasets.v1.Query/Contributions" => f(datasets::query::contributions(r, data)),
        "/openledger.datasets.v1.Query/ContributionsOf" => {
            f(datasets::query::contributions_of(r, data))
        }
        "/openledger.datasets.v1.Query/Usage" => f(datasets::query::usage(r, &Keepers, data)),
        "/openledger.licenses.v1.Query/License" => f(licenses::query::license(r, data)),
        "/openledger.licenses.v1.Query/LicensesOf" => f(licenses::query::licenses_of(r, data)),
        "/openledger.licenses.v1.Query/Grant" => f(licenses::query::grant(r, data)),
        "/openledger.licenses.v1.Query/GrantsOfLicensee" => {
            f(licenses::query::grants_of_licensee(r, data))
        }
        "/openledger.licenses.v1.Query/Authorizations" => {
            f(licenses::query::authorizations(r, data))
        }
        "/openledger.licenses.v1.Query/GrantsOnTarget" => {
            f(licenses::query::grants_on_target(r, data))
        }
        // "Can I" is asked of the next block: a grant expiring at height H is dead in block H.
        "/openledger.licenses.v1.Query/CanI" => f(licenses::query::can_i(r, data, height + 1)),
        "/openledger.models.v1.Query/Model" => f(models::query::model(r, data)),
        "/openledger.models.v1.Query/Version" => f(models::query::version(r, data)),
        "/openledger.models.v1.Query/Versions" => f(models::query::versions(r, data)),
        "/openledger.models.v1.Query/ModelsByOwner" => f(models::query::models_by_owner(r, data)),
        "/openledger.models.v1.Query/Lineage" => f(models::query::lineage(r, &Keepers, data)),
        "/openledger.models.v1.Query/Descendants" => f(models::query::descendants(r, data)),
        "/openledger.models.v1.Query/Provenance" => f(models::query::provenance(r, &Keepers, data)),
        "/openledger.attribution.v1.Query/SplitPreview" => {
            attribution::query::split_preview(r, &Keepers, data)
        }
        // Like "can I", earnings are asked of the next block: what a claim in it would pay.
        "/openledger.attribution.v1.Query/Earnings" => {
            f(attribution::query::earnings(r, height + 1, data))
        }
        "/openledger.attribution.v1.Query/Usage" => f(attribution::query::usage(r, data)),
        "/openledger.attribution.v1.Query/VersionUsage" => {
            f(attribution::query::version_usage(r, data))
        }
        "/openledger.attribution.v1.Query/Operator" => f(attribution::query::operator(r, data)),
        "/openledger.attribution.v1.Query/Reports" => f(attribution::query::reports(r, data)),
        "/openledger.attribution.v1.Query/Params" => f(attribution::query::params(r, data)),
        "/openledger.attribution.v1.Query/Challenge" => f(attribution::query::challenge(r, data)),
        "/openledger.attribution.v1.Query/VerifyReceipt" => {
            f(attribution::query::verify_receipt(r, data))
        }
        _ => return None,
    })
}

/// Committed state at a past height: point reads through the trees.
struct AtHeight<'a> {
    storage: &'a Storage,
    height: u64,
}

impl StateRead for AtHeight<'_> {
    fn get(&self, store: Substore, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        self.storage.get_at(store, key, self.height)
    }
    fn range(&self, _: Substore, _: &[u8], _: Option<&[u8]>) -> RangeIter<'_> {
        Box::new(std::iter::once(Err(StoreError::HistoricalIteration)))
    }
}

/// A query that ran out of its gas budget says so, with the budget and how to ask for less.
fn over_budget(failure: Failure, used: u64, limit: u64) -> Failure {
    let out_of_gas: Failure = SdkError::OutOfGas {
        location: "",
        limit: 0,
        used: 0,
    }
    .into();
    if used <= limit || (failure.codespace, failure.code) != (out_of_gas.codespace, out_of_gas.code)
    {
        return failure;
    }
    Failure {
        log: format!(
            "query exceeds the node's query gas limit of {limit} (gas used {used}): ask for a \
             smaller page (limit) or a narrower query; the node sets the budget with \
             --query-gas-limit: {}",
            failure.log
        ),
        ..failure
    }
}

impl App {
    pub fn query(&self, path: &str, data: &[u8], height: i64, prove: bool) -> ResponseQuery {
        let (height, result) = self.query_result(path, data, height, prove);
        match result {
            Ok(mut response) => {
                response.height = height as i64;
                response
            }
            Err(e) => ResponseQuery {
                code: e.code,
                codespace: e.codespace.into(),
                log: e.log,
                height: height as i64,
                ..Default::default()
            },
        }
    }

    /// A query and the height it was answered at; a refusal keeps its kind (the gRPC server
    /// answers with the status of that kind).
    pub fn query_result(
        &self,
        path: &str,
        data: &[u8],
        height: i64,
        prove: bool,
    ) -> (u64, Result<ResponseQuery, Failure>) {
        // The store's own record of its last commit: a query never waits on a block executing.
        let latest = self.storage().committed().map_or(0, |c| c.height);
        let height = if height <= 0 { latest } else { height as u64 };
        let _span = tracing::debug_span!("query", path, height).entered();
        let result = if let Some(store) = path
            .strip_prefix("store/")
            .or_else(|| path.strip_prefix("/store/"))
        {
            self.store_query(store, data, height, prove)
                .map_err(Failure::from)
        } else {
            self.grpc_query(path, data, height)
                .map(|value| ResponseQuery {
                    value: value.into(),
                    ..Default::default()
                })
        };
        (height, result)
    }

    /// A gRPC method call with a protobuf body, as over ABCI or the gRPC server.
    pub fn grpc_query(&self, path: &str, data: &[u8], height: u64) -> Result<Vec<u8>, Failure> {
        match path {
            "/cosmos.tx.v1beta1.Service/Simulate" => return Ok(self.simulate_query(data)?),
            "/cosmos.base.node.v1beta1.Service/Config" => {
                let storage = self.storage();
                let params = auth::Keeper::params(&mut Unmetered(&storage.snapshot()))?;
                let price = auth::GasPrice::parse(&params.min_gas_price)?;
                let response = ConfigResponse {
                    minimum_gas_price: format!("{}{}", price.to_dec_string(), params.fee_denom),
                    ..Default::default()
                };
                return Ok(response.encode_to_vec());
            }
            "/cosmos.base.tendermint.v1beta1.Service/GetNodeInfo" => return Ok(self.node_info()?),
            _ => {}
        }
        let storage = self.storage();
        let snapshot = storage.snapshot();
        let past = AtHeight {
            storage: &storage,
            height,
        };
        // The latest height is read from one snapshot, so a commit in the middle of a paged
        // range cannot mix two heights into one answer. A commit between reading `latest` and
        // taking the snapshot would do just that, so that case reads through the trees.
        let at_latest = snapshot.committed().is_ok_and(|c| c.height == height);
        let state: &dyn StateRead = if at_latest { &snapshot } else { &past };
        let limit = self.query_gas_limit();
        let mut reader = Metered::new(state, limit);
        let result = dispatch(path, &mut reader, data, height).unwrap_or_else(|| {
            Err(SdkError::UnknownRequest(format!("unknown query path {path}")).into())
        });
        result.map_err(|failure| over_budget(failure, reader.gas.used(), limit))
    }

    fn simulate_query(&self, data: &[u8]) -> Result<Vec<u8>, SdkError> {
        let request = SimulateRequest::decode(data)?;
        let result = self.simulate(&request.tx_bytes);
        if result.code != 0 {
            return Err(SdkError::InvalidRequest(format!(
                "simulation failed: code {}: {}",
                result.code, result.log
            )));
        }
        let response = SimulateResponse {
            gas_info: Some(GasInfo {
                gas_wanted: result.gas_wanted as u64,
                gas_used: result.gas_used as u64,
            }),
            result: Some(AbciResult {
                log: result.log,
                events: Vec::new(),
                msg_responses: Vec::new(),
                ..Default::default()
            }),
        };
        Ok(response.encode_to_vec())
    }

    fn node_info(&self) -> Result<Vec<u8>, SdkError> {
        let storage = self.storage();
        let chain_id = auth::Keeper::chain_id(&mut Unmetered(&storage.snapshot()))?;
        let response = GetNodeInfoResponse {
            default_node_info: Some(tendermint_proto::p2p::DefaultNodeInfo {
                network: chain_id,
                ..Default::default()
            }),
            application_version: Some(VersionInfo {
                name: "openledger".into(),
                app_name: "openledgerd".into(),
                version: env!("CARGO_PKG_VERSION").into(),
                cosmos_sdk_version: "v0.50-compatible".into(),
                build_deps: BUILD_DEPS
                    .iter()
                    .map(|(path, version)| Module {
                        path: path.to_string(),
                        version: version.to_string(),
                        sum: String::new(),
                    })
                    .collect(),
                ..Default::default()
            }),
        };
        Ok(response.encode_to_vec())
    }

    /// `store/<substore>/key`: the raw value, and with `prove` the two ICS23 proofs
    /// [key in substore, substore root in root tree].
    fn store_query(
        &self,
        path: &str,
        key: &[u8],
        height: u64,
        prove: bool,
    ) -> Result<ResponseQuery, SdkError> {
        let name = path.strip_suffix("/key").ok_or_else(|| {
            SdkError::UnknownRequest(format!("unsupported store query store/{path}"))
        })?;
        let store = Substore::from_name(name)
            .ok_or_else(|| SdkError::UnknownRequest(format!("unknown substore {name}")))?;
        let storage = self.storage();
        if !prove {
            let value = storage.get_at(store, key, height)?;
            return Ok(ResponseQuery {
                key: key.to_vec().into(),
                value: value.unwrap_or_default().into(),
                ..Default::default()
            });
        }
        let (value, key_proof, store_proof) = storage.get_with_proof(store, key, height)?;
        let ops = vec![
            ProofOp {
                r#type: PROOF_OP_TYPE.into(),
                key: key.to_vec(),
                data: key_proof.encode_to_vec(),
            },
            ProofOp {
                r#type: PROOF_OP_TYPE.into(),
                key: name.as_bytes().to_vec(),
                data: store_proof.encode_to_vec(),
            },
        ];
        Ok(ResponseQuery {
            key: key.to_vec().into(),
            value: value.unwrap_or_default().into(),
            proof_ops: Some(ProofOps { ops }),
            ..Default::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use openledger_proto::models::v1::QueryModelRequest;

    use crate::testkit::{TestChain, TestKey};

    #[test]
    fn a_query_over_the_nodes_gas_budget_is_refused_with_a_clear_error() {
        let key = TestKey::from_seed("budget");
        let chain = TestChain::new(&[&key]);
        let request = prost::Message::encode_to_vec(&QueryModelRequest { model_id: 1 });
        let path = "/openledger.models.v1.Query/Model";
        let within = chain.app.query(path, &request, 0, false);
        assert_eq!((within.codespace.as_str(), within.code), ("models", 3));
        let poor = chain.app.clone().with_query_gas_limit(10);
        let over = poor.query(path, &request, 0, false);
        assert_eq!(
            (over.codespace.as_str(), over.code),
            ("sdk", 11),
            "{}",
            over.log
        );
        assert!(
            over.log.contains("query gas limit of 10"),
            "the log says which budget: {}",
            over.log
        );
    }
}
