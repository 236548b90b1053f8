//! openledgerd: a Cosmos-SDK-compatible ABCI 2.0 application keeping a public ledger for AI.
//!
//! Layers, bottom up: `store` (two-level JMT over RocksDB), `context` (a tx's metered scratch
//! state), `modules` (auth, bank, …), `tx` (decode, ante, router), `app` (the state machine),
//! and the servers: `abci` (CometBFT) and `grpc`, both over `query`.

pub mod abci;
pub mod app;
pub mod context;
pub mod error;
pub mod gas;
pub mod genesis;
pub mod grpc;
pub mod invariants;
pub mod keepers;
pub mod keyspace;
pub mod modules;
pub mod query;
pub mod store;
#[cfg(any(test, feature = "testkit"))]
pub mod testkit;
pub mod tx;

pub use app::App;
