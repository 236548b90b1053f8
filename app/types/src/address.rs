//! Bech32 account addresses (`ol1…`), derived as the Cosmos SDK derives them.

use bech32::{Bech32, Hrp};
use ripemd::Ripemd160;
use sha2::{Digest, Sha256};

pub const ACCOUNT_PREFIX: &str = "ol";

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum AddressError {
    #[error("{text}: {reason}")]
    Bech32 { text: String, reason: String },
    #[error("{text}: prefix must be {ACCOUNT_PREFIX}")]
    WrongPrefix { text: String },
    #[error("address length {0} out of range")]
    Length(usize),
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Address(Vec<u8>);

impl Address {
    pub fn from_bech32(text: &str) -> Result<Self, AddressError> {
        let (hrp, bytes) = bech32::decode(text).map_err(|e| AddressError::Bech32 {
            text: text.to_string(),
            reason: e.to_string(),
        })?;
        if hrp.as_str() != ACCOUNT_PREFIX {
            return Err(AddressError::WrongPrefix {
                text: text.to_string(),
            });
        }
        Address::from_bytes(bytes)
    }

    /// 1 to 255 bytes: 20 for keys and module accounts, 32 for contracts, as the SDK allows.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, AddressError> {
        if bytes.is_empty() || bytes.len() > 255 {
            return Err(AddressError::Length(bytes.len()));
        }
        Ok(Address(bytes))
    }

    /// ripemd160(sha256(compressed secp256k1 key)), as `cosmos.crypto.secp256k1.PubKey.Address`.
    pub fn from_secp256k1(compressed: &[u8]) -> Self {
        Address(Ripemd160::digest(Sha256::digest(compressed)).to_vec())
    }

    /// A module account's address: sha256(name) truncated to 20 bytes, as x/auth's NewModuleAddress.
    pub fn module(name: &str) -> Self {
        Address(Sha256::digest(name.as_bytes())[..20].to_vec())
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }

    pub fn to_bech32(&self) -> String {
        let hrp = Hrp::parse(ACCOUNT_PREFIX).expect("static prefix is valid");
        bech32::encode::<Bech32>(hrp, &self.0).expect("address length is bounded")
    }
}

impl std::fmt::Display for Address {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_bech32())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_round_trips_and_other_prefixes_are_refused() {
        let addr = Address::module("fee_collector");
        assert_eq!(Address::from_bech32(&addr.to_bech32()).unwrap(), addr);
        let cosmos = "cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu";
        assert!(matches!(
            Address::from_bech32(cosmos),
            Err(AddressError::WrongPrefix { .. })
        ));
        assert!(matches!(
            Address::from_bech32("ol1notbech32"),
            Err(AddressError::Bech32 { .. })
        ));
        assert_eq!(Address::from_bytes(vec![]), Err(AddressError::Length(0)));
    }

    #[test]
    fn module_addresses_are_the_sdks() {
        // x/auth: NewModuleAddress("fee_collector") is cosmos17xpfvakm2amg962yls6f84z3kell8c5lserqta
        assert_eq!(
            hex::encode(Address::module("fee_collector").as_bytes()),
            "f1829676db577682e944fc3493d451b67ff3e29f"
        );
    }
}
