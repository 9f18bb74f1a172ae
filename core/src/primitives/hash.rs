//! SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104) helpers, and the 32-byte
//! digest type used as a record id.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::hash::{BuildHasher, Hasher};

use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq;

/// A SHA-256 digest naming a record (a version, a member event, an audit
/// record, a head). Serialized as base64.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest(pub(crate) [u8; 32]);

impl Digest {
    pub(crate) fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The first bytes in hex, enough for a person to tell records apart.
    pub fn short(&self) -> String {
        self.0[..6].iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({})", self.short())
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.short())
    }
}

impl Serialize for Digest {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        super::b64::serialize(&self.0, serializer)
    }
}

impl<'de> Deserialize<'de> for Digest {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Digest, D::Error> {
        super::b64::deserialize_array(deserializer).map(Digest)
    }
}

pub(crate) fn sha256(data: &[u8]) -> Digest {
    Digest(Sha256::digest(data).into())
}

/// SHA-256 over several byte strings, as if concatenated, without copying.
pub(crate) fn sha256_parts(parts: &[&[u8]]) -> Digest {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    Digest(hasher.finalize().into())
}

pub(crate) fn hmac_sha256(key: &[u8; 32], data: &[u8]) -> [u8; 32] {
    // Invariant: HMAC accepts keys of any length.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC-SHA256 takes keys of any length"));
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// A hash table of records by id.
pub(crate) type DigestMap<V> = HashMap<Digest, V, DigestKeyed>;
pub(crate) type DigestSet = HashSet<Digest, DigestKeyed>;

/// Hashes record ids for a hash table, cheaply: ids are SHA-256 outputs and
/// already look random, so folding their words with a multiply is enough,
/// where SipHash would cost more than the rest of a lookup. The key, drawn
/// derived from the vault key, keeps a store that grinds records for ids
/// that collide in a table from knowing which ones do.
#[derive(Clone, Copy, Default)]
pub(crate) struct DigestKeyed {
    key: u64,
}

impl DigestKeyed {
    /// A table key from 32 secret bytes (derived from the vault key).
    pub(crate) fn new(secret: &[u8; 32]) -> DigestKeyed {
        let mut key = [0u8; 8];
        key.copy_from_slice(&secret[..8]);
        DigestKeyed {
            key: u64::from_le_bytes(key),
        }
    }
}

impl BuildHasher for DigestKeyed {
    type Hasher = DigestHasher;

    fn build_hasher(&self) -> DigestHasher {
        DigestHasher {
            key: self.key,
            state: self.key,
        }
    }
}

pub(crate) struct DigestHasher {
    key: u64,
    state: u64,
}

impl Hasher for DigestHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            let mixed = u128::from(self.state ^ u64::from_le_bytes(word) ^ self.key)
                * 0x9e37_79b9_7f4a_7c15_u128;
            self.state = (mixed as u64) ^ ((mixed >> 64) as u64);
        }
    }

    fn finish(&self) -> u64 {
        self.state
    }
}

pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}
