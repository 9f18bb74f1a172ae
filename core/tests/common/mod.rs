//! Shared fixtures: a few members generated once per test binary from fixed
//! seeds (RSA key generation is slow), at the cheapest KDF latchkey accepts.
#![allow(dead_code)]

use std::sync::OnceLock;

use latchkey_core::{
    EntryDraft, KdfParams, Member, Passphrase, SavedUrl, Secret, Trust, UnlockedMember,
    matching::MatchMode,
};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;

pub const NOW: u64 = 1_780_000_000;

pub fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

pub struct Fixture {
    pub stored: Member,
    pub pass: Passphrase,
}

fn make(id: &str, name: &str, seed: u64) -> Fixture {
    let pass = Passphrase::new(format!("correct horse battery staple {id}"));
    let stored = Member::create(id, name, &pass, KdfParams::minimum(), 2048, &mut rng(seed))
        .expect("member is created");
    Fixture { stored, pass }
}

static ALICE: OnceLock<Fixture> = OnceLock::new();
static BOB: OnceLock<Fixture> = OnceLock::new();
static CAROL: OnceLock<Fixture> = OnceLock::new();
static MALLORY: OnceLock<Fixture> = OnceLock::new();

pub fn alice() -> &'static Fixture {
    ALICE.get_or_init(|| make("alice", "Alice Admin", 1))
}
pub fn bob() -> &'static Fixture {
    BOB.get_or_init(|| make("bob", "Bob Editor", 2))
}
pub fn carol() -> &'static Fixture {
    CAROL.get_or_init(|| make("carol", "Carol Viewer", 3))
}
pub fn mallory() -> &'static Fixture {
    MALLORY.get_or_init(|| make("mallory", "Mallory", 4))
}

pub fn unlock(f: &Fixture) -> UnlockedMember {
    f.stored.unlock(&f.pass).expect("fixture unlocks")
}

pub fn draft(title: &str, user: &str, password: &str, url: &str) -> EntryDraft {
    EntryDraft {
        title: title.to_owned(),
        username: user.to_owned(),
        password: Secret::from(password),
        urls: vec![SavedUrl {
            url: url.to_owned(),
            mode: MatchMode::BaseDomain,
        }],
        totp: None,
        notes: Secret::from("notes for ".to_owned().as_str()),
        fields: Vec::new(),
        folder: String::new(),
    }
}

pub fn own(me: &UnlockedMember) -> Trust {
    Trust::own(me)
}
