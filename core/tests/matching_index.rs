//! The index: one key per matching entry with its most specific reason, in
//! a stable order, unusable URLs kept aside with a reason, and the "why not"
//! view covering every URL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use latchkey_core::matching::{MatchMode, MatchReason, NoMatch, PageUrl, SavedUrlIndex};

fn page(url: &str) -> PageUrl {
    PageUrl::parse(url).unwrap()
}

#[test]
fn most_specific_first_and_each_key_once() {
    let index = SavedUrlIndex::build([
        ("site-wide", "example.com", MatchMode::BaseDomain),
        (
            "login-page",
            "https://accounts.example.com/login",
            MatchMode::Exact,
        ),
        ("login-page", "example.com", MatchMode::BaseDomain),
        (
            "app",
            "https://accounts.example.com/",
            MatchMode::StartsWith,
        ),
        ("host", "https://accounts.example.com", MatchMode::Host),
        ("elsewhere", "https://example.org", MatchMode::BaseDomain),
        (
            "never",
            "https://accounts.example.com/login",
            MatchMode::Never,
        ),
    ]);

    let found = index.candidates(&page("https://accounts.example.com/login"));
    assert_eq!(
        found,
        vec![
            ("login-page", MatchReason::ExactUrl),
            ("app", MatchReason::StartsWith),
            (
                "host",
                MatchReason::SameHost {
                    host: "accounts.example.com".into()
                }
            ),
            (
                "site-wide",
                MatchReason::SameBaseDomain {
                    domain: "example.com".into()
                }
            ),
        ]
    );
}

#[test]
fn regex_urls_are_tried_on_every_page() {
    let index = SavedUrlIndex::build([
        (
            1,
            r"https://[a-z]+\.example\.(com|net)/.*",
            MatchMode::Regex,
        ),
        (2, "example.com", MatchMode::BaseDomain),
    ]);

    let on_net = index.candidates(&page("https://shop.example.net/"));
    assert_eq!(on_net, vec![(1, MatchReason::RegexMatched)]);

    let on_com = index.candidates(&page("https://shop.example.com/"));
    assert_eq!(on_com.len(), 2);
    assert!(index.candidates(&page("https://example.org/")).is_empty());
}

#[test]
fn unusable_urls_are_kept_with_their_reason() {
    let index = SavedUrlIndex::build([
        ("app", "androidapp://com.example", MatchMode::BaseDomain),
        ("broken", "(", MatchMode::Regex),
        ("ok", "example.com", MatchMode::BaseDomain),
    ]);

    assert_eq!(index.len(), 1);
    let unusable = index.unusable();
    assert_eq!(unusable.len(), 2);
    assert!(matches!(
        unusable[0],
        ("app", NoMatch::NotAWebAddress { .. })
    ));
    assert!(matches!(unusable[1], ("broken", NoMatch::Unusable { .. })));

    let why = index.explain(&page("https://example.com/"));
    assert_eq!(why.len(), 3);
    assert!(why.iter().any(|(k, v)| *k == "ok" && v.is_ok()));
    assert!(why.iter().any(|(k, v)| *k == "app" && v.is_err()));
}

#[test]
fn explain_says_why_each_url_is_not_offered() {
    let index = SavedUrlIndex::build([
        ("a", "https://alice.github.io", MatchMode::BaseDomain),
        ("b", "https://bob.github.io", MatchMode::Host),
    ]);
    let why = index.explain(&page("http://bob.github.io/"));

    assert_eq!(
        why,
        vec![
            ("a", Err(NoMatch::InsecurePage)),
            ("b", Err(NoMatch::InsecurePage)),
        ]
    );

    let why = index.explain(&page("https://bob.github.io/"));
    assert_eq!(
        why[0],
        (
            "a",
            Err(NoMatch::DifferentSite {
                page: "bob.github.io".into(),
                saved: "alice.github.io".into()
            })
        )
    );
}

#[test]
fn an_empty_index_finds_nothing() {
    let index: SavedUrlIndex<u32> = SavedUrlIndex::build(Vec::<(u32, String, MatchMode)>::new());
    assert!(index.is_empty());
    assert!(index.candidates(&page("https://example.com/")).is_empty());
}
