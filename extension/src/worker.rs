//! The service worker's brain: every message is checked and answered here.
//!
//! The JavaScript around it only moves messages: it hands over the request,
//! the browser's sender object and the time, carries out the reply, and
//! stores what `take_changes` and `take_session_change` give it.

use zeroize::Zeroizing;

use std::collections::HashMap;

use latchkey_core::DeviceSealedMember;

use crate::fill::{FillGate, FillTrigger};
use crate::host::{HostError, HostLink, Identity};
use crate::message::{Reply, Request, VaultState};
use crate::offer::Offers;
use crate::rng;
use crate::sender::{PageFrame, Sender, SenderKind};
use crate::session::Session;

mod host_jobs;

/// The vault locks after this long without use (15 minutes).
pub const IDLE_LOCK_MS: f64 = 15.0 * 60.0 * 1000.0;

/// The shortest idle limit the test knob may set (see `set_idle_limit`).
pub const MIN_IDLE_LOCK_MS: f64 = 1000.0;

/// What `storage.session` should hold now.
pub enum SessionChange {
    /// The member sealed under a key for this browser session (memory only).
    Unlocked {
        sealed: String,
        key: Zeroizing<[u8; 32]>,
    },
    /// Locked: forget what was kept.
    Locked,
}

pub struct Worker {
    own_id: String,
    own_base: String,
    session: Session,
    gate: FillGate,
    last_use_ms: f64,
    idle_limit_ms: f64,
    offers: Offers,
    session_change: Option<SessionChange>,
    host: HostLink,
    identity: Option<Identity>,
    /// `Some` when `storage.local`'s pairing must be rewritten (`None` inside: removed).
    identity_change: Option<Option<Zeroizing<String>>>,
    /// What each host job in flight is for.
    purposes: HashMap<u32, Purpose>,
    /// The vault changed (or was opened) since it was last brought together
    /// with the host's vault file.
    sync_due: bool,
}

/// Why a host job was started, for what to do with its end.
enum Purpose {
    /// A status question: a missing host is an answer, not an error.
    Status,
    /// Quick unlock being turned on: the sealed copy waits for the host to keep the key.
    QuickOn(Box<DeviceSealedMember>),
    /// First run from the host: the member file, then the vault file.
    AdoptMember,
    AdoptVault(Zeroizing<String>),
    /// Bringing this copy and the host's vault file together.
    Sync,
    Other,
}

impl Worker {
    /// `own_id` is `runtime.id`, `own_base` is `runtime.getURL("")`.
    pub fn new(own_id: &str, own_base: &str) -> Worker {
        Worker {
            own_id: own_id.to_owned(),
            own_base: own_base.to_owned(),
            session: Session::default(),
            gate: FillGate::default(),
            last_use_ms: 0.0,
            idle_limit_ms: IDLE_LOCK_MS,
            offers: Offers::default(),
            session_change: None,
            host: HostLink::default(),
            identity: None,
            identity_change: None,
            purposes: HashMap::new(),
            sync_due: false,
        }
    }

    pub fn session(&mut self) -> &mut Session {
        &mut self.session
    }

    /// Picks up an unlocked session kept in `storage.session` across a
    /// restart. `last_use_ms` is when it was last used before the restart
    /// (so a restart does not restart the idle clock); past the idle limit
    /// it locks at once.
    pub fn resume(
        &mut self,
        sealed: &str,
        key: [u8; 32],
        last_use_ms: f64,
        now_ms: f64,
    ) -> Result<(), String> {
        self.session
            .resume(sealed, key)
            .map_err(|e| e.to_string())?;
        self.last_use_ms = last_use_ms.min(now_ms);
        self.lock_if_idle(now_ms);
        Ok(())
    }

    /// What to write to `storage.local`; a change also makes a sync with the host due.
    pub fn take_changes(&mut self) -> Option<String> {
        let changes = self.session.take_changes();
        self.sync_due |= changes.is_some();
        changes
    }

    /// When the vault was last used, to keep in `storage.session`.
    pub fn last_use_ms(&self) -> f64 {
        self.last_use_ms
    }

    /// When the vault locks if it is not used before (unlocked only).
    pub fn idle_deadline_ms(&self) -> Option<f64> {
        let unlocked = self.session.state() == VaultState::Unlocked;
        unlocked.then_some(self.last_use_ms + self.idle_limit_ms)
    }

    /// The test knob: a shorter idle limit. It can only shorten the
    /// default (never lengthen it), and is read from `storage.session`,
    /// which web pages and, by default, content scripts cannot reach.
    pub fn set_idle_limit(&mut self, limit_ms: f64) {
        self.idle_limit_ms = if limit_ms.is_finite() {
            limit_ms.clamp(MIN_IDLE_LOCK_MS, IDLE_LOCK_MS)
        } else {
            IDLE_LOCK_MS
        };
    }

    /// Badge changes for the toolbar button, once each: (tab, text).
    pub fn take_badges(&mut self) -> Vec<(i64, String)> {
        self.offers.take_badges()
    }

    /// The badge text a tab should show (after the browser reset it).
    pub fn badge(&self, tab_id: i64) -> &'static str {
        self.offers.badge(tab_id)
    }

    /// A tab closed: its offer goes.
    pub fn tab_closed(&mut self, tab_id: i64) {
        self.offers.drop_tab(tab_id);
    }

    /// Takes the pairing `storage.local` held.
    pub fn load_identity(&mut self, stored: &str) -> Result<(), HostError> {
        self.identity = Some(Identity::from_json(stored)?);
        Ok(())
    }

    /// The pairing to write (`Some(None)`: remove it), once after each change.
    pub fn take_identity_change(&mut self) -> Option<Option<Zeroizing<String>>> {
        self.identity_change.take()
    }

    pub fn take_session_change(&mut self) -> Option<SessionChange> {
        self.session_change.take()
    }

    /// Locks if the vault was not used for the idle limit; called on every
    /// event and by the timer.
    pub fn lock_if_idle(&mut self, now_ms: f64) {
        let unlocked = self.session.state() == VaultState::Unlocked;
        if unlocked && now_ms - self.last_use_ms >= self.idle_limit_ms {
            self.lock();
        }
    }

    fn lock(&mut self) {
        self.session.lock();
        self.offers.drop_all();
        self.gate = FillGate::default();
        self.session_change = Some(SessionChange::Locked);
    }

    /// Answers one message. `request` and `sender` are JSON as the browser gave them.
    pub fn handle(&mut self, request: &str, sender: &str, now_ms: f64) -> Reply {
        self.lock_if_idle(now_ms);
        let sender: Sender = match serde_json::from_str(sender) {
            Ok(sender) => sender,
            Err(_) => return refused("the browser's sender information could not be read"),
        };
        let kind = match sender.kind(&self.own_id, &self.own_base) {
            Ok(kind) => kind,
            Err(e) => return refused(&e.to_string()),
        };
        let tab_url = sender.tab.as_ref().and_then(|t| t.url.clone());
        let request: Request = match serde_json::from_str(request) {
            Ok(request) => request,
            Err(e) => return error(&format!("the message is not one latchkey knows: {e}")),
        };

        match (kind, request) {
            (SenderKind::ContentScript(frame), Request::FillClaim { request_id }) => {
                self.claim(&request_id, &frame, now_ms)
            }
            (SenderKind::ContentScript(frame), Request::LoginSubmitted { username, password }) => {
                let password = Zeroizing::new(password);
                self.login_submitted(&frame, tab_url.as_deref(), username, password, now_ms)
            }
            (SenderKind::ExtensionPage, request) if request.from_extension_page_only() => {
                self.last_use_ms = now_ms;
                self.page_request(request, now_ms)
            }
            (_, request) => refused(&format!(
                "`{}` is not accepted from this sender",
                request.name()
            )),
        }
    }

    fn page_request(&mut self, request: Request, now_ms: f64) -> Reply {
        let now = (now_ms / 1000.0) as u64;
        let result = match request {
            Request::Status => Ok(Reply::Status {
                state: self.session.state(),
                quick_unlock: self.session.has_quick(),
                paired: self.identity.is_some(),
            }),
            Request::HostStatus => return self.host_status(),
            Request::Pair { code } => return self.pair(&code),
            Request::Unpair => {
                self.identity = None;
                self.identity_change = Some(None);
                Ok(Reply::Done)
            }
            Request::QuickUnlockOn => return self.quick_unlock_on(),
            Request::QuickUnlockOff => return self.quick_unlock_off(),
            Request::QuickUnlock => return self.quick_unlock(),
            Request::OpenFromHost => {
                return self
                    .session_job(crate::host::Job::ReadMember, Purpose::AdoptMember)
                    .unwrap_or_else(|e| error(&e.to_string()));
            }
            Request::CreateVault { name, passphrase } => {
                let passphrase = Zeroizing::new(passphrase);
                self.session
                    .create(&name, &passphrase, now)
                    .map(|()| self.unlocked())
            }
            Request::Unlock { passphrase } => {
                let passphrase = Zeroizing::new(passphrase);
                self.session.unlock(&passphrase).map(|()| self.unlocked())
            }
            Request::Lock => {
                self.lock();
                Ok(Reply::Done)
            }
            Request::List { site, query } => self
                .session
                .list(site.as_deref(), &query)
                .map(|entries| Reply::Entries { entries }),
            Request::AddEntry { entry } => {
                self.session.add(entry, now).map(|id| Reply::Added { id })
            }
            Request::Import { entries } => self
                .session
                .import(entries, now)
                .map(|ids| Reply::Imported { ids }),
            Request::Reveal { entry, copy } => {
                self.session
                    .reveal(&entry, copy, now)
                    .map(|p| Reply::Revealed {
                        password: p.expose().to_owned(),
                    })
            }
            Request::Fill { entry, tab_id } => {
                return self.begin_fill(FillTrigger::Popup, tab_id, &entry, now_ms);
            }
            Request::Code { entry } => self.session.code(&entry, now).map(code_reply),
            Request::NextCode { entry } => self.session.next_code(&entry, now).map(code_reply),
            Request::Generate { policy } => {
                return match crate::generate::generate(&policy) {
                    Ok((password, bits)) => Reply::Generated {
                        password: password.to_string(),
                        bits,
                    },
                    Err(e) => error(&e.to_string()),
                };
            }
            Request::Edit { entry, changes } => self
                .session
                .edit(&entry, changes, now)
                .map(|()| Reply::Done),
            Request::History { entry } => self
                .session
                .history(&entry)
                .map(|versions| Reply::History { versions }),
            Request::Rollback { entry, version } => self
                .session
                .rollback(&entry, version, now)
                .map(|()| Reply::Done),
            Request::Offer { tab_id } => Ok(Reply::Offer {
                offer: self.offers.view(tab_id),
            }),
            Request::SaveOffer { tab_id } => self
                .offers
                .accept(tab_id, &mut self.session, now)
                .map(|_| Reply::Done),
            Request::DismissOffer { tab_id } => {
                self.offers.drop_tab(tab_id);
                Ok(Reply::Done)
            }
            Request::FillClaim { .. } | Request::LoginSubmitted { .. } => {
                return refused("this message comes from a page");
            }
        };
        result.unwrap_or_else(|e| error(&e.to_string()))
    }

    /// After an unlock: keep a sealed copy for worker restarts, say done.
    fn unlocked(&mut self) -> Reply {
        match self.session.seal_for_session() {
            Ok((sealed, key)) => {
                self.session_change = Some(SessionChange::Unlocked { sealed, key })
            }
            Err(e) => return error(&e.to_string()),
        }
        Reply::Done
    }

    /// Starts a fill of `entry` into tab `tab_id`: every trigger comes through here.
    pub fn begin_fill(
        &mut self,
        trigger: FillTrigger,
        tab_id: i64,
        entry: &str,
        now_ms: f64,
    ) -> Reply {
        if let Err(e) = self.session.saved_urls(entry) {
            return error(&e.to_string());
        }
        let request_id = match rng::id() {
            Ok(id) => id,
            Err(message) => return error(&message),
        };
        self.last_use_ms = now_ms;
        let request_id = self.gate.begin(tab_id, entry, request_id, now_ms);
        Reply::FillOffer {
            tab_id,
            request_id,
            trigger,
        }
    }

    /// The shortcut and the context menu: fill the best entry saved for the
    /// tab's URL (the browser's, from the event), if there is one.
    pub fn begin_fill_for_tab(
        &mut self,
        trigger: FillTrigger,
        tab_id: i64,
        tab_url: &str,
        now_ms: f64,
    ) -> Reply {
        self.lock_if_idle(now_ms);
        let first = match self.session.list(Some(tab_url), "") {
            Ok(entries) => entries.into_iter().find(|e| e.for_site),
            Err(e) => return error(&e.to_string()),
        };
        match first {
            Some(entry) => self.begin_fill(trigger, tab_id, &entry.id, now_ms),
            None => refused("no entry is saved for this site"),
        }
    }

    /// A login form was submitted in `frame`: keep an offer if the login is
    /// new or changed. The page learns nothing of the verdict.
    fn login_submitted(
        &mut self,
        frame: &PageFrame,
        tab_url: Option<&str>,
        username: String,
        password: Zeroizing<String>,
        now_ms: f64,
    ) -> Reply {
        let now = (now_ms / 1000.0) as u64;
        let verdict =
            crate::offer::submitted(&mut self.session, frame, tab_url, &username, &password, now);
        match verdict {
            Ok(verdict) => {
                self.offers.keep(frame, username, password, verdict);
                Reply::Done
            }
            Err(e) => refused(&e.to_string()),
        }
    }

    fn claim(&mut self, request_id: &str, frame: &PageFrame, now_ms: f64) -> Reply {
        let Some(entry) = self.gate.entry_of(request_id).map(str::to_owned) else {
            return refused("no fill was asked for");
        };
        let saved = match self.session.saved_urls(&entry) {
            Ok(saved) => saved,
            Err(e) => return refused(&e.to_string()),
        };
        let grant = match self.gate.claim(request_id, frame, &saved, now_ms) {
            Ok(grant) => grant,
            Err(e) => return refused(&e.to_string()),
        };
        match self.session.credential(&grant, (now_ms / 1000.0) as u64) {
            Ok(c) => Reply::Credential {
                origin: grant.origin().to_owned(),
                username: c.username,
                password: c.password.to_string(),
                otp: c.otp.map(|o| o.to_string()),
            },
            Err(e) => refused(&e.to_string()),
        }
    }
}

fn code_reply(view: crate::otp::CodeView) -> Reply {
    Reply::Code {
        kind: view.kind,
        code: view.code.map(|c| c.to_string()),
        seconds_left: view.seconds_left,
        period: view.period,
    }
}

fn refused(reason: &str) -> Reply {
    Reply::Refused {
        reason: reason.to_owned(),
    }
}

fn error(message: &str) -> Reply {
    Reply::Error {
        message: message.to_owned(),
    }
}
