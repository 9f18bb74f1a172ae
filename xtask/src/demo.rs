//! `cargo xtask demo`: the main job, end to end, in one command.
//!
//! Builds the extension and the native host, then runs tests/demo.js inside a
//! private Secret Service (tests/with-secret-service.sh, never the user's
//! own keyring): Chromium (headless when there is no display) with the
//! extension in a throwaway profile, the host installed into that profile and
//! paired, a demo vault, a bundled login page on 127.0.0.1, unlock with the
//! passphrase and then with quick unlock, fill from the popup, submit, and
//! screenshots under target/demo/.

use std::process::Command;

use crate::{dist, prereq, run};

pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(unknown) = args.first() {
        return Err(format!("`demo` takes no arguments, got `{unknown}`"));
    }
    prereq::debian(&["chromium", "gnome-keyring", "dbus"])?;
    prereq::npm("tests")?;
    dist::build()?;
    run::cmd(
        "cargo",
        &["build", "-p", "latchkey-host", "--bin", "latchkey"],
    )?;

    let host = run::target_dir().join("debug/latchkey");
    let mut demo = Command::new("bash");
    demo.arg(run::root().join("tests/with-secret-service.sh"))
        .args(["node", "demo.js"])
        .env("LATCHKEY_HOST_BIN", host)
        .current_dir(run::root().join("tests"));
    run::status(&mut demo)
}
