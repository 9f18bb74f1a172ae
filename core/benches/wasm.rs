//! The same vault measurements in wasm32, under node:
//! `cargo bench -p latchkey-core --target wasm32-unknown-unknown --bench wasm`.
//! Figures go into docs/benchmarks.md beside the native ones.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used)] // benches: a failed unwrap is a failed run

use std::hint::black_box;
use std::time::Duration;

use latchkey_core::{
    Access, EntryDraft, KdfParams, Member, Passphrase, SavedUrl, Secret, Trust, UnlockedMember,
    VaultFile, matching::MatchMode,
};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use wasm_bindgen_test::{Criterion, wasm_bindgen_bench};

const NOW: u64 = 1_780_000_000;

fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

fn draft(i: usize) -> EntryDraft {
    EntryDraft {
        title: format!("Client {i} admin portal"),
        username: format!("admin{i}@example.com"),
        password: Secret::from(format!("pw-{i}-xK9!qL2#").as_str()),
        urls: vec![SavedUrl {
            url: format!("https://portal{i}.example.com/login"),
            mode: MatchMode::BaseDomain,
        }],
        totp: None,
        notes: Secret::from("a line of notes"),
        fields: Vec::new(),
        folder: format!("Client {}", i % 50),
    }
}

fn member() -> UnlockedMember {
    let pass = Passphrase::new("bench".into());
    let stored = Member::create(
        "bench",
        "Bench",
        &pass,
        KdfParams::minimum(),
        2048,
        &mut rng(1),
    )
    .unwrap();
    stored.unlock(&pass).unwrap()
}

fn vault_of(me: &UnlockedMember, n: usize) -> VaultFile {
    let mut r = rng(n as u64);
    let file = VaultFile::create(me, "Bench", NOW, &mut r).unwrap();
    let mut v = file.open(me, &Trust::own(me), &mut r).unwrap();
    v.import((0..n).map(draft).collect(), NOW, &mut r).unwrap();
    v.file().clone()
}

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
