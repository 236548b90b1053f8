//! The corpus index: every contribution's text as word tokens, concatenated into one token
//! string with a separator after each contribution, and ONE suffix array over it (built by
//! libsais, which sorts integer alphabets directly).
//!
//! Tokens: the words of `openledger_attribution::words`, the rule the chain uses too;
//! everything else (spaces, line breaks, punctuation) only separates words. So a quotation
//! matches across re-wrapped lines, changed punctuation and capitalisation, while each token
//! still carries a whole word (a 4-token span is a 4-word phrase, not 4 letters). Word ids are
//! dense u32 values in order of first appearance (contributions in id order), 0 being the
//! separator, which no query token ever equals: a match can never cross from one contribution
//! into the next.

use std::collections::BTreeMap;
use std::ops::Range;

use anyhow::{bail, Context as _, Result};
use libsais::SuffixArrayConstruction;

/// The token between contributions (and after the last one).
const SEPARATOR: i32 = 0;

pub use openledger_attribution::words;

/// One suffix array over all contributions. Built once, then queried by [`super::matcher`].
#[derive(Debug)]
pub struct Index {
    vocab: BTreeMap<Box<str>, i32>,
    /// Token ids of all contributions, each followed by [`SEPARATOR`].
    tokens: Vec<i32>,
    /// Suffix array of `tokens`.
    sa: Vec<i32>,
    /// Token offset at which each contribution starts, ascending.
    starts: Vec<usize>,
    /// Contribution id of each contribution, in the same order.
    ids: Vec<u64>,
}

impl Index {
    /// Indexes `(contribution_id, text)` pairs; the ids must be distinct.
    pub fn build<S: AsRef<str>>(contributions: &[(u64, S)]) -> Result<Self> {
        if contributions.is_empty() {
            bail!("no contributions to index");
        }
        let mut order: Vec<usize> = (0..contributions.len()).collect();
        order.sort_by_key(|&i| contributions[i].0);
        if let Some(w) = order
            .windows(2)
            .find(|w| contributions[w[0]].0 == contributions[w[1]].0)
        {
            bail!("contribution {} is given twice", contributions[w[0]].0);
        }
        let mut vocab: BTreeMap<Box<str>, i32> = BTreeMap::new();
        let mut tokens = Vec::new();
        let mut starts = Vec::with_capacity(order.len());
        let mut ids = Vec::with_capacity(order.len());
        for i in order {
            let (id, text) = (&contributions[i].0, contributions[i].1.as_ref());
            starts.push(tokens.len());
            ids.push(*id);
            for w in words(text) {
                let tok = match vocab.get(w.text.as_ref()) {
                    Some(&t) => t,
                    None => {
                        let t =
                            i32::try_from(vocab.len() + 1).context("too many distinct words")?;
                        vocab.insert(w.text.into_owned().into_boxed_str(), t);
                        t
                    }
                };
                tokens.push(tok);
            }
            tokens.push(SEPARATOR);
        }
        if i32::try_from(tokens.len()).is_err() {
            bail!(
                "the corpus has {} words: at most {} can be indexed",
                tokens.len(),
                i32::MAX
            );
        }
        let sa = SuffixArrayConstruction::for_text_mut(&mut tokens)
            .in_owned_buffer32()
            .single_threaded()
            .run()
            .map_err(|e| anyhow::anyhow!("suffix array construction failed: {e:?}"))?
            .into_vec();
        Ok(Self {
            vocab,
            tokens,
            sa,
            starts,
            ids,
        })
    }

    /// Number of tokens indexed, separators included.
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// Number of distinct words.
    pub fn vocabulary(&self) -> usize {
        self.vocab.len()
    }

    /// The token id of a (lower-cased) word, None for a word no contribution has.
    pub fn token(&self, word: &str) -> Option<i32> {
        self.vocab.get(word).copied()
    }

    /// A query text as tokens (None: a word absent from the corpus, which matches nothing) and
    /// the byte range of each word in `text`.
    pub fn encode(&self, text: &str) -> (Vec<Option<i32>>, Vec<Range<usize>>) {
        words(text).map(|w| (self.token(&w.text), w.span)).unzip()
    }

    /// The suffix-array range of every suffix (all of them match the empty prefix).
    pub fn full_range(&self) -> Range<usize> {
        0..self.sa.len()
    }

    /// Narrows `range`, whose suffixes all share their first `depth` tokens (none a separator),
    /// to those whose next token is `tok`: two binary searches. Empty when none is.
    pub fn narrow(&self, range: Range<usize>, depth: usize, tok: i32) -> Range<usize> {
        let slice = &self.sa[range.clone()];
        // The text ends with a separator and the shared prefix has none, so `p + depth` is
        // always inside the text.
        let at = |p: &i32| self.tokens[p.unsigned_abs() as usize + depth];
        let lo = slice.partition_point(|p| at(p) < tok);
        let hi = lo + slice[lo..].partition_point(|p| at(p) <= tok);
        range.start + lo..range.start + hi
    }

    /// Text positions (token offsets) of the suffixes in a suffix-array range.
    pub fn positions(&self, range: Range<usize>) -> impl Iterator<Item = usize> + '_ {
        self.sa[range].iter().map(|p| p.unsigned_abs() as usize)
    }

    /// The contribution holding the token at `pos`.
    pub fn contribution_at(&self, pos: usize) -> u64 {
        let k = self.starts.partition_point(|&s| s <= pos);
        self.ids[k - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffix_array_is_sorted_and_maps_back() {
        let idx = Index::build(&[(9, "b a b"), (2, "a b c a")]).unwrap();
        // Contribution 2 comes first: a b c a $ b a b $
        assert_eq!(idx.len(), 9);
        assert_eq!(idx.vocabulary(), 3);
        assert_eq!(idx.ids, [2, 9]);
        for w in idx.sa.windows(2) {
            let (a, b) = (w[0] as usize, w[1] as usize);
            assert!(
                idx.tokens[a..] < idx.tokens[b..],
                "suffixes {a} and {b} out of order"
            );
        }
        assert_eq!(idx.contribution_at(0), 2);
        assert_eq!(idx.contribution_at(4), 2);
        assert_eq!(idx.contribution_at(5), 9);
        assert_eq!(idx.contribution_at(8), 9);
        let (a, b) = (idx.token("a").unwrap(), idx.token("b").unwrap());
        let r = idx.narrow(idx.full_range(), 0, a);
        assert_eq!(r.len(), 3);
        let r = idx.narrow(r, 1, b);
        let mut at: Vec<usize> = idx.positions(r).collect();
        at.sort_unstable();
        assert_eq!(at, [0, 6]);
        assert!(idx.token("z").is_none());
    }

    #[test]
    fn rejects_duplicate_ids_and_empty_input() {
        assert!(Index::build(&[(1, "a"), (1, "b")]).is_err());
        assert!(Index::build::<&str>(&[]).is_err());
        let idx = Index::build(&[(1, ""), (2, "x")]).unwrap();
        assert_eq!(idx.contribution_at(1), 2);
    }
}
