//! The CLI commands that need no vault or only read one: TOTP codes, the generator, and
//! "why is (or isn't) my login suggested here".

use latchkey_core::generator::{
    PassphrasePolicy, PasswordPolicy, generate_passphrase, generate_password,
};
use latchkey_core::matching::{self, PageUrl};
use latchkey_core::totp::{Code, OtpKind, OtpUri};
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

/// `latchkey totp`: the current code of a TOTP or Steam secret. For an HOTP entry the code
/// for its stored counter is shown and the entry gets a new version holding the next
/// counter, so the same code is never shown twice (the issuer accepts each once).
pub fn totp(
    options: &Options,
    id: Option<String>,
    uri: Option<String>,
    at: Option<u64>,
) -> Result<(), Failure> {
    let when = at.unwrap_or_else(now);
    let parse = |uri: &Secret| OtpUri::parse(uri.expose()).map_err(|e| Failure::new(EXIT_USAGE, e));
    let (parsed, used) = match (id, uri) {
        (_, Some(uri)) => (parse(&Secret::new(uri))?, None),
        (Some(id), None) => {
            let me = unlock(options)?;
            let mut session = open_vault(options, &me)?;
            let id = entry_id(&id)?;
            let mut rng = os_rng();
            let secrets = session
                .open
                .secrets(&id, Access::Copy, now(), &mut rng)
                .map_err(vault_failure)?;
            let stored = secrets.totp.ok_or_else(|| {
                Failure::new(EXIT_NOT_FOUND, format!("entry {} has no TOTP", id.as_str()))
            })?;
            let parsed = parse(&stored)?;
            let used = match parsed.kind() {
                OtpKind::Hotp { .. } => {
                    let (code, next) =
                        parsed.use_hotp().map_err(|e| Failure::new(EXIT_USAGE, e))?;
                    let next_uri = Secret::new(next.to_uri().as_str().to_owned());
                    session
                        .open
                        .edit_with(&id, |draft| draft.totp = Some(next_uri), now(), &mut rng)
                        .map_err(vault_failure)?;
                    Some(code)
                }
                _ => None,
            };
            save(&session)?;
            (parsed, used)
        }
        (None, None) => return Err(Failure::new(EXIT_USAGE, "give an entry id or --uri URI")),
    };

    if let OtpKind::Hotp { counter } = parsed.kind() {
        return hotp_out(options, &parsed, counter, used);
    }
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

/// Prints an HOTP code: `used` when it came from an entry whose counter was advanced,
/// else (a bare `--uri`) the code for the URI's counter, which nothing records.
fn hotp_out(
    options: &Options,
    parsed: &OtpUri,
    counter: u64,
    used: Option<Code>,
) -> Result<(), Failure> {
    let advanced = used.is_some();
    let code = match used {
        Some(code) => code,
        None => parsed
            .code_for_counter(counter)
            .map_err(|e| Failure::new(EXIT_USAGE, e))?,
    };
    let text = if advanced {
        format!(
            "{}  (counter {counter}; the entry now holds counter {})\n",
            code.digits.as_str(),
            counter.saturating_add(1)
        )
    } else {
        format!(
            "{}  (counter {counter}; a bare URI's counter is not stored anywhere)\n",
            code.digits.as_str()
        )
    };
    print(
        options,
        &text,
        json!({"code": code.digits.as_str(), "counter": counter, "advanced": advanced}),
    );
    Ok(())
}
