//! The matching table: page URL × saved URL × mode → match or not, with the
//! reason, from `vectors/matching_table.tsv`. Every row is checked twice:
//! with [`matches`] for one URL and through a [`SavedUrlIndex`], so the
//! index never finds less or more than the rules allow.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use latchkey_core::matching::{
    MatchMode, MatchReason, NoMatch, PageUrl, PageUrlError, SavedUrlIndex, matches,
};

struct Row<'a> {
    line: usize,
    expect: &'a str,
    mode: MatchMode,
    page: &'a str,
    saved: &'a str,
    why: &'a str,
}

fn rows() -> Vec<Row<'static>> {
    let text = include_str!("vectors/matching_table.tsv");
    let mut rows = Vec::new();
    for (number, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let cells: Vec<&str> = line.split('\t').collect();
        assert_eq!(cells.len(), 5, "line {}: {line:?}", number + 1);
        let mode: MatchMode = serde_json::from_str(&format!("\"{}\"", cells[1]))
            .unwrap_or_else(|_| panic!("line {}: unknown mode {}", number + 1, cells[1]));
        rows.push(Row {
            line: number + 1,
            expect: cells[0],
            mode,
            page: cells[2],
            saved: cells[3],
            why: cells[4],
        });
    }
    rows
}

fn variant(debug: String) -> String {
    debug
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap()
        .to_owned()
}

fn verdict(result: &Result<MatchReason, NoMatch>) -> String {
    match result {
        Ok(reason) => format!("yes:{}", variant(format!("{reason:?}"))),
        Err(why) => format!("no:{}", variant(format!("{why:?}"))),
    }
}

#[test]
fn every_row_of_the_table() {
    let rows = rows();
    assert!(rows.len() > 80, "the table is all there");

    let mut failures = Vec::new();
    for row in &rows {
        let page = PageUrl::parse(row.page)
            .unwrap_or_else(|e| panic!("line {}: page {} refused: {e}", row.line, row.page));
        let result = matches(&page, row.saved, row.mode);
        let got = verdict(&result);
        if got != row.expect {
            failures.push(format!(
                "line {} ({}): {} vs saved {:?} [{}]: expected {}, got {got}",
                row.line, row.why, row.page, row.saved, row.mode, row.expect
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn the_index_agrees_with_the_rules_row_by_row() {
    let rows = rows();
    let index = SavedUrlIndex::build(rows.iter().map(|r| (r.line, r.saved, r.mode)));

    for row in &rows {
        let page = PageUrl::parse(row.page).unwrap();
        let found: Vec<usize> = index
            .candidates(&page)
            .into_iter()
            .map(|(line, _)| line)
            .collect();
        let expected = row.expect.starts_with("yes:");
        assert_eq!(
            found.contains(&row.line),
            expected,
            "line {} ({}): index disagrees",
            row.line,
            row.why
        );

        // Whatever else the index finds for this page must match by the rules too.
        for other in rows.iter().filter(|o| found.contains(&o.line)) {
            assert!(
                matches(&page, other.saved, other.mode).is_ok(),
                "line {} offered on {}",
                other.line,
                row.page
            );
        }
    }
}

#[test]
fn pages_that_are_not_web_pages_are_refused() {
    let text = include_str!("vectors/matching_pages_refused.txt");
    let mut count = 0;
    for page in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        match PageUrl::parse(page) {
            Err(PageUrlError::NotAWebPage { .. }) => count += 1,
            other => panic!("{page}: expected NotAWebPage, got {other:?}"),
        }
    }
    assert!(count >= 10);

    assert!(matches!(
        PageUrl::parse("not a url"),
        Err(PageUrlError::NotAUrl { .. })
    ));
    assert!(matches!(
        PageUrl::parse(""),
        Err(PageUrlError::NotAUrl { .. })
    ));
}

#[test]
fn reasons_read_as_sentences() {
    let page = PageUrl::parse("https://bob.github.io/").unwrap();
    let why = matches(&page, "https://alice.github.io/", MatchMode::BaseDomain).unwrap_err();
    assert_eq!(
        why.to_string(),
        "the page is on bob.github.io but the login is for alice.github.io"
    );

    let page = PageUrl::parse("https://www.example.co.uk/").unwrap();
    let reason = matches(&page, "example.co.uk", MatchMode::BaseDomain).unwrap();
    assert_eq!(
        reason.to_string(),
        "the page and the saved URL are both on example.co.uk"
    );

    let page = PageUrl::parse("http://example.com/").unwrap();
    let why = matches(&page, "https://example.com", MatchMode::Host).unwrap_err();
    assert!(
        why.to_string().contains("save the URL with http://"),
        "{why}"
    );
}

#[test]
fn the_public_suffix_list_knows_2025_additions() {
    // If this fails, the psl crate in Cargo.lock predates these additions:
    // see "Public Suffix List" in docs/FORMAT.md for how to update it.
    let added_2025 = [
        ("alice.hackclub.app", "alice.hackclub.app"),
        ("www.sbi.bank.in", "sbi.bank.in"),
        ("app.lender.fin.in", "lender.fin.in"),
    ];
    for (host, registrable) in added_2025 {
        let page = PageUrl::parse(&format!("https://{host}/")).unwrap();
        match page.site() {
            latchkey_core::matching::Site::Domain {
                registrable: Some(found),
                ..
            } => assert_eq!(found, registrable, "{host}"),
            other => panic!("{host}: {other:?}"),
        }
    }
}
