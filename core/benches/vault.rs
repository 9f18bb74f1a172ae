//! Criterion benchmarks of the vault core (native). Figures are written
//! into docs/benchmarks.md under "Vault core".
//!
//! Set LATCHKEY_BENCH_BIG=1 to include the 100,000-entry open (it takes
//! a while to build).
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

#[cfg(not(target_arch = "wasm32"))]
mod common;

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use super::common::{NOW, draft, member, rng, vault_of};
    use std::hint::black_box;

    use criterion::{BatchSize, Criterion};
    use latchkey_core::{
        Access, KdfParams, Member, OpenVault, Passphrase, Trust, UnlockedMember, VaultFile,
    };

    fn open(file: &VaultFile, me: &UnlockedMember) -> OpenVault {
        file.open(me, &Trust::own(me), &mut rng(2)).unwrap()
    }

    pub fn benches(c: &mut Criterion) {
        let me = member();

        let mut slow = c.benchmark_group("keys");
        slow.sample_size(10);
        let pass = Passphrase::new("bench".into());
        let stored = me.reseal(&pass, KdfParams::default(), &mut rng(3)).unwrap();
        slow.bench_function("unlock, Argon2id m=64MiB t=3 p=4", |b| {
            b.iter(|| black_box(stored.unlock(&pass).unwrap()))
        });
        slow.bench_function("member create, RSA-2048 keygen + Argon2id minimum", |b| {
            let mut r = rng(4);
            b.iter(|| {
                black_box(
                    Member::create("m", "M", &pass, KdfParams::minimum(), 2048, &mut r).unwrap(),
                )
            })
        });
        slow.finish();

        let empty = vault_of(&me, 0);
        c.bench_function("open empty vault (one RSA-OAEP unwrap, head checks)", |b| {
            b.iter(|| black_box(open(&empty, &me)))
        });

        // `cargo test --all-targets` runs this once without `--bench`, as a
        // smoke test: keep that run small.
        let measuring = std::env::args().any(|a| a == "--bench");
        let mut sizes = if measuring {
            vec![1_000, 10_000]
        } else {
            vec![100]
        };
        if measuring && std::env::var_os("LATCHKEY_BENCH_BIG").is_some() {
            sizes.push(100_000);
        }
        let mut group = c.benchmark_group("open");
        group.sample_size(10);
        for n in sizes {
            let file = vault_of(&me, n);
            group.bench_function(format!("{n} entries"), |b| {
                b.iter(|| black_box(open(&file, &me).list().len()))
            });
            group.bench_function(format!("{n} entries, from JSON"), |b| {
                let json = file.to_json();
                b.iter(|| black_box(open(&VaultFile::from_json(&json).unwrap(), &me)))
            });
            if n == 10_000 || !measuring {
                let v = open(&file, &me);
                let id = v.list()[n / 2].id.clone();
                group.bench_function(
                    format!("verify every Ed25519 signature, {n} entries"),
                    |b| b.iter(|| v.verify_signatures().unwrap()),
                );
                group.bench_function(format!("search, {n} entries"), |b| {
                    b.iter(|| black_box(v.search("portal77").len()))
                });
                group.bench_function(format!("reveal one entry's secrets, {n} entries"), |b| {
                    b.iter_batched(
                        || open(&file, &me),
                        |mut v| {
                            black_box(v.secrets(&id, Access::Reveal, NOW, &mut rng(5)).unwrap())
                        },
                        BatchSize::LargeInput,
                    )
                });
                group.bench_function(format!("append a version (edit), {n} entries"), |b| {
                    b.iter_batched(
                        || open(&file, &me),
                        |mut v| v.edit(&id, draft(1), NOW, &mut rng(6)).unwrap(),
                        BatchSize::LargeInput,
                    )
                });
            }
        }
        group.finish();
    }
}

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_group!(benches, native::benches);
#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(benches);

#[cfg(target_arch = "wasm32")]
fn main() {}
