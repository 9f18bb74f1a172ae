//! RSA-OAEP (RFC 8017 section 7.1) with SHA-256 and MGF1-SHA-256, used only to
//! wrap 32-byte vault keys.
//!
//! Decryption is blinded with the caller's RNG, and its result is never
//! reported on its own: a failed unwrap and a wrong key both surface as the
//! vault's single "cannot open" error, and an unwrap is only attempted on a
//! wrap whose Ed25519 signature by an admin already verified. So no one can
//! submit chosen ciphertexts and learn anything from how they fail.

use rsa::{Oaep, PrivateKey, PublicKey};
use sha2::Sha256;
use zeroize::Zeroizing;

use super::seal::Unopened;
use crate::secret::Key32;

pub(crate) fn wrap<R: rand_core::CryptoRng + ?Sized>(
    recipient: &PublicKey,
    label: &[u8],
    key: &Key32,
    rng: &mut R,
) -> Result<Vec<u8>, rsa::Error> {
    let padding = Oaep::<Sha256>::new_with_label(label.to_vec());
    recipient.encrypt(rng, padding, key.as_bytes())
}

pub(crate) fn unwrap<R: rand_core::CryptoRng + ?Sized>(
    me: &PrivateKey,
    label: &[u8],
    wrapped: &[u8],
    rng: &mut R,
) -> Result<Key32, Unopened> {
    let padding = Oaep::<Sha256>::new_with_label(label.to_vec());
    let plain = Zeroizing::new(
        me.decrypt_blinded(rng, padding, wrapped)
            .map_err(|_| Unopened)?,
    );
    Key32::from_slice(&plain).ok_or(Unopened)
}
