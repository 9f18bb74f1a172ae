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

    /// Sealing with a given nonce. Only `seal` calls it with a fresh random
    /// nonce; a nonce must never repeat under one key.
    fn seal_with_nonce(&self, aad: &Transcript, plaintext: &[u8], nonce: [u8; 12]) -> Sealed {
        let ct = self.encrypt_raw(nonce, aad.as_bytes(), plaintext);
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
        self.decrypt_raw(sealed.nonce, aad.as_bytes(), &sealed.ct)
            .ok_or(Unopened)
    }

    /// AES-256-GCM itself (SP 800-38D), 96-bit nonce, tag appended. The
    /// NIST vectors run through this, the one place the cipher is called.
    fn encrypt_raw(&self, nonce: [u8; 12], aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
        let payload = Payload {
            msg: plaintext,
            aad,
        };
        // Invariant: AES-GCM only fails beyond 64 GiB of plaintext.
        self.cipher
            .encrypt(&Nonce::from(nonce), payload)
            .unwrap_or_else(|_| unreachable!("AES-GCM plaintext exceeds 64 GiB"))
    }

    fn decrypt_raw(&self, nonce: [u8; 12], aad: &[u8], ct: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        let payload = Payload { msg: ct, aad };
        self.cipher
            .decrypt(&Nonce::from(nonce), payload)
            .ok()
            .map(Zeroizing::new)
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

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    fn hex(text: &str) -> Vec<u8> {
        if text == "-" {
            return Vec::new();
        }
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
            .collect()
    }

    /// NIST CAVP vectors, passing and failing, from one data file.
    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn nist_aes256_gcm_vectors() {
        let data = include_str!("../../tests/vectors/nist-aes256-gcm.txt");
        let mut counted = (0, 0);
        for line in data
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            let f: Vec<&str> = line.split(' ').collect();
            let key = Key32::from_slice(&hex(f[1])).expect("32-byte key");
            let nonce: [u8; 12] = hex(f[2]).try_into().expect("96-bit IV");
            let (pt, aad, ct, tag) = (hex(f[3]), hex(f[4]), hex(f[5]), hex(f[6]));
            let mut sealed = ct.clone();
            sealed.extend_from_slice(&tag);

            let key = SealKey::new(&key);
            let opened = key.decrypt_raw(nonce, &aad, &sealed);
            match f[0] {
                "PASS" => {
                    assert_eq!(key.encrypt_raw(nonce, &aad, &pt), sealed, "{line}");
                    assert_eq!(opened.as_deref(), Some(&pt), "{line}");
                    counted.0 += 1;
                }
                _ => {
                    assert!(opened.is_none(), "{line}");
                    counted.1 += 1;
                }
            }
        }
        assert_eq!(counted, (4, 4));
    }

    fn rng() -> ChaCha20Rng {
        ChaCha20Rng::seed_from_u64(7)
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn every_associated_data_field_is_bound() {
        let key = SealKey::new(&Key32::from_bytes([9; 32]));
        let sealed = key.seal(
            &aad("entry-part", "v1", "e1", 3, "overview"),
            b"hello",
            &mut rng(),
        );
        assert_eq!(
            key.open(&aad("entry-part", "v1", "e1", 3, "overview"), &sealed)
                .map(|p| p.to_vec()),
            Ok(b"hello".to_vec())
        );
        let moved = [
            aad("audit-record", "v1", "e1", 3, "overview"),
            aad("entry-part", "v2", "e1", 3, "overview"),
            aad("entry-part", "v1", "e2", 3, "overview"),
            aad("entry-part", "v1", "e1", 4, "overview"),
            aad("entry-part", "v1", "e1", 3, "secrets"),
        ];
        for aad in moved {
            assert_eq!(key.open(&aad, &sealed), Err(Unopened));
        }
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn a_seal_opens_under_one_key_only() {
        let right = SealKey::new(&Key32::from_bytes([1; 32]));
        let wrong = SealKey::new(&Key32::from_bytes([2; 32]));
        let t = aad("k", "", "", 0, "");
        let sealed = right.seal(&t, b"x", &mut rng());
        assert_eq!(wrong.open(&t, &sealed), Err(Unopened));

        // Even with the right commitment copied in, the wrong key fails the tag.
        let mut forged = sealed.clone();
        forged.commit = wrong.commit;
        assert_eq!(wrong.open(&t, &forged), Err(Unopened));
        assert_eq!(right.open(&t, &forged), Err(Unopened));
    }

    #[test]
    fn the_commitment_is_hkdf_expand_of_the_key() {
        // RFC 5869 HKDF-Expand with PRK = key, one block: HMAC(key, info || 0x01).
        let key = Key32::from_bytes([0x0b; 32]);
        let mut input = COMMIT_INFO.to_vec();
        input.push(1);
        let expected = crate::primitives::hash::hmac_sha256(key.as_bytes(), &input);
        assert_eq!(commitment(&key), expected);
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn seal_then_open_round_trips(
            key in proptest::array::uniform32(0u8..),
            plain in proptest::collection::vec(0u8.., 0..512),
            entry in "[a-z0-9]{1,16}",
            version in 0u64..1000,
        ) {
            let key = SealKey::new(&Key32::from_bytes(key));
            let t = aad("entry-part", "vault", &entry, version, "secrets");
            let sealed = key.seal(&t, &plain, &mut rng());
            let opened = key.open(&t, &sealed).map(|p| p.to_vec());
            proptest::prop_assert_eq!(opened, Ok(plain));
            let other = aad("entry-part", "vault", &entry, version + 1, "secrets");
            proptest::prop_assert!(key.open(&other, &sealed).is_err());
        }
    }
}
