//! The context a transaction executes in: a scratch delta over the block's state, a gas meter
//! charged for every read and write, and the events emitted so far.

use tendermint_proto::v0_38::abci::{Event, EventAttribute};

use crate::error::SdkError;
use crate::gas::{self, GasMeter};
use crate::store::{range_start, KeyValues, Overlay, RangeIter, StateRead, Substore, Writes};

/// What consensus says of a block besides its txs (ABCI 2.0's FinalizeBlock request).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BlockHeader {
    pub height: u64,
    /// The block's time as consensus fixed it (BFT time), in nanoseconds since the Unix epoch:
    /// the only clock the state machine reads.
    pub time_nanos: u64,
    /// Hash of the validator set that signs the next block: what light clients verify it by.
    pub next_validators_hash: Vec<u8>,
}

impl BlockHeader {
    /// A header at `height` whose time is `height` seconds after the epoch: for tests, benches
    /// and tools that drive the app without CometBFT.
    pub fn at(height: u64) -> Self {
        BlockHeader {
            height,
            time_nanos: height.saturating_mul(1_000_000_000),
            next_validators_hash: Vec::new(),
        }
    }
}

pub struct Ctx<'a> {
    state: Overlay<'a>,
    pub gas: GasMeter,
    events: Vec<Event>,
    pub height: u64,
    /// Block time in nanoseconds since the Unix epoch (the last block's in CheckTx).
    pub time_nanos: u64,
}

impl<'a> Ctx<'a> {
    pub fn new(parent: &'a dyn StateRead, gas: GasMeter, height: u64) -> Self {
        Ctx {
            state: Overlay::new(parent),
            gas,
            events: Vec::new(),
            height,
            time_nanos: 0,
        }
    }

    /// The same context at a block time.
    pub fn at_time(mut self, time_nanos: u64) -> Self {
        self.time_nanos = time_nanos;
        self
    }

    pub fn get(&mut self, store: Substore, key: &[u8]) -> Result<Option<Vec<u8>>, SdkError> {
        metered_get(&self.state, &mut self.gas, store, key)
    }

    pub fn put(&mut self, store: Substore, key: Vec<u8>, value: Vec<u8>) -> Result<(), SdkError> {
        self.gas.consume_per_byte(
            gas::WRITE_COST_FLAT,
            gas::WRITE_COST_PER_BYTE,
            key.len() + value.len(),
            "WriteFlat",
        )?;
        self.state.put(store, key, value);
        Ok(())
    }

    pub fn delete(&mut self, store: Substore, key: Vec<u8>) -> Result<(), SdkError> {
        self.gas.consume(gas::DELETE_COST, "Delete")?;
        self.state.delete(store, key);
        Ok(())
    }

    /// The live key/values under `prefix` from `start` on, each charged as it is pulled.
    pub fn range(
        &mut self,
        store: Substore,
        prefix: &[u8],
        start: Option<&[u8]>,
    ) -> MeteredRange<'_> {
        MeteredRange::new(self.state.range(store, prefix, start), &mut self.gas)
    }

    /// Every live key/value under `prefix`, charged item by item: out of gas stops the scan.
    pub fn prefix(&mut self, store: Substore, prefix: &[u8]) -> Result<KeyValues, SdkError> {
        self.range(store, prefix, None).collect()
    }

    pub fn put_msg<M: prost::Message>(
        &mut self,
        store: Substore,
        key: Vec<u8>,
        value: &M,
    ) -> Result<(), SdkError> {
        self.put(store, key, value.encode_to_vec())
    }

    pub fn emit(&mut self, event: Event) {
        self.events.push(event);
    }

    pub fn finish(self) -> (Writes, GasMeter, Vec<Event>) {
        (self.state.into_writes(), self.gas, self.events)
    }
}

/// A point read charged as the SDK's KV store charges it: a flat cost, then the bytes.
fn metered_get(
    state: &dyn StateRead,
    gas: &mut GasMeter,
    store: Substore,
    key: &[u8],
) -> Result<Option<Vec<u8>>, SdkError> {
    gas.consume(gas::READ_COST_FLAT, "ReadFlat")?;
    let value = state.get(store, key)?;
    let len = key.len() + value.as_ref().map_or(0, Vec::len);
    gas.consume_per_byte(0, gas::READ_COST_PER_BYTE, len, "ReadPerByte")?;
    Ok(value)
}

/// One key/value of a range read, or why the read stopped (out of gas, a store failure).
pub type RawItem = Result<(Vec<u8>, Vec<u8>), SdkError>;

/// The items of a range read, pulled one at a time.
pub type RawItems<'r> = Box<dyn Iterator<Item = RawItem> + 'r>;

/// A range of state charged as it is pulled, as the SDK's gas iterator: `IterFlat` when it is
/// first pulled, then `IterNext` and the bytes of each item. The first failure (out of gas) is
/// its last item, so nothing past the budget is read but the one item that crossed it.
pub struct MeteredRange<'r> {
    inner: RangeIter<'r>,
    gas: &'r mut GasMeter,
    opened: bool,
    done: bool,
}

impl<'r> MeteredRange<'r> {
    pub fn new(inner: RangeIter<'r>, gas: &'r mut GasMeter) -> Self {
        MeteredRange {
            inner,
            gas,
            opened: false,
            done: false,
        }
    }

    fn pull(&mut self) -> Option<RawItem> {
        if !self.opened {
            self.opened = true;
            if let Err(e) = self.gas.consume(gas::READ_COST_FLAT, "IterFlat") {
                return Some(Err(e));
            }
        }
        let (key, value) = match self.inner.next()? {
            Ok(item) => item,
            Err(e) => return Some(Err(e.into())),
        };
        let charged = self.gas.consume_per_byte(
            gas::ITER_NEXT_COST_FLAT,
            gas::READ_COST_PER_BYTE,
            key.len() + value.len(),
            "IterNext",
        );
        Some(charged.map(|()| (key, value)))
    }
}

impl Iterator for MeteredRange<'_> {
    type Item = RawItem;

    fn next(&mut self) -> Option<RawItem> {
        if self.done {
            return None;
        }
        let item = self.pull();
        self.done = !matches!(item, Some(Ok(_)));
        item
    }
}

/// Reads of state, metered in a transaction or under a query's budget (or free, for genesis
/// export), so a module's state functions serve all of them.
///
/// A reader implements `read` and one of `read_range` (pulled item by item: the real readers) or
/// `read_prefix` (a whole range at once: test doubles); each has a default made of the other.
pub trait Read {
    fn read(&mut self, store: Substore, key: &[u8]) -> Result<Option<Vec<u8>>, SdkError>;

    /// The live key/values under `prefix` whose key is at or after `start`, in key order, each
    /// read and charged only when it is pulled.
    fn read_range(&mut self, store: Substore, prefix: &[u8], start: Option<&[u8]>) -> RawItems<'_> {
        let from = range_start(prefix, start);
        match self.read_prefix(store, prefix) {
            Ok(items) => Box::new(
                items
                    .into_iter()
                    .filter(move |(k, _)| *k >= from)
                    .map(Ok::<_, SdkError>),
            ),
            Err(e) => Box::new(std::iter::once(Err(e))),
        }
    }

    /// Every live key/value under `prefix`, in key order.
    fn read_prefix(&mut self, store: Substore, prefix: &[u8]) -> Result<KeyValues, SdkError> {
        self.read_range(store, prefix, None).collect()
    }

    fn read_msg<M: prost::Message + Default>(
        &mut self,
        store: Substore,
        key: &[u8],
    ) -> Result<Option<M>, SdkError> {
        match self.read(store, key)? {
            Some(bytes) => Ok(Some(decode_state(&bytes)?)),
            None => Ok(None),
        }
    }
}

pub fn decode_state<M: prost::Message + Default>(bytes: &[u8]) -> Result<M, SdkError> {
    M::decode(bytes).map_err(|e| SdkError::Internal(format!("corrupt state: {e}")))
}

impl Read for Ctx<'_> {
    fn read(&mut self, store: Substore, key: &[u8]) -> Result<Option<Vec<u8>>, SdkError> {
        self.get(store, key)
    }
    fn read_range(&mut self, store: Substore, prefix: &[u8], start: Option<&[u8]>) -> RawItems<'_> {
        Box::new(self.range(store, prefix, start))
    }
}

/// Reads charged against a budget as a transaction's are: a query runs under the node's query
/// gas limit, so no request can make the node read without bound.
pub struct Metered<'a> {
    state: &'a dyn StateRead,
    pub gas: GasMeter,
}

impl<'a> Metered<'a> {
    pub fn new(state: &'a dyn StateRead, limit: u64) -> Self {
        Metered {
            state,
            gas: GasMeter::new(limit),
        }
    }
}

impl Read for Metered<'_> {
    fn read(&mut self, store: Substore, key: &[u8]) -> Result<Option<Vec<u8>>, SdkError> {
        metered_get(self.state, &mut self.gas, store, key)
    }
    fn read_range(&mut self, store: Substore, prefix: &[u8], start: Option<&[u8]>) -> RawItems<'_> {
        Box::new(MeteredRange::new(
            self.state.range(store, prefix, start),
            &mut self.gas,
        ))
    }
}

/// Unmetered reads for genesis export and the node's own bookkeeping.
pub struct Unmetered<'a>(pub &'a dyn StateRead);

impl Read for Unmetered<'_> {
    fn read(&mut self, store: Substore, key: &[u8]) -> Result<Option<Vec<u8>>, SdkError> {
        Ok(self.0.get(store, key)?)
    }
    fn read_range(&mut self, store: Substore, prefix: &[u8], start: Option<&[u8]>) -> RawItems<'_> {
        Box::new(
            self.0
                .range(store, prefix, start)
                .map(|item| item.map_err(SdkError::from)),
        )
    }
}

/// An event whose attributes are all indexed, so CometBFT's tx_search finds them.
pub fn event(kind: &str, attributes: &[(&str, String)]) -> Event {
    Event {
        r#type: kind.to_string(),
        attributes: attributes
            .iter()
            .map(|(key, value)| EventAttribute {
                key: key.to_string(),
                value: value.clone(),
                index: true,
            })
            .collect(),
    }
}

/// A typed event, as the SDK's `EmitTypedEvent`: the event type is the message's full proto
/// name and each field an indexed attribute whose value is the field's JSON.
pub fn typed_event<M: prost::Name + serde::Serialize>(msg: &M) -> Event {
    let attributes = match serde_json::to_value(msg) {
        Ok(serde_json::Value::Object(fields)) => fields
            .into_iter()
            .map(|(key, value)| EventAttribute {
                key,
                value: value.to_string(),
                index: true,
            })
            .collect(),
        _ => Vec::new(),
    };
    Event {
        r#type: M::full_name(),
        attributes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::Counting;

    /// 100,000 items of 8-byte keys and 8-byte values under one prefix of the bank substore.
    fn large_prefix() -> Counting {
        Counting::new(
            (0..100_000u64)
                .map(|i| {
                    let key = [b"p".as_slice(), &i.to_be_bytes()[1..]].concat();
                    ((Substore::Bank, key), Some(vec![7; 8]))
                })
                .collect(),
        )
    }

    /// Items of 16 bytes each that a gas limit pays for after the flat cost of the iterator.
    fn affordable(limit: u64) -> usize {
        ((limit - gas::READ_COST_FLAT) / (gas::ITER_NEXT_COST_FLAT + 16 * gas::READ_COST_PER_BYTE))
            as usize
    }

    #[test]
    fn a_scan_of_a_large_prefix_under_a_small_gas_limit_runs_out_having_pulled_only_what_it_paid_for(
    ) {
        let state = large_prefix();
        let limit = 20_000;
        let mut ctx = Ctx::new(&state, GasMeter::new(limit), 1);
        let err = ctx.prefix(Substore::Bank, b"p").unwrap_err();
        assert!(matches!(err, SdkError::OutOfGas { .. }), "{err}");
        assert!(
            state.pulled() <= affordable(limit) + 1,
            "pulled {} items for {} gas",
            state.pulled(),
            limit
        );
    }

    #[test]
    fn a_range_read_charges_each_item_as_it_is_pulled_and_stops_at_the_first_failure() {
        let state = large_prefix();
        let mut ctx = Ctx::new(&state, GasMeter::new(1_000_000), 1);
        let first: Vec<_> = ctx.range(Substore::Bank, b"p", None).take(10).collect();
        assert!(first.iter().all(Result::is_ok));
        let per_item = gas::ITER_NEXT_COST_FLAT + 16 * gas::READ_COST_PER_BYTE;
        assert_eq!(ctx.gas.used(), gas::READ_COST_FLAT + 10 * per_item);
        assert_eq!(state.pulled(), 10);

        let mut poor = Ctx::new(&state, GasMeter::new(gas::READ_COST_FLAT + 2 * per_item), 1);
        let items: Vec<_> = poor.range(Substore::Bank, b"p", None).collect();
        assert_eq!(
            items.len(),
            3,
            "two items, then the out of gas, then nothing"
        );
        assert!(matches!(items[2], Err(SdkError::OutOfGas { .. })));
    }

    #[test]
    fn a_query_reader_stops_a_large_scan_at_its_budget() {
        let state = large_prefix();
        let limit = 50_000;
        let mut reader = Metered::new(&state, limit);
        let err = reader.read_prefix(Substore::Bank, b"p").unwrap_err();
        assert!(matches!(err, SdkError::OutOfGas { .. }), "{err}");
        assert!(state.pulled() <= affordable(limit) + 1);
    }

    /// A reader that only loads whole ranges (as test doubles do) still serves range reads.
    struct WholeRanges<'a>(&'a Counting);

    impl Read for WholeRanges<'_> {
        fn read(&mut self, store: Substore, key: &[u8]) -> Result<Option<Vec<u8>>, SdkError> {
            Ok(self.0.get(store, key)?)
        }
        fn read_prefix(&mut self, store: Substore, prefix: &[u8]) -> Result<KeyValues, SdkError> {
            Ok(self.0.prefix(store, prefix)?)
        }
    }

    #[test]
    fn a_reader_of_whole_ranges_serves_range_reads_from_their_start() {
        let state = Counting::new(
            [b"p1", b"p2", b"p3"]
                .into_iter()
                .map(|k| ((Substore::Bank, k.to_vec()), Some(vec![1])))
                .collect(),
        );
        let keys: Vec<Vec<u8>> = WholeRanges(&state)
            .read_range(Substore::Bank, b"p", Some(b"p2"))
            .map(|item| item.unwrap().0)
            .collect();
        assert_eq!(keys, vec![b"p2".to_vec(), b"p3".to_vec()]);
    }
}
