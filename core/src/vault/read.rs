//! Reading an open vault: listing, search, history, conflicts, audit.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;

use super::open::{EntryState, OpenVault, part_aad, version_key_aad};
use super::records::VersionRecord;
use super::write::audit_aad;
use super::{EntryId, Role, VaultFile, VaultId};
use crate::audit::{AuditBody, AuditRecord};
use crate::entry::{Change, EntryOverview, OverviewBody, SecretsBody};
use crate::error::VaultError;
use crate::member::MemberCard;
use crate::primitives::hash::Digest;
use crate::primitives::seal::SealKey;
use crate::primitives::sign;
use crate::secret::Key32;

/// One version in an entry's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionInfo {
    pub version: u64,
    pub id: Digest,
    pub parent: Option<Digest>,
    pub author: String,
    pub time: u64,
    pub change: Change,
    pub title: String,
    /// True for the version the entry currently shows.
    pub latest: bool,
}

/// Two or more versions written on the same parent, apart. All are kept;
/// `winner` (the newest) is the one shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub entry: EntryId,
    pub winner: VersionInfo,
    pub others: Vec<VersionInfo>,
}

impl OpenVault {
    pub fn id(&self) -> &VaultId {
        &self.file.vault_id
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The newest head's counter: remember it and pass it to
    /// [`crate::Trust::with_min_head`] next time.
    pub fn head_counter(&self) -> u64 {
        self.counter
    }

    /// The newest head's counter and id, for [`crate::Trust::with_seen_head`].
    /// The id is that of a content head (one by an editor or an admin): a
    /// viewer's audit head shares its counter and adds only audit records.
    pub fn head_seen(&self) -> crate::trust::HeadSeen {
        let vault_id = self.vault_id();
        let newest = self
            .file
            .heads
            .iter()
            .filter(|h| super::head::is_current_content_head(h, &self.members))
            .max_by_key(|h| h.counter);
        let id = newest.map(|h| h.id(vault_id)).unwrap_or(Digest([0; 32]));
        crate::trust::HeadSeen {
            counter: self.counter,
            id,
        }
    }

    /// The records as they are now, to hand to the store.
    pub fn file(&self) -> &VaultFile {
        &self.file
    }

    /// Every entry not deleted, by title. No secret is decrypted.
    pub fn list(&self) -> Vec<EntryOverview> {
        let mut list: Vec<EntryOverview> = self
            .entries
            .iter()
            .filter(|(_, state)| state.overview.change != Change::Delete)
            .filter_map(|(id, state)| self.overview_of(id, state).ok())
            .collect();
        sort_by_title(&mut list);
        list
    }

    /// Entries whose title, username, folder or a URL contains `query`,
    /// ignoring case. An empty query lists everything.
    pub fn search(&self, query: &str) -> Vec<EntryOverview> {
        let query = query.trim().to_lowercase();
        let hit = |text: &str| text.to_lowercase().contains(&query);
        let mut found: Vec<EntryOverview> = self
            .entries
            .iter()
            .filter(|(_, state)| state.overview.change != Change::Delete)
            .filter(|(_, state)| {
                let body = &state.overview;
                query.is_empty()
                    || hit(&body.title)
                    || hit(&body.username)
                    || hit(&body.folder)
                    || body.urls.iter().any(|u| hit(&u.url))
            })
            .filter_map(|(id, state)| self.overview_of(id, state).ok())
            .collect();
        sort_by_title(&mut found);
        found
    }

    pub fn overview(&self, id: &EntryId) -> Result<EntryOverview, VaultError> {
        let state = self.entry(id)?;
        if state.overview.change == Change::Delete {
            return Err(VaultError::Deleted(id.to_string()));
        }
        self.overview_of(id, state)
    }

    fn overview_of(&self, id: &EntryId, state: &EntryState) -> Result<EntryOverview, VaultError> {
        let record = self.record(&state.latest)?;
        Ok(EntryOverview::from_body(
            id.clone(),
            record.version,
            record.time,
            &record.author,
            &state.overview,
        ))
    }

    /// Every version of an entry, oldest first, each signature checked.
    pub fn history(&self, id: &EntryId) -> Result<Vec<VersionInfo>, VaultError> {
        let state = self.entry(id)?;
        let vault_id = self.vault_id().to_owned();
        let mut history = Vec::new();
        for (digest, &index) in &self.versions {
            let record = &self.file.versions[index];
            if record.entry != id.as_str() {
                continue;
            }
            self.check_signature(record)?;
            let body = self.open_overview(&vault_id, index)?;
            history.push(info(*digest, record, &body, *digest == state.latest));
        }
        history.sort_by_key(|v| (v.version, v.time, v.id));
        Ok(history)
    }

    /// Entries edited apart on two devices from the same version.
    pub fn conflicts(&self) -> Vec<Conflict> {
        let vault_id = self.vault_id().to_owned();
        let mut conflicts = Vec::new();
        for (id, state) in &self.entries {
            if state.tips.len() < 2 {
                continue;
            }
            let mut sides = Vec::new();
            for tip in &state.tips {
                let Some(&index) = self.versions.get(tip) else {
                    continue;
                };
                let record = &self.file.versions[index];
                let Ok(body) = self.open_overview(&vault_id, index) else {
                    continue;
                };
                sides.push(info(*tip, record, &body, *tip == state.latest));
            }
            let Some(at) = sides.iter().position(|s| s.latest) else {
                continue;
            };
            let winner = sides.remove(at);
            conflicts.push(Conflict {
                entry: id.clone(),
                winner,
                others: sides,
            });
        }
        conflicts
    }

    /// The current members and their roles.
    pub fn members(&self) -> Vec<(MemberCard, Role)> {
        self.members.current.values().cloned().collect()
    }

    /// The audit trail, oldest first, each record's signature and seal checked.
    pub fn audit(&self) -> Result<Vec<AuditRecord>, VaultError> {
        let vault_id = self.vault_id().to_owned();
        let mut records = Vec::with_capacity(self.file.audit.len());
        for stored in &self.file.audit {
            let author = self
                .members
                .ever
                .get(&stored.author)
                .ok_or(VaultError::CannotOpen)?;
            let key = author.verifying_key().map_err(|_| VaultError::CannotOpen)?;
            if !sign::verify(&key, &stored.transcript(&vault_id), &stored.sig) {
                return Err(VaultError::CannotOpen);
            }
            let epoch_key = self.keys.get(&stored.epoch).ok_or(VaultError::CannotOpen)?;
            let plain = epoch_key
                .seal
                .open(&audit_aad(&vault_id, stored.epoch), &stored.body)
                .map_err(|_| VaultError::CannotOpen)?;
            let body: AuditBody =
                serde_json::from_slice(&plain).map_err(|_| VaultError::CannotOpen)?;
            if body.member != stored.author {
                return Err(VaultError::CannotOpen);
            }
            records.push((stored.time, stored.id(&vault_id), body));
        }
        records.sort_by_key(|(time, id, _)| (*time, *id));
        Ok(records
            .into_iter()
            .map(|(time, _, body)| AuditRecord {
                time,
                member: body.member,
                action: body.action,
                entry: body.entry.map(EntryId),
                version: body.version,
                subject: body.subject,
            })
            .collect())
    }

    /// Checks the signature of every version and every audit record, not
    /// just those shown: a full check for a "verify vault" command and
    /// before trusting a merged copy.
    pub fn verify_signatures(&self) -> Result<(), VaultError> {
        for record in &self.file.versions {
            self.check_signature(record)?;
        }
        let vault_id = self.vault_id();
        for stored in &self.file.audit {
            let author = self
                .members
                .ever
                .get(&stored.author)
                .ok_or(VaultError::CannotOpen)?;
            let key = author.verifying_key().map_err(|_| VaultError::CannotOpen)?;
            if !sign::verify(&key, &stored.transcript(vault_id), &stored.sig) {
                return Err(VaultError::BadSignature {
                    author: stored.author.clone(),
                });
            }
        }
        Ok(())
    }

    /// The version of `entry` numbered `version`: the one on the latest
    /// version's line if the entry forked, else the newest with that number.
    pub(super) fn find_version(&self, entry: &EntryId, version: u64) -> Result<Digest, VaultError> {
        let state = self.entry(entry)?;
        let mut at = Some(state.latest);
        while let Some(id) = at {
            let record = self.record(&id)?;
            if record.version == version {
                return Ok(id);
            }
            at = record.parent;
        }
        let mut candidates: BTreeMap<(u64, Digest), Digest> = BTreeMap::new();
        for (digest, &index) in &self.versions {
            let record = &self.file.versions[index];
            if record.entry == entry.as_str() && record.version == version {
                candidates.insert((record.time, *digest), *digest);
            }
        }
        candidates
            .into_values()
            .next_back()
            .ok_or_else(|| VaultError::NoSuchVersion {
                entry: entry.to_string(),
                version,
            })
    }

    /// A version's signature, by an author who could write when it was read.
    pub(super) fn check_signature(&self, record: &VersionRecord) -> Result<(), VaultError> {
        let bad = || VaultError::BadSignature {
            author: record.author.clone(),
        };
        let author = self.members.ever.get(&record.author).ok_or_else(bad)?;
        let key = author.verifying_key().map_err(|_| bad())?;
        if sign::verify(&key, &record.transcript(self.vault_id()), &record.sig) {
            Ok(())
        } else {
            Err(bad())
        }
    }

    fn version_key(&self, vault_id: &str, record: &VersionRecord) -> Result<Key32, VaultError> {
        let epoch = self.keys.get(&record.epoch).ok_or(VaultError::CannotOpen)?;
        let plain = epoch
            .seal
            .open(&version_key_aad(vault_id, record), &record.key)
            .map_err(|_| VaultError::CannotOpen)?;
        Key32::from_slice(&plain).ok_or(VaultError::CannotOpen)
    }

    fn open_part<T: DeserializeOwned>(
        &self,
        vault_id: &str,
        index: usize,
        part: &str,
    ) -> Result<T, VaultError> {
        let record = self
            .file
            .versions
            .get(index)
            .ok_or(VaultError::CannotOpen)?;
        let key = SealKey::new(&self.version_key(vault_id, record)?);
        let sealed = if part == "overview" {
            &record.overview
        } else {
            &record.secrets
        };
        let plain = key
            .open(
                &part_aad(vault_id, &record.entry, record.version, part),
                sealed,
            )
            .map_err(|_| VaultError::CannotOpen)?;
        serde_json::from_slice(&plain).map_err(|_| VaultError::CannotOpen)
    }

    pub(super) fn open_overview(
        &self,
        vault_id: &str,
        index: usize,
    ) -> Result<OverviewBody, VaultError> {
        self.open_part(vault_id, index, "overview")
    }

    pub(super) fn open_secrets(
        &self,
        vault_id: &str,
        index: usize,
    ) -> Result<SecretsBody, VaultError> {
        self.open_part(vault_id, index, "secrets")
    }
}

/// Sorts by title, ignoring case; entries of the same title stay in the
/// order they came, which is by id (the sort is stable).
fn sort_by_title(list: &mut [EntryOverview]) {
    list.sort_by_cached_key(|e| e.title.to_lowercase());
}

fn info(id: Digest, record: &VersionRecord, body: &OverviewBody, latest: bool) -> VersionInfo {
    VersionInfo {
        version: record.version,
        id,
        parent: record.parent,
        author: record.author.clone(),
        time: record.time,
        change: body.change,
        title: body.title.clone(),
        latest,
    }
}
