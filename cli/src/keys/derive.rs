//! BIP39 mnemonics and BIP32/BIP44 derivation of the account key.

use anyhow::{Context, Result};
use bip39::{Language, Mnemonic};
use cosmrs::bip32::DerivationPath;
use cosmrs::crypto::{secp256k1::SigningKey, PublicKey};
use rand_core::{OsRng, RngCore};

use crate::config::ACCOUNT_PREFIX;

/// The Cosmos Hub path (coin type 118), so keys move between OpenLedger and other chains' tools.
pub const HD_PATH: &str = "m/44'/118'/0'/0/0";

/// A fresh 24-word mnemonic from 256 bits of OS randomness.
pub fn generate_mnemonic() -> Result<Mnemonic> {
    let mut entropy = [0u8; 32];
    OsRng
        .try_fill_bytes(&mut entropy)
        .context("the OS random number generator failed")?;
    let mnemonic = Mnemonic::from_entropy(&entropy).context("mnemonic from entropy")?;
    entropy.fill(0);
    Ok(mnemonic)
}

/// Parses a user-supplied English mnemonic; extra whitespace and upper case are tolerated.
pub fn parse_mnemonic(s: &str) -> Result<Mnemonic> {
    let normalized = s
        .split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ");
    Mnemonic::parse_in(Language::English, normalized)
        .map_err(|e| anyhow::anyhow!("invalid mnemonic: {e}"))
}

/// Derives the secp256k1 account key at [`HD_PATH`] (empty BIP39 passphrase, as the SDK).
pub fn signing_key(mnemonic: &Mnemonic) -> Result<SigningKey> {
    let seed = mnemonic.to_seed("");
    let path: DerivationPath = HD_PATH
        .parse()
        .map_err(|e| anyhow::anyhow!("invalid HD path: {e}"))?;
    SigningKey::derive_from_path(seed, &path).map_err(|e| anyhow::anyhow!("key derivation: {e}"))
}

/// ripemd160(sha256(compressed pubkey)) as an `ol1…` address.
pub fn address_of(pubkey: &PublicKey) -> Result<String> {
    pubkey
        .account_id(ACCOUNT_PREFIX)
        .map(|id| id.to_string())
        .map_err(|e| anyhow::anyhow!("address from public key: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    const TEST_MNEMONIC: &str = "abandon abandon abandon abandon abandon abandon abandon abandon \
                                 abandon abandon abandon about";
    /// Published vector for TEST_MNEMONIC at m/44'/118'/0'/0/0 (CosmJS, Keplr, gaiad).
    const COSMOS_ADDRESS: &str = "cosmos19rl4cm2hmr8afy4kldpxz3fka4jguq0auqdal4";

    #[test]
    fn test_mnemonic_gives_the_published_cosmos_address_bytes() {
        let key = signing_key(&parse_mnemonic(TEST_MNEMONIC).unwrap()).unwrap();
        let ours = address_of(&key.public_key()).unwrap();
        assert!(ours.starts_with("ol1"));
        let (_, ours_bytes) = bech32::decode(&ours).unwrap();
        let (_, cosmos_bytes) = bech32::decode(COSMOS_ADDRESS).unwrap();
        assert_eq!(ours_bytes.len(), 20);
        assert_eq!(ours_bytes, cosmos_bytes);

        // Independently: ripemd160(sha256(compressed pubkey)).
        let pk = key.public_key().to_bytes();
        assert_eq!(pk.len(), 33);
        let manual = ripemd::Ripemd160::digest(Sha256::digest(&pk));
        assert_eq!(manual.as_slice(), ours_bytes.as_slice());

        // And cosmrs's own account id for the same key.
        let cosmos = key.public_key().account_id("cosmos").unwrap();
        assert_eq!(cosmos.to_string(), COSMOS_ADDRESS);
    }

    #[test]
    fn generated_mnemonic_has_24_words_and_round_trips() {
        let m = generate_mnemonic().unwrap();
        assert_eq!(m.word_count(), 24);
        let again = parse_mnemonic(&m.to_string().to_uppercase()).unwrap();
        assert_eq!(m, again);
        assert_ne!(m, generate_mnemonic().unwrap());
    }

    #[test]
    fn rejects_bad_mnemonics() {
        assert!(parse_mnemonic("").is_err());
        assert!(parse_mnemonic("abandon abandon abandon").is_err());
        // Bad checksum: last word changed.
        let bad = TEST_MNEMONIC.replace("about", "abandon");
        assert!(parse_mnemonic(&bad).is_err());
        assert!(parse_mnemonic("notaword ".repeat(12).as_str()).is_err());
    }
}
