//! `cargo xtask test`: every check and every test, in the order CI runs them.
//!
//! Each step runs even when an earlier one failed, so one run shows every
//! problem; the command fails if any step did.

use std::process::Command;

use crate::{dist, prereq, run};

type Step = (&'static str, fn() -> Result<(), String>);

const STEPS: &[Step] = &[
    ("format", format),
    ("clippy (native)", clippy_native),
    ("clippy (wasm32)", clippy_wasm),
    ("unit and integration tests", tests_native),
    ("core tests as wasm under node", tests_wasm),
    ("fuzz targets, a few seconds each", fuzz_smoke),
    ("dependency audit", audit),
    (
        "extension lint and end-to-end tests in Chromium and Firefox ESR",
        end_to_end,
    ),
];

pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(unknown) = args.first() {
        return Err(format!("`test` takes no arguments, got `{unknown}`"));
    }
    prerequisites()?;

    let mut failed = Vec::new();
    for (name, step) in STEPS {
        eprintln!("\nxtask: == {name}");
        if let Err(message) = step() {
            eprintln!("xtask: {name}: {message}");
            failed.push(*name);
        }
    }

    let passed = STEPS.len() - failed.len();
    println!("\nsteps: {passed} passed, {} failed", failed.len());
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("failed steps: {}", failed.join(", ")))
    }
}

fn prerequisites() -> Result<(), String> {
    prereq::wasm_target()?;
    prereq::debian(prereq::DEBIAN_PACKAGES)?;
    prereq::wasm_bindgen()?;
    prereq::cargo_tool_any("cargo-audit", "cargo-audit")
}

fn format() -> Result<(), String> {
    run::cmd("cargo", &["fmt", "--all", "--", "--check"])
}

fn clippy_native() -> Result<(), String> {
    run::cmd(
        "cargo",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    )
}

fn clippy_wasm() -> Result<(), String> {
    run::cmd(
        "cargo",
        &[
            "clippy",
            "-p",
            "latchkey-core",
            "-p",
            "latchkey-extension",
            "--target",
            "wasm32-unknown-unknown",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    )
}

/// The native tests run inside a private D-Bus session with gnome-keyring,
/// so the host's OS-storage tests talk to a real Secret Service.
fn tests_native() -> Result<(), String> {
    with_secret_service(&["cargo", "test", "--workspace", "--all-targets"])
}

fn tests_wasm() -> Result<(), String> {
    run::cmd(
        "cargo",
        &[
            "test",
            "-p",
            "latchkey-core",
            "--target",
            "wasm32-unknown-unknown",
        ],
    )
}

/// The fuzz crate sits outside the workspace (as cargo-fuzz expects); its stable smoke
/// test drives both targets for a few seconds. It shares the workspace's target
/// directory so the dependencies are not built twice.
fn fuzz_smoke() -> Result<(), String> {
    let manifest = run::root().join("fuzz/Cargo.toml");
    let target = run::root().join("target");
    let manifest = manifest.to_string_lossy().into_owned();
    let target = target.to_string_lossy().into_owned();
    run::cmd(
        "cargo",
        &[
            "test",
            "--manifest-path",
            &manifest,
            "--target-dir",
            &target,
        ],
    )
}

/// Audits against the offline advisory snapshot that sits beside the checkout.
fn audit() -> Result<(), String> {
    let db = run::root().join("../shared/advisory-db");
    if !db.is_dir() {
        return Err(format!("no advisory database at {}", db.display()));
    }
    let db = db.to_string_lossy().into_owned();
    run::cmd("cargo", &["audit", "--db", &db, "--no-fetch", "--stale"])
}

/// Runs a command under `tests/with-secret-service.sh`.
pub fn with_secret_service(args: &[&str]) -> Result<(), String> {
    let script = run::root().join("tests/with-secret-service.sh");
    let mut command = Command::new("bash");
    command.arg(script).args(args).current_dir(run::root());
    run::status(&mut command)
}

/// Builds the extension, lints the Firefox build with web-ext, and runs the
/// browser tests (tests/e2e) against it, inside a private Secret Service so
/// quick unlock talks to a real keyring.
fn end_to_end() -> Result<(), String> {
    prereq::npm("tests")?;
    dist::build()?;

    let web_ext = run::root().join("tests/node_modules/.bin/web-ext");
    let firefox = run::root().join("dist/firefox");
    let mut lint = Command::new(web_ext);
    lint.args([
        "lint",
        "--warnings-as-errors",
        "--output",
        "text",
        "--source-dir",
    ])
    .arg(firefox)
    .current_dir(run::root().join("tests"));
    run::status(&mut lint)?;

    // The tests install this binary into each browser's profile with its own
    // installer, and the browsers start it.
    run::cmd(
        "cargo",
        &["build", "-p", "latchkey-host", "--bin", "latchkey"],
    )?;
    let host = run::target_dir().join("debug/latchkey");
    let tests = run::root().join("tests");
    let tests = tests.to_string_lossy().into_owned();
    let host = host.to_string_lossy().into_owned();
    with_secret_service(&[
        "env",
        &format!("LATCHKEY_HOST_BIN={host}"),
        "npm",
        "--prefix",
        &tests,
        "test",
    ])
}
