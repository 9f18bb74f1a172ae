//! TOTP codes for 1,000 entries, natively (criterion) and as wasm under node
//! (`cargo bench --target wasm32-unknown-unknown --bench totp`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

#[cfg(not(target_arch = "wasm32"))]
use criterion::{Criterion, criterion_group, criterion_main};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::{Criterion, wasm_bindgen_bench};

use latchkey_core::totp::OtpUri;

const ENTRIES: usize = 1_000;
const NOW: u64 = 1_767_225_600;

/// 1,000 setup URIs as they would come out of entries: mostly SHA-1 with
/// 160-bit secrets, some SHA-256/SHA-512, 8 digits, 60-second periods and
/// Steam Guard, pasted in lowercase with spaces.
fn uris() -> Vec<String> {
    const SECRETS: [&str; 4] = [
        "jbsw y3dp ehpk 3pxp jbsw y3dp ehpk 3pxp",
        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
        "AEBAGBAFAYDQQCIKBMGA2DQPCAIREEYU",
        "JBSWY3DPEHPK3PXP",
    ];
    (0..ENTRIES)
        .map(|n| {
            let secret = SECRETS[n % SECRETS.len()];
            match n % 10 {
                0 => format!("otpauth://totp/Svc{n}:user{n}?secret={secret}&algorithm=SHA256"),
                1 => format!("otpauth://totp/Svc{n}:user{n}?secret={secret}&algorithm=SHA512"),
                2 => format!("otpauth://totp/Svc{n}:user{n}?secret={secret}&digits=8&period=60"),
                3 => format!("otpauth://totp/Steam:user{n}?secret={secret}&issuer=Steam"),
                _ => format!("otpauth://totp/Svc{n}:user{n}?secret={secret}&issuer=Svc{n}"),
            }
        })
        .collect()
}

fn bench_totp(c: &mut Criterion) {
    let texts = uris();
    let parsed: Vec<OtpUri> = texts.iter().map(|t| OtpUri::parse(t).unwrap()).collect();

    c.bench_function("TOTP codes for 1,000 parsed entries", |b| {
        b.iter(|| {
            for uri in &parsed {
                black_box(uri.code_at(black_box(NOW)).unwrap());
            }
        })
    });
    c.bench_function("parse 1,000 otpauth URIs", |b| {
        b.iter(|| {
            for text in &texts {
                black_box(OtpUri::parse(black_box(text)).unwrap());
            }
        })
    });
    c.bench_function("parse and code 1,000 entries", |b| {
        b.iter(|| {
            for text in &texts {
                let uri = OtpUri::parse(black_box(text)).unwrap();
                black_box(uri.code_at(NOW).unwrap());
            }
        })
    });
}

#[cfg(not(target_arch = "wasm32"))]
criterion_group!(benches, bench_totp);
#[cfg(not(target_arch = "wasm32"))]
criterion_main!(benches);

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen_bench]
fn totp_wasm(c: &mut Criterion) {
    bench_totp(c);
}

#[cfg(target_arch = "wasm32")]
fn main() {}
