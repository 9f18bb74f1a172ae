//! The CLI commands that need no vault or only read one: TOTP codes, the generator, and
//! "why is (or isn't) my login suggested here".

use latchkey_core::generator::{
    PassphrasePolicy, PasswordPolicy, generate_passphrase, generate_password,
};
use latchkey_core::matching::{self, PageUrl};
use latchkey_core::totp::OtpUri;
use latchkey_core::{Access, Secret};
use serde_json::json;

use crate::cli::{EXIT_NOT_FOUND, EXIT_USAGE, Failure};
use crate::serve::{now, os_rng};
use crate::vault::{Options, entry_id, open_vault, print, save, unlock, vault_failure};

pub fn generate(
    options: &Options,
    length: usize,
    no_symbols: bool,
    words: Option<usize>,
) -> Result<(), Failure> {
    let mut rng = os_rng();

    let generated = match words {
        Some(words) => {
            let policy = PassphrasePolicy {
                words,
                ..PassphrasePolicy::default()
            };
            generate_passphrase(&policy, &mut rng)
        }
        None => {
            let policy = PasswordPolicy {
                length,
                symbols: !no_symbols,
                ..PasswordPolicy::default()
            };
            generate_password(&policy, &mut rng)
        }
    }
    .map_err(|e| Failure::new(EXIT_USAGE, e))?;
    print(
        options,
        &format!("{}\n", generated.as_str()),
        json!({"generated": generated.as_str()}),
    );
    Ok(())
}

pub fn explain_match(options: &Options, url: &str, all: bool) -> Result<(), Failure> {
    let page =
        PageUrl::parse(url).map_err(|e| Failure::new(EXIT_USAGE, format!("`{url}`: {e}")))?;
    let session = open_vault(options, &unlock(options)?)?;
    let mut offered = Vec::new();
    let mut refused = Vec::new();
    for entry in session.open.list() {
        for saved in &entry.urls {
            match matching::matches(&page, &saved.url, saved.mode) {
                Ok(reason) => offered.push((
                    reason.rank(),
                    entry.clone(),
                    saved.clone(),
                    reason.to_string(),
                )),
                Err(no) => refused.push((entry.clone(), saved.clone(), no.to_string())),
            }
        }
    }
    offered.sort_by_key(|(rank, ..)| *rank);
    let mut text = String::new();
    if offered.is_empty() {
        text.push_str("no entry would be offered on this page\n");
    }
    for (_, entry, saved, why) in &offered {
        text.push_str(&format!(
            "offered: {} ({})  {}: {why}\n",
            entry.title,
            entry.id.as_str(),
            saved.url
        ));
    }
    if all {
        for (entry, saved, why) in &refused {
            text.push_str(&format!(
                "not offered: {} ({})  {}: {why}\n",
                entry.title,
                entry.id.as_str(),
                saved.url
            ));
        }
    }
    let value = json!({
        "offered": offered.iter().map(|(_, e, s, why)| json!({"id": e.id.as_str(), "title": e.title, "url": s.url, "rule": s.mode.as_str(), "reason": why})).collect::<Vec<_>>(),
        "not_offered": refused.iter().map(|(e, s, why)| json!({"id": e.id.as_str(), "title": e.title, "url": s.url, "reason": why})).collect::<Vec<_>>(),
    });
    print(options, &text, value);
    Ok(())
}

pub fn totp(
    options: &Options,
    id: Option<String>,
    uri: Option<String>,
    at: Option<u64>,
) -> Result<(), Failure> {
    let when = at.unwrap_or_else(now);
    let uri = match (id, uri) {
        (_, Some(uri)) => Secret::new(uri),
        (Some(id), None) => {
            let me = unlock(options)?;
            let mut session = open_vault(options, &me)?;
            let id = entry_id(&id)?;
            let secrets = session
                .open
                .secrets(&id, Access::Copy, now(), &mut os_rng())
                .map_err(vault_failure)?;
            save(&session)?;
            secrets.totp.ok_or_else(|| {
                Failure::new(EXIT_NOT_FOUND, format!("entry {} has no TOTP", id.as_str()))
            })?
        }
        (None, None) => return Err(Failure::new(EXIT_USAGE, "give an entry id or --uri URI")),
    };
    let parsed = OtpUri::parse(uri.expose()).map_err(|e| Failure::new(EXIT_USAGE, e))?;
    let code = parsed
        .code_at(when)
        .map_err(|e| Failure::new(EXIT_USAGE, e))?;
    print(
        options,
        &format!("{}  ({} s left)\n", code.digits.as_str(), code.seconds_left),
        json!({"code": code.digits.as_str(), "seconds_left": code.seconds_left, "period": code.period}),
    );
    Ok(())
}
