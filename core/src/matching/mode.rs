//! How one saved URL is compared with the page a login form is on.

use serde::{Deserialize, Serialize};

/// The rule a saved URL uses to decide whether it belongs to a page.
///
/// Stored next to every saved URL (inside the encrypted entry), so the names
/// below are part of the vault format: they serialize as lowercase strings
/// (`"base_domain"`, `"host"`, `"exact"`, `"starts_with"`, `"regex"`,
/// `"never"`) and must not be renamed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchMode {
    /// Same registrable domain by the Public Suffix List (private section
    /// included), so `login.example.co.uk` fills on `www.example.co.uk` but
    /// two user sites on one shared host never fill on each other.
    #[default]
    BaseDomain,
    /// Same host name (or IP address) and port, compared whole.
    Host,
    /// Same scheme, host, port, path and query; the fragment is ignored.
    Exact,
    /// The page URL begins with the saved URL (after both are normalized).
    StartsWith,
    /// The saved text is a regular expression searched for in the normalized
    /// page URL (anchor it with `^` and `$` to match the whole URL).
    Regex,
    /// Never offered on any page; the URL is kept for the record only.
    Never,
}

impl MatchMode {
    /// Every mode, in the order a settings menu shows them.
    pub const ALL: [MatchMode; 6] = [
        MatchMode::BaseDomain,
        MatchMode::Host,
        MatchMode::Exact,
        MatchMode::StartsWith,
        MatchMode::Regex,
        MatchMode::Never,
    ];

    /// The stable name used in the vault format and in the user interface.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchMode::BaseDomain => "base_domain",
            MatchMode::Host => "host",
            MatchMode::Exact => "exact",
            MatchMode::StartsWith => "starts_with",
            MatchMode::Regex => "regex",
            MatchMode::Never => "never",
        }
    }
}

impl std::fmt::Display for MatchMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn serializes_as_the_format_names() {
        let expected = [
            "\"base_domain\"",
            "\"host\"",
            "\"exact\"",
            "\"starts_with\"",
            "\"regex\"",
            "\"never\"",
        ];
        for (mode, json) in MatchMode::ALL.iter().zip(expected) {
            assert_eq!(serde_json::to_string(mode).unwrap(), json);
            assert_eq!(serde_json::from_str::<MatchMode>(json).unwrap(), *mode);
            assert_eq!(format!("\"{mode}\""), json);
        }
        assert_eq!(MatchMode::default(), MatchMode::BaseDomain);
        assert!(serde_json::from_str::<MatchMode>("\"BaseDomain\"").is_err());
    }
}
