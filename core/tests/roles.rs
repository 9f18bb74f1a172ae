//! Roles are enforced by every reader, not only by honest writers. A member
//! holds the vault key and its own signing key, so a member who edits the
//! file by hand can sign whatever it likes; these fixtures do exactly that,
//! with real keys (`OpenVault::forge_role` makes a client skip its own role
//! checks), and every honest reader must refuse the result by name.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod common;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use common::*;
use latchkey_core::{Access, OpenError, OpenVault, Role, Trust, UnlockedMember, VaultFile};
use rand_chacha::ChaCha20Rng;
use serde_json::Value;

fn bob_opens(file: &VaultFile) -> Result<OpenVault, OpenError> {
    file.open(&keys()[1], &bob_trust(), &mut rng(99))
}

fn alice_opens(file: &VaultFile) -> Result<OpenVault, OpenError> {
    file.open(&keys()[0], &Trust::own(&keys()[0]), &mut rng(98))
}

fn carol_opens(file: &VaultFile) -> Result<OpenVault, OpenError> {
    let [a, _, c, _] = keys();
    file.open(
        c,
        &Trust::own(c).with_admin(a.card().fingerprint()),
        &mut rng(97),
    )
}

/// Carol (a viewer) with a client that believes she may write.
fn carol_forging(file: &VaultFile) -> OpenVault {
    let mut carol = carol_opens(file).unwrap();
    carol.forge_role(Role::Editor);
    carol
}

/// Bob (an editor) with a client that believes he is an admin.
fn bob_forging(file: &VaultFile) -> OpenVault {
    let mut bob = bob_opens(file).unwrap();
    bob.forge_role(Role::Admin);
    bob
}

fn grant(v: &mut OpenVault, who: &UnlockedMember, role: Role, at: u64, r: &mut ChaCha20Rng) {
    v.grant(who.card(), &who.card().fingerprint(), role, at, r)
        .unwrap();
}

/// Asserts the finding: `member`, holding `role`, signed something whose
/// description starts with `what`.
fn assert_forbids(found: Result<OpenVault, OpenError>, member: &str, role: Role, what: &str) {
    match found {
        Err(OpenError::RoleForbids {
            member: m,
            role: r,
            what: w,
            ..
        }) => {
            assert_eq!((m.as_str(), r), (member, role));
            assert!(w.starts_with(what), "{w:?} should start with {what:?}");
        }
        other => panic!("expected RoleForbids for {member}, got {other:?}"),
    }
}

#[test]
fn a_version_signed_by_a_viewer_is_refused() {
    let s = scene(40);
    let mut r = rng(400);
    let mut carol = carol_forging(&s.file);
    carol
        .edit(
            &s.mail,
            draft(
                "Mail",
                "carol",
                "carol-was-here",
                "https://mail.example.com",
            ),
            NOW + 10,
            &mut r,
        )
        .unwrap();
    let what = format!("version 3 of entry {}", s.mail);
    assert_forbids(bob_opens(carol.file()), "carol", Role::Viewer, &what);
    assert_forbids(alice_opens(carol.file()), "carol", Role::Viewer, &what);

    // A new entry by a viewer is refused the same way.
    let mut carol = carol_forging(&s.file);
    let id = carol
        .add(
            draft("Planted", "x", "x", "https://evil.example"),
            NOW + 10,
            &mut r,
        )
        .unwrap();
    let what = format!("version 1 of entry {id}");
    assert_forbids(bob_opens(carol.file()), "carol", Role::Viewer, &what);
}

#[test]
fn a_tombstone_signed_by_a_viewer_is_refused() {
    let s = scene(41);
    let mut carol = carol_forging(&s.file);
    carol.delete(&s.bank, NOW + 10, &mut rng(410)).unwrap();
    let what = format!("version 2 of entry {}", s.bank);
    assert_forbids(bob_opens(carol.file()), "carol", Role::Viewer, &what);
}

#[test]
fn a_rollback_signed_by_a_viewer_is_refused() {
    let s = scene(42);
    let mut carol = carol_forging(&s.file);
    carol.rollback(&s.mail, 1, NOW + 10, &mut rng(420)).unwrap();
    let what = format!("version 3 of entry {}", s.mail);
    assert_forbids(alice_opens(carol.file()), "carol", Role::Viewer, &what);
}

#[test]
fn a_content_head_signed_by_a_viewer_is_refused() {
    // A read by a forging viewer writes the head a writer would: a new
    // counter over the entries, replacing the editor's head.
    let s = scene(43);
    let mut carol = carol_forging(&s.file);
    carol
        .secrets(&s.bank, Access::Reveal, NOW + 10, &mut rng(430))
        .unwrap();
    assert_forbids(bob_opens(carol.file()), "carol", Role::Viewer, "head 7");

    // The same head with the writer's head put back beside it: it still
    // vouches for a counter no writer reached.
    let mut value: Value = serde_json::from_str(&carol.file().to_json()).unwrap();
    let original: Value = serde_json::from_str(&s.file.to_json()).unwrap();
    value["heads"]
        .as_array_mut()
        .unwrap()
        .push(original["heads"][0].clone());
    let both = VaultFile::from_json(&value.to_string()).unwrap();
    assert_forbids(bob_opens(&both), "carol", Role::Viewer, "head 7");
}

#[test]
fn a_viewer_head_served_without_its_content_head_is_refused() {
    // Carol's honest audit head copies the editor's head beside it. Served
    // alone, it would be the only thing vouching for the entries.
    let s = scene(44);
    let mut carol = carol_opens(&s.file).unwrap();
    carol
        .secrets(&s.bank, Access::Reveal, NOW + 10, &mut rng(440))
        .unwrap();
    let alone = tamper(carol.file(), |v| {
        let heads = v["heads"].as_array_mut().unwrap();
        heads.retain(|h| h["writer"] == "carol");
    });
    assert_forbids(bob_opens(&alone), "carol", Role::Viewer, "head 6");
}

#[test]
fn honest_viewers_reads_are_audited_and_open_for_everyone() {
    let s = scene(45);
    let mut r = rng(450);
    let mut carol = carol_opens(&s.file).unwrap();
    carol
        .secrets(&s.bank, Access::Reveal, NOW + 10, &mut r)
        .unwrap();
    carol
        .secrets(&s.mail, Access::Copy, NOW + 11, &mut r)
        .unwrap();
    assert_eq!(carol.head_counter(), 6, "a viewer's head keeps the counter");

    let mut bob = bob_opens(carol.file()).unwrap();
    let audit = bob.audit().unwrap();
    let by_carol: Vec<_> = audit.iter().filter(|a| a.member == "carol").collect();
    assert_eq!(by_carol.len(), 2);

    // Carol again (her own head is replaced, not piled up), then Bob writes:
    // his head supersedes hers and every reader opens the result.
    let mut again = carol_opens(carol.file()).unwrap();
    again
        .secrets(&s.bank, Access::Fill, NOW + 12, &mut r)
        .unwrap();
    let heads = serde_json::from_str::<Value>(&again.file().to_json()).unwrap()["heads"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(heads, 2, "the editor's head and one audit head");
    bob = bob_opens(again.file()).unwrap();
    bob.edit(
        &s.bank,
        draft("Bank", "acct", "pw-bank-2", "https://bank.example.org"),
        NOW + 13,
        &mut r,
    )
    .unwrap();
    assert_eq!(bob.head_counter(), 7);
    let reopened = carol_opens(bob.file()).unwrap();
    assert_eq!(reopened.audit().unwrap().len(), 10);
    assert!(alice_opens(bob.file()).is_ok());

    // Dropping Carol's audit head but keeping her records is noticed.
    let unvouched = tamper(again.file(), |v| {
        v["heads"]
            .as_array_mut()
            .unwrap()
            .retain(|h| h["writer"] != "carol");
    });
    assert!(matches!(
        bob_opens(&unvouched).unwrap_err(),
        OpenError::Unvouched { .. }
    ));
}

#[test]
fn member_changes_signed_by_an_editor_are_refused() {
    let s = scene(46);
    let [_, _, _, m] = keys();
    let mut r = rng(460);

    let mut bob = bob_forging(&s.file);
    grant(&mut bob, m, Role::Admin, NOW + 10, &mut r);
    assert_eq!(
        alice_opens(bob.file()).unwrap_err(),
        OpenError::UnsignedMember {
            member: "mallory".into()
        }
    );

    let mut bob = bob_forging(&s.file);
    bob.revoke("carol", NOW + 10, &mut r).unwrap();
    assert_eq!(
        alice_opens(bob.file()).unwrap_err(),
        OpenError::UnsignedMember {
            member: "carol".into()
        }
    );
}

#[test]
fn a_wrap_signed_by_an_editor_is_refused() {
    let s = scene(47);
    let [a, _, _, m] = keys();
    let mut r = rng(470);

    // Bob wraps the vault key for Mallory, with his real key, on a copy of
    // his own; Alice grants Mallory on the real one.
    let mut bob = bob_forging(&s.file);
    grant(&mut bob, m, Role::Viewer, NOW + 10, &mut r);
    let mut alice = alice_opens(&s.file).unwrap();
    grant(&mut alice, m, Role::Viewer, NOW + 10, &mut r);

    // The store puts Bob's wrap where Alice's was.
    let bobs: Value = serde_json::from_str(&bob.file().to_json()).unwrap();
    let bobs_wrap = bobs["wraps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["recipient"] == "mallory")
        .unwrap()
        .clone();
    assert_eq!(bobs_wrap["author"], "bob");
    let planted = tamper(alice.file(), |v| {
        for wrap in v["wraps"].as_array_mut().unwrap() {
            if wrap["recipient"] == "mallory" {
                *wrap = bobs_wrap.clone();
            }
        }
    });
    let trust = Trust::own(m).with_admin(a.card().fingerprint());
    assert!(alice.file().open(m, &trust, &mut r).is_ok());
    assert_eq!(
        planted.open(m, &trust, &mut r).unwrap_err(),
        OpenError::UnsignedWrap {
            recipient: "mallory".into()
        }
    );
}

#[test]
fn a_role_is_judged_as_it_was_when_the_record_was_written() {
    // Carol starts as an editor and writes an entry; she is then removed and
    // added back as a viewer. Her old version stands; a new one does not.
    let [a, b, c, _] = keys();
    let mut r = rng(480);
    let file = VaultFile::create(a, "Team", NOW, &mut r).unwrap();
    let mut v = file.open(a, &Trust::own(a), &mut r).unwrap();
    grant(&mut v, b, Role::Editor, NOW + 1, &mut r);
    grant(&mut v, c, Role::Editor, NOW + 2, &mut r);
    let mut carol = carol_opens(v.file()).unwrap();
    let wiki = carol
        .add(
            draft("Wiki", "c", "pw-wiki", "https://wiki.example"),
            NOW + 3,
            &mut r,
        )
        .unwrap();
    let mut v = alice_opens(carol.file()).unwrap();
    v.revoke("carol", NOW + 4, &mut r).unwrap();
    grant(&mut v, c, Role::Viewer, NOW + 5, &mut r);
    let now = v.file().clone();

    let mut bob = bob_opens(&now).unwrap();
    assert_eq!(bob.history(&wiki).unwrap()[0].author, "carol");
    let mut carol = carol_opens(&now).unwrap();
    assert_eq!(
        carol
            .secrets(&wiki, Access::Reveal, NOW + 6, &mut r)
            .unwrap()
            .password
            .expose(),
        "pw-wiki"
    );
    bob.edit(
        &wiki,
        draft("Wiki", "b", "pw-2", "https://wiki.example"),
        NOW + 7,
        &mut r,
    )
    .unwrap();

    let mut forging = carol_forging(&now);
    forging
        .edit(
            &wiki,
            draft("Wiki", "c", "pw-3", "https://wiki.example"),
            NOW + 8,
            &mut r,
        )
        .unwrap();
    let what = format!("version 2 of entry {wiki}");
    assert_forbids(bob_opens(forging.file()), "carol", Role::Viewer, &what);
}

// ---- removed members' heads --------------------------------------------------

/// Bob edits Bank `edits` times on a copy of his own while Alice, on the
/// real one, removes him; the store then merges the two.
fn bob_edits_while_removed(seed: u64, edits: u64) -> VaultFile {
    let s = scene(seed);
    let mut r = rng(seed * 10);
    let mut bob = bob_opens(&s.file).unwrap();
    for i in 0..edits {
        let user = format!("bob-{i}");
        let entry = draft("Bank", &user, "from-bob", "https://bank.example.org");
        bob.edit(&s.bank, entry, NOW + 10 + i, &mut r).unwrap();
    }
    let mut alice = alice_opens(&s.file).unwrap();
    alice.revoke("bob", NOW + 20, &mut r).unwrap();
    alice.file().merge(bob.file()).unwrap()
}

#[test]
fn a_removed_members_older_head_does_not_block_open() {
    for edits in [1, 3] {
        let merged = bob_edits_while_removed(49 + edits, edits);
        let heads = serde_json::from_str::<Value>(&merged.to_json()).unwrap()["heads"]
            .as_array()
            .unwrap()
            .len();
        assert_eq!(
            heads, 2,
            "Bob's head and Alice's, neither superseding the other"
        );

        // Bob's edits, made while he was still a member, stay; the counter
        // is Alice's, not the higher one Bob's copy reached.
        let mut alice = alice_opens(&merged).unwrap();
        assert_eq!(alice.head_counter(), 7);
        let bank = alice
            .list()
            .into_iter()
            .find(|e| e.title == "Bank")
            .unwrap();
        assert_eq!(bank.username, format!("bob-{}", edits - 1));
        assert!(carol_opens(&merged).is_ok());

        // Alice's next change supersedes both heads.
        let mut r = rng(490);
        alice
            .secrets(&bank.id, Access::Reveal, NOW + 30, &mut r)
            .unwrap();
        let after = alice.file().clone();
        assert_eq!(alice_opens(&after).unwrap().head_counter(), 8);
        assert!(carol_opens(&after).is_ok());
    }
}

#[test]
fn a_vault_whose_only_head_is_by_a_removed_member_is_named() {
    let merged = bob_edits_while_removed(55, 1);
    let only_bob = tamper(&merged, |v| {
        v["heads"]
            .as_array_mut()
            .unwrap()
            .retain(|h| h["writer"] == "bob");
    });
    assert_eq!(
        alice_opens(&only_bob).unwrap_err(),
        OpenError::RemovedWriter {
            member: "bob".into()
        }
    );
}

#[test]
fn a_viewers_read_merged_with_a_concurrent_write_is_history() {
    // Carol reads on one copy while Alice edits another; after the merge
    // Carol's audit head is older than Alice's head and stays as history.
    let s = scene(56);
    let mut r = rng(560);
    let mut carol = carol_opens(&s.file).unwrap();
    carol
        .secrets(&s.bank, Access::Reveal, NOW + 10, &mut r)
        .unwrap();
    let mut alice = alice_opens(&s.file).unwrap();
    let entry = draft("Mail", "ops", "pw-mail-3", "https://mail.example.com");
    alice.edit(&s.mail, entry, NOW + 11, &mut r).unwrap();

    let merged = alice.file().merge(carol.file()).unwrap();
    let mut bob = bob_opens(&merged).unwrap();
    assert_eq!(bob.head_counter(), 7);
    let reads = bob.audit().unwrap();
    assert!(reads.iter().any(|a| a.member == "carol"));

    // The next write supersedes both, and Carol's read is still there.
    bob.secrets(&s.mail, Access::Copy, NOW + 12, &mut r)
        .unwrap();
    let after = carol_opens(bob.file()).unwrap();
    assert_eq!(after.head_counter(), 8);
    assert!(after.audit().unwrap().iter().any(|a| a.member == "carol"));
}
