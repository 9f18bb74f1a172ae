//! Raw primitives, private to the core. Nothing outside `latchkey-core` sees
//! a nonce, a bare AES key or an RSA padding choice; the public API hands out
//! typed objects only.

pub(crate) mod b64;
pub(crate) mod hash;
pub(crate) mod seal;
pub(crate) mod sign;
pub(crate) mod transcript;
pub(crate) mod wrap;
