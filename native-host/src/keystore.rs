//! Device keys in the OS secure store, through the `keyring` crate: Secret Service on
//! Linux, Keychain on macOS, Credential Manager on Windows.
//!
//! The store holds one random 32-byte device key per member and device, which seals the
//! extension's local copy of that member's private key. It never holds a passphrase or a
//! vault key. Every call blocks (D-Bus on Linux), so the server runs it off its event loop.

use keyring::{Entry, Error as KeyringError};
use latchkey_core::channel::{ErrorCode, StoreState, StoreStatus};
use thiserror::Error;
use zeroize::Zeroizing;

/// The service name every latchkey entry is filed under.
const SERVICE: &str = "latchkey";

#[derive(Debug, Error)]
pub enum StoreError {
    #[error(
        "no OS secure store answers ({0}); on Linux start a Secret Service such as \
         gnome-keyring, or unlock with your passphrase"
    )]
    Unavailable(String),
    #[error("the OS secure store is locked; unlock it (log in again) or use your passphrase")]
    Locked,
    #[error("no device key is stored for member `{0}` on this device; unlock with the passphrase")]
    NotFound(String),
    #[error("member id must be 1 to 128 visible characters")]
    BadMember,
    #[error("the stored device key for member `{0}` is damaged; store a new one")]
    Damaged(String),
}

impl StoreError {
    pub fn code(&self) -> ErrorCode {
        match self {
            StoreError::Unavailable(_) => ErrorCode::StoreUnavailable,
            StoreError::Locked => ErrorCode::StoreLocked,
            StoreError::NotFound(_) => ErrorCode::DeviceKeyNotFound,
            StoreError::BadMember => ErrorCode::BadMessage,
            StoreError::Damaged(_) => ErrorCode::DeviceKeyNotFound,
        }
    }
}

fn classify(error: KeyringError, member: &str) -> StoreError {
    match error {
        KeyringError::NoEntry => StoreError::NotFound(member.to_owned()),
        KeyringError::NoStorageAccess(_) => StoreError::Locked,
        KeyringError::BadEncoding(_) | KeyringError::BadDataFormat(..) => {
            StoreError::Damaged(member.to_owned())
        }
        // The platform's own words say which service is missing; they hold no secret.
        other => StoreError::Unavailable(other.to_string()),
    }
}

fn entry(member: &str) -> Result<Entry, StoreError> {
    let visible =
        !member.is_empty() && member.len() <= 128 && member.chars().all(|c| !c.is_control());
    if !visible {
        return Err(StoreError::BadMember);
    }
    Entry::new(SERVICE, &format!("device-key:{member}")).map_err(|e| classify(e, member))
}

pub fn store_device_key(member: &str, key: &[u8; 32]) -> Result<(), StoreError> {
    entry(member)?
        .set_secret(key)
        .map_err(|e| classify(e, member))
}

pub fn load_device_key(member: &str) -> Result<Zeroizing<[u8; 32]>, StoreError> {
    let secret = Zeroizing::new(
        entry(member)?
            .get_secret()
            .map_err(|e| classify(e, member))?,
    );
    let key: [u8; 32] = secret
        .as_slice()
        .try_into()
        .map_err(|_| StoreError::Damaged(member.to_owned()))?;
    Ok(Zeroizing::new(key))
}

/// Deletes a member's device key; `Ok(false)` when there was none.
pub fn delete_device_key(member: &str) -> Result<bool, StoreError> {
    match entry(member)?.delete_credential() {
        Ok(()) => Ok(true),
        Err(KeyringError::NoEntry) => Ok(false),
        Err(e) => Err(classify(e, member)),
    }
}

/// Whether a device key for `member` is stored here.
pub fn has_device_key(member: &str) -> Result<bool, StoreError> {
    match load_device_key(member) {
        Ok(_) => Ok(true),
        Err(StoreError::NotFound(_)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Asks the store whether it answers, with a probe lookup that never finds anything.
pub fn status() -> StoreStatus {
    let probe = entry("status-probe").and_then(|e| match e.get_secret() {
        Ok(_) | Err(KeyringError::NoEntry) => Ok(()),
        Err(e) => Err(classify(e, "status-probe")),
    });
    match probe {
        Ok(()) => StoreStatus {
            state: StoreState::Available,
            message: "the OS secure store answers; quick unlock can be used".into(),
        },
        Err(StoreError::Locked) => StoreStatus {
            state: StoreState::Locked,
            message: StoreError::Locked.to_string(),
        },
        Err(e) => StoreStatus {
            state: StoreState::Missing,
            message: e.to_string(),
        },
    }
}
