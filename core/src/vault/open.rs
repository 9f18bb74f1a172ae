//! Opening a vault: every structural check, then the overviews.
//!
//! Opening checks, in order: the member log (a signed chain from the
//! creation), that the event adding this member leads to a trusted key, the
//! signed wrap of this member's vault key, the key chain back through every
//! rotation, the newest heads (MAC and signature), that no head is older than
//! the caller has seen, that every record a head names is present and every
//! record present is vouched for by a head, and the hash chains of entry
//! history and audit log. Then it decrypts every entry's latest overview.
//! Version signatures are left for when a version is shown, merged or rolled
//! back to: each head commits by hash to every latest version, and each
//! version by hash to its parent, so the head's one signature covers them.

use std::collections::{BTreeMap, BTreeSet};

use ed25519_dalek::SigningKey;

use super::EntryId;
use super::file::VaultFile;
use super::head::{check_descent, verify_heads};
use super::members::{self, MemberState};
use super::records::{HeadTip, MemberChange, VersionRecord, wrap_label};
use crate::entry::OverviewBody;
use crate::error::OpenError;
use crate::member::{MemberCard, UnlockedMember};
use crate::primitives::hash::{Digest, DigestKeyed, DigestMap, DigestSet};
use crate::primitives::seal::{SealKey, aad, derive};
use crate::primitives::transcript::Transcript;
use crate::primitives::{sign, wrap};
use crate::secret::Key32;
use crate::trust::Trust;

/// A vault whose keys are open. It exists only after every check passed;
/// a locked vault ([`VaultFile`]) has no method that needs a key.
pub struct OpenVault {
    pub(super) file: VaultFile,
    pub(super) name: String,
    pub(super) me: Me,
    pub(super) keys: BTreeMap<u64, EpochKey>,
    pub(super) members: MemberState,
    pub(super) entries: BTreeMap<EntryId, EntryState>,
    /// Version id to its index in `file.versions`.
    pub(super) versions: DigestMap<usize>,
    pub(super) audit_tips: BTreeSet<Digest>,
    pub(super) counter: u64,
    /// The role a forging client pretends to have (attacker fixtures only).
    #[cfg(feature = "forgery")]
    pub(super) pretend: Option<super::Role>,
}

impl std::fmt::Debug for OpenVault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenVault")
            .field("id", &self.file.vault_id)
            .field("entries", &self.entries.len())
            .field("head", &self.counter)
            .finish_non_exhaustive()
    }
}

pub(super) struct Me {
    pub(super) card: MemberCard,
    pub(super) signing: SigningKey,
}

/// One epoch's vault key, with its seal key and head MAC key derived once.
pub(super) struct EpochKey {
    pub(super) key: Key32,
    pub(super) seal: SealKey,
    pub(super) head_mac: Key32,
}

impl EpochKey {
    pub(super) fn new(key: Key32) -> EpochKey {
        let head_mac = Key32::from_bytes(derive(&key, HEAD_MAC_INFO));
        EpochKey {
            seal: SealKey::new(&key),
            key,
            head_mac,
        }
    }
}

const HEAD_MAC_INFO: &[u8] = b"latchkey head mac v1";

/// Keys the hash tables of record ids (see [`DigestKeyed`]); never stored.
const TABLE_KEY_INFO: &[u8] = b"latchkey record table key v1";

/// One entry's place in the history: its tips (latest versions with no
/// child; two or more means a conflict), the winning tip and its overview.
pub(super) struct EntryState {
    pub(super) tips: Vec<Digest>,
    pub(super) latest: Digest,
    pub(super) overview: OverviewBody,
}

pub(super) fn name_aad(vault_id: &str) -> Transcript {
    aad("vault-name", vault_id, "", 0, "name")
}

pub(super) fn previous_key_aad(vault_id: &str, epoch: u64) -> Transcript {
    aad("previous-vault-key", vault_id, "", epoch, "key")
}

pub(super) fn version_key_aad(vault_id: &str, record: &VersionRecord) -> Transcript {
    let mut t = aad(
        "version-key",
        vault_id,
        &record.entry,
        record.version,
        "key",
    );
    t.u64(record.epoch);
    t.bytes(
        record
            .parent
            .as_ref()
            .map(|d| d.as_bytes().as_slice())
            .unwrap_or(&[]),
    );
    t
}

pub(super) fn part_aad(vault_id: &str, entry: &str, version: u64, part: &str) -> Transcript {
    aad("entry-part", vault_id, entry, version, part)
}

impl VaultFile {
    /// Opens the vault as `me`, after every check in this module's docs.
    /// `rng` blinds the one RSA decryption (of this member's wrap).
    pub fn open<R: rand_core::CryptoRng + ?Sized>(
        &self,
        me: &UnlockedMember,
        trust: &Trust,
        rng: &mut R,
    ) -> Result<OpenVault, OpenError> {
        let vault_id = self.vault_id.as_str();
        let members = members::replay(&self.members, vault_id)?;
        check_trust(&members, me, trust)?;

        let keys = unwrap_keys(self, &members, me, rng)?;
        let name = open_name(self, &keys)?;
        check_authors(self, &members)?;
        let heads = verify_heads(self, &members, &keys)?;
        if heads.newest < trust.min_head {
            return Err(OpenError::OlderHead {
                served: heads.newest,
                seen: trust.min_head,
            });
        }
        if let Some(seen) = &trust.seen
            && heads.newest == seen.counter
            && !heads.ids.contains(&seen.id)
        {
            return Err(OpenError::Fork {
                log: "vault head",
                at: format!("head {} is not the head {} you saw", seen.counter, seen.id),
            });
        }
        if let Some(seen) = &trust.seen
            && heads.newest > seen.counter
        {
            check_descent(self, seen)?;
        }

        let hasher = keys
            .get(&members.epoch)
            .map(|key| DigestKeyed::new(&derive(&key.key, TABLE_KEY_INFO)))
            .unwrap_or_default();
        let (versions, ids) = index_versions(self, &heads.versions, hasher)?;
        let audit_tips = check_audit(self, &heads.audit, hasher)?;

        let mut vault = OpenVault::assemble(self.clone(), name, me, keys, members);
        vault.versions = versions;
        vault.audit_tips = audit_tips;
        vault.counter = heads.newest;
        vault.load_entries(&ids)?;
        Ok(vault)
    }
}

impl OpenVault {
    pub(super) fn assemble(
        file: VaultFile,
        name: String,
        me: &UnlockedMember,
        keys: BTreeMap<u64, EpochKey>,
        members: MemberState,
    ) -> OpenVault {
        OpenVault {
            file,
            name,
            me: Me {
                card: me.card().clone(),
                signing: me.signing().clone(),
            },
            keys,
            members,
            entries: BTreeMap::new(),
            versions: DigestMap::default(),
            audit_tips: BTreeSet::new(),
            counter: 0,
            #[cfg(feature = "forgery")]
            pretend: None,
        }
    }

    pub(super) fn vault_id(&self) -> &str {
        self.file.vault_id.as_str()
    }

    /// Finds every entry's tips and decrypts the winning tip's overview.
    /// `ids` are the versions' ids in file order.
    fn load_entries(&mut self, ids: &[Digest]) -> Result<(), OpenError> {
        let mut has_child = vec![false; self.file.versions.len()];
        for record in self.file.versions.iter() {
            for parent in record.parent.iter().chain(&record.resolves) {
                if let Some(&i) = self.versions.get(parent) {
                    has_child[i] = true;
                }
            }
        }

        // Each tip once (a record stored twice is indexed at its last copy),
        // grouped by entry, oldest first.
        let mut tips: Vec<(&str, u64, Digest, usize)> = Vec::new();
        for (i, (record, id)) in self.file.versions.iter().zip(ids).enumerate() {
            if !has_child[i] && self.versions.get(id) == Some(&i) {
                tips.push((record.entry.as_str(), record.time, *id, i));
            }
        }
        tips.sort_unstable();
        let mut latest: Vec<(usize, &str, Vec<Digest>)> = tips
            .chunk_by(|a, b| a.0 == b.0)
            .filter_map(|group| {
                let &(entry, _, _, index) = group.last()?;
                Some((index, entry, group.iter().map(|t| t.2).collect()))
            })
            .collect();

        // Decrypted in file order, which reads the records front to back.
        latest.sort_unstable_by_key(|(index, ..)| *index);
        let vault_id = self.vault_id().to_owned();
        let mut entries = Vec::with_capacity(latest.len());
        for (index, entry, tips) in latest {
            let overview = self
                .open_overview(&vault_id, index)
                .map_err(|_| OpenError::CannotOpen)?;
            let state = EntryState {
                latest: ids[index],
                tips,
                overview,
            };
            entries.push((EntryId(entry.to_owned()), state));
        }
        self.entries = entries.into_iter().collect();
        Ok(())
    }
}

fn check_trust(members: &MemberState, me: &UnlockedMember, trust: &Trust) -> Result<(), OpenError> {
    let my_id = &me.card().id;
    let not_member = || OpenError::NotAMember {
        member: my_id.clone(),
    };
    let (card, _) = members.current.get(my_id).ok_or_else(not_member)?;
    if card.fingerprint() != me.card().fingerprint() {
        return Err(not_member());
    }

    let added_by = members.added_by.get(my_id).ok_or_else(not_member)?;
    let adder = members.ever.get(added_by).ok_or_else(not_member)?;
    if trust.trusts(&adder.fingerprint()) {
        Ok(())
    } else {
        Err(OpenError::Untrusted {
            who: added_by.clone(),
        })
    }
}

/// Unwraps this member's key for the current epoch from a wrap signed by a
/// current admin, then walks the rotation chain back to epoch 0.
fn unwrap_keys<R: rand_core::CryptoRng + ?Sized>(
    file: &VaultFile,
    members: &MemberState,
    me: &UnlockedMember,
    rng: &mut R,
) -> Result<BTreeMap<u64, EpochKey>, OpenError> {
    let vault_id = file.vault_id.as_str();
    let my_id = &me.card().id;
    let fingerprint = me.card().fingerprint();
    let mine = file.wraps.iter().filter(|w| {
        w.recipient == *my_id && w.epoch == members.epoch && w.fingerprint == fingerprint.0
    });

    let mut signed = None;
    let mut any = false;
    for wrap in mine {
        any = true;
        let Some((author, _)) = members.current.get(&wrap.author) else {
            continue;
        };
        let is_admin = members.role(&wrap.author) == Some(super::Role::Admin);
        let Ok(key) = author.verifying_key() else {
            continue;
        };
        if is_admin && sign::verify(&key, &wrap.transcript(vault_id), &wrap.sig) {
            signed = Some(wrap);
            break;
        }
    }
    let wrap = match signed {
        Some(wrap) => wrap,
        None if any => {
            return Err(OpenError::UnsignedWrap {
                recipient: my_id.clone(),
            });
        }
        None => {
            return Err(OpenError::Dropped {
                what: format!("the vault key for {my_id}"),
            });
        }
    };

    let label = wrap_label(vault_id, my_id, &fingerprint.0, wrap.epoch);
    let key =
        wrap::unwrap(me.rsa(), &label, &wrap.wrapped, rng).map_err(|_| OpenError::CannotOpen)?;

    let mut keys = BTreeMap::new();
    keys.insert(members.epoch, EpochKey::new(key));
    let revokes: BTreeMap<u64, _> = file
        .members
        .iter()
        .filter_map(|event| match &event.change {
            MemberChange::Revoke {
                epoch, previous, ..
            } => Some((*epoch, previous)),
            _ => None,
        })
        .collect();
    for epoch in (1..=members.epoch).rev() {
        let previous = revokes.get(&epoch).ok_or(OpenError::CannotOpen)?;
        let newer = &keys[&epoch];
        let plain = newer
            .seal
            .open(&previous_key_aad(vault_id, epoch), previous)
            .map_err(|_| OpenError::CannotOpen)?;
        let older = Key32::from_slice(&plain).ok_or(OpenError::CannotOpen)?;
        keys.insert(epoch - 1, EpochKey::new(older));
    }
    Ok(keys)
}

fn open_name(file: &VaultFile, keys: &BTreeMap<u64, EpochKey>) -> Result<String, OpenError> {
    let Some(MemberChange::Create { name, .. }) =
        file.members.iter().find(|e| e.seq == 0).map(|e| &e.change)
    else {
        return Err(OpenError::CannotOpen);
    };
    let key = keys.get(&0).ok_or(OpenError::CannotOpen)?;
    let plain = key
        .seal
        .open(&name_aad(file.vault_id.as_str()), name)
        .map_err(|_| OpenError::CannotOpen)?;
    String::from_utf8(plain.to_vec()).map_err(|_| OpenError::CannotOpen)
}

/// Checks that every version is by a member who could write during its key
/// epoch, and every audit record by a member of its epoch: roles are enforced
/// by every reader, not only by honest writers. Runs before the heads are
/// checked, so that a forged version is named as such even when its forger
/// also wrote a head over it.
fn check_authors(file: &VaultFile, members: &MemberState) -> Result<(), OpenError> {
    for record in &file.versions {
        let what = || format!("version {} of entry {}", record.version, record.entry);
        let role = (record.epoch <= members.epoch)
            .then(|| members.role_in_epoch(&record.author, record.epoch))
            .flatten();
        match role {
            Some(role) if role.can_write() => {}
            Some(role) => {
                return Err(OpenError::RoleForbids {
                    member: record.author.clone(),
                    role,
                    what: what(),
                    needs: "an editor or an admin",
                });
            }
            None => return Err(OpenError::Unvouched { what: what() }),
        }
    }
    for record in &file.audit {
        let member = record.epoch <= members.epoch
            && members
                .role_in_epoch(&record.author, record.epoch)
                .is_some();
        if !member {
            return Err(OpenError::Unvouched {
                what: format!("an audit record by {}", record.author),
            });
        }
    }
    Ok(())
}

/// Indexes the versions and checks the history: every version a head names
/// is present, every parent is present and on the same entry one number
/// lower, and every version present descends to something a head names.
fn index_versions(
    file: &VaultFile,
    listed: &[&HeadTip],
    hasher: DigestKeyed,
) -> Result<(DigestMap<usize>, Vec<Digest>), OpenError> {
    let vault_id = file.vault_id.as_str();
    let ids: Vec<Digest> = file.versions.iter().map(|r| r.id(vault_id)).collect();
    let mut index = DigestMap::with_capacity_and_hasher(ids.len(), hasher);
    for (i, id) in ids.iter().enumerate() {
        index.insert(*id, i);
    }

    if let Some(missing) = listed.iter().find(|tip| !index.contains_key(&tip.id)) {
        let same_entry = || file.versions.iter().filter(|r| r.entry == missing.entry);
        if same_entry().any(|r| r.version == missing.version) {
            // Another record stands where the named one was: it was altered.
            return Err(OpenError::CannotOpen);
        }
        let what = if same_entry().next().is_none() {
            format!("entry {}", missing.entry)
        } else {
            format!(
                "version {} of entry {} (an edit or a delete was removed)",
                missing.version, missing.entry
            )
        };
        return Err(OpenError::Dropped { what });
    }

    let mut covered = DigestSet::with_capacity_and_hasher(index.len(), hasher);
    let mut stack: Vec<Digest> = listed.iter().map(|tip| tip.id).collect();
    while let Some(at) = stack.pop() {
        if !covered.insert(at) {
            continue;
        }
        let record = &file.versions[index[&at]];
        for settled in &record.resolves {
            match index.get(settled) {
                Some(&i) if file.versions[i].entry == record.entry => stack.push(*settled),
                _ => return Err(history_broken(record, "a version it settles is missing")),
            }
        }
        let Some(parent) = record.parent else {
            if record.version != 1 {
                return Err(history_broken(record, "it has no parent"));
            }
            continue;
        };
        let Some(&p) = index.get(&parent) else {
            let altered = file
                .versions
                .iter()
                .any(|r| r.entry == record.entry && r.version + 1 == record.version);
            if altered {
                return Err(OpenError::CannotOpen);
            }
            return Err(history_broken(record, "its parent is missing"));
        };
        let parent_record = &file.versions[p];
        if parent_record.entry != record.entry || parent_record.version + 1 != record.version {
            return Err(history_broken(
                record,
                "its parent is not the version before it",
            ));
        }
        stack.push(parent);
    }

    if let Some((_, &i)) = index.iter().find(|(id, _)| !covered.contains(id)) {
        let record = &file.versions[i];
        return Err(OpenError::Unvouched {
            what: format!("version {} of entry {}", record.version, record.entry),
        });
    }
    Ok((index, ids))
}

fn history_broken(record: &VersionRecord, why: &str) -> OpenError {
    OpenError::BrokenChain {
        log: "entry history",
        at: format!(
            "version {} of entry {}: {why}",
            record.version, record.entry
        ),
    }
}

/// Checks the audit chain: every record a head names is present, every
/// parent is present, and every record descends to one a head names.
fn check_audit(
    file: &VaultFile,
    listed: &BTreeSet<Digest>,
    hasher: DigestKeyed,
) -> Result<BTreeSet<Digest>, OpenError> {
    let vault_id = file.vault_id.as_str();
    let mut index = DigestMap::with_capacity_and_hasher(file.audit.len(), hasher);
    for (i, record) in file.audit.iter().enumerate() {
        index.insert(record.id(vault_id), i);
    }
    if listed.iter().any(|id| !index.contains_key(id)) {
        return Err(OpenError::Dropped {
            what: "the latest audit records".to_owned(),
        });
    }

    let mut covered = DigestSet::with_capacity_and_hasher(index.len(), hasher);
    let mut stack: Vec<Digest> = listed.iter().copied().collect();
    while let Some(at) = stack.pop() {
        if !covered.insert(at) {
            continue;
        }
        let record = &file.audit[index[&at]];
        for parent in &record.parents {
            if !index.contains_key(parent) {
                return Err(OpenError::BrokenChain {
                    log: "audit log",
                    at: format!(
                        "the record by {} at {} follows a missing one",
                        record.author, record.time
                    ),
                });
            }
            stack.push(*parent);
        }
    }
    if covered.len() != index.len() {
        return Err(OpenError::Unvouched {
            what: "audit records".to_owned(),
        });
    }
    Ok(listed.clone())
}
