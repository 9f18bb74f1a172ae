//! The stored vault: every record ever written, in one JSON object.
//!
//! Parsing needs no key and checks only shape: kinds, format version, ids,
//! sizes. Whether the records are genuine is decided by [`VaultFile::open`].

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::VaultId;
use super::records::{AuditStored, HeadRecord, MemberChange, MemberEvent, VersionRecord, Wrap};
use super::shared::Shared;
use crate::format::{self, FormatError, KIND_VAULT, Tag, check_id};
use crate::primitives::hash::Digest;

/// A vault as the store keeps it. It can be parsed, merged and checked for
/// lost records without any key; opening it needs an unlocked member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultFile {
    #[serde(flatten)]
    pub(crate) tag: Tag,
    pub(crate) vault_id: VaultId,
    pub(crate) members: Vec<MemberEvent>,
    pub(crate) wraps: Vec<Wrap>,
    pub(crate) versions: Shared<VersionRecord>,
    pub(crate) audit: Shared<AuditStored>,
    /// Only the newest heads: a head names the heads it supersedes, and those
    /// move to `past_heads`. After a merge of two copies there can be two.
    pub(crate) heads: Vec<HeadRecord>,
    /// Every head ever superseded, without its tips, so that a reader can
    /// check that the newest heads descend from the head it saw.
    /// Each is [`HeadRecord::past`]: `tips` instead of `versions`.
    /// Known shortcoming: this grows by one head (about 450 bytes of JSON)
    /// per change, reveals included, and nothing prunes it; a vault revealed
    /// 10,000 times carries about 4.5 MB of past heads.
    pub(crate) past_heads: Vec<HeadRecord>,
}

impl std::fmt::Debug for MemberEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MemberEvent(seq {}, by {})", self.seq, self.author)
    }
}
impl std::fmt::Debug for Wrap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Wrap(epoch {}, for {})", self.epoch, self.recipient)
    }
}
impl std::fmt::Debug for VersionRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Version({} v{})", self.entry, self.version)
    }
}
impl std::fmt::Debug for AuditStored {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AuditRecord(by {} at {})", self.author, self.time)
    }
}
impl std::fmt::Debug for HeadRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Head({} by {})", self.counter, self.writer)
    }
}

impl VaultFile {
    pub(crate) fn empty(vault_id: VaultId) -> VaultFile {
        VaultFile {
            tag: Tag::new(KIND_VAULT),
            vault_id,
            members: Vec::new(),
            wraps: Vec::new(),
            versions: Shared::default(),
            audit: Shared::default(),
            heads: Vec::new(),
            past_heads: Vec::new(),
        }
    }

    /// Parses a stored vault; an error names the record and field at fault.
    pub fn from_json(text: &str) -> Result<VaultFile, FormatError> {
        let file: VaultFile = format::parse(text, KIND_VAULT)?;
        file.check_shape()?;
        Ok(file)
    }

    pub fn to_json(&self) -> String {
        // Invariant: every field is a string, a number or a struct of them.
        serde_json::to_string(self).unwrap_or_else(|_| unreachable!("plain data"))
    }

    pub fn vault_id(&self) -> &VaultId {
        &self.vault_id
    }

    fn check_shape(&self) -> Result<(), FormatError> {
        check_id("the vault id", self.vault_id.as_str())?;
        if self.members.is_empty() {
            return Err(FormatError::invalid(
                "the vault",
                "it has no member records",
            ));
        }
        if self.heads.is_empty() {
            return Err(FormatError::invalid("the vault", "it has no head"));
        }

        for (i, event) in self.members.iter().enumerate() {
            let at = |what: &str| format!("members[{i}].{what}");
            check_id(&at("author"), &event.author)?;
            match &event.change {
                MemberChange::Create { card, .. } | MemberChange::Grant { card, .. } => {
                    card.check()
                        .map_err(|e| FormatError::invalid(at("card"), e.to_string()))?;
                }
                MemberChange::Revoke { member, .. } => check_id(&at("member"), member)?,
            }
        }
        for (i, wrap) in self.wraps.iter().enumerate() {
            check_id(&format!("wraps[{i}].recipient"), &wrap.recipient)?;
            check_id(&format!("wraps[{i}].author"), &wrap.author)?;
        }
        for (i, version) in self.versions.iter().enumerate() {
            check_id(&format!("versions[{i}].entry"), &version.entry)?;
            check_id(&format!("versions[{i}].author"), &version.author)?;
            if version.version == 0 {
                return Err(FormatError::invalid(
                    format!("versions[{i}].version"),
                    "starts at 1",
                ));
            }
        }
        for (i, record) in self.audit.iter().enumerate() {
            check_id(&format!("audit[{i}].author"), &record.author)?;
        }
        for (i, head) in self.heads.iter().enumerate() {
            check_id(&format!("heads[{i}].writer"), &head.writer)?;
            if head.tips.is_some() {
                return Err(FormatError::invalid(
                    format!("heads[{i}].tips"),
                    "only a past head leaves its versions out",
                ));
            }
        }
        for (i, head) in self.past_heads.iter().enumerate() {
            check_id(&format!("past_heads[{i}].writer"), &head.writer)?;
            if head.tips.is_none() || !head.versions.is_empty() {
                return Err(FormatError::invalid(
                    format!("past_heads[{i}]"),
                    "a past head carries `tips` and no versions",
                ));
            }
        }
        Ok(())
    }

    fn ids(&self) -> RecordIds {
        let id = self.vault_id.as_str();
        RecordIds {
            members: self.members.iter().map(|r| r.id(id)).collect(),
            wraps: self.wraps.iter().map(|r| r.id(id)).collect(),
            versions: self.versions.iter().map(|r| r.id(id)).collect(),
            audit: self.audit.iter().map(|r| r.id(id)).collect(),
            heads: self.heads.iter().map(|r| r.id(id)).collect(),
            past_heads: self.past_heads.iter().map(|r| r.id(id)).collect(),
        }
    }

    /// True when this file still holds every record of `older`: the check a
    /// store runs before it replaces a file, so no write ever drops history.
    /// A head of `older` may have been superseded, but then it is kept among
    /// the past heads.
    pub fn contains_all(&self, older: &VaultFile) -> bool {
        if self.vault_id != older.vault_id {
            return false;
        }
        let (ours, theirs) = (self.ids(), older.ids());
        let heads_kept = theirs
            .heads
            .iter()
            .all(|h| ours.heads.contains(h) || ours.past_heads.contains(h));

        theirs.members.is_subset(&ours.members)
            && theirs.wraps.is_subset(&ours.wraps)
            && theirs.versions.is_subset(&ours.versions)
            && theirs.audit.is_subset(&ours.audit)
            && theirs.past_heads.is_subset(&ours.past_heads)
            && heads_kept
    }

    /// The union of two copies of one vault. Nothing is lost: every record of
    /// either side is in the result, each once, in an order that does not
    /// depend on which side was `self`. Heads that the other side's heads
    /// supersede are dropped; the next write names all that remain.
    pub fn merge(&self, other: &VaultFile) -> Result<VaultFile, FormatError> {
        if self.vault_id != other.vault_id {
            return Err(FormatError::DifferentVaults {
                ours: self.vault_id.to_string(),
                theirs: other.vault_id.to_string(),
            });
        }
        let id = self.vault_id.as_str();

        let mut merged = VaultFile::empty(self.vault_id.clone());
        merged.members = union(&self.members, &other.members, |r| r.id(id));
        merged.wraps = union(&self.wraps, &other.wraps, |r| r.id(id));
        merged.versions = union(&self.versions, &other.versions, |r| r.id(id)).into();
        merged.audit = union(&self.audit, &other.audit, |r| r.id(id)).into();

        let heads = union(&self.heads, &other.heads, |r| r.id(id));
        let superseded: BTreeSet<Digest> = heads
            .iter()
            .flat_map(|h| h.supersedes.iter().copied())
            .collect();
        let (replaced, kept): (Vec<HeadRecord>, Vec<HeadRecord>) = heads
            .into_iter()
            .partition(|h| superseded.contains(&h.id(id)));
        merged.heads = kept;
        let mut past: Vec<HeadRecord> = replaced.iter().map(HeadRecord::past).collect();
        past.extend(self.past_heads.iter().cloned());
        merged.past_heads = union(&past, &other.past_heads, |r| r.id(id));
        Ok(merged)
    }
}

struct RecordIds {
    members: BTreeSet<Digest>,
    wraps: BTreeSet<Digest>,
    versions: BTreeSet<Digest>,
    audit: BTreeSet<Digest>,
    heads: BTreeSet<Digest>,
    past_heads: BTreeSet<Digest>,
}

/// Both sides' records, each once, sorted by id.
fn union<T: Clone>(a: &[T], b: &[T], id: impl Fn(&T) -> Digest) -> Vec<T> {
    let mut by_id = BTreeMap::new();
    for record in a.iter().chain(b) {
        by_id.entry(id(record)).or_insert_with(|| record.clone());
    }
    by_id.into_values().collect()
}
