//! The fields of an otpauth URI, read and normalized one by one: the label,
//! the query parameters and the base32 secret.

use percent_encoding::percent_decode_str;
use totp_rs::Secret;
use url::Url;
use zeroize::Zeroizing;

use super::error::OtpUriError;

/// The parameters of an `otpauth://` URI that mean something, as read.
#[derive(Default)]
pub(super) struct Params {
    pub(super) secret: Option<Zeroizing<String>>,
    pub(super) issuer: Option<String>,
    pub(super) algorithm: Option<String>,
    pub(super) digits: Option<String>,
    pub(super) period: Option<String>,
    pub(super) counter: Option<String>,
}

/// Splits `Issuer:account`, trimming the spaces people and some services
/// put around the colon.
///
/// The split happens before percent-decoding, at the first literal `:`, or
/// failing that at the first `%3A`: so a colon inside an issuer or account
/// written as `%3A` (as [`OtpUri::to_uri`](super::OtpUri::to_uri) writes it) stays part of the name.
pub(super) fn parse_label(path: &str) -> Result<(Option<String>, String), OtpUriError> {
    let raw = path.trim_start_matches('/');

    let split = raw
        .find(':')
        .map(|at| (at, 1))
        .or_else(|| raw.to_ascii_lowercase().find("%3a").map(|at| (at, 3)));
    let (issuer, account) = match split {
        Some((at, width)) => (Some(&raw[..at]), &raw[at + width..]),
        None => (None, raw),
    };

    let issuer = match issuer {
        Some(issuer) => Some(decode_label_part(issuer)?),
        None => None,
    };
    let issuer = issuer
        .map(|i| i.trim().to_owned())
        .filter(|i| !i.is_empty());
    let account = decode_label_part(account)?.trim().to_owned();
    Ok((issuer, account))
}

fn decode_label_part(raw: &str) -> Result<String, OtpUriError> {
    percent_decode_str(raw)
        .decode_utf8()
        .map(|text| text.into_owned())
        .map_err(|_| OtpUriError::LabelNotUtf8)
}

pub(super) fn read_params(url: &Url) -> Result<Params, OtpUriError> {
    let mut params = Params::default();

    for (key, value) in url.query_pairs() {
        let key = key.to_ascii_lowercase();
        let slot = match key.as_str() {
            "secret" => {
                if params.secret.is_some() {
                    return Err(OtpUriError::RepeatedParameter { name: "secret" });
                }
                params.secret = Some(Zeroizing::new(value.into_owned()));
                continue;
            }
            "issuer" => (&mut params.issuer, "issuer"),
            "algorithm" => (&mut params.algorithm, "algorithm"),
            "digits" => (&mut params.digits, "digits"),
            "period" => (&mut params.period, "period"),
            "counter" => (&mut params.counter, "counter"),
            // Unknown parameters (`image=`, `color=`, vendor extensions) are
            // ignored, as authenticator apps do.
            _ => continue,
        };

        let (field, name) = slot;
        if field.is_some() {
            return Err(OtpUriError::RepeatedParameter { name });
        }
        *field = Some(value.into_owned());
    }
    Ok(params)
}

/// Normalizes a base32 secret the way authenticator apps do (any case,
/// spaces, dashes and `=` padding allowed), then decodes it.
pub(super) fn decode_secret(text: &str) -> Result<Zeroizing<Vec<u8>>, OtpUriError> {
    let mut clean = Zeroizing::new(String::with_capacity(text.len()));
    for (position, c) in text.chars().enumerate() {
        match c {
            ' ' | '\t' | '-' | '=' => {}
            'a'..='z' | 'A'..='Z' | '2'..='7' => clean.push(c.to_ascii_uppercase()),
            // The character itself is part of the secret: say only where.
            _ => return Err(OtpUriError::SecretNotBase32 { position }),
        }
    }

    if clean.is_empty() {
        return Err(OtpUriError::MissingSecret);
    }

    // Decoding is totp-rs's (RFC 4648 base32, unpadded); the checks above
    // mean it cannot fail, but an empty result is still refused.
    let secret = Secret::try_from_base32(clean.as_str())
        .map_err(|_| OtpUriError::SecretNotBase32 { position: 0 })?;
    if secret.as_bytes().is_empty() {
        return Err(OtpUriError::SecretTooShort);
    }
    Ok(Zeroizing::new(secret.as_bytes().to_vec()))
}

pub(super) fn parse_digits(text: Option<&str>) -> Result<u8, OtpUriError> {
    let Some(text) = text else { return Ok(6) };

    let digits: u8 = text.trim().parse().map_err(|_| OtpUriError::BadDigits {
        found: shorten(text),
    })?;
    if !(6..=8).contains(&digits) {
        return Err(OtpUriError::DigitsOutOfRange { found: digits });
    }
    Ok(digits)
}

pub(super) fn parse_period(text: Option<&str>) -> Result<u32, OtpUriError> {
    let Some(text) = text else { return Ok(30) };

    let period: u32 = text.trim().parse().map_err(|_| OtpUriError::BadPeriod {
        found: shorten(text),
    })?;
    if period == 0 {
        return Err(OtpUriError::ZeroPeriod);
    }
    Ok(period)
}

pub(super) fn parse_counter(text: Option<&str>) -> Result<u64, OtpUriError> {
    // The Key URI format requires `counter` for HOTP, but exports that leave
    // it out mean a fresh token: start at 0 rather than refuse.
    let Some(text) = text else { return Ok(0) };

    text.trim().parse().map_err(|_| OtpUriError::BadCounter {
        found: shorten(text),
    })
}

/// Keeps quoted user input short enough for an error message.
pub(super) fn shorten(text: &str) -> String {
    const LIMIT: usize = 32;
    if text.chars().count() <= LIMIT {
        text.to_owned()
    } else {
        let mut short: String = text.chars().take(LIMIT).collect();
        short.push('…');
        short
    }
}
