//! Versioned, Merkle-committed state.
//!
//! Two levels of Jellyfish Merkle Trees (crate `jmt`) over one RocksDB: one tree per module
//! substore, and a root tree whose leaves map each substore name to that substore's root hash.
//! The app hash is the root tree's root, so a proof of a key is two ICS23 proofs:
//! [key in substore, substore root in root tree] — the form IBC light clients verify.
//!
//! Every tree gets a new version at every height (an empty update copies the root), so the
//! substore version at height H is H. Besides the trees, a flat column family holds the latest
//! value of every key in key order: it serves reads and prefix iteration without walking trees.
//!
//! Nothing is written while a block executes: [`Storage::prepare`] computes the new roots in
//! memory from the block's write set, and [`Storage::commit`] writes that prepared block in one
//! atomic RocksDB batch together with the new height and app hash.

mod overlay;
mod tree;

pub use overlay::{
    range_start, EmptyState, KeyValueResult, KeyValues, Overlay, RangeIter, StateRead, Writes,
};

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use jmt::storage::TreeUpdateBatch;
use jmt::{KeyHash, RootHash, Sha256Jmt};
use rocksdb::{ColumnFamilyDescriptor, Direction, IteratorMode, Options, WriteBatch, DB};
use sha2::Sha256;

use tree::TreeView;

/// The module substores. The byte is the namespace of the substore's rows in RocksDB and must
/// never change once a chain has started.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Substore {
    Auth,
    Bank,
    Datasets,
    Models,
    Licenses,
    Attribution,
    Ibc,
}

impl Substore {
    pub const ALL: [Substore; 7] = [
        Substore::Auth,
        Substore::Bank,
        Substore::Datasets,
        Substore::Models,
        Substore::Licenses,
        Substore::Attribution,
        Substore::Ibc,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Substore::Auth => "auth",
            Substore::Bank => "bank",
            Substore::Datasets => "datasets",
            Substore::Models => "models",
            Substore::Licenses => "licenses",
            Substore::Attribution => "attribution",
            Substore::Ibc => "ibc",
        }
    }

    pub fn from_name(name: &str) -> Option<Substore> {
        Substore::ALL.into_iter().find(|s| s.name() == name)
    }

    fn tree_id(self) -> TreeId {
        TreeId(self as u8 + 1)
    }
}

/// The ICS23 proof specs of a value in a substore, in the order of the proofs a `prove` query
/// returns: the key in its substore's tree, then the substore's root in the root tree. What a
/// counterparty's light client of this chain must hold (docs/adr/0009).
pub fn proof_specs() -> Vec<ics23::ProofSpec> {
    vec![jmt::ics23_spec(), jmt::ics23_spec()]
}

/// Namespace byte of one tree in the node/value/preimage column families. 0 is the root tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TreeId(pub u8);

const ROOT_TREE: TreeId = TreeId(0);

const CF_NODES: &str = "jmt_nodes";
const CF_VALUES: &str = "jmt_values";
const CF_PREIMAGES: &str = "preimages";
const CF_LATEST: &str = "latest";
const CF_STALE: &str = "stale";
const CF_STALE_VALUES: &str = "stale_values";
const CF_META: &str = "meta";

const META_HEIGHT: &[u8] = b"height";
const META_APP_HASH: &[u8] = b"app_hash";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("rocksdb: {0}")]
    Db(#[from] rocksdb::Error),
    #[error("merkle tree: {0}")]
    Tree(String),
    #[error("corrupt store: {0}")]
    Corrupt(String),
    #[error("height {requested} is not available (latest {latest}, pruned or not yet committed)")]
    HeightUnavailable { requested: u64, latest: u64 },
    #[error("prefix iteration is only served at the latest height")]
    HistoricalIteration,
    #[error("no block prepared for commit")]
    NothingPrepared,
}

impl From<anyhow::Error> for StoreError {
    fn from(e: anyhow::Error) -> Self {
        StoreError::Tree(format!("{e:#}"))
    }
}

/// Last committed point of the chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Committed {
    pub height: u64,
    pub app_hash: [u8; 32],
}

/// A block whose roots are computed and that waits for Commit.
pub struct PreparedBlock {
    height: u64,
    writes: Writes,
    tree_batches: Vec<(TreeId, TreeUpdateBatch)>,
    preimages: Vec<(TreeId, KeyHash, Vec<u8>)>,
    substore_roots: BTreeMap<Substore, [u8; 32]>,
    app_hash: [u8; 32],
}

impl PreparedBlock {
    pub fn app_hash(&self) -> [u8; 32] {
        self.app_hash
    }
    pub fn height(&self) -> u64 {
        self.height
    }
    /// Bytes of keys and values the block writes to the flat state (deletions count their key).
    pub fn write_bytes(&self) -> usize {
        self.writes
            .iter()
            .map(|((_, k), v)| k.len() + v.as_ref().map_or(0, Vec::len))
            .sum()
    }
}

/// Versions a node keeps unless told otherwise (`--pruning-keep-recent`): enough for relayers
/// and light clients to prove at recent heights, bounded so the disk does not grow with history.
pub const DEFAULT_KEEP_RECENT: u64 = 100_000;

/// Rows of each kind (tree nodes, values) one commit deletes at most, so a node that restarts
/// with a smaller window, or catches up after archiving, spreads the work over many commits
/// instead of stalling one.
pub const PRUNE_ROWS_PER_COMMIT: usize = 50_000;

/// The persistent store. Cheap to clone (shared RocksDB handle).
#[derive(Clone)]
pub struct Storage {
    db: Arc<DB>,
    /// Keep this many most recent versions of the trees; 0 keeps all (an archive node).
    keep_recent: u64,
}

impl Storage {
    pub fn open(path: &Path, keep_recent: u64) -> Result<Self, StoreError> {
        let mut opts = Options::default();
        opts.create_if_missing(true);
        opts.create_missing_column_families(true);
        let cfs = [
            CF_NODES,
            CF_VALUES,
            CF_PREIMAGES,
            CF_LATEST,
            CF_STALE,
            CF_STALE_VALUES,
            CF_META,
        ]
        .into_iter()
        .map(|name| ColumnFamilyDescriptor::new(name, Options::default()));
        let db = DB::open_cf_descriptors(&opts, path, cfs)?;
        Ok(Storage {
            db: Arc::new(db),
            keep_recent,
        })
    }

    #[allow(clippy::expect_used)] // every name passed here is created in `open`
    fn cf(&self, name: &str) -> &rocksdb::ColumnFamily {
        // The column families are created in `open`, so they are always present.
        self.db
            .cf_handle(name)
            .expect("column family created at open")
    }

    pub fn committed(&self) -> Result<Committed, StoreError> {
        let meta = self.cf(CF_META);
        read_committed(|key| self.db.get_cf(meta, key))
    }

    /// A consistent view of the latest committed state, unmoved by later commits: CheckTx,
    /// simulation and queries read through one so they need no lock that Commit takes, and a
    /// range read never mixes two heights.
    pub fn snapshot(&self) -> Snapshot<'_> {
        Snapshot {
            storage: self,
            snapshot: self.db.snapshot(),
        }
    }

    /// Whether any version was ever committed (genesis included).
    pub fn is_initialized(&self) -> Result<bool, StoreError> {
        Ok(self.db.get_cf(self.cf(CF_META), META_HEIGHT)?.is_some())
    }

    /// Computes the roots of version `height` from the write set, without writing anything.
    pub fn prepare(&self, height: u64, writes: Writes) -> Result<PreparedBlock, StoreError> {
        type Changes = Vec<(KeyHash, Option<Vec<u8>>)>;
        let mut per_store: BTreeMap<Substore, Changes> = BTreeMap::new();
        let mut preimages = Vec::new();
        for ((store, key), value) in writes.iter() {
            let key_hash = KeyHash::with::<Sha256>(key);
            if value.is_some() {
                preimages.push((store.tree_id(), key_hash, key.clone()));
            }
            per_store
                .entry(*store)
                .or_default()
                .push((key_hash, value.clone()));
        }
        let mut tree_batches = Vec::with_capacity(Substore::ALL.len() + 1);
        let mut substore_roots = BTreeMap::new();
        let mut root_leaves = Vec::new();
        for store in Substore::ALL {
            let view = TreeView::new(self, store.tree_id());
            let previous_root = self.tree_root(store.tree_id(), height)?;
            let changes = per_store.remove(&store).unwrap_or_default();
            let (root, batch) = Sha256Jmt::new(&view).put_value_set(changes, height)?;
            substore_roots.insert(store, root.0);
            if previous_root != Some(root) {
                root_leaves.push((KeyHash::with::<Sha256>(store.name()), Some(root.0.to_vec())));
                preimages.push((
                    ROOT_TREE,
                    KeyHash::with::<Sha256>(store.name()),
                    store.name().as_bytes().to_vec(),
                ));
            }
            tree_batches.push((store.tree_id(), batch));
        }
        let view = TreeView::new(self, ROOT_TREE);
        let (app_root, batch) = Sha256Jmt::new(&view).put_value_set(root_leaves, height)?;
        tree_batches.push((ROOT_TREE, batch));
        Ok(PreparedBlock {
            height,
            writes,
            tree_batches,
            preimages,
            substore_roots,
            app_hash: app_root.0,
        })
    }

    /// Root of `tree` as of the version before `height` (None before genesis).
    fn tree_root(&self, tree: TreeId, height: u64) -> Result<Option<RootHash>, StoreError> {
        if height == 0 {
            return Ok(None);
        }
        let view = TreeView::new(self, tree);
        Ok(Sha256Jmt::new(&view).get_root_hash_option(height - 1)?)
    }

    /// Writes a prepared block in one atomic batch, then prunes versions out of the window.
    pub fn commit(&self, block: PreparedBlock) -> Result<Committed, StoreError> {
        let mut batch = WriteBatch::default();
        let (nodes, values, latest, stale, stale_values) = (
            self.cf(CF_NODES),
            self.cf(CF_VALUES),
            self.cf(CF_LATEST),
            self.cf(CF_STALE),
            self.cf(CF_STALE_VALUES),
        );
        for (tree, update) in &block.tree_batches {
            for (node_key, node) in update.node_batch.nodes() {
                batch.put_cf(
                    nodes,
                    tree::node_row(*tree, node_key)?,
                    borsh::to_vec(node).map_err(io_err)?,
                );
            }
            for ((version, key_hash), value) in update.node_batch.values() {
                batch.put_cf(
                    values,
                    tree::value_row(*tree, key_hash, *version),
                    tree::encode_value(value.as_deref()),
                );
                // From this version on, every older value row of the key is unreachable, and
                // a deletion marker is needed only while an older row remains.
                batch.put_cf(
                    stale_values,
                    tree::stale_value_row(*version, *tree, key_hash),
                    [],
                );
            }
            // A root copied forward by an empty update is never marked stale by jmt, so every
            // root is marked stale from the next version on: its own version alone needs it.
            let roots = update
                .node_batch
                .nodes()
                .keys()
                .filter(|k| k.nibble_path().is_empty());
            let root_rows = roots.map(|k| (block.height + 1, k));
            let stale_rows = update
                .stale_node_index_batch
                .iter()
                .map(|i| (i.stale_since_version, &i.node_key));
            for (since, node_key) in stale_rows.chain(root_rows) {
                let mut row = since.to_be_bytes().to_vec();
                row.extend(tree::node_row(*tree, node_key)?);
                batch.put_cf(stale, row, []);
            }
        }
        for (tree, key_hash, key) in &block.preimages {
            batch.put_cf(
                self.cf(CF_PREIMAGES),
                tree::preimage_row(*tree, key_hash),
                key,
            );
        }
        for ((store, key), value) in block.writes.iter() {
            let row = latest_row(*store, key);
            match value {
                Some(v) => batch.put_cf(latest, row, v),
                None => batch.delete_cf(latest, row),
            }
        }
        let meta = self.cf(CF_META);
        batch.put_cf(meta, META_HEIGHT, block.height.to_be_bytes());
        batch.put_cf(meta, META_APP_HASH, block.app_hash);
        self.db.write(batch)?;
        self.prune(block.height)?;
        tracing::debug!(height = block.height, roots = ?block.substore_roots.len(), "committed");
        Ok(Committed {
            height: block.height,
            app_hash: block.app_hash,
        })
    }

    /// Deletes what only versions older than the keep window reference: tree nodes, value rows
    /// a later write superseded, deletion markers with nothing left under them, and the
    /// preimages of keys no kept version holds. At most [`PRUNE_ROWS_PER_COMMIT`] stale entries
    /// of each kind per call; what is left waits for the next commit.
    fn prune(&self, height: u64) -> Result<(), StoreError> {
        if self.keep_recent == 0 || height < self.keep_recent {
            return Ok(());
        }
        let oldest_kept = height + 1 - self.keep_recent;
        let mut batch = WriteBatch::default();
        self.prune_nodes(oldest_kept, &mut batch)?;
        self.prune_values(oldest_kept, &mut batch)?;
        self.db.write(batch)?;
        Ok(())
    }

    fn prune_nodes(&self, oldest_kept: u64, batch: &mut WriteBatch) -> Result<(), StoreError> {
        let (stale, nodes) = (self.cf(CF_STALE), self.cf(CF_NODES));
        let rows = self.db.iterator_cf(stale, IteratorMode::Start);
        for item in rows.take(PRUNE_ROWS_PER_COMMIT) {
            let (row, _) = item?;
            let (since, node_row) = row
                .split_first_chunk::<8>()
                .ok_or_else(|| StoreError::Corrupt("stale row".into()))?;
            if u64::from_be_bytes(*since) > oldest_kept {
                break;
            }
            batch.delete_cf(nodes, node_row);
            batch.delete_cf(stale, &row);
        }
        Ok(())
    }

    /// A key written at version `since` no longer needs its rows below `since` once `since` is
    /// the oldest kept version or older; if the row at `since` is a deletion, it goes too, and
    /// with it the key's preimage unless a later version wrote the key again.
    fn prune_values(&self, oldest_kept: u64, batch: &mut WriteBatch) -> Result<(), StoreError> {
        let (stale_values, values, preimages) = (
            self.cf(CF_STALE_VALUES),
            self.cf(CF_VALUES),
            self.cf(CF_PREIMAGES),
        );
        let entries = self.db.iterator_cf(stale_values, IteratorMode::Start);
        for item in entries.take(PRUNE_ROWS_PER_COMMIT) {
            let (entry, _) = item?;
            let (since, tree, key_hash) = tree::parse_stale_value_row(&entry)
                .ok_or_else(|| StoreError::Corrupt("stale value row".into()))?;
            if since > oldest_kept {
                break;
            }
            let first = tree::value_row(tree, &key_hash, 0);
            let key_rows = self
                .db
                .iterator_cf(values, IteratorMode::From(&first, Direction::Forward));
            let mut deleted_at_since = false;
            let mut written_later = false;
            for row in key_rows {
                let (row, value) = row?;
                match tree::value_row_version(&row, tree, &key_hash) {
                    Some(version) if version < since => batch.delete_cf(values, &row),
                    Some(version) if version == since => {
                        if !tree::is_deletion(&value) {
                            break; // the key's value from `since` on: kept
                        }
                        batch.delete_cf(values, &row);
                        deleted_at_since = true;
                    }
                    Some(_) => {
                        written_later = true;
                        break;
                    }
                    None => break, // past the key's last row
                }
            }
            if deleted_at_since && !written_later {
                // No kept version holds the key, so nothing can ask for its preimage.
                batch.delete_cf(preimages, tree::preimage_row(tree, &key_hash));
            }
            batch.delete_cf(stale_values, &entry);
        }
        Ok(())
    }

    /// Latest committed value of a key.
    pub fn get_latest(&self, store: Substore, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.db.get_cf(self.cf(CF_LATEST), latest_row(store, key))?)
    }

    /// Latest committed key/values under a prefix, in key order.
    pub fn prefix_latest(&self, store: Substore, prefix: &[u8]) -> Result<KeyValues, StoreError> {
        self.range_latest(store, prefix, None).collect()
    }

    /// Latest committed key/values under a prefix from `start` on, in key order: a RocksDB
    /// iterator that seeks to the start and reads a row only when it is pulled.
    pub fn range_latest(
        &self,
        store: Substore,
        prefix: &[u8],
        start: Option<&[u8]>,
    ) -> RangeIter<'_> {
        let from = latest_row(store, &range_start(prefix, start));
        let rows = self.db.iterator_cf(
            self.cf(CF_LATEST),
            IteratorMode::From(&from, Direction::Forward),
        );
        latest_rows(rows, latest_row(store, prefix))
    }

    /// Value of a key at a committed height, read through the substore's tree.
    pub fn get_at(
        &self,
        store: Substore,
        key: &[u8],
        height: u64,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        self.check_height(height)?;
        let view = TreeView::new(self, store.tree_id());
        Ok(Sha256Jmt::new(&view).get(KeyHash::with::<Sha256>(key), height)?)
    }

    /// Root of one substore's tree at a committed height: equal roots, equal contents.
    pub fn substore_root(&self, store: Substore, height: u64) -> Result<[u8; 32], StoreError> {
        self.check_height(height)?;
        let view = TreeView::new(self, store.tree_id());
        Ok(Sha256Jmt::new(&view).get_root_hash(height)?.0)
    }

    /// Every substore's root at a committed height, in [`Substore::ALL`] order: what to compare
    /// first when two nodes disagree on an app hash (`openledgerd debug roots`).
    pub fn substore_roots(&self, height: u64) -> Result<Vec<(Substore, [u8; 32])>, StoreError> {
        Substore::ALL
            .into_iter()
            .map(|store| Ok((store, self.substore_root(store, height)?)))
            .collect()
    }

    /// Value of a key at a height with its two ICS23 proofs: key in substore, substore in root.
    pub fn get_with_proof(
        &self,
        store: Substore,
        key: &[u8],
        height: u64,
    ) -> Result<
        (
            Option<Vec<u8>>,
            ics23::CommitmentProof,
            ics23::CommitmentProof,
        ),
        StoreError,
    > {
        self.check_height(height)?;
        let view = TreeView::new(self, store.tree_id());
        let (value, key_proof) =
            Sha256Jmt::new(&view).get_with_ics23_proof(key.to_vec(), height)?;
        let root_view = TreeView::new(self, ROOT_TREE);
        let (_, store_proof) = Sha256Jmt::new(&root_view)
            .get_with_ics23_proof(store.name().as_bytes().to_vec(), height)?;
        Ok((value, key_proof, store_proof))
    }

    fn check_height(&self, height: u64) -> Result<(), StoreError> {
        let latest = self.committed()?.height;
        let pruned = self.keep_recent != 0 && height + self.keep_recent <= latest;
        if height > latest || pruned {
            return Err(StoreError::HeightUnavailable {
                requested: height,
                latest,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
impl Storage {
    /// Rows of one tree in a column family keyed by tree first: what pruning tests count.
    fn rows_of(&self, cf: &str, store: Substore) -> usize {
        let tree = [store.tree_id().0];
        let rows = self
            .db
            .iterator_cf(self.cf(cf), IteratorMode::From(&tree, Direction::Forward));
        rows.map_while(Result::ok)
            .take_while(|(row, _)| row.starts_with(&tree))
            .count()
    }
}

impl StateRead for Storage {
    fn get(&self, store: Substore, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        self.get_latest(store, key)
    }
    fn range(&self, store: Substore, prefix: &[u8], start: Option<&[u8]>) -> RangeIter<'_> {
        self.range_latest(store, prefix, start)
    }
}

/// The committed height and app hash, from the meta rows `get` reads (the store or a snapshot).
fn read_committed(
    get: impl Fn(&[u8]) -> Result<Option<Vec<u8>>, rocksdb::Error>,
) -> Result<Committed, StoreError> {
    let height = match get(META_HEIGHT)? {
        Some(b) => u64::from_be_bytes(
            b.as_slice()
                .try_into()
                .map_err(|_| StoreError::Corrupt("height".into()))?,
        ),
        None => return Ok(Committed::default()),
    };
    let app_hash = get(META_APP_HASH)?
        .ok_or_else(|| StoreError::Corrupt("app hash missing".into()))?
        .as_slice()
        .try_into()
        .map_err(|_| StoreError::Corrupt("app hash length".into()))?;
    Ok(Committed { height, app_hash })
}

/// The latest state as of one moment (a RocksDB snapshot): its reads and ranges all see the
/// same committed height, whatever commits after it was taken.
pub struct Snapshot<'a> {
    storage: &'a Storage,
    snapshot: rocksdb::Snapshot<'a>,
}

impl Snapshot<'_> {
    /// The height and app hash this snapshot holds.
    pub fn committed(&self) -> Result<Committed, StoreError> {
        let meta = self.storage.cf(CF_META);
        read_committed(|key| self.snapshot.get_cf(meta, key))
    }
}

impl StateRead for Snapshot<'_> {
    fn get(&self, store: Substore, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .snapshot
            .get_cf(self.storage.cf(CF_LATEST), latest_row(store, key))?)
    }

    fn range(&self, store: Substore, prefix: &[u8], start: Option<&[u8]>) -> RangeIter<'_> {
        let from = latest_row(store, &range_start(prefix, start));
        let rows = self.snapshot.iterator_cf(
            self.storage.cf(CF_LATEST),
            IteratorMode::From(&from, Direction::Forward),
        );
        latest_rows(rows, latest_row(store, prefix))
    }
}

/// Rows of the latest column family as a substore's key/values, stopping at the end of `row_prefix`.
fn latest_rows<'a>(
    rows: impl Iterator<Item = Result<(Box<[u8]>, Box<[u8]>), rocksdb::Error>> + 'a,
    row_prefix: Vec<u8>,
) -> RangeIter<'a> {
    Box::new(rows.map_while(move |item| match item {
        Ok((row, value)) => {
            let key = row.starts_with(&row_prefix).then(|| row.get(1..))??;
            Some(Ok((key.to_vec(), value.to_vec())))
        }
        Err(e) => Some(Err(e.into())),
    }))
}

fn latest_row(store: Substore, key: &[u8]) -> Vec<u8> {
    let mut row = Vec::with_capacity(key.len() + 1);
    row.push(store.tree_id().0);
    row.extend_from_slice(key);
    row
}

fn io_err(e: std::io::Error) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

/// For tests: a state that counts the items its ranges hand out, to show a reader stops early.
#[cfg(test)]
pub(crate) mod testing {
    use std::cell::Cell;

    use super::{EmptyState, Overlay, RangeIter, StateRead, StoreError, Substore, Writes};

    pub struct Counting {
        state: Overlay<'static>,
        pulled: Cell<usize>,
    }

    impl Counting {
        pub fn new(writes: Writes) -> Self {
            Counting {
                state: Overlay::with_writes(&EmptyState, writes),
                pulled: Cell::new(0),
            }
        }

        /// Items handed out by every range read so far.
        pub fn pulled(&self) -> usize {
            self.pulled.get()
        }

        pub fn reset(&self) {
            self.pulled.set(0);
        }
    }

    impl StateRead for Counting {
        fn get(&self, store: Substore, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
            self.state.get(store, key)
        }

        fn range(&self, store: Substore, prefix: &[u8], start: Option<&[u8]>) -> RangeIter<'_> {
            Box::new(
                self.state
                    .range(store, prefix, start)
                    .inspect(|_| self.pulled.set(self.pulled.get() + 1)),
            )
        }
    }
}

#[cfg(test)]
mod tests;
