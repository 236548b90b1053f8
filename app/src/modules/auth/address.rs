//! Bech32 account addresses (`ol1…`) live in the shared `openledger-types` crate, so the CLI and
//! the daemon read them by one rule.

pub use openledger_types::{Address, ACCOUNT_PREFIX};
