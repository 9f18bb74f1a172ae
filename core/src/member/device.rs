//! A member's keys sealed under a device key, for quick unlock.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{MemberCard, UnlockError, UnlockedMember};
use crate::format::{self, FormatError, KIND_DEVICE_MEMBER, Tag};
use crate::primitives::seal::{SealKey, Sealed, aad};
use crate::primitives::transcript::Transcript;
use crate::secret::DeviceKey;

/// The member's keys sealed with AES-256-GCM under a 32-byte device key that
/// the native host keeps in the OS secure store. Stored beside the vault on
/// this device only.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceSealedMember {
    #[serde(flatten)]
    tag: Tag,
    card: MemberCard,
    keys: Sealed,
}

impl fmt::Debug for DeviceSealedMember {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceSealedMember")
            .field("card", &self.card)
            .finish_non_exhaustive()
    }
}

fn device_aad(card: &MemberCard) -> Transcript {
    let mut t = aad("device-member-keys", "", &card.id, 0, "private");
    t.bytes(card.fingerprint().as_bytes());
    t
}

impl DeviceSealedMember {
    pub(super) fn seal<R: rand_core::CryptoRng + ?Sized>(
        card: &MemberCard,
        device_key: &DeviceKey,
        plain: &[u8],
        rng: &mut R,
    ) -> DeviceSealedMember {
        let keys = SealKey::new(device_key.key()).seal(&device_aad(card), plain, rng);
        DeviceSealedMember {
            tag: Tag::new(KIND_DEVICE_MEMBER),
            card: card.clone(),
            keys,
        }
    }

    pub fn card(&self) -> &MemberCard {
        &self.card
    }

    /// Opens with the device key. A wrong key and a damaged copy read the
    /// same: the seal did not open.
    pub fn unlock(&self, device_key: &DeviceKey) -> Result<UnlockedMember, UnlockError> {
        let plain = SealKey::new(device_key.key())
            .open(&device_aad(&self.card), &self.keys)
            .map_err(|_| UnlockError::WrongDeviceKey)?;
        UnlockedMember::from_key_bytes(self.card.clone(), &plain)
    }

    pub fn from_json(text: &str) -> Result<DeviceSealedMember, FormatError> {
        let sealed: DeviceSealedMember = format::parse(text, KIND_DEVICE_MEMBER)?;
        sealed.card.check()?;
        Ok(sealed)
    }

    pub fn to_json(&self) -> String {
        // Invariant: every field is a string, a number or a struct of them.
        serde_json::to_string(self).unwrap_or_else(|_| unreachable!("plain data"))
    }
}
