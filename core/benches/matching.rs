//! Matching one page URL against 100,000 saved URLs, through the index by
//! registrable domain, natively (criterion) and as wasm under node
//! (wasm-bindgen-test's criterion: `cargo bench --target
//! wasm32-unknown-unknown --bench matching`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

#[cfg(not(target_arch = "wasm32"))]
use criterion::{Criterion, criterion_group, criterion_main};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::{Criterion, wasm_bindgen_bench};

use latchkey_core::matching::{MatchMode, PageUrl, SavedUrlIndex};

const SAVED: usize = 100_000;
const REGEXES: usize = 50;
const SUFFIXES: [&str; 5] = ["com", "co.uk", "de", "github.io", "bank.in"];

/// 100,000 saved URLs: 25,000 sites with four URLs each in four modes, the
/// last 50 replaced by regular expressions (which every page must try).
fn saved_urls() -> Vec<(usize, String, MatchMode)> {
    let mut urls = Vec::with_capacity(SAVED);
    for site in 0..SAVED / 4 {
        let domain = format!("shop{site}.{}", SUFFIXES[site % SUFFIXES.len()]);
        urls.push((site, format!("https://{domain}"), MatchMode::BaseDomain));
        urls.push((site, format!("https://login.{domain}"), MatchMode::Host));
        urls.push((site, format!("https://{domain}/signin"), MatchMode::Exact));
        urls.push((site, format!("https://{domain}/app"), MatchMode::StartsWith));
    }
    urls.truncate(SAVED - REGEXES);
    for n in 0..REGEXES {
        urls.push((
            SAVED + n,
            format!(r"^https://([a-z]+\.)?portal{n}\.example\.(com|net)/"),
            MatchMode::Regex,
        ));
    }
    urls
}

fn bench_matching(c: &mut Criterion) {
    let urls = saved_urls();
    let index = SavedUrlIndex::build(urls.iter().map(|(k, u, m)| (*k, u.as_str(), *m)));
    let page_text = "https://login.shop12345.com/signin?next=%2Fhome";
    let page = PageUrl::parse(page_text).unwrap();
    assert_eq!(index.candidates(&page).len(), 1, "the page finds its site");

    c.bench_function("match 1 page against 100k saved (index lookup)", |b| {
        b.iter(|| black_box(index.candidates(black_box(&page))))
    });
    c.bench_function(
        "match 1 page against 100k saved (parse page + lookup)",
        |b| {
            b.iter(|| {
                let page = PageUrl::parse(black_box(page_text)).unwrap();
                black_box(index.candidates(&page))
            })
        },
    );

    let miss = PageUrl::parse("https://nowhere.example.org/").unwrap();
    c.bench_function("match 1 unknown page against 100k saved", |b| {
        b.iter(|| black_box(index.candidates(black_box(&miss))))
    });
}

fn bench_build(c: &mut Criterion) {
    let urls = saved_urls();
    c.bench_function("build index of 100k saved URLs", |b| {
        b.iter(|| {
            SavedUrlIndex::build(
                black_box(&urls)
                    .iter()
                    .map(|(k, u, m)| (*k, u.as_str(), *m)),
            )
        })
    });
}

#[cfg(not(target_arch = "wasm32"))]
criterion_group!(benches, bench_matching);
#[cfg(not(target_arch = "wasm32"))]
criterion_group! {
    name = build;
    config = Criterion::default().sample_size(10);
    targets = bench_build
}
#[cfg(not(target_arch = "wasm32"))]
criterion_main!(benches, build);

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen_bench]
fn matching_wasm(c: &mut Criterion) {
    bench_matching(c);
    let mut few_samples = std::mem::take(c).sample_size(10);
    bench_build(&mut few_samples);
}

#[cfg(target_arch = "wasm32")]
fn main() {}
