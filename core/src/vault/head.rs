//! The vault head: written after every change, checked on every open.

use std::collections::{BTreeMap, BTreeSet};

use super::file::VaultFile;
use super::members::MemberState;
use super::open::{EpochKey, OpenVault};
use super::records::{HeadRecord, HeadTip};
use crate::error::OpenError;
use crate::primitives::hash::{Digest, ct_eq, hmac_sha256};
use crate::primitives::sign;

/// What the newest heads vouch for.
pub(super) struct Vouched {
    pub(super) newest: u64,
    pub(super) versions: BTreeSet<HeadTip>,
    pub(super) ids: BTreeSet<Digest>,
    pub(super) audit: BTreeSet<Digest>,
}

/// Checks every head in the file (the newest ones; older heads are dropped
/// as they are superseded): MAC under the epoch's head key, signature by a
/// current member, and that the member log they name is the one present.
pub(super) fn verify_heads(
    file: &VaultFile,
    members: &MemberState,
    keys: &BTreeMap<u64, EpochKey>,
) -> Result<Vouched, OpenError> {
    let vault_id = file.vault_id.as_str();
    check_shape(file)?;
    let log: BTreeSet<Digest> = file.members.iter().map(|e| e.id(vault_id)).collect();
    let mut vouched = Vouched {
        newest: 0,
        versions: BTreeSet::new(),
        ids: BTreeSet::new(),
        audit: BTreeSet::new(),
    };
    let mut names_tip = false;

    for head in &file.heads {
        let key = keys.get(&head.epoch).ok_or(OpenError::CannotOpen)?;
        let mac = hmac_sha256(
            key.head_mac.as_bytes(),
            head.mac_transcript(vault_id).as_bytes(),
        );
        if !ct_eq(&mac, &head.mac) {
            return Err(OpenError::CannotOpen);
        }
        let Some(writer) = members.ever.get(&head.writer) else {
            return Err(OpenError::CannotOpen);
        };
        let key = writer.verifying_key().map_err(|_| OpenError::CannotOpen)?;
        if !sign::verify(&key, &head.transcript(vault_id), &head.sig) {
            return Err(OpenError::CannotOpen);
        }
        if !members.current.contains_key(&head.writer) && head.epoch < members.epoch {
            return Err(OpenError::RemovedWriter {
                member: head.writer.clone(),
            });
        }

        if !log.contains(&head.members) {
            return Err(OpenError::Dropped {
                what: "changes to the member list".to_owned(),
            });
        }
        names_tip |= head.members == members.tip;
        vouched.newest = vouched.newest.max(head.counter);
        vouched.versions.extend(head.versions.iter().cloned());
        vouched.ids.insert(head.id(vault_id));
        vouched.audit.extend(head.audit.iter().copied());
    }

    if !names_tip {
        return Err(OpenError::Unvouched {
            what: format!("member list change {}", members.next_seq - 1),
        });
    }
    Ok(vouched)
}

impl OpenVault {
    /// Writes a new head over the current state, replacing the heads it
    /// supersedes. Called at the end of every change.
    pub(super) fn write_head(&mut self, now: u64) {
        let vault_id = self.vault_id().to_owned();
        let epoch = self.members.epoch;
        let mut versions: Vec<HeadTip> = Vec::with_capacity(self.entries.len());
        for (entry, state) in &self.entries {
            for tip in &state.tips {
                let version = self.record(tip).map(|r| r.version).unwrap_or(0);
                versions.push(HeadTip {
                    entry: entry.to_string(),
                    version,
                    id: *tip,
                });
            }
        }
        versions.sort();

        let mut head = HeadRecord {
            counter: self.counter + 1,
            supersedes: self.file.heads.iter().map(|h| h.id(&vault_id)).collect(),
            writer: self.me.card.id.clone(),
            time: now,
            epoch,
            members: self.members.tip,
            versions,
            audit: self.audit_tips.iter().copied().collect(),
            mac: [0; 32],
            sig: [0; 64],
        };
        // Invariant: the current epoch's key is always held while open.
        let Some(key) = self.keys.get(&epoch) else {
            unreachable!("an open vault holds its current key")
        };
        head.mac = hmac_sha256(
            key.head_mac.as_bytes(),
            head.mac_transcript(&vault_id).as_bytes(),
        );
        head.sig = sign::sign(&self.me.signing, &head.transcript(&vault_id));

        self.counter = head.counter;
        self.file.heads = vec![head];
    }
}

/// A head's own lists must be sorted and free of repeats, as written.
fn check_shape(file: &VaultFile) -> Result<(), OpenError> {
    for head in &file.heads {
        let sorted = head.versions.windows(2).all(|w| w[0] < w[1])
            && head.audit.windows(2).all(|w| w[0] < w[1]);
        if !sorted {
            return Err(OpenError::CannotOpen);
        }
    }
    Ok(())
}
