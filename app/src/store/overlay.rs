//! Uncommitted writes layered over a readable state: the block's write set over the committed
//! store, and a transaction's scratch delta over the block's, thrown away if the tx fails.
//!
//! Range reads are pull iterators all the way down: an overlay merges its own writes in the range
//! with its parent's iterator as items are pulled (a deletion hides the parent's key), and the
//! committed store reads RocksDB as it goes, so a reader that stops (a page is full, the gas ran
//! out) loads nothing past where it stopped.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::iter::Peekable;

use super::{StoreError, Substore};

/// Key/value pairs in key order.
pub type KeyValues = Vec<(Vec<u8>, Vec<u8>)>;

/// One live key/value of a range, or the store's failure to read it.
pub type KeyValueResult = Result<(Vec<u8>, Vec<u8>), StoreError>;

/// The live key/values of a range in key order, read as they are pulled.
pub type RangeIter<'s> = Box<dyn Iterator<Item = KeyValueResult> + 's>;

/// Pending writes in key order; `None` is a deletion.
pub type Writes = BTreeMap<(Substore, Vec<u8>), Option<Vec<u8>>>;

/// Read access to a state: committed, or committed plus pending writes.
pub trait StateRead {
    fn get(&self, store: Substore, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError>;

    /// The live key/values under `prefix` whose key is at or after `start` (a whole key, so a
    /// page resumes where the last one stopped), in key order, read lazily: nothing is loaded
    /// before it is pulled.
    fn range(&self, store: Substore, prefix: &[u8], start: Option<&[u8]>) -> RangeIter<'_>;

    /// All live key/values under `prefix`, in key order (the whole range, loaded at once).
    fn prefix(&self, store: Substore, prefix: &[u8]) -> Result<KeyValues, StoreError> {
        self.range(store, prefix, None).collect()
    }
}

/// Where a range under `prefix` starts: at `start` when it lies past the prefix itself.
pub fn range_start(prefix: &[u8], start: Option<&[u8]>) -> Vec<u8> {
    match start {
        Some(start) if start > prefix => start.to_vec(),
        _ => prefix.to_vec(),
    }
}

/// Writes over a parent state. Reads see the writes first.
pub struct Overlay<'a> {
    parent: &'a dyn StateRead,
    writes: Writes,
}

impl<'a> Overlay<'a> {
    pub fn new(parent: &'a dyn StateRead) -> Self {
        Overlay {
            parent,
            writes: Writes::new(),
        }
    }

    pub fn with_writes(parent: &'a dyn StateRead, writes: Writes) -> Self {
        Overlay { parent, writes }
    }

    pub fn put(&mut self, store: Substore, key: Vec<u8>, value: Vec<u8>) {
        self.writes.insert((store, key), Some(value));
    }

    pub fn delete(&mut self, store: Substore, key: Vec<u8>) {
        self.writes.insert((store, key), None);
    }

    /// Hands the writes over, to be applied to the layer below.
    pub fn into_writes(self) -> Writes {
        self.writes
    }

    pub fn writes(&self) -> &Writes {
        &self.writes
    }

    /// Applies writes taken from a layer above.
    pub fn apply(&mut self, writes: Writes) {
        self.writes.extend(writes);
    }
}

/// A state with nothing in it: what genesis is applied over.
pub struct EmptyState;

impl StateRead for EmptyState {
    fn get(&self, _: Substore, _: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(None)
    }
    fn range(&self, _: Substore, _: &[u8], _: Option<&[u8]>) -> RangeIter<'_> {
        Box::new(std::iter::empty())
    }
}

impl StateRead for Overlay<'_> {
    fn get(&self, store: Substore, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        // BTreeMap lookups need an owned key; the allocation is small next to a RocksDB read.
        match self.writes.get(&(store, key.to_vec())) {
            Some(value) => Ok(value.clone()),
            None => self.parent.get(store, key),
        }
    }

    fn range(&self, store: Substore, prefix: &[u8], start: Option<&[u8]>) -> RangeIter<'_> {
        let from = range_start(prefix, start);
        let own_prefix = prefix.to_vec();
        let local = self
            .writes
            .range((store, from.clone())..)
            .take_while(move |((s, key), _)| *s == store && key.starts_with(&own_prefix))
            .map(|((_, key), value)| (key, value));
        Box::new(Merge {
            local: local.peekable(),
            parent: self.parent.range(store, prefix, Some(&from)).peekable(),
        })
    }
}

/// An overlay's writes in a range merged with its parent's range, in key order: a write shadows
/// the parent's value of its key, a deletion hides it.
struct Merge<'s, L: Iterator<Item = (&'s Vec<u8>, &'s Option<Vec<u8>>)>> {
    local: Peekable<L>,
    parent: Peekable<RangeIter<'s>>,
}

impl<'s, L: Iterator<Item = (&'s Vec<u8>, &'s Option<Vec<u8>>)>> Iterator for Merge<'s, L> {
    type Item = KeyValueResult;

    fn next(&mut self) -> Option<KeyValueResult> {
        loop {
            let order = match (self.local.peek(), self.parent.peek()) {
                (None, None) => return None,
                (Some(_), None) => Ordering::Less,
                // A failure below is passed up as soon as it is met.
                (None, Some(_)) | (Some(_), Some(Err(_))) => Ordering::Greater,
                (Some((own, _)), Some(Ok((theirs, _)))) => own.as_slice().cmp(theirs.as_slice()),
            };
            if order == Ordering::Greater {
                return self.parent.next();
            }
            if order == Ordering::Equal {
                self.parent.next();
            }
            if let Some((key, Some(value))) = self.local.next() {
                return Some(Ok((key.clone(), value.clone())));
            }
        }
    }
}
