//! Secret-holding newtypes: they wipe their memory on drop and never print.
//!
//! Every type here implements `Debug` by hand so that a stray `{:?}` in a log
//! or a panic message shows that a value exists, never what it is.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// A member's passphrase, wiped from memory when dropped.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Passphrase(String);

impl Passphrase {
    pub fn new(passphrase: String) -> Passphrase {
        Passphrase(passphrase)
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Passphrase(<hidden>)")
    }
}

/// A secret string inside an entry (password, TOTP URI, notes, hidden field).
///
/// It serializes as a plain string because it only ever travels inside a
/// sealed payload; the serialized buffer is itself wiped after sealing.
#[derive(Clone, Default, Zeroize, ZeroizeOnDrop)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: String) -> Secret {
        Secret(value)
    }

    /// The secret text, for the caller that is about to show, copy or fill it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Secret {
        Secret(value.to_owned())
    }
}

impl PartialEq for Secret {
    /// Constant time, so comparing a guess against a stored secret leaks nothing.
    fn eq(&self, other: &Secret) -> bool {
        self.0.as_bytes().ct_eq(other.0.as_bytes()).into()
    }
}

impl Eq for Secret {}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<hidden>)")
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Secret, D::Error> {
        String::deserialize(deserializer).map(Secret)
    }
}

/// A 32-byte symmetric key (vault key, version key, passphrase key).
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub(crate) struct Key32([u8; 32]);

impl Key32 {
    pub(crate) fn from_bytes(bytes: [u8; 32]) -> Key32 {
        Key32(bytes)
    }

    pub(crate) fn generate<R: rand_core::CryptoRng + ?Sized>(rng: &mut R) -> Key32 {
        let mut bytes = [0u8; 32];
        rng.fill_bytes(&mut bytes);
        Key32(bytes)
    }

    pub(crate) fn from_slice(bytes: &[u8]) -> Option<Key32> {
        let array: [u8; 32] = bytes.try_into().ok()?;
        Some(Key32(array))
    }

    pub(crate) fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for Key32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Key32(<hidden>)")
    }
}

/// The device key that the native host keeps in the OS secure store. It seals
/// a local copy of a member's keys so the device can unlock without the
/// passphrase.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct DeviceKey(Key32);

impl DeviceKey {
    pub fn from_bytes(bytes: [u8; 32]) -> DeviceKey {
        DeviceKey(Key32::from_bytes(bytes))
    }

    pub fn generate<R: rand_core::CryptoRng + ?Sized>(rng: &mut R) -> DeviceKey {
        DeviceKey(Key32::generate(rng))
    }

    /// The raw bytes, for handing to the OS secure store.
    pub fn to_bytes(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(*self.0.as_bytes())
    }

    pub(crate) fn key(&self) -> &Key32 {
        &self.0
    }
}

impl fmt::Debug for DeviceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DeviceKey(<hidden>)")
    }
}
