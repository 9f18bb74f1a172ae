//! The vault commands of the CLI, on the same vault file the extension uses, through
//! latchkey-core's API. Secrets are printed only by `show --reveal`, which is audited.

use std::fs;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::Subcommand;
use latchkey_core::{
    Access, EntryId, Fingerprint, KdfParams, Member, MemberCard, OpenError, OpenVault, Role,
    UnlockError, UnlockedMember, VaultError, VaultFile,
};
use serde_json::json;

use crate::cli::{EXIT_CORRUPT, EXIT_FAILURE, EXIT_NOT_FOUND, EXIT_USAGE, Failure};
use crate::entry_args::{EditArgs, EntryArgs, draft, edit_change, list_out, overview_json};
use crate::passphrase::{self, Source};
use crate::seen::{SeenError, SeenStore};
use crate::serve::{now, os_rng};
use crate::{paths, tools, vault_store};

/// Exit code for a passphrase that does not unlock the member.
pub const EXIT_WRONG_PASSPHRASE: u8 = 3;

#[derive(Subcommand)]
pub enum VaultCommand {
    /// Create this device's member (keys sealed under a passphrase).
    MemberCreate {
        /// Your member id in every vault: 1 to 64 letters, digits, `.`, `_`, `@` or `-`.
        #[arg(long)]
        id: String,
        /// Your name, as other members see it.
        #[arg(long)]
        name: String,
        /// Use the cheapest accepted Argon2id parameters (tests, slow machines).
        #[arg(long)]
        fast_kdf: bool,
    },
    /// Print this member's public card and fingerprint (to give to an admin).
    MemberCard,
    /// Create the vault file, with this member as its admin.
    Create {
        /// The vault's name, as members see it.
        #[arg(long)]
        name: String,
    },
    /// List entries (no secret is decrypted).
    List,
    /// Entries whose title, username, URL or folder contain QUERY.
    Search {
        /// Text to look for (case does not matter).
        query: String,
    },
    /// One entry; secrets only with --reveal, which is written to the audit log.
    Show {
        /// The entry id (e-...), as `latchkey list` shows it.
        id: String,
        /// Also print the password, TOTP URI and notes (recorded in the audit log).
        #[arg(long)]
        reveal: bool,
    },
    /// Add an entry; the password comes from the environment variable --password-env names.
    Add(EntryArgs),
    /// Append a version that changes only the given fields and keeps the rest.
    Edit {
        /// The entry id (e-...).
        id: String,
        #[command(flatten)]
        entry: EditArgs,
    },
    /// Mark an entry deleted (a new version; `rollback` brings it back).
    Delete {
        /// The entry id (e-...).
        id: String,
    },
    /// Every version of an entry: number, change, title, author and time.
    History {
        /// The entry id (e-...).
        id: String,
    },
    /// Make an older version of an entry the newest again (a new version, nothing lost).
    Rollback {
        /// The entry id (e-...).
        id: String,
        /// The version to bring back, as `latchkey history` numbers it.
        version: u64,
    },
    /// The vault's audit log: who added, changed, revealed or shared what, and when.
    Audit,
    /// Change the passphrase, re-sealing with today's default Argon2id parameters; the
    /// previous member file is kept beside it as member.json.TIME.bak.
    Passwd {
        /// Read the new passphrase from this environment variable.
        #[arg(long, value_name = "NAME")]
        new_passphrase_env: Option<String>,
        /// Use the cheapest accepted Argon2id parameters (tests, slow machines).
        #[arg(long)]
        fast_kdf: bool,
    },
    /// Grant a member (their card file) a role, after confirming their fingerprint.
    Grant {
        /// The member's card file (the JSON `latchkey member-card --json` prints).
        #[arg(long)]
        card: PathBuf,
        /// The fingerprint the member read out to you, to confirm the card is theirs.
        #[arg(long)]
        fingerprint: String,
        /// admin, editor or viewer.
        #[arg(long, default_value = "viewer")]
        role: String,
    },
    /// Remove a member; the vault key is rotated so they cannot read later changes.
    Revoke {
        /// The member id to remove.
        member: String,
    },
    /// The current code of an entry's TOTP, or of a bare otpauth:// URI, and seconds left.
    /// For an HOTP entry: the code for its counter, and a new version with the next one.
    Totp {
        /// The entry id (e-...) whose TOTP to use.
        id: Option<String>,
        /// An otpauth:// or steam:// URI to compute a code for instead of an entry's
        /// (on the command line it is visible to other processes; prefer --uri-env).
        #[arg(long, conflicts_with = "uri_env")]
        uri: Option<String>,
        /// The environment variable that holds the URI, so its secret stays off the
        /// command line.
        #[arg(long, value_name = "NAME")]
        uri_env: Option<String>,
        /// Unix time to compute the code for (default: now).
        #[arg(long)]
        at: Option<u64>,
    },
    /// A random password (or, with --words, a passphrase).
    Generate {
        /// How many characters the password has.
        #[arg(long, default_value_t = 20)]
        length: usize,
        /// Letters and digits only (for sites that refuse symbols).
        #[arg(long)]
        no_symbols: bool,
        /// A passphrase of this many words from the built-in word list, instead.
        #[arg(long)]
        words: Option<usize>,
    },
    /// The entries that would be offered on URL, and by which rule.
    Match {
        /// The page's URL.
        url: String,
        /// Also list saved URLs that do not match, with the reason.
        #[arg(long)]
        all: bool,
    },
}

pub struct Options {
    pub vault: Option<PathBuf>,
    pub json: bool,
    pub passphrase_fd: Option<i32>,
    pub passphrase_env: Option<String>,
    /// The fingerprint of the admin who granted this member, as confirmed with them.
    pub admin_fingerprint: Option<String>,
}

fn member_path() -> Result<PathBuf, Failure> {
    paths::data_dir()
        .map(|d| d.join("member.json"))
        .ok_or_else(|| Failure::new(EXIT_USAGE, "no home directory: set HOME"))
}

fn vault_path(options: &Options) -> Result<PathBuf, Failure> {
    paths::vault_file(options.vault.clone())
        .ok_or_else(|| Failure::new(EXIT_USAGE, "no vault path: pass --vault or set HOME"))
}

fn progress(message: &str) {
    if std::io::stderr().is_terminal() {
        eprintln!("{message}");
    }
}

fn load_member() -> Result<Member, Failure> {
    let path = member_path()?;
    let text = fs::read_to_string(&path).map_err(|_| {
        Failure::new(
            EXIT_NOT_FOUND,
            format!(
                "no member at {}; run `latchkey member-create`",
                path.display()
            ),
        )
    })?;
    Member::from_json(&text)
        .map_err(|e| Failure::new(EXIT_CORRUPT, format!("{}: {e}", path.display())))
}

pub(crate) fn unlock(options: &Options) -> Result<UnlockedMember, Failure> {
    let member = load_member()?;
    let source = Source {
        fd: options.passphrase_fd,
        env: options.passphrase_env.clone(),
    };
    let pass = passphrase::read(&source, "passphrase: ")?;
    progress("unlocking (Argon2id)…");
    member.unlock(&pass).map_err(|e| match e {
        UnlockError::WrongPassphrase => Failure::new(EXIT_WRONG_PASSPHRASE, e),
        UnlockError::Corrupt { .. } => Failure::new(EXIT_CORRUPT, e),
        other => Failure::new(EXIT_FAILURE, other),
    })
}

fn store_failure(e: vault_store::VaultStoreError) -> Failure {
    use latchkey_core::channel::ErrorCode;
    let code = match e.code() {
        ErrorCode::VaultCorrupt => EXIT_CORRUPT,
        _ => EXIT_FAILURE,
    };
    Failure::new(code, e)
}

pub(crate) fn vault_failure(e: VaultError) -> Failure {
    let code = match &e {
        VaultError::NoSuchEntry(_) | VaultError::NoSuchVersion { .. } | VaultError::Deleted(_) => {
            EXIT_NOT_FOUND
        }
        VaultError::Invalid(_) | VaultError::Kdf(_) => EXIT_USAGE,
        _ => EXIT_FAILURE,
    };
    Failure::new(code, e)
}

/// A refusal to open, with what this device remembers where that matters: a rolled-back
/// or forked copy is judged against `seen.json`, and a grant by an unconfirmed admin
/// needs `--admin-fingerprint`.
fn open_failure(e: OpenError, vault: &Path, seen: &SeenStore) -> Failure {
    let message = match &e {
        OpenError::OlderHead {
            served,
            seen: newest,
        } => format!(
            "{e}: {} holds head {served}, but this device has opened or written head {newest} \
             of this vault (remembered in {}); put the newest copy back (its .last-good, a \
             backup, or another device's copy)",
            vault.display(),
            seen.path().display()
        ),
        OpenError::Fork { .. } => format!(
            "{e} ({} against the head remembered in {})",
            vault.display(),
            seen.path().display()
        ),
        OpenError::Untrusted { .. } => format!(
            "{e}; if you confirmed that admin's fingerprint with them, pass it once with \
             --admin-fingerprint FP"
        ),
        _ => e.to_string(),
    };
    Failure::new(EXIT_CORRUPT, message)
}

fn seen_failure(e: SeenError) -> Failure {
    let code = match e {
        SeenError::Damaged { .. } => EXIT_CORRUPT,
        SeenError::Io { .. } => EXIT_FAILURE,
    };
    Failure::new(code, e)
}

/// The vault file, opened, with the lock held so the write back cannot race.
pub(crate) struct Session {
    path: PathBuf,
    pub(crate) open: OpenVault,
    seen: SeenStore,
    _lock: vault_store::WriteLock,
}

pub(crate) fn open_vault(options: &Options, me: &UnlockedMember) -> Result<Session, Failure> {
    let confirmed: Option<Fingerprint> = options
        .admin_fingerprint
        .as_deref()
        .map(|fp| {
            fp.parse()
                .map_err(|e| Failure::new(EXIT_USAGE, format!("--admin-fingerprint: {e}")))
        })
        .transpose()?;
    let path = vault_path(options)?;
    let seen = paths::data_dir()
        .map(|d| SeenStore::new(&d))
        .ok_or_else(|| Failure::new(EXIT_USAGE, "no home directory: set HOME"))?;
    let lock = vault_store::lock(&path).map_err(store_failure)?;
    let (_, file) = vault_store::read(&path)
        .map_err(store_failure)?
        .ok_or_else(|| {
            Failure::new(
                EXIT_NOT_FOUND,
                format!(
                    "no vault at {}; run `latchkey create --name NAME`",
                    path.display()
                ),
            )
        })?;
    progress("opening the vault…");
    let remembered = seen.get(file.vault_id()).map_err(seen_failure)?;
    let trust = remembered.trust(me, confirmed.as_ref());
    let open = file
        .open(me, &trust, &mut os_rng())
        .map_err(|e| open_failure(e, &path, &seen))?;
    seen.record(&open, confirmed.as_ref())
        .map_err(seen_failure)?;
    Ok(Session {
        path,
        open,
        seen,
        _lock: lock,
    })
}

/// Writes the session's vault back and remembers its new head.
pub(crate) fn save(session: &Session) -> Result<(), Failure> {
    let file = session.open.file();
    vault_store::write_locked(&session.path, &file.to_json(), file).map_err(store_failure)?;
    session
        .seen
        .record(&session.open, None)
        .map_err(seen_failure)
}

pub(crate) fn entry_id(text: &str) -> Result<EntryId, Failure> {
    EntryId::parse(text)
        .map_err(|e| Failure::new(EXIT_USAGE, format!("`{text}` is not an entry id: {e}")))
}

pub(crate) fn print(options: &Options, text: &str, value: serde_json::Value) {
    if options.json {
        println!("{value}");
    } else {
        print!("{text}");
    }
}

pub fn run(command: VaultCommand, options: &Options) -> Result<(), Failure> {
    let mut rng = os_rng();
    match command {
        VaultCommand::MemberCreate { id, name, fast_kdf } => {
            let path = member_path()?;
            if path.exists() {
                return Err(Failure::new(
                    EXIT_USAGE,
                    format!(
                        "a member already exists at {}; it was left as it is",
                        path.display()
                    ),
                ));
            }
            let source = Source {
                fd: options.passphrase_fd,
                env: options.passphrase_env.clone(),
            };
            let pass = passphrase::read_new(&source)?;
            progress("making keys (RSA-2048, Argon2id)…");
            let member = Member::create(&id, &name, &pass, kdf_for(fast_kdf), 2048, &mut rng)
                .map_err(|e| Failure::new(EXIT_USAGE, e))?;
            vault_store::replace(&path, member.to_json().as_bytes()).map_err(store_failure)?;
            card_out(options, member.card());
        }
        VaultCommand::MemberCard => card_out(options, load_member()?.card()),
        VaultCommand::Create { name } => {
            let me = unlock(options)?;
            let path = vault_path(options)?;
            let _lock = vault_store::lock(&path).map_err(store_failure)?;
            if path.exists() {
                return Err(Failure::new(
                    EXIT_USAGE,
                    format!(
                        "a vault already exists at {}; it was left as it is",
                        path.display()
                    ),
                ));
            }
            let file = VaultFile::create(&me, &name, now(), &mut rng).map_err(vault_failure)?;
            vault_store::write_locked(&path, &file.to_json(), &file).map_err(store_failure)?;
            let id = file.vault_id().as_str().to_owned();
            print(
                options,
                &format!("created vault {id} at {}\n", path.display()),
                json!({"vault": id, "path": path}),
            );
        }
        VaultCommand::List => {
            let session = open_vault(options, &unlock(options)?)?;
            list_out(options, &session.open.list());
        }
        VaultCommand::Search { query } => {
            let session = open_vault(options, &unlock(options)?)?;
            list_out(options, &session.open.search(&query));
        }
        VaultCommand::Show { id, reveal } => {
            let me = unlock(options)?;
            let mut session = open_vault(options, &me)?;
            let id = entry_id(&id)?;
            let overview = session.open.overview(&id).map_err(vault_failure)?;
            let mut value = overview_json(&overview);
            let mut text = format!(
                "{}\n  username: {}\n  folder: {}\n",
                overview.title, overview.username, overview.folder
            );
            for url in &overview.urls {
                text.push_str(&format!("  url: {} ({})\n", url.url, url.mode.as_str()));
            }
            if reveal {
                let secrets = session
                    .open
                    .secrets(&id, Access::Reveal, now(), &mut rng)
                    .map_err(vault_failure)?;
                save(&session)?;
                text.push_str(&format!("  password: {}\n", secrets.password.expose()));
                if let Some(totp) = &secrets.totp {
                    text.push_str(&format!("  totp: {}\n", totp.expose()));
                }
                if !secrets.notes.is_empty() {
                    text.push_str(&format!("  notes: {}\n", secrets.notes.expose()));
                }
                value["password"] = json!(secrets.password.expose());
                value["totp"] = json!(secrets.totp.as_ref().map(|t| t.expose()));
                value["notes"] = json!(secrets.notes.expose());
            } else {
                text.push_str("  password: (hidden; --reveal shows it and is audited)\n");
            }
            print(options, &text, value);
        }
        VaultCommand::Add(args) => {
            let me = unlock(options)?;
            let mut session = open_vault(options, &me)?;
            let id = session
                .open
                .add(draft(args)?, now(), &mut rng)
                .map_err(vault_failure)?;
            save(&session)?;
            print(
                options,
                &format!("added {}\n", id.as_str()),
                json!({"id": id.as_str()}),
            );
        }
        VaultCommand::Edit { id, entry } => {
            let me = unlock(options)?;
            let mut session = open_vault(options, &me)?;
            let id = entry_id(&id)?;
            let change = edit_change(entry)?;
            session
                .open
                .edit_with(&id, change, now(), &mut rng)
                .map_err(vault_failure)?;
            save(&session)?;
            print(
                options,
                &format!("edited {}\n", id.as_str()),
                json!({"id": id.as_str()}),
            );
        }
        VaultCommand::Delete { id } => {
            let me = unlock(options)?;
            let mut session = open_vault(options, &me)?;
            let id = entry_id(&id)?;
            session
                .open
                .delete(&id, now(), &mut rng)
                .map_err(vault_failure)?;
            save(&session)?;
            print(
                options,
                &format!("deleted {}\n", id.as_str()),
                json!({"deleted": id.as_str()}),
            );
        }
        VaultCommand::History { id } => {
            let session = open_vault(options, &unlock(options)?)?;
            let versions = session
                .open
                .history(&entry_id(&id)?)
                .map_err(vault_failure)?;
            let mut text = String::new();
            let mut rows = Vec::new();
            for v in &versions {
                let mark = if v.latest { "*" } else { " " };
                text.push_str(&format!(
                    "{mark} v{}  {:?}  {}  by {} at {}\n",
                    v.version, v.change, v.title, v.author, v.time
                ));
                rows.push(
                    json!({"version": v.version, "change": v.change, "title": v.title,
                                 "author": v.author, "time": v.time, "latest": v.latest}),
                );
            }
            print(options, &text, json!({"versions": rows}));
        }
        VaultCommand::Rollback { id, version } => {
            let me = unlock(options)?;
            let mut session = open_vault(options, &me)?;
            let id = entry_id(&id)?;
            session
                .open
                .rollback(&id, version, now(), &mut rng)
                .map_err(vault_failure)?;
            save(&session)?;
            print(
                options,
                &format!("rolled {} back to version {version}\n", id.as_str()),
                json!({"id": id.as_str(), "version": version}),
            );
        }
        VaultCommand::Audit => {
            let session = open_vault(options, &unlock(options)?)?;
            let records = session.open.audit().map_err(vault_failure)?;
            let mut text = String::new();
            let mut rows = Vec::new();
            for r in &records {
                let entry = r.entry.as_ref().map(|e| e.as_str()).unwrap_or("-");
                text.push_str(&format!(
                    "{}  {}  {:?}  {entry}\n",
                    r.time, r.member, r.action
                ));
                rows.push(
                    json!({"time": r.time, "member": r.member, "action": r.action,
                                 "entry": r.entry.as_ref().map(|e| e.as_str()),
                                 "version": r.version, "subject": r.subject}),
                );
            }
            print(options, &text, json!({"audit": rows}));
        }
        VaultCommand::Passwd {
            new_passphrase_env,
            fast_kdf,
        } => {
            let me = unlock(options)?;
            let source = Source {
                fd: None,
                env: new_passphrase_env,
            };
            let pass = passphrase::read_new(&source)?;
            progress("re-sealing (Argon2id)…");
            let resealed = me
                .reseal(&pass, kdf_for(fast_kdf), &mut rng)
                .map_err(|e| Failure::new(EXIT_USAGE, e))?;
            let path = member_path()?;
            let backup = backup_member(&path)?;
            vault_store::replace(&path, resealed.to_json().as_bytes()).map_err(store_failure)?;
            print(
                options,
                &format!(
                    "passphrase changed; the previous member file (old passphrase) is kept as \
                     {}\n",
                    backup.display()
                ),
                json!({"changed": true, "backup": backup}),
            );
        }
        VaultCommand::Grant {
            card,
            fingerprint,
            role,
        } => {
            let role = match role.to_ascii_lowercase().as_str() {
                "admin" => Role::Admin,
                "editor" => Role::Editor,
                "viewer" => Role::Viewer,
                other => {
                    return Err(Failure::new(
                        EXIT_USAGE,
                        format!("unknown role `{other}`: admin, editor or viewer"),
                    ));
                }
            };
            let card = read_card(&card)?;
            let confirmed: Fingerprint = fingerprint
                .parse()
                .map_err(|e| Failure::new(EXIT_USAGE, format!("fingerprint: {e}")))?;
            let me = unlock(options)?;
            let mut session = open_vault(options, &me)?;
            session
                .open
                .grant(&card, &confirmed, role, now(), &mut rng)
                .map_err(vault_failure)?;
            save(&session)?;
            print(
                options,
                &format!("granted {:?} to {}\n", role, card.id),
                json!({"granted": card.id}),
            );
        }
        VaultCommand::Revoke { member } => {
            let me = unlock(options)?;
            let mut session = open_vault(options, &me)?;
            session
                .open
                .revoke(&member, now(), &mut rng)
                .map_err(vault_failure)?;
            save(&session)?;
            print(
                options,
                &format!("revoked {member}; the vault key was rotated\n"),
                json!({"revoked": member}),
            );
        }
        VaultCommand::Totp {
            id,
            uri,
            uri_env,
            at,
        } => {
            let from_env = crate::entry_args::env_secret(&uri_env)?;
            let uri = uri.or_else(|| from_env.map(|s| s.expose().to_owned()));
            tools::totp(options, id, uri, at)?
        }
        VaultCommand::Generate {
            length,
            no_symbols,
            words,
        } => tools::generate(options, length, no_symbols, words)?,
        VaultCommand::Match { url, all } => tools::explain_match(options, &url, all)?,
    }
    Ok(())
}

fn kdf_for(fast: bool) -> KdfParams {
    if fast {
        KdfParams::minimum()
    } else {
        KdfParams::default()
    }
}

/// Keeps the member file as it is now beside it, as `member.json.<unix time>.bak`, so a
/// passphrase mistyped into `passwd` does not lock the member out. A backup is never
/// replaced: if the name is taken, a counter is added.
fn backup_member(path: &Path) -> Result<PathBuf, Failure> {
    let current = fs::read(path).map_err(|e| {
        Failure::new(
            EXIT_FAILURE,
            format!("cannot read {} to back it up: {e}", path.display()),
        )
    })?;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let stamp = now();
    for n in 0..100u32 {
        let suffix = if n == 0 {
            format!("{stamp}.bak")
        } else {
            format!("{stamp}-{n}.bak")
        };
        let backup = path.with_file_name(format!("{name}.{suffix}"));
        match vault_store::create_new(&backup, &current) {
            Ok(()) => return Ok(backup),
            Err(vault_store::VaultStoreError::Exists { .. }) => continue,
            Err(e) => return Err(store_failure(e)),
        }
    }
    Err(Failure::new(
        EXIT_FAILURE,
        format!(
            "100 backups of {} were made this second; nothing was changed",
            path.display()
        ),
    ))
}

fn read_card(path: &Path) -> Result<MemberCard, Failure> {
    let text = fs::read_to_string(path)
        .map_err(|e| Failure::new(EXIT_NOT_FOUND, format!("{}: {e}", path.display())))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| Failure::new(EXIT_USAGE, format!("{}: {e}", path.display())))?;
    let card = value.get("card").cloned().unwrap_or(value);
    serde_json::from_value(card).map_err(|e| {
        Failure::new(
            EXIT_USAGE,
            format!("{}: not a member card: {e}", path.display()),
        )
    })
}

fn card_out(options: &Options, card: &MemberCard) {
    let fingerprint = card.fingerprint().to_string();
    let text = format!(
        "member {} ({})\nfingerprint: {fingerprint}\n",
        card.id, card.name
    );
    let value = json!({"card": card, "fingerprint": fingerprint});
    print(options, &text, value);
}
