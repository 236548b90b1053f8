//! Bech32 account addresses with the chain's `ol` prefix, read by the rule the chain applies
//! (`openledger_types::Address`).

use anyhow::{Context as _, Result};
use openledger_types::{Address, ACCOUNT_PREFIX};

/// Decodes an `ol1…` address, returning its raw bytes (20 for keys and module accounts).
pub fn decode(addr: &str) -> Result<Vec<u8>> {
    Ok(Address::from_bech32(addr)
        .with_context(|| format!("invalid address {addr:?}"))?
        .into_bytes())
}

/// True when the string looks like an address rather than a key name.
pub fn looks_like_address(s: &str) -> bool {
    s.starts_with(&format!("{ACCOUNT_PREFIX}1")) && decode(s).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_decodes_to_its_bytes() {
        let addr = Address::from_bytes(vec![7u8; 20]).unwrap().to_bech32();
        assert!(addr.starts_with("ol1"));
        assert_eq!(decode(&addr).unwrap(), [7u8; 20]);
        assert!(looks_like_address(&addr));
    }

    #[test]
    fn other_prefixes_and_garbage_are_refused() {
        assert!(decode("cosmos19rl4cm2hmr8afy4kldpxz3fka4jguq0auqdal4").is_err());
        assert!(decode("ol1notanaddress").is_err());
        assert!(decode("").is_err());
        assert!(!looks_like_address("alice"));
    }
}
