//! Transaction parameters and the minimum gas price, in exact integer arithmetic.

use openledger_proto::auth::v1::Params;

use crate::error::SdkError;

pub use openledger_types::DEFAULT_FEE_DENOM;

/// Decimal places of a gas price, as the SDK's `LegacyDec`.
const PRICE_DECIMALS: u32 = 18;
const PRICE_ONE: u128 = 10u128.pow(PRICE_DECIMALS);

pub fn default_params() -> Params {
    Params {
        max_memo_characters: 256,
        tx_sig_limit: 7,
        tx_size_cost_per_byte: 10,
        sig_verify_cost_secp256k1: 1_000,
        max_tx_bytes: 256 * 1024,
        max_msgs_per_tx: 64,
        min_gas_price: "0.025".into(),
        fee_denom: DEFAULT_FEE_DENOM.into(),
        max_gas_per_tx: 100_000_000,
    }
}

/// A price per unit of gas in 10^-18 units of the fee denom.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GasPrice(u128);

impl GasPrice {
    pub fn parse(text: &str) -> Result<Self, SdkError> {
        let invalid = || {
            SdkError::InvalidRequest(format!(
                "invalid gas price {text:?}: want a decimal such as 0.025"
            ))
        };
        let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
        if whole.is_empty() || frac.len() > PRICE_DECIMALS as usize {
            return Err(invalid());
        }
        if !whole
            .bytes()
            .chain(frac.bytes())
            .all(|b| b.is_ascii_digit())
        {
            return Err(invalid());
        }
        let whole: u128 = whole.parse().map_err(|_| invalid())?;
        let frac_scaled: u128 = if frac.is_empty() {
            0
        } else {
            frac.parse::<u128>().map_err(|_| invalid())?
                * 10u128.pow(PRICE_DECIMALS - frac.len() as u32)
        };
        whole
            .checked_mul(PRICE_ONE)
            .and_then(|w| w.checked_add(frac_scaled))
            .map(GasPrice)
            .ok_or_else(invalid)
    }

    /// The smallest fee that pays for `gas` at this price: ceil(gas × price).
    pub fn fee_for(self, gas: u64) -> u128 {
        // gas < 2^64 and price < 2^128 / 2^64 for any sane price; saturate rather than wrap.
        let product = (gas as u128).saturating_mul(self.0);
        product / PRICE_ONE + u128::from(!product.is_multiple_of(PRICE_ONE))
    }

    /// The price as the SDK prints a `DecCoin` amount: 18 decimals.
    pub fn to_dec_string(self) -> String {
        format!("{}.{:018}", self.0 / PRICE_ONE, self.0 % PRICE_ONE)
    }
}

pub fn validate(params: &Params) -> Result<(), SdkError> {
    GasPrice::parse(&params.min_gas_price)?;
    if params.fee_denom.is_empty() {
        return Err(SdkError::InvalidRequest("fee_denom is empty".into()));
    }
    if params.max_msgs_per_tx == 0
        || params.max_tx_bytes == 0
        || params.tx_sig_limit == 0
        || params.max_gas_per_tx == 0
    {
        return Err(SdkError::InvalidRequest(
            "max_msgs_per_tx, max_tx_bytes, tx_sig_limit and max_gas_per_tx must be positive"
                .into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fee_is_rounded_up_exactly() {
        let price = GasPrice::parse("0.025").unwrap();
        assert_eq!(price.fee_for(200_000), 5_000);
        assert_eq!(price.fee_for(1), 1);
        assert_eq!(price.fee_for(40), 1);
        assert_eq!(price.fee_for(41), 2);
        assert_eq!(GasPrice::parse("0").unwrap().fee_for(1_000), 0);
        assert_eq!(price.to_dec_string(), "0.025000000000000000");
    }

    #[test]
    fn rejects_malformed_prices() {
        for bad in [
            "",
            ".5",
            "-1",
            "1e3",
            "0.0000000000000000001",
            "abc",
            "1.2.3",
        ] {
            assert!(GasPrice::parse(bad).is_err(), "{bad}");
        }
    }
}
