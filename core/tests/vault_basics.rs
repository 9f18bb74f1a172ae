//! The everyday path: create, open, add, list, search, reveal, edit.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod common;

use common::*;
use latchkey_core::{Access, VaultFile};

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn create_add_list_reveal_and_reopen() {
    let alice = unlock(alice());
    let mut r = rng(10);
    let file = VaultFile::create(&alice, "Clients", NOW, &mut r).unwrap();
    let mut vault = file.open(&alice, &own(&alice), &mut r).unwrap();
    assert_eq!(vault.name(), "Clients");
    assert!(vault.list().is_empty());

    let id = vault
        .add(
            draft(
                "Example mail",
                "ops@example.com",
                "s3cret!",
                "https://mail.example.com",
            ),
            NOW + 1,
            &mut r,
        )
        .unwrap();
    let listed = vault.list();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].title, "Example mail");
    assert_eq!(vault.search("MAIL.example").len(), 1);
    assert!(vault.search("nothing").is_empty());

    let secrets = vault.secrets(&id, Access::Reveal, NOW + 2, &mut r).unwrap();
    assert_eq!(secrets.password.expose(), "s3cret!");
    assert!(!format!("{secrets:?}").contains("s3cret"));

    let json = vault.file().to_json();
    assert!(
        !json.contains("s3cret") && !json.contains("Example mail") && !json.contains("Clients")
    );
    let again = VaultFile::from_json(&json).unwrap();
    let counter = vault.head_counter();
    let trust = own(&alice).with_min_head(counter);
    let mut reopened = again.open(&alice, &trust, &mut r).unwrap();
    assert_eq!(reopened.list()[0].username, "ops@example.com");
    reopened
        .edit(
            &id,
            draft(
                "Example mail",
                "ops2@example.com",
                "n3w",
                "https://mail.example.com",
            ),
            NOW + 3,
            &mut r,
        )
        .unwrap();
    assert_eq!(reopened.overview(&id).unwrap().version, 2);
    assert_eq!(
        reopened
            .secrets(&id, Access::Copy, NOW + 4, &mut r)
            .unwrap()
            .password
            .expose(),
        "n3w"
    );
    let audit = reopened.audit().unwrap();
    assert_eq!(audit.len(), 5);
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn edit_with_changes_one_field_and_keeps_the_rest() {
    use latchkey_core::{AuditAction, CustomField, FieldValue, Secret};

    let alice = unlock(alice());
    let mut r = rng(11);
    let file = VaultFile::create(&alice, "Clients", NOW, &mut r).unwrap();
    let mut vault = file.open(&alice, &own(&alice), &mut r).unwrap();
    let mut first = draft("Router", "admin", "hunter2", "https://router.example");
    first.notes = Secret::new("rack 4".to_owned());
    first.totp = Some(Secret::new(
        "otpauth://totp/r?secret=JBSWY3DPEHPK3PXP".to_owned(),
    ));
    first.fields.push(CustomField {
        name: "pin".to_owned(),
        value: FieldValue::Hidden(Secret::new("0000".to_owned())),
    });
    let id = vault.add(first, NOW + 1, &mut r).unwrap();

    vault
        .edit_with(&id, |d| d.title = "Core router".to_owned(), NOW + 2, &mut r)
        .unwrap();

    let overview = vault.overview(&id).unwrap();
    assert_eq!(
        (overview.version, overview.title.as_str()),
        (2, "Core router")
    );
    assert_eq!(overview.username, "admin");
    assert_eq!(overview.urls[0].url, "https://router.example");
    let secrets = vault.secrets(&id, Access::Reveal, NOW + 3, &mut r).unwrap();
    assert_eq!(secrets.password.expose(), "hunter2");
    assert_eq!(secrets.notes.expose(), "rack 4");
    assert!(secrets.totp.is_some());
    assert_eq!(secrets.hidden_fields.len(), 1);
    assert_eq!(secrets.hidden_fields[0].1.expose(), "0000");

    let actions: Vec<AuditAction> = vault.audit().unwrap().iter().map(|a| a.action).collect();
    let reveals = actions
        .iter()
        .filter(|a| **a == AuditAction::Reveal)
        .count();
    assert_eq!(reveals, 1, "the edit itself is not a reveal: {actions:?}");
    assert!(actions.contains(&AuditAction::Update));
}
