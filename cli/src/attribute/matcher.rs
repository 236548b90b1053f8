//! Attribution of one model output over an [`Index`]: the Infini-gram idea, with whole words as
//! tokens.
//!
//! For each token position i of the output, the longest span starting at i that occurs somewhere
//! in the corpus is found by narrowing a suffix-array range one token at a time (two binary
//! searches per token). Its end e(i) = i + len(i) never decreases with i (a suffix of a match is
//! a match), so the spans that are not inside an earlier one are exactly those whose end moves
//! past every counted span: left to right, a span is counted when it is at least `min_span`
//! tokens long and ends after the last counted one. Counted spans may overlap (each is a maximal
//! match), but a span wholly inside a longer counted one is never counted again.
//!
//! Credit: every contribution that contains a counted span gets weight = the span's length in
//! tokens, in full. A passage copied into several contributions is evidence for each of them,
//! and splitting the credit would need rounding rules; the full-credit rule is simple, exact
//! and deterministic. Totals are summed per contribution in a BTreeMap, so the output is in id
//! order whatever the input order.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use super::index::Index;

/// A counted span of the output: `len` tokens from token `start`, found in `contributions`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub len: usize,
    /// Ids of the contributions containing the span, ascending.
    pub contributions: Vec<u64>,
}

/// The counted spans in output order and the weight of each contribution credited (non-zero).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attribution {
    pub spans: Vec<Span>,
    pub weights: BTreeMap<u64, u64>,
}

/// The longest prefix of `query` occurring in the corpus: its length in tokens and the
/// suffix-array range of its occurrences.
pub fn longest_match(index: &Index, query: &[Option<i32>]) -> (usize, Range<usize>) {
    let mut range = index.full_range();
    let mut len = 0;
    for tok in query {
        let Some(tok) = *tok else { break };
        let next = index.narrow(range.clone(), len, tok);
        if next.is_empty() {
            break;
        }
        range = next;
        len += 1;
    }
    (len, range)
}

/// Attributes an encoded output (see [`Index::encode`]); `min_span` is at least 1.
pub fn attribute(index: &Index, query: &[Option<i32>], min_span: usize) -> Attribution {
    let min_span = min_span.max(1);
    let mut out = Attribution::default();
    // End (exclusive) of the last counted span.
    let mut covered = 0;
    for i in 0..query.len() {
        if query.len() - i < min_span {
            break;
        }
        if query[i].is_none() {
            continue;
        }
        let (len, range) = longest_match(index, &query[i..]);
        if len < min_span || i + len <= covered {
            continue;
        }
        covered = i + len;
        let contributions: BTreeSet<u64> = index
            .positions(range)
            .map(|p| index.contribution_at(p))
            .collect();
        let weight = len as u64;
        for &c in &contributions {
            *out.weights.entry(c).or_insert(0) += weight;
        }
        out.spans.push(Span {
            start: i,
            len,
            contributions: contributions.into_iter().collect(),
        });
    }
    out
}

/// The `k` heaviest contributions (ties: the lower id first), still in id order; all when `k` is
/// None.
pub fn top(weights: &BTreeMap<u64, u64>, k: Option<usize>) -> BTreeMap<u64, u64> {
    let Some(k) = k else { return weights.clone() };
    let mut by_weight: Vec<(u64, u64)> = weights.iter().map(|(&c, &w)| (c, w)).collect();
    by_weight.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    by_weight.into_iter().take(k).collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn run(docs: &[(u64, &str)], output: &str, min_span: usize) -> Attribution {
        let idx = Index::build(docs).unwrap();
        attribute(&idx, &idx.encode(output).0, min_span)
    }

    fn weights(a: &Attribution) -> Vec<(u64, u64)> {
        a.weights.iter().map(|(&c, &w)| (c, w)).collect()
    }

    #[test]
    fn longest_spans_left_to_right() {
        let docs = [(1, "a b c d e f"), (2, "x c d e f g h"), (3, "q r s")];
        // "a b c d" (4, only in 1) then "c d e f g" (5, only in 2): they overlap, both count.
        let a = run(&docs, "a b c d e f g z", 4);
        assert_eq!(
            a.spans,
            [
                Span {
                    start: 0,
                    len: 6,
                    contributions: vec![1]
                },
                Span {
                    start: 2,
                    len: 5,
                    contributions: vec![2]
                },
            ]
        );
        assert_eq!(weights(&a), [(1, 6), (2, 5)]);
        // Spans shorter than min_span count for nothing.
        assert!(run(&docs, "q r s", 4).weights.is_empty());
        assert_eq!(weights(&run(&docs, "q r s", 3)), [(3, 3)]);
        // A span inside a longer counted one is not counted again, even from another contribution.
        let a = run(&[(1, "a b c d e"), (2, "b c d e")], "a b c d e", 2);
        assert_eq!(weights(&a), [(1, 5)]);
    }

    #[test]
    fn shared_spans_credit_every_holder_in_full() {
        let a = run(
            &[
                (5, "one two three four"),
                (4, "zero one two three four five"),
            ],
            "one two three four",
            4,
        );
        assert_eq!(
            a.spans,
            [Span {
                start: 0,
                len: 4,
                contributions: vec![4, 5]
            }]
        );
        assert_eq!(weights(&a), [(4, 4), (5, 4)]);
        // A span repeated inside one contribution is credited once per counted span.
        let a = run(&[(1, "p q r s p q r s")], "p q r s", 4);
        assert_eq!(weights(&a), [(1, 4)]);
    }

    #[test]
    fn no_match_crosses_contributions_or_unknown_words() {
        let docs = [(1, "a b c"), (2, "d e f")];
        assert!(run(&docs, "a b c d e f", 4).weights.is_empty());
        assert_eq!(weights(&run(&docs, "a b unknown b c", 2)), [(1, 4)]);
        assert_eq!(weights(&run(&docs, "a b c d e f", 3)), [(1, 3), (2, 3)]);
    }

    #[test]
    fn top_k_keeps_heaviest_then_lowest_id() {
        let w: BTreeMap<u64, u64> = [(1, 5), (2, 9), (3, 5), (4, 1)].into_iter().collect();
        assert_eq!(
            top(&w, Some(2)).into_iter().collect::<Vec<_>>(),
            [(1, 5), (2, 9)]
        );
        assert_eq!(top(&w, Some(0)).len(), 0);
        assert_eq!(top(&w, None), w);
    }

    /// Deterministic pseudo-random numbers (xorshift64*), for tests without a rand crate.
    pub(crate) struct Rng(pub u64);
    impl Rng {
        pub fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        pub fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    /// The same rules by brute force: every start in every contribution.
    fn naive(docs: &[Vec<&str>], ids: &[u64], q: &[&str], min_span: usize) -> BTreeMap<u64, u64> {
        let mut weights = BTreeMap::new();
        let mut covered = 0;
        for i in 0..q.len() {
            let mut best = 0;
            let mut holders = BTreeSet::new();
            for (d, doc) in docs.iter().enumerate() {
                for s in 0..doc.len() {
                    let l = doc[s..]
                        .iter()
                        .zip(&q[i..])
                        .take_while(|(a, b)| a == b)
                        .count();
                    if l > best {
                        best = l;
                        holders.clear();
                    }
                    if l == best && l > 0 {
                        holders.insert(ids[d]);
                    }
                }
            }
            if best >= min_span && i + best > covered {
                covered = i + best;
                for h in holders {
                    *weights.entry(h).or_insert(0) += best as u64;
                }
            }
        }
        weights
    }

    #[test]
    fn agrees_with_brute_force_on_random_corpora() {
        const WORDS: [&str; 5] = ["a", "b", "c", "d", "e"];
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for round in 0..200 {
            let n_docs = 1 + rng.below(5) as usize;
            let docs: Vec<Vec<&str>> = (0..n_docs)
                .map(|_| {
                    (0..rng.below(40))
                        .map(|_| WORDS[rng.below(3 + round % 3) as usize])
                        .collect()
                })
                .collect();
            let ids: Vec<u64> = (0..n_docs as u64).map(|d| d * 3 + 1).collect();
            let q: Vec<&str> = (0..rng.below(30))
                .map(|_| WORDS[rng.below(5) as usize])
                .collect();
            let texts: Vec<(u64, String)> = ids
                .iter()
                .zip(&docs)
                .map(|(&i, d)| (i, d.join(" ")))
                .collect();
            let idx = Index::build(&texts).unwrap();
            let min_span = 1 + rng.below(5) as usize;
            let got = attribute(&idx, &idx.encode(&q.join(" ")).0, min_span).weights;
            assert_eq!(
                got,
                naive(&docs, &ids, &q, min_span),
                "round {round}: {texts:?} / {q:?} / {min_span}"
            );
        }
    }
}
