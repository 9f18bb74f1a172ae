//! `cargo xtask demo`: the main job, end to end, in one command.
//!
//! Builds the extension, then runs tests/demo.js: Chromium (headless when
//! there is no display) with the extension in a throwaway profile, a demo
//! vault, a bundled login page on 127.0.0.1, unlock, fill from the popup,
//! submit, and screenshots under target/demo/.

use std::process::Command;

use crate::{dist, prereq, run};

pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(unknown) = args.first() {
        return Err(format!("`demo` takes no arguments, got `{unknown}`"));
    }
    prereq::debian(&["chromium"])?;
    prereq::npm("tests")?;
    dist::build()?;

    let mut demo = Command::new("node");
    demo.arg("demo.js").current_dir(run::root().join("tests"));
    run::status(&mut demo)
}
