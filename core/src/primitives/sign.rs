//! Ed25519 (RFC 8032) signatures over transcripts, verified strictly
//! (no small-order keys, canonical encodings only).

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

use super::transcript::Transcript;

pub(crate) fn sign(key: &SigningKey, transcript: &Transcript) -> [u8; 64] {
    key.sign(transcript.as_bytes()).to_bytes()
}

pub(crate) fn verify(key: &VerifyingKey, transcript: &Transcript, signature: &[u8; 64]) -> bool {
    let signature = Signature::from_bytes(signature);
    key.verify_strict(transcript.as_bytes(), &signature).is_ok()
}
