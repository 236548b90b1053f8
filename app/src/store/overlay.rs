//! Uncommitted writes layered over a readable state: the block's write set over the committed
//! store, and a transaction's scratch delta over the block's, thrown away if the tx fails.

use std::collections::BTreeMap;

use super::{StoreError, Substore};

/// Key/value pairs in key order.
pub type KeyValues = Vec<(Vec<u8>, Vec<u8>)>;

/// Pending writes in key order; `None` is a deletion.
pub type Writes = BTreeMap<(Substore, Vec<u8>), Option<Vec<u8>>>;

/// Read access to a state: committed, or committed plus pending writes.
pub trait StateRead {
    fn get(&self, store: Substore, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError>;
    /// All live key/values under `prefix`, in key order.
    fn prefix(&self, store: Substore, prefix: &[u8]) -> Result<KeyValues, StoreError>;
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
    fn prefix(&self, _: Substore, _: &[u8]) -> Result<KeyValues, StoreError> {
        Ok(Vec::new())
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

    fn prefix(&self, store: Substore, prefix: &[u8]) -> Result<KeyValues, StoreError> {
        let mut merged: BTreeMap<Vec<u8>, Vec<u8>> =
            self.parent.prefix(store, prefix)?.into_iter().collect();
        let start = (store, prefix.to_vec());
        for ((s, key), value) in self.writes.range(start..) {
            if *s != store || !key.starts_with(prefix) {
                break;
            }
            match value {
                Some(v) => merged.insert(key.clone(), v.clone()),
                None => merged.remove(key),
            };
        }
        Ok(merged.into_iter().collect())
    }
}
