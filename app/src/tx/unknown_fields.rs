//! Unknown protobuf fields in a tx, refused as the SDK's `codec/unknownproto` refuses them
//! (`DefaultTxDecoder`): prost drops unknown fields silently, so without this a signed tx could
//! carry bytes nobody reads.
//!
//! - `TxBody`: `RejectUnknownFields(body, allowUnknownNonCriticals = true)`. An unknown field is
//!   *non-critical* when bit 11 of its number is set (`number & 1024 != 0`, the SDK's
//!   `bit11NonCritical`: 1024–2047, 3072–4095, …) and is then tolerated (it is signed, and
//!   ignored); any other unknown field is critical and refused.
//! - `AuthInfo`: `RejectUnknownFieldsStrict`: every unknown field is refused, critical or not.
//! - Both walks descend into the known nested messages (signer infos, mode infos, the fee and
//!   its coins, the tip, `Any`s and the secp256k1 key inside `public_key`), with the same rule
//!   as at the top; a known field with the wrong wire type is refused as well.
//! - The values of the `Any`s in `TxBody.messages` are not walked here (the router decodes
//!   them); the `Any`s themselves are.
//!
//! `TxRaw` itself must be its canonical encoding (see `decode`), which refuses unknown fields
//! there too, as the SDK's `rejectNonADR027TxRaw` and strict check of the root do.

/// Why a tx's bytes were refused; shown inside the SDK's tx decode error (code 2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    #[error("{message} has unknown field {field} (wire type {wire_type}){}", critical_note(*.field))]
    UnknownField {
        message: &'static str,
        field: u64,
        wire_type: u8,
    },
    #[error("{message} field {field} has wire type {got}, expected {want}")]
    MismatchedWireType {
        message: &'static str,
        field: u64,
        got: u8,
        want: u8,
    },
    #[error("{message}: malformed protobuf: {reason}")]
    Malformed {
        message: &'static str,
        reason: &'static str,
    },
    #[error("{message} nests deeper than {MAX_DEPTH} messages")]
    TooDeep { message: &'static str },
    #[error("tx bytes are not the canonical encoding of the TxRaw they hold")]
    NonCanonicalTxRaw,
}

fn critical_note(field: u64) -> &'static str {
    if is_critical(field) {
        ""
    } else {
        ", non-critical but not allowed here"
    }
}

/// As the SDK's `MaxProtobufNestingDepth`.
const MAX_DEPTH: usize = 100;

/// The SDK's rule: a field is non-critical when bit 11 (value 1024) of its number is set.
pub fn is_critical(field: u64) -> bool {
    field & 1024 == 0
}

const VARINT: u8 = 0;
const I64: u8 = 1;
const LEN: u8 = 2;
const I32: u8 = 5;

/// What a known field holds.
#[derive(Clone, Copy)]
enum Kind {
    Varint,
    Bytes,
    Message(&'static Schema),
    /// A `google.protobuf.Any`: its value is walked when its type is known.
    Any,
}

impl Kind {
    fn wire_type(self) -> u8 {
        match self {
            Kind::Varint => VARINT,
            Kind::Bytes | Kind::Message(_) | Kind::Any => LEN,
        }
    }
}

struct Schema {
    name: &'static str,
    fields: &'static [(u64, Kind)],
}

static TX_BODY: Schema = Schema {
    name: "TxBody",
    fields: &[
        (1, Kind::Any),   // messages: the Any is walked, its value is the router's
        (2, Kind::Bytes), // memo
        (3, Kind::Varint),
        (1023, Kind::Any), // extension_options (refused later when present)
        (2047, Kind::Any), // non_critical_extension_options
    ],
};

static AUTH_INFO: Schema = Schema {
    name: "AuthInfo",
    fields: &[
        (1, Kind::Message(&SIGNER_INFO)),
        (2, Kind::Message(&FEE)),
        (3, Kind::Message(&TIP)),
    ],
};

static SIGNER_INFO: Schema = Schema {
    name: "SignerInfo",
    fields: &[
        (1, Kind::Any),
        (2, Kind::Message(&MODE_INFO)),
        (3, Kind::Varint),
    ],
};

static MODE_INFO: Schema = Schema {
    name: "ModeInfo",
    fields: &[(1, Kind::Message(&SINGLE)), (2, Kind::Message(&MULTI))],
};

static SINGLE: Schema = Schema {
    name: "ModeInfo.Single",
    fields: &[(1, Kind::Varint)],
};

static MULTI: Schema = Schema {
    name: "ModeInfo.Multi",
    fields: &[
        (1, Kind::Message(&COMPACT_BIT_ARRAY)),
        (2, Kind::Message(&MODE_INFO)),
    ],
};

static COMPACT_BIT_ARRAY: Schema = Schema {
    name: "CompactBitArray",
    fields: &[(1, Kind::Varint), (2, Kind::Bytes)],
};

static FEE: Schema = Schema {
    name: "Fee",
    fields: &[
        (1, Kind::Message(&COIN)),
        (2, Kind::Varint),
        (3, Kind::Bytes),
        (4, Kind::Bytes),
    ],
};

static TIP: Schema = Schema {
    name: "Tip",
    fields: &[(1, Kind::Message(&COIN)), (2, Kind::Bytes)],
};

static COIN: Schema = Schema {
    name: "Coin",
    fields: &[(1, Kind::Bytes), (2, Kind::Bytes)],
};

static SECP256K1_PUB_KEY: Schema = Schema {
    name: "secp256k1.PubKey",
    fields: &[(1, Kind::Bytes)],
};

/// The `Any` types whose values are walked, by type URL.
fn resolve(type_url: &[u8]) -> Option<&'static Schema> {
    match type_url {
        b"/cosmos.crypto.secp256k1.PubKey" => Some(&SECP256K1_PUB_KEY),
        _ => None,
    }
}

/// Reads a varint from the front of `bytes`: the value and the rest.
fn varint<'a>(message: &'static str, bytes: &'a [u8]) -> Result<(u64, &'a [u8]), WireError> {
    let mut value: u64 = 0;
    for (i, &b) in bytes.iter().enumerate().take(10) {
        value |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Ok((value, bytes.get(i + 1..).unwrap_or_default()));
        }
    }
    Err(WireError::Malformed {
        message,
        reason: "truncated or overlong varint",
    })
}

fn split<'a>(
    message: &'static str,
    bytes: &'a [u8],
    len: u64,
) -> Result<(&'a [u8], &'a [u8]), WireError> {
    usize::try_from(len)
        .ok()
        .and_then(|len| bytes.split_at_checked(len))
        .ok_or(WireError::Malformed {
            message,
            reason: "field runs past the end",
        })
}

/// One field: its number, wire type and, for length-delimited fields, its bytes.
struct Field<'a> {
    number: u64,
    wire_type: u8,
    payload: &'a [u8],
}

fn next_field<'a>(
    message: &'static str,
    bytes: &'a [u8],
) -> Result<(Field<'a>, &'a [u8]), WireError> {
    let (tag, rest) = varint(message, bytes)?;
    let (number, wire_type) = (tag >> 3, (tag & 7) as u8);
    if number == 0 || number > (1 << 29) - 1 {
        return Err(WireError::Malformed {
            message,
            reason: "field number out of range",
        });
    }
    let (payload, rest) = match wire_type {
        VARINT => {
            let (_, after) = varint(message, rest)?;
            (
                rest.get(..rest.len() - after.len()).unwrap_or_default(),
                after,
            )
        }
        I64 => split(message, rest, 8)?,
        I32 => split(message, rest, 4)?,
        LEN => {
            let (len, rest) = varint(message, rest)?;
            split(message, rest, len)?
        }
        _ => {
            return Err(WireError::Malformed {
                message,
                reason: "groups and unknown wire types are not accepted",
            })
        }
    };
    Ok((
        Field {
            number,
            wire_type,
            payload,
        },
        rest,
    ))
}

/// Walks `bytes` as a `schema` message. Unknown non-critical fields pass when `allow_non_critical`
/// (they are reported in the result: true when any was seen); everything else unknown is refused.
fn walk(
    schema: &Schema,
    mut bytes: &[u8],
    allow_non_critical: bool,
    depth: usize,
) -> Result<bool, WireError> {
    if depth > MAX_DEPTH {
        return Err(WireError::TooDeep {
            message: schema.name,
        });
    }
    let mut non_critical = false;
    while !bytes.is_empty() {
        let (field, rest) = next_field(schema.name, bytes)?;
        bytes = rest;
        let Some(&(_, kind)) = schema.fields.iter().find(|(n, _)| *n == field.number) else {
            if is_critical(field.number) || !allow_non_critical {
                return Err(WireError::UnknownField {
                    message: schema.name,
                    field: field.number,
                    wire_type: field.wire_type,
                });
            }
            non_critical = true;
            continue;
        };
        if field.wire_type != kind.wire_type() {
            return Err(WireError::MismatchedWireType {
                message: schema.name,
                field: field.number,
                got: field.wire_type,
                want: kind.wire_type(),
            });
        }
        non_critical |= match kind {
            Kind::Varint | Kind::Bytes => false,
            Kind::Message(inner) => walk(inner, field.payload, allow_non_critical, depth + 1)?,
            Kind::Any => walk_any(field.payload, allow_non_critical, depth + 1)?,
        };
    }
    Ok(non_critical)
}

static ANY: Schema = Schema {
    name: "Any",
    fields: &[(1, Kind::Bytes), (2, Kind::Bytes)],
};

/// An `Any`: its own fields, then its value when its type is one [`resolve`] knows.
fn walk_any(bytes: &[u8], allow_non_critical: bool, depth: usize) -> Result<bool, WireError> {
    let mut non_critical = walk(&ANY, bytes, allow_non_critical, depth)?;
    let (mut type_url, mut value): (&[u8], &[u8]) = (&[], &[]);
    let mut rest = bytes;
    while !rest.is_empty() {
        let (field, after) = next_field(ANY.name, rest)?;
        rest = after;
        match field.number {
            1 => type_url = field.payload,
            2 => value = field.payload,
            _ => {}
        }
    }
    if let Some(schema) = resolve(type_url) {
        non_critical |= walk(schema, value, allow_non_critical, depth + 1)?;
    }
    Ok(non_critical)
}

/// `RejectUnknownFields(TxBody, allowUnknownNonCriticals = true)`: whether any non-critical
/// unknown field was present.
pub fn check_body(bytes: &[u8]) -> Result<bool, WireError> {
    walk(&TX_BODY, bytes, true, 0)
}

/// `RejectUnknownFieldsStrict(AuthInfo)`.
pub fn check_auth_info(bytes: &[u8]) -> Result<(), WireError> {
    walk(&AUTH_INFO, bytes, false, 0).map(|_| ())
}
