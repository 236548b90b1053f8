//! Bech32 account addresses with the chain's `ol` prefix.

use crate::config::ACCOUNT_PREFIX;
use anyhow::{bail, Context as _, Result};

/// Decodes an `ol1…` address, returning its raw bytes (20 for keys, 32 for module accounts).
pub fn decode(addr: &str) -> Result<Vec<u8>> {
    let (hrp, data) =
        bech32::decode(addr).with_context(|| format!("invalid bech32 address {addr:?}"))?;
    if hrp.as_str() != ACCOUNT_PREFIX {
        bail!(
            "address {addr} has prefix {:?}, expected {ACCOUNT_PREFIX:?}",
            hrp.as_str()
        );
    }
    if data.is_empty() || data.len() > 255 {
        bail!(
            "address {addr} has an invalid length of {} bytes",
            data.len()
        );
    }
    Ok(data)
}

/// True when the string looks like an address rather than a key name.
pub fn looks_like_address(s: &str) -> bool {
    s.starts_with(&format!("{ACCOUNT_PREFIX}1")) && decode(s).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let bytes = [7u8; 20];
        let hrp = bech32::Hrp::parse("ol").unwrap();
        let addr = bech32::encode::<bech32::Bech32>(hrp, &bytes).unwrap();
        assert!(addr.starts_with("ol1"));
        assert_eq!(decode(&addr).unwrap(), bytes);
        assert!(looks_like_address(&addr));
    }

    #[test]
    fn rejects_other_prefix_and_garbage() {
        assert!(decode("cosmos19rl4cm2hmr8afy4kldpxz3fka4jguq0auqdal4").is_err());
        assert!(decode("ol1notanaddress").is_err());
        assert!(decode("").is_err());
        assert!(!looks_like_address("alice"));
    }
}
