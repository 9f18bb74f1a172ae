//! Members: a public card plus private keys sealed under the passphrase.
//!
//! The sealed blob holds the Ed25519 seed followed by the RSA key's PKCS#8
//! DER, sealed with AES-256-GCM under Argon2id(passphrase). The seal's
//! associated data names the member id, the card's fingerprint and the KDF
//! parameters, so swapping the card or editing the parameters also fails to
//! open. The AEAD tag is checked before any byte reaches the PKCS#8 or RSA
//! code: a flipped, cut or spliced blob is refused without an RSA operation.

mod card;
mod device;

pub use card::{Fingerprint, FingerprintError, MemberCard, RSA_BITS};
pub use device::DeviceSealedMember;

use std::fmt;

use ed25519_dalek::SigningKey;
use rsa::PrivateKey;
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::format::{self, FormatError, KIND_MEMBER, Tag};
use crate::kdf::{KdfError, KdfParams};
use crate::primitives::b64;
use crate::primitives::seal::{SealKey, Sealed, aad};
use crate::primitives::transcript::Transcript;
use crate::secret::{Key32, Passphrase};

/// Why a member could not be created or re-sealed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MemberError {
    #[error("RSA keys of {0} bits are not offered; choose 2048, 3072 or 4096")]
    KeySize(usize),
    #[error(transparent)]
    Kdf(#[from] KdfError),
    #[error(transparent)]
    Format(#[from] FormatError),
    #[error("the RSA key could not be generated; try again")]
    KeyGeneration,
    #[error("the passphrase is empty; choose one of several words that only you know")]
    EmptyPassphrase,
}

/// Why a member's keys did not unlock.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnlockError {
    /// The seal did not open. A wrong passphrase is by far the likeliest
    /// cause; a damaged file reads the same, on purpose.
    #[error("wrong passphrase: the keys did not unlock; check the passphrase and try again")]
    WrongPassphrase,
    #[error("this device key does not open the local copy; unlock with the passphrase instead")]
    WrongDeviceKey,
    #[error("refusing to unlock: {0}")]
    WeakKdf(KdfError),
    #[error("the member file is damaged: {what}; restore it from a backup")]
    Corrupt { what: String },
}

/// A member as stored: the card and the sealed private keys.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    #[serde(flatten)]
    tag: Tag,
    card: MemberCard,
    kdf: StoredKdf,
    keys: Sealed,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
struct StoredKdf {
    algorithm: String,
    #[serde(flatten)]
    params: KdfParams,
    #[serde(
        serialize_with = "b64::serialize",
        deserialize_with = "b64::deserialize_array"
    )]
    salt: [u8; 16],
}

impl fmt::Debug for Member {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Member")
            .field("card", &self.card)
            .finish_non_exhaustive()
    }
}

const ARGON2ID: &str = "argon2id";

impl Member {
    pub fn create<R: rand_core::CryptoRng + ?Sized>(
        id: &str,
        name: &str,
        pass: &Passphrase,
        kdf: KdfParams,
        rsa_bits: usize,
        rng: &mut R,
    ) -> Result<Member, MemberError> {
        if !RSA_BITS.contains(&rsa_bits) {
            return Err(MemberError::KeySize(rsa_bits));
        }
        if pass.as_bytes().trim_ascii().is_empty() {
            return Err(MemberError::EmptyPassphrase);
        }
        kdf.check()?;
        format::check_id("the member id", id)?;

        let rsa = PrivateKey::new(rng, rsa_bits).map_err(|_| MemberError::KeyGeneration)?;
        let signing = SigningKey::generate(rng);
        let spki = rsa
            .to_public_key()
            .to_public_key_der()
            .map_err(|_| MemberError::KeyGeneration)?;
        let card = MemberCard {
            id: id.to_owned(),
            name: name.to_owned(),
            rsa_spki: spki.as_bytes().to_vec(),
            ed25519: signing.verifying_key().to_bytes(),
        };
        card.check()?;

        UnlockedMember { card, rsa, signing }.reseal(pass, kdf, rng)
    }

    pub fn from_json(text: &str) -> Result<Member, FormatError> {
        let member: Member = format::parse(text, KIND_MEMBER)?;
        member.card.check()?;
        if member.kdf.algorithm != ARGON2ID {
            return Err(FormatError::invalid(
                "the member's key derivation",
                format!("`{}` is not argon2id", member.kdf.algorithm),
            ));
        }
        Ok(member)
    }

    pub fn to_json(&self) -> String {
        // Invariant: every field is a string, a number or a struct of them.
        serde_json::to_string_pretty(self).unwrap_or_else(|_| unreachable!("plain data"))
    }

    pub fn card(&self) -> &MemberCard {
        &self.card
    }

    /// The KDF parameters stored with the sealed keys.
    pub fn kdf(&self) -> KdfParams {
        self.kdf.params
    }

    /// Derives the passphrase key (refusing weak parameters first), opens
    /// the keys, and checks they are the ones the card names.
    pub fn unlock(&self, pass: &Passphrase) -> Result<UnlockedMember, UnlockError> {
        let key = match self.kdf.params.derive(pass, &self.kdf.salt) {
            Ok(key) => key,
            Err(KdfError::TooWeak { .. }) | Err(KdfError::TooCostly { .. }) => {
                let error = self.kdf.params.check().err();
                return Err(UnlockError::WeakKdf(error.unwrap_or(KdfError::TooWeak {
                    m_kib: self.kdf.params.m_kib,
                    t: self.kdf.params.t,
                    p: self.kdf.params.p,
                })));
            }
        };

        let aad = member_aad(&self.card, &self.kdf.params);
        let plain = SealKey::new(&key)
            .open(&aad, &self.keys)
            .map_err(|_| UnlockError::WrongPassphrase)?;
        UnlockedMember::from_key_bytes(self.card.clone(), &plain)
    }
}

fn member_aad(card: &MemberCard, kdf: &KdfParams) -> Transcript {
    let mut t = aad("member-keys", "", &card.id, 0, "private");
    t.bytes(card.fingerprint().as_bytes())
        .u64(kdf.m_kib.into())
        .u64(kdf.t.into())
        .u64(kdf.p.into());
    t
}

/// A member whose keys are open: the only value that can open a vault,
/// write to it or grant access. Its keys are wiped when it is dropped.
pub struct UnlockedMember {
    card: MemberCard,
    rsa: PrivateKey,
    signing: SigningKey,
}

impl fmt::Debug for UnlockedMember {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnlockedMember")
            .field("card", &self.card)
            .finish_non_exhaustive()
    }
}

impl UnlockedMember {
    pub fn card(&self) -> &MemberCard {
        &self.card
    }

    /// Seals the same keys under a new passphrase (or new parameters). The
    /// card, and so every vault the member belongs to, is unchanged.
    pub fn reseal<R: rand_core::CryptoRng + ?Sized>(
        &self,
        pass: &Passphrase,
        kdf: KdfParams,
        rng: &mut R,
    ) -> Result<Member, MemberError> {
        if pass.as_bytes().trim_ascii().is_empty() {
            return Err(MemberError::EmptyPassphrase);
        }
        let mut salt = [0u8; 16];
        rng.fill_bytes(&mut salt);
        let key = kdf.derive(pass, &salt)?;

        let plain = self.key_bytes()?;
        let keys = SealKey::new(&key).seal(&member_aad(&self.card, &kdf), &plain, rng);
        Ok(Member {
            tag: Tag::new(KIND_MEMBER),
            card: self.card.clone(),
            kdf: StoredKdf {
                algorithm: ARGON2ID.to_owned(),
                params: kdf,
                salt,
            },
            keys,
        })
    }

    /// Seals a local copy under a device key, for unlocking on this device
    /// without typing the passphrase.
    pub fn seal_for_device<R: rand_core::CryptoRng + ?Sized>(
        &self,
        device_key: &crate::secret::DeviceKey,
        rng: &mut R,
    ) -> Result<DeviceSealedMember, MemberError> {
        let plain = self.key_bytes()?;
        Ok(DeviceSealedMember::seal(
            &self.card, device_key, &plain, rng,
        ))
    }

    pub(crate) fn rsa(&self) -> &PrivateKey {
        &self.rsa
    }

    pub(crate) fn signing(&self) -> &SigningKey {
        &self.signing
    }

    /// Ed25519 seed, then PKCS#8 DER of the RSA key.
    fn key_bytes(&self) -> Result<Zeroizing<Vec<u8>>, MemberError> {
        let der = self
            .rsa
            .to_pkcs8_der()
            .map_err(|_| MemberError::KeyGeneration)?;
        let mut plain = Zeroizing::new(Vec::with_capacity(32 + der.as_bytes().len()));
        plain.extend_from_slice(self.signing.as_bytes());
        plain.extend_from_slice(der.as_bytes());
        Ok(plain)
    }

    pub(crate) fn from_key_bytes(
        card: MemberCard,
        plain: &[u8],
    ) -> Result<UnlockedMember, UnlockError> {
        let corrupt = |what: &str| UnlockError::Corrupt {
            what: what.to_owned(),
        };
        if plain.len() < 32 {
            return Err(corrupt("the sealed keys are too short"));
        }
        let (seed, der) = plain.split_at(32);
        let seed =
            Key32::from_slice(seed).ok_or_else(|| corrupt("the signing key is cut short"))?;
        let signing = SigningKey::from_bytes(seed.as_bytes());
        let rsa =
            PrivateKey::from_pkcs8_der(der).map_err(|_| corrupt("the RSA key does not parse"))?;

        let spki = rsa
            .to_public_key()
            .to_public_key_der()
            .map_err(|_| corrupt("the RSA key"))?;
        if spki.as_bytes() != card.rsa_spki.as_slice()
            || signing.verifying_key().to_bytes() != card.ed25519
        {
            return Err(corrupt("the keys do not belong to this member's card"));
        }
        Ok(UnlockedMember { card, rsa, signing })
    }
}
