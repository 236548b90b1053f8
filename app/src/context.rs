//! The context a transaction executes in: a scratch delta over the block's state, a gas meter
//! charged for every read and write, and the events emitted so far.

use tendermint_proto::v0_38::abci::{Event, EventAttribute};

use crate::error::SdkError;
use crate::gas::{self, GasMeter};
use crate::store::{KeyValues, Overlay, StateRead, Substore, Writes};

pub struct Ctx<'a> {
    state: Overlay<'a>,
    pub gas: GasMeter,
    events: Vec<Event>,
    pub height: u64,
}

impl<'a> Ctx<'a> {
    pub fn new(parent: &'a dyn StateRead, gas: GasMeter, height: u64) -> Self {
        Ctx {
            state: Overlay::new(parent),
            gas,
            events: Vec::new(),
            height,
        }
    }

    pub fn get(&mut self, store: Substore, key: &[u8]) -> Result<Option<Vec<u8>>, SdkError> {
        self.gas.consume(gas::READ_COST_FLAT, "ReadFlat")?;
        let value = self.state.get(store, key)?;
        let len = key.len() + value.as_ref().map_or(0, Vec::len);
        self.gas
            .consume_per_byte(0, gas::READ_COST_PER_BYTE, len, "ReadPerByte")?;
        Ok(value)
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

    pub fn prefix(&mut self, store: Substore, prefix: &[u8]) -> Result<KeyValues, SdkError> {
        self.gas.consume(gas::READ_COST_FLAT, "IterFlat")?;
        let items = self.state.prefix(store, prefix)?;
        for (k, v) in &items {
            self.gas.consume_per_byte(
                gas::ITER_NEXT_COST_FLAT,
                gas::READ_COST_PER_BYTE,
                k.len() + v.len(),
                "IterNext",
            )?;
        }
        Ok(items)
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

/// Reads of state, metered in a transaction and free in a query, so a module's state functions
/// serve both.
pub trait Read {
    fn read(&mut self, store: Substore, key: &[u8]) -> Result<Option<Vec<u8>>, SdkError>;
    fn read_prefix(&mut self, store: Substore, prefix: &[u8]) -> Result<KeyValues, SdkError>;

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
    fn read_prefix(&mut self, store: Substore, prefix: &[u8]) -> Result<KeyValues, SdkError> {
        self.prefix(store, prefix)
    }
}

/// Unmetered reads for queries and genesis export.
pub struct Unmetered<'a>(pub &'a dyn StateRead);

impl Read for Unmetered<'_> {
    fn read(&mut self, store: Substore, key: &[u8]) -> Result<Option<Vec<u8>>, SdkError> {
        Ok(self.0.get(store, key)?)
    }
    fn read_prefix(&mut self, store: Substore, prefix: &[u8]) -> Result<KeyValues, SdkError> {
        Ok(self.0.prefix(store, prefix)?)
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
