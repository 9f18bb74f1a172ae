//! The channel between the extension and the native host: typed native-messaging
//! messages and the Noise session that protects them (docs/PROTOCOL.md is the contract).
//!
//! Security caveats, up front:
//! - The browser's origin check is not an authentication: any local process can start the
//!   host. Pairing (a short code the user types, mixed into an `XXpsk3` handshake) pins both
//!   static keys once; every later session is a `KK` handshake with those pinned keys.
//! - After the handshake every message, errors included, travels as a `sealed` frame whose
//!   per-direction counter must be exactly the next one: a replayed, reordered, dropped or
//!   bit-flipped frame is refused.
//! - Like the rest of the core this module is pure: it does no I/O and takes its randomness
//!   from the caller (see [`rng`]), so both ends and their tests are deterministic.

mod code;
mod error;
mod frame;
mod keys;
mod message;
mod pairing;
mod rng;
mod session;
mod strict_json;

pub use code::ErrorCode;
pub use error::{ChannelError, FrameError};
pub use frame::{ClientFrame, HostFrame, SealedFrame, parse_client_frame, parse_host_frame};
pub use keys::{ChannelPublicKey, StaticKeypair};
pub use message::{
    DeviceKeyBytes, ErrorBody, Request, RequestBody, Response, ResponseBody, StoreState,
    StoreStatus, VaultState,
};
pub use pairing::{
    AwaitingConfirmation, Paired, PairingCode, PairingInitiator, PairingPsk, PairingResponder,
};
pub use session::{Channel, SessionInitiator, SessionResponder};
pub use strict_json::parse_strict;

/// The protocol version this build speaks; `hello` agrees on it before anything else.
pub const PROTOCOL_VERSION: u32 = 1;

/// Frames from the browser larger than this are refused before anything is allocated.
pub const MAX_INCOMING_FRAME: usize = 64 * 1024 * 1024;

/// Chrome refuses messages from a native host over 1 MiB, so the host never sends one.
pub const MAX_OUTGOING_FRAME: usize = 1024 * 1024;

/// JSON nested deeper than this is refused; no message of the protocol needs more than 4.
pub const MAX_JSON_DEPTH: usize = 32;

/// A reassembled sealed message may not exceed the incoming frame cap either.
pub const MAX_MESSAGE: usize = MAX_INCOMING_FRAME;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
