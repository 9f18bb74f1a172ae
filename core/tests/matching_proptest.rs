//! Property tests: the matcher never panics on any input, the index finds
//! exactly what the one-by-one rules find, and an https login is never
//! offered on an http page.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use latchkey_core::matching::{MatchMode, PageUrl, SavedUrlIndex, matches};
use proptest::prelude::*;

fn any_mode() -> impl Strategy<Value = MatchMode> {
    prop::sample::select(MatchMode::ALL.to_vec())
}

/// URL-shaped text: mostly plausible, with the characters that trip parsers.
fn url_like() -> impl Strategy<Value = String> {
    let scheme = prop::sample::select(vec![
        "https://",
        "http://",
        "",
        "//",
        "androidapp://",
        "about:",
        "data:",
        "blob:https://",
        "HTTPS://",
        "ftp://",
    ]);
    let host = prop::sample::select(vec![
        "example.com",
        "www.example.com",
        "alice.github.io",
        "github.io",
        "co.uk",
        "sbi.bank.in",
        "localhost",
        "192.168.1.1",
        "[::1]",
        "xn--bcher-kva.example",
        "bücher.example",
        "аpple.com",
        "EXAMPLE.COM.",
        "user@evil.example",
        "",
    ]);
    let port = prop::sample::select(vec!["", ":443", ":8443", ":0", ":99999", ":"]);
    let path = "[a-zA-Z0-9/?#=&%.@:\\\\-]{0,20}";
    (scheme, host, port, path).prop_map(|(s, h, p, rest)| format!("{s}{h}{p}/{rest}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn never_panics_on_any_string(page in "\\PC*", saved in "\\PC*", mode in any_mode()) {
        if let Ok(page) = PageUrl::parse(&page) {
            let _ = matches(&page, &saved, mode);
        }
        let fixed = PageUrl::parse("https://example.com/").unwrap();
        let _ = matches(&fixed, &saved, mode);
    }

    #[test]
    fn never_panics_on_url_like_strings(
        page in url_like(),
        saved in url_like(),
        mode in any_mode(),
    ) {
        if let Ok(page) = PageUrl::parse(&page) {
            let reason = matches(&page, &saved, mode);
            // Displaying a verdict never fails either.
            let _ = match reason {
                Ok(r) => r.to_string(),
                Err(e) => e.to_string(),
            };
        }
    }

    #[test]
    fn index_finds_exactly_what_the_rules_find(
        saved in prop::collection::vec((url_like(), any_mode()), 0..40),
        page in url_like(),
    ) {
        let Ok(page) = PageUrl::parse(&page) else { return Ok(()) };
        let index = SavedUrlIndex::build(
            saved.iter().enumerate().map(|(i, (url, mode))| (i, url.as_str(), *mode)),
        );

        let mut found: Vec<usize> = index.candidates(&page).into_iter().map(|(i, _)| i).collect();
        found.sort_unstable();
        let expected: Vec<usize> = saved
            .iter()
            .enumerate()
            .filter(|(_, (url, mode))| matches(&page, url, *mode).is_ok())
            .map(|(i, _)| i)
            .collect();
        prop_assert_eq!(found, expected);
    }

    #[test]
    fn https_logins_never_fill_http_pages(
        host in "[a-z]{1,8}(\\.[a-z]{1,8}){0,2}",
        path in "[a-z/]{0,10}",
        mode in prop::sample::select(vec![
            MatchMode::BaseDomain, MatchMode::Host, MatchMode::Exact, MatchMode::StartsWith,
        ]),
    ) {
        let page = PageUrl::parse(&format!("http://{host}/{path}")).unwrap();
        let saved = format!("https://{host}/{path}");
        let insecure = matches(&page, &saved, mode).is_err();
        prop_assert!(insecure);
        let schemeless = matches(&page, &host, mode).is_err();
        prop_assert!(schemeless);
    }
}
