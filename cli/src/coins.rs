//! Coins (`1000uopen,5ufoo`), decimal coins (`0.025uopen`) and the integer-only arithmetic
//! for fees and gas. No floats anywhere: a fee must come out the same on every machine.

use cosmrs::proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use thiserror::Error;

/// Decimal places of an SDK `LegacyDec` (e.g. "0.025000000000000000").
pub const DEC_PRECISION: u32 = 18;
/// Decimal places kept for `--gas-adjustment` (millionths).
const ADJUSTMENT_PRECISION: u32 = 6;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum CoinError {
    #[error("invalid coin {0:?}: expected an integer amount followed by a denom, like 1000uopen")]
    Malformed(String),
    #[error(
        "invalid denom {0:?}: a letter, then 2 to 127 of letters, digits, '/', ':', '.', '_', '-'"
    )]
    Denom(String),
    #[error("invalid decimal {0:?}")]
    Decimal(String),
    #[error("decimal {0:?} has more than {1} decimal places")]
    Precision(String, u32),
    #[error("amount {0:?} is too large")]
    Overflow(String),
    #[error("duplicate denom {0:?}")]
    Duplicate(String),
    #[error("no coins given")]
    Empty,
}

/// An integer amount of one denom.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Coin {
    pub denom: String,
    pub amount: u128,
}

impl Coin {
    pub fn to_proto(&self) -> ProtoCoin {
        ProtoCoin {
            denom: self.denom.clone(),
            amount: self.amount.to_string(),
        }
    }
}

impl std::fmt::Display for Coin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}", self.amount, self.denom)
    }
}

/// A decimal amount of one denom, held as an integer scaled by 10^DEC_PRECISION.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecCoin {
    pub denom: String,
    pub amount_scaled: u128,
}

/// The chain's denom rule (the SDK's regex `[a-zA-Z][a-zA-Z0-9/:._-]{2,127}`).
pub fn validate_denom(denom: &str) -> Result<(), CoinError> {
    openledger_types::validate_denom(denom).map_err(|_| CoinError::Denom(denom.to_string()))
}

/// Splits "123.4uopen" into ("123.4", "uopen") at the first character that can't be in a number.
fn split_amount_denom(s: &str) -> (&str, &str) {
    let idx = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    s.split_at(idx)
}

pub fn parse_coin(s: &str) -> Result<Coin, CoinError> {
    let s = s.trim();
    let (amount, denom) = split_amount_denom(s);
    if amount.is_empty() || !amount.bytes().all(|b| b.is_ascii_digit()) || denom.is_empty() {
        return Err(CoinError::Malformed(s.to_string()));
    }
    validate_denom(denom)?;
    let amount: u128 = amount
        .parse()
        .map_err(|_| CoinError::Overflow(s.to_string()))?;
    Ok(Coin {
        denom: denom.to_string(),
        amount,
    })
}

/// Parses a comma-separated list of coins, sorted by denom as the SDK requires for a valid
/// `Coins`. Zero amounts are kept so that the chain, not the client, judges them.
pub fn parse_coins(s: &str) -> Result<Vec<Coin>, CoinError> {
    if s.trim().is_empty() {
        return Err(CoinError::Empty);
    }
    let mut coins = s
        .split(',')
        .map(parse_coin)
        .collect::<Result<Vec<_>, _>>()?;
    coins.sort_by(|a, b| a.denom.cmp(&b.denom));
    if let Some(w) = coins.windows(2).find(|w| w[0].denom == w[1].denom) {
        return Err(CoinError::Duplicate(w[0].denom.clone()));
    }
    Ok(coins)
}

/// Parses a non-negative decimal into an integer scaled by 10^precision, exactly.
pub fn parse_decimal(s: &str, precision: u32) -> Result<u128, CoinError> {
    let bad = || CoinError::Decimal(s.to_string());
    let (int_part, frac_part) = match s.split_once('.') {
        Some((i, f)) => (i, f),
        None => (s, ""),
    };
    let all_digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if (int_part.is_empty() && frac_part.is_empty())
        || !all_digits(int_part)
        || !all_digits(frac_part)
    {
        return Err(bad());
    }
    if s.ends_with('.') {
        return Err(bad());
    }
    let frac_len = u32::try_from(frac_part.len()).map_err(|_| bad())?;
    if frac_len > precision {
        return Err(CoinError::Precision(s.to_string(), precision));
    }
    let overflow = || CoinError::Overflow(s.to_string());
    let scale = 10u128.checked_pow(precision).ok_or_else(overflow)?;
    let int: u128 = if int_part.is_empty() {
        0
    } else {
        int_part.parse().map_err(|_| overflow())?
    };
    let frac: u128 = if frac_part.is_empty() {
        0
    } else {
        let pad = 10u128.pow(precision - frac_len);
        frac_part
            .parse::<u128>()
            .map_err(|_| overflow())?
            .checked_mul(pad)
            .ok_or_else(overflow)?
    };
    int.checked_mul(scale)
        .and_then(|v| v.checked_add(frac))
        .ok_or_else(overflow)
}

/// Parses one decimal coin such as `0.025uopen` or the node's `0.025000000000000000uopen`.
pub fn parse_dec_coin(s: &str) -> Result<DecCoin, CoinError> {
    let s = s.trim();
    let (amount, denom) = split_amount_denom(s);
    if amount.is_empty() || denom.is_empty() {
        return Err(CoinError::Malformed(s.to_string()));
    }
    validate_denom(denom)?;
    Ok(DecCoin {
        denom: denom.to_string(),
        amount_scaled: parse_decimal(amount, DEC_PRECISION)?,
    })
}

/// Parses a gas price list (`0.025uopen` or `0.025uopen,0.1ufoo`) and returns the first one:
/// a fee satisfying any one of the node's minimum prices is accepted, as in the SDK.
/// Returns None for an empty list (a node with no minimum).
pub fn parse_first_gas_price(s: &str) -> Result<Option<DecCoin>, CoinError> {
    match s.split(',').map(str::trim).find(|p| !p.is_empty()) {
        None => Ok(None),
        Some(first) => parse_dec_coin(first).map(Some),
    }
}

/// fee = ceil(gas × price), in integers.
pub fn fee_for_gas(gas: u64, price: &DecCoin) -> Result<Coin, CoinError> {
    // Integer and fractional parts separately, so a large price times a large gas
    // does not overflow the intermediate product: gas × frac < 2^64 × 10^18 < 2^128.
    let scale = 10u128.pow(DEC_PRECISION);
    let (int, frac) = (price.amount_scaled / scale, price.amount_scaled % scale);
    let gas = u128::from(gas);
    let amount = gas
        .checked_mul(int)
        .and_then(|whole| whole.checked_add((gas * frac).div_ceil(scale)))
        .ok_or_else(|| CoinError::Overflow(format!("{gas} gas × price")))?;
    Ok(Coin {
        denom: price.denom.clone(),
        amount,
    })
}

/// Parses `--gas-adjustment` (e.g. "1.5") into millionths; it must be positive.
pub fn parse_gas_adjustment(s: &str) -> Result<u128, CoinError> {
    let v = parse_decimal(s.trim(), ADJUSTMENT_PRECISION)?;
    if v == 0 {
        return Err(CoinError::Decimal(s.to_string()));
    }
    Ok(v)
}

/// gas limit = ceil(gas_used × adjustment), in integers.
pub fn adjusted_gas(gas_used: u64, adjustment_millionths: u128) -> Result<u64, CoinError> {
    let overflow = || CoinError::Overflow(format!("{gas_used} gas × adjustment"));
    let product = u128::from(gas_used)
        .checked_mul(adjustment_millionths)
        .ok_or_else(overflow)?;
    u64::try_from(product.div_ceil(10u128.pow(ADJUSTMENT_PRECISION))).map_err(|_| overflow())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_single_and_multiple_coins() {
        assert_eq!(
            parse_coin("1000uopen").unwrap(),
            Coin {
                denom: "uopen".into(),
                amount: 1000
            }
        );
        let coins = parse_coins("5ufoo, 1000uopen,7ibc/ABC-1").unwrap();
        let shown: Vec<String> = coins.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["7ibc/ABC-1", "5ufoo", "1000uopen"]);
        assert_eq!(parse_coin("0uopen").unwrap().amount, 0);
        assert_eq!(
            parse_coin("340282366920938463463374607431768211455uopen")
                .unwrap()
                .amount,
            u128::MAX
        );
    }

    #[test]
    fn rejects_bad_coins() {
        for bad in [
            "",
            "uopen",
            "1000",
            "1.5uopen",
            "-1uopen",
            "10 uopen",
            "10u",
            "10_open",
            "340282366920938463463374607431768211456uopen",
            "10uopen!",
        ] {
            assert!(parse_coins(bad).is_err(), "{bad:?} should be rejected");
        }
        assert_eq!(
            parse_coins("1uopen,2uopen"),
            Err(CoinError::Duplicate("uopen".into()))
        );
    }

    #[test]
    fn parses_decimals_exactly() {
        assert_eq!(parse_decimal("0.025", 18).unwrap(), 25_000_000_000_000_000);
        assert_eq!(
            parse_decimal("0.025000000000000000", 18).unwrap(),
            25_000_000_000_000_000
        );
        assert_eq!(parse_decimal("2", 3).unwrap(), 2000);
        assert_eq!(parse_decimal(".5", 3).unwrap(), 500);
        assert!(parse_decimal("0.0000000000000000001", 18).is_err());
        for bad in ["", ".", "1.", "1.2.3", "abc", "-1", "1e5"] {
            assert!(
                parse_decimal(bad, 18).is_err(),
                "{bad:?} should be rejected"
            );
        }
    }

    #[test]
    fn computes_fee_with_ceiling() {
        let price = parse_dec_coin("0.025000000000000000uopen").unwrap();
        assert_eq!(
            fee_for_gas(200_000, &price).unwrap().to_string(),
            "5000uopen"
        );
        // 1 gas × 0.025 = 0.025 → rounds up to 1.
        assert_eq!(fee_for_gas(1, &price).unwrap().amount, 1);
        assert_eq!(fee_for_gas(0, &price).unwrap().amount, 0);
        assert_eq!(fee_for_gas(41, &price).unwrap().amount, 2); // 1.025 → 2
        assert_eq!(fee_for_gas(40, &price).unwrap().amount, 1); // exactly 1
        let big = parse_dec_coin("1000000uopen").unwrap();
        assert_eq!(
            fee_for_gas(u64::MAX, &big).unwrap().amount,
            u128::from(u64::MAX) * 1_000_000
        );
        let mixed = parse_dec_coin("2.5uopen").unwrap();
        assert_eq!(fee_for_gas(3, &mixed).unwrap().amount, 8); // 7.5 → 8
    }

    #[test]
    fn first_gas_price_of_a_list() {
        let p = parse_first_gas_price("0.1ufoo,0.025uopen")
            .unwrap()
            .unwrap();
        assert_eq!(p.denom, "ufoo");
        assert_eq!(parse_first_gas_price("").unwrap(), None);
        assert!(parse_first_gas_price("abc").is_err());
    }

    #[test]
    fn adjusts_gas_with_integers() {
        let adj = parse_gas_adjustment("1.5").unwrap();
        assert_eq!(adjusted_gas(100_000, adj).unwrap(), 150_000);
        assert_eq!(adjusted_gas(3, adj).unwrap(), 5); // 4.5 → 5
        assert_eq!(
            adjusted_gas(7, parse_gas_adjustment("1").unwrap()).unwrap(),
            7
        );
        assert!(parse_gas_adjustment("0").is_err());
        assert!(parse_gas_adjustment("-1").is_err());
        assert!(adjusted_gas(u64::MAX, parse_gas_adjustment("2").unwrap()).is_err());
    }
}
