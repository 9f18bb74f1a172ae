//! `cargo xtask`: the one entry point for building, installing, the demo and CI.
//!
//! Every command installs what it needs itself (Rust targets, cargo tools,
//! Debian and npm packages), so a fresh machine needs no set-up by hand.
#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod demo;
mod dist;
mod install;
mod prereq;
mod run;
mod test;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  test      run every check and test, exactly as CI does
  demo      build everything, fill a login in Chromium, screenshots in target/demo
  dist      build the extension into dist/chrome and dist/firefox, with zips
  install   set latchkey up for your own browsers: build, register the host, pair
  help      show this text";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = args.first().map(String::as_str).unwrap_or("help");

    let result = match command {
        "test" => test::run(&args[1..]),
        "dist" => dist::run(&args[1..]),
        "demo" => demo::run(&args[1..]),
        "install" => install::run(&args[1..]),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };

    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}
