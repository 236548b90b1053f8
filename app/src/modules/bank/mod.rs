//! bank: balances per (address, denom) as u128, total supply, transfers, module accounts.
//!
//! State (substore `bank`), laid out as x/bank lays it out:
//! - `0x00 | denom` → supply (`cosmos.base.v1beta1.Coin`)
//! - `0x02 | len(address) | address | denom` → balance (`cosmos.base.v1beta1.Coin`)
//!
//! Messages: `cosmos.bank.v1beta1.MsgSend`.
//! Events: `coin_spent`, `coin_received`, `transfer` as the SDK emits them.
//! Invariants: no balance is zero-valued in state; the sum of balances of a denom equals its
//! supply; transfers never create or destroy coins.

pub mod coins;
pub mod deps;
pub mod genesis;
mod keeper;
pub mod msgs;
pub mod query;
mod state;

pub use coins::Coins;
pub use keeper::Keeper;
pub use msgs::Msg;

use openledger_types::Address;

/// The module account that collects transaction fees.
pub fn fee_collector() -> Address {
    Address::module("fee_collector")
}
