//! What a person types to describe an entry on the command line, and how entries print.
//! Secrets come from environment variables named by flags, never from argv.

use clap::Args;
use latchkey_core::matching::MatchMode;
use latchkey_core::totp::OtpUri;
use latchkey_core::{EntryDraft, EntryOverview, SavedUrl, Secret};
use serde_json::json;

use crate::cli::{EXIT_USAGE, Failure};
use crate::vault::{Options, print};

#[derive(Args)]
pub struct EntryArgs {
    /// The entry's name, as lists show it.
    #[arg(long)]
    pub title: String,
    /// The login name filled in with the password.
    #[arg(long, default_value = "")]
    pub username: String,
    /// A saved URL, optionally `MODE=URL` (base-domain, host, exact, starts-with, regex, never).
    #[arg(long = "url")]
    pub urls: Vec<String>,
    /// The folder the entry is listed under.
    #[arg(long, default_value = "")]
    pub folder: String,
    /// The environment variable that holds the password.
    #[arg(long, value_name = "NAME")]
    pub password_env: Option<String>,
    /// The environment variable that holds an otpauth:// URI.
    #[arg(long, value_name = "NAME")]
    pub totp_env: Option<String>,
}

pub(crate) fn env_secret(name: &Option<String>) -> Result<Option<Secret>, Failure> {
    match name {
        None => Ok(None),
        Some(name) => std::env::var(name)
            .map(|v| Some(Secret::new(v)))
            .map_err(|_| {
                Failure::new(
                    EXIT_USAGE,
                    format!("the environment variable `{name}` is not set"),
                )
            }),
    }
}

pub(crate) fn parse_mode(text: &str) -> Option<MatchMode> {
    MatchMode::ALL
        .into_iter()
        .find(|m| m.as_str().eq_ignore_ascii_case(text) || m.as_str().replace('_', "-") == text)
}

pub(crate) fn draft(args: EntryArgs) -> Result<EntryDraft, Failure> {
    Ok(EntryDraft {
        title: args.title,
        username: args.username,
        password: env_secret(&args.password_env)?.unwrap_or_default(),
        urls: saved_urls(args.urls)?,
        totp: otp_secret(&args.totp_env)?,
        folder: args.folder,
        ..EntryDraft::default()
    })
}

/// What `edit` changes: only the flags that were given. Everything else,
/// notes and custom fields included, is carried over from the latest version.
#[derive(Args)]
pub struct EditArgs {
    /// The new title.
    #[arg(long)]
    pub title: Option<String>,
    /// The new login name.
    #[arg(long)]
    pub username: Option<String>,
    /// Replaces all saved URLs; repeat for several, optionally `MODE=URL`.
    #[arg(long = "url")]
    pub urls: Vec<String>,
    /// The new folder.
    #[arg(long)]
    pub folder: Option<String>,
    /// The environment variable that holds the new password.
    #[arg(long, value_name = "NAME")]
    pub password_env: Option<String>,
    /// The environment variable that holds the new otpauth:// URI.
    #[arg(long, value_name = "NAME")]
    pub totp_env: Option<String>,
}

/// Reads and checks every flag of an edit first, so that a bad value fails
/// before the vault is touched; the returned change sets only those fields.
pub(crate) fn edit_change(args: EditArgs) -> Result<impl FnOnce(&mut EntryDraft), Failure> {
    let urls = saved_urls(args.urls)?;
    let password = env_secret(&args.password_env)?;
    let totp = otp_secret(&args.totp_env)?;

    Ok(move |draft: &mut EntryDraft| {
        if let Some(title) = args.title {
            draft.title = title;
        }
        if let Some(username) = args.username {
            draft.username = username;
        }
        if !urls.is_empty() {
            draft.urls = urls;
        }
        if let Some(folder) = args.folder {
            draft.folder = folder;
        }
        if let Some(password) = password {
            draft.password = password;
        }
        if totp.is_some() {
            draft.totp = totp;
        }
    })
}

fn saved_urls(specs: Vec<String>) -> Result<Vec<SavedUrl>, Failure> {
    let mut urls = Vec::new();
    for spec in specs {
        let (mode, url) = match spec.split_once('=') {
            Some((mode, url)) if !mode.contains(':') => {
                let mode = parse_mode(mode).ok_or_else(|| {
                    Failure::new(EXIT_USAGE, format!("unknown match mode `{mode}`"))
                })?;
                (mode, url.to_owned())
            }
            _ => (MatchMode::default(), spec),
        };
        urls.push(SavedUrl { url, mode });
    }
    Ok(urls)
}

/// A TOTP setup URI from the environment, refused now if it could never
/// give a code, rather than stored and found broken at the next login.
fn otp_secret(name: &Option<String>) -> Result<Option<Secret>, Failure> {
    let Some(secret) = env_secret(name)? else {
        return Ok(None);
    };
    let name = name.as_deref().unwrap_or_default();
    OtpUri::parse(secret.expose()).map_err(|e| {
        Failure::new(
            EXIT_USAGE,
            format!("the TOTP URI in `{name}` is not usable: {e}"),
        )
    })?;
    Ok(Some(secret))
}

pub(crate) fn overview_json(o: &EntryOverview) -> serde_json::Value {
    json!({
        "id": o.id.as_str(), "version": o.version, "title": o.title, "username": o.username,
        "urls": o.urls, "folder": o.folder, "has_totp": o.has_totp, "updated": o.updated,
    })
}

pub(crate) fn overview_line(o: &EntryOverview) -> String {
    let url = o.urls.first().map(|u| u.url.as_str()).unwrap_or("");
    format!("{}  {}  {}  {}\n", o.id.as_str(), o.title, o.username, url)
}

pub(crate) fn list_out(options: &Options, entries: &[EntryOverview]) {
    let text: String = if entries.is_empty() {
        "no entries\n".into()
    } else {
        entries.iter().map(overview_line).collect()
    };
    let value = json!({"entries": entries.iter().map(overview_json).collect::<Vec<_>>()});
    print(options, &text, value);
}
