//! Validated coin sets with exact u128 amounts.

use std::collections::BTreeMap;

use cosmrs::proto::cosmos::base::v1beta1::Coin;

use crate::error::SdkError;

/// Denoms and positive amounts, sorted by denom, no duplicates: an SDK `Coins` that passed
/// `Validate`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Coins(BTreeMap<String, u128>);

impl Coins {
    pub fn from_proto(coins: &[Coin]) -> Result<Self, SdkError> {
        let mut out = BTreeMap::new();
        for coin in coins {
            validate_denom(&coin.denom)?;
            let amount = parse_amount(&coin.amount)?;
            if amount == 0 {
                return Err(SdkError::InvalidCoins(format!(
                    "{}{}: amount must be positive",
                    coin.amount, coin.denom
                )));
            }
            if out.insert(coin.denom.clone(), amount).is_some() {
                return Err(SdkError::InvalidCoins(format!(
                    "duplicate denomination {}",
                    coin.denom
                )));
            }
        }
        Ok(Coins(out))
    }

    pub fn single(denom: &str, amount: u128) -> Self {
        let mut map = BTreeMap::new();
        if amount > 0 {
            map.insert(denom.to_string(), amount);
        }
        Coins(map)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn amount_of(&self, denom: &str) -> u128 {
        self.0.get(denom).copied().unwrap_or(0)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, u128)> {
        self.0.iter().map(|(d, a)| (d.as_str(), *a))
    }

    pub fn to_proto(&self) -> Vec<Coin> {
        self.iter()
            .map(|(denom, amount)| Coin {
                denom: denom.to_string(),
                amount: amount.to_string(),
            })
            .collect()
    }
}

impl std::fmt::Display for Coins {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.iter().map(|(d, a)| format!("{a}{d}")).collect();
        f.write_str(&parts.join(","))
    }
}

/// An SDK `Int` amount: decimal digits only, at most 2^128 - 1 here.
pub fn parse_amount(text: &str) -> Result<u128, SdkError> {
    Ok(openledger_types::parse_amount(text)?)
}

/// The SDK's denom rule: `[a-zA-Z][a-zA-Z0-9/:._-]{2,127}`.
pub fn validate_denom(denom: &str) -> Result<(), SdkError> {
    Ok(openledger_types::validate_denom(denom)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coin(amount: &str, denom: &str) -> Coin {
        Coin {
            denom: denom.into(),
            amount: amount.into(),
        }
    }

    #[test]
    fn parses_and_prints_sorted() {
        let coins = Coins::from_proto(&[coin("5", "zzz"), coin("7", "uopen")]).unwrap();
        assert_eq!(coins.to_string(), "7uopen,5zzz");
        assert_eq!(coins.amount_of("uopen"), 7);
    }

    #[test]
    fn rejects_overflow_zero_duplicates_and_bad_denoms() {
        let max = u128::MAX.to_string();
        assert_eq!(
            Coins::from_proto(&[coin(&max, "uopen")])
                .unwrap()
                .amount_of("uopen"),
            u128::MAX
        );
        for bad in [
            vec![coin("340282366920938463463374607431768211456", "uopen")],
            vec![coin("0", "uopen")],
            vec![coin("-1", "uopen")],
            vec![coin("1", "uopen"), coin("2", "uopen")],
            vec![coin("1", "u")],
            vec![coin("1", "1abc")],
        ] {
            assert!(
                matches!(Coins::from_proto(&bad), Err(SdkError::InvalidCoins(_))),
                "{bad:?}"
            );
        }
    }
}
