//! The vault as the service worker holds it: locked, or unlocked in memory.
//!
//! Known shortcoming: this is the extension's side of the vault until the
//! core's `VaultFile`/`OpenVault` are merged in. Entries live in wasm memory
//! only (wiped on drop and on lock) and are not yet encrypted or persisted, so
//! closing the browser loses them and the passphrase is not yet checked.

use zeroize::Zeroizing;

use crate::fill::FillGrant;
use crate::message::{Draft, Overview, VaultState};
use crate::site;

/// An entry while the vault is unlocked.
struct Entry {
    id: String,
    title: String,
    username: String,
    password: Zeroizing<String>,
    urls: Vec<String>,
    totp: Option<Zeroizing<String>>,
}

/// The one credential a content script may receive.
pub struct Credential {
    pub username: String,
    pub password: Zeroizing<String>,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    #[error("there is no vault yet; create one in the popup")]
    NoVault,
    #[error("the vault is locked; unlock it in the popup")]
    Locked,
    #[error("a vault already exists; unlock it instead")]
    Exists,
    #[error("no entry with id `{0}`")]
    NoEntry(String),
    #[error("an entry needs a title")]
    NoTitle,
    #[error("{0}")]
    BadUrl(String),
    #[error("the passphrase is empty; type one")]
    EmptyPassphrase,
}

#[derive(Default)]
pub struct Session {
    exists: bool,
    entries: Option<Vec<Entry>>,
    next_id: u64,
}

impl Session {
    pub fn state(&self) -> VaultState {
        match (self.exists, self.entries.is_some()) {
            (false, _) => VaultState::NoVault,
            (true, false) => VaultState::Locked,
            (true, true) => VaultState::Unlocked,
        }
    }

    pub fn create(&mut self, passphrase: &str) -> Result<(), SessionError> {
        if self.exists {
            return Err(SessionError::Exists);
        }
        if passphrase.is_empty() {
            return Err(SessionError::EmptyPassphrase);
        }
        self.exists = true;
        self.entries = Some(Vec::new());
        Ok(())
    }

    pub fn unlock(&mut self, passphrase: &str) -> Result<(), SessionError> {
        if !self.exists {
            return Err(SessionError::NoVault);
        }
        if passphrase.is_empty() {
            return Err(SessionError::EmptyPassphrase);
        }
        self.entries.get_or_insert_with(Vec::new);
        Ok(())
    }

    pub fn lock(&mut self) {
        self.entries = None;
    }

    fn entries(&self) -> Result<&Vec<Entry>, SessionError> {
        match &self.entries {
            Some(entries) => Ok(entries),
            None if self.exists => Err(SessionError::Locked),
            None => Err(SessionError::NoVault),
        }
    }

    fn entry(&self, id: &str) -> Result<&Entry, SessionError> {
        let entries = self.entries()?;
        entries
            .iter()
            .find(|e| e.id == id)
            .ok_or_else(|| SessionError::NoEntry(id.to_owned()))
    }

    pub fn add(&mut self, draft: Draft) -> Result<String, SessionError> {
        if draft.title.trim().is_empty() {
            return Err(SessionError::NoTitle);
        }
        for url in &draft.urls {
            site::parse_saved(url).map_err(|e| SessionError::BadUrl(e.to_string()))?;
        }
        self.next_id += 1;
        let id = format!("e{}", self.next_id);
        let entries = self.entries.as_mut().ok_or(if self.exists {
            SessionError::Locked
        } else {
            SessionError::NoVault
        })?;
        entries.push(Entry {
            id: id.clone(),
            title: draft.title,
            username: draft.username,
            password: Zeroizing::new(draft.password),
            urls: draft.urls,
            totp: draft.totp.filter(|t| !t.is_empty()).map(Zeroizing::new),
        });
        Ok(id)
    }

    /// Overviews, those saved for `site` first, filtered by `query`.
    pub fn list(
        &self,
        site: Option<&url::Url>,
        query: &str,
    ) -> Result<Vec<Overview>, SessionError> {
        let query = query.to_lowercase();
        let mut out: Vec<Overview> = self
            .entries()?
            .iter()
            .filter(|e| {
                query.is_empty()
                    || e.title.to_lowercase().contains(&query)
                    || e.username.to_lowercase().contains(&query)
                    || e.urls.iter().any(|u| u.to_lowercase().contains(&query))
            })
            .map(|e| Overview {
                id: e.id.clone(),
                title: e.title.clone(),
                username: e.username.clone(),
                urls: e.urls.clone(),
                has_totp: e.totp.is_some(),
                for_site: site.is_some_and(|page| site::check_any(page, &e.urls).is_ok()),
            })
            .collect();
        out.sort_by_key(|o| !o.for_site);
        Ok(out)
    }

    pub fn saved_urls(&self, id: &str) -> Result<Vec<String>, SessionError> {
        Ok(self.entry(id)?.urls.clone())
    }

    pub fn reveal(&self, id: &str) -> Result<Zeroizing<String>, SessionError> {
        Ok(self.entry(id)?.password.clone())
    }

    /// The credential for a frame that passed the origin check.
    pub fn credential(&self, grant: &FillGrant) -> Result<Credential, SessionError> {
        let entry = self.entry(grant.entry())?;
        Ok(Credential {
            username: entry.username.clone(),
            password: entry.password.clone(),
        })
    }
}
