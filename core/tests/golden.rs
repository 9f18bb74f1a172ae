//! Golden vectors of latchkey's own format, generated once from fixed seeds
//! and frozen under tests/vectors. A change that alters these bytes changes
//! the format, and must change FORMAT_VERSION.
//!
//! To regenerate after a deliberate format change:
//! `LATCHKEY_WRITE_GOLDEN=1 cargo test -p latchkey-core --test golden`.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use latchkey_core::{Access, Member, Passphrase, Trust, VaultFile, matching::MatchMode};
#[cfg(not(target_arch = "wasm32"))]
use latchkey_core::{EntryDraft, KdfParams, Role, SavedUrl, Secret};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;

const ALICE: &str = include_str!("vectors/golden-member-alice.json");
const BOB: &str = include_str!("vectors/golden-member-bob.json");
const VAULT: &str = include_str!("vectors/golden-vault.json");
const T0: u64 = 1_767_225_600; // 2026-01-01T00:00:00Z

fn pass(who: &str) -> Passphrase {
    Passphrase::new(format!("golden passphrase of {who}"))
}

#[cfg(not(target_arch = "wasm32"))]
fn generate() -> (String, String, String) {
    let mut r = ChaCha20Rng::from_seed([7; 32]);
    let alice = Member::create(
        "alice",
        "Alice",
        &pass("alice"),
        KdfParams::minimum(),
        2048,
        &mut r,
    )
    .unwrap();
    let bob = Member::create(
        "bob",
        "Bob",
        &pass("bob"),
        KdfParams::minimum(),
        2048,
        &mut r,
    )
    .unwrap();
    let (a, b) = (
        alice.unlock(&pass("alice")).unwrap(),
        bob.unlock(&pass("bob")).unwrap(),
    );

    let file = VaultFile::create(&a, "Golden", T0, &mut r).unwrap();
    let mut v = file.open(&a, &Trust::own(&a), &mut r).unwrap();
    v.grant(
        b.card(),
        &b.card().fingerprint(),
        Role::Editor,
        T0 + 1,
        &mut r,
    )
    .unwrap();
    let draft = EntryDraft {
        title: "Router".into(),
        username: "admin".into(),
        password: Secret::from("hunter2"),
        urls: vec![SavedUrl {
            url: "https://192.168.0.1/".into(),
            mode: MatchMode::Host,
        }],
        totp: Some(Secret::from("otpauth://totp/R?secret=GEZDGNBVGY3TQOJQ")),
        notes: Secret::from("rack 3"),
        fields: vec![],
        folder: "Office".into(),
    };
    let id = v.add(draft.clone(), T0 + 2, &mut r).unwrap();
    let edited = EntryDraft {
        password: Secret::from("correct horse"),
        ..draft
    };
    v.edit(&id, edited, T0 + 3, &mut r).unwrap();
    v.secrets(&id, Access::Reveal, T0 + 4, &mut r).unwrap();
    v.revoke("bob", T0 + 5, &mut r).unwrap();
    (alice.to_json(), bob.to_json(), v.file().to_json())
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn frozen_files_still_open_with_the_known_contents() {
    let alice = Member::from_json(ALICE)
        .unwrap()
        .unlock(&pass("alice"))
        .unwrap();
    let file = VaultFile::from_json(VAULT).unwrap();
    let mut r = ChaCha20Rng::from_seed([8; 32]);
    let mut v = file.open(&alice, &Trust::own(&alice), &mut r).unwrap();
    assert_eq!(v.name(), "Golden");

    let list = v.list();
    assert_eq!(list.len(), 1);
    assert_eq!(
        (list[0].title.as_str(), list[0].username.as_str()),
        ("Router", "admin")
    );
    assert_eq!(list[0].folder, "Office");
    assert_eq!(list[0].urls[0].mode, MatchMode::Host);
    let secrets = v
        .secrets(&list[0].id, Access::Copy, T0 + 10, &mut r)
        .unwrap();
    assert_eq!(secrets.password.expose(), "correct horse");
    assert_eq!(secrets.notes.expose(), "rack 3");
    let history = v.history(&list[0].id).unwrap();
    assert_eq!(history.len(), 2);

    // Bob was removed at the end; his frozen member file no longer opens it.
    let bob = Member::from_json(BOB)
        .unwrap()
        .unlock(&pass("bob"))
        .unwrap();
    let trust = Trust::own(&bob).with_admin(alice.card().fingerprint());
    assert!(file.open(&bob, &trust, &mut r).is_err());
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn the_format_is_frozen() {
    let (alice, bob, vault) = generate();
    if std::env::var_os("LATCHKEY_WRITE_GOLDEN").is_some() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
        std::fs::write(dir.join("golden-member-alice.json"), &alice).unwrap();
        std::fs::write(dir.join("golden-member-bob.json"), &bob).unwrap();
        std::fs::write(dir.join("golden-vault.json"), &vault).unwrap();
        return;
    }
    assert_eq!(alice, ALICE, "member format changed: bump FORMAT_VERSION");
    assert_eq!(bob, BOB, "member format changed: bump FORMAT_VERSION");
    assert_eq!(vault, VAULT, "vault format changed: bump FORMAT_VERSION");
}
