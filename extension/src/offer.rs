//! The offer to save or update a login after a form was submitted.
//!
//! The content script reports the username and password of a login form
//! when it is submitted; the site is the frame's URL from the browser's
//! sender, never anything the message says. Only a top frame, or a frame of
//! the same origin as its tab, may make an offer, so a framed page of another
//! site cannot put its login into the user's vault under the outer site.
//!
//! Offers are kept per tab in this worker's memory only (never in storage):
//! they hold a password in clear until the user answers. The toolbar badge
//! of that tab says one is waiting; the popup asks "Save login for SITE?" or
//! "Update password for TITLE?". Locking drops every offer.

use std::collections::HashMap;

use latchkey_core::matching::PageUrl;
use latchkey_core::{Access, Secret};
use url::Url;
use zeroize::Zeroizing;

use crate::message::{Draft, OfferView};
use crate::rng;
use crate::sender::PageFrame;
use crate::session::{Session, SessionError};

/// The badge text of a tab with a save offer and with an update offer.
pub const BADGE_SAVE: &str = "+";
pub const BADGE_UPDATE: &str = "*";

/// Why a submitted login makes no offer.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum OfferError {
    #[error("a frame of another origin than its tab cannot offer a login")]
    ForeignFrame,
    #[error("the submitted form had no password")]
    NoPassword,
    #[error("the submitted login is already saved")]
    Known,
    #[error("the vault is locked; unlock it to save logins")]
    Locked,
    #[error("{0}")]
    Vault(String),
}

/// A login waiting for the user's answer.
struct Offer {
    /// The frame's origin, from the browser, saved as the entry's address.
    origin: String,
    host: String,
    username: String,
    password: Zeroizing<String>,
    /// For an update: the entry and its title.
    update: Option<(String, String)>,
}

/// What a submitted login is, compared with the vault.
pub enum Verdict {
    /// Saved already with this password.
    Known,
    /// No entry of this site has this username.
    New,
    /// An entry of this site has this username and another password.
    Changed { entry: String, title: String },
}

/// Every tab's waiting offer, and the badge changes still to be shown.
#[derive(Default)]
pub struct Offers {
    by_tab: HashMap<i64, Offer>,
    badges: Vec<(i64, String)>,
}

/// Whether the frame may make an offer: the top frame, or a frame whose
/// origin is its tab's (when the browser told us the tab's URL).
pub fn may_offer(frame: &PageFrame, tab_url: Option<&str>) -> Result<(), OfferError> {
    if frame.frame_id == 0 {
        return Ok(());
    }
    let tab = tab_url
        .and_then(|u| Url::parse(u).ok())
        .ok_or(OfferError::ForeignFrame)?;
    if tab.origin() == frame.url.origin() {
        Ok(())
    } else {
        Err(OfferError::ForeignFrame)
    }
}

impl Offers {
    /// Keeps the offer for the frame's tab, replacing an older one.
    pub fn keep(
        &mut self,
        frame: &PageFrame,
        username: String,
        password: Zeroizing<String>,
        verdict: Verdict,
    ) {
        let update = match verdict {
            Verdict::Known => {
                self.drop_tab(frame.tab_id);
                return;
            }
            Verdict::New => None,
            Verdict::Changed { entry, title } => Some((entry, title)),
        };
        let badge = if update.is_some() {
            BADGE_UPDATE
        } else {
            BADGE_SAVE
        };
        self.badges.push((frame.tab_id, badge.to_owned()));
        let offer = Offer {
            origin: frame.url.origin().ascii_serialization(),
            host: frame.url.host_str().unwrap_or_default().to_owned(),
            username,
            password,
            update,
        };
        self.by_tab.insert(frame.tab_id, offer);
    }

    /// What the popup shows for the tab.
    pub fn view(&self, tab_id: i64) -> Option<OfferView> {
        self.by_tab.get(&tab_id).map(|o| OfferView {
            kind: if o.update.is_some() { "update" } else { "save" }.to_owned(),
            site: o.host.clone(),
            username: o.username.clone(),
            title: o.update.as_ref().map(|(_, title)| title.clone()),
        })
    }

    /// The badge text a tab should show now ("" for none), e.g. after the
    /// browser reset it on navigation.
    pub fn badge(&self, tab_id: i64) -> &'static str {
        match self.by_tab.get(&tab_id) {
            Some(o) if o.update.is_some() => BADGE_UPDATE,
            Some(_) => BADGE_SAVE,
            None => "",
        }
    }

    /// Forgets the tab's offer (answered, dismissed or the tab closed).
    pub fn drop_tab(&mut self, tab_id: i64) {
        if self.by_tab.remove(&tab_id).is_some() {
            self.badges.push((tab_id, String::new()));
        }
    }

    /// Forgets every offer (on lock).
    pub fn drop_all(&mut self) {
        let tabs: Vec<i64> = self.by_tab.keys().copied().collect();
        for tab in tabs {
            self.drop_tab(tab);
        }
    }

    /// Badge changes to show, once each.
    pub fn take_badges(&mut self) -> Vec<(i64, String)> {
        std::mem::take(&mut self.badges)
    }

    /// Carries out the tab's offer: a new entry, or the changed password.
    pub fn accept(
        &mut self,
        tab_id: i64,
        session: &mut Session,
        now: u64,
    ) -> Result<String, SessionError> {
        let offer = self
            .by_tab
            .get(&tab_id)
            .ok_or_else(|| SessionError::Vault("nothing is waiting to be saved here".into()))?;
        let title = match &offer.update {
            Some((entry, title)) => {
                session.set_password(entry, &offer.password, now)?;
                title.clone()
            }
            None => {
                let draft = Draft {
                    title: offer.host.clone(),
                    username: offer.username.clone(),
                    password: offer.password.to_string(),
                    urls: vec![format!("{}/", offer.origin)],
                    totp: None,
                    notes: String::new(),
                };
                session.add(draft, now)?;
                offer.host.clone()
            }
        };
        self.drop_tab(tab_id);
        Ok(title)
    }
}

impl Session {
    /// Compares a submitted login with the entries saved for `page`.
    /// Decrypting a password to compare is written to the audit trail.
    pub fn judge_login(
        &mut self,
        page: &Url,
        username: &str,
        password: &str,
        now: u64,
    ) -> Result<Verdict, SessionError> {
        let page = PageUrl::parse(page.as_str()).map_err(|e| SessionError::Vault(e.to_string()))?;
        let open = self.open_ref()?;
        let same_user = open
            .index
            .candidates(&page)
            .into_iter()
            .filter_map(|(id, _)| open.vault.overview(&id).ok())
            .find(|o| o.username == username);
        let Some(entry) = same_user else {
            return Ok(Verdict::New);
        };

        let mut rng = rng::fresh().map_err(SessionError::Random)?;
        let open = self.open_mut()?;
        let secrets = open
            .vault
            .secrets(&entry.id, Access::Reveal, now, &mut rng)
            .map_err(|e| SessionError::Vault(e.to_string()))?;
        self.saved();
        if secrets.password == Secret::new(password.to_owned()) {
            Ok(Verdict::Known)
        } else {
            Ok(Verdict::Changed {
                entry: entry.id.to_string(),
                title: entry.title,
            })
        }
    }

    /// Changes only the password of `id`, keeping every other field.
    pub fn set_password(&mut self, id: &str, password: &str, now: u64) -> Result<(), SessionError> {
        let changes = crate::message::Changes {
            password: Some(password.to_owned()),
            ..Default::default()
        };
        self.edit(id, changes, now)
    }
}

/// Checks and judges a submitted login for the worker.
pub fn submitted(
    session: &mut Session,
    frame: &PageFrame,
    tab_url: Option<&str>,
    username: &str,
    password: &str,
    now: u64,
) -> Result<Verdict, OfferError> {
    may_offer(frame, tab_url)?;
    if password.is_empty() {
        return Err(OfferError::NoPassword);
    }
    match session.judge_login(&frame.url, username, password, now) {
        Ok(verdict) => Ok(verdict),
        Err(SessionError::Locked | SessionError::NoVault) => Err(OfferError::Locked),
        Err(e) => Err(OfferError::Vault(e.to_string())),
    }
}
