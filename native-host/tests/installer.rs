//! The installer against a temporary home: every file it writes, its JSON, and the words
//! it prints (pinned here so a change of wording is seen in review).
#![allow(clippy::unwrap_used)]

mod common;

use std::os::unix::fs::PermissionsExt;

use common::{BIN, Home};
use serde_json::{Value, json};

/// Where the Chromium manifest goes, under the home.
const CHROMIUM_MANIFEST: &str = ".config/chromium/NativeMessagingHosts/com.latchkey.host.json";

fn text(out: &std::process::Output, home: &Home) -> String {
    String::from_utf8_lossy(&out.stdout).replace(&*home.root.to_string_lossy(), "$HOME")
}

/// The output text of a run that must have succeeded.
fn succeeded(out: &std::process::Output, home: &Home) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text(out, home)
}

fn binary() -> String {
    std::fs::canonicalize(BIN)
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

#[test]
fn install_writes_each_found_browsers_manifest_and_uninstall_removes_exactly_those() {
    let home = Home::new("install");
    // Profiles for Chromium and Firefox exist; no other browser does.
    std::fs::create_dir_all(home.root.join(".config/chromium")).unwrap();
    std::fs::create_dir_all(home.root.join(".mozilla")).unwrap();
    // Something of the user's own in the same directory, which uninstall must keep.
    let mine = home.root.join(".mozilla/native-messaging-hosts/other.json");
    std::fs::create_dir_all(mine.parent().unwrap()).unwrap();
    std::fs::write(&mine, "{}").unwrap();

    let out = home.cli(&[
        "install",
        "--extension-id",
        "abcdefghijklmnopabcdefghijklmnop",
    ]);
    assert_eq!(
        succeeded(&out, &home),
        "installed com.latchkey.host for Chromium: \
         $HOME/.config/chromium/NativeMessagingHosts/com.latchkey.host.json\n\
         installed com.latchkey.host for Firefox: \
         $HOME/.mozilla/native-messaging-hosts/com.latchkey.host.json\n"
    );

    let chromium = home.root.join(CHROMIUM_MANIFEST);
    let value: Value = serde_json::from_str(&std::fs::read_to_string(&chromium).unwrap()).unwrap();
    assert_eq!(
        value,
        json!({
            "name": "com.latchkey.host",
            "description": "latchkey native host: OS secure storage and the shared vault file",
            "path": binary(),
            "type": "stdio",
            "allowed_origins": [
                "chrome-extension://gbaebdhpdpjkklhkedkjnnoedbdnpfej/",
                "chrome-extension://abcdefghijklmnopabcdefghijklmnop/"
            ]
        })
    );
    let mode = std::fs::metadata(&chromium).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o644);

    let firefox = home
        .root
        .join(".mozilla/native-messaging-hosts/com.latchkey.host.json");
    let value: Value = serde_json::from_str(&std::fs::read_to_string(&firefox).unwrap()).unwrap();
    assert_eq!(
        value["allowed_extensions"],
        json!(["latchkey@latchkey.invalid"])
    );
    assert_eq!(value["path"], binary());
    assert!(!home.root.join(".config/google-chrome").exists());

    let out = home.cli(&["uninstall"]);
    assert!(out.status.success());
    assert_eq!(
        text(&out, &home),
        "removed $HOME/.config/chromium/NativeMessagingHosts/com.latchkey.host.json\n\
         removed $HOME/.mozilla/native-messaging-hosts/com.latchkey.host.json\n"
    );
    assert!(!chromium.exists() && !firefox.exists());
    assert!(mine.exists(), "uninstall removed a file it did not write");
    let out = home.cli(&["uninstall"]);
    assert_eq!(
        text(&out, &home),
        "nothing to remove: latchkey install wrote no manifest here\n"
    );
}

#[test]
fn a_chosen_browser_is_installed_even_without_a_profile_and_bad_input_is_a_usage_error() {
    let home = Home::new("choose");
    let out = home.cli(&["install", "--browser", "brave"]);
    assert!(out.status.success());
    assert_eq!(
        text(&out, &home),
        "installed com.latchkey.host for Brave: \
         $HOME/.config/BraveSoftware/Brave-Browser/NativeMessagingHosts/com.latchkey.host.json\n"
    );

    let out = home.cli(&["install", "--browser", "netscape"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown browser `netscape`"));
    let out = home.cli(&["install", "--extension-id", "not an id"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not an extension id"));
}

#[test]
fn install_fails_with_the_reason_when_it_writes_nothing() {
    let empty = Home::new("empty");
    let out = empty.cli(&["install"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "latchkey: nothing was installed: no browser profile found; name one with --browser \
         (chrome, chromium, edge, brave, vivaldi, firefox) or use --profile DIR\n"
    );
    assert!(!empty.data().join("installed.json").exists());

    // Only a Snap browser: the reason it cannot be served is part of the failure.
    let snap = Home::new("snap-only");
    std::fs::create_dir_all(snap.root.join("snap/firefox")).unwrap();
    let out = snap.cli(&["--json", "install"]);
    assert_eq!(out.status.code(), Some(1));
    let value: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(value["exit"], 1);
    let error = value["error"].as_str().unwrap();
    assert!(
        error.starts_with("nothing was installed: no browser profile found")
            && error.contains("found Firefox as a Snap"),
        "{error}"
    );
    assert!(!snap.root.join(".mozilla").exists());
}

#[test]
fn flatpak_browsers_get_a_manifest_and_a_copy_inside_their_sandbox_and_snaps_an_explanation() {
    let home = Home::new("sandbox");
    std::fs::create_dir_all(home.root.join(".var/app/org.chromium.Chromium")).unwrap();
    std::fs::create_dir_all(home.root.join("snap/firefox")).unwrap();
    let out = home.cli(&["install", "--browser", "chromium", "--browser", "firefox"]);
    assert!(out.status.success());
    let shown = text(&out, &home);
    assert!(
        shown.contains(
            "installed com.latchkey.host for Chromium (Flatpak org.chromium.Chromium): \
         $HOME/.var/app/org.chromium.Chromium/config/chromium/NativeMessagingHosts/\
         com.latchkey.host.json"
        ),
        "{shown}"
    );
    assert!(shown.contains("--talk-name=org.freedesktop.secrets org.chromium.Chromium"));
    assert!(shown.contains("found Firefox as a Snap"), "{shown}");

    let copy = home
        .root
        .join(".var/app/org.chromium.Chromium/data/latchkey/latchkey");
    assert!(copy.is_file());
    let manifest = home.root.join(
        ".var/app/org.chromium.Chromium/config/chromium/NativeMessagingHosts/com.latchkey.host.json",
    );
    let value: Value = serde_json::from_str(&std::fs::read_to_string(&manifest).unwrap()).unwrap();
    assert_eq!(value["path"], copy.to_string_lossy().as_ref());

    let out = home.cli(&["uninstall"]);
    assert!(out.status.success());
    assert!(!copy.exists() && !manifest.exists());
}

#[test]
fn doctor_checks_each_manifest_and_launches_the_host_as_a_browser_would() {
    let home = Home::new("doctor");
    let out = home.cli(&["doctor"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out, &home).contains("no latchkey manifest found"));

    home.install();
    let out = home.cli(&["doctor"]);
    let shown = text(&out, &home);
    assert!(
        shown.starts_with(
            "Chromium: $HOME/.config/chromium/NativeMessagingHosts/com.latchkey.host.json\n  ok: \
         the manifest is valid and the host answers hello\nFirefox: \
         $HOME/.mozilla/native-messaging-hosts/com.latchkey.host.json\n  ok: the manifest is \
         valid and the host answers hello\nOS secure store: "
        ),
        "{shown}"
    );

    // A manifest naming a script that prints before its first frame: the classic failure.
    let script = home.root.join("noisy.sh");
    std::fs::write(
        &script,
        format!("#!/bin/sh\necho hello from a profile\nexec {BIN} \"$@\"\n"),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let manifest = home.root.join(CHROMIUM_MANIFEST);
    let mut value: Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest).unwrap()).unwrap();
    value["path"] = json!(script.to_string_lossy());
    value["allowed_origins"] = json!([
        "chrome-extension://gbaebdhpdpjkklhkedkjnnoedbdnpfej/",
        "https://evil/"
    ]);
    std::fs::write(&manifest, value.to_string()).unwrap();
    let shown = text(&home.cli(&["doctor"]), &home);
    assert!(
        shown.contains("entry `https://evil/` is not well formed"),
        "{shown}"
    );

    value["allowed_origins"] = json!(["chrome-extension://gbaebdhpdpjkklhkedkjnnoedbdnpfej/"]);
    std::fs::write(&manifest, value.to_string()).unwrap();
    let shown = text(&home.cli(&["doctor"]), &home);
    assert!(
        shown.contains("something printed to stdout before the first frame"),
        "{shown}"
    );
    assert!(shown.contains("68 65 6c 6c (\"hell\")"), "{shown}");
}

#[test]
fn the_host_repairs_manifests_whose_binary_has_moved() {
    let home = Home::new("repair");
    home.install();
    let manifest = home.root.join(CHROMIUM_MANIFEST);
    let mut value: Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest).unwrap()).unwrap();
    value["path"] = json!("/nowhere/latchkey");
    std::fs::write(&manifest, value.to_string()).unwrap();

    let host = home.launch(common::CHROME_ORIGIN);
    assert!(host.close().0.success());
    let value: Value = serde_json::from_str(&std::fs::read_to_string(&manifest).unwrap()).unwrap();
    assert_eq!(value["path"], binary());
}

#[test]
fn a_profile_install_writes_into_the_user_data_dir_is_recorded_and_admits_its_callers() {
    let home = Home::new("profile");
    let profile = home.root.join("chromium-profile");
    let extra = "abcdefghijklmnopabcdefghijklmnop";
    let out = home.cli(&[
        "install",
        "--profile",
        &profile.to_string_lossy(),
        "--extension-id",
        extra,
    ]);
    assert_eq!(
        succeeded(&out, &home),
        "installed com.latchkey.host for the browser profile (--user-data-dir) \
         $HOME/chromium-profile: \
         $HOME/chromium-profile/NativeMessagingHosts/com.latchkey.host.json\n"
    );
    let manifest = profile.join("NativeMessagingHosts/com.latchkey.host.json");
    let value: Value = serde_json::from_str(&std::fs::read_to_string(&manifest).unwrap()).unwrap();
    assert_eq!(value["path"], binary());
    assert_eq!(
        value["allowed_origins"],
        json!([
            "chrome-extension://gbaebdhpdpjkklhkedkjnnoedbdnpfej/",
            format!("chrome-extension://{extra}/")
        ])
    );
    // Nothing went to the usual places.
    assert!(!home.root.join(".config").exists());
    let record: Value =
        serde_json::from_str(&std::fs::read_to_string(home.data().join("installed.json")).unwrap())
            .unwrap();
    assert_eq!(
        record["items"][0]["manifest"],
        manifest.to_string_lossy().as_ref()
    );
    assert_eq!(
        record["items"][0]["profile"],
        profile.to_string_lossy().as_ref()
    );

    // Both callers the profile's manifest names are served; others are not.
    for origin in [
        common::CHROME_ORIGIN.to_owned(),
        format!("chrome-extension://{extra}/"),
    ] {
        let mut host = home.launch(&origin);
        host.send(common::HELLO);
        common::assert_hello(&host.recv());
        assert!(host.close().0.success());
    }
    let mut host = home.launch("chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/");
    host.send(common::HELLO);
    assert_eq!(common::error_of(&host.recv()).1, "origin_refused");
    assert!(host.close().0.success());

    // doctor checks it like any other manifest.
    let shown = text(&home.cli(&["doctor"]), &home);
    assert!(
        shown.starts_with(
            "Chromium: $HOME/chromium-profile/NativeMessagingHosts/com.latchkey.host.json\n  \
             ok: the manifest is valid and the host answers hello\n"
        ),
        "{shown}"
    );

    let out = home.cli(&["uninstall"]);
    assert!(out.status.success());
    assert_eq!(
        text(&out, &home),
        "removed $HOME/chromium-profile/NativeMessagingHosts/com.latchkey.host.json\n"
    );
    assert!(!manifest.exists());
}

#[test]
fn a_profile_install_for_firefox_or_system_wide_is_refused_with_what_to_do() {
    let home = Home::new("profile-ff");
    let profile = home.root.join("ff-profile");
    let dir = profile.to_string_lossy().into_owned();
    let out = home.cli(&["install", "--profile", &dir, "--browser", "firefox"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Firefox reads native messaging manifests only from $HOME")
            && err.contains("HOME set to"),
        "{err}"
    );
    let out = home.cli(&["install", "--profile", &dir, "--system"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--system"));
    assert!(!profile.exists());
    assert!(!home.data().join("installed.json").exists());
}

#[test]
fn uninstall_and_repair_touch_only_latchkey_manifests_at_known_places() {
    let home = Home::new("record");
    home.install();
    let chromium = home.root.join(CHROMIUM_MANIFEST);
    let firefox = home
        .root
        .join(".mozilla/native-messaging-hosts/com.latchkey.host.json");

    // Files the record should never be able to reach: an unrelated file named as a
    // manifest (and as a sandbox copy), and at a real manifest place someone else's file.
    let unrelated = home.root.join("thesis.json");
    std::fs::write(&unrelated, r#"{"path": "/nowhere", "allowed_origins": []}"#).unwrap();
    let program = home.root.join("program");
    std::fs::write(&program, "mine").unwrap();
    let other = json!({"name": "org.other.host", "path": "/nowhere", "type": "stdio",
                       "allowed_extensions": ["x@y.z"]});
    std::fs::write(&firefox, other.to_string()).unwrap();

    let record_path = home.data().join("installed.json");
    let mut record: Value =
        serde_json::from_str(&std::fs::read_to_string(&record_path).unwrap()).unwrap();
    let items = record["items"].as_array_mut().unwrap();
    items.push(
        json!({"browser": "chromium", "system": false, "manifest": unrelated,
                      "binary_copy": program}),
    );
    items.push(json!({"browser": "chrome", "system": false,
                      "manifest": home.root.join("thesis.json"), "profile": home.root}));
    std::fs::write(&record_path, record.to_string()).unwrap();

    // Repair (the host's start) rewrites neither the unrelated file nor the foreign one.
    let host = home.launch(common::CHROME_ORIGIN);
    assert!(host.close().0.success());
    assert_eq!(
        std::fs::read_to_string(&unrelated).unwrap(),
        r#"{"path": "/nowhere", "allowed_origins": []}"#
    );
    assert_eq!(
        std::fs::read_to_string(&firefox).unwrap(),
        other.to_string()
    );

    let out = home.cli(&["uninstall"]);
    assert_eq!(
        succeeded(&out, &home),
        "removed $HOME/.config/chromium/NativeMessagingHosts/com.latchkey.host.json\n\
         left $HOME/.mozilla/native-messaging-hosts/com.latchkey.host.json: it is not a \
         latchkey host manifest\n\
         left $HOME/thesis.json: it is not where latchkey installs manifests (was HOME or \
         XDG_CONFIG_HOME different when it was installed?)\n\
         left $HOME/thesis.json: it is not where latchkey installs manifests (was HOME or \
         XDG_CONFIG_HOME different when it was installed?)\n"
    );
    assert!(!chromium.exists());
    assert!(unrelated.exists() && firefox.exists());
    assert_eq!(std::fs::read_to_string(&program).unwrap(), "mine");
}
