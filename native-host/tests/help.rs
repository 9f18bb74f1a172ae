//! Every subcommand and every flag says what it is for, in `latchkey help X`.
#![allow(clippy::unwrap_used)]

mod common;

use clap::CommandFactory;
use latchkey_host::cli::Cli;

/// `path: what is missing` for each command or argument without help text.
fn missing(command: &clap::Command, path: &str, out: &mut Vec<String>) {
    if command.get_about().is_none() {
        out.push(format!("{path}: no description"));
    }
    for arg in command.get_arguments() {
        let id = arg.get_id().as_str();
        if matches!(id, "help" | "version") {
            continue;
        }
        if arg.get_help().is_none() && arg.get_long_help().is_none() {
            out.push(format!("{path} {id}: no help"));
        }
    }
    for sub in command.get_subcommands() {
        if sub.get_name() == "help" {
            continue;
        }
        missing(sub, &format!("{path} {}", sub.get_name()), out);
    }
}

#[test]
fn every_subcommand_and_flag_has_help_text() {
    let mut out = Vec::new();
    missing(&Cli::command(), "latchkey", &mut out);
    assert!(out.is_empty(), "without help text:\n{}", out.join("\n"));
}

#[test]
fn help_for_a_subcommand_prints_its_flags() {
    let home = common::Home::new("help");
    let out = home.cli(&["help", "install"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("--profile <DIR>") && text.contains("user-data-dir"),
        "{text}"
    );
    let out = home.cli(&["help", "pairings", "revoke"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("<ID>"));
}
