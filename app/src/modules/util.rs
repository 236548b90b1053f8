//! Small pieces the modules share: query request decoding and paging, field checks (hashes, and
//! the one check of every stored free-text field, [`check_text`]), and the
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

/// Whether a free-text field may break lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    /// Names, URIs, endpoints, ids: one line, no control character at all.
    One,
    /// Descriptions, metadata, reasons: `\n` allowed, every other control character refused.
    Many,
}

/// Why a free-text field was refused. Each module turns it into its own error: the length into
/// its invalid-field error, a control character into its `ControlCharacter` variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextError {
    /// `len` characters, outside `min..=max`.
    Length {
        field: &'static str,
        min: usize,
        max: usize,
        len: usize,
    },
    /// The character at position `at` (counted in characters) is a control character.
    ControlCharacter {
        field: &'static str,
        at: usize,
        ch: char,
    },
}

impl TextError {
    pub fn field(&self) -> &'static str {
        match self {
            TextError::Length { field, .. } | TextError::ControlCharacter { field, .. } => field,
        }
    }
}

impl std::fmt::Display for TextError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TextError::Length {
                field,
                min,
                max,
                len,
            } => write!(f, "{field} must be {min}..={max} characters, got {len}"),
            TextError::ControlCharacter { field, at, ch } => write!(
                f,
                "{field} holds the control character U+{:04X} at character {at}",
                *ch as u32
            ),
        }
    }
}

/// A character no stored text may hold: the C0 and C1 controls and DEL (Unicode category Cc,
/// which includes the ESC that starts terminal escape sequences, and CR, which lets a line
/// overwrite itself), the line and paragraph separators, and the bidirectional embedding,
/// override and isolate controls (which reorder what a reader sees, "Trojan Source").
pub fn is_refused_control(ch: char) -> bool {
    ch.is_control()
        || matches!(
            ch,
            '\u{061C}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// The one check of every free-text field a message or genesis stores: `min..=max` characters
/// and no control character ([`is_refused_control`]), except `\n` where `lines` is
/// [`Lines::Many`].
pub fn check_text(
    field: &'static str,
    value: &str,
    min: usize,
    max: usize,
    lines: Lines,
) -> Result<(), TextError> {
    let mut len = 0;
    for (at, ch) in value.chars().enumerate() {
        if is_refused_control(ch) && !(ch == '\n' && lines == Lines::Many) {
            return Err(TextError::ControlCharacter { field, at, ch });
        }
        len = at + 1;
    }
    if len < min || len > max {
        return Err(TextError::Length {
            field,
            min,
            max,
            len,
        });
    }
    Ok(())
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
        if let Some(part) = parts.get_mut(i) {
            *part += 1;
        }
    }
    Some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_refuses_every_control_character_and_names_the_field() {
        assert_eq!(
            check_text("name", "base-llm é 模型", 1, 128, Lines::One),
            Ok(())
        );
        assert_eq!(
            check_text("description", "line one\nline two", 0, 64, Lines::Many),
            Ok(())
        );
        for bad in [
            "\u{1b}[31mred", // ESC: a terminal escape sequence
            "a\rb",
            "a\tb",
            "nul\0",
            "del\u{7f}",
            "c1\u{9b}",
            "bidi\u{202E}txt",
            "iso\u{2066}x",
            "sep\u{2028}x",
            "mark\u{200F}",
        ] {
            for lines in [Lines::One, Lines::Many] {
                let err = check_text("uri", bad, 0, 64, lines).unwrap_err();
                assert!(
                    matches!(err, TextError::ControlCharacter { field: "uri", .. }),
                    "{bad:?}: {err}"
                );
            }
        }
        assert_eq!(
            check_text("name", "a\nb", 0, 64, Lines::One),
            Err(TextError::ControlCharacter {
                field: "name",
                at: 1,
                ch: '\n'
            })
        );
        assert_eq!(
            check_text("name", "", 1, 128, Lines::One),
            Err(TextError::Length {
                field: "name",
                min: 1,
                max: 128,
                len: 0
            })
        );
        assert!(matches!(
            check_text("name", &"x".repeat(129), 1, 128, Lines::One),
            Err(TextError::Length { len: 129, .. })
        ));
    }

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
