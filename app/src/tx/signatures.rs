//! Signatures already verified, so a tx's signature is checked once on this node: at CheckTx, or
//! in PrepareProposal, ProcessProposal or FinalizeBlock when the tx reaches them first.
//!
//! Keyed by sha256 of the tx bytes, which cover the body, the auth info (signer's public key and
//! sequence) and the signature itself; the entry is the account number and key it verified
//! against, and the ante check trusts it only while the account still has both (see
//! [`Verified`]). A hit can only spare work: the verdict of every check stays the same.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

use super::ante::Verified;

/// Entries kept at most: ten times CometBFT's default mempool size, about 7 MB.
pub const CAPACITY: usize = 50_000;

pub type TxHash = [u8; 32];

pub fn tx_hash(tx: &[u8]) -> TxHash {
    Sha256::digest(tx).into()
}

#[derive(Default)]
pub struct SignatureCache {
    inner: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    verified: BTreeMap<TxHash, Verified>,
    /// Insertion order, for evicting the oldest entry at capacity.
    order: VecDeque<TxHash>,
}

impl SignatureCache {
    fn entries(&self) -> std::sync::MutexGuard<'_, Entries> {
        // Entries are whole values: a panic elsewhere cannot leave one half-written.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn get(&self, hash: &TxHash) -> Option<Verified> {
        self.entries().verified.get(hash).copied()
    }

    pub fn insert(&self, hash: TxHash, verified: Verified) {
        let mut entries = self.entries();
        if entries.verified.insert(hash, verified).is_some() {
            return;
        }
        entries.order.push_back(hash);
        while entries.order.len() > CAPACITY {
            if let Some(oldest) = entries.order.pop_front() {
                entries.verified.remove(&oldest);
            }
        }
    }

    /// Drops the entries of committed txs: a committed tx's sequence is spent, so it can never
    /// pass the ante checks again.
    pub fn forget(&self, hashes: &[TxHash]) {
        let mut entries = self.entries();
        for hash in hashes {
            entries.verified.remove(hash);
        }
        let Entries { verified, order } = &mut *entries;
        order.retain(|h| verified.contains_key(h));
    }

    pub fn len(&self) -> usize {
        self.entries().verified.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verified(n: u64) -> Verified {
        Verified {
            account_number: n,
            key: [2; 33],
        }
    }

    #[test]
    fn the_cache_keeps_at_most_its_capacity_evicting_the_oldest_first() {
        let cache = SignatureCache::default();
        for i in 0..CAPACITY as u64 + 10 {
            cache.insert(tx_hash(&i.to_be_bytes()), verified(i));
        }
        assert_eq!(cache.len(), CAPACITY);
        assert_eq!(cache.get(&tx_hash(&0u64.to_be_bytes())), None);
        let newest = CAPACITY as u64 + 9;
        assert_eq!(
            cache.get(&tx_hash(&newest.to_be_bytes())),
            Some(verified(newest))
        );
    }

    #[test]
    fn committed_txs_are_forgotten() {
        let cache = SignatureCache::default();
        let (a, b) = (tx_hash(b"a"), tx_hash(b"b"));
        cache.insert(a, verified(1));
        cache.insert(b, verified(2));
        cache.forget(&[a]);
        assert_eq!((cache.get(&a), cache.get(&b)), (None, Some(verified(2))));
    }
}
