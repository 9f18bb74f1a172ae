//! latchkey-core: the vault model and its cryptography.
//!
//! Pure by design: no I/O, no async, no clock and no randomness that the caller
//! did not hand in. The same code runs in the native host and, compiled to
//! wasm32, inside the browser extension.
#![forbid(unsafe_code)]

// TOTP, URL matching and the password generator (issue 3).
pub mod generator;
pub mod matching;
pub mod totp;
