//! Small pieces the modules share: query request decoding and paging, a field check, and the
//! exact proportional split every settlement and refund uses.

use crate::error::SdkError;

/// Decodes a query's protobuf request; a malformed one is the SDK's decode error.
pub fn decode_request<M: prost::Message + Default>(bytes: &[u8]) -> Result<M, SdkError> {
    Ok(M::decode(bytes)?)
}

/// Lower-case hex of 32 bytes.
pub fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Default and largest page size of list queries.
const PAGE_DEFAULT: u32 = 100;
const PAGE_MAX: u32 = 1_000;

pub fn page_limit(limit: u32) -> usize {
    (if limit == 0 {
        PAGE_DEFAULT
    } else {
        limit.min(PAGE_MAX)
    }) as usize
}

/// Splits `total` in proportion to `weights`, exactly: each part is rounded down, then the units
/// left over go one each to the largest remainders, ties to the lower index. The parts always sum
/// to `total`. None when the weights sum to zero or past 2^64 (where the exact products could
/// overflow).
pub fn split_proportional(total: u128, weights: &[u64]) -> Option<Vec<u128>> {
    let sum: u128 = weights.iter().map(|&w| w as u128).sum();
    if sum == 0 || sum > u64::MAX as u128 {
        return None;
    }
    let (quotient, rest) = (total / sum, total % sum);
    // rest < sum ≤ 2^64 and w ≤ sum, so rest × w < 2^128.
    let mut parts: Vec<u128> = Vec::with_capacity(weights.len());
    let mut remainders: Vec<(u128, usize)> = Vec::with_capacity(weights.len());
    for (i, &w) in weights.iter().enumerate() {
        let w = w as u128;
        parts.push(quotient * w + rest * w / sum);
        remainders.push((rest * w % sum, i));
    }
    let handed: u128 = parts.iter().sum();
    let left = (total - handed) as usize; // < number of weights
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for &(_, i) in remainders.iter().take(left) {
        parts[i] += 1;
    }
    Some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_sums_exactly_and_breaks_ties_to_the_lower_index() {
        assert_eq!(split_proportional(10, &[1, 1, 1]).unwrap(), vec![4, 3, 3]);
        assert_eq!(split_proportional(1, &[5_000, 5_000]).unwrap(), vec![1, 0]);
        assert_eq!(
            split_proportional(100, &[7_000, 2_000, 1_000]).unwrap(),
            vec![70, 20, 10]
        );
        assert_eq!(
            split_proportional(u128::MAX, &[1, 2])
                .unwrap()
                .iter()
                .sum::<u128>(),
            u128::MAX
        );
        assert!(split_proportional(5, &[0, 0]).is_none());
        assert!(split_proportional(5, &[u64::MAX, 1]).is_none());
    }

    #[test]
    fn split_of_many_random_cases_conserves_every_unit() {
        // A fixed linear congruential sequence: deterministic, no dependency.
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            x >> 11
        };
        for _ in 0..2_000 {
            let n = (next() % 9 + 1) as usize;
            let weights: Vec<u64> = (0..n).map(|_| next() % 10_001).collect();
            let total = (next() as u128) * (next() as u128 % 1_000 + 1);
            match split_proportional(total, &weights) {
                Some(parts) => assert_eq!(parts.iter().sum::<u128>(), total),
                None => assert!(weights.iter().all(|&w| w == 0)),
            }
        }
    }
}
