//! Errors a transaction or query can end with, each with a stable (codespace, code).
//!
//! Auth, bank and the ante checks use the Cosmos SDK's own codes in codespace `sdk`, so that
//! Cosmos clients read them as they would on an SDK chain. Our modules have codespaces of their
//! own.

use crate::store::StoreError;

/// A failure with its ABCI code. Implemented by every module's error enum.
pub trait AbciError: std::fmt::Display {
    fn codespace(&self) -> &'static str;
    fn code(&self) -> u32;
    /// What sort of refusal this is, for the gRPC status a query answers with.
    fn kind(&self) -> Kind;
}

/// The sort of a refusal, as gRPC's status codes sort them: a query that fails answers with
/// the status of its error's kind, whichever module the error came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The request itself is malformed or out of range.
    InvalidArgument,
    /// A record the request names does not exist.
    NotFound,
    /// The request is well formed but the state does not allow it now.
    FailedPrecondition,
    /// The signer may not do this.
    PermissionDenied,
    /// The request needs more than the node allows (gas).
    ResourceExhausted,
    /// Nothing serves this request.
    Unimplemented,
    /// The node itself failed.
    Internal,
}

/// The Cosmos SDK's registered errors (types/errors/errors.go), with context.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum SdkError {
    #[error("tx parse error: {0}")]
    TxDecode(String),
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    #[error("insufficient funds: {0}")]
    InsufficientFunds(String),
    #[error("unknown request: {0}")]
    UnknownRequest(String),
    #[error("invalid address: {0}")]
    InvalidAddress(String),
    #[error("invalid pubkey: {0}")]
    InvalidPubKey(String),
    #[error("unknown address: {0}")]
    UnknownAddress(String),
    #[error("invalid coins: {0}")]
    InvalidCoins(String),
    #[error("out of gas in location: {location}; gasWanted: {limit}, gasUsed: {used}: out of gas")]
    OutOfGas {
        location: &'static str,
        limit: u64,
        used: u64,
    },
    #[error("memo too large: {0}")]
    MemoTooLarge(String),
    #[error("insufficient fee: {0}")]
    InsufficientFee(String),
    #[error("too many signatures: {0}")]
    TooManySignatures(String),
    #[error("no signatures supplied")]
    NoSignatures,
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    #[error("tx too large: {0}")]
    TxTooLarge(String),
    #[error("key not found: {0}")]
    KeyNotFound(String),
    #[error("tx timeout height: {0}")]
    TxTimeoutHeight(String),
    #[error("unknown extension options")]
    UnknownExtensionOptions,
    #[error("incorrect account sequence: {0}")]
    WrongSequence(String),
    #[error("not supported: {0}")]
    NotSupported(String),
    #[error("invalid gas limit: {0}")]
    InvalidGasLimit(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AbciError for SdkError {
    fn kind(&self) -> Kind {
        match self {
            SdkError::Internal(_) => Kind::Internal,
            SdkError::Unauthorized(_) => Kind::PermissionDenied,
            SdkError::UnknownRequest(_) | SdkError::NotSupported(_) => Kind::Unimplemented,
            SdkError::UnknownAddress(_) | SdkError::KeyNotFound(_) => Kind::NotFound,
            SdkError::OutOfGas { .. } => Kind::ResourceExhausted,
            SdkError::InsufficientFunds(_)
            | SdkError::InsufficientFee(_)
            | SdkError::WrongSequence(_)
            | SdkError::TxTimeoutHeight(_) => Kind::FailedPrecondition,
            SdkError::TxDecode(_)
            | SdkError::InvalidAddress(_)
            | SdkError::InvalidPubKey(_)
            | SdkError::InvalidCoins(_)
            | SdkError::MemoTooLarge(_)
            | SdkError::TooManySignatures(_)
            | SdkError::NoSignatures
            | SdkError::InvalidRequest(_)
            | SdkError::TxTooLarge(_)
            | SdkError::UnknownExtensionOptions
            | SdkError::InvalidGasLimit(_) => Kind::InvalidArgument,
        }
    }

    fn codespace(&self) -> &'static str {
        match self {
            SdkError::Internal(_) => "undefined",
            _ => "sdk",
        }
    }

    fn code(&self) -> u32 {
        match self {
            SdkError::Internal(_) => 1,
            SdkError::TxDecode(_) => 2,
            SdkError::Unauthorized(_) => 4,
            SdkError::InsufficientFunds(_) => 5,
            SdkError::UnknownRequest(_) => 6,
            SdkError::InvalidAddress(_) => 7,
            SdkError::InvalidPubKey(_) => 8,
            SdkError::UnknownAddress(_) => 9,
            SdkError::InvalidCoins(_) => 10,
            SdkError::OutOfGas { .. } => 11,
            SdkError::MemoTooLarge(_) => 12,
            SdkError::InsufficientFee(_) => 13,
            SdkError::TooManySignatures(_) => 14,
            SdkError::NoSignatures => 15,
            SdkError::InvalidRequest(_) => 18,
            SdkError::TxTooLarge(_) => 21,
            SdkError::KeyNotFound(_) => 22,
            SdkError::TxTimeoutHeight(_) => 30,
            SdkError::UnknownExtensionOptions => 31,
            SdkError::WrongSequence(_) => 32,
            SdkError::NotSupported(_) => 37,
            SdkError::InvalidGasLimit(_) => 41,
        }
    }
}

impl From<StoreError> for SdkError {
    fn from(e: StoreError) -> Self {
        SdkError::Internal(e.to_string())
    }
}

impl From<openledger_types::AddressError> for SdkError {
    fn from(e: openledger_types::AddressError) -> Self {
        SdkError::InvalidAddress(e.to_string())
    }
}

impl From<openledger_types::AmountError> for SdkError {
    fn from(e: openledger_types::AmountError) -> Self {
        SdkError::InvalidCoins(e.to_string())
    }
}

impl From<prost::DecodeError> for SdkError {
    fn from(e: prost::DecodeError) -> Self {
        SdkError::TxDecode(e.to_string())
    }
}

/// Any module's error, reduced to what ABCI reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub codespace: &'static str,
    pub code: u32,
    pub kind: Kind,
    pub log: String,
}

impl<E: AbciError> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure {
            codespace: e.codespace(),
            code: e.code(),
            kind: e.kind(),
            log: e.to_string(),
        }
    }
}

/// Address and amount errors carry the SDK's codes (invalid address, invalid coins).
impl From<openledger_types::AddressError> for Failure {
    fn from(e: openledger_types::AddressError) -> Self {
        SdkError::from(e).into()
    }
}

impl From<openledger_types::AmountError> for Failure {
    fn from(e: openledger_types::AmountError) -> Self {
        SdkError::from(e).into()
    }
}

/// Declares a module's error enum: each variant with its stable code, and a transparent `Sdk`
/// variant for the SDK errors (out of gas, bank) a handler passes through.
#[macro_export]
macro_rules! module_errors {
    ($name:ident, $codespace:literal, { $($variant:ident $( ( $($field:ty),* ) )? = $code:literal $( [$kind:ident] )? : $msg:literal,)* }) => {
        #[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
        pub enum $name {
            #[error(transparent)]
            Sdk(#[from] $crate::error::SdkError),
            $( #[error($msg)] $variant $( ( $($field),* ) )?, )*
        }

        /// Back to an SDK error where a caller can only pass one through: out of gas and other
        /// SDK errors keep their code; a module condition becomes internal.
        impl From<$name> for $crate::error::SdkError {
            fn from(e: $name) -> Self {
                match e {
                    $name::Sdk(inner) => inner,
                    other => $crate::error::SdkError::Internal(other.to_string()),
                }
            }
        }

        impl From<openledger_types::AddressError> for $name {
            fn from(e: openledger_types::AddressError) -> Self {
                $name::Sdk(e.into())
            }
        }

        impl From<openledger_types::AmountError> for $name {
            fn from(e: openledger_types::AmountError) -> Self {
                $name::Sdk(e.into())
            }
        }

        impl $crate::error::AbciError for $name {
            fn codespace(&self) -> &'static str {
                match self {
                    $name::Sdk(e) => e.codespace(),
                    _ => $codespace,
                }
            }
            fn code(&self) -> u32 {
                match self {
                    $name::Sdk(e) => e.code(),
                    $( $name::$variant { .. } => $code, )*
                }
            }
            fn kind(&self) -> $crate::error::Kind {
                match self {
                    $name::Sdk(e) => e.kind(),
                    $( $name::$variant { .. } => $crate::error_kind!($($kind)?), )*
                }
            }
        }
    };
}

/// A module error's kind: the one written after its code, or a failed precondition (most
/// module refusals are a state that does not allow the message now).
#[macro_export]
macro_rules! error_kind {
    () => {
        $crate::error::Kind::FailedPrecondition
    };
    ($kind:ident) => {
        $crate::error::Kind::$kind
    };
}
