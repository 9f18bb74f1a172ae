//! What can be wrong with a one-time-password URI or a code request.
//!
//! Messages name the part of the URI at fault and what to do about it. None
//! of them quotes the secret: a bad secret character is reported by position.

use thiserror::Error;

/// A one-time-password URI that cannot be used, and which part is wrong.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum OtpUriError {
    /// Not `otpauth://` or `steam://`.
    #[error(
        "the URI must start with otpauth:// or steam://, not `{found}` \
         (copy the whole setup link, or type the secret into a new otpauth URI)"
    )]
    BadScheme { found: String },

    /// A Google Authenticator export link (`otpauth-migration://`), which
    /// carries several accounts in one.
    #[error(
        "this is an authenticator export link holding several accounts; \
         add each account from its own otpauth:// link or QR code"
    )]
    MigrationBatch,

    /// `otpauth://` followed by something other than totp, hotp or steam.
    #[error("the OTP type must be totp, hotp or steam, not `{found}` (otpauth://TYPE/...)")]
    UnknownType { found: String },

    /// The URI could not be read at all.
    #[error("the URI is malformed ({reason}); copy the setup link again")]
    Malformed { reason: String },

    /// The label is not valid UTF-8 once percent-decoded.
    #[error("the label (issuer:account) is not valid UTF-8 after percent-decoding")]
    LabelNotUtf8,

    /// No `secret=` parameter, or an empty one.
    #[error("the URI has no secret= parameter; the setup link or QR code is incomplete")]
    MissingSecret,

    /// The secret is not valid UTF-8 once percent-decoded.
    #[error("the secret is not valid UTF-8 after percent-decoding")]
    SecretNotUtf8,

    /// The secret has a character outside base32 (A–Z, 2–7).
    #[error(
        "the secret has a character that is not base32 (A-Z, 2-7) at position {position}; \
         check for 0/O, 1/I/L or 8/B mix-ups"
    )]
    SecretNotBase32 { position: usize },

    /// The secret decodes to no bytes at all.
    #[error("the secret is too short to hold a single byte")]
    SecretTooShort,

    /// A parameter appears twice, so it is not clear which one is meant.
    #[error("the `{name}` parameter appears more than once; keep only one")]
    RepeatedParameter { name: &'static str },

    /// `algorithm=` names no hash we know.
    #[error("the algorithm must be SHA1, SHA256 or SHA512, not `{found}`")]
    UnknownAlgorithm { found: String },

    /// `digits=` is not a number.
    #[error("digits= must be a number from 6 to 8, not `{found}`")]
    BadDigits { found: String },

    /// `digits=` is outside 6 to 8 (RFC 4226 section 5.3).
    #[error("digits= must be from 6 to 8, not {found}")]
    DigitsOutOfRange { found: u8 },

    /// `period=` is not a number.
    #[error("period= must be a whole number of seconds, not `{found}`")]
    BadPeriod { found: String },

    /// `period=0`.
    #[error("period= must be at least 1 second, not 0")]
    ZeroPeriod,

    /// `counter=` is not a number.
    #[error("counter= must be a whole number, not `{found}`")]
    BadCounter { found: String },
}

/// A code that cannot be produced for this configuration.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum OtpCodeError {
    /// A time was given for a counter-based (HOTP) configuration.
    #[error("this is a counter-based (HOTP) code: ask for the code at its counter, not a time")]
    NotTimeBased,

    /// A counter was given for a time-based configuration.
    #[error("this is a time-based code: ask for the code at a time, not a counter")]
    NotCounterBased,

    /// The HOTP counter cannot move past its largest value.
    #[error("the HOTP counter is at its largest value and cannot advance; set the token up again")]
    CounterExhausted,
}
