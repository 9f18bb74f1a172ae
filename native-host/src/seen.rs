//! What this device remembers about each vault it opened from the command line: the
//! newest head it saw (so a store or sync folder serving an older copy is refused) and the
//! admin fingerprints its member confirmed (so a member granted by another admin can open
//! the vault without confirming again).
//!
//! Kept in the data directory as `seen.json`, replaced atomically. A damaged file is an
//! error, never a reason to start afresh: forgetting the heads would accept a rollback.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use latchkey_core::{Digest, Fingerprint, HeadSeen, OpenVault, Trust, UnlockedMember, VaultId};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::vault_store;

const KIND: &str = "latchkey-seen";

#[derive(Debug, Error)]
pub enum SeenError {
    #[error(
        "{path} (the vault heads and admins this device remembers) is damaged: {reason}; \
         restore it from a backup, or delete it to trust the next copy you open as it is"
    )]
    Damaged { path: PathBuf, reason: String },
    #[error("cannot {action} {path}: {reason}")]
    Io {
        action: &'static str,
        path: PathBuf,
        reason: String,
    },
}

/// One vault's memory.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct VaultSeen {
    /// The highest head counter opened or written.
    pub head: u64,
    /// That head's id, to tell a fork (same counter, other history) from the real one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head_id: Option<Digest>,
    /// Admin fingerprints the member confirmed with `--admin-fingerprint`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub admins: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct SeenFile {
    kind: String,
    format: u32,
    vaults: BTreeMap<String, VaultSeen>,
}

/// The remembered heads and admins, at `path`.
pub struct SeenStore {
    path: PathBuf,
}

impl SeenStore {
    pub fn new(data_dir: &Path) -> SeenStore {
        SeenStore {
            path: data_dir.join("seen.json"),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn load(&self) -> Result<BTreeMap<String, VaultSeen>, SeenError> {
        let text = match fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
            Err(e) => {
                return Err(SeenError::Io {
                    action: "read",
                    path: self.path.clone(),
                    reason: e.to_string(),
                });
            }
        };
        let damaged = |reason: String| SeenError::Damaged {
            path: self.path.clone(),
            reason,
        };
        let file: SeenFile = serde_json::from_str(&text).map_err(|e| damaged(e.to_string()))?;
        if file.kind != KIND || file.format != 1 {
            return Err(damaged(format!(
                "kind `{}` format {}, expected `{KIND}` format 1",
                file.kind, file.format
            )));
        }
        Ok(file.vaults)
    }

    /// What this device remembers about `vault` (nothing yet is the default).
    pub fn get(&self, vault: &VaultId) -> Result<VaultSeen, SeenError> {
        Ok(self.load()?.remove(vault.as_str()).unwrap_or_default())
    }

    /// Raises the remembered head to `open`'s (never lowers it) and adds `admin` if given.
    /// Serialized by a lock beside the file, since several vault files share it.
    pub fn record(&self, open: &OpenVault, admin: Option<&Fingerprint>) -> Result<(), SeenError> {
        let io = |action: &'static str| {
            let path = self.path.clone();
            move |e: vault_store::VaultStoreError| SeenError::Io {
                action,
                path,
                reason: e.to_string(),
            }
        };
        let _lock = vault_store::lock(&self.path).map_err(io("lock"))?;
        let mut vaults = self.load()?;
        let entry = vaults
            .entry(open.file().vault_id().as_str().to_owned())
            .or_default();
        let before = entry.clone();

        let head = open.head_seen();
        if head.counter > entry.head || entry.head_id.is_none() && head.counter == entry.head {
            entry.head = head.counter;
            entry.head_id = Some(head.id);
        }
        if let Some(admin) = admin.map(ToString::to_string)
            && !entry.admins.contains(&admin)
        {
            entry.admins.push(admin);
        }
        if *entry == before {
            return Ok(());
        }

        let file = SeenFile {
            kind: KIND.into(),
            format: 1,
            vaults,
        };
        let text = serde_json::to_string_pretty(&file).map_err(|e| SeenError::Io {
            action: "encode",
            path: self.path.clone(),
            reason: e.to_string(),
        })?;
        vault_store::replace(&self.path, text.as_bytes()).map_err(io("write"))
    }
}

impl VaultSeen {
    /// The trust to open the vault with: the member's own key, the admins confirmed now
    /// or before, and the newest head seen.
    pub fn trust(&self, me: &UnlockedMember, confirmed: Option<&Fingerprint>) -> Trust {
        let mut trust = Trust::own(me).with_min_head(self.head);
        if let Some(id) = self.head_id {
            trust = trust.with_seen_head(HeadSeen {
                counter: self.head,
                id,
            });
        }
        // Remembered fingerprints were parsed before they were stored; one that no longer
        // parses was edited by hand and is skipped (it can only trust less).
        for admin in self.admins.iter().filter_map(|a| a.parse().ok()) {
            trust = trust.with_admin(admin);
        }
        if let Some(admin) = confirmed {
            trust = trust.with_admin(*admin);
        }
        trust
    }
}
