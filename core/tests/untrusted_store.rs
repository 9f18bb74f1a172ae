//! The untrusted store plays the attacker against the real code: every edit
//! it can make to the stored JSON is refused. Failures of cryptography read
//! the same whatever was touched; structural findings name what was found.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod common;

use common::*;
use latchkey_core::{
    Access, FormatError, Member, OpenError, Role, Trust, UnlockError, VaultError, VaultFile,
};
use serde_json::Value;

/// One hostile edit of the stored JSON.
type Edit = Box<dyn Fn(&mut Value)>;

fn bob_opens(file: &VaultFile) -> Result<latchkey_core::OpenVault, OpenError> {
    file.open(&keys()[1], &bob_trust(), &mut rng(99))
}

fn alice_opens(file: &VaultFile) -> Result<latchkey_core::OpenVault, OpenError> {
    file.open(&keys()[0], &Trust::own(&keys()[0]), &mut rng(98))
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn the_untouched_scene_opens_for_every_member() {
    let s = scene(1);
    assert_eq!(alice_opens(&s.file).unwrap().list().len(), 2);
    assert_eq!(bob_opens(&s.file).unwrap().list().len(), 2);
    let [a, _, c, _] = keys();
    let carol = s.file.open(
        c,
        &Trust::own(c).with_admin(a.card().fingerprint()),
        &mut rng(3),
    );
    assert_eq!(carol.unwrap().search("bank").len(), 1);
}

// ---- member files -------------------------------------------------------

fn member_json_edit(edit: impl FnOnce(&mut Value)) -> String {
    let mut value: Value = serde_json::from_str(&alice().stored.to_json()).unwrap();
    edit(&mut value);
    value.to_string()
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn lowered_kdf_parameters_are_refused_by_name() {
    for (field, low) in [("m_kib", 1024), ("t", 1), ("p", 0)] {
        let json = member_json_edit(|v| v["kdf"][field] = Value::from(low));
        let member = Member::from_json(&json).unwrap();
        let err = member.unlock(&alice().pass).unwrap_err();
        assert!(matches!(err, UnlockError::WeakKdf(_)), "{field}: {err:?}");
        assert!(err.to_string().contains("below latchkey's floor") || field == "p");
    }
}

#[test]
fn kdf_parameters_are_bound_to_the_sealed_keys() {
    // Still above the floor, but not what the keys were sealed with.
    let json = member_json_edit(|v| v["kdf"]["m_kib"] = Value::from(20 * 1024));
    let member = Member::from_json(&json).unwrap();
    assert_eq!(
        member.unlock(&alice().pass).unwrap_err(),
        UnlockError::WrongPassphrase
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn flipped_truncated_or_spliced_private_keys_fail_before_rsa() {
    let bob_ct = {
        let v: Value = serde_json::from_str(&bob().stored.to_json()).unwrap();
        v["keys"]["ct"].clone()
    };
    let edits: Vec<Edit> = vec![
        Box::new(|v| flip_b64(&mut v["keys"]["ct"], 40)),
        Box::new(|v| flip_b64(&mut v["keys"]["ct"], 100_000)),
        Box::new(|v| {
            let bytes = b64_decode(v["keys"]["ct"].as_str().unwrap());
            v["keys"]["ct"] = Value::String(b64_encode(&bytes[..bytes.len() / 2]));
        }),
        Box::new(move |v| v["keys"]["ct"] = bob_ct.clone()),
        Box::new(|v| flip_b64(&mut v["keys"]["nonce"], 0)),
        Box::new(|v| flip_b64(&mut v["keys"]["commit"], 0)),
    ];
    for edit in edits {
        let member = Member::from_json(&member_json_edit(edit)).unwrap();
        // The AEAD tag (or the commitment) is checked first; no byte of a
        // damaged blob reaches the PKCS#8 parser or an RSA operation.
        assert_eq!(
            member.unlock(&alice().pass).unwrap_err(),
            UnlockError::WrongPassphrase
        );
    }
}

#[test]
fn wrong_passphrase_is_named() {
    let err = alice()
        .stored
        .unlock(&latchkey_core::Passphrase::new("guess".into()))
        .unwrap_err();
    assert_eq!(err, UnlockError::WrongPassphrase);
    assert!(err.to_string().contains("wrong passphrase"));
}

// ---- format ----------------------------------------------------------------

#[test]
fn unknown_or_older_format_versions_are_named() {
    let json = scene(2).file.to_json();
    for version in [0u64, 1, 3, 99] {
        let mut v: Value = serde_json::from_str(&json).unwrap();
        v["format"] = Value::from(version);
        let err = VaultFile::from_json(&v.to_string()).unwrap_err();
        assert_eq!(
            err,
            FormatError::UnsupportedFormat {
                found: version,
                supported: 2
            }
        );
    }
    let err = VaultFile::from_json(&alice().stored.to_json()).unwrap_err();
    assert!(matches!(err, FormatError::WrongKind { .. }), "{err:?}");
    let err = VaultFile::from_json("{\"kind\": \"latchkey.vault\"").unwrap_err();
    assert!(matches!(err, FormatError::Json { line: 1, .. }), "{err:?}");
}

#[test]
fn malformed_fields_are_named_with_where() {
    let s = scene(3);
    let mut v: Value = serde_json::from_str(&s.file.to_json()).unwrap();
    v["versions"][2]["entry"] = Value::from("not an id!");
    let err = VaultFile::from_json(&v.to_string()).unwrap_err();
    assert!(err.to_string().contains("versions[2].entry"), "{err}");

    let mut v: Value = serde_json::from_str(&s.file.to_json()).unwrap();
    v["versions"][0]["sig"] = Value::from("AAAA");
    let err = VaultFile::from_json(&v.to_string()).unwrap_err();
    assert!(err.to_string().contains("64 bytes"), "{err}");
}

// ---- sealed entries: one vague error whatever was touched -----------------

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn swapped_or_altered_ciphertexts_all_read_the_same() {
    let s = scene(4);
    let other = scene(5);
    let other_json: Value = serde_json::from_str(&other.file.to_json()).unwrap();
    let (mail, bank) = (s.mail.clone(), s.bank.clone());

    let mut edits: Vec<(&str, Edit)> = Vec::new();
    let m = mail.clone();
    edits.push((
        "flip overview",
        Box::new(move |v| {
            let i = *versions_of(v, &m).last().unwrap();
            flip_b64(&mut v["versions"][i]["overview"]["ct"], 3);
        }),
    ));
    let m = mail.clone();
    edits.push((
        "flip version key",
        Box::new(move |v| {
            let i = *versions_of(v, &m).last().unwrap();
            flip_b64(&mut v["versions"][i]["key"]["ct"], 3);
        }),
    ));
    let m = mail.clone();
    edits.push((
        "swap parts",
        Box::new(move |v| {
            let i = *versions_of(v, &m).last().unwrap();
            let overview = v["versions"][i]["overview"].clone();
            v["versions"][i]["overview"] = v["versions"][i]["secrets"].clone();
            v["versions"][i]["secrets"] = overview;
        }),
    ));
    let (m, b) = (mail.clone(), bank.clone());
    edits.push((
        "overview from another entry",
        Box::new(move |v| {
            let i = *versions_of(v, &m).last().unwrap();
            let j = *versions_of(v, &b).last().unwrap();
            v["versions"][i]["overview"] = v["versions"][j]["overview"].clone();
        }),
    ));
    let (m, b) = (mail.clone(), bank.clone());
    edits.push((
        "whole version from another entry",
        Box::new(move |v| {
            let i = *versions_of(v, &m).first().unwrap();
            let j = *versions_of(v, &b).first().unwrap();
            let mut moved = v["versions"][j].clone();
            moved["entry"] = Value::from(m.as_str());
            v["versions"][i] = moved;
        }),
    ));
    let m = mail.clone();
    let foreign = other_json.clone();
    let other_mail = other.mail.clone();
    edits.push((
        "version from another vault",
        Box::new(move |v| {
            let i = *versions_of(v, &m).last().unwrap();
            let j = *versions_of(&foreign, &other_mail).last().unwrap();
            let mut moved = foreign["versions"][j].clone();
            moved["entry"] = Value::from(m.as_str());
            v["versions"][i] = moved;
        }),
    ));
    let m = mail.clone();
    edits.push((
        "older version's key",
        Box::new(move |v| {
            let idx = versions_of(v, &m);
            v["versions"][idx[1]]["key"] = v["versions"][idx[0]]["key"].clone();
        }),
    ));
    let m = mail.clone();
    edits.push((
        "flip an old version",
        Box::new(move |v| {
            let i = versions_of(v, &m)[0];
            flip_b64(&mut v["versions"][i]["secrets"]["ct"], 7);
        }),
    ));
    edits.push((
        "flip head mac",
        Box::new(|v| flip_b64(&mut v["heads"][0]["mac"], 1)),
    ));
    edits.push((
        "flip head sig",
        Box::new(|v| flip_b64(&mut v["heads"][0]["sig"], 1)),
    ));

    let mut messages = Vec::new();
    for (what, edit) in edits {
        let err = bob_opens(&tamper(&s.file, edit)).unwrap_err();
        assert_eq!(err, OpenError::CannotOpen, "{what}");
        messages.push(err.to_string());
    }
    messages.dedup();
    assert_eq!(messages.len(), 1, "one message whatever failed");
}

// ---- heads: rollback, drops, forks ------------------------------------------

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn an_older_head_is_named() {
    let s = scene(6);
    let mut r = rng(60);
    let mut v = bob_opens(&s.file).unwrap();
    v.edit(
        &s.bank,
        draft("Bank", "acct", "pw-bank-2", "https://bank.example.org"),
        NOW + 9,
        &mut r,
    )
    .unwrap();
    let seen = v.head_counter();
    let err = s
        .file
        .open(&keys()[1], &bob_trust().with_min_head(seen), &mut r)
        .unwrap_err();
    assert_eq!(
        err,
        OpenError::OlderHead {
            served: seen - 1,
            seen
        }
    );
    assert!(err.to_string().contains("older vault"));
}

#[test]
fn two_histories_served_to_two_members_are_a_fork() {
    let s = scene(7);
    let mut r = rng(70);
    // Bob edits; the store keeps his copy from Alice and serves her the old one.
    let mut bobs = bob_opens(&s.file).unwrap();
    bobs.edit(
        &s.bank,
        draft("Bank", "acct", "bob's", "https://bank.example.org"),
        NOW + 9,
        &mut r,
    )
    .unwrap();
    let bob_saw = bobs.head_seen();
    let mut alices = alice_opens(&s.file).unwrap();
    alices
        .edit(
            &s.mail,
            draft("Mail", "ops", "alice's", "https://mail.example.com"),
            NOW + 9,
            &mut r,
        )
        .unwrap();
    let forked = alices.file().clone();

    let err = forked
        .open(&keys()[1], &bob_trust().with_seen_head(bob_saw), &mut r)
        .unwrap_err();
    assert!(
        matches!(
            err,
            OpenError::Fork {
                log: "vault head",
                ..
            }
        ),
        "{err:?}"
    );

    // Merging the two copies keeps both edits; nothing is lost.
    let merged = forked.merge(bobs.file()).unwrap();
    let mut v = bob_opens(&merged).unwrap();
    let bank = v
        .secrets(&s.bank, Access::Reveal, NOW + 10, &mut r)
        .unwrap();
    assert_eq!(bank.password.expose(), "bob's");
    let mail = v
        .secrets(&s.mail, Access::Reveal, NOW + 10, &mut r)
        .unwrap();
    assert_eq!(mail.password.expose(), "alice's");
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn a_dropped_entry_is_named() {
    let s = scene(8);
    let bank = s.bank.clone();
    let file = tamper(&s.file, |v| {
        v["versions"]
            .as_array_mut()
            .unwrap()
            .retain(|r| r["entry"] != bank.as_str());
    });
    let err = bob_opens(&file).unwrap_err();
    assert_eq!(
        err,
        OpenError::Dropped {
            what: format!("entry {}", s.bank)
        }
    );
}

#[test]
fn a_dropped_edit_or_a_deleted_entry_brought_back_is_named() {
    let s = scene(9);
    let mut r = rng(90);
    let mut v = bob_opens(&s.file).unwrap();
    v.delete(&s.bank, NOW + 9, &mut r).unwrap();
    assert!(v.search("bank").is_empty());
    let deleted = v.file().clone();

    let bank = s.bank.clone();
    let revived = tamper(&deleted, |v| {
        let tombstone = *versions_of(v, &bank).last().unwrap();
        v["versions"].as_array_mut().unwrap().remove(tombstone);
    });
    let err = bob_opens(&revived).unwrap_err();
    assert!(
        matches!(&err, OpenError::Dropped { what } if what.contains("was removed")),
        "{err:?}"
    );

    let mail = s.mail.clone();
    let lost_edit = tamper(&s.file, |v| {
        let edit = *versions_of(v, &mail).last().unwrap();
        v["versions"].as_array_mut().unwrap().remove(edit);
    });
    assert!(matches!(
        bob_opens(&lost_edit).unwrap_err(),
        OpenError::Dropped { .. }
    ));
}

#[test]
fn an_older_version_removed_from_the_middle_breaks_the_chain() {
    let s = scene(10);
    let mut r = rng(100);
    let mut v = bob_opens(&s.file).unwrap();
    v.edit(
        &s.mail,
        draft("Mail", "ops", "pw-mail-3", "https://mail.example.com"),
        NOW + 9,
        &mut r,
    )
    .unwrap();
    let mail = s.mail.clone();
    let file = tamper(v.file(), |v| {
        let middle = versions_of(v, &mail)[1];
        v["versions"].as_array_mut().unwrap().remove(middle);
    });
    let err = bob_opens(&file).unwrap_err();
    assert!(
        matches!(
            err,
            OpenError::BrokenChain {
                log: "entry history",
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn a_record_no_head_vouches_for_is_named() {
    let s = scene(11);
    let mut r = rng(110);
    let mut v = bob_opens(&s.file).unwrap();
    v.edit(
        &s.bank,
        draft("Bank", "x", "planted", "https://bank.example.org"),
        NOW + 9,
        &mut r,
    )
    .unwrap();
    // The store keeps the new version but serves the old head with it.
    let newer: Value = serde_json::from_str(&v.file().to_json()).unwrap();
    let file = tamper(&s.file, |old| {
        let last = newer["versions"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()
            .clone();
        old["versions"].as_array_mut().unwrap().push(last);
    });
    assert!(matches!(
        bob_opens(&file).unwrap_err(),
        OpenError::Unvouched { .. }
    ));
}

// ---- members, wraps, trust ---------------------------------------------------

#[test]
fn a_substituted_key_at_grant_time_is_refused() {
    let [a, b, _, m] = keys();
    let mut r = rng(12);
    let file = VaultFile::create(a, "T", NOW, &mut r).unwrap();
    let mut v = file.open(a, &Trust::own(a), &mut r).unwrap();
    // The store hands Alice a card that says "bob" but carries Mallory's keys.
    let mut fake = m.card().clone();
    fake.id = "bob".into();
    fake.name = "Bob Editor".into();
    let err = v
        .grant(&fake, &b.card().fingerprint(), Role::Editor, NOW, &mut r)
        .unwrap_err();
    assert!(
        matches!(err, VaultError::FingerprintMismatch { .. }),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains(&b.card().fingerprint().to_string())
    );
    assert_eq!(v.members().len(), 1);
}

#[test]
fn a_member_nobody_signed_is_named() {
    let s = scene(13);
    // Bob (an editor) cannot sign member changes; nor can a forged signature.
    for edit in [
        Box::new(|v: &mut Value| v["members"][2]["author"] = Value::from("bob"))
            as Box<dyn Fn(&mut Value)>,
        Box::new(|v: &mut Value| flip_b64(&mut v["members"][2]["sig"], 5)),
        Box::new(|v: &mut Value| v["members"][2]["role"] = Value::from("admin")),
    ] {
        let err = bob_opens(&tamper(&s.file, edit)).unwrap_err();
        assert_eq!(
            err,
            OpenError::UnsignedMember {
                member: "carol".into()
            }
        );
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn a_vault_key_planted_without_an_admin_signature_is_named() {
    let s = scene(14);
    for edit in [
        Box::new(|w: &mut Value| flip_b64(&mut w["sig"], 3)) as Box<dyn Fn(&mut Value)>,
        Box::new(|w: &mut Value| w["author"] = Value::from("bob")),
        Box::new(|w: &mut Value| w["author"] = Value::from("mallory")),
    ] {
        let file = tamper(&s.file, |v| {
            let wraps = v["wraps"].as_array_mut().unwrap();
            edit(wraps.iter_mut().find(|w| w["recipient"] == "bob").unwrap());
        });
        assert_eq!(
            bob_opens(&file).unwrap_err(),
            OpenError::UnsignedWrap {
                recipient: "bob".into()
            }
        );
    }
}

#[test]
fn a_vault_built_by_the_store_is_untrusted() {
    let [a, b, _, m] = keys();
    let mut r = rng(15);
    // Mallory builds a vault of her own and adds Bob with his real card.
    let file = VaultFile::create(m, "Looks legit", NOW, &mut r).unwrap();
    let mut v = file.open(m, &Trust::own(m), &mut r).unwrap();
    v.grant(b.card(), &b.card().fingerprint(), Role::Editor, NOW, &mut r)
        .unwrap();
    let err = v.file().open(b, &bob_trust(), &mut r).unwrap_err();
    assert_eq!(
        err,
        OpenError::Untrusted {
            who: "mallory".into()
        }
    );
    // Bob's own key alone does not vouch for Alice's vault either.
    let s = scene(16);
    let err = s.file.open(b, &Trust::own(b), &mut r).unwrap_err();
    assert_eq!(
        err,
        OpenError::Untrusted {
            who: "alice".into()
        }
    );
    assert!(
        s.file
            .open(b, &Trust::own(b).with_admin(a.card().fingerprint()), &mut r)
            .is_ok()
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn revoking_rotates_the_key_and_locks_the_member_out() {
    let s = scene(17);
    let mut r = rng(170);
    let mut v = alice_opens(&s.file).unwrap();
    v.revoke("bob", NOW + 9, &mut r).unwrap();
    v.edit(
        &s.bank,
        draft("Bank", "acct", "after-bob", "https://bank.example.org"),
        NOW + 10,
        &mut r,
    )
    .unwrap();
    let after = v.file().clone();
    assert_eq!(
        bob_opens(&after).unwrap_err(),
        OpenError::NotAMember {
            member: "bob".into()
        }
    );

    // The new version is sealed under a key Bob never held: its commitment
    // differs from every commitment of the epoch Bob knew.
    let json: Value = serde_json::from_str(&after.to_json()).unwrap();
    let versions = json["versions"].as_array().unwrap();
    let last = versions.last().unwrap();
    assert_eq!(last["epoch"], 1);
    let old_commits: Vec<&Value> = versions
        .iter()
        .filter(|x| x["epoch"] == 0)
        .map(|x| &x["key"]["commit"])
        .collect();
    assert!(!old_commits.contains(&&last["key"]["commit"]));

    // Alice and Carol still read old and new versions alike.
    let mut reopened = alice_opens(&after).unwrap();
    let hist = reopened.history(&s.mail).unwrap();
    assert_eq!(hist.len(), 2);
    let bank = reopened
        .secrets(&s.bank, Access::Reveal, NOW + 11, &mut r)
        .unwrap();
    assert_eq!(bank.password.expose(), "after-bob");
    let [a, _, c, _] = keys();
    let trust = Trust::own(c).with_admin(a.card().fingerprint());
    assert_eq!(after.open(c, &trust, &mut r).unwrap().list().len(), 2);
}

#[test]
fn roles_are_enforced() {
    let s = scene(18);
    let [a, b, c, m] = keys();
    let mut r = rng(180);
    let trust = Trust::own(c).with_admin(a.card().fingerprint());
    let mut carol = s.file.open(c, &trust, &mut r).unwrap();
    let err = carol
        .add(draft("X", "x", "x", "https://x.example"), NOW, &mut r)
        .unwrap_err();
    assert!(matches!(
        err,
        VaultError::NotAllowed {
            role: Role::Viewer,
            ..
        }
    ));
    // Viewers still read, and their reads are audited.
    carol
        .secrets(&s.bank, Access::Fill, NOW + 9, &mut r)
        .unwrap();
    let mut bob = bob_opens(carol.file()).unwrap();
    let err = bob
        .grant(m.card(), &m.card().fingerprint(), Role::Viewer, NOW, &mut r)
        .unwrap_err();
    assert!(matches!(
        err,
        VaultError::NotAllowed {
            role: Role::Editor,
            ..
        }
    ));
    assert!(matches!(
        bob.revoke("carol", NOW, &mut r),
        Err(VaultError::NotAllowed { .. })
    ));
    let mut alice = alice_opens(carol.file()).unwrap();
    assert_eq!(
        alice.revoke(&a.card().id, NOW, &mut r).unwrap_err(),
        VaultError::LastAdmin("alice".into())
    );
    let _ = b;
}

#[test]
fn an_outsider_cannot_open() {
    let s = scene(19);
    let m = &keys()[3];
    let err = s.file.open(m, &Trust::own(m), &mut rng(1)).unwrap_err();
    assert_eq!(
        err,
        OpenError::NotAMember {
            member: "mallory".into()
        }
    );
}

// ---- audit ---------------------------------------------------------------------

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn removed_reordered_or_forged_audit_records_are_refused() {
    let s = scene(20);
    let n = serde_json::from_str::<Value>(&s.file.to_json()).unwrap()["audit"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(n, 6);

    let middle = tamper(&s.file, |v| {
        v["audit"].as_array_mut().unwrap().remove(2);
    });
    assert!(matches!(
        bob_opens(&middle).unwrap_err(),
        OpenError::BrokenChain {
            log: "audit log",
            ..
        }
    ));

    let last = tamper(&s.file, |v| {
        v["audit"].as_array_mut().unwrap().pop();
    });
    assert!(matches!(
        bob_opens(&last).unwrap_err(),
        OpenError::Dropped { .. }
    ));

    let reordered = tamper(&s.file, |v| {
        let a = v["audit"][2]["parents"].clone();
        v["audit"][2]["parents"] = v["audit"][3]["parents"].clone();
        v["audit"][3]["parents"] = a;
    });
    assert!(bob_opens(&reordered).is_err());

    let retimed = tamper(&s.file, |v| v["audit"][1]["time"] = Value::from(NOW - 1000));
    assert!(matches!(
        bob_opens(&retimed).unwrap_err(),
        OpenError::BrokenChain { .. }
    ));

    let forged = tamper(&s.file, |v| flip_b64(&mut v["audit"][5]["body"]["ct"], 2));
    assert!(bob_opens(&forged).is_err());

    // The order of records in the file carries no meaning.
    let shuffled = tamper(&s.file, |v| v["audit"].as_array_mut().unwrap().reverse());
    let audit = bob_opens(&shuffled).unwrap().audit().unwrap();
    assert_eq!(audit, bob_opens(&s.file).unwrap().audit().unwrap());
}

#[test]
fn the_audit_log_records_who_did_what() {
    use latchkey_core::AuditAction::*;
    let s = scene(21);
    let mut r = rng(210);
    let mut v = bob_opens(&s.file).unwrap();
    v.secrets(&s.bank, Access::Copy, NOW + 20, &mut r).unwrap();
    let audit = v.audit().unwrap();
    let actions: Vec<_> = audit.iter().map(|a| a.action).collect();
    assert_eq!(
        actions,
        [CreateVault, Grant, Grant, Create, Create, Update, Copy]
    );
    let copy = audit.last().unwrap();
    assert_eq!((copy.member.as_str(), copy.time), ("bob", NOW + 20));
    assert_eq!(copy.entry.as_ref(), Some(&s.bank));
    assert_eq!(audit[1].subject.as_deref(), Some("bob"));
}

// ---- history -----------------------------------------------------------------

#[test]
fn rollback_appends_and_moves_the_head_forward() {
    let s = scene(22);
    let mut r = rng(220);
    let mut v = bob_opens(&s.file).unwrap();
    let before = v.head_counter();
    let versions_before = v.file().to_json().matches("\"entry\"").count();
    v.rollback(&s.mail, 1, NOW + 9, &mut r).unwrap();
    assert!(v.head_counter() > before);
    assert!(v.file().contains_all(&s.file));
    assert_eq!(
        v.file().to_json().matches("\"entry\"").count(),
        versions_before + 1
    );
    let secrets = v
        .secrets(&s.mail, Access::Reveal, NOW + 10, &mut r)
        .unwrap();
    assert_eq!(secrets.password.expose(), "pw-mail-1");
    let history = v.history(&s.mail).unwrap();
    let changes: Vec<_> = history.iter().map(|h| h.change).collect();
    use latchkey_core::Change::*;
    assert_eq!(changes, [Create, Edit, Rollback(1)]);
    assert!(history[2].latest);
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn edits_made_apart_are_both_kept_and_the_newer_wins() {
    let s = scene(23);
    let mut r = rng(230);
    let mut one = bob_opens(&s.file).unwrap();
    one.edit(
        &s.bank,
        draft("Bank", "one", "from-one", "https://bank.example.org"),
        NOW + 20,
        &mut r,
    )
    .unwrap();
    let mut two = alice_opens(&s.file).unwrap();
    two.edit(
        &s.bank,
        draft("Bank", "two", "from-two", "https://bank.example.org"),
        NOW + 30,
        &mut r,
    )
    .unwrap();

    let merged = one.file().merge(two.file()).unwrap();
    assert_eq!(merged, two.file().merge(one.file()).unwrap());
    assert!(merged.contains_all(one.file()) && merged.contains_all(two.file()));

    let mut v = bob_opens(&merged).unwrap();
    let conflicts = v.conflicts();
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].winner.author, "alice");
    assert_eq!(conflicts[0].others[0].author, "bob");
    assert_eq!(v.overview(&s.bank).unwrap().username, "two");
    assert_eq!(v.history(&s.bank).unwrap().len(), 3);

    // The next edit resolves the conflict and names both heads.
    v.edit(
        &s.bank,
        draft("Bank", "both", "merged", "https://bank.example.org"),
        NOW + 40,
        &mut r,
    )
    .unwrap();
    let after = bob_opens(v.file()).unwrap();
    assert!(
        after.conflicts().is_empty(),
        "an edit after the merge settles the conflict"
    );
    assert_eq!(after.history(&s.bank).unwrap().len(), 4);
    assert_eq!(after.overview(&s.bank).unwrap().username, "both");
}

#[test]
fn concurrent_member_changes_are_a_fork() {
    let s = scene(24);
    let [_, _, _, m] = keys();
    let mut r = rng(240);
    let mut one = alice_opens(&s.file).unwrap();
    one.grant(
        m.card(),
        &m.card().fingerprint(),
        Role::Viewer,
        NOW + 9,
        &mut r,
    )
    .unwrap();
    let mut two = alice_opens(&s.file).unwrap();
    two.revoke("carol", NOW + 9, &mut r).unwrap();
    let merged = one.file().merge(two.file()).unwrap();
    let err = alice_opens(&merged).unwrap_err();
    assert!(
        matches!(
            err,
            OpenError::Fork {
                log: "member log",
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn vaults_of_different_ids_do_not_merge() {
    let (a, b) = (scene(25), scene(26));
    assert!(matches!(
        a.file.merge(&b.file),
        Err(FormatError::DifferentVaults { .. })
    ));
    assert!(!a.file.contains_all(&b.file));
}
