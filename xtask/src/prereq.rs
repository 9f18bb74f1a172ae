//! Installing what the build and the tests need, only when it is missing.
//!
//! Everything comes from the ordinary package clients: rustup for the wasm
//! target, `cargo install` for cargo tools, apt-get for Debian packages and npm
//! for the end-to-end driver. Nothing is downloaded any other way.

use std::process::Command;

use crate::run;

/// The wasm-bindgen CLI must match the `wasm-bindgen` crate exactly.
pub const WASM_BINDGEN_VERSION: &str = "0.2.130";

/// Debian packages for the browser tests, the Secret Service and wasm-opt.
pub const DEBIAN_PACKAGES: &[&str] = &[
    "chromium",
    "firefox-esr",
    "gnome-keyring",
    "dbus",
    "libsecret-tools",
    "binaryen",
    "xvfb",
    "zip",
];

pub fn wasm_target() -> Result<(), String> {
    let installed = run::output("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if installed
        .lines()
        .any(|t| t.trim() == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    run::cmd("rustup", &["target", "add", "wasm32-unknown-unknown"])
}

/// Installs a cargo tool at an exact version unless `bin --version` already names it.
///
/// The tool's own lock file is tried first; when the registry no longer serves
/// a version it pins (a yanked crate), the install resolves afresh instead.
pub fn cargo_tool(bin: &str, krate: &str, version: &str) -> Result<(), String> {
    let current = run::output(bin, &["--version"]).unwrap_or_default();
    if current.split_whitespace().any(|word| word == version) {
        return Ok(());
    }
    run::cmd(
        "cargo",
        &["install", krate, "--version", version, "--locked"],
    )
    .or_else(|_| run::cmd("cargo", &["install", krate, "--version", version]))
}

/// Installs a cargo tool at whatever version is current, unless it is present.
pub fn cargo_tool_any(bin: &str, krate: &str) -> Result<(), String> {
    if run::output(bin, &["--version"]).is_some() {
        return Ok(());
    }
    run::cmd("cargo", &["install", krate, "--locked"])
}

pub fn wasm_bindgen() -> Result<(), String> {
    cargo_tool("wasm-bindgen", "wasm-bindgen-cli", WASM_BINDGEN_VERSION)
}

/// Installs the Debian packages that are not installed yet.
pub fn debian(packages: &[&str]) -> Result<(), String> {
    let missing: Vec<&str> = packages
        .iter()
        .copied()
        .filter(|p| !debian_installed(p))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }

    let sudo = run::output("id", &["-u"])
        .map(|u| u.trim() != "0")
        .unwrap_or(true);
    let apt = |args: &[&str]| {
        let mut command = if sudo {
            Command::new("sudo")
        } else {
            Command::new("apt-get")
        };
        if sudo {
            command.arg("apt-get");
        }
        command.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        run::status(&mut command)
    };
    apt(&["update", "-q"])?;

    let mut args = vec!["install", "-y", "-q", "--no-install-recommends"];
    args.extend(missing);
    apt(&args)
}

fn debian_installed(package: &str) -> bool {
    run::output("dpkg-query", &["-W", "-f=${Status}", package])
        .is_some_and(|status| status.contains("install ok installed"))
}

#[allow(dead_code)] // for the end-to-end step, which installs the browser driver
/// Runs `npm ci` in a directory of the workspace unless its node_modules is current.
pub fn npm(dir: &str) -> Result<(), String> {
    let root = run::root().join(dir);
    let lock = root.join("package-lock.json");
    let stamp = root.join("node_modules/.package-lock.json");
    let fresh = match (std::fs::metadata(&lock), std::fs::metadata(&stamp)) {
        (Ok(l), Ok(s)) => match (l.modified(), s.modified()) {
            (Ok(l), Ok(s)) => s >= l,
            _ => false,
        },
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    let mut command = Command::new("npm");
    command
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(root);
    run::status(&mut command)
}
