//! The service worker's brain: every message is checked and answered here.
//!
//! The JavaScript around it only moves messages: it hands over the request,
//! the browser's sender object and the time, and carries out the reply.

use crate::fill::{FillGate, FillTrigger};
use crate::message::{Reply, Request};
use crate::sender::{Sender, SenderKind};
use crate::session::Session;

pub struct Worker {
    own_id: String,
    own_base: String,
    session: Session,
    gate: FillGate,
}

impl Worker {
    /// `own_id` is `runtime.id`, `own_base` is `runtime.getURL("")`.
    pub fn new(own_id: &str, own_base: &str) -> Worker {
        Worker {
            own_id: own_id.to_owned(),
            own_base: own_base.to_owned(),
            session: Session::default(),
            gate: FillGate::default(),
        }
    }

    /// Answers one message. `request` and `sender` are JSON as the browser gave them.
    pub fn handle(&mut self, request: &str, sender: &str, now_ms: f64) -> Reply {
        let sender: Sender = match serde_json::from_str(sender) {
            Ok(sender) => sender,
            Err(_) => return refused("the browser's sender information could not be read"),
        };
        let kind = match sender.kind(&self.own_id, &self.own_base) {
            Ok(kind) => kind,
            Err(e) => return refused(&e.to_string()),
        };
        let request: Request = match serde_json::from_str(request) {
            Ok(request) => request,
            Err(e) => return error(&format!("the message is not one latchkey knows: {e}")),
        };

        match (kind, request) {
            (SenderKind::ContentScript(frame), Request::FillClaim { request_id }) => {
                self.claim(&request_id, &frame, now_ms)
            }
            (SenderKind::ExtensionPage, request) if request.from_extension_page_only() => {
                self.page_request(request, now_ms)
            }
            (_, request) => refused(&format!(
                "`{}` is not accepted from this sender",
                request.name()
            )),
        }
    }

    fn page_request(&mut self, request: Request, now_ms: f64) -> Reply {
        let result = match request {
            Request::Status => Ok(Reply::Status {
                state: self.session.state(),
            }),
            Request::CreateVault {
                name: _,
                passphrase,
            } => self.session.create(&passphrase).map(|()| Reply::Done),
            Request::Unlock { passphrase } => {
                self.session.unlock(&passphrase).map(|()| Reply::Done)
            }
            Request::Lock => {
                self.session.lock();
                Ok(Reply::Done)
            }
            Request::List { site, query } => {
                let site = site.and_then(|s| url::Url::parse(&s).ok());
                self.session
                    .list(site.as_ref(), &query)
                    .map(|entries| Reply::Entries { entries })
            }
            Request::AddEntry { entry } => self.session.add(entry).map(|id| Reply::Added { id }),
            Request::Reveal { entry } => self.session.reveal(&entry).map(|p| Reply::Revealed {
                password: p.to_string(),
            }),
            Request::Fill { entry, tab_id } => {
                return self.begin_fill(FillTrigger::Popup, tab_id, &entry, now_ms);
            }
            Request::FillClaim { .. } => return refused("a fill claim comes from a page"),
        };
        result.unwrap_or_else(|e| error(&e.to_string()))
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
        let request_id = match random_id() {
            Ok(id) => id,
            Err(message) => return error(&message),
        };
        let request_id = self.gate.begin(tab_id, entry, request_id, now_ms);
        Reply::FillOffer {
            tab_id,
            request_id,
            trigger,
        }
    }

    /// The shortcut and the context menu: fill the first entry saved for the
    /// tab's URL (the browser's, from the event), if there is one.
    pub fn begin_fill_for_tab(
        &mut self,
        trigger: FillTrigger,
        tab_id: i64,
        tab_url: &str,
        now_ms: f64,
    ) -> Reply {
        let Ok(page) = url::Url::parse(tab_url) else {
            return refused("this tab is not a web page");
        };
        let first = match self.session.list(Some(&page), "") {
            Ok(entries) => entries.into_iter().find(|e| e.for_site),
            Err(e) => return error(&e.to_string()),
        };
        match first {
            Some(entry) => self.begin_fill(trigger, tab_id, &entry.id, now_ms),
            None => refused("no entry is saved for this site"),
        }
    }

    fn claim(&mut self, request_id: &str, frame: &crate::sender::PageFrame, now_ms: f64) -> Reply {
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
        match self.session.credential(&grant) {
            Ok(c) => Reply::Credential {
                origin: grant.origin().to_owned(),
                username: c.username,
                password: c.password.to_string(),
                otp: None,
            },
            Err(e) => refused(&e.to_string()),
        }
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

/// 128 random bits, hex: a fill request id no page can guess.
fn random_id() -> Result<String, String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|e| format!("the browser gave no randomness ({e}); try again"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}
