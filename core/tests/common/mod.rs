//! Shared fixtures: a few members generated once per test binary from fixed
//! seeds (RSA key generation is slow), at the cheapest KDF latchkey accepts.
#![allow(dead_code)]

use std::sync::OnceLock;

use latchkey_core::{
    EntryDraft, EntryId, KdfParams, Member, Passphrase, Role, SavedUrl, Secret, Trust,
    UnlockedMember, VaultFile, matching::MatchMode,
};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use serde_json::Value;

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

static KEYS: OnceLock<[UnlockedMember; 4]> = OnceLock::new();

/// Alice (admin), Bob (editor), Carol (viewer), Mallory (outsider), unlocked once.
pub fn keys() -> &'static [UnlockedMember; 4] {
    KEYS.get_or_init(|| {
        [
            unlock(alice()),
            unlock(bob()),
            unlock(carol()),
            unlock(mallory()),
        ]
    })
}

/// A vault made by Alice with Bob as editor, Carol as viewer, and two
/// entries, "Mail" (edited once) and "Bank".
pub struct Scene {
    pub file: VaultFile,
    pub mail: EntryId,
    pub bank: EntryId,
}

pub fn scene(seed: u64) -> Scene {
    let [a, b, c, _] = keys();
    let mut r = rng(seed);
    let file = VaultFile::create(a, "Team", NOW, &mut r).expect("create");
    let mut v = file.open(a, &Trust::own(a), &mut r).expect("open");
    v.grant(
        b.card(),
        &b.card().fingerprint(),
        Role::Editor,
        NOW + 1,
        &mut r,
    )
    .expect("grant bob");
    v.grant(
        c.card(),
        &c.card().fingerprint(),
        Role::Viewer,
        NOW + 2,
        &mut r,
    )
    .expect("grant carol");
    let mail = v
        .add(
            draft("Mail", "ops", "pw-mail-1", "https://mail.example.com"),
            NOW + 3,
            &mut r,
        )
        .expect("add");
    let bank = v
        .add(
            draft("Bank", "acct", "pw-bank", "https://bank.example.org"),
            NOW + 4,
            &mut r,
        )
        .expect("add");
    v.edit(
        &mail,
        draft("Mail", "ops", "pw-mail-2", "https://mail.example.com"),
        NOW + 5,
        &mut r,
    )
    .expect("edit");
    Scene {
        file: v.file().clone(),
        mail,
        bank,
    }
}

/// How Bob trusts the vault: his own key and Alice's confirmed fingerprint.
pub fn bob_trust() -> Trust {
    let [a, b, _, _] = keys();
    Trust::own(b).with_admin(a.card().fingerprint())
}

/// Edits the stored JSON the way a hostile store would, then parses it back.
pub fn tamper(file: &VaultFile, edit: impl FnOnce(&mut Value)) -> VaultFile {
    let mut value: Value = serde_json::from_str(&file.to_json()).expect("json");
    edit(&mut value);
    VaultFile::from_json(&value.to_string()).expect("tampered file still parses")
}

/// Flips one bit of a base64 field.
pub fn flip_b64(field: &mut Value, byte: usize) {
    let mut bytes = b64_decode(field.as_str().expect("string"));
    let at = byte % bytes.len();
    bytes[at] ^= 0x01;
    *field = Value::String(b64_encode(&bytes));
}

pub fn b64_decode(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .expect("base64")
}

pub fn b64_encode(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Index of the versions of `entry`, oldest first.
pub fn versions_of(value: &Value, entry: &EntryId) -> Vec<usize> {
    let mut found: Vec<(u64, usize)> = value["versions"]
        .as_array()
        .expect("versions")
        .iter()
        .enumerate()
        .filter(|(_, v)| v["entry"] == entry.as_str())
        .map(|(i, v)| (v["version"].as_u64().expect("number"), i))
        .collect();
    found.sort();
    found.into_iter().map(|(_, i)| i).collect()
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
        notes: Secret::from(format!("notes for {title}").as_str()),
        fields: Vec::new(),
        folder: String::new(),
    }
}

pub fn own(me: &UnlockedMember) -> Trust {
    Trust::own(me)
}
