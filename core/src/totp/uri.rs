//! Reading and writing one-time-password URIs.
//!
//! The format is Google Authenticator's Key URI format
//! (`otpauth://TYPE/LABEL?PARAMETERS`), plus the `steam://SECRET` form some
//! apps export. What people paste is rarely canonical: lowercase or spaced
//! secrets, `=` padding (sometimes as `%3D`), a label issuer that disagrees
//! with `issuer=`, a space after the label's colon. Everything is normalized
//! here, so the code generator (totp-rs, which is strict about all of these)
//! only ever sees clean values. A URI that cannot be read gets an
//! [`OtpUriError`] naming the part that is wrong; no error ever repeats the
//! secret.

use std::fmt;

use percent_encoding::percent_decode_str;
use subtle::ConstantTimeEq;
use totp_rs::Secret;
use url::Url;
use zeroize::Zeroizing;

use super::error::OtpUriError;
use super::fields::{
    decode_secret, parse_counter, parse_digits, parse_label, parse_period, read_params, shorten,
};

/// The HMAC hash of RFC 6238 section 1.2 (RFC 4226 uses SHA-1 only).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum OtpAlgorithm {
    /// HMAC-SHA-1: what almost every service uses.
    #[default]
    Sha1,
    /// HMAC-SHA-256.
    Sha256,
    /// HMAC-SHA-512.
    Sha512,
}

impl OtpAlgorithm {
    /// The name used in the `algorithm=` parameter.
    pub fn as_str(self) -> &'static str {
        match self {
            OtpAlgorithm::Sha1 => "SHA1",
            OtpAlgorithm::Sha256 => "SHA256",
            OtpAlgorithm::Sha512 => "SHA512",
        }
    }

    /// Accepts `SHA1`, `sha256`, `SHA-512` and the like.
    fn parse(text: &str) -> Result<OtpAlgorithm, OtpUriError> {
        let name: String = text
            .chars()
            .filter(|c| *c != '-' && *c != '_')
            .collect::<String>()
            .to_ascii_uppercase();

        match name.as_str() {
            "SHA1" => Ok(OtpAlgorithm::Sha1),
            "SHA256" => Ok(OtpAlgorithm::Sha256),
            "SHA512" => Ok(OtpAlgorithm::Sha512),
            _ => Err(OtpUriError::UnknownAlgorithm {
                found: shorten(text),
            }),
        }
    }
}

/// What kind of one-time password a URI describes, with the part of the
/// state that only that kind has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OtpKind {
    /// RFC 6238 time-based codes that change every `period` seconds.
    Totp {
        /// Seconds per code, at least 1 (30 almost everywhere).
        period: u32,
    },
    /// RFC 4226 counter-based codes. Using a code moves the counter on, so
    /// the stored URI changes every time a code is used.
    Hotp {
        /// The counter value the next code is computed for.
        counter: u64,
    },
    /// Steam Guard: HMAC-SHA-1 over 30-second steps like TOTP, shown as five
    /// characters from Steam's own 26-letter alphabet.
    Steam,
}

/// The digits a Steam Guard code has; fixed by Steam.
pub const STEAM_DIGITS: u8 = 5;

/// The period of Steam Guard codes, in seconds; fixed by Steam.
pub const STEAM_PERIOD: u32 = 30;

/// A one-time-password configuration read from an `otpauth://` or `steam://`
/// URI, normalized.
///
/// Holds the shared secret: it is wiped when dropped, compared in constant
/// time, and never printed (`Debug` shows `secret: <redacted>`).
#[derive(Clone)]
pub struct OtpUri {
    pub(super) kind: OtpKind,
    pub(super) algorithm: OtpAlgorithm,
    pub(super) digits: u8,
    pub(super) secret: Zeroizing<Vec<u8>>,
    pub(super) issuer: Option<String>,
    pub(super) account: String,
}

impl OtpUri {
    /// Reads a URI as a person pasted it or a QR code carried it.
    ///
    /// Accepted forms: `otpauth://totp/...`, `otpauth://hotp/...`,
    /// `otpauth://steam/...`, `otpauth://totp/...&issuer=Steam` (Steam
    /// Guard) and `steam://SECRET`. Surrounding whitespace is ignored and the
    /// scheme and type are case-insensitive.
    pub fn parse(text: &str) -> Result<OtpUri, OtpUriError> {
        let text = text.trim();

        let Some((scheme, rest)) = text.split_once("://") else {
            return Err(OtpUriError::BadScheme {
                found: scheme_of(text),
            });
        };

        if scheme.eq_ignore_ascii_case("steam") {
            return parse_steam_short(rest);
        }
        if scheme.eq_ignore_ascii_case("otpauth-migration") {
            return Err(OtpUriError::MigrationBatch);
        }
        if !scheme.eq_ignore_ascii_case("otpauth") {
            return Err(OtpUriError::BadScheme {
                found: quotable_scheme(scheme),
            });
        }

        // Lowercase the scheme so `url` reads the rest the same way whatever
        // case it was typed in; the rest is passed through untouched.
        let url = Url::parse(&format!("otpauth://{rest}")).map_err(|e| OtpUriError::Malformed {
            reason: e.to_string(),
        })?;
        parse_otpauth(&url)
    }

    /// Writes the canonical URI: uppercase unpadded base32, the issuer both
    /// in the label and in `issuer=`, and every parameter spelled out.
    ///
    /// The result contains the secret: it is for storage inside the
    /// encrypted entry and for export, never for a log.
    pub fn to_uri(&self) -> Zeroizing<String> {
        let secret = Zeroizing::new(Secret::from(self.secret.to_vec()).to_base32());

        let (kind, issuer) = match self.kind {
            OtpKind::Totp { .. } => ("totp", self.issuer.as_deref()),
            OtpKind::Hotp { .. } => ("hotp", self.issuer.as_deref()),
            OtpKind::Steam => ("totp", Some("Steam")),
        };

        // `encode` writes a colon inside a name as `%3A`; a label with no
        // issuer but a colon in the account starts with an empty issuer so
        // that colon is not read as the separator.
        let label = match issuer {
            Some(issuer) => format!("{}:{}", encode(issuer), encode(&self.account)),
            None if self.account.contains(':') => format!(":{}", encode(&self.account)),
            None => encode(&self.account),
        };

        let mut uri = Zeroizing::new(format!("otpauth://{kind}/{label}?secret="));
        uri.push_str(&secret);
        if let Some(issuer) = issuer {
            uri.push_str("&issuer=");
            uri.push_str(&encode(issuer));
        }

        match self.kind {
            OtpKind::Totp { period } => {
                uri.push_str(&format!(
                    "&algorithm={}&digits={}&period={period}",
                    self.algorithm.as_str(),
                    self.digits
                ));
            }
            OtpKind::Hotp { counter } => {
                uri.push_str(&format!(
                    "&algorithm={}&digits={}&counter={counter}",
                    self.algorithm.as_str(),
                    self.digits
                ));
            }
            OtpKind::Steam => {}
        }
        uri
    }

    /// Time-based, counter-based or Steam Guard.
    pub fn kind(&self) -> OtpKind {
        self.kind
    }

    /// The HMAC hash.
    pub fn algorithm(&self) -> OtpAlgorithm {
        self.algorithm
    }

    /// How many characters a code has (5 for Steam Guard, else 6 to 8).
    pub fn digits(&self) -> u8 {
        self.digits
    }

    /// The service that issued the secret, if the URI named one. When the
    /// label and the `issuer=` parameter disagree, this is the parameter.
    pub fn issuer(&self) -> Option<&str> {
        self.issuer.as_deref()
    }

    /// The account the secret belongs to (may be empty).
    pub fn account(&self) -> &str {
        &self.account
    }

    /// How long the shared secret is, in bits (shown as a hint when a
    /// service issued a secret shorter than RFC 4226's 128 bits).
    pub fn secret_bits(&self) -> usize {
        self.secret.len() * 8
    }

    /// The same configuration with the HOTP counter set to `counter`; for
    /// other kinds the URI is returned unchanged.
    pub fn with_counter(&self, counter: u64) -> OtpUri {
        let mut next = self.clone();
        if let OtpKind::Hotp { .. } = next.kind {
            next.kind = OtpKind::Hotp { counter };
        }
        next
    }
}

impl PartialEq for OtpUri {
    fn eq(&self, other: &Self) -> bool {
        let same_secret: bool = self.secret.as_slice().ct_eq(other.secret.as_slice()).into();

        same_secret
            && self.kind == other.kind
            && self.algorithm == other.algorithm
            && self.digits == other.digits
            && self.issuer == other.issuer
            && self.account == other.account
    }
}

impl Eq for OtpUri {}

impl fmt::Debug for OtpUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OtpUri")
            .field("kind", &self.kind)
            .field("algorithm", &self.algorithm)
            .field("digits", &self.digits)
            .field("secret", &"<redacted>")
            .field("issuer", &self.issuer)
            .field("account", &self.account)
            .finish()
    }
}

/// `steam://SECRET`: Steam Guard with nothing but the secret.
fn parse_steam_short(rest: &str) -> Result<OtpUri, OtpUriError> {
    let secret_text = rest.trim_end_matches('/');
    let secret_text = percent_decode_str(secret_text)
        .decode_utf8()
        .map_err(|_| OtpUriError::SecretNotUtf8)?;
    let secret = decode_secret(&secret_text)?;

    Ok(OtpUri {
        kind: OtpKind::Steam,
        algorithm: OtpAlgorithm::Sha1,
        digits: STEAM_DIGITS,
        secret,
        issuer: Some("Steam".to_owned()),
        account: String::new(),
    })
}

fn parse_otpauth(url: &Url) -> Result<OtpUri, OtpUriError> {
    let kind_name = url.host_str().unwrap_or("").to_ascii_lowercase();
    if !matches!(kind_name.as_str(), "totp" | "hotp" | "steam") {
        return Err(OtpUriError::UnknownType {
            found: shorten(&kind_name),
        });
    }

    let (label_issuer, account) = parse_label(url.path())?;
    let params = read_params(url)?;

    // The `issuer=` parameter wins over the label: it is what the Key URI
    // format calls the authoritative one, and refusing the URI would leave
    // the person with no code at all.
    let issuer = params
        .issuer
        .clone()
        .map(|i| i.trim().to_owned())
        .filter(|i| !i.is_empty())
        .or(label_issuer);

    let secret_text = params.secret.as_ref().ok_or(OtpUriError::MissingSecret)?;
    let secret = decode_secret(secret_text)?;

    let is_steam = kind_name == "steam"
        || issuer
            .as_deref()
            .is_some_and(|i| i.eq_ignore_ascii_case("steam"))
        || params
            .algorithm
            .as_deref()
            .is_some_and(|a| a.eq_ignore_ascii_case("steam"));
    if is_steam {
        // Steam fixes the alphabet, length and period; whatever the URI says
        // about digits or period would only produce codes Steam rejects.
        return Ok(OtpUri {
            kind: OtpKind::Steam,
            algorithm: OtpAlgorithm::Sha1,
            digits: STEAM_DIGITS,
            secret,
            issuer: Some("Steam".to_owned()),
            account,
        });
    }

    let algorithm = match &params.algorithm {
        Some(text) => OtpAlgorithm::parse(text)?,
        None => OtpAlgorithm::Sha1,
    };
    let digits = parse_digits(params.digits.as_deref())?;

    let kind = if kind_name == "hotp" {
        OtpKind::Hotp {
            counter: parse_counter(params.counter.as_deref())?,
        }
    } else {
        OtpKind::Totp {
            period: parse_period(params.period.as_deref())?,
        }
    };

    Ok(OtpUri {
        kind,
        algorithm,
        digits,
        secret,
        issuer,
        account,
    })
}

/// Percent-encodes a label part or parameter value (spaces as `%20`, so
/// the same text is right in the path and in the query).
fn encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes())
        .collect::<String>()
        // `byte_serialize` writes a literal `+` as `%2B`, so every `+` left
        // is a space.
        .replace('+', "%20")
}

/// What to quote for a text with no `://`. Nothing of the text itself: a
/// bare secret pasted on its own (possibly with a colon in it) must not end
/// up in an error message.
fn scheme_of(_text: &str) -> String {
    "(no scheme)".to_owned()
}

/// The scheme to quote in an error: only when it plainly is one (lowercase
/// letters, or a well-known scheme in any case), since whatever stands before
/// `://` might be a pasted secret.
fn quotable_scheme(scheme: &str) -> String {
    const KNOWN: [&str; 5] = ["http", "https", "ftp", "file", "otpauth-migration"];

    let plain = scheme.len() <= 24
        && scheme
            .chars()
            .all(|c| c.is_ascii_lowercase() || matches!(c, '-' | '+' | '.'));
    let known = KNOWN.iter().any(|k| k.eq_ignore_ascii_case(scheme));
    if plain || known {
        scheme.to_ascii_lowercase()
    } else {
        "(unrecognized scheme)".to_owned()
    }
}
