//! AES-256-GCM (NIST SP 800-38D) with a key commitment and bound associated data.
//!
//! GCM alone is not key-committing: one ciphertext can be made to open under
//! two chosen keys. Every seal therefore stores `commit`, HKDF-Expand
//! (RFC 5869) of the key with a fixed label, and opening compares it (in
//! constant time) before AES runs. A wrong key is refused by the commitment, a
//! moved or edited ciphertext by the tag; both read as the same [`Unopened`].

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use hkdf::Hkdf;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::Zeroizing;

use super::b64;
use super::hash::ct_eq;
use super::transcript::Transcript;
use crate::secret::Key32;

/// The HKDF info that derives a key's commitment.
const COMMIT_INFO: &[u8] = b"latchkey key commitment v1";

/// A sealed payload as stored: 12-byte nonce, 32-byte commitment, ciphertext
/// with the 16-byte GCM tag appended.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Sealed {
    #[serde(
        serialize_with = "b64::serialize",
        deserialize_with = "b64::deserialize_array"
    )]
    pub(crate) nonce: [u8; 12],
    #[serde(
        serialize_with = "b64::serialize",
        deserialize_with = "b64::deserialize_array"
    )]
    pub(crate) commit: [u8; 32],
    #[serde(
        serialize_with = "b64::serialize",
        deserialize_with = "b64::deserialize"
    )]
    pub(crate) ct: Vec<u8>,
}

/// A seal that did not open. It says nothing about why, on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unopened;

/// A key ready to seal and open: the AES key schedule and the commitment are
/// computed once, so opening 10,000 overviews under one vault key derives once.
pub(crate) struct SealKey {
    cipher: Aes256Gcm,
    commit: [u8; 32],
}

impl SealKey {
    pub(crate) fn new(key: &Key32) -> SealKey {
        SealKey {
            cipher: cipher(key),
            commit: commitment(key),
        }
    }

    pub(crate) fn seal<R: rand_core::CryptoRng + ?Sized>(
        &self,
        aad: &Transcript,
        plaintext: &[u8],
        rng: &mut R,
    ) -> Sealed {
        let mut nonce = [0u8; 12];
        rng.fill_bytes(&mut nonce);
        self.seal_with_nonce(aad, plaintext, nonce)
    }

    /// Sealing with a given nonce, for the NIST known-answer tests only: a
    /// nonce must never repeat under one key.
    pub(crate) fn seal_with_nonce(
        &self,
        aad: &Transcript,
        plaintext: &[u8],
        nonce: [u8; 12],
    ) -> Sealed {
        let payload = Payload {
            msg: plaintext,
            aad: aad.as_bytes(),
        };
        // Invariant: AES-GCM only fails beyond 64 GiB of plaintext.
        let ct = self
            .cipher
            .encrypt(&Nonce::from(nonce), payload)
            .unwrap_or_else(|_| unreachable!("AES-GCM plaintext exceeds 64 GiB"));
        Sealed {
            nonce,
            commit: self.commit,
            ct,
        }
    }

    pub(crate) fn open(
        &self,
        aad: &Transcript,
        sealed: &Sealed,
    ) -> Result<Zeroizing<Vec<u8>>, Unopened> {
        if !ct_eq(&sealed.commit, &self.commit) {
            return Err(Unopened);
        }

        let payload = Payload {
            msg: &sealed.ct,
            aad: aad.as_bytes(),
        };
        self.cipher
            .decrypt(&Nonce::from(sealed.nonce), payload)
            .map(Zeroizing::new)
            .map_err(|_| Unopened)
    }

    /// AES-GCM with raw associated data and no commitment check, for the
    /// NIST vectors that test the cipher underneath the seal.
    #[cfg(test)]
    pub(crate) fn raw_open(&self, nonce: [u8; 12], aad: &[u8], ct: &[u8]) -> Option<Vec<u8>> {
        let payload = Payload { msg: ct, aad };
        self.cipher.decrypt(&Nonce::from(nonce), payload).ok()
    }
}

fn cipher(key: &Key32) -> Aes256Gcm {
    // Invariant: the key is exactly 32 bytes, AES-256's key size.
    Aes256Gcm::new_from_slice(key.as_bytes())
        .unwrap_or_else(|_| unreachable!("a 32-byte key fits AES-256"))
}

/// HKDF-Expand with the key as PRK: the key is uniformly random (or an
/// Argon2id output), which RFC 5869 section 3.3 allows to skip Extract.
pub(crate) fn commitment(key: &Key32) -> [u8; 32] {
    derive(key, COMMIT_INFO)
}

/// A subkey for one purpose (the head MAC key, the audit key), from HKDF-Expand.
pub(crate) fn derive(key: &Key32, info: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    // Invariants: a 32-byte PRK is at least SHA-256's output length, and 32
    // bytes of output is far under HKDF's 255-block limit.
    let hkdf = Hkdf::<Sha256>::from_prk(key.as_bytes())
        .unwrap_or_else(|_| unreachable!("a 32-byte PRK is long enough"));
    hkdf.expand(info, &mut out)
        .unwrap_or_else(|_| unreachable!("32 bytes is in range"));
    out
}

/// The associated data every seal binds: format version, object kind, vault
/// id, entry id, version number and part. Empty strings stand for fields an
/// object does not have (a member's keys belong to no vault).
pub(crate) fn aad(kind: &str, vault: &str, entry: &str, version: u64, part: &str) -> Transcript {
    let mut transcript = Transcript::new("latchkey aad");
    transcript
        .str(kind)
        .str(vault)
        .str(entry)
        .u64(version)
        .str(part);
    transcript
}
