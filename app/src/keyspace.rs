//! Typed keyspaces: one prefix byte in one substore, with the codec of its keys and the codec of
//! its values, declared once in a module's `state.rs` (as x/bank's `collections.Map` ties a key
//! codec to a value codec). A module keeps its keyspaces private, so no other module can read or
//! write its keys: the compiler refuses it.
//!
//! Keys encode in an order-preserving way (ids big-endian, addresses length-prefixed), so the
//! entries under a leading part of a key iterate in numeric order.
//!
//! Range reads are pulled entry by entry and charged as they are pulled ([`Map::iter_under`]), and
//! list queries read one page at a time ([`Map::page_under`]): a page seeks to the entry after the
//! last one of the previous page, so reading page n costs the same as reading page 1.

use std::marker::PhantomData;

use openledger_types::Address;

use crate::context::{decode_state, Ctx, RawItem, Read};
use crate::error::SdkError;
use crate::store::Substore;

/// One part of a key.
pub trait KeyPart: Sized {
    fn encode(&self, out: &mut Vec<u8>);
    /// Reads this part from the front of `bytes`; returns it and the rest.
    fn decode(bytes: &[u8]) -> Result<(Self, &[u8]), SdkError>;
}

fn corrupt_key(what: &str) -> SdkError {
    SdkError::Internal(format!("corrupt state key: {what}"))
}

/// Ids: 8 bytes big-endian, so they iterate in numeric order.
impl KeyPart for u64 {
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_be_bytes());
    }
    fn decode(bytes: &[u8]) -> Result<(Self, &[u8]), SdkError> {
        let (head, rest) = bytes.split_at_checked(8).ok_or_else(|| corrupt_key("id"))?;
        let id = u64::from_be_bytes(head.try_into().map_err(|_| corrupt_key("id"))?);
        Ok((id, rest))
    }
}

/// Kinds and other small tags: one byte.
impl KeyPart for u8 {
    fn encode(&self, out: &mut Vec<u8>) {
        out.push(*self);
    }
    fn decode(bytes: &[u8]) -> Result<(Self, &[u8]), SdkError> {
        let (&b, rest) = bytes.split_first().ok_or_else(|| corrupt_key("tag"))?;
        Ok((b, rest))
    }
}

/// `len | bytes`, as x/bank prefixes balances (an address is at most 255 bytes).
impl KeyPart for Address {
    fn encode(&self, out: &mut Vec<u8>) {
        let bytes = self.as_bytes();
        out.push(bytes.len() as u8);
        out.extend_from_slice(bytes);
    }
    fn decode(bytes: &[u8]) -> Result<(Self, &[u8]), SdkError> {
        let (&len, rest) = bytes.split_first().ok_or_else(|| corrupt_key("address"))?;
        let (addr, rest) = rest
            .split_at_checked(len as usize)
            .ok_or_else(|| corrupt_key("address"))?;
        let addr = Address::from_bytes(addr.to_vec()).map_err(|_| corrupt_key("address"))?;
        Ok((addr, rest))
    }
}

/// The rest of the key, unframed: only valid as the last part (denoms, batch ids, hashes).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Tail(pub Vec<u8>);

impl KeyPart for Tail {
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.0);
    }
    fn decode(bytes: &[u8]) -> Result<(Self, &[u8]), SdkError> {
        Ok((Tail(bytes.to_vec()), &[]))
    }
}

impl<A: KeyPart, B: KeyPart> KeyPart for (A, B) {
    fn encode(&self, out: &mut Vec<u8>) {
        self.0.encode(out);
        self.1.encode(out);
    }
    fn decode(bytes: &[u8]) -> Result<(Self, &[u8]), SdkError> {
        let (a, rest) = A::decode(bytes)?;
        let (b, rest) = B::decode(rest)?;
        Ok(((a, b), rest))
    }
}

impl<A: KeyPart, B: KeyPart, C: KeyPart> KeyPart for (A, B, C) {
    fn encode(&self, out: &mut Vec<u8>) {
        self.0.encode(out);
        self.1.encode(out);
        self.2.encode(out);
    }
    fn decode(bytes: &[u8]) -> Result<(Self, &[u8]), SdkError> {
        let (a, rest) = A::decode(bytes)?;
        let (b, rest) = B::decode(rest)?;
        let (c, rest) = C::decode(rest)?;
        Ok(((a, b, c), rest))
    }
}

/// `P` is a leading part of the key `K`: the entries under it iterate together.
pub trait PrefixOf<K>: KeyPart {}
impl<A: KeyPart, B: KeyPart> PrefixOf<(A, B)> for A {}
impl<A: KeyPart, B: KeyPart, C: KeyPart> PrefixOf<(A, B, C)> for A {}
impl<A: KeyPart, B: KeyPart, C: KeyPart> PrefixOf<(A, B, C)> for (A, B) {}

/// How a keyspace's values are stored.
pub trait Codec {
    type Value;
    fn encode(value: &Self::Value) -> Vec<u8>;
    fn decode(bytes: &[u8]) -> Result<Self::Value, SdkError>;
}

/// A protobuf message.
pub struct Proto<M>(PhantomData<M>);

impl<M: prost::Message + Default> Codec for Proto<M> {
    type Value = M;
    fn encode(value: &M) -> Vec<u8> {
        value.encode_to_vec()
    }
    fn decode(bytes: &[u8]) -> Result<M, SdkError> {
        decode_state(bytes)
    }
}

/// A u64 as 8 bytes big-endian: counters and pointers to ids.
pub struct BigEndian;

impl Codec for BigEndian {
    type Value = u64;
    fn encode(value: &u64) -> Vec<u8> {
        value.to_be_bytes().to_vec()
    }
    fn decode(bytes: &[u8]) -> Result<u64, SdkError> {
        Ok(u64::from_be_bytes(bytes.try_into().map_err(|_| {
            SdkError::Internal("corrupt state: expected 8 bytes".into())
        })?))
    }
}

/// A UTF-8 string, unframed.
pub struct Utf8;

impl Codec for Utf8 {
    type Value = String;
    fn encode(value: &String) -> Vec<u8> {
        value.as_bytes().to_vec()
    }
    fn decode(bytes: &[u8]) -> Result<String, SdkError> {
        String::from_utf8(bytes.to_vec())
            .map_err(|_| SdkError::Internal("corrupt state: not UTF-8".into()))
    }
}

/// Nothing: an index entry whose key is all it says.
pub struct Unit;

impl Codec for Unit {
    type Value = ();
    fn encode(_: &()) -> Vec<u8> {
        Vec::new()
    }
    fn decode(_: &[u8]) -> Result<(), SdkError> {
        Ok(())
    }
}

/// A keyspace of `K → C::Value` under one prefix byte of one substore.
pub struct Map<K, C> {
    store: Substore,
    prefix: u8,
    _types: PhantomData<fn() -> (K, C)>,
}

/// An index: keys with no value.
pub type Set<K> = Map<K, Unit>;

/// A keyspace's entries, decoded as they are pulled; the first error (out of gas, corrupt state)
/// ends them.
pub type Entries<'r, K, V> = Box<dyn Iterator<Item = Result<(K, V), SdkError>> + 'r>;

/// One page of a keyspace: at most `limit` entries in key order, and the key to pass as `after`
/// for the next page (None on the last page).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<K, V> {
    pub items: Vec<(K, V)>,
    pub next: Option<K>,
}

impl<K, V> Page<K, V> {
    /// The same page with each entry mapped (an index entry to its id, say).
    pub fn map<T>(self, f: impl FnMut((K, V)) -> T) -> (Vec<T>, Option<K>) {
        (self.items.into_iter().map(f).collect(), self.next)
    }
}

impl<K: KeyPart, C: Codec> Map<K, C> {
    pub const fn new(store: Substore, prefix: u8) -> Self {
        Map {
            store,
            prefix,
            _types: PhantomData,
        }
    }

    fn key(&self, key: &K) -> Vec<u8> {
        let mut out = vec![self.prefix];
        key.encode(&mut out);
        out
    }

    /// The raw prefix of the entries whose key starts with `leading`.
    fn prefix_of<P: KeyPart>(&self, leading: &P) -> Vec<u8> {
        let mut out = vec![self.prefix];
        leading.encode(&mut out);
        out
    }

    fn decode_key(raw: &[u8]) -> Result<K, SdkError> {
        let body = raw.get(1..).ok_or_else(|| corrupt_key("empty"))?;
        let (key, rest) = K::decode(body)?;
        if !rest.is_empty() {
            return Err(corrupt_key("trailing bytes"));
        }
        Ok(key)
    }

    fn decode_entry(item: RawItem) -> Result<(K, C::Value), SdkError> {
        let (key, value) = item?;
        Ok((Self::decode_key(&key)?, C::decode(&value)?))
    }

    pub fn get(&self, r: &mut impl Read, key: &K) -> Result<Option<C::Value>, SdkError> {
        r.read(self.store, &self.key(key))?
            .map(|bytes| C::decode(&bytes))
            .transpose()
    }

    pub fn has(&self, r: &mut impl Read, key: &K) -> Result<bool, SdkError> {
        Ok(r.read(self.store, &self.key(key))?.is_some())
    }

    pub fn set(&self, ctx: &mut Ctx, key: &K, value: &C::Value) -> Result<(), SdkError> {
        ctx.put(self.store, self.key(key), C::encode(value))
    }

    pub fn remove(&self, ctx: &mut Ctx, key: &K) -> Result<(), SdkError> {
        ctx.delete(self.store, self.key(key))
    }

    fn iter_raw<'r>(
        &self,
        r: &'r mut impl Read,
        prefix: &[u8],
        start: Option<&[u8]>,
    ) -> Entries<'r, K, C::Value>
    where
        K: 'r,
        C: 'r,
    {
        Box::new(
            r.read_range(self.store, prefix, start)
                .map(Self::decode_entry),
        )
    }

    /// Every entry in key order, pulled (and charged) one at a time.
    pub fn iter<'r>(&self, r: &'r mut impl Read) -> Entries<'r, K, C::Value>
    where
        K: 'r,
        C: 'r,
    {
        self.iter_raw(r, &[self.prefix], None)
    }

    /// The entries whose key starts with `leading`, in key order, pulled one at a time.
    pub fn iter_under<'r, P: PrefixOf<K>>(
        &self,
        r: &'r mut impl Read,
        leading: &P,
    ) -> Entries<'r, K, C::Value>
    where
        K: 'r,
        C: 'r,
    {
        self.iter_raw(r, &self.prefix_of(leading), None)
    }

    /// The entries whose key starts with `leading`, from `from` (included) on: the read seeks to
    /// `from`, whatever lies before it is never read.
    pub fn iter_from<'r, P: PrefixOf<K>>(
        &self,
        r: &'r mut impl Read,
        leading: &P,
        from: &K,
    ) -> Entries<'r, K, C::Value>
    where
        K: 'r,
        C: 'r,
    {
        self.iter_raw(r, &self.prefix_of(leading), Some(&self.key(from)))
    }

    /// At most `limit` entries under a raw prefix after the key `after`, and the next page's
    /// `after`. Reads `limit + 1` entries at most, from a seek.
    fn page_raw(
        &self,
        r: &mut impl Read,
        prefix: &[u8],
        after: Option<&K>,
        limit: usize,
    ) -> Result<Page<K, C::Value>, SdkError>
    where
        K: Clone,
    {
        // The smallest key greater than `after`: after itself with a zero byte appended.
        let start = after.map(|after| {
            let mut start = self.key(after);
            start.push(0);
            start
        });
        let mut entries = self.iter_raw(r, prefix, start.as_deref());
        let mut items = Vec::new();
        while items.len() < limit {
            match entries.next() {
                Some(entry) => items.push(entry?),
                None => return Ok(Page { items, next: None }),
            }
        }
        let more = entries.next().transpose()?.is_some();
        let next = if more {
            items.last().map(|(key, _)| key.clone())
        } else {
            None
        };
        Ok(Page { items, next })
    }

    /// One page of the whole keyspace: the entries after `after` (from the first when None), at
    /// most `limit` of them.
    pub fn page(
        &self,
        r: &mut impl Read,
        after: Option<&K>,
        limit: usize,
    ) -> Result<Page<K, C::Value>, SdkError>
    where
        K: Clone,
    {
        self.page_raw(r, &[self.prefix], after, limit)
    }

    /// One page of the entries under `leading`: those after `after` (a whole key, normally the
    /// previous page's `next`; from the first when None), at most `limit` of them.
    pub fn page_under<P: PrefixOf<K>>(
        &self,
        r: &mut impl Read,
        leading: &P,
        after: Option<&K>,
        limit: usize,
    ) -> Result<Page<K, C::Value>, SdkError>
    where
        K: Clone,
    {
        self.page_raw(r, &self.prefix_of(leading), after, limit)
    }

    /// Every entry, in key order.
    pub fn entries(&self, r: &mut impl Read) -> Result<Vec<(K, C::Value)>, SdkError> {
        self.iter_raw(r, &[self.prefix], None).collect()
    }

    /// The entries whose key starts with `leading`, in key order.
    pub fn entries_under<P: PrefixOf<K>>(
        &self,
        r: &mut impl Read,
        leading: &P,
    ) -> Result<Vec<(K, C::Value)>, SdkError> {
        self.iter_raw(r, &self.prefix_of(leading), None).collect()
    }

    /// Every value, in key order.
    pub fn values(&self, r: &mut impl Read) -> Result<Vec<C::Value>, SdkError> {
        self.iter_raw(r, &[self.prefix], None)
            .map(|entry| entry.map(|(_, v)| v))
            .collect()
    }

    /// The values whose key starts with `leading`, in key order.
    pub fn values_under<P: PrefixOf<K>>(
        &self,
        r: &mut impl Read,
        leading: &P,
    ) -> Result<Vec<C::Value>, SdkError> {
        self.iter_raw(r, &self.prefix_of(leading), None)
            .map(|entry| entry.map(|(_, v)| v))
            .collect()
    }
}

/// One value at a key of its own (params, counters).
pub struct Item<C> {
    store: Substore,
    key: u8,
    _types: PhantomData<fn() -> C>,
}

impl<C: Codec> Item<C> {
    pub const fn new(store: Substore, key: u8) -> Self {
        Item {
            store,
            key,
            _types: PhantomData,
        }
    }

    pub fn get(&self, r: &mut impl Read) -> Result<Option<C::Value>, SdkError> {
        r.read(self.store, &[self.key])?
            .map(|bytes| C::decode(&bytes))
            .transpose()
    }

    pub fn set(&self, ctx: &mut Ctx, value: &C::Value) -> Result<(), SdkError> {
        ctx.put(self.store, vec![self.key], C::encode(value))
    }
}

/// An id counter; ids start at 1 so 0 can mean "none" on the wire.
pub type Counter = Item<BigEndian>;

impl Counter {
    /// The last id handed out (0 when none).
    pub fn last(&self, r: &mut impl Read) -> Result<u64, SdkError> {
        Ok(self.get(r)?.unwrap_or(0))
    }

    /// Takes the next id.
    pub fn next(&self, ctx: &mut Ctx) -> Result<u64, SdkError> {
        let next = self
            .last(ctx)?
            .checked_add(1)
            .ok_or_else(|| SdkError::Internal("ids exhausted".into()))?;
        self.set(ctx, &next)?;
        Ok(next)
    }
}

/// For tests of a module's key layout: what a write puts in state, byte for byte.
#[cfg(test)]
pub(crate) mod testing {
    use crate::context::Ctx;
    use crate::gas::GasMeter;
    use crate::store::testing::Counting;
    use crate::store::{EmptyState, Substore};

    /// A state holding what `write` writes, counting the items its range reads hand out.
    pub fn state_of(write: impl FnOnce(&mut Ctx)) -> Counting {
        let mut ctx = Ctx::new(&EmptyState, GasMeter::infinite(), 1);
        write(&mut ctx);
        let (writes, _, _) = ctx.finish();
        Counting::new(writes)
    }

    /// Runs `write` on a context over an empty state; returns each key written with its value.
    pub fn written(write: impl FnOnce(&mut Ctx)) -> Vec<(Substore, Vec<u8>, Vec<u8>)> {
        let mut ctx = Ctx::new(&EmptyState, GasMeter::infinite(), 1);
        write(&mut ctx);
        let (writes, _, _) = ctx.finish();
        writes
            .into_iter()
            .filter_map(|((store, key), value)| Some((store, key, value?)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<K: KeyPart + PartialEq + std::fmt::Debug>(key: K) {
        let map: Set<K> = Map::new(Substore::Models, 0x07);
        let raw = map.key(&key);
        assert_eq!(raw[0], 0x07);
        assert_eq!(Map::<K, Unit>::decode_key(&raw).unwrap(), key);
    }

    #[test]
    fn every_key_codec_round_trips() {
        round_trip(0u64);
        round_trip(u64::MAX);
        round_trip(3u8);
        round_trip(Address::module("x"));
        round_trip(Tail(b"batch-1".to_vec()));
        round_trip(Tail(Vec::new()));
        round_trip((7u64, 9u64));
        round_trip((Address::module("y"), 5u64));
        round_trip((1u8, 2u64, 3u64));
        round_trip((
            Address::from_bytes(vec![1; 32]).unwrap(),
            Tail(b"r".to_vec()),
        ));
    }

    #[test]
    fn ids_sort_numerically_and_a_leading_part_is_a_byte_prefix() {
        let map: Set<(u64, u64)> = Map::new(Substore::Models, 0x05);
        assert!(map.key(&(1, 255)) < map.key(&(1, 256)));
        assert!(map.key(&(1, u64::MAX)) < map.key(&(2, 0)));
        let mut leading = vec![0x05];
        1u64.encode(&mut leading);
        assert!(map.key(&(1, 42)).starts_with(&leading));
    }

    const INDEX: Set<(u64, u64)> = Map::new(Substore::Models, 0x05);

    /// 500 entries under each of the leading ids 1, 2 and 3.
    fn index() -> crate::store::testing::Counting {
        testing::state_of(|ctx| {
            for leading in 1..=3u64 {
                for id in 1..=500u64 {
                    INDEX.set(ctx, &(leading, id * 3), &()).unwrap();
                }
            }
        })
    }

    #[test]
    fn paging_walks_every_entry_under_a_leading_part_once_and_in_order() {
        let state = index();
        let mut r = crate::context::Unmetered(&state);
        let mut seen = Vec::new();
        let mut after = None;
        let mut pages = 0;
        loop {
            let page = INDEX.page_under(&mut r, &2u64, after.as_ref(), 7).unwrap();
            assert!(page.items.len() <= 7);
            pages += 1;
            seen.extend(page.items.into_iter().map(|((leading, id), ())| {
                assert_eq!(leading, 2);
                id
            }));
            match page.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        assert_eq!(seen, (1..=500u64).map(|id| id * 3).collect::<Vec<_>>());
        assert_eq!(pages, 500usize.div_ceil(7));
    }

    #[test]
    fn a_page_seeks_to_its_start_and_reads_one_entry_past_its_limit_at_most() {
        let state = index();
        let mut r = crate::context::Unmetered(&state);
        for after in [None, Some((2, 3)), Some((2, 750)), Some((2, 1_499))] {
            state.reset();
            let page = INDEX.page_under(&mut r, &2u64, after.as_ref(), 10).unwrap();
            assert!(state.pulled() <= 11, "{after:?}: {} pulled", state.pulled());
            if let Some((_, after_id)) = after {
                assert!(page.items.iter().all(|((_, id), ())| *id > after_id));
            }
        }
        // The last page says so; an empty keyspace is one empty last page.
        let last = INDEX
            .page_under(&mut r, &3u64, Some(&(3, 1_497)), 10)
            .unwrap();
        assert_eq!((last.items.len(), last.next), (1, None));
        let none = INDEX.page_under(&mut r, &9u64, None, 10).unwrap();
        assert_eq!((none.items.len(), none.next), (0, None));
        // A whole-keyspace page crosses leading parts.
        let page = INDEX.page(&mut r, Some(&(1, 1_500)), 2).unwrap();
        let ids: Vec<_> = page.items.iter().map(|(k, ())| *k).collect();
        assert_eq!((ids, page.next), (vec![(2, 3), (2, 6)], Some((2, 6))));
    }

    #[test]
    fn iter_from_starts_at_its_key_and_keeps_to_the_leading_part() {
        let state = index();
        let mut r = crate::context::Unmetered(&state);
        let ids: Vec<(u64, u64)> = INDEX
            .iter_from(&mut r, &1u64, &(1, 1_495))
            .map(|e| e.unwrap().0)
            .collect();
        assert_eq!(ids, vec![(1, 1_497), (1, 1_500)]);
    }

    #[test]
    fn malformed_keys_are_corrupt_state_not_a_panic() {
        let map: Set<(u64, Address)> = Map::new(Substore::Models, 0x01);
        for raw in [vec![], vec![0x01], vec![0x01, 0, 0, 0], {
            let mut k = map.key(&(1, Address::module("z")));
            k.push(0xff);
            k
        }] {
            assert!(matches!(
                Set::<(u64, Address)>::decode_key(&raw),
                Err(SdkError::Internal(_))
            ));
        }
        assert!(BigEndian::decode(&[1, 2]).is_err());
    }
}
