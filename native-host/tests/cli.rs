//! The vault commands of the CLI on a vault file in a temporary home, with the exit codes
//! scripts rely on.
#![allow(clippy::unwrap_used)]

mod common;

use std::os::unix::fs::PermissionsExt;

use common::Home;
use serde_json::Value;

const PASS: &str = "LATCHKEY_TEST_PASS";

fn run(home: &Home, args: &[&str], env: &[(&str, &str)]) -> (i32, Value, String) {
    let mut command = home.command();
    command.env(PASS, "correct horse battery staple");
    for (k, v) in env {
        command.env(k, v);
    }
    let out = command
        .args(["--json", "--passphrase-env", PASS])
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let value = serde_json::from_str(stdout.trim()).unwrap_or(Value::Null);
    (out.status.code().unwrap(), value, stdout)
}

/// Makes member `id` (named after it) with the cheapest KDF and returns its card.
fn member_create(home: &Home, id: &str) -> Value {
    let args = ["member-create", "--id", id, "--name", id, "--fast-kdf"];
    let (code, card, _) = run(home, &args, &[]);
    assert_eq!(code, 0, "{card}");
    card
}

#[test]
fn a_vault_from_the_command_line_end_to_end() {
    let home = Home::new("cli");
    let card = member_create(&home, "ada");
    assert_eq!(card["card"]["id"], "ada");
    assert_eq!(card["fingerprint"].as_str().unwrap().split(' ').count(), 16);

    let (code, created, _) = run(&home, &["create", "--name", "Clients"], &[]);
    assert_eq!(code, 0, "{created}");
    assert!(home.data().join("vault.json").is_file());

    let (code, added, _) = run(
        &home,
        &[
            "add",
            "--title",
            "Router",
            "--username",
            "admin",
            "--url",
            "https://login.example.com/",
            "--password-env",
            "PW",
            "--totp-env",
            "OTP",
        ],
        &[
            ("PW", "s3cret-pw"),
            (
                "OTP",
                "otpauth://totp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8",
            ),
        ],
    );
    assert_eq!(code, 0, "{added}");
    let id = added["id"].as_str().unwrap().to_owned();

    let (_, list, raw) = run(&home, &["list"], &[]);
    assert_eq!(list["entries"][0]["title"], "Router");
    assert!(!raw.contains("s3cret-pw"), "list printed a secret");

    let (_, hidden, raw) = run(&home, &["show", &id], &[]);
    assert_eq!(hidden["username"], "admin");
    assert!(!raw.contains("s3cret-pw"));
    let (_, shown, _) = run(&home, &["show", &id, "--reveal"], &[]);
    assert_eq!(shown["password"], "s3cret-pw");
    let (_, audit, _) = run(&home, &["audit"], &[]);
    let actions: Vec<String> = audit["audit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap_or("").to_lowercase())
        .collect();
    assert!(actions.iter().any(|a| a == "reveal"), "{actions:?}");

    let (_, found, _) = run(&home, &["search", "rout"], &[]);
    assert_eq!(found["entries"].as_array().unwrap().len(), 1);

    // Why is my login (not) suggested?
    let (_, matched, _) = run(&home, &["match", "https://www.example.com/account"], &[]);
    assert_eq!(matched["offered"][0]["id"], id.as_str());
    assert_eq!(matched["offered"][0]["rule"], "base_domain");
    let (_, other, _) = run(&home, &["match", "https://example.org/", "--all"], &[]);
    assert!(other["offered"].as_array().unwrap().is_empty());
    assert_eq!(other["not_offered"][0]["id"], id.as_str());

    let (code, edited, _) = run(&home, &["edit", &id, "--title", "Core router"], &[]);
    assert_eq!(code, 0, "{edited}");
    // An edit of one field keeps the others, secrets included.
    let (_, shown, _) = run(&home, &["show", &id, "--reveal"], &[]);
    assert_eq!(shown["title"], "Core router");
    assert_eq!(shown["username"], "admin");
    assert_eq!(shown["password"], "s3cret-pw");
    assert!(
        shown["totp"]
            .as_str()
            .unwrap_or("")
            .starts_with("otpauth://"),
        "{shown}"
    );
    // A TOTP URI that can never give a code is refused before anything is written.
    let (code, refused, _) = run(
        &home,
        &["edit", &id, "--totp-env", "BAD"],
        &[("BAD", "otpauth://totp/x?secret=GEZDGNBV&digits=99")],
    );
    assert_eq!(code, 2, "{refused}");
    assert!(
        refused["error"].as_str().unwrap().contains("BAD"),
        "{refused}"
    );
    let (_, history, _) = run(&home, &["history", &id], &[]);
    assert_eq!(history["versions"].as_array().unwrap().len(), 2);
    let (code, _, _) = run(&home, &["rollback", &id, "1"], &[]);
    assert_eq!(code, 0);
    let (_, list, _) = run(&home, &["list"], &[]);
    assert_eq!(list["entries"][0]["title"], "Router");

    let (code, _, _) = run(&home, &["delete", &id], &[]);
    assert_eq!(code, 0);
    let (_, list, _) = run(&home, &["list"], &[]);
    assert!(list["entries"].as_array().unwrap().is_empty());

    let (code, _, _) = run(
        &home,
        &["passwd", "--new-passphrase-env", "NEWPASS"],
        &[("NEWPASS", "a new passphrase")],
    );
    assert_eq!(code, 0);
    let (code, _, _) = run(&home, &["list"], &[(PASS, "a new passphrase")]);
    assert_eq!(code, 0);
}

#[test]
fn exit_codes_tell_wrong_passphrase_not_found_corrupt_and_usage_apart() {
    let home = Home::new("exits");
    let (code, err, _) = run(&home, &["list"], &[]);
    assert_eq!(code, 4, "{err}");
    assert!(err["error"].as_str().unwrap().contains("member-create"));

    run(
        &home,
        &["member-create", "--id", "bo", "--name", "Bo", "--fast-kdf"],
        &[],
    );
    run(&home, &["create", "--name", "V"], &[]);
    let (code, err, _) = run(&home, &["list"], &[(PASS, "wrong")]);
    assert_eq!(code, 3, "{err}");
    assert!(err["error"].as_str().unwrap().contains("wrong passphrase"));

    let (code, _, _) = run(&home, &["show", "e-0000000000000000"], &[]);
    assert!(code == 4 || code == 2, "{code}");

    let vault = home.data().join("vault.json");
    let good = std::fs::read_to_string(&vault).unwrap();
    std::fs::write(&vault, &good[..good.len() - 10]).unwrap();
    let (code, err, _) = run(&home, &["list"], &[]);
    assert_eq!(code, 5, "{err}");
    assert!(err["error"].as_str().unwrap().contains("left as it is"));

    let (code, _, _) = run(&home, &["rollback"], &[]);
    assert_eq!(code, 2);
    let out = home.cli(&["list", "--passphrase-env", "NOT_SET_ANYWHERE"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn totp_for_a_bare_uri_matches_rfc_6238() {
    let home = Home::new("totp");
    // RFC 6238 appendix B: SHA-1, T = 59 s, 8 digits, secret "12345678901234567890".
    let uri = "otpauth://totp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8&period=30";
    let (code, value, _) = run(&home, &["totp", "--uri", uri, "--at", "59"], &[]);
    assert_eq!(code, 0, "{value}");
    assert_eq!(value["code"], "94287082");
    assert_eq!(value["seconds_left"], 1);
    let (_, value, _) = run(&home, &["totp", "--uri", uri, "--at", "1111111109"], &[]);
    assert_eq!(value["code"], "07081804");
    // The same URI from a variable, so its secret stays off the command line.
    let args = ["totp", "--uri-env", "LK_URI", "--at", "59"];
    let (code, value, _) = run(&home, &args, &[("LK_URI", uri)]);
    assert_eq!(code, 0, "{value}");
    assert_eq!(value["code"], "94287082");
}

/// A member and a vault in `home`, made with the cheapest KDF.
fn member_and_vault(home: &Home) {
    let (code, out, _) = run(
        home,
        &[
            "member-create",
            "--id",
            "ada",
            "--name",
            "Ada",
            "--fast-kdf",
        ],
        &[],
    );
    assert_eq!(code, 0, "{out}");
    let (code, out, _) = run(home, &["create", "--name", "V"], &[]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn hotp_entries_give_rfc_4226_codes_in_order_and_each_use_appends_a_version() {
    let home = Home::new("hotp");
    member_and_vault(&home);
    // RFC 4226 appendix D: secret "12345678901234567890" (ASCII), base32 below.
    let uri = "otpauth://hotp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=0";
    let (code, added, _) = run(
        &home,
        &["add", "--title", "Bank", "--totp-env", "OTP"],
        &[("OTP", uri)],
    );
    assert_eq!(code, 0, "{added}");
    let id = added["id"].as_str().unwrap().to_owned();

    let expected = ["755224", "287082", "359152", "969429", "338314"];
    for (counter, want) in expected.iter().enumerate() {
        let (code, value, _) = run(&home, &["totp", &id], &[]);
        assert_eq!(code, 0, "{value}");
        assert_eq!(value["code"], *want, "counter {counter}");
        assert_eq!(value["counter"], counter);
        assert_eq!(value["advanced"], true);
    }
    let (_, history, _) = run(&home, &["history", &id], &[]);
    assert_eq!(
        history["versions"].as_array().unwrap().len(),
        1 + expected.len()
    );
    let (_, shown, _) = run(&home, &["show", &id, "--reveal"], &[]);
    let stored = shown["totp"].as_str().unwrap();
    assert!(stored.contains("counter=5"), "{stored}");

    // A bare URI shows the code for its own counter and nothing moves.
    let bare = "otpauth://hotp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=9";
    for _ in 0..2 {
        let (code, value, _) = run(&home, &["totp", "--uri", bare], &[]);
        assert_eq!(code, 0, "{value}");
        assert_eq!(value["code"], "520489");
        assert_eq!(value["advanced"], false);
    }
}

/// The newest head counter in the vault file, read from its JSON.
fn newest_head(vault: &std::path::Path) -> u64 {
    let value: Value = serde_json::from_str(&std::fs::read_to_string(vault).unwrap()).unwrap();
    let heads = value["heads"].as_array().unwrap();
    heads
        .iter()
        .map(|h| h["counter"].as_u64().unwrap())
        .max()
        .unwrap()
}

#[test]
fn a_rolled_back_vault_file_is_refused_naming_both_heads() {
    let home = Home::new("rollback");
    member_and_vault(&home);
    let add = |title: &str| {
        let (code, out, _) = run(&home, &["add", "--title", title], &[]);
        assert_eq!(code, 0, "{out}");
    };
    add("One");
    let vault = home.data().join("vault.json");
    let older = std::fs::read_to_string(&vault).unwrap();
    let older_head = newest_head(&vault);
    add("Two");
    let newer_head = newest_head(&vault);
    assert!(newer_head > older_head);

    // The store serves the copy from before "Two".
    std::fs::write(&vault, &older).unwrap();
    let (code, err, _) = run(&home, &["list"], &[]);
    assert_eq!(code, 5, "{err}");
    let message = err["error"].as_str().unwrap();
    let seen = home.data().join("seen.json");
    assert!(
        message.contains(&format!("holds head {older_head}"))
            && message.contains(&format!("written head {newer_head}"))
            && message.contains(&*vault.to_string_lossy())
            && message.contains(&*seen.to_string_lossy()),
        "{message}"
    );
    // Refused, not repaired: the older copy is left as it was.
    assert_eq!(std::fs::read_to_string(&vault).unwrap(), older);

    // A damaged memory is an error too, not a fresh start that would accept the copy.
    std::fs::write(&seen, "{").unwrap();
    let (code, err, _) = run(&home, &["list"], &[]);
    assert_eq!(code, 5, "{err}");
    assert!(
        err["error"].as_str().unwrap().contains("is damaged"),
        "{err}"
    );
}

#[test]
fn a_member_granted_by_another_admin_opens_the_vault_once_the_fingerprint_is_confirmed() {
    let ada = Home::new("admin-ada");
    let bo = Home::new("admin-bo");
    let eve = Home::new("admin-eve");
    let ada_fp = member_create(&ada, "ada")["fingerprint"]
        .as_str()
        .unwrap()
        .to_owned();
    let eve_fp = member_create(&eve, "eve")["fingerprint"]
        .as_str()
        .unwrap()
        .to_owned();
    let bo_card = member_create(&bo, "bo");
    let (code, out, _) = run(&ada, &["create", "--name", "Team"], &[]);
    assert_eq!(code, 0, "{out}");
    let (code, out, _) = run(&ada, &["add", "--title", "Shared"], &[]);
    assert_eq!(code, 0, "{out}");
    let card_file = ada.root.join("bo-card.json");
    std::fs::write(&card_file, bo_card.to_string()).unwrap();
    let bo_fp = bo_card["fingerprint"].as_str().unwrap();
    let grant = [
        "grant",
        "--card",
        &*card_file.to_string_lossy(),
        "--fingerprint",
        bo_fp,
    ];
    let (code, out, _) = run(&ada, &grant, &[]);
    assert_eq!(code, 0, "{out}");

    let vault = ada.data().join("vault.json");
    let vault = vault.to_string_lossy();
    let (code, err, _) = run(&bo, &["--vault", &vault, "list"], &[]);
    assert_eq!(code, 5, "{err}");
    assert!(
        err["error"]
            .as_str()
            .unwrap()
            .contains("--admin-fingerprint"),
        "{err}"
    );
    // Someone else's fingerprint does not make Ada's grant trusted.
    let (code, err, _) = run(
        &bo,
        &["--vault", &vault, "--admin-fingerprint", &eve_fp, "list"],
        &[],
    );
    assert_eq!(code, 5, "{err}");
    let (code, err, _) = run(
        &bo,
        &[
            "--vault",
            &vault,
            "--admin-fingerprint",
            "not a fingerprint",
            "list",
        ],
        &[],
    );
    assert_eq!(code, 2, "{err}");

    let (code, list, _) = run(
        &bo,
        &["--vault", &vault, "--admin-fingerprint", &ada_fp, "list"],
        &[],
    );
    assert_eq!(code, 0, "{list}");
    assert_eq!(list["entries"][0]["title"], "Shared");
    // Remembered for this vault: the flag is not needed again.
    let (code, list, _) = run(&bo, &["--vault", &vault, "list"], &[]);
    assert_eq!(code, 0, "{list}");
    let seen = std::fs::read_to_string(bo.data().join("seen.json")).unwrap();
    assert!(seen.contains(&ada_fp) && !seen.contains(&eve_fp), "{seen}");
}

/// Runs the CLI on a pseudo-terminal (util-linux `script`), typing `input`; returns the
/// exit code and everything the terminal showed.
fn on_tty(home: &Home, args: &[&str], input: &str) -> (i32, String) {
    let quote = |a: &str| format!("'{}'", a.replace('\'', "'\\''"));
    let line: Vec<String> = std::iter::once(common::BIN)
        .chain(["--json"])
        .chain(args.iter().copied())
        .map(quote)
        .collect();
    let mut child = std::process::Command::new("script")
        .args(["-qec", &line.join(" "), "/dev/null"])
        .env("HOME", &home.root)
        .env("XDG_CONFIG_HOME", home.root.join(".config"))
        .env("XDG_DATA_HOME", home.root.join(".local/share"))
        .env_remove("LATCHKEY_VAULT")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let shown = String::from_utf8_lossy(&out.stdout).into_owned();
    (out.status.code().unwrap(), shown)
}

#[test]
fn a_new_passphrase_is_typed_twice_on_a_terminal_and_a_mismatch_writes_nothing() {
    let home = Home::new("tty");
    let member = home.data().join("member.json");
    let create = ["member-create", "--id", "cy", "--name", "Cy", "--fast-kdf"];
    let (code, shown) = on_tty(&home, &create, "first try\nfirst tyr\n");
    assert_eq!(code, 2, "{shown}");
    assert!(shown.contains("the new passphrase again: "), "{shown}");
    assert!(shown.contains("the two new passphrases differ"), "{shown}");
    assert!(!member.exists());

    let (code, shown) = on_tty(&home, &create, "first try\nfirst try\n");
    assert_eq!(code, 0, "{shown}");
    let before = std::fs::read(&member).unwrap();

    // passwd: the current passphrase once, then the new one twice.
    let passwd = ["passwd", "--fast-kdf"];
    let (code, shown) = on_tty(&home, &passwd, "first try\nsecond\nsceond\n");
    assert_eq!(code, 2, "{shown}");
    assert!(shown.contains("the two new passphrases differ"), "{shown}");
    assert_eq!(std::fs::read(&member).unwrap(), before);
    let files = std::fs::read_dir(home.data()).unwrap().count();
    assert_eq!(files, 1, "passwd left a file behind");

    let (code, shown) = on_tty(&home, &passwd, "first try\nsecond\nsecond\n");
    assert_eq!(code, 0, "{shown}");
    let (code, _, _) = run(&home, &["member-card"], &[]);
    assert_eq!(code, 0);
    let (code, out, _) = run(&home, &["create", "--name", "V"], &[(PASS, "second")]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn passwd_reseals_with_the_default_kdf_and_keeps_each_previous_member_file() {
    let home = Home::new("passwd");
    member_and_vault(&home);
    let member = home.data().join("member.json");
    let original = std::fs::read(&member).unwrap();
    let passwd = |new: &str, extra: &[&str]| {
        let mut args = vec!["passwd", "--new-passphrase-env", "NEW"];
        args.extend_from_slice(extra);
        let (code, out, _) = run(&home, &args, &[("NEW", new)]);
        assert_eq!(code, 0, "{out}");
        std::path::PathBuf::from(out["backup"].as_str().unwrap())
    };

    let first = passwd("second passphrase", &[]);
    // The documented defaults (docs/FORMAT.md): 64 MiB, three passes, four lanes.
    let value: Value = serde_json::from_slice(&std::fs::read(&member).unwrap()).unwrap();
    assert_eq!(
        (
            &value["kdf"]["m_kib"],
            &value["kdf"]["t"],
            &value["kdf"]["p"]
        ),
        (&Value::from(65536), &Value::from(3), &Value::from(4))
    );
    assert_eq!(first.parent().unwrap(), home.data());
    let name = first.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("member.json.") && name.ends_with(".bak"),
        "{name}"
    );
    assert_eq!(std::fs::read(&first).unwrap(), original);
    let mode = std::fs::metadata(&first).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);

    let (code, _, _) = run(&home, &["list"], &[]);
    assert_eq!(
        code, 3,
        "the old passphrase still opens the new member file"
    );
    let (code, _, _) = run(&home, &["list"], &[(PASS, "second passphrase")]);
    assert_eq!(code, 0);

    // A second change (often within the same second) gets its own backup; the first
    // is untouched.
    let args = ["passwd", "--new-passphrase-env", "NEW", "--fast-kdf"];
    let env = [(PASS, "second passphrase"), ("NEW", "third passphrase")];
    let (code, out, _) = run(&home, &args, &env);
    assert_eq!(code, 0, "{out}");
    let second_backup = std::path::PathBuf::from(out["backup"].as_str().unwrap());
    assert_ne!(second_backup, first);
    assert_eq!(std::fs::read(&first).unwrap(), original);

    // The backup is a working member file: put back, the first passphrase opens it.
    std::fs::copy(&first, &member).unwrap();
    let (code, _, _) = run(&home, &["list"], &[]);
    assert_eq!(code, 0);
}

#[test]
fn generate_makes_passwords_and_passphrases_of_the_asked_shape() {
    let home = Home::new("generate");
    let (_, value, _) = run(&home, &["generate", "--length", "32", "--no-symbols"], &[]);
    let password = value["generated"].as_str().unwrap();
    assert_eq!(password.chars().count(), 32);
    assert!(password.chars().all(|c| c.is_ascii_alphanumeric()));
    let (_, value, _) = run(&home, &["generate", "--words", "5"], &[]);
    assert_eq!(value["generated"].as_str().unwrap().split('-').count(), 5);
}
