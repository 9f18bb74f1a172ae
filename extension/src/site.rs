//! Whether a frame's own URL may receive an entry's credential.
//!
//! The page URL always comes from the browser (the message sender), and the
//! rules lean towards not filling: only http(s) pages, an https entry never
//! fills an http page, and the frame's own origin is compared, never the tab's.
//!
//! Known shortcoming: until `core::matching` (Public Suffix List, match modes)
//! is wired in, a saved URL matches only its exact host and port, so an entry
//! saved for `login.example.com` does not offer itself on `www.example.com`.
//! That costs convenience, never safety.

use url::Url;

/// Why a saved URL does not match a page, for the popup to show.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SiteError {
    #[error("the page is not an http or https page, so nothing is filled there")]
    NotAWebPage,
    #[error("the entry is saved for https but the page is plain http; it is not filled")]
    Downgrade,
    #[error("the page's own origin is not one the entry is saved for")]
    OtherSite,
    #[error("a saved URL of this entry cannot be read: {0}")]
    BadSavedUrl(String),
}

/// Parses a saved URL as typed by a person: a bare host gets `https://`.
pub fn parse_saved(saved: &str) -> Result<Url, SiteError> {
    let trimmed = saved.trim();
    let with_scheme = if trimmed.contains("://") {
        trimmed.to_owned()
    } else {
        format!("https://{trimmed}")
    };
    let url = Url::parse(&with_scheme).map_err(|e| SiteError::BadSavedUrl(e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(SiteError::BadSavedUrl(format!(
            "`{trimmed}` is not a web address"
        )));
    }
    Ok(url)
}

/// Checks one saved URL against the frame's own URL.
pub fn check(page: &Url, saved: &Url) -> Result<(), SiteError> {
    if !matches!(page.scheme(), "http" | "https") {
        return Err(SiteError::NotAWebPage);
    }
    if saved.scheme() == "https" && page.scheme() == "http" {
        return Err(SiteError::Downgrade);
    }

    let same_host = page.host_str() == saved.host_str();
    let same_port = page.port_or_known_default() == saved.port_or_known_default()
        || (saved.port().is_none() && saved.scheme() != page.scheme());
    if same_host && same_port {
        Ok(())
    } else {
        Err(SiteError::OtherSite)
    }
}

/// Checks a page against every saved URL of an entry: one match is enough,
/// and the reported refusal is the most specific one (a downgrade is said as such).
pub fn check_any(page: &Url, saved: &[String]) -> Result<(), SiteError> {
    let mut refusal = SiteError::OtherSite;
    for raw in saved {
        let Ok(url) = parse_saved(raw) else { continue };
        match check(page, &url) {
            Ok(()) => return Ok(()),
            Err(SiteError::OtherSite) => {}
            Err(other) => refusal = other,
        }
    }
    Err(refusal)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn same_origin_matches() {
        let saved = parse_saved("http://127.0.0.1:8080/login").unwrap();
        assert_eq!(
            check(&page("http://127.0.0.1:8080/other?x=1"), &saved),
            Ok(())
        );
    }

    #[test]
    fn other_port_or_host_does_not_match() {
        let saved = parse_saved("http://127.0.0.1:8080/").unwrap();
        assert_eq!(
            check(&page("http://127.0.0.1:8081/"), &saved),
            Err(SiteError::OtherSite)
        );
        assert_eq!(
            check(&page("http://localhost:8080/"), &saved),
            Err(SiteError::OtherSite)
        );
    }

    #[test]
    fn https_entry_never_fills_http() {
        let saved = parse_saved("https://127.0.0.1:8443/").unwrap();
        assert_eq!(
            check(&page("http://127.0.0.1:8443/"), &saved),
            Err(SiteError::Downgrade)
        );
        let bare = parse_saved("bank.test").unwrap();
        assert_eq!(
            check(&page("http://bank.test/"), &bare),
            Err(SiteError::Downgrade)
        );
        assert_eq!(check(&page("https://bank.test/login"), &bare), Ok(()));
    }

    #[test]
    fn http_entry_may_fill_its_https_upgrade() {
        let saved = parse_saved("http://bank.test").unwrap();
        assert_eq!(check(&page("https://bank.test/"), &saved), Ok(()));
    }

    #[test]
    fn non_web_pages_never_match() {
        let saved = parse_saved("https://a.test").unwrap();
        assert_eq!(
            check(&page("file:///etc/passwd"), &saved),
            Err(SiteError::NotAWebPage)
        );
        assert!(parse_saved("javascript:alert(1)").is_err());
        assert!(parse_saved("ftp://a.test").is_err());
    }

    #[test]
    fn any_of_several_urls_and_the_specific_refusal() {
        let saved = vec!["https://a.test".to_owned(), "https://b.test".to_owned()];
        assert_eq!(check_any(&page("https://b.test/x"), &saved), Ok(()));
        assert_eq!(
            check_any(&page("http://b.test/x"), &saved),
            Err(SiteError::Downgrade)
        );
        assert_eq!(
            check_any(&page("https://c.test/"), &saved),
            Err(SiteError::OtherSite)
        );
        assert_eq!(
            check_any(&page("https://c.test/"), &[]),
            Err(SiteError::OtherSite)
        );
    }
}
