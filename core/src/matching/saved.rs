//! A saved URL, read once and ready to compare with any number of pages.

use std::borrow::Cow;

use regex_lite::{Regex, RegexBuilder};
use url::Url;

use super::mode::MatchMode;
use super::page::{PageUrl, normalize};
use super::reason::{MatchReason, NoMatch};
use super::site::Site;

/// Compiled regular expressions are capped (in bytes of compiled program):
/// a saved pattern comes from a shared vault, and one pathological pattern
/// must not stall matching for every page.
const REGEX_SIZE_LIMIT: usize = 256 * 1024;

/// Schemes that are written without `//`; a saved text starting with one of
/// these is not a host name missing its scheme.
const OPAQUE_SCHEMES: &[&str] = &[
    "about:",
    "blob:",
    "data:",
    "javascript:",
    "mailto:",
    "tel:",
    "view-source:",
    "file:",
];

/// A saved URL with its mode, parsed and checked.
#[derive(Clone, Debug)]
pub(super) enum SavedTarget {
    /// Mode `never`.
    Never,
    /// Mode `regex`: the compiled pattern.
    Pattern(Regex),
    /// A web address compared by host, base domain, prefix or equality.
    Web(WebTarget),
}

#[derive(Clone, Debug)]
pub(super) struct WebTarget {
    mode: MatchMode,
    url: Url,
    site: Site,
    https: bool,
    /// The port if the saved URL named one that is not its scheme's default.
    port: Option<u16>,
}

impl SavedTarget {
    /// Reads a saved URL for `mode`. A text without a scheme
    /// (`example.com/login`) is taken as https.
    pub(super) fn parse(text: &str, mode: MatchMode) -> Result<SavedTarget, NoMatch> {
        match mode {
            MatchMode::Never => return Ok(SavedTarget::Never),
            MatchMode::Regex => return compile(text).map(SavedTarget::Pattern),
            _ => {}
        }

        let text = with_scheme(text.trim());
        let url = Url::parse(&text).map_err(|e| NoMatch::Unusable {
            reason: format!("it is not a URL ({e})"),
        })?;

        let https = match url.scheme() {
            "https" => true,
            "http" => false,
            other => {
                return Err(NoMatch::NotAWebAddress {
                    scheme: other.to_owned(),
                });
            }
        };
        let port = url.port();
        let (url, site) = normalize(url).ok_or_else(|| NoMatch::Unusable {
            reason: "it has no host name".to_owned(),
        })?;

        Ok(SavedTarget::Web(WebTarget {
            mode,
            url,
            site,
            https,
            port,
        }))
    }

    /// The index key: pages whose [`Site::base`] differs can never match,
    /// so only saved URLs filed under the page's key need a closer look.
    /// `None` for targets that must be checked against every page.
    pub(super) fn key(&self) -> Option<String> {
        match self {
            SavedTarget::Web(web) => Some(web.site.base()),
            SavedTarget::Never | SavedTarget::Pattern(_) => None,
        }
    }

    /// Compares with one page.
    pub(super) fn check(&self, page: &PageUrl) -> Result<MatchReason, NoMatch> {
        match self {
            SavedTarget::Never => Err(NoMatch::NeverMatches),
            SavedTarget::Pattern(regex) => {
                if regex.is_match(page.as_str()) {
                    Ok(MatchReason::RegexMatched)
                } else {
                    Err(NoMatch::RegexDidNotMatch)
                }
            }
            SavedTarget::Web(web) => web.check(page),
        }
    }
}

impl WebTarget {
    fn check(&self, page: &PageUrl) -> Result<MatchReason, NoMatch> {
        // An https login is never offered on plain http: the page could be
        // anyone on the network path. The reverse (an http login on the
        // same site's https page) only removes an eavesdropper.
        if self.https && !page.https {
            return Err(NoMatch::InsecurePage);
        }

        match self.mode {
            MatchMode::BaseDomain => self.check_base_domain(page),
            MatchMode::Host => self.check_host(page),
            MatchMode::Exact => {
                self.same_host(page)?;
                if page.url == self.url {
                    Ok(MatchReason::ExactUrl)
                } else {
                    Err(NoMatch::DifferentUrl)
                }
            }
            MatchMode::StartsWith => {
                self.same_host(page)?;
                if page.as_str().starts_with(self.url.as_str()) {
                    Ok(MatchReason::StartsWith)
                } else {
                    Err(NoMatch::DifferentPrefix)
                }
            }
            // Handled by `SavedTarget`; a web target is never built with them.
            MatchMode::Regex | MatchMode::Never => Err(NoMatch::NeverMatches),
        }
    }

    fn check_base_domain(&self, page: &PageUrl) -> Result<MatchReason, NoMatch> {
        let saved = self.site.base();
        let on_page = page.site.base();
        let same = match (&self.site, &page.site) {
            (Site::Domain { .. }, Site::Domain { .. }) => saved == on_page,
            // Addresses are equal or not; `10.0.0.1` and `192.168.0.1` share
            // no "base".
            (a, b) => a == b,
        };

        if same {
            Ok(MatchReason::SameBaseDomain { domain: saved })
        } else {
            Err(NoMatch::DifferentSite {
                page: on_page,
                saved,
            })
        }
    }

    fn check_host(&self, page: &PageUrl) -> Result<MatchReason, NoMatch> {
        self.same_host(page)?;

        // No port saved means the scheme's default port, on whichever of
        // http or https the page uses (so an http login still fills after
        // the site moves to https).
        let wanted = self.port.unwrap_or(if page.https { 443 } else { 80 });
        if page.port != wanted {
            return Err(NoMatch::DifferentPort {
                page: page.port,
                saved: wanted,
            });
        }
        Ok(MatchReason::SameHost {
            host: self.site.host(),
        })
    }

    fn same_host(&self, page: &PageUrl) -> Result<(), NoMatch> {
        if self.site == page.site {
            Ok(())
        } else {
            Err(NoMatch::DifferentHost {
                page: page.site.host(),
                saved: self.site.host(),
            })
        }
    }
}

/// Adds `https://` to a saved host name typed without a scheme
/// (`example.com`, `localhost:8080/admin`, `//example.com`).
fn with_scheme(text: &str) -> Cow<'_, str> {
    if text.contains("://") {
        return Cow::Borrowed(text);
    }

    let lower = text.to_ascii_lowercase();
    if OPAQUE_SCHEMES
        .iter()
        .any(|scheme| lower.starts_with(scheme))
    {
        return Cow::Borrowed(text);
    }
    match text.strip_prefix("//") {
        Some(rest) => Cow::Owned(format!("https://{rest}")),
        None => Cow::Owned(format!("https://{text}")),
    }
}

fn compile(pattern: &str) -> Result<Regex, NoMatch> {
    RegexBuilder::new(pattern)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| NoMatch::Unusable {
            reason: format!("the regular expression does not compile ({e})"),
        })
}
