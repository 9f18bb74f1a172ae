use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::*;

/// Builds the host as `cargo test` would (debug) and returns its path. The outer cargo
/// has released the build lock by the time tests run, so this only waits on a fresh build.
fn host_binary() -> PathBuf {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "-q", "-p", "latchkey-host", "--bin", "latchkey"])
        .current_dir(run::root())
        .status()
        .unwrap();
    assert!(status.success(), "building the host failed");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| run::root().join("target"));
    target.join("debug/latchkey")
}

/// A fresh directory under the system's temporary directory, removed by the caller.
fn throwaway_home(tag: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir = std::env::temp_dir().join(format!(
        "latchkey-xtask-{tag}-{}-{nanos}",
        std::process::id()
    ));
    fs::create_dir_all(dir.join(".config")).unwrap();
    dir
}

/// Chrome's extension id: the first 16 bytes of SHA-256 over the manifest key's DER,
/// each nibble written as a letter from `a` (0) to `p` (15).
fn chrome_id_from_key() -> String {
    let manifest: Value = serde_json::from_str(
        &fs::read_to_string(run::root().join("manifest/chrome.json")).unwrap(),
    )
    .unwrap();
    let der = base64::engine::general_purpose::STANDARD
        .decode(manifest["key"].as_str().unwrap())
        .unwrap();
    Sha256::digest(&der)[..16]
        .iter()
        .flat_map(|b| [b >> 4, b & 15])
        .map(|n| char::from(b'a' + n))
        .collect()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn the_host_is_registered_for_chromium_and_firefox_in_a_throwaway_home() {
    let host = host_binary();
    let home = throwaway_home("register");
    let (config, data) = (home.join(".config"), home.join(".local/share"));
    let env = [
        ("HOME", home.as_path()),
        ("XDG_CONFIG_HOME", config.as_path()),
        ("XDG_DATA_HOME", data.as_path()),
    ];
    let browsers = ["chromium".to_owned(), "firefox".to_owned()];

    let installed = register(&host, &browsers, &env).unwrap();

    let chromium = config.join("chromium/NativeMessagingHosts/com.latchkey.host.json");
    let firefox = home.join(".mozilla/native-messaging-hosts/com.latchkey.host.json");
    assert_eq!(
        installed,
        [
            Installed {
                browser: "chromium".into(),
                manifest: chromium.clone()
            },
            Installed {
                browser: "firefox".into(),
                manifest: firefox.clone()
            },
        ]
    );

    let binary = host.canonicalize().unwrap().to_string_lossy().into_owned();
    let chromium_manifest = read_json(&chromium);
    assert_eq!(chromium_manifest["name"], "com.latchkey.host");
    assert_eq!(chromium_manifest["type"], "stdio");
    assert_eq!(chromium_manifest["path"], binary.as_str());
    let origin = format!("chrome-extension://{}/", chrome_id_from_key());
    assert_eq!(
        chromium_manifest["allowed_origins"],
        serde_json::json!([origin])
    );

    let gecko: Value = read_json(&run::root().join("manifest/firefox.json"));
    let firefox_manifest = read_json(&firefox);
    assert_eq!(firefox_manifest["path"], binary.as_str());
    assert_eq!(
        firefox_manifest["allowed_extensions"],
        serde_json::json!([gecko["browser_specific_settings"]["gecko"]["id"]])
    );

    // The host records what it wrote (for `latchkey uninstall`) in the throwaway data dir.
    let record = read_json(&data.join("latchkey/installed.json"));
    assert_eq!(record["items"].as_array().unwrap().len(), 2);

    // Running again changes nothing.
    assert_eq!(register(&host, &browsers, &env).unwrap(), installed);
    assert_eq!(read_json(&chromium), chromium_manifest);

    // The guide names every manifest and where the extension is.
    let text = guide(&run::root(), &host, &installed);
    assert!(text.contains(&chromium.display().to_string()), "{text}");
    assert!(text.contains(&firefox.display().to_string()), "{text}");
    assert!(text.contains("dist/chrome"), "{text}");

    fs::remove_dir_all(&home).unwrap();
}

#[test]
fn an_unknown_browser_is_refused_by_name_and_nothing_is_written() {
    let host = host_binary();
    let home = throwaway_home("unknown");
    let (config, data) = (home.join(".config"), home.join(".local/share"));
    let env = [
        ("HOME", home.as_path()),
        ("XDG_CONFIG_HOME", config.as_path()),
        ("XDG_DATA_HOME", data.as_path()),
    ];

    let error = register(&host, &["netscape".to_owned()], &env).unwrap_err();
    assert!(error.contains("netscape"), "{error}");
    assert!(!data.join("latchkey/installed.json").exists());

    fs::remove_dir_all(&home).unwrap();
}

#[test]
fn a_manifest_naming_another_binary_is_caught() {
    let home = throwaway_home("stale");
    let path = home.join("com.latchkey.host.json");
    fs::write(
        &path,
        r#"{"name": "com.latchkey.host", "path": "/elsewhere/latchkey"}"#,
    )
    .unwrap();
    let error = check_manifest(&path, Path::new("/here/latchkey")).unwrap_err();
    assert!(error.contains("/elsewhere/latchkey"), "{error}");

    fs::write(
        &path,
        r#"{"name": "com.other.host", "path": "/here/latchkey"}"#,
    )
    .unwrap();
    assert!(check_manifest(&path, Path::new("/here/latchkey")).is_err());

    fs::write(
        &path,
        r#"{"name": "com.latchkey.host", "path": "/here/latchkey"}"#,
    )
    .unwrap();
    check_manifest(&path, Path::new("/here/latchkey")).unwrap();
    fs::remove_dir_all(&home).unwrap();
}

#[test]
fn options_are_read_and_mistakes_named() {
    let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        parse(&args(&[
            "--browser",
            "chromium",
            "--no-build",
            "--browser",
            "firefox"
        ]))
        .unwrap(),
        Options {
            browsers: vec!["chromium".into(), "firefox".into()],
            build: false
        }
    );
    assert_eq!(
        parse(&[]).unwrap(),
        Options {
            browsers: vec![],
            build: true
        }
    );
    assert!(
        parse(&args(&["--browser"]))
            .unwrap_err()
            .contains("--browser")
    );
    assert!(parse(&args(&["--sytem"])).unwrap_err().contains("--sytem"));
}
