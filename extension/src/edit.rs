//! Editing an entry, its history, and rollback.
//!
//! An edit changes only the fields the popup sends and keeps every other
//! one, secrets included: the change is applied inside the vault to the
//! latest version (`OpenVault::edit_with`), so the popup never needs the old
//! password to change the title. A rollback appends a copy of an older
//! version; nothing is rewritten, so the history only grows.

use latchkey_core::{Change, Secret};

use crate::message::{Changes, VersionView};
use crate::rng;
use crate::session::{Session, SessionError, checked_otp, index_of, saved_urls};

fn vault_error(e: impl std::fmt::Display) -> SessionError {
    SessionError::Vault(e.to_string())
}

/// The changes checked before anything is written: a title cannot become
/// blank and a TOTP URI must be usable.
fn check(changes: &Changes) -> Result<(), SessionError> {
    if changes.title.as_ref().is_some_and(|t| t.trim().is_empty()) {
        return Err(SessionError::Vault(
            "the title cannot be empty; type one".into(),
        ));
    }
    if let Some(uri) = changes.totp.as_deref().filter(|t| !t.trim().is_empty()) {
        checked_otp(uri)?;
    }
    Ok(())
}

fn change_name(change: Change) -> (&'static str, Option<u64>) {
    match change {
        Change::Create => ("create", None),
        Change::Edit => ("edit", None),
        Change::Rollback(from) => ("rollback", Some(from)),
        Change::Delete => ("delete", None),
    }
}

impl Session {
    /// Applies `changes` to the latest version of `id` as a new version.
    pub fn edit(&mut self, id: &str, changes: Changes, now: u64) -> Result<(), SessionError> {
        let id = self.entry_id(id)?;
        check(&changes)?;
        let mut rng = rng::fresh().map_err(SessionError::Random)?;
        let open = self.open_mut()?;

        let apply = |draft: &mut latchkey_core::EntryDraft| {
            let Changes {
                title,
                username,
                password,
                urls,
                totp,
                notes,
            } = changes;
            if let Some(title) = title {
                draft.title = title;
            }
            if let Some(username) = username {
                draft.username = username;
            }
            if let Some(password) = password {
                draft.password = Secret::new(password);
            }
            if let Some(urls) = urls {
                draft.urls = saved_urls(urls);
            }
            if let Some(totp) = totp {
                let totp = totp.trim().to_owned();
                draft.totp = (!totp.is_empty()).then(|| Secret::new(totp));
            }
            if let Some(notes) = notes {
                draft.notes = Secret::new(notes);
            }
        };
        open.vault
            .edit_with(&id, apply, now, &mut rng)
            .map_err(vault_error)?;

        open.index = index_of(&open.vault);
        self.saved();
        Ok(())
    }

    /// Every version of `id`, oldest first.
    pub fn history(&self, id: &str) -> Result<Vec<VersionView>, SessionError> {
        let id = self.entry_id(id)?;
        let open = self.open_ref()?;
        let versions = open.vault.history(&id).map_err(vault_error)?;
        Ok(versions
            .into_iter()
            .map(|v| {
                let (change, from) = change_name(v.change);
                VersionView {
                    version: v.version,
                    time: v.time,
                    change: change.to_owned(),
                    from,
                    title: v.title,
                    latest: v.latest,
                }
            })
            .collect())
    }

    /// Makes a copy of `version` the newest version of `id`.
    pub fn rollback(&mut self, id: &str, version: u64, now: u64) -> Result<(), SessionError> {
        let id = self.entry_id(id)?;
        let mut rng = rng::fresh().map_err(SessionError::Random)?;
        let open = self.open_mut()?;
        open.vault
            .rollback(&id, version, now, &mut rng)
            .map_err(vault_error)?;

        open.index = index_of(&open.vault);
        self.saved();
        Ok(())
    }
}
