//! Typed keyspaces: one prefix byte in one substore, with the codec of its keys and the codec of
//! its values, declared once in a module's `state.rs` (as x/bank's `collections.Map` ties a key
//! codec to a value codec). A module keeps its keyspaces private, so no other module can read or
//! write its keys: the compiler refuses it.
//!
//! Keys encode in an order-preserving way (ids big-endian, addresses length-prefixed), so the
//! entries under a leading part of a key iterate in numeric order.

use std::marker::PhantomData;

use openledger_types::Address;

use crate::context::{decode_state, Ctx, Read};
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

    fn decode_key(&self, raw: &[u8]) -> Result<K, SdkError> {
        let body = raw.get(1..).ok_or_else(|| corrupt_key("empty"))?;
        let (key, rest) = K::decode(body)?;
        if !rest.is_empty() {
            return Err(corrupt_key("trailing bytes"));
        }
        Ok(key)
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

    /// Every entry, in key order.
    pub fn entries(&self, r: &mut impl Read) -> Result<Vec<(K, C::Value)>, SdkError> {
        self.decode_all(r.read_prefix(self.store, &[self.prefix])?)
    }

    /// The entries whose key starts with `leading`, in key order.
    pub fn entries_under<P: PrefixOf<K>>(
        &self,
        r: &mut impl Read,
        leading: &P,
    ) -> Result<Vec<(K, C::Value)>, SdkError> {
        let mut prefix = vec![self.prefix];
        leading.encode(&mut prefix);
        self.decode_all(r.read_prefix(self.store, &prefix)?)
    }

    /// Every value, in key order.
    pub fn values(&self, r: &mut impl Read) -> Result<Vec<C::Value>, SdkError> {
        Ok(self.entries(r)?.into_iter().map(|(_, v)| v).collect())
    }

    /// The values whose key starts with `leading`, in key order.
    pub fn values_under<P: PrefixOf<K>>(
        &self,
        r: &mut impl Read,
        leading: &P,
    ) -> Result<Vec<C::Value>, SdkError> {
        Ok(self
            .entries_under(r, leading)?
            .into_iter()
            .map(|(_, v)| v)
            .collect())
    }

    fn decode_all(&self, raw: crate::store::KeyValues) -> Result<Vec<(K, C::Value)>, SdkError> {
        raw.into_iter()
            .map(|(k, v)| Ok((self.decode_key(&k)?, C::decode(&v)?)))
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
    use crate::store::{EmptyState, Substore};

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
        assert_eq!(map.decode_key(&raw).unwrap(), key);
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

    #[test]
    fn malformed_keys_are_corrupt_state_not_a_panic() {
        let map: Set<(u64, Address)> = Map::new(Substore::Models, 0x01);
        for raw in [vec![], vec![0x01], vec![0x01, 0, 0, 0], {
            let mut k = map.key(&(1, Address::module("z")));
            k.push(0xff);
            k
        }] {
            assert!(matches!(map.decode_key(&raw), Err(SdkError::Internal(_))));
        }
        assert!(BigEndian::decode(&[1, 2]).is_err());
    }
}
