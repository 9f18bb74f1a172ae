//! The vault head: written after every change, checked on every open.

use std::collections::{BTreeMap, BTreeSet};

use super::Role;
use super::file::VaultFile;
use super::members::MemberState;
use super::open::{EpochKey, OpenVault};
use super::records::{HeadRecord, HeadTip};
use crate::error::OpenError;
use crate::primitives::hash::{Digest, ct_eq, hmac_sha256};
use crate::primitives::sign;
use crate::trust::HeadSeen;

/// What the newest heads vouch for.
pub(super) struct Vouched<'a> {
    pub(super) newest: u64,
    /// Every tip the heads list; a tip two heads list appears twice.
    pub(super) versions: Vec<&'a HeadTip>,
    pub(super) ids: BTreeSet<Digest>,
    pub(super) audit: BTreeSet<Digest>,
}

/// Checks every head in the file (the newest ones; older heads are dropped
/// as they are superseded): MAC under the epoch's head key, signature by its
/// writer, that the member log it names is the one present, and that its
/// writer could write it at the point of that log.
///
/// Editors and admins write content heads, which vouch for entries and the
/// member list. A viewer's reads are audited, so a viewer writes heads too,
/// but only audit heads: the same counter, entries and member list as a
/// content head beside it, with more audit records. A viewer's head that
/// vouches for anything else is refused, so a viewer cannot hide or roll
/// back what a writer wrote, even with the store's help.
pub(super) fn verify_heads<'a>(
    file: &'a VaultFile,
    members: &MemberState,
    keys: &BTreeMap<u64, EpochKey>,
) -> Result<Vouched<'a>, OpenError> {
    let vault_id = file.vault_id.as_str();
    check_shape(file)?;
    let log: BTreeSet<Digest> = file.members.iter().map(|e| e.id(vault_id)).collect();
    let mut judged = Vec::with_capacity(file.heads.len());
    for head in &file.heads {
        let id = check_seal(head, vault_id, members, keys)?;
        if !log.contains(&head.members) {
            return Err(OpenError::Dropped {
                what: "changes to the member list".to_owned(),
            });
        }
        judged.push((head, writer_role(head, members)?, id));
    }

    let content_newest = judged
        .iter()
        .filter(|(head, ..)| is_current_content_head(head, members))
        .map(|(head, ..)| head.counter)
        .max();
    for (head, role, _) in &judged {
        if !role.can_write() && !only_audits(head, &judged, members, content_newest) {
            return Err(OpenError::RoleForbids {
                member: head.writer.clone(),
                role: *role,
                what: format!(
                    "head {}, which vouches for entries or members",
                    head.counter
                ),
                needs: "an editor or an admin",
            });
        }
    }

    let mut vouched = Vouched {
        newest: 0,
        versions: Vec::with_capacity(file.heads.first().map_or(0, |h| h.versions.len())),
        ids: BTreeSet::new(),
        audit: BTreeSet::new(),
    };
    let mut names_tip = false;
    let mut by_current = false;
    for (head, role, id) in &judged {
        names_tip |= head.members == members.tip;
        vouched.versions.extend(head.versions.iter());
        vouched.audit.extend(head.audit.iter().copied());

        // A head by a member removed since is history: it was valid when
        // written (checked above), so what it vouches for stays, but its
        // counter and id do not speak for the vault now.
        if !members.current.contains_key(&head.writer) {
            continue;
        }
        by_current = true;
        vouched.newest = vouched.newest.max(head.counter);
        if role.can_write() {
            vouched.ids.insert(*id);
        }
    }

    if !by_current {
        let newest = judged.iter().max_by_key(|(head, ..)| head.counter);
        return Err(OpenError::RemovedWriter {
            member: newest.map(|(h, ..)| h.writer.clone()).unwrap_or_default(),
        });
    }
    if !names_tip {
        return Err(OpenError::Unvouched {
            what: format!("member list change {}", members.next_seq - 1),
        });
    }
    Ok(vouched)
}

/// Checks that the newest heads descend from `seen`, a head this reader saw
/// with a lower counter: following `supersedes` from them through the past
/// heads reaches it. Each step is pinned by hash, from heads whose MAC and
/// signature were checked, so a store cannot fake the way back; a store
/// that serves another history (a fork) or drops past heads has none.
pub(super) fn check_descent(file: &VaultFile, seen: &HeadSeen) -> Result<(), OpenError> {
    let vault_id = file.vault_id.as_str();
    let past: BTreeMap<Digest, &HeadRecord> = file
        .past_heads
        .iter()
        .map(|stub| (stub.id(vault_id), stub))
        .collect();
    let mut stack: Vec<Digest> = file.heads.iter().map(|h| h.id(vault_id)).collect();
    stack.extend(file.heads.iter().flat_map(|h| h.supersedes.iter().copied()));
    let mut visited = BTreeSet::new();
    while let Some(id) = stack.pop() {
        if id == seen.id {
            return Ok(());
        }
        if !visited.insert(id) {
            continue;
        }
        if let Some(stub) = past.get(&id)
            && stub.counter > seen.counter
        {
            stack.extend(stub.supersedes.iter().copied());
        }
    }
    Err(OpenError::Fork {
        log: "vault head",
        at: format!(
            "the newest head does not descend from head {} {} you saw",
            seen.counter, seen.id
        ),
    })
}

/// The head's MAC under its epoch's head key and its writer's signature;
/// returns the head's id.
fn check_seal(
    head: &HeadRecord,
    vault_id: &str,
    members: &MemberState,
    keys: &BTreeMap<u64, EpochKey>,
) -> Result<Digest, OpenError> {
    let key = keys.get(&head.epoch).ok_or(OpenError::CannotOpen)?;
    let transcripts = head.transcripts(vault_id);
    let mac = hmac_sha256(key.head_mac.as_bytes(), transcripts.mac.as_bytes());
    if !ct_eq(&mac, &head.mac) {
        return Err(OpenError::CannotOpen);
    }
    let writer = members
        .ever
        .get(&head.writer)
        .ok_or(OpenError::CannotOpen)?;
    let key = writer.verifying_key().map_err(|_| OpenError::CannotOpen)?;
    if sign::verify(&key, &transcripts.signed, &head.sig) {
        Ok(transcripts.id)
    } else {
        Err(OpenError::CannotOpen)
    }
}

/// The role the head's writer held at the point of the member log the head
/// names, which must also be the key epoch the head is under.
fn writer_role(head: &HeadRecord, members: &MemberState) -> Result<Role, OpenError> {
    let Some((role, epoch)) = members.role_after(&head.writer, &head.members) else {
        return Err(OpenError::Unvouched {
            what: format!(
                "head {} by {}, who was not a member at the point it names",
                head.counter, head.writer
            ),
        });
    };
    if epoch != head.epoch {
        return Err(OpenError::BrokenChain {
            log: "vault head",
            at: format!(
                "head {} is under key epoch {}, but the member list it names is at epoch {epoch}",
                head.counter, head.epoch
            ),
        });
    }
    Ok(role)
}

/// True when a viewer's head adds nothing but audit records: it is older
/// than the newest content head of a current member (history), or it
/// carries the same counter, epoch, member list and entries as such a head
/// beside it.
fn only_audits(
    head: &HeadRecord,
    judged: &[(&HeadRecord, Role, Digest)],
    members: &MemberState,
    newest: Option<u64>,
) -> bool {
    let Some(newest) = newest else {
        return false;
    };
    head.counter < newest
        || judged.iter().any(|(base, ..)| {
            is_current_content_head(base, members)
                && base.counter == head.counter
                && base.epoch == head.epoch
                && base.members == head.members
                && base.versions == head.versions
        })
}

/// True for a head written by an editor or an admin (at the point it names).
pub(super) fn is_content_head(head: &HeadRecord, members: &MemberState) -> bool {
    members
        .role_after(&head.writer, &head.members)
        .is_some_and(|(role, _)| role.can_write())
}

/// A content head whose writer is still a member: one that speaks for the
/// vault now (its counter, its id, a base for a viewer's audit head).
pub(super) fn is_current_content_head(head: &HeadRecord, members: &MemberState) -> bool {
    members.current.contains_key(&head.writer) && is_content_head(head, members)
}

impl OpenVault {
    /// Writes a new head over the current state, replacing the heads it
    /// supersedes. Called at the end of every change. A viewer writes an
    /// audit head instead (see [`verify_heads`]).
    pub(super) fn write_head(&mut self, now: u64) {
        if !self.my_role().can_write()
            && let Some(head) = self.audit_head(now)
        {
            let heads = std::mem::take(&mut self.file.heads);
            let (content, audit): (Vec<HeadRecord>, Vec<HeadRecord>) = heads
                .into_iter()
                .partition(|h| is_content_head(h, &self.members));
            self.file
                .past_heads
                .extend(audit.iter().map(HeadRecord::past));
            self.file.heads = content;
            self.file.heads.push(head);
            return;
        }

        let vault_id = self.vault_id().to_owned();
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

        let head = HeadRecord {
            counter: self.counter + 1,
            supersedes: self.file.heads.iter().map(|h| h.id(&vault_id)).collect(),
            writer: self.me.card.id.clone(),
            time: now,
            epoch: self.members.epoch,
            members: self.members.tip,
            versions,
            tips: None,
            audit: self.audit_tips.iter().copied().collect(),
            mac: [0; 32],
            sig: [0; 64],
        };
        let head = self.seal_head(head);
        self.counter = head.counter;
        let superseded = std::mem::replace(&mut self.file.heads, vec![head]);
        self.file
            .past_heads
            .extend(superseded.iter().map(HeadRecord::past));
    }

    /// A viewer's head: a copy of the newest content head's counter, epoch,
    /// member list and entries, with this vault's audit records. It replaces
    /// the other audit heads (its audit records descend from theirs) and
    /// leaves the content heads in place. `None` if no content head is held,
    /// which an opened vault always has.
    fn audit_head(&self, now: u64) -> Option<HeadRecord> {
        let vault_id = self.vault_id();
        let base = self
            .file
            .heads
            .iter()
            .filter(|h| is_current_content_head(h, &self.members))
            .max_by_key(|h| (h.counter, std::cmp::Reverse(h.id(vault_id))))?;
        let head = HeadRecord {
            counter: base.counter,
            supersedes: self
                .file
                .heads
                .iter()
                .filter(|h| !is_content_head(h, &self.members))
                .map(|h| h.id(vault_id))
                .collect(),
            writer: self.me.card.id.clone(),
            time: now,
            epoch: base.epoch,
            members: base.members,
            versions: base.versions.clone(),
            tips: None,
            audit: self.audit_tips.iter().copied().collect(),
            mac: [0; 32],
            sig: [0; 64],
        };
        Some(self.seal_head(head))
    }

    /// MACs the head under its epoch's head key, then signs it.
    fn seal_head(&self, mut head: HeadRecord) -> HeadRecord {
        let vault_id = self.vault_id();
        // Invariant: an open vault holds the key of every epoch up to the current one.
        let Some(key) = self.keys.get(&head.epoch) else {
            unreachable!("an open vault holds its keys")
        };
        head.mac = hmac_sha256(
            key.head_mac.as_bytes(),
            head.mac_transcript(vault_id).as_bytes(),
        );
        head.sig = sign::sign(&self.me.signing, &head.transcript(vault_id));
        head
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
