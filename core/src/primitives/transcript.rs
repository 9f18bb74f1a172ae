//! Canonical byte strings for everything that is signed, hashed or bound as
//! associated data.
//!
//! JSON is not canonical (key order, escapes, number forms), so signatures and
//! AEAD associated data never cover JSON. They cover a transcript: a domain
//! label, then each field as a 4-byte big-endian length followed by its bytes.
//! Because every field carries its length, no two different field lists give
//! the same transcript. docs/FORMAT.md ("Transcripts") specifies the layout.

use sha2::{Digest as _, Sha256};

use super::hash::Digest;
use crate::format::FORMAT_VERSION;

/// Where a transcript's bytes go: kept in memory (to sign, verify or bind as
/// associated data), or straight into SHA-256 (for a record id), which spares
/// copying a record's ciphertexts just to hash them.
pub(crate) trait Sink {
    fn put(&mut self, bytes: &[u8]);
}

impl Sink for Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

/// SHA-256 fed in pieces of up to a few hundred bytes: a transcript is
/// written a field at a time (a 4-byte length, then the field), and handing
/// each of those to the hasher on its own costs more than hashing them.
pub(crate) struct Hashing {
    hasher: Sha256,
    staged: [u8; 512],
    len: usize,
}

impl Hashing {
    fn flush(&mut self) {
        self.hasher.update(&self.staged[..self.len]);
        self.len = 0;
    }
}

impl Sink for Hashing {
    fn put(&mut self, bytes: &[u8]) {
        if self.len + bytes.len() > self.staged.len() {
            self.flush();
        }
        if bytes.len() > self.staged.len() {
            self.hasher.update(bytes);
            return;
        }
        self.staged[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
    }
}

#[derive(Clone)]
pub(crate) struct Transcript<S: Sink = Vec<u8>>(S);

impl Transcript {
    /// Starts a transcript for one kind of object; the format version is
    /// always its first field.
    pub(crate) fn new(domain: &str) -> Transcript {
        Transcript::start(Vec::with_capacity(256), domain)
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl Transcript<Hashing> {
    /// The same transcript as [`Transcript::new`] would hold, hashed as it
    /// is written.
    pub(crate) fn hashing(domain: &str) -> Transcript<Hashing> {
        let sink = Hashing {
            hasher: Sha256::new(),
            staged: [0; 512],
            len: 0,
        };
        Transcript::start(sink, domain)
    }

    /// SHA-256 of the transcript followed by `tail` (a record's signature).
    pub(crate) fn finish(mut self, tail: &[u8]) -> Digest {
        self.0.put(tail);
        self.0.flush();
        Digest(self.0.hasher.finalize().into())
    }
}

impl<S: Sink> Transcript<S> {
    fn start(sink: S, domain: &str) -> Transcript<S> {
        let mut transcript = Transcript(sink);
        transcript.str(domain).u64(u64::from(FORMAT_VERSION));
        transcript
    }

    pub(crate) fn bytes(&mut self, field: &[u8]) -> &mut Transcript<S> {
        // Invariant: no field of ours comes near 4 GiB; a sealed payload is
        // bounded by the JSON it was parsed from, which the caller holds.
        let len = u32::try_from(field.len()).unwrap_or(u32::MAX);
        self.0.put(&len.to_be_bytes());
        self.0.put(field);
        self
    }

    pub(crate) fn str(&mut self, field: &str) -> &mut Transcript<S> {
        self.bytes(field.as_bytes())
    }

    pub(crate) fn u64(&mut self, field: u64) -> &mut Transcript<S> {
        self.bytes(&field.to_be_bytes())
    }

    /// A list: its length, then each item.
    pub(crate) fn list<'a, I>(&mut self, items: I) -> &mut Transcript<S>
    where
        I: ExactSizeIterator<Item = &'a [u8]>,
    {
        self.u64(items.len() as u64);
        for item in items {
            self.bytes(item);
        }
        self
    }
}
