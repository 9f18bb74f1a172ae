//! The vault as the service worker holds it: stored (sealed) and, once the
//! passphrase is typed, open in wasm memory.
//!
//! What `storage.local` keeps is only what the core calls safe to store: the
//! member's sealed keys, the vault's signed, encrypted records and the
//! highest head this device has seen (so a store that serves an older copy is
//! caught). Decrypted entries and keys live only here, and go on lock.

use latchkey_core::matching::{MatchMode, PageUrl, SavedUrlIndex};
use latchkey_core::totp::OtpUri;
use latchkey_core::{
    Access, DeviceKey, DeviceSealedMember, EntryDraft, EntryId, KdfParams, Member, OpenVault,
    Passphrase, SavedUrl, Secret, Trust, UnlockedMember, VaultFile,
};
use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::fill::FillGrant;
use crate::message::{Draft, Overview, VaultState};
use crate::rng;

/// RSA key size for new members (the design's default).
const RSA_BITS: usize = 2048;

/// The format of what the extension keeps in `storage.local`.
const STORE_KIND: &str = "latchkey-extension-store";
const STORE_FORMAT: u32 = 1;

/// What `storage.local` holds: nothing in it opens without the passphrase.
#[derive(Serialize, Deserialize)]
struct Stored {
    kind: String,
    format: u32,
    member: String,
    vault: String,
    head: u64,
    /// Quick unlock: the member sealed under a device key the host keeps in
    /// the OS secure store. Absent when quick unlock is off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    quick: Option<String>,
}

/// The one credential a content script may receive.
pub struct Credential {
    pub username: String,
    pub password: Zeroizing<String>,
    pub otp: Option<Zeroizing<String>>,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    #[error("there is no vault yet; create one in the popup")]
    NoVault,
    #[error("the vault is locked; unlock it in the popup")]
    Locked,
    #[error("a vault already exists; unlock it instead")]
    Exists,
    #[error("the latchkey host keeps another vault than this one; it is not shared")]
    OtherVault,
    #[error("quick unlock is not set up here; unlock with your passphrase")]
    NoQuick,
    #[error("the passphrase is empty; type one")]
    EmptyPassphrase,
    #[error("{0}")]
    Unlock(String),
    #[error("the vault failed its integrity check and was not opened: {0}")]
    Integrity(String),
    #[error("the stored vault cannot be read: {0}")]
    Store(String),
    #[error("{0}")]
    Vault(String),
    #[error("{0}")]
    Random(String),
}

pub(crate) struct Open {
    me: UnlockedMember,
    pub(crate) vault: OpenVault,
    pub(crate) index: SavedUrlIndex<EntryId>,
}

#[derive(Default)]
pub struct Session {
    member: Option<Member>,
    file: Option<VaultFile>,
    head: u64,
    quick: Option<DeviceSealedMember>,
    open: Option<Open>,
    changed: bool,
}

pub(crate) fn index_of(vault: &OpenVault) -> SavedUrlIndex<EntryId> {
    let mut urls = Vec::new();
    for entry in vault.list() {
        for saved in entry.urls {
            urls.push((entry.id.clone(), saved.url, saved.mode));
        }
    }
    SavedUrlIndex::build(urls)
}

/// The popup's draft as the core's, checking the TOTP URI on the way in.
fn core_draft(draft: Draft) -> Result<EntryDraft, SessionError> {
    let totp = draft.totp.filter(|t| !t.trim().is_empty());
    if let Some(uri) = &totp {
        checked_otp(uri)?;
    }
    Ok(EntryDraft {
        title: draft.title,
        username: draft.username,
        password: Secret::new(draft.password),
        urls: saved_urls(draft.urls),
        totp: totp.map(Secret::new),
        notes: Secret::new(draft.notes),
        ..EntryDraft::default()
    })
}

/// The web addresses typed into the popup, blank ones left out.
pub(crate) fn saved_urls(urls: Vec<String>) -> Vec<SavedUrl> {
    urls.into_iter()
        .filter(|u| !u.trim().is_empty())
        .map(|url| SavedUrl {
            url,
            mode: MatchMode::default(),
        })
        .collect()
}

/// A TOTP or HOTP URI as typed, refused with the reason if it is unusable.
pub(crate) fn checked_otp(uri: &str) -> Result<OtpUri, SessionError> {
    OtpUri::parse(uri).map_err(|e| SessionError::Vault(e.to_string()))
}

impl Session {
    /// Takes what `storage.local` held when the worker started.
    pub fn load(&mut self, stored: &str) -> Result<(), SessionError> {
        let bad = |e: String| SessionError::Store(e);
        let stored: Stored = serde_json::from_str(stored).map_err(|e| bad(e.to_string()))?;
        if stored.kind != STORE_KIND || stored.format != STORE_FORMAT {
            return Err(bad(format!(
                "kind `{}` format {}",
                stored.kind, stored.format
            )));
        }
        self.member = Some(Member::from_json(&stored.member).map_err(|e| bad(e.to_string()))?);
        self.file = Some(VaultFile::from_json(&stored.vault).map_err(|e| bad(e.to_string()))?);
        self.head = stored.head;
        self.quick = match stored.quick {
            Some(text) => {
                Some(DeviceSealedMember::from_json(&text).map_err(|e| bad(e.to_string()))?)
            }
            None => None,
        };
        Ok(())
    }

    /// What to write to `storage.local`, once after each change.
    pub fn take_changes(&mut self) -> Option<String> {
        if !std::mem::take(&mut self.changed) {
            return None;
        }
        let (member, file) = (self.member.as_ref()?, self.file.as_ref()?);
        let stored = Stored {
            kind: STORE_KIND.into(),
            format: STORE_FORMAT,
            member: member.to_json(),
            vault: file.to_json(),
            head: self.head,
            quick: self.quick.as_ref().map(DeviceSealedMember::to_json),
        };
        serde_json::to_string(&stored).ok()
    }

    pub fn state(&self) -> VaultState {
        match (&self.file, &self.open) {
            (None, _) => VaultState::NoVault,
            (Some(_), None) => VaultState::Locked,
            (Some(_), Some(_)) => VaultState::Unlocked,
        }
    }

    /// First run: a new member and a new vault, opened.
    pub fn create(&mut self, name: &str, passphrase: &str, now: u64) -> Result<(), SessionError> {
        if self.file.is_some() {
            return Err(SessionError::Exists);
        }
        if passphrase.is_empty() {
            return Err(SessionError::EmptyPassphrase);
        }
        let mut rng = rng::fresh().map_err(SessionError::Random)?;
        let member_id = rng::id().map_err(SessionError::Random)?;
        let pass = Passphrase::new(passphrase.to_owned());
        let vault = |e: &dyn std::fmt::Display| SessionError::Vault(e.to_string());

        let member = Member::create(
            &member_id,
            "me",
            &pass,
            KdfParams::default(),
            RSA_BITS,
            &mut rng,
        )
        .map_err(|e| vault(&e))?;
        let me = member.unlock(&pass).map_err(|e| vault(&e))?;
        let file = VaultFile::create(&me, name, now, &mut rng).map_err(|e| vault(&e))?;
        self.member = Some(member);
        self.file = Some(file);
        self.open_as(me)
    }

    /// Opens the stored vault with the passphrase.
    pub fn unlock(&mut self, passphrase: &str) -> Result<(), SessionError> {
        let member = self.member.as_ref().ok_or(SessionError::NoVault)?;
        if passphrase.is_empty() {
            return Err(SessionError::EmptyPassphrase);
        }
        let pass = Passphrase::new(passphrase.to_owned());
        let me = member
            .unlock(&pass)
            .map_err(|e| SessionError::Unlock(e.to_string()))?;
        self.open_as(me)
    }

    /// Opens the stored vault again after a worker restart, from the copy of
    /// the member sealed for this browser session.
    pub fn resume(&mut self, sealed: &str, key: [u8; 32]) -> Result<(), SessionError> {
        let sealed = DeviceSealedMember::from_json(sealed)
            .map_err(|e| SessionError::Store(e.to_string()))?;
        let me = sealed
            .unlock(&DeviceKey::from_bytes(key))
            .map_err(|e| SessionError::Unlock(e.to_string()))?;
        self.open_as(me)
    }

    /// The member sealed under a fresh key, for `storage.session` (memory only).
    pub fn seal_for_session(&self) -> Result<(String, Zeroizing<[u8; 32]>), SessionError> {
        let (sealed, key) = self.seal_under_new_key()?;
        Ok((sealed.to_json(), key.to_bytes()))
    }

    fn seal_under_new_key(&self) -> Result<(DeviceSealedMember, DeviceKey), SessionError> {
        let open = self.open.as_ref().ok_or(SessionError::Locked)?;
        let mut rng = rng::fresh().map_err(SessionError::Random)?;
        let key = DeviceKey::generate(&mut rng);
        let sealed = open
            .me
            .seal_for_device(&key, &mut rng)
            .map_err(|e| SessionError::Vault(e.to_string()))?;
        Ok((sealed, key))
    }

    /// First run from the host: take the command line's member and vault
    /// files. Nothing is trusted yet: the passphrase unlock that follows
    /// opens and verifies them like any stored vault.
    pub fn adopt(&mut self, member: &str, vault: &str) -> Result<(), SessionError> {
        if self.file.is_some() {
            return Err(SessionError::Exists);
        }
        let bad = |e: String| SessionError::Store(e);
        let member = Member::from_json(member).map_err(|e| bad(e.to_string()))?;
        let file = VaultFile::from_json(vault).map_err(|e| bad(e.to_string()))?;
        self.member = Some(member);
        self.file = Some(file);
        self.changed = true;
        Ok(())
    }

    /// Takes in the host's copy of the open vault. Returns the merged file when
    /// the host lacks something this copy has (so it should be written back),
    /// `None` when the host already holds everything, and an error when the
    /// host's copy is of another vault or does not verify (nothing changes then).
    pub fn merge_from(&mut self, theirs: &str) -> Result<Option<String>, SessionError> {
        let theirs =
            VaultFile::from_json(theirs).map_err(|e| SessionError::Store(e.to_string()))?;
        let open = self.open.as_ref().ok_or(SessionError::Locked)?;
        let ours = open.vault.file();
        if ours.vault_id() != theirs.vault_id() {
            return Err(SessionError::OtherVault);
        }
        let merged = ours
            .merge(&theirs)
            .map_err(|e| SessionError::Store(e.to_string()))?;
        if !ours.contains_all(&theirs) {
            let mut rng = rng::fresh().map_err(SessionError::Random)?;
            let trust = Trust::own(&open.me).with_min_head(self.head);
            let vault = merged
                .open(&open.me, &trust, &mut rng)
                .map_err(|e| SessionError::Integrity(e.to_string()))?;
            let open = self.open.as_mut().ok_or(SessionError::Locked)?;
            open.index = index_of(&vault);
            open.vault = vault;
            self.saved();
        }
        Ok((!theirs.contains_all(&merged)).then(|| merged.to_json()))
    }

    /// The member's id, under which the host keeps its device key.
    pub fn member_id(&self) -> Option<String> {
        self.member.as_ref().map(|m| m.card().id.clone())
    }

    /// Whether quick unlock is set up here (a device-sealed copy is stored).
    pub fn has_quick(&self) -> bool {
        self.quick.is_some()
    }

    /// Turning quick unlock on, step one: a copy of the open member sealed
    /// under a new device key. The copy is kept only once the host has
    /// stored the key ([`Session::keep_quick`]).
    pub fn prepare_quick(&self) -> Result<(DeviceSealedMember, DeviceKey), SessionError> {
        self.seal_under_new_key()
    }

    pub fn keep_quick(&mut self, sealed: DeviceSealedMember) {
        self.quick = Some(sealed);
        self.changed = true;
    }

    pub fn forget_quick(&mut self) {
        if self.quick.take().is_some() {
            self.changed = true;
        }
    }

    /// Opens the vault with the device key the host gave back.
    pub fn quick_unlock(&mut self, key: &DeviceKey) -> Result<(), SessionError> {
        let sealed = self.quick.as_ref().ok_or(SessionError::NoQuick)?;
        let me = sealed
            .unlock(key)
            .map_err(|e| SessionError::Unlock(e.to_string()))?;
        self.open_as(me)
    }

    fn open_as(&mut self, me: UnlockedMember) -> Result<(), SessionError> {
        let file = self.file.as_ref().ok_or(SessionError::NoVault)?;
        let mut rng = rng::fresh().map_err(SessionError::Random)?;
        let trust = Trust::own(&me).with_min_head(self.head);
        let vault = file
            .open(&me, &trust, &mut rng)
            .map_err(|e| SessionError::Integrity(e.to_string()))?;
        let index = index_of(&vault);
        self.open = Some(Open { me, vault, index });
        self.saved();
        Ok(())
    }

    /// Keeps the stored copy in step with the open vault.
    pub(crate) fn saved(&mut self) {
        if let Some(open) = &self.open {
            self.head = self.head.max(open.vault.head_counter());
            self.file = Some(open.vault.file().clone());
            self.changed = true;
        }
    }

    pub fn lock(&mut self) {
        self.open = None;
    }

    pub(crate) fn open_mut(&mut self) -> Result<&mut Open, SessionError> {
        match (&self.file, &mut self.open) {
            (_, Some(open)) => Ok(open),
            (Some(_), None) => Err(SessionError::Locked),
            (None, None) => Err(SessionError::NoVault),
        }
    }

    pub(crate) fn open_ref(&self) -> Result<&Open, SessionError> {
        match (&self.file, &self.open) {
            (_, Some(open)) => Ok(open),
            (Some(_), None) => Err(SessionError::Locked),
            (None, None) => Err(SessionError::NoVault),
        }
    }

    pub fn add(&mut self, draft: Draft, now: u64) -> Result<String, SessionError> {
        let ids = self.import(vec![draft], now)?;
        ids.into_iter()
            .next()
            .ok_or_else(|| SessionError::Vault("the entry was not added".into()))
    }

    /// Adds many entries with one vault head at the end (an import).
    pub fn import(&mut self, drafts: Vec<Draft>, now: u64) -> Result<Vec<String>, SessionError> {
        let drafts = drafts
            .into_iter()
            .map(core_draft)
            .collect::<Result<Vec<_>, _>>()?;
        let mut rng = rng::fresh().map_err(SessionError::Random)?;
        let open = self.open_mut()?;
        let ids = open
            .vault
            .import(drafts, now, &mut rng)
            .map_err(|e| SessionError::Vault(e.to_string()))?;
        // Known shortcoming: the saved-URL index is rebuilt from every overview
        // after each change, so adding one entry costs time linear in the
        // vault's size (see docs/benchmarks.md); the core's index has no insert.
        open.index = index_of(&open.vault);
        self.saved();
        Ok(ids.iter().map(ToString::to_string).collect())
    }

    /// Overviews, those saved for `site` first (most specific match first),
    /// filtered by `query`. No secret is decrypted.
    pub fn list(&self, site: Option<&str>, query: &str) -> Result<Vec<Overview>, SessionError> {
        let open = self.open_ref()?;
        let page = site.and_then(|s| PageUrl::parse(s).ok());
        // Entry id to its place among the site's matches, most specific first.
        let for_site: HashMap<String, usize> = page
            .as_ref()
            .map(|p| open.index.candidates(p))
            .unwrap_or_default()
            .into_iter()
            .enumerate()
            .map(|(place, (id, _))| (id.to_string(), place))
            .collect();

        let entries = if query.trim().is_empty() {
            open.vault.list()
        } else {
            open.vault.search(query)
        };
        let mut out: Vec<Overview> = entries
            .into_iter()
            .map(|e| Overview {
                for_site: for_site.contains_key(e.id.as_str()),
                id: e.id.to_string(),
                title: e.title,
                username: e.username,
                urls: e.urls.into_iter().map(|u| u.url).collect(),
                has_totp: e.has_totp,
            })
            .collect();
        let rank = |o: &Overview| for_site.get(&o.id).copied().unwrap_or(usize::MAX);
        out.sort_by_key(rank);
        Ok(out)
    }

    pub(crate) fn entry_id(&self, id: &str) -> Result<EntryId, SessionError> {
        EntryId::parse(id).map_err(|e| SessionError::Vault(e.to_string()))
    }

    pub fn saved_urls(&self, id: &str) -> Result<Vec<SavedUrl>, SessionError> {
        let id = self.entry_id(id)?;
        let open = self.open_ref()?;
        let overview = open
            .vault
            .overview(&id)
            .map_err(|e| SessionError::Vault(e.to_string()))?;
        Ok(overview.urls)
    }

    /// Decrypts the password for the popup; written to the audit trail.
    pub fn reveal(&mut self, id: &str, copy: bool, now: u64) -> Result<Secret, SessionError> {
        let id = self.entry_id(id)?;
        let mut rng = rng::fresh().map_err(SessionError::Random)?;
        let why = if copy { Access::Copy } else { Access::Reveal };
        let open = self.open_mut()?;
        let secrets = open
            .vault
            .secrets(&id, why, now, &mut rng)
            .map_err(|e| SessionError::Vault(e.to_string()))?;
        self.saved();
        Ok(secrets.password.clone())
    }

    /// The credential for a frame that passed the origin check; the fill is
    /// written to the audit trail. The TOTP code is the one current at `now`;
    /// an HOTP code is used up, its counter stored as a new version.
    pub fn credential(&mut self, grant: &FillGrant, now: u64) -> Result<Credential, SessionError> {
        let id = self.entry_id(grant.entry())?;
        let mut rng = rng::fresh().map_err(SessionError::Random)?;
        let open = self.open_mut()?;
        let username = open
            .vault
            .overview(&id)
            .map_err(|e| SessionError::Vault(e.to_string()))?
            .username;
        let secrets = open
            .vault
            .secrets(&id, Access::Fill, now, &mut rng)
            .map_err(|e| SessionError::Vault(e.to_string()))?;
        let otp = match &secrets.totp {
            Some(uri) => Some(crate::otp::fill_code(
                &mut open.vault,
                &id,
                uri,
                now,
                &mut rng,
            )?),
            None => None,
        };
        let password = Zeroizing::new(secrets.password.expose().to_owned());
        self.saved();
        Ok(Credential {
            username,
            password,
            otp,
        })
    }
}
