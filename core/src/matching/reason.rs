//! Why a saved URL matches a page, or why it does not.
//!
//! Both are shown to people ("why is my login not suggested here?"), so each
//! says what was compared in words, and a refusal says what to change.

use std::fmt;

use thiserror::Error;

use super::mode::MatchMode;

/// Why a saved URL was offered for a page.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum MatchReason {
    /// Same registrable domain (mode `base_domain`).
    SameBaseDomain { domain: String },
    /// Same host and port (mode `host`).
    SameHost { host: String },
    /// The page is the saved URL (mode `exact`).
    ExactUrl,
    /// The page URL begins with the saved URL (mode `starts_with`).
    StartsWith,
    /// The saved regular expression matched the page URL (mode `regex`).
    RegexMatched,
}

impl MatchReason {
    /// How specific the match is, most specific first; used to order
    /// suggestions so an exact login page comes before a whole-site login.
    pub fn rank(&self) -> u8 {
        match self {
            MatchReason::ExactUrl => 0,
            MatchReason::StartsWith => 1,
            MatchReason::RegexMatched => 2,
            MatchReason::SameHost { .. } => 3,
            MatchReason::SameBaseDomain { .. } => 4,
        }
    }

    /// The mode that produced this reason.
    pub fn mode(&self) -> MatchMode {
        match self {
            MatchReason::SameBaseDomain { .. } => MatchMode::BaseDomain,
            MatchReason::SameHost { .. } => MatchMode::Host,
            MatchReason::ExactUrl => MatchMode::Exact,
            MatchReason::StartsWith => MatchMode::StartsWith,
            MatchReason::RegexMatched => MatchMode::Regex,
        }
    }
}

impl fmt::Display for MatchReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MatchReason::SameBaseDomain { domain } => {
                write!(f, "the page and the saved URL are both on {domain}")
            }
            MatchReason::SameHost { host } => write!(f, "the page is on the saved host {host}"),
            MatchReason::ExactUrl => f.write_str("the page is exactly the saved URL"),
            MatchReason::StartsWith => f.write_str("the page URL starts with the saved URL"),
            MatchReason::RegexMatched => {
                f.write_str("the page URL matches the saved regular expression")
            }
        }
    }
}

/// Why a saved URL was not offered for a page.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum NoMatch {
    /// The URL's mode is `never`.
    #[error("this saved URL is set to never match; choose another match mode to use it")]
    NeverMatches,

    /// The login was saved for https and the page is plain http.
    #[error(
        "the login was saved for an https site and this page is plain http; \
         save the URL with http:// if this site really has no https"
    )]
    InsecurePage,

    /// Different registrable domains (mode `base_domain`).
    #[error("the page is on {page} but the login is for {saved}")]
    DifferentSite { page: String, saved: String },

    /// Different hosts (mode `host`, `exact`, `starts_with`).
    #[error("the page's host is {page} but the login is for the host {saved}")]
    DifferentHost { page: String, saved: String },

    /// Same host, different port (mode `host`).
    #[error("the page is on port {page} but the login is for port {saved}")]
    DifferentPort { page: u16, saved: u16 },

    /// Same host, different URL (mode `exact`).
    #[error("the page is not exactly the saved URL (mode exact); try starts_with or host")]
    DifferentUrl,

    /// The page URL does not begin with the saved URL (mode `starts_with`).
    #[error("the page URL does not start with the saved URL")]
    DifferentPrefix,

    /// The regular expression did not match the page URL (mode `regex`).
    #[error("the page URL does not match the saved regular expression")]
    RegexDidNotMatch,

    /// The saved address is an app or other non-web address.
    #[error("the saved address is a `{scheme}:` address, not a web page, and never matches one")]
    NotAWebAddress { scheme: String },

    /// The saved text cannot be used with its mode.
    #[error("the saved URL cannot be used: {reason}")]
    Unusable { reason: String },
}
