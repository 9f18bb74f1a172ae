//! A reader that remembers the head it saw (its counter and id) refuses a
//! copy whose heads do not descend from it, whatever their counter: the
//! store cannot fork two members and keep writing on both sides unnoticed.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::*;
use latchkey_core::{Access, HeadSeen, OpenError, OpenVault, VaultFile};
use serde_json::Value;

fn bob_opens(file: &VaultFile, seen: HeadSeen) -> Result<OpenVault, OpenError> {
    file.open(&keys()[1], &bob_trust().with_seen_head(seen), &mut rng(99))
}

fn alice_opens(file: &VaultFile) -> OpenVault {
    let a = &keys()[0];
    file.open(a, &own(a), &mut rng(98)).unwrap()
}

fn edit_bank(v: &mut OpenVault, bank: &latchkey_core::EntryId, user: &str, at: u64) {
    let entry = draft("Bank", user, "pw", "https://bank.example.org");
    v.edit(bank, entry, at, &mut rng(at)).unwrap();
}

/// Bob edits and remembers his head; returns his copy and what he saw.
fn bob_writes(s: &Scene) -> (VaultFile, HeadSeen) {
    let mut bob = s.file.open(&keys()[1], &bob_trust(), &mut rng(97)).unwrap();
    edit_bank(&mut bob, &s.bank, "bob", NOW + 10);
    (bob.file().clone(), bob.head_seen())
}

fn assert_fork(found: Result<OpenVault, OpenError>) {
    match found {
        Err(OpenError::Fork { log, at }) => {
            assert_eq!(log, "vault head");
            assert!(at.contains("does not descend"), "{at}");
        }
        other => panic!("expected a fork of the vault head, got {other:?}"),
    }
}

#[test]
fn a_fork_served_with_a_higher_counter_is_named() {
    let s = scene(60);
    let (_, seen) = bob_writes(&s);
    assert_eq!(seen.counter, 7);

    // The store hides Bob's edit from Alice, who writes twice on the copy
    // from before it: her branch reaches counter 8.
    let mut alice = alice_opens(&s.file);
    edit_bank(&mut alice, &s.bank, "alice", NOW + 20);
    edit_bank(&mut alice, &s.bank, "alice again", NOW + 21);
    let other_side = alice.file().clone();

    assert_fork(bob_opens(&other_side, seen));
    // The counter alone does not catch it: that is why the id is kept.
    let by_counter = bob_trust().with_min_head(seen.counter);
    assert!(
        other_side
            .open(&keys()[1], &by_counter, &mut rng(1))
            .is_ok()
    );
}

#[test]
fn honest_progress_after_the_seen_head_opens() {
    let s = scene(61);
    let (copy, seen) = bob_writes(&s);

    // Alice writes twice on Bob's copy, Carol reads in between (an audit
    // head), and Alice reveals (another head).
    let mut alice = alice_opens(&copy);
    edit_bank(&mut alice, &s.bank, "alice", NOW + 20);
    let [a, _, c, _] = keys();
    let mut carol = alice
        .file()
        .open(c, &own(c).with_admin(a.card().fingerprint()), &mut rng(3))
        .unwrap();
    carol
        .secrets(&s.mail, Access::Reveal, NOW + 21, &mut rng(4))
        .unwrap();
    let mut alice = alice_opens(carol.file());
    alice
        .secrets(&s.bank, Access::Copy, NOW + 22, &mut rng(5))
        .unwrap();
    let later = alice.file().clone();

    let bob = bob_opens(&later, seen).unwrap();
    assert_eq!(bob.head_counter(), 9);
    assert!(later.contains_all(&copy), "superseded heads are kept");
}

#[test]
fn a_merge_of_two_sides_descends_from_both() {
    let s = scene(62);
    let (copy, seen) = bob_writes(&s);
    let mut alice = alice_opens(&s.file);
    edit_bank(&mut alice, &s.bank, "alice", NOW + 20);
    let merged = copy.merge(alice.file()).unwrap();

    // Both heads stay until someone writes; then the new head names both.
    assert!(bob_opens(&merged, seen).is_ok());
    let mut alice = alice_opens(&merged);
    edit_bank(&mut alice, &s.bank, "settled", NOW + 30);
    assert!(bob_opens(alice.file(), seen).is_ok());
}

#[test]
fn past_heads_dropped_by_the_store_are_a_fork() {
    let s = scene(63);
    let (copy, seen) = bob_writes(&s);
    let mut alice = alice_opens(&copy);
    edit_bank(&mut alice, &s.bank, "alice", NOW + 20);
    edit_bank(&mut alice, &s.bank, "alice again", NOW + 21);
    let later = alice.file().clone();
    assert!(bob_opens(&later, seen).is_ok());

    let dropped = tamper(&later, |v| v["past_heads"] = Value::Array(Vec::new()));
    assert_fork(bob_opens(&dropped, seen));
    assert!(!dropped.contains_all(&copy));

    // A past head altered on the way back breaks the chain of ids as well.
    let altered = tamper(&later, |v| {
        for head in v["past_heads"].as_array_mut().unwrap() {
            if head["counter"] == 8 {
                head["time"] = Value::from(NOW + 999);
            }
        }
    });
    assert_fork(bob_opens(&altered, seen));
}
