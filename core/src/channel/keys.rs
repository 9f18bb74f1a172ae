//! The static X25519 keys (RFC 7748) each end keeps and the other end pins at pairing.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use rand_core::CryptoRng;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use snow::params::DHChoice;
use snow::resolvers::{CryptoResolver, DefaultResolver};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::error::ChannelError;

/// A peer's static public key as pinned at pairing; serialized as base64.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChannelPublicKey(pub [u8; 32]);

impl ChannelPublicKey {
    /// Reads a key from its base64 text.
    pub fn from_base64(text: &str) -> Result<ChannelPublicKey, ChannelError> {
        let bytes = B64
            .decode(text.trim())
            .map_err(|_| ChannelError::BadBase64 {
                field: "public key",
            })?;
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| ChannelError::BadBase64 {
            field: "public key",
        })?;
        Ok(ChannelPublicKey(bytes))
    }

    pub(crate) fn from_slice(bytes: &[u8]) -> Result<ChannelPublicKey, ChannelError> {
        let bytes: [u8; 32] = bytes
            .try_into()
            .map_err(|_| ChannelError::HandshakeFailed)?;
        Ok(ChannelPublicKey(bytes))
    }

    /// Base64 of the 32 bytes.
    pub fn to_base64(&self) -> String {
        B64.encode(self.0)
    }

    /// Constant-time comparison, for checking a peer against a pinned key.
    pub fn same_as(&self, other: &ChannelPublicKey) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl fmt::Debug for ChannelPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ChannelPublicKey({})", self.to_base64())
    }
}

impl fmt::Display for ChannelPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_base64())
    }
}

impl Serialize for ChannelPublicKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_base64())
    }
}

impl<'de> Deserialize<'de> for ChannelPublicKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        ChannelPublicKey::from_base64(&text).map_err(serde::de::Error::custom)
    }
}

/// A static X25519 key pair. The private half is wiped on drop and never printed.
pub struct StaticKeypair {
    private: Zeroizing<[u8; 32]>,
    public: ChannelPublicKey,
}

impl StaticKeypair {
    /// Makes a fresh key pair from the caller's RNG.
    pub fn generate<R: CryptoRng>(rng: &mut R) -> StaticKeypair {
        let mut private = Zeroizing::new([0u8; 32]);
        rng.fill_bytes(private.as_mut());
        StaticKeypair::from_private(*private)
    }

    /// Rebuilds a key pair from its stored private half (X25519 clamps any 32 bytes).
    pub fn from_private(private: [u8; 32]) -> StaticKeypair {
        let private = Zeroizing::new(private);
        let public = derive_public(&private);
        StaticKeypair { private, public }
    }

    /// Reads the private half from base64, as the host stores it.
    pub fn from_base64(text: &str) -> Result<StaticKeypair, ChannelError> {
        let bytes =
            Zeroizing::new(
                B64.decode(text.trim())
                    .map_err(|_| ChannelError::BadBase64 {
                        field: "private key",
                    })?,
            );
        let private: [u8; 32] =
            bytes
                .as_slice()
                .try_into()
                .map_err(|_| ChannelError::BadBase64 {
                    field: "private key",
                })?;
        Ok(StaticKeypair::from_private(private))
    }

    /// Base64 of the private half, for the owner's own storage only.
    pub fn private_to_base64(&self) -> Zeroizing<String> {
        Zeroizing::new(B64.encode(self.private.as_ref()))
    }

    pub fn public(&self) -> &ChannelPublicKey {
        &self.public
    }

    pub(crate) fn private_bytes(&self) -> &[u8; 32] {
        &self.private
    }
}

impl fmt::Debug for StaticKeypair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticKeypair")
            .field("public", &self.public)
            .finish_non_exhaustive()
    }
}

fn derive_public(private: &[u8; 32]) -> ChannelPublicKey {
    // snow is built with use-curve25519, so the default resolver always has X25519.
    let Some(mut dh) = DefaultResolver.resolve_dh(&DHChoice::Curve25519) else {
        unreachable!("snow is built with X25519")
    };
    dh.set(private);
    let mut public = [0u8; 32];
    public.copy_from_slice(dh.pubkey());
    ChannelPublicKey(public)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
        }
        out
    }

    /// RFC 7748 section 6.1: Alice's private key and public key.
    #[test]
    fn public_key_matches_rfc7748() {
        let private = unhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        let public = unhex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
        assert_eq!(StaticKeypair::from_private(private).public().0, public);
    }

    #[test]
    fn base64_round_trip_and_debug_hides_the_private_half() {
        let pair = StaticKeypair::from_private([9u8; 32]);
        let again = StaticKeypair::from_base64(&pair.private_to_base64()).unwrap();
        assert_eq!(pair.public(), again.public());
        let debug = format!("{pair:?}");
        assert!(!debug.contains(&B64.encode([9u8; 32])), "{debug}");
        assert!(StaticKeypair::from_base64("AAAA").is_err());
        assert!(ChannelPublicKey::from_base64("not base64!").is_err());
    }
}
