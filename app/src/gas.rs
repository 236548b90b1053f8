//! Gas metering with the Cosmos SDK's default costs, so `--gas auto` estimates transfer.

use crate::error::SdkError;

/// KV store costs (store/types/gas.go KVGasConfig).
pub const READ_COST_FLAT: u64 = 1_000;
pub const READ_COST_PER_BYTE: u64 = 3;
pub const WRITE_COST_FLAT: u64 = 2_000;
pub const WRITE_COST_PER_BYTE: u64 = 30;
pub const DELETE_COST: u64 = 1_000;
pub const ITER_NEXT_COST_FLAT: u64 = 30;

#[derive(Debug, Clone, Copy)]
pub struct GasMeter {
    limit: u64,
    used: u64,
}

impl GasMeter {
    pub fn new(limit: u64) -> Self {
        GasMeter { limit, used: 0 }
    }

    /// A meter that never runs out: simulation and genesis.
    pub fn infinite() -> Self {
        GasMeter::new(u64::MAX)
    }

    pub fn used(&self) -> u64 {
        self.used
    }

    pub fn limit(&self) -> u64 {
        self.limit
    }

    pub fn consume(&mut self, amount: u64, location: &'static str) -> Result<(), SdkError> {
        self.used = self.used.saturating_add(amount);
        if self.used > self.limit {
            return Err(SdkError::OutOfGas {
                location,
                limit: self.limit,
                used: self.used,
            });
        }
        Ok(())
    }

    pub fn consume_per_byte(
        &mut self,
        flat: u64,
        per_byte: u64,
        len: usize,
        location: &'static str,
    ) -> Result<(), SdkError> {
        let bytes = u64::try_from(len).unwrap_or(u64::MAX);
        self.consume(
            flat.saturating_add(per_byte.saturating_mul(bytes)),
            location,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_out_past_the_limit_and_reports_what_was_used() {
        let mut meter = GasMeter::new(2_500);
        meter.consume(2_000, "a").unwrap();
        let err = meter.consume(600, "b").unwrap_err();
        assert_eq!(
            err,
            SdkError::OutOfGas {
                location: "b",
                limit: 2_500,
                used: 2_600
            }
        );
    }

    #[test]
    fn saturates_instead_of_overflowing() {
        let mut meter = GasMeter::infinite();
        meter.consume(u64::MAX, "a").unwrap();
        meter
            .consume_per_byte(u64::MAX, u64::MAX, usize::MAX, "b")
            .unwrap();
        assert_eq!(meter.used(), u64::MAX);
    }
}
