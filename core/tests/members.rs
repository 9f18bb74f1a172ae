//! Members: passphrase changes, quick unlock with a device key, fingerprints,
//! key sizes, and that no secret-holding type prints its secret.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod common;

use common::*;
use latchkey_core::{
    Access, DeviceKey, DeviceSealedMember, Fingerprint, FingerprintError, KdfParams, Member,
    MemberError, Passphrase, Secret, Trust, UnlockError, VaultFile,
};

#[test]
fn changing_the_passphrase_reseals_without_touching_the_vault() {
    let s = scene(40);
    let bob = unlock(bob());
    let new_pass = Passphrase::new("a new and longer passphrase".into());
    let resealed = bob
        .reseal(&new_pass, KdfParams::minimum(), &mut rng(41))
        .unwrap();
    assert_eq!(resealed.card(), bob.card());

    let reloaded = Member::from_json(&resealed.to_json()).unwrap();
    assert_eq!(
        reloaded.unlock(&common::bob().pass).unwrap_err(),
        UnlockError::WrongPassphrase
    );
    let again = reloaded.unlock(&new_pass).unwrap();
    assert_eq!(
        s.file
            .open(&again, &bob_trust(), &mut rng(42))
            .unwrap()
            .list()
            .len(),
        2
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn a_device_key_unlocks_the_local_copy_and_nothing_else() {
    let s = scene(43);
    let bob = unlock(bob());
    let device = DeviceKey::generate(&mut rng(44));
    let sealed = bob.seal_for_device(&device, &mut rng(45)).unwrap();
    let stored = DeviceSealedMember::from_json(&sealed.to_json()).unwrap();

    let quick = stored.unlock(&device).unwrap();
    let mut v = s.file.open(&quick, &bob_trust(), &mut rng(46)).unwrap();
    let secret = v
        .secrets(&s.bank, Access::Reveal, NOW + 50, &mut rng(47))
        .unwrap();
    assert_eq!(secret.password.expose(), "pw-bank");

    let other = DeviceKey::from_bytes([7; 32]);
    assert_eq!(
        stored.unlock(&other).unwrap_err(),
        UnlockError::WrongDeviceKey
    );
    let mut bytes = *device.to_bytes();
    bytes[0] ^= 1;
    assert_eq!(
        stored.unlock(&DeviceKey::from_bytes(bytes)).unwrap_err(),
        UnlockError::WrongDeviceKey
    );

    // The copy is bound to its card: another member's card does not fit.
    let mut json: serde_json::Value = serde_json::from_str(&sealed.to_json()).unwrap();
    json["card"] = serde_json::to_value(alice().stored.card()).unwrap();
    let swapped = DeviceSealedMember::from_json(&json.to_string()).unwrap();
    assert_eq!(
        swapped.unlock(&device).unwrap_err(),
        UnlockError::WrongDeviceKey
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn fingerprints_read_aloud_and_parse_back() {
    let card = alice().stored.card();
    let shown = card.fingerprint().to_string();
    assert_eq!(shown.len(), 16 * 4 + 15);
    assert!(
        shown
            .split(' ')
            .all(|g| g.len() == 4 && g.chars().all(|c| c.is_ascii_hexdigit()))
    );
    assert_eq!(shown.parse::<Fingerprint>().unwrap(), card.fingerprint());
    let typed = shown.to_uppercase().replace(' ', "-");
    assert_eq!(typed.parse::<Fingerprint>().unwrap(), card.fingerprint());
    assert_eq!(
        "12 34".parse::<Fingerprint>(),
        Err(FingerprintError::Length(4))
    );
    assert_eq!(
        "zz".parse::<Fingerprint>(),
        Err(FingerprintError::NotHex('z'))
    );

    // Independently: SHA-256 over the SPKI followed by the Ed25519 key.
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(&card.rsa_spki);
    hasher.update(card.ed25519);
    assert_eq!(
        card.fingerprint().as_bytes().as_slice(),
        hasher.finalize().as_slice()
    );
    assert_ne!(card.fingerprint(), bob().stored.card().fingerprint());
}

#[test]
fn key_sizes_and_ids_are_checked() {
    let pass = Passphrase::new("p".into());
    let err = Member::create("x", "X", &pass, KdfParams::minimum(), 1024, &mut rng(1)).unwrap_err();
    assert_eq!(err, MemberError::KeySize(1024));
    let err = Member::create(
        "no spaces",
        "X",
        &pass,
        KdfParams::minimum(),
        2048,
        &mut rng(1),
    );
    assert!(matches!(err, Err(MemberError::Format(_))));
    let weak = KdfParams {
        m_kib: 1024,
        t: 1,
        p: 1,
    };
    let err = Member::create("x", "X", &pass, weak, 2048, &mut rng(1)).unwrap_err();
    assert!(matches!(err, MemberError::Kdf(_)), "{err:?}");
}

#[test]
fn an_empty_passphrase_is_refused_at_creation_and_at_a_change() {
    for empty in ["", "   "] {
        let pass = Passphrase::new(empty.into());
        let err = Member::create("x", "X", &pass, KdfParams::minimum(), 2048, &mut rng(2));
        assert_eq!(err.unwrap_err(), MemberError::EmptyPassphrase);
        let err = unlock(bob()).reseal(&pass, KdfParams::minimum(), &mut rng(3));
        assert_eq!(err.unwrap_err(), MemberError::EmptyPassphrase);
    }
}

#[test]
fn a_3072_bit_member_works_end_to_end() {
    let pass = Passphrase::new("three thousand".into());
    let m = Member::create(
        "dana",
        "Dana",
        &pass,
        KdfParams::minimum(),
        3072,
        &mut rng(48),
    )
    .unwrap();
    let dana = m.unlock(&pass).unwrap();
    let file = VaultFile::create(&dana, "Big keys", NOW, &mut rng(49)).unwrap();
    let mut v = file.open(&dana, &Trust::own(&dana), &mut rng(50)).unwrap();
    v.add(draft("A", "a", "b", "https://a.example"), NOW, &mut rng(51))
        .unwrap();
    assert_eq!(
        v.file()
            .open(&dana, &Trust::own(&dana), &mut rng(52))
            .unwrap()
            .list()
            .len(),
        1
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn no_secret_holding_type_prints_its_secret() {
    let s = scene(53);
    let pass = Passphrase::new("hunter2-passphrase".into());
    let secret = Secret::from("hunter2-secret");
    let device = DeviceKey::from_bytes([0xab; 32]);
    let bob = unlock(bob());
    let mut v = s.file.open(&bob, &bob_trust(), &mut rng(54)).unwrap();
    let revealed = v
        .secrets(&s.bank, Access::Reveal, NOW, &mut rng(55))
        .unwrap();
    let sealed = bob.seal_for_device(&device, &mut rng(56)).unwrap();

    let printed = [
        format!("{pass:?}"),
        format!("{secret:?}"),
        format!("{device:?}"),
        format!("{bob:?}"),
        format!("{revealed:?}"),
        format!("{sealed:?}"),
        format!("{:?}", common::bob().stored),
        format!("{v:?}"),
        format!("{:?}", s.file),
    ];
    for text in &printed {
        for leak in ["hunter2", "pw-bank", "abab", "ABAB", "q6ur"] {
            assert!(!text.contains(leak), "{text}");
        }
    }
    assert!(printed[4].contains("hidden"));
}
