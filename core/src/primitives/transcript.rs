//! Canonical byte strings for everything that is signed, hashed or bound as
//! associated data.
//!
//! JSON is not canonical (key order, escapes, number forms), so signatures and
//! AEAD associated data never cover JSON. They cover a transcript: a domain
//! label, then each field as a 4-byte big-endian length followed by its bytes.
//! Because every field carries its length, no two different field lists give
//! the same transcript. docs/FORMAT.md ("Transcripts") specifies the layout.

use crate::format::FORMAT_VERSION;

pub(crate) struct Transcript(Vec<u8>);

impl Transcript {
    /// Starts a transcript for one kind of object; the format version is
    /// always its first field.
    pub(crate) fn new(domain: &str) -> Transcript {
        let mut transcript = Transcript(Vec::with_capacity(256));
        transcript.str(domain).u64(u64::from(FORMAT_VERSION));
        transcript
    }

    pub(crate) fn bytes(&mut self, field: &[u8]) -> &mut Transcript {
        // Invariant: no field of ours comes near 4 GiB; a sealed payload is
        // bounded by the JSON it was parsed from, which the caller holds.
        let len = u32::try_from(field.len()).unwrap_or(u32::MAX);
        self.0.extend_from_slice(&len.to_be_bytes());
        self.0.extend_from_slice(field);
        self
    }

    pub(crate) fn str(&mut self, field: &str) -> &mut Transcript {
        self.bytes(field.as_bytes())
    }

    pub(crate) fn u64(&mut self, field: u64) -> &mut Transcript {
        self.bytes(&field.to_be_bytes())
    }

    /// A list: its length, then each item.
    pub(crate) fn list<'a, I>(&mut self, items: I) -> &mut Transcript
    where
        I: ExactSizeIterator<Item = &'a [u8]>,
    {
        self.u64(items.len() as u64);
        for item in items {
            self.bytes(item);
        }
        self
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}
