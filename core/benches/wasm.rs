//! The same vault measurements in wasm32, under node:
//! `cargo bench -p latchkey-core --target wasm32-unknown-unknown --bench wasm`.
//! Figures go into docs/benchmarks.md beside the native ones.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used)] // benches: a failed unwrap is a failed run

use std::hint::black_box;
use std::time::Duration;

use latchkey_core::{Access, KdfParams, Passphrase, Trust};
use wasm_bindgen_test::{Criterion, wasm_bindgen_bench};

mod common;

use common::{NOW, member, rng, vault_of};

#[wasm_bindgen_bench]
fn wasm_vault(c: &mut Criterion) {
    // Opening 100,000 entries takes seconds in wasm: ten samples, not a hundred.
    let mut fewer = std::mem::take(c)
        .with_location(file!(), module_path!())
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    let c = &mut fewer;
    let me = member();
    let pass = Passphrase::new("bench".into());
    let stored = me.reseal(&pass, KdfParams::default(), &mut rng(3)).unwrap();
    c.bench_function("wasm: unlock, Argon2id m=64MiB t=3 p=4", |b| {
        b.iter(|| black_box(stored.unlock(&pass).unwrap()))
    });
    for n in [1_000, 10_000, 100_000] {
        let file = vault_of(&me, n);
        c.bench_function(&format!("wasm: open {n} entries"), |b| {
            b.iter(|| {
                black_box(
                    file.open(&me, &Trust::own(&me), &mut rng(2))
                        .unwrap()
                        .list()
                        .len(),
                )
            })
        });
        if n == 10_000 {
            let mut v = file.open(&me, &Trust::own(&me), &mut rng(2)).unwrap();
            let id = v.list()[n / 2].id.clone();
            c.bench_function("wasm: verify every signature, 10000 entries", |b| {
                b.iter(|| v.verify_signatures().unwrap())
            });
            c.bench_function("wasm: reveal one entry, 10000 entries", |b| {
                b.iter(|| black_box(v.secrets(&id, Access::Reveal, NOW, &mut rng(5)).unwrap()))
            });
        }
    }
}
