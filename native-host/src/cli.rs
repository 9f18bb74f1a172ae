//! The command line: installer, pairing and the vault commands for scripts.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use serde_json::json;

use crate::install::{self, InstallOptions};
use crate::pairings::PairingStore;
use crate::serve::{now, os_rng};
use crate::{doctor, keystore, paths, vault};

pub const EXIT_FAILURE: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
pub const EXIT_NOT_FOUND: u8 = 4;
pub const EXIT_CORRUPT: u8 = 5;

#[derive(Parser)]
#[command(
    name = "latchkey",
    version,
    about = "latchkey: the native host and vault command line"
)]
pub struct Cli {
    /// The vault file (default: $LATCHKEY_VAULT, else the data directory's vault.json).
    #[arg(long, global = true)]
    pub vault: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    /// Read the passphrase from this open file descriptor (one line).
    #[arg(long, global = true, value_name = "FD")]
    pub passphrase_fd: Option<i32>,
    /// Read the passphrase from the environment variable with this name.
    #[arg(long, global = true, value_name = "NAME")]
    pub passphrase_env: Option<String>,
    /// The fingerprint of the admin who granted you access, confirmed with them (needed
    /// once per vault; it is remembered after the vault opens with it).
    #[arg(long, global = true, value_name = "FP")]
    pub admin_fingerprint: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Write the native messaging manifest for each browser found.
    Install {
        /// Install for every user (system directories; needs root) instead of for you.
        #[arg(long)]
        system: bool,
        /// chrome, chromium, edge, brave, vivaldi or firefox (repeatable).
        #[arg(long = "browser", value_name = "NAME")]
        browsers: Vec<String>,
        /// Also allow this extension id (repeatable).
        #[arg(long = "extension-id", value_name = "ID")]
        extension_ids: Vec<String>,
        /// Write the manifest into this Chromium --user-data-dir (DIR/NativeMessagingHosts)
        /// instead of the browsers' usual places; Firefox has no such place.
        #[arg(long, value_name = "DIR")]
        profile: Option<PathBuf>,
    },
    /// Remove exactly the manifests `install` wrote.
    Uninstall {
        /// Remove what `install --system` wrote instead of your own manifests.
        #[arg(long)]
        system: bool,
        /// Only this browser's manifests (repeatable; default: all recorded).
        #[arg(long = "browser", value_name = "NAME")]
        browsers: Vec<String>,
    },
    /// Check the manifests, the binary, the OS store and sandboxed browsers.
    Doctor,
    /// Show a one-time code to pair the extension with this host.
    Pair,
    /// List pairings, or revoke one.
    Pairings {
        #[command(subcommand)]
        action: Option<PairingsAction>,
    },
    /// The OS store and the vault file.
    Status,
    #[command(flatten)]
    Vault(vault::VaultCommand),
}

#[derive(Subcommand)]
pub enum PairingsAction {
    /// Every pairing: its id, the extension's origin, when made and last used.
    List,
    /// Forget a pairing: that browser profile must pair again.
    Revoke {
        /// The pairing id, as `latchkey pairings` lists it (p-...).
        id: String,
    },
}

/// A failure with the exit code it maps to.
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    pub fn new(code: u8, message: impl ToString) -> Failure {
        Failure {
            code,
            message: message.to_string(),
        }
    }
}

pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let json = cli.json;
    match execute(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            if json {
                let error = json!({"error": failure.message, "exit": failure.code});
                println!("{error}");
            } else {
                eprintln!("latchkey: {}", failure.message);
            }
            ExitCode::from(failure.code)
        }
    }
}

fn data_store() -> Result<PairingStore, Failure> {
    paths::data_dir()
        .map(PairingStore::new)
        .ok_or_else(|| Failure::new(EXIT_USAGE, "no home directory: set HOME"))
}

fn print(json: bool, text: &str, value: serde_json::Value) {
    if json {
        println!("{value}");
    } else {
        print!("{text}");
    }
}

fn execute(cli: Cli) -> Result<(), Failure> {
    let json = cli.json;
    match cli.command {
        Command::Install {
            system,
            browsers,
            extension_ids,
            profile,
        } => {
            let options = InstallOptions {
                system,
                browsers,
                extension_ids,
                profile,
            };
            let text = install::install(&options).map_err(|e| {
                let code = match e {
                    install::InstallError::NothingInstalled(_) => EXIT_FAILURE,
                    _ => EXIT_USAGE,
                };
                Failure::new(code, e)
            })?;
            print(
                json,
                &text,
                json!({"installed": install::load_record().items}),
            );
        }
        Command::Uninstall { system, browsers } => {
            let text =
                install::uninstall(system, &browsers).map_err(|e| Failure::new(EXIT_USAGE, e))?;
            print(
                json,
                &text,
                json!({"removed": text.lines().collect::<Vec<_>>()}),
            );
        }
        Command::Doctor => {
            let (text, ok) = doctor::run();
            print(
                json,
                &text,
                json!({"ok": ok, "report": text.lines().collect::<Vec<_>>()}),
            );
            if !ok {
                return Err(Failure::new(
                    EXIT_FAILURE,
                    "doctor found problems (see above)",
                ));
            }
        }
        Command::Pair => {
            let store = data_store()?;
            let code = store
                .begin(&mut os_rng(), now())
                .map_err(|e| Failure::new(EXIT_FAILURE, e))?;
            let shown = code.display();
            let text = format!(
                "pairing code: {}\ntype it into latchkey's options page in the browser within \
                 5 minutes; it works once\n",
                shown.as_str()
            );
            print(
                json,
                &text,
                json!({"code": shown.as_str(), "expires_in": 300}),
            );
        }
        Command::Pairings { action } => {
            let store = data_store()?;
            match action.unwrap_or(PairingsAction::List) {
                PairingsAction::List => {
                    let list = store.list().map_err(|e| Failure::new(EXIT_CORRUPT, e))?;
                    let mut text = String::new();
                    if list.is_empty() {
                        text.push_str("no pairings; run `latchkey pair`\n");
                    }
                    for p in &list {
                        text.push_str(&format!(
                            "{}  {}  created {}  last used {}\n",
                            p.id, p.origin, p.created, p.last_used
                        ));
                    }
                    print(json, &text, json!({"pairings": list}));
                }
                PairingsAction::Revoke { id } => {
                    let removed = store
                        .revoke(&id)
                        .map_err(|e| Failure::new(EXIT_CORRUPT, e))?;
                    if !removed {
                        return Err(Failure::new(EXIT_NOT_FOUND, format!("no pairing `{id}`")));
                    }
                    print(json, &format!("revoked {id}\n"), json!({"revoked": id}));
                }
            }
        }
        Command::Status => {
            let store = keystore::status();
            let vault = paths::vault_file(cli.vault.clone());
            let vault_text = vault
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            let exists = vault.as_ref().is_some_and(|p| p.is_file());
            let text = format!(
                "OS secure store: {:?}: {}\nvault file: {vault_text} ({})\n",
                store.state,
                store.message,
                if exists { "exists" } else { "not created yet" }
            );
            print(
                json,
                &text,
                json!({"store": store, "vault": {"path": vault_text, "exists": exists}}),
            );
        }
        Command::Vault(command) => {
            let options = vault::Options {
                vault: cli.vault,
                json,
                passphrase_fd: cli.passphrase_fd,
                passphrase_env: cli.passphrase_env,
                admin_fingerprint: cli.admin_fingerprint,
            };
            vault::run(command, &options)?;
        }
    }
    Ok(())
}
