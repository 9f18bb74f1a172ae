//! URL matching for autofill: which saved logins belong to the page a form is on.
//!
//! A login offered on the wrong site is the failure users remember, so the
//! rules lean towards not matching:
//! - an https login never fills a plain http page (the reverse is allowed);
//! - base domains come from the Public Suffix List (the `psl` crate), private
//!   section included, so user sites on shared hosting (`alice.github.io`,
//!   `bob.github.io`) are different sites, and a host that is itself a
//!   public suffix is only ever the same site as itself;
//! - IP addresses are compared whole, never by trailing parts;
//! - user info is ignored, so `https://bank.example@evil.example` is
//!   `evil.example`;
//! - anything that is not an http(s) page (`about:`, `data:`, `blob:`,
//!   extension pages) and any saved address that is not a web URL
//!   (`androidapp://`) never matches.
//!
//! Host names are compared after `url`'s IDNA processing (Unicode and
//! punycode spellings are one host; look-alike letters from other scripts are
//! different hosts), lowercased and without a trailing dot.

mod index;
mod mode;
mod page;
mod reason;
mod saved;
mod site;

pub use index::SavedUrlIndex;
pub use mode::MatchMode;
pub use page::{PageUrl, PageUrlError};
pub use reason::{MatchReason, NoMatch};
pub use site::Site;

/// Whether one saved URL, with its mode, matches `page`, and why (or why not).
///
/// For many saved URLs build a [`SavedUrlIndex`] instead: this reads the
/// saved URL (and compiles a regular expression) on every call.
pub fn matches(page: &PageUrl, saved: &str, mode: MatchMode) -> Result<MatchReason, NoMatch> {
    saved::SavedTarget::parse(saved, mode)?.check(page)
}
