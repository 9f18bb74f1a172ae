//! Who sent a message, as the browser reports it.
//!
//! Every listener starts here: the sender object comes from the browser
//! (`runtime.onMessage`'s second argument), never from the message body, and a
//! message is only acted on when its sender is of the kind that may send it.

use serde::Deserialize;
use url::Url;

/// The browser's `runtime.MessageSender`, the fields latchkey reads.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Sender {
    /// The sending extension's id; must be our own.
    #[serde(default)]
    pub id: Option<String>,
    /// The sending document's URL (the frame's own URL for a content script).
    #[serde(default)]
    pub url: Option<String>,
    /// The sending document's origin (Chrome only; Firefox leaves it out).
    #[serde(default)]
    pub origin: Option<String>,
    /// The tab a content script or an extension page in a tab runs in.
    #[serde(default)]
    pub tab: Option<SenderTab>,
    /// The frame within the tab: 0 is the top frame.
    #[serde(default)]
    pub frame_id: Option<i64>,
    /// The sending document's id (Chrome only), so a navigated frame is told apart.
    #[serde(default)]
    pub document_id: Option<String>,
}

impl PageFrame {
    /// The tab's top-level document (the browser numbers it 0).
    pub fn is_top(&self) -> bool {
        self.frame_id == 0
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct SenderTab {
    pub id: i64,
    #[serde(default)]
    pub url: Option<String>,
}

/// The kinds of sender latchkey accepts messages from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SenderKind {
    /// The popup or the options page: our own id and a URL under our own base.
    ExtensionPage,
    /// Our content script in a web page: our id, a tab, a frame and an http(s) URL.
    ContentScript(PageFrame),
}

/// A frame of a web page as the browser identifies it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageFrame {
    pub tab_id: i64,
    pub frame_id: i64,
    pub url: Url,
    pub document_id: Option<String>,
}

/// Why a sender was refused: said plainly so a bug report names the cause.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SenderError {
    #[error("the message came from another extension; latchkey answers only its own pages")]
    ForeignExtension,
    #[error("the message came from a sender with no URL; latchkey answers only its own pages")]
    NoUrl,
    #[error("the message came from a page that is neither latchkey's nor a web page")]
    UnknownPage,
    #[error("the page origin the browser reported does not agree with its URL")]
    OriginMismatch,
}

impl Sender {
    /// Classifies the sender, given our own id and our pages' base URL
    /// (`runtime.getURL("")`).
    pub fn kind(&self, own_id: &str, own_base: &str) -> Result<SenderKind, SenderError> {
        if self.id.as_deref() != Some(own_id) {
            return Err(SenderError::ForeignExtension);
        }
        let raw = self.url.as_deref().ok_or(SenderError::NoUrl)?;

        // Our own pages: the popup (also when opened as a tab) and the options page.
        if !own_base.is_empty() && raw.starts_with(own_base) && self.frame_id.unwrap_or(0) == 0 {
            return Ok(SenderKind::ExtensionPage);
        }

        let url = Url::parse(raw).map_err(|_| SenderError::UnknownPage)?;
        let tab = self.tab.as_ref().ok_or(SenderError::UnknownPage)?;
        let frame_id = self.frame_id.ok_or(SenderError::UnknownPage)?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(SenderError::UnknownPage);
        }

        // Chrome reports the origin separately; when it does, it must agree.
        if let Some(origin) = &self.origin
            && origin != &url.origin().ascii_serialization()
        {
            return Err(SenderError::OriginMismatch);
        }

        Ok(SenderKind::ContentScript(PageFrame {
            tab_id: tab.id,
            frame_id,
            url,
            document_id: self.document_id.clone(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "gbaebdhpdpjkklhkedkjnnoedbdnpfej";
    const BASE: &str = "chrome-extension://gbaebdhpdpjkklhkedkjnnoedbdnpfej/";

    fn sender(json: &str) -> Sender {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn own_pages_are_extension_pages() {
        let s = sender(&format!(r#"{{"id":"{ID}","url":"{BASE}popup.html"}}"#));
        assert_eq!(s.kind(ID, BASE), Ok(SenderKind::ExtensionPage));
    }

    #[test]
    fn another_extension_is_refused() {
        let s = sender(&format!(r#"{{"id":"abc","url":"{BASE}popup.html"}}"#));
        assert_eq!(s.kind(ID, BASE), Err(SenderError::ForeignExtension));
        let s = sender(&format!(r#"{{"url":"{BASE}popup.html"}}"#));
        assert_eq!(s.kind(ID, BASE), Err(SenderError::ForeignExtension));
    }

    #[test]
    fn content_script_frames_carry_the_browser_url() {
        let s = sender(&format!(
            r#"{{"id":"{ID}","url":"http://127.0.0.1:8080/a","origin":"http://127.0.0.1:8080",
                "tab":{{"id":7}},"frameId":3,"documentId":"D"}}"#
        ));
        let SenderKind::ContentScript(frame) = s.kind(ID, BASE).unwrap() else {
            panic!("not a content script");
        };
        assert_eq!((frame.tab_id, frame.frame_id), (7, 3));
        assert_eq!(frame.url.as_str(), "http://127.0.0.1:8080/a");
    }

    #[test]
    fn disagreeing_origin_and_odd_pages_are_refused() {
        let s = sender(&format!(
            r#"{{"id":"{ID}","url":"http://127.0.0.1:8080/","origin":"http://localhost:8080",
                "tab":{{"id":7}},"frameId":0}}"#
        ));
        assert_eq!(s.kind(ID, BASE), Err(SenderError::OriginMismatch));
        let s = sender(&format!(
            r#"{{"id":"{ID}","url":"file:///x","tab":{{"id":1}},"frameId":0}}"#
        ));
        assert_eq!(s.kind(ID, BASE), Err(SenderError::UnknownPage));
        let s = sender(&format!(r#"{{"id":"{ID}","url":"https://a.test/"}}"#));
        assert_eq!(s.kind(ID, BASE), Err(SenderError::UnknownPage));
        let s = sender(&format!(r#"{{"id":"{ID}"}}"#));
        assert_eq!(s.kind(ID, BASE), Err(SenderError::NoUrl));
    }

    #[test]
    fn our_page_inside_a_frame_is_not_an_extension_page() {
        let s = sender(&format!(
            r#"{{"id":"{ID}","url":"{BASE}popup.html","tab":{{"id":1}},"frameId":4}}"#
        ));
        assert!(s.kind(ID, BASE).is_err());
    }
}
