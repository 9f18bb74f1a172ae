//! The vault the native and the wasm benchmarks both measure: one bench
//! member and `n` entries imported with fixed seeds.
#![allow(clippy::unwrap_used)] // benches: a failed unwrap is a failed run

use latchkey_core::{
    EntryDraft, KdfParams, Member, Passphrase, SavedUrl, Secret, Trust, UnlockedMember, VaultFile,
    matching::MatchMode,
};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;

pub const NOW: u64 = 1_780_000_000;

pub fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

pub fn draft(i: usize) -> EntryDraft {
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

pub fn member() -> UnlockedMember {
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

pub fn vault_of(me: &UnlockedMember, n: usize) -> VaultFile {
    let mut r = rng(n as u64);
    let file = VaultFile::create(me, "Bench", NOW, &mut r).unwrap();
    let mut v = file.open(me, &Trust::own(me), &mut r).unwrap();
    v.import((0..n).map(draft).collect(), NOW, &mut r).unwrap();
    v.file().clone()
}
