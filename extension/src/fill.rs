//! The one origin check every fill goes through.
//!
//! A fill starts only from a user action in browser-owned UI (a `FillTrigger`)
//! and becomes a pending `FillRequest` bound to one tab and one entry. The
//! content scripts of that tab are then asked to claim it; each claim arrives
//! as a new message, so the frame's URL is the browser's, read at the moment
//! the credential is handed out, and the answer goes back to that one document
//! only. A `FillGrant` can only be made here, and the session hands out a
//! credential only against a grant.
//!
//! One user action fills one frame. The top frame is asked first; a frame
//! below it is filled only when the top frame has no login form (it says so
//! with a decline, from which the gate learns the page's origin) and only when
//! it is of that same origin: a frame of another origin, even on the same
//! host, is another party, and cannot be seen by the page's own visibility
//! checks either.

use latchkey_core::SavedUrl;
use latchkey_core::matching::{self, PageUrl};

use crate::sender::PageFrame;

/// How long a fill request waits for the page's frames to claim it.
pub const FILL_WINDOW_MS: f64 = 10_000.0;

/// The user actions in browser-owned UI that may start a fill.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FillTrigger {
    /// The fill button of the popup.
    Popup,
    /// The keyboard shortcut (commands API).
    Command,
    /// The context menu item.
    ContextMenu,
}

impl FillTrigger {
    /// Every fill path; the gate's tests walk all of them.
    pub const ALL: [FillTrigger; 3] = [
        FillTrigger::Popup,
        FillTrigger::Command,
        FillTrigger::ContextMenu,
    ];
}

/// A fill the user asked for, waiting for the page's frames to claim it.
#[derive(Clone, Debug)]
struct FillRequest {
    id: String,
    tab_id: i64,
    entry: String,
    expires_at_ms: f64,
    /// The top frame's origin, once it declined (it had no login form).
    top_origin: Option<String>,
    /// A frame was filled: the request is spent.
    spent: bool,
}

/// Proof that a frame passed the origin check for one entry, just now.
#[derive(Debug)]
pub struct FillGrant {
    entry: String,
    origin: String,
}

impl FillGrant {
    pub fn entry(&self) -> &str {
        &self.entry
    }

    /// The origin the content script must still be on when it sets the values.
    pub fn origin(&self) -> &str {
        &self.origin
    }
}

/// Why a frame's claim got nothing.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FillError {
    #[error("no fill was asked for here; fills start only from the popup, shortcut or menu")]
    NotRequested,
    #[error("the fill was asked for a different tab")]
    OtherTab,
    #[error("the fill request expired; ask again")]
    Expired,
    #[error("this fill was already given to a frame; one action fills one form")]
    AlreadyFilled,
    #[error(
        "a frame of another origin than its page is never filled (the page's own frame \
         must have no login form, and this frame must be of the page's origin)"
    )]
    OtherOriginFrame,
    /// The frame's own URL is not one the entry is saved for (with the reason).
    #[error("{0}")]
    OtherSite(String),
}

/// The pending fills of this service worker.
#[derive(Default)]
pub struct FillGate {
    pending: Vec<FillRequest>,
}

impl FillGate {
    /// Records a fill the user asked for and returns the id the frames must quote.
    pub fn begin(&mut self, tab_id: i64, entry: &str, request_id: String, now_ms: f64) -> String {
        self.pending
            .retain(|r| r.expires_at_ms > now_ms && r.tab_id != tab_id);
        self.pending.push(FillRequest {
            id: request_id.clone(),
            tab_id,
            entry: entry.to_owned(),
            expires_at_ms: now_ms + FILL_WINDOW_MS,
            top_origin: None,
            spent: false,
        });
        request_id
    }

    /// The entry a pending request is for, so the caller can look up its saved URLs.
    pub fn entry_of(&self, request_id: &str) -> Option<&str> {
        self.pending
            .iter()
            .find(|r| r.id == request_id)
            .map(|r| r.entry.as_str())
    }

    /// Checks a frame's claim: the request exists, is recent, is for this tab,
    /// this frame has not been served, and the frame's own URL matches the entry.
    pub fn claim(
        &mut self,
        request_id: &str,
        frame: &PageFrame,
        saved_urls: &[SavedUrl],
        now_ms: f64,
    ) -> Result<FillGrant, FillError> {
        let request = self
            .pending
            .iter_mut()
            .find(|r| r.id == request_id)
            .ok_or(FillError::NotRequested)?;
        if request.expires_at_ms <= now_ms {
            return Err(FillError::Expired);
        }
        if request.tab_id != frame.tab_id {
            return Err(FillError::OtherTab);
        }
        if request.spent {
            return Err(FillError::AlreadyFilled);
        }
        let origin = frame.url.origin().ascii_serialization();
        if !frame.is_top() && request.top_origin.as_deref() != Some(origin.as_str()) {
            return Err(FillError::OtherOriginFrame);
        }

        check_site(&frame.url, saved_urls)?;

        request.spent = true;
        Ok(FillGrant {
            entry: request.entry.clone(),
            origin,
        })
    }

    /// The top frame has no login form for this request: its origin (the
    /// browser's, from the sender) is what a frame below must share to be filled.
    pub fn decline(
        &mut self,
        request_id: &str,
        frame: &PageFrame,
        now_ms: f64,
    ) -> Result<(), FillError> {
        let request = self
            .pending
            .iter_mut()
            .find(|r| r.id == request_id && r.expires_at_ms > now_ms)
            .ok_or(FillError::NotRequested)?;
        if request.tab_id != frame.tab_id {
            return Err(FillError::OtherTab);
        }
        if frame.is_top() {
            request.top_origin = Some(frame.url.origin().ascii_serialization());
        }
        Ok(())
    }
}

/// The frame's own URL (from the browser) against every saved URL of the
/// entry, by the core's matching rules: one match is enough.
fn check_site(frame_url: &url::Url, saved_urls: &[SavedUrl]) -> Result<(), FillError> {
    let page =
        PageUrl::parse(frame_url.as_str()).map_err(|e| FillError::OtherSite(e.to_string()))?;
    let mut refusal = String::from("the entry has no saved web address");
    for saved in saved_urls {
        match matching::matches(&page, &saved.url, saved.mode) {
            Ok(_) => return Ok(()),
            Err(reason) => refusal = reason.to_string(),
        }
    }
    Err(FillError::OtherSite(refusal))
}

#[cfg(test)]
mod tests {
    use super::*;
    use latchkey_core::matching::MatchMode;
    use url::Url;

    fn frame(tab_id: i64, frame_id: i64, url: &str) -> PageFrame {
        PageFrame {
            tab_id,
            frame_id,
            url: Url::parse(url).unwrap(),
            document_id: None,
        }
    }

    fn saved() -> Vec<SavedUrl> {
        let url = "http://127.0.0.1:8080/".to_owned();
        vec![SavedUrl {
            url,
            mode: MatchMode::default(),
        }]
    }

    #[test]
    fn a_matching_frame_of_the_asked_tab_is_granted_once() {
        let mut gate = FillGate::default();
        let id = gate.begin(5, "e1", "r1".into(), 0.0);
        let grant = gate.claim(
            &id,
            &frame(5, 0, "http://127.0.0.1:8080/login"),
            &saved(),
            1.0,
        );
        let grant = grant.unwrap();
        assert_eq!(
            (grant.entry(), grant.origin()),
            ("e1", "http://127.0.0.1:8080")
        );

        let again = gate.claim(
            &id,
            &frame(5, 0, "http://127.0.0.1:8080/login"),
            &saved(),
            2.0,
        );
        assert_eq!(again.unwrap_err(), FillError::AlreadyFilled);
    }

    #[test]
    fn unrequested_other_tab_expired_and_other_origin_get_nothing() {
        let mut gate = FillGate::default();
        let f = frame(5, 0, "http://127.0.0.1:8080/");
        assert_eq!(
            gate.claim("nope", &f, &saved(), 0.0).unwrap_err(),
            FillError::NotRequested
        );

        let id = gate.begin(5, "e1", "r1".into(), 0.0);
        let other_tab = frame(6, 0, "http://127.0.0.1:8080/");
        assert_eq!(
            gate.claim(&id, &other_tab, &saved(), 1.0).unwrap_err(),
            FillError::OtherTab
        );
        let late = gate.claim(&id, &f, &saved(), FILL_WINDOW_MS + 1.0);
        assert_eq!(late.unwrap_err(), FillError::Expired);

        let id = gate.begin(5, "e1", "r2".into(), 0.0);
        let other_site = frame(5, 0, "http://localhost:8080/");
        let refused = gate.claim(&id, &other_site, &saved(), 1.0).unwrap_err();
        assert!(matches!(refused, FillError::OtherSite(_)), "{refused}");
    }

    #[test]
    fn a_frame_below_is_filled_only_after_the_top_declined_and_only_of_its_origin() {
        let mut gate = FillGate::default();
        let id = gate.begin(5, "e1", "r1".into(), 0.0);
        let inner = frame(5, 3, "http://127.0.0.1:8080/inner");

        // Before the top frame said it has no form, no frame below gets anything.
        let early = gate.claim(&id, &inner, &saved(), 1.0).unwrap_err();
        assert_eq!(early, FillError::OtherOriginFrame);

        // A decline from a frame below teaches the gate nothing.
        gate.decline(&id, &inner, 1.0).unwrap();
        let still = gate.claim(&id, &inner, &saved(), 1.0).unwrap_err();
        assert_eq!(still, FillError::OtherOriginFrame);

        gate.decline(&id, &frame(5, 0, "http://127.0.0.1:8080/page"), 2.0)
            .unwrap();
        // Same address, another port: another origin, refused whatever the entry says.
        let other_port = frame(5, 4, "http://127.0.0.1:9090/login");
        let wide = vec![SavedUrl {
            url: "http://127.0.0.1:9090/".into(),
            mode: MatchMode::Host,
        }];
        let refused = gate.claim(&id, &other_port, &wide, 3.0).unwrap_err();
        assert_eq!(refused, FillError::OtherOriginFrame);

        let grant = gate.claim(&id, &inner, &saved(), 4.0).unwrap();
        assert_eq!(grant.origin(), "http://127.0.0.1:8080");

        // One action, one form: a second frame of the same origin gets nothing.
        let second = frame(5, 6, "http://127.0.0.1:8080/other");
        let spent = gate.claim(&id, &second, &saved(), 5.0).unwrap_err();
        assert_eq!(spent, FillError::AlreadyFilled);
        let top = gate.claim(&id, &frame(5, 0, "http://127.0.0.1:8080/"), &saved(), 5.0);
        assert_eq!(top.unwrap_err(), FillError::AlreadyFilled);

        // A decline for another tab or an unknown request is refused.
        let other_tab = frame(7, 0, "http://127.0.0.1:8080/");
        assert_eq!(gate.decline(&id, &other_tab, 6.0), Err(FillError::OtherTab));
        assert_eq!(
            gate.decline("nope", &other_tab, 6.0),
            Err(FillError::NotRequested)
        );
    }

    #[test]
    fn an_https_entry_never_fills_an_http_frame() {
        let mut gate = FillGate::default();
        let id = gate.begin(5, "e1", "r1".into(), 0.0);
        let https = vec![SavedUrl {
            url: "https://127.0.0.1:8080/".into(),
            mode: MatchMode::Host,
        }];
        let refused = gate.claim(&id, &frame(5, 0, "http://127.0.0.1:8080/"), &https, 1.0);
        assert!(matches!(refused, Err(FillError::OtherSite(_))));
        assert!(
            gate.claim(&id, &frame(5, 0, "https://127.0.0.1:8080/"), &https, 1.0)
                .is_ok()
        );
    }

    #[test]
    fn a_new_request_for_a_tab_replaces_the_old_one() {
        let mut gate = FillGate::default();
        let old = gate.begin(5, "e1", "r1".into(), 0.0);
        gate.begin(5, "e2", "r2".into(), 1.0);
        let f = frame(5, 0, "http://127.0.0.1:8080/");
        assert_eq!(
            gate.claim(&old, &f, &saved(), 2.0).unwrap_err(),
            FillError::NotRequested
        );
        assert_eq!(gate.entry_of("r2"), Some("e2"));
    }
}
