//! Denoms and integer amounts by the SDK's rules. No floats: an amount reads the same everywhere.

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum AmountError {
    #[error("invalid amount {0:?}")]
    NotAnInteger(String),
    #[error("amount {0} overflows 128 bits")]
    Overflow(String),
    #[error(
        "invalid denom {0:?}: a letter, then 2 to 127 of letters, digits, '/', ':', '.', '_', '-'"
    )]
    Denom(String),
}

/// An SDK `Int` amount: decimal digits only, at most 2^128 - 1 here.
pub fn parse_amount(text: &str) -> Result<u128, AmountError> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AmountError::NotAnInteger(text.to_string()));
    }
    text.parse::<u128>()
        .map_err(|_| AmountError::Overflow(text.to_string()))
}

/// The SDK's denom rule: `[a-zA-Z][a-zA-Z0-9/:._-]{2,127}`.
pub fn validate_denom(denom: &str) -> Result<(), AmountError> {
    let bytes = denom.as_bytes();
    let ok = (3..=128).contains(&bytes.len())
        && bytes.first().is_some_and(u8::is_ascii_alphabetic)
        && bytes
            .iter()
            .skip(1)
            .all(|b| b.is_ascii_alphanumeric() || b"/:._-".contains(b));
    if ok {
        Ok(())
    } else {
        Err(AmountError::Denom(denom.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_decimal_digits_within_128_bits() {
        assert_eq!(parse_amount("0"), Ok(0));
        assert_eq!(parse_amount(&u128::MAX.to_string()), Ok(u128::MAX));
        for bad in ["", "-1", "1.5", " 1", "1e3"] {
            assert!(matches!(
                parse_amount(bad),
                Err(AmountError::NotAnInteger(_))
            ));
        }
        assert!(matches!(
            parse_amount("340282366920938463463374607431768211456"),
            Err(AmountError::Overflow(_))
        ));
    }

    #[test]
    fn denoms_follow_the_sdk_pattern() {
        for good in [
            "uopen",
            "ibc/27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2",
            "a:b.c_d-e",
        ] {
            assert_eq!(validate_denom(good), Ok(()));
        }
        for bad in ["u", "1abc", "uo pen", &"a".repeat(129)] {
            assert!(matches!(validate_denom(bad), Err(AmountError::Denom(_))));
        }
    }
}
