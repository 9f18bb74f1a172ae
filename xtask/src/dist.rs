//! `cargo xtask dist`: the extension for Chrome and Firefox, ready to load.
//!
//! Builds the wasm crate for wasm32, binds it with `wasm-bindgen --target web`,
//! shrinks it with Debian's `wasm-opt`, then lays out `dist/chrome/` and
//! `dist/firefox/` from `manifest/` and `extension/js/`, and zips each.

use std::fs;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::{prereq, run};

/// The browsers latchkey builds for, named as their `manifest/<name>.json`.
pub const BROWSERS: [&str; 2] = ["chrome", "firefox"];

/// The wasm features Rust's wasm32 target emits by default, which both
/// browsers support; wasm-opt must be told it may keep them.
const WASM_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(unknown) = args.first() {
        return Err(format!("`dist` takes no arguments, got `{unknown}`"));
    }
    build()
}

/// Builds everything and returns once `dist/` is complete.
pub fn build() -> Result<(), String> {
    prereq::wasm_target()?;
    prereq::wasm_bindgen()?;
    prereq::debian(&["binaryen", "zip"])?;

    let root = run::root();
    let bindgen = run::target_dir().join("wasm-bindgen");
    build_wasm(&bindgen)?;

    for browser in BROWSERS {
        let out = root.join("dist").join(browser);
        lay_out(&root, &bindgen, browser, &out)?;
        zip(
            &out,
            &root.join("dist").join(format!("latchkey-{browser}.zip")),
        )?;
    }
    eprintln!("xtask: extension built in dist/chrome and dist/firefox");
    Ok(())
}

fn build_wasm(bindgen: &Path) -> Result<(), String> {
    run::cmd(
        "cargo",
        &[
            "build",
            "-p",
            "latchkey-extension",
            "--lib",
            "--target",
            "wasm32-unknown-unknown",
            "--release",
        ],
    )?;

    // wasm-opt runs before wasm-bindgen: Debian's binaryen (108) rewrites the
    // externref table that wasm-bindgen emits into one browsers refuse to fill.
    let raw = run::target_dir().join("wasm32-unknown-unknown/release/latchkey_extension.wasm");
    let opt_dir = run::target_dir().join("wasm-opt");
    fs::create_dir_all(&opt_dir).map_err(|e| io_error("create", &opt_dir, e))?;
    let optimized = opt_dir.join("latchkey_extension.wasm");
    let (raw, optimized) = (raw.to_string_lossy(), optimized.to_string_lossy());
    let mut args = vec!["-Oz", "--strip-debug"];
    args.extend_from_slice(WASM_FEATURES);
    args.extend_from_slice(&[&raw, "-o", &optimized]);
    run::cmd("wasm-opt", &args)?;

    let out = bindgen.to_string_lossy().into_owned();
    run::cmd(
        "wasm-bindgen",
        &[
            &optimized,
            "--target",
            "web",
            "--no-typescript",
            "--out-dir",
            &out,
        ],
    )
}

/// Writes one browser's directory: manifest, scripts and pages, wasm.
fn lay_out(root: &Path, bindgen: &Path, browser: &str, out: &Path) -> Result<(), String> {
    if out.exists() {
        fs::remove_dir_all(out).map_err(|e| io_error("clear", out, e))?;
    }
    let wasm_dir = out.join("wasm");
    fs::create_dir_all(&wasm_dir).map_err(|e| io_error("create", &wasm_dir, e))?;

    copy_dir(&root.join("extension/js"), out)?;
    for file in ["latchkey_extension.js", "latchkey_extension_bg.wasm"] {
        copy(&bindgen.join(file), &wasm_dir.join(file))?;
    }

    let manifest = manifest(root, browser)?;
    let path = out.join("manifest.json");
    let text = serde_json::to_string_pretty(&manifest)
        .map_err(|e| format!("could not write the {browser} manifest: {e}"))?;
    fs::write(&path, text + "\n").map_err(|e| io_error("write", &path, e))
}

/// The base manifest with the browser's own keys laid over it (top-level keys
/// replace) and the workspace version.
pub fn manifest(root: &Path, browser: &str) -> Result<Value, String> {
    let mut base = read_json(&root.join("manifest/base.json"))?;
    let overlay = read_json(&root.join("manifest").join(format!("{browser}.json")))?;
    let (Some(base_map), Value::Object(over)) = (base.as_object_mut(), overlay) else {
        return Err(format!(
            "manifest/base.json and manifest/{browser}.json must be objects"
        ));
    };
    base_map.extend(over);
    base_map.insert(
        "version".into(),
        Value::String(env!("CARGO_PKG_VERSION").into()),
    );
    Ok(base)
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text = fs::read_to_string(path).map_err(|e| io_error("read", path, e))?;
    serde_json::from_str(&text).map_err(|e| format!("{} is not valid JSON: {e}", path.display()))
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    let entries = fs::read_dir(from).map_err(|e| io_error("read", from, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| io_error("read", from, e))?;
        let path = entry.path();
        if path.is_file() {
            copy(&path, &to.join(entry.file_name()))?;
        }
    }
    Ok(())
}

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| io_error("copy", from, e))
}

fn zip(dir: &Path, archive: &Path) -> Result<(), String> {
    if archive.exists() {
        fs::remove_file(archive).map_err(|e| io_error("replace", archive, e))?;
    }
    let mut command = Command::new("zip");
    command
        .args(["-q", "-r", "-X"])
        .arg(archive)
        .arg(".")
        .current_dir(dir);
    run::status(&mut command)
}

fn io_error(what: &str, path: &Path, e: std::io::Error) -> String {
    format!("could not {what} {}: {e}", path.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The manifest rules of issue 5, checked on what `dist` would write.
    #[test]
    fn manifests_keep_the_least_permissions_and_a_strict_policy() {
        let root = run::root();
        for browser in BROWSERS {
            let m = manifest(&root, browser).unwrap_or_else(|e| panic!("{browser}: {e}"));
            assert_eq!(m["manifest_version"], 3, "{browser}");
            assert!(m.get("web_accessible_resources").is_none(), "{browser}");
            assert!(m.get("externally_connectable").is_none(), "{browser}");
            assert!(m.get("host_permissions").is_none(), "{browser}");
            assert_eq!(
                m["content_security_policy"]["extension_pages"],
                "script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'",
                "{browser}"
            );
            let permissions: Vec<&str> = m["permissions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p.as_str().unwrap())
                .collect();
            assert_eq!(permissions, ["storage", "contextMenus", "nativeMessaging"]);
            assert_eq!(m["version"], env!("CARGO_PKG_VERSION"));
        }

        let chrome = manifest(&root, "chrome").unwrap();
        assert_eq!(chrome["background"]["service_worker"], "background.js");
        assert!(chrome["key"].as_str().is_some_and(|k| k.len() > 300));
        let firefox = manifest(&root, "firefox").unwrap();
        assert_eq!(firefox["background"]["scripts"][0], "background.js");
        assert_eq!(
            firefox["browser_specific_settings"]["gecko"]["id"],
            "latchkey@latchkey.invalid"
        );
    }
}
