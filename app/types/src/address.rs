//! Bech32 account addresses (`ol1…`), derived as the Cosmos SDK derives them.

use bech32::primitives::decode::{CheckedHrpstring, UncheckedHrpstring};
use bech32::{Bech32, Bech32m, Hrp};
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
    #[error("{text}: mixed-case bech32 is refused; write the address in lower case")]
    MixedCase { text: String },
    #[error("{text}: a bech32m checksum is refused; account addresses use bech32")]
    Bech32m { text: String },
    #[error("{text}: not the canonical encoding of its bytes (expected {canonical})")]
    NonCanonical { text: String, canonical: String },
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Address(Vec<u8>);

impl Address {
    /// Parses an account address as the SDK's `sdk.AccAddressFromBech32` does: the `ol` prefix,
    /// a bech32 (not bech32m) checksum, and one case throughout. All lower case is the canonical
    /// form; all upper case is accepted, as the SDK accepts it, and means the same bytes (store
    /// and compare [`Address::to_bech32`], never the text given). Mixed case, bech32m, and any
    /// text whose bytes re-encode differently (non-zero padding bits) are refused, so every
    /// address has exactly two spellings, both mapping to one canonical string.
    pub fn from_bech32(text: &str) -> Result<Self, AddressError> {
        let owned = || text.to_string();
        let bech32_error = |reason: String| AddressError::Bech32 {
            text: owned(),
            reason,
        };
        let has_upper = text.bytes().any(|b| b.is_ascii_uppercase());
        if has_upper && text.bytes().any(|b| b.is_ascii_lowercase()) {
            return Err(AddressError::MixedCase { text: owned() });
        }
        let checked = match CheckedHrpstring::new::<Bech32>(text) {
            Ok(checked) => checked,
            Err(e) => {
                let bech32m =
                    UncheckedHrpstring::new(text).is_ok_and(|u| u.has_valid_checksum::<Bech32m>());
                return Err(if bech32m {
                    AddressError::Bech32m { text: owned() }
                } else {
                    bech32_error(e.to_string())
                });
            }
        };
        if checked.hrp().to_lowercase() != ACCOUNT_PREFIX {
            return Err(AddressError::WrongPrefix { text: owned() });
        }
        let address = Address::from_bytes(checked.byte_iter().collect())?;
        let canonical = address.to_bech32();
        let spelled = if has_upper {
            text.to_ascii_lowercase()
        } else {
            text.to_string()
        };
        if spelled != canonical {
            return Err(AddressError::NonCanonical {
                text: owned(),
                canonical,
            });
        }
        Ok(address)
    }

    /// Parses an address that must already be canonical (all lower case): for text read from
    /// genesis or state, which is stored and compared as written.
    pub fn from_canonical_bech32(text: &str) -> Result<Self, AddressError> {
        let address = Address::from_bech32(text)?;
        let canonical = address.to_bech32();
        if canonical != text {
            return Err(AddressError::NonCanonical {
                text: text.to_string(),
                canonical,
            });
        }
        Ok(address)
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
    #[allow(clippy::indexing_slicing)] // a sha256 digest is 32 bytes
    pub fn module(name: &str) -> Self {
        Address(Sha256::digest(name.as_bytes())[..20].to_vec())
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }

    #[allow(clippy::expect_used)] // the prefix is a valid constant; addresses are ≤ 255 bytes
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

    /// Encodes `bytes` under `ol` with checksum `Ck`, its last 5-bit group or-ed with `pad`.
    fn encode_with<Ck: bech32::Checksum>(bytes: &[u8], pad: u8) -> String {
        use bech32::primitives::iter::{ByteIterExt, Fe32IterExt};
        use bech32::Fe32;
        let hrp = Hrp::parse(ACCOUNT_PREFIX).unwrap();
        let mut fes: Vec<Fe32> = bytes.iter().copied().bytes_to_fes().collect();
        let last = fes.pop().unwrap();
        fes.push(Fe32::try_from(last.to_u8() | pad).unwrap());
        fes.into_iter().with_checksum::<Ck>(&hrp).chars().collect()
    }

    #[test]
    fn upper_case_is_the_same_address_and_mixed_case_is_refused() {
        let addr = Address::module("fee_collector");
        let text = addr.to_bech32();
        let upper = text.to_ascii_uppercase();
        let parsed = Address::from_bech32(&upper).unwrap();
        assert_eq!(parsed, addr);
        assert_eq!(parsed.to_bech32(), text, "re-encoded canonically");
        // Where text is stored as written (genesis), only the canonical spelling is taken.
        assert_eq!(Address::from_canonical_bech32(&text).unwrap(), addr);
        assert!(matches!(
            Address::from_canonical_bech32(&upper),
            Err(AddressError::NonCanonical { .. })
        ));
        // One character's case flipped, in the data or in the prefix.
        let mut mixed = text.clone();
        mixed.replace_range(5..6, &text[5..6].to_ascii_uppercase());
        assert_ne!(mixed, text);
        assert!(matches!(
            Address::from_bech32(&mixed),
            Err(AddressError::MixedCase { .. })
        ));
        let prefix_upper = format!("OL{}", &text[2..]);
        assert!(matches!(
            Address::from_bech32(&prefix_upper),
            Err(AddressError::MixedCase { .. })
        ));
    }

    #[test]
    fn bech32m_and_non_zero_padding_are_refused() {
        let addr = Address::module("fee_collector");
        let m = encode_with::<Bech32m>(addr.as_bytes(), 0);
        assert!(
            bech32::decode(&m).is_ok(),
            "the bech32 crate alone accepts it"
        );
        assert!(matches!(
            Address::from_bech32(&m),
            Err(AddressError::Bech32m { .. })
        ));
        assert!(matches!(
            Address::from_bech32(&m.to_ascii_uppercase()),
            Err(AddressError::Bech32m { .. })
        ));
        // 21 bytes are 168 bits in 34 groups of 5: two padding bits, which must be zero.
        let odd = Address::from_bytes(vec![7; 21]).unwrap();
        assert_eq!(encode_with::<Bech32>(odd.as_bytes(), 0), odd.to_bech32());
        let padded = encode_with::<Bech32>(odd.as_bytes(), 1);
        assert!(matches!(
            Address::from_bech32(&padded),
            Err(AddressError::NonCanonical { .. })
        ));
        // What `to_bech32` writes always parses back.
        for len in [1, 20, 21, 32, 255] {
            let a = Address::from_bytes(vec![0x5a; len]).unwrap();
            assert_eq!(Address::from_bech32(&a.to_bech32()).unwrap(), a);
        }
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
