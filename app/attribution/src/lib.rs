//! The reference attribution rule, written once for the CLI's attributor and for the chain,
//! which recomputes it to judge a proof of a wrong weight (`MsgProveWrongWeight`).
//!
//! **The weight of a contribution in an output** is the number of the output's words covered by
//! runs of at least `min_span` consecutive words that also occur, consecutively, in the
//! contribution. It depends on those two texts and `min_span` only, never on the rest of the
//! corpus, so anyone holding the output and one contribution's bytes can check it, and the
//! chain can too, in time linear in their sizes.
//!
//! **Words**: a word is a maximal run of characters that are ASCII letters or digits, or
//! non-ASCII characters outside the punctuation blocks listed in [`separates`]; ASCII letters
//! compare lower-cased; everything else (spaces, punctuation, control characters) separates
//! words. Only ASCII is case-folded and the separators are fixed ranges written here: Unicode
//! tables change between Rust releases, and two validators built with different compilers must
//! never disagree on a weight.

// No panic on an input path: unwrap, expect, indexing and panic! are refused outside tests;
// the few uses that cannot fail carry an allow with the reason.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )
)]

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

/// A word of a text: ASCII-lower-cased, with its byte range in the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word<'a> {
    pub text: Cow<'a, str>,
    pub span: Range<usize>,
}

/// Non-ASCII characters that separate words: Latin-1 punctuation and symbols (no-break space,
/// «, », ¿, ×, ÷ …), General Punctuation (dashes, curly quotes, ellipsis …), and CJK symbols
/// and punctuation.
pub fn separates(c: char) -> bool {
    matches!(c, '\u{80}'..='\u{bf}' | '\u{d7}' | '\u{f7}' | '\u{2000}'..='\u{206f}' | '\u{3000}'..='\u{303f}')
}

fn in_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || (!c.is_ascii() && !separates(c))
}

/// The words of `text` in order.
pub fn words(text: &str) -> impl Iterator<Item = Word<'_>> + '_ {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let (start, _) = chars.by_ref().find(|&(_, c)| in_word(c))?;
        let mut end = text.len();
        while let Some(&(i, c)) = chars.peek() {
            if !in_word(c) {
                end = i;
                break;
            }
            chars.next();
        }
        let raw = &text[start..end];
        let text = if raw.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(raw.to_ascii_lowercase())
        } else {
            Cow::Borrowed(raw)
        };
        Some(Word {
            text,
            span: start..end,
        })
    })
}

fn tokens(text: &str) -> Vec<Cow<'_, str>> {
    words(text).map(|w| w.text).collect()
}

/// The output words (by index) that runs of at least `min_span` words of `contribution` cover.
pub fn covered(output: &str, contribution: &str, min_span: usize) -> Vec<bool> {
    let min_span = min_span.max(1);
    let out = tokens(output);
    let mut covered = vec![false; out.len()];
    let source = tokens(contribution);
    if out.len() < min_span || source.len() < min_span {
        return covered;
    }
    // A longer common run is covered exactly by its windows of `min_span` words.
    let windows: BTreeSet<&[Cow<'_, str>]> = source.windows(min_span).collect();
    for (i, window) in out.windows(min_span).enumerate() {
        if windows.contains(window) {
            covered
                .iter_mut()
                .skip(i)
                .take(min_span)
                .for_each(|c| *c = true);
        }
    }
    covered
}

/// The weight of `contribution` in `output` (see the crate doc).
pub fn weight(output: &str, contribution: &str, min_span: usize) -> u64 {
    covered(output, contribution, min_span)
        .into_iter()
        .filter(|&c| c)
        .count() as u64
}

/// The non-zero weights of `(id, text)` contributions in `output`, by id.
pub fn weights<S: AsRef<str>>(
    output: &str,
    contributions: &[(u64, S)],
    min_span: usize,
) -> BTreeMap<u64, u64> {
    contributions
        .iter()
        .map(|(id, text)| (*id, weight(output, text.as_ref(), min_span)))
        .filter(|&(_, w)| w > 0)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_ascii_lower_cased_runs_and_non_ascii_letters_stay_as_they_are() {
        let w: Vec<String> = words("Hello, WORLD-wide\tweb 42! Ärger über 2nd—leap «çà»")
            .map(|w| w.text.into_owned())
            .collect();
        assert_eq!(
            w,
            ["hello", "world", "wide", "web", "42", "Ärger", "über", "2nd", "leap", "çà"]
        );
        let spans: Vec<_> = words("ab  Cd").map(|w| w.span).collect();
        assert_eq!(spans, [0..2, 4..6]);
    }

    #[test]
    fn a_weight_counts_the_output_words_covered_by_long_enough_shared_runs() {
        let contribution = "the quick brown fox jumps over the lazy dog";
        // "quick brown fox jumps" (4) and "the lazy dog" (3) are shared; "a" and "cat" are not.
        let output = "a quick brown fox jumps near the lazy dog cat";
        assert_eq!(weight(output, contribution, 3), 7);
        assert_eq!(weight(output, contribution, 4), 4);
        assert_eq!(weight(output, contribution, 5), 0);
        // Case and punctuation do not matter; word order does.
        assert_eq!(weight("QUICK, brown. Fox!", contribution, 3), 3);
        assert_eq!(weight("fox brown quick", contribution, 2), 0);
    }

    #[test]
    fn overlapping_runs_count_each_word_once() {
        let contribution = "a b c d e f";
        assert_eq!(weight("a b c d e f", contribution, 2), 6);
        assert_eq!(weight("a b c a b c", contribution, 3), 6);
        assert_eq!(weight("a b x", contribution, 3), 0);
    }

    #[test]
    fn weights_depend_on_each_contribution_alone() {
        let corpus = [
            (7u64, "one two three four"),
            (3, "two three four five"),
            (9, "none"),
        ];
        let w = weights("one two three four five", &corpus, 3);
        assert_eq!(w, BTreeMap::from([(3, 4), (7, 4)]));
        // Adding a contribution changes no other contribution's weight.
        let more = [
            corpus[0],
            corpus[1],
            corpus[2],
            (11, "one two three four five"),
        ];
        let w2 = weights("one two three four five", &more, 3);
        assert_eq!((w2[&3], w2[&7], w2[&11]), (4, 4, 5));
    }

    #[test]
    fn empty_and_short_texts_weigh_nothing() {
        assert_eq!(weight("", "a b c", 1), 0);
        assert_eq!(weight("a b c", "", 1), 0);
        assert_eq!(weight("a b", "a b", 3), 0);
        assert_eq!(weight("a", "a", 0), 1, "min_span 0 is taken as 1");
    }
}
