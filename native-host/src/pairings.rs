//! The host's side of pairing: its static key, the extensions it has pinned, and the one
//! pending pairing code.
//!
//! Kept as files in the host's data directory, each written atomically with mode 0600.
//! Known shortcoming: the host's static private key is a file readable by the user's own
//! processes, not an OS store entry; a process running as the user can already read the
//! user's keyring too, so this costs little, but it does not survive a stolen disk image.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use latchkey_core::channel::{ChannelPublicKey, PairingCode, PairingPsk, StaticKeypair};
use rand_core::CryptoRng;
use serde::{Deserialize, Serialize};
use thiserror::Error;
use zeroize::Zeroizing;

use crate::vault_store;

/// How long a code from `latchkey pair` stays valid.
pub const CODE_LIFETIME_SECS: u64 = 300;

#[derive(Debug, Error)]
pub enum PairingStoreError {
    #[error("cannot use {path}: {reason}; fix or delete the file")]
    File { path: PathBuf, reason: String },
    #[error("no pairing code is waiting; run `latchkey pair` and type the code it shows")]
    NoPending,
    #[error("the pairing code has expired; run `latchkey pair` again")]
    Expired,
}

fn file_error(path: &Path, reason: impl ToString) -> PairingStoreError {
    PairingStoreError::File {
        path: path.to_owned(),
        reason: reason.to_string(),
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Pairing {
    pub id: String,
    pub extension_key: ChannelPublicKey,
    /// The caller the browser named when the pairing was made.
    pub origin: String,
    pub created: u64,
    pub last_used: u64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct PairingList {
    kind: String,
    format: u32,
    pairings: Vec<Pairing>,
}

#[derive(Serialize, Deserialize)]
struct Pending {
    psk: String,
    expires: u64,
}

pub struct PairingStore {
    dir: PathBuf,
}

impl PairingStore {
    pub fn new(dir: PathBuf) -> PairingStore {
        PairingStore { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// The host's static key, made on first use.
    pub fn host_key<R: CryptoRng>(&self, rng: &mut R) -> Result<StaticKeypair, PairingStoreError> {
        let path = self.path("host-key");
        match fs::read_to_string(&path) {
            Ok(text) => {
                let text = Zeroizing::new(text);
                StaticKeypair::from_base64(&text).map_err(|e| file_error(&path, e))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let pair = StaticKeypair::generate(rng);
                let text = pair.private_to_base64();
                vault_store::replace(&path, text.as_bytes()).map_err(|e| file_error(&path, e))?;
                Ok(pair)
            }
            Err(e) => Err(file_error(&path, e)),
        }
    }

    /// Makes a new code, replacing any pending one, and keeps only its derived key.
    pub fn begin<R: CryptoRng>(
        &self,
        rng: &mut R,
        now: u64,
    ) -> Result<PairingCode, PairingStoreError> {
        let code = PairingCode::generate(rng);
        let psk = code
            .derive_psk()
            .map_err(|e| file_error(&self.path("pairing-pending.json"), e))?;
        let pending = Pending {
            psk: B64.encode(psk.as_bytes()),
            expires: now + CODE_LIFETIME_SECS,
        };
        let text = Zeroizing::new(serde_json::to_string(&pending).unwrap_or_default());
        let path = self.path("pairing-pending.json");
        vault_store::replace(&path, text.as_bytes()).map_err(|e| file_error(&path, e))?;
        Ok(code)
    }

    /// Takes the pending code's key and deletes it: a code is good for one attempt.
    pub fn take_pending(&self, now: u64) -> Result<PairingPsk, PairingStoreError> {
        let path = self.path("pairing-pending.json");
        let text = match fs::read_to_string(&path) {
            Ok(text) => Zeroizing::new(text),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(PairingStoreError::NoPending);
            }
            Err(e) => return Err(file_error(&path, e)),
        };
        fs::remove_file(&path).map_err(|e| file_error(&path, e))?;

        let pending: Pending =
            serde_json::from_str(&text).map_err(|_| PairingStoreError::NoPending)?;
        if now > pending.expires {
            return Err(PairingStoreError::Expired);
        }
        let bytes = Zeroizing::new(
            B64.decode(pending.psk.as_bytes())
                .map_err(|_| PairingStoreError::NoPending)?,
        );
        let psk: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| PairingStoreError::NoPending)?;
        Ok(PairingPsk::from_bytes(psk))
    }

    fn load(&self) -> Result<PairingList, PairingStoreError> {
        let path = self.path("pairings.json");
        match fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| file_error(&path, e)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(PairingList {
                kind: "latchkey-pairings".into(),
                format: 1,
                pairings: Vec::new(),
            }),
            Err(e) => Err(file_error(&path, e)),
        }
    }

    fn save(&self, list: &PairingList) -> Result<(), PairingStoreError> {
        let path = self.path("pairings.json");
        let text = serde_json::to_string_pretty(list).map_err(|e| file_error(&path, e))?;
        vault_store::replace(&path, text.as_bytes()).map_err(|e| file_error(&path, e))
    }

    /// Pins an extension's key under a new pairing id.
    pub fn add<R: CryptoRng>(
        &self,
        key: ChannelPublicKey,
        origin: &str,
        now: u64,
        rng: &mut R,
    ) -> Result<Pairing, PairingStoreError> {
        let mut id = [0u8; 6];
        rng.fill_bytes(&mut id);
        let id: String = id.iter().map(|b| format!("{b:02x}")).collect();
        let pairing = Pairing {
            id: format!("p-{id}"),
            extension_key: key,
            origin: origin.to_owned(),
            created: now,
            last_used: now,
        };
        let mut list = self.load()?;
        list.pairings.push(pairing.clone());
        self.save(&list)?;
        Ok(pairing)
    }

    pub fn find(&self, id: &str) -> Result<Option<Pairing>, PairingStoreError> {
        Ok(self.load()?.pairings.into_iter().find(|p| p.id == id))
    }

    pub fn touch(&self, id: &str, now: u64) -> Result<(), PairingStoreError> {
        let mut list = self.load()?;
        for pairing in list.pairings.iter_mut().filter(|p| p.id == id) {
            pairing.last_used = now;
        }
        self.save(&list)
    }

    pub fn list(&self) -> Result<Vec<Pairing>, PairingStoreError> {
        Ok(self.load()?.pairings)
    }

    /// Forgets a pairing; `Ok(false)` when there was none with that id.
    pub fn revoke(&self, id: &str) -> Result<bool, PairingStoreError> {
        let mut list = self.load()?;
        let before = list.pairings.len();
        list.pairings.retain(|p| p.id != id);
        if list.pairings.len() == before {
            return Ok(false);
        }
        self.save(&list)?;
        Ok(true)
    }
}
