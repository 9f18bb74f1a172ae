//! What can go wrong on the channel, each mapped to its numbered [`ErrorCode`].

use thiserror::Error;

use super::code::ErrorCode;

/// A frame that could not be read as a protocol message. None of these messages quote
/// the frame's content, which may hold a secret.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum FrameError {
    #[error("frame of {length} bytes is over the {limit}-byte limit; send smaller messages")]
    TooLarge { length: u64, limit: usize },
    #[error("frame truncated: the length said {expected} bytes but only {got} arrived")]
    Truncated { expected: u64, got: u64 },
    #[error("frame is not UTF-8: invalid byte at offset {offset}")]
    InvalidUtf8 { offset: usize },
    #[error("frame is not JSON: {reason} at line {line}, column {column}")]
    InvalidJson {
        line: usize,
        column: usize,
        reason: String,
    },
    #[error("JSON nested deeper than {limit} levels; no message of the protocol needs that")]
    TooDeep { limit: usize },
    #[error("duplicate key `{key}` in one object; send each key once")]
    DuplicateKey { key: String },
    #[error("message is not a JSON object with a string `type`")]
    NotAnObject,
    #[error("unknown message type `{name}`; see docs/PROTOCOL.md for the list")]
    UnknownType { name: String },
    #[error("malformed `{kind}` message: {reason}")]
    BadMessage { kind: String, reason: String },
    #[error("protocol version {got} is not spoken here; this side speaks {supported}")]
    UnsupportedVersion { got: u64, supported: u32 },
}

impl FrameError {
    /// The code sent in the error frame for this fault.
    pub fn code(&self) -> ErrorCode {
        match self {
            FrameError::TooLarge { .. } => ErrorCode::FrameTooLarge,
            FrameError::Truncated { .. } => ErrorCode::FrameTruncated,
            FrameError::InvalidUtf8 { .. } => ErrorCode::InvalidUtf8,
            FrameError::InvalidJson { .. } => ErrorCode::InvalidJson,
            FrameError::TooDeep { .. } => ErrorCode::TooDeep,
            FrameError::DuplicateKey { .. } => ErrorCode::DuplicateKey,
            FrameError::NotAnObject => ErrorCode::BadMessage,
            FrameError::UnknownType { .. } => ErrorCode::UnknownType,
            FrameError::BadMessage { .. } => ErrorCode::BadMessage,
            FrameError::UnsupportedVersion { .. } => ErrorCode::UnsupportedVersion,
        }
    }
}

/// A failure of the Noise handshake or of the sealed transport.
///
/// Handshake failures read the same whatever check failed, on purpose: the peer learns
/// nothing about which key or code was wrong.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ChannelError {
    #[error("pairing failed: the code was wrong or has expired; run `latchkey pair` again")]
    PairingFailed,
    #[error("handshake failed: this side is not paired with that key; pair again")]
    HandshakeFailed,
    #[error("sealed message {got} was already received (next is {expected}); refused")]
    Replayed { expected: u64, got: u64 },
    #[error("sealed message {got} arrived out of order (next is {expected}); refused")]
    OutOfOrder { expected: u64, got: u64 },
    #[error("sealed message {counter} failed authentication; it was altered or forged")]
    Tampered { counter: u64 },
    #[error("sealed message is over the {limit}-byte limit")]
    MessageTooLarge { limit: usize },
    #[error("`{field}` is not valid base64")]
    BadBase64 { field: &'static str },
    #[error("sealed message is not a protocol message: {0}")]
    Frame(FrameError),
    #[error("channel state error; start a new session")]
    State,
}

impl ChannelError {
    /// The code sent in the error frame for this failure.
    pub fn code(&self) -> ErrorCode {
        match self {
            ChannelError::PairingFailed => ErrorCode::PairingFailed,
            ChannelError::HandshakeFailed => ErrorCode::HandshakeFailed,
            ChannelError::Replayed { .. } => ErrorCode::Replayed,
            ChannelError::OutOfOrder { .. } => ErrorCode::OutOfOrder,
            ChannelError::Tampered { .. } => ErrorCode::Tampered,
            ChannelError::MessageTooLarge { .. } => ErrorCode::MessageTooLarge,
            ChannelError::BadBase64 { .. } => ErrorCode::BadMessage,
            ChannelError::Frame(e) => e.code(),
            ChannelError::State => ErrorCode::Internal,
        }
    }
}
