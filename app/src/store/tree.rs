//! RocksDB rows of the Jellyfish Merkle Trees, and the `jmt` reader over them.
//!
//! Rows are namespaced by a tree byte so all trees share column families:
//! - nodes:     tree | borsh(NodeKey)                 → borsh(Node)
//! - values:    tree | key_hash | version (big-endian) → 1 | value, or 0 for a deletion
//! - preimages: tree | key_hash                        → key
//! - stale values: since (big-endian) | tree | key_hash → (empty): the key was written at
//!   `since`, so its rows below `since` serve only versions older than `since`

use jmt::storage::{HasPreimage, LeafNode, Node, NodeKey, TreeReader};
use jmt::{KeyHash, OwnedValue, Version};
use rocksdb::{Direction, IteratorMode};

use super::{Storage, StoreError, TreeId, CF_NODES, CF_PREIMAGES, CF_VALUES};

pub(super) fn node_row(tree: TreeId, key: &NodeKey) -> Result<Vec<u8>, StoreError> {
    let mut row = vec![tree.0];
    borsh::to_writer(&mut row, key).map_err(super::io_err)?;
    Ok(row)
}

pub(super) fn value_row(tree: TreeId, key_hash: &KeyHash, version: Version) -> Vec<u8> {
    let mut row = Vec::with_capacity(41);
    row.push(tree.0);
    row.extend_from_slice(&key_hash.0);
    row.extend_from_slice(&version.to_be_bytes());
    row
}

/// The version of a value row if it is one of `key_hash`'s rows in `tree`.
pub(super) fn value_row_version(row: &[u8], tree: TreeId, key_hash: &KeyHash) -> Option<u64> {
    let (head, version) = row.split_last_chunk::<8>()?;
    let (tree_byte, hash) = head.split_first()?;
    (*tree_byte == tree.0 && hash == key_hash.0.as_slice()).then(|| u64::from_be_bytes(*version))
}

pub(super) fn stale_value_row(since: Version, tree: TreeId, key_hash: &KeyHash) -> Vec<u8> {
    let mut row = Vec::with_capacity(41);
    row.extend_from_slice(&since.to_be_bytes());
    row.push(tree.0);
    row.extend_from_slice(&key_hash.0);
    row
}

pub(super) fn parse_stale_value_row(row: &[u8]) -> Option<(Version, TreeId, KeyHash)> {
    let (since, rest) = row.split_first_chunk::<8>()?;
    let (tree, hash) = rest.split_first()?;
    let hash: [u8; 32] = hash.try_into().ok()?;
    Some((u64::from_be_bytes(*since), TreeId(*tree), KeyHash(hash)))
}

/// Whether a stored value row records a deletion (see [`encode_value`]).
pub(super) fn is_deletion(value: &[u8]) -> bool {
    value.first() == Some(&0)
}

pub(super) fn preimage_row(tree: TreeId, key_hash: &KeyHash) -> Vec<u8> {
    let mut row = Vec::with_capacity(33);
    row.push(tree.0);
    row.extend_from_slice(&key_hash.0);
    row
}

pub(super) fn encode_value(value: Option<&[u8]>) -> Vec<u8> {
    match value {
        Some(v) => {
            let mut out = Vec::with_capacity(v.len() + 1);
            out.push(1);
            out.extend_from_slice(v);
            out
        }
        None => vec![0],
    }
}

/// One tree's view of the committed rows.
pub(super) struct TreeView<'a> {
    storage: &'a Storage,
    tree: TreeId,
}

impl<'a> TreeView<'a> {
    pub(super) fn new(storage: &'a Storage, tree: TreeId) -> Self {
        TreeView { storage, tree }
    }
}

impl TreeReader for TreeView<'_> {
    fn get_node_option(&self, node_key: &NodeKey) -> anyhow::Result<Option<Node>> {
        let row = node_row(self.tree, node_key)?;
        match self.storage.db.get_cf(self.storage.cf(CF_NODES), row)? {
            Some(bytes) => Ok(Some(borsh::from_slice(&bytes)?)),
            None => Ok(None),
        }
    }

    fn get_value_option(
        &self,
        max_version: Version,
        key_hash: KeyHash,
    ) -> anyhow::Result<Option<OwnedValue>> {
        let seek = value_row(self.tree, &key_hash, max_version);
        let mut iter = self.storage.db.iterator_cf(
            self.storage.cf(CF_VALUES),
            IteratorMode::From(&seek, Direction::Reverse),
        );
        match iter.next() {
            Some(item) => {
                let (row, value) = item?;
                if row.len() != seek.len() || row.get(..33) != seek.get(..33) {
                    return Ok(None);
                }
                match value.split_first() {
                    Some((1, v)) => Ok(Some(v.to_vec())),
                    _ => Ok(None),
                }
            }
            None => Ok(None),
        }
    }

    fn get_rightmost_leaf(&self) -> anyhow::Result<Option<(NodeKey, LeafNode)>> {
        // Only used by jmt's restore and migration paths, which this chain does not use.
        anyhow::bail!("get_rightmost_leaf is not supported by this store")
    }
}

impl HasPreimage for TreeView<'_> {
    fn preimage(&self, key_hash: KeyHash) -> anyhow::Result<Option<Vec<u8>>> {
        Ok(self.storage.db.get_cf(
            self.storage.cf(CF_PREIMAGES),
            preimage_row(self.tree, &key_hash),
        )?)
    }
}
