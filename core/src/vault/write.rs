//! Changing a vault: every change appends records (a version, an audit
//! record, a head) and never edits or removes one.

use super::open::{EntryState, OpenVault, part_aad, version_key_aad};
use super::records::{AuditStored, VersionRecord};
use super::{EntryId, Role};
use crate::audit::{AuditAction, AuditBody};
use crate::entry::{Access, Change, EntryDraft, EntrySecrets, OverviewBody, SecretsBody};
use crate::error::VaultError;
use crate::primitives::hash::Digest;
use crate::primitives::seal::{SealKey, Sealed, aad};
use crate::primitives::sign;
use crate::secret::Key32;

/// Serializes a sealed body into a buffer that is wiped afterwards.
fn to_plain<T: serde::Serialize>(body: &T) -> zeroize::Zeroizing<Vec<u8>> {
    // Invariant: bodies are strings, numbers, booleans and lists of them.
    zeroize::Zeroizing::new(serde_json::to_vec(body).unwrap_or_else(|_| unreachable!("plain data")))
}

pub(super) fn audit_aad(vault_id: &str, epoch: u64) -> crate::primitives::transcript::Transcript {
    aad("audit-record", vault_id, "", epoch, "body")
}

impl OpenVault {
    pub(super) fn require(
        &self,
        allowed: fn(Role) -> bool,
        action: &'static str,
    ) -> Result<Role, VaultError> {
        let role = self.my_role();
        if allowed(role) {
            Ok(role)
        } else {
            Err(VaultError::NotAllowed { role, action })
        }
    }

    /// This member's role now. With the `forgery` feature (attacker fixtures
    /// only) it is the role a modified client pretends to have.
    pub(super) fn my_role(&self) -> Role {
        #[cfg(feature = "forgery")]
        if let Some(role) = self.pretend {
            return role;
        }
        self.members.role(&self.me.card.id).unwrap_or(Role::Viewer)
    }

    pub fn add<R: rand_core::CryptoRng + ?Sized>(
        &mut self,
        draft: EntryDraft,
        now: u64,
        rng: &mut R,
    ) -> Result<EntryId, VaultError> {
        self.require(Role::can_write, "add entries")?;
        draft.check()?;

        let id = EntryId::generate(rng);
        let (overview, secrets) = draft.split(Change::Create);
        self.append_version(&id, 1, None, overview, &secrets, now, rng);
        self.append_audit(AuditAction::Create, Some((&id, 1)), None, now, rng);
        self.write_head(now);
        Ok(id)
    }

    /// Adds many entries with one head at the end, for imports: each entry
    /// still gets its own version and audit record.
    pub fn import<R: rand_core::CryptoRng + ?Sized>(
        &mut self,
        drafts: Vec<EntryDraft>,
        now: u64,
        rng: &mut R,
    ) -> Result<Vec<EntryId>, VaultError> {
        self.require(Role::can_write, "add entries")?;
        for draft in &drafts {
            draft.check()?;
        }

        let mut ids = Vec::with_capacity(drafts.len());
        for draft in drafts {
            let id = EntryId::generate(rng);
            let (overview, secrets) = draft.split(Change::Create);
            self.append_version(&id, 1, None, overview, &secrets, now, rng);
            self.append_audit(AuditAction::Create, Some((&id, 1)), None, now, rng);
            ids.push(id);
        }
        self.write_head(now);
        Ok(ids)
    }

    pub fn edit<R: rand_core::CryptoRng + ?Sized>(
        &mut self,
        id: &EntryId,
        draft: EntryDraft,
        now: u64,
        rng: &mut R,
    ) -> Result<(), VaultError> {
        self.require(Role::can_write, "edit entries")?;
        draft.check()?;
        let (latest, version) = self.live_latest(id)?;

        let (overview, secrets) = draft.split(Change::Edit);
        self.append_version(id, version + 1, Some(latest), overview, &secrets, now, rng);
        self.append_audit(AuditAction::Update, Some((id, version + 1)), None, now, rng);
        self.write_head(now);
        Ok(())
    }

    /// Appends a version made from the latest one with `change` applied, so
    /// that a caller changing one field keeps all the others, secrets
    /// included. The latest secrets are opened inside the vault for this and
    /// handed to `change`; the edit is audited as an update, not a reveal.
    pub fn edit_with<R, F>(
        &mut self,
        id: &EntryId,
        change: F,
        now: u64,
        rng: &mut R,
    ) -> Result<(), VaultError>
    where
        R: rand_core::CryptoRng + ?Sized,
        F: FnOnce(&mut EntryDraft),
    {
        self.require(Role::can_write, "edit entries")?;
        let (_, secrets) = self.latest_secrets(id)?;
        let mut draft = crate::entry::join(&self.entry(id)?.overview, secrets);
        change(&mut draft);
        self.edit(id, draft, now, rng)
    }

    /// Appends a tombstone: a version whose overview says the entry was
    /// deleted, keeping its title for the history, with empty secrets.
    pub fn delete<R: rand_core::CryptoRng + ?Sized>(
        &mut self,
        id: &EntryId,
        now: u64,
        rng: &mut R,
    ) -> Result<(), VaultError> {
        self.require(Role::can_write, "delete entries")?;
        let (latest, version) = self.live_latest(id)?;

        let mut overview = self.entry(id)?.overview.clone();
        overview.change = Change::Delete;
        self.append_version(
            id,
            version + 1,
            Some(latest),
            overview,
            &SecretsBody::default(),
            now,
            rng,
        );
        self.append_audit(AuditAction::Delete, Some((id, version + 1)), None, now, rng);
        self.write_head(now);
        Ok(())
    }

    /// Appends a copy of an older version as the newest one. The head moves
    /// forward; nothing is rewritten. Also brings a deleted entry back.
    pub fn rollback<R: rand_core::CryptoRng + ?Sized>(
        &mut self,
        id: &EntryId,
        version: u64,
        now: u64,
        rng: &mut R,
    ) -> Result<(), VaultError> {
        self.require(Role::can_write, "roll entries back")?;
        let latest = self.entry(id)?.latest;
        let latest_version = self.record(&latest)?.version;
        let source = self.find_version(id, version)?;

        let record = self.record(&source)?.clone();
        self.check_signature(&record)?;
        let vault_id = self.vault_id().to_owned();
        let index = self.versions[&source];
        let mut overview = self.open_overview(&vault_id, index)?;
        let secrets = self.open_secrets(&vault_id, index)?;
        if overview.change == Change::Delete {
            return Err(VaultError::Deleted(id.to_string()));
        }

        overview.change = Change::Rollback(version);
        let next = latest_version + 1;
        self.append_version(id, next, Some(latest), overview, &secrets, now, rng);
        self.append_audit(AuditAction::Rollback, Some((id, next)), None, now, rng);
        self.write_head(now);
        Ok(())
    }

    /// Decrypts one entry's secrets, after checking its latest version's
    /// signature, and records why in the audit log.
    pub fn secrets<R: rand_core::CryptoRng + ?Sized>(
        &mut self,
        id: &EntryId,
        why: Access,
        now: u64,
        rng: &mut R,
    ) -> Result<EntrySecrets, VaultError> {
        let (version, secrets) = self.latest_secrets(id)?;
        let action = match why {
            Access::Reveal => AuditAction::Reveal,
            Access::Copy => AuditAction::Copy,
            Access::Fill => AuditAction::Fill,
        };
        self.append_audit(action, Some((id, version)), None, now, rng);
        self.write_head(now);
        Ok(secrets.into())
    }

    /// Opens the secrets of an entry's latest live version, after checking
    /// that version's signature: its number and the secrets.
    fn latest_secrets(&self, id: &EntryId) -> Result<(u64, SecretsBody), VaultError> {
        let (latest, version) = self.live_latest(id)?;
        let record = self.record(&latest)?.clone();
        self.check_signature(&record)?;

        let vault_id = self.vault_id().to_owned();
        let secrets = self.open_secrets(&vault_id, self.versions[&latest])?;
        Ok((version, secrets))
    }

    /// The latest version of an entry that is not deleted: its id and number.
    fn live_latest(&self, id: &EntryId) -> Result<(Digest, u64), VaultError> {
        let state = self.entry(id)?;
        if state.overview.change == Change::Delete {
            return Err(VaultError::Deleted(id.to_string()));
        }
        Ok((state.latest, self.record(&state.latest)?.version))
    }

    pub(super) fn entry(&self, id: &EntryId) -> Result<&EntryState, VaultError> {
        self.entries
            .get(id)
            .ok_or_else(|| VaultError::NoSuchEntry(id.to_string()))
    }

    pub(super) fn record(&self, id: &Digest) -> Result<&VersionRecord, VaultError> {
        let index = self.versions.get(id).ok_or(VaultError::CannotOpen)?;
        self.file.versions.get(*index).ok_or(VaultError::CannotOpen)
    }

    /// Seals a version in its two parts and appends it.
    #[allow(clippy::too_many_arguments)]
    fn append_version<R: rand_core::CryptoRng + ?Sized>(
        &mut self,
        entry: &EntryId,
        version: u64,
        parent: Option<Digest>,
        overview: OverviewBody,
        secrets: &SecretsBody,
        now: u64,
        rng: &mut R,
    ) {
        let vault_id = self.vault_id().to_owned();
        let epoch = self.members.epoch;
        let version_key = Key32::generate(rng);
        let part_key = SealKey::new(&version_key);
        let entry_str = entry.as_str();

        let overview_sealed = part_key.seal(
            &part_aad(&vault_id, entry_str, version, "overview"),
            &to_plain(&overview),
            rng,
        );
        let secrets_sealed = part_key.seal(
            &part_aad(&vault_id, entry_str, version, "secrets"),
            &to_plain(secrets),
            rng,
        );
        let resolves: Vec<Digest> = match (parent, self.entries.get(entry)) {
            (Some(parent), Some(state)) => state
                .tips
                .iter()
                .copied()
                .filter(|tip| *tip != parent)
                .collect(),
            _ => Vec::new(),
        };
        let mut record = VersionRecord {
            entry: entry_str.to_owned(),
            version,
            parent,
            resolves,
            epoch,
            author: self.me.card.id.clone(),
            time: now,
            key: Sealed {
                nonce: [0; 12],
                commit: [0; 32],
                ct: Vec::new(),
            },
            overview: overview_sealed,
            secrets: secrets_sealed,
            sig: [0; 64],
        };
        let key_aad = version_key_aad(&vault_id, &record);
        record.key = self
            .current_key()
            .seal
            .seal(&key_aad, version_key.as_bytes(), rng);
        record.sig = sign::sign(&self.me.signing, &record.transcript(&vault_id));

        let id = record.id(&vault_id);
        self.versions.insert(id, self.file.versions.len());
        self.file.versions.push(record);

        let state = self
            .entries
            .entry(entry.clone())
            .or_insert_with(|| EntryState {
                tips: Vec::new(),
                latest: id,
                overview: overview.clone(),
            });
        // The new version follows its parent and settles every other tip.
        state.tips = vec![id];
        state.latest = id;
        state.overview = overview;
    }

    pub(super) fn current_key(&self) -> &super::open::EpochKey {
        // Invariant: the current epoch's key is always held while open.
        self.keys
            .get(&self.members.epoch)
            .unwrap_or_else(|| unreachable!("current key held"))
    }

    pub(super) fn append_audit<R: rand_core::CryptoRng + ?Sized>(
        &mut self,
        action: AuditAction,
        entry: Option<(&EntryId, u64)>,
        subject: Option<&str>,
        now: u64,
        rng: &mut R,
    ) {
        let vault_id = self.vault_id().to_owned();
        let epoch = self.members.epoch;
        let body = AuditBody {
            action,
            member: self.me.card.id.clone(),
            entry: entry.map(|(id, _)| id.to_string()),
            version: entry.map(|(_, v)| v),
            subject: subject.map(str::to_owned),
        };
        let sealed =
            self.current_key()
                .seal
                .seal(&audit_aad(&vault_id, epoch), &to_plain(&body), rng);
        let mut record = AuditStored {
            parents: self.audit_tips.iter().copied().collect(),
            epoch,
            author: self.me.card.id.clone(),
            time: now,
            body: sealed,
            sig: [0; 64],
        };
        record.sig = sign::sign(&self.me.signing, &record.transcript(&vault_id));
        let id = record.id(&vault_id);
        self.file.audit.push(record);
        self.audit_tips = [id].into_iter().collect();
    }
}
