//! Value types the daemon (`openledgerd`) and the CLI (`openledger`) share, so that both read an
//! address or an amount by the same rule: bech32 account addresses with the chain's prefix,
//! SDK denoms, and exact integer amounts.

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

mod address;
mod amount;

pub use address::{Address, AddressError, ACCOUNT_PREFIX};
pub use amount::{parse_amount, validate_denom, AmountError};

/// The chain's staking and fee denom: 1 OPEN = 10^6 uopen.
pub const DEFAULT_FEE_DENOM: &str = "uopen";
