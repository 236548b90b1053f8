//! openledgerd: a Cosmos-SDK-compatible ABCI 2.0 application keeping a public ledger for AI.
//!
//! Layers, bottom up: `store` (two-level JMT over RocksDB), `context` (a tx's metered scratch
//! state), `modules` (auth, bank, …), `tx` (decode, ante, router), `app` (the state machine),
//! and the servers: `abci` (CometBFT) and `grpc`, both over `query`.

// No panic on an input path: unwrap, expect, indexing and panic! are refused outside tests;
// the few uses that cannot fail carry an allow with the reason.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )
)]

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
pub mod rest;
pub mod store;
#[cfg(any(test, feature = "testkit"))]
pub mod testkit;
pub mod tx;

pub use app::App;
