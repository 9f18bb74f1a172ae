//! The page a login form is on, as the browser reports it.

use std::fmt;

use thiserror::Error;
use url::Url;

use super::site::Site;

/// A web page's URL, checked and normalized for matching.
///
/// Only `http` and `https` pages with a host can be matched: `about:`,
/// `data:`, `blob:`, `file:`, extension and browser pages are refused here,
/// so nothing is ever offered on them. User info (`user:pass@`) and the
/// fragment are dropped: neither says anything about which site the page
/// belongs to, and user info is the classic way to make a URL look like
/// another site's (`https://bank.example@evil.example`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageUrl {
    pub(super) url: Url,
    pub(super) site: Site,
    pub(super) https: bool,
    pub(super) port: u16,
}

/// A page URL that cannot take part in matching.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum PageUrlError {
    /// The text is not a URL at all.
    #[error("the page address is not a URL ({reason})")]
    NotAUrl { reason: String },

    /// Not an http or https page: nothing is ever filled there.
    #[error("`{scheme}:` pages are not web pages; logins are offered on http(s) pages only")]
    NotAWebPage { scheme: String },

    /// An http(s) URL without a usable host.
    #[error("the page address has no host name")]
    NoHost,
}

impl PageUrl {
    /// Reads the URL the browser reports for a tab or frame.
    pub fn parse(text: &str) -> Result<PageUrl, PageUrlError> {
        let url = Url::parse(text.trim()).map_err(|e| PageUrlError::NotAUrl {
            reason: e.to_string(),
        })?;

        let https = match url.scheme() {
            "https" => true,
            "http" => false,
            other => {
                return Err(PageUrlError::NotAWebPage {
                    scheme: other.to_owned(),
                });
            }
        };

        let (url, site) = normalize(url).ok_or(PageUrlError::NoHost)?;
        let port = url
            .port_or_known_default()
            .unwrap_or(if https { 443 } else { 80 });
        Ok(PageUrl {
            url,
            site,
            https,
            port,
        })
    }

    /// The normalized URL (no user info, no fragment, no trailing dot).
    pub fn as_str(&self) -> &str {
        self.url.as_str()
    }

    /// The page's host or address.
    pub fn site(&self) -> &Site {
        &self.site
    }

    /// Whether the page was served over https.
    pub fn is_https(&self) -> bool {
        self.https
    }

    /// The port the page was served from (the scheme's default if none).
    pub fn port(&self) -> u16 {
        self.port
    }
}

impl fmt::Display for PageUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.url.as_str())
    }
}

/// Drops user info and fragment and the host's trailing dot, so that every
/// spelling of one address serializes the same way. `None` if there is no
/// host left.
pub(super) fn normalize(mut url: Url) -> Option<(Url, Site)> {
    // Both calls only fail for URLs that cannot have user info, which an
    // http(s) URL with a host always can; ignoring the result is safe.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.set_fragment(None);

    let site = Site::of(&url)?;
    if let Site::Domain { host, .. } = &site
        && url.host_str() != Some(host.as_str())
    {
        url.set_host(Some(host)).ok()?;
    }
    Some((url, site))
}
