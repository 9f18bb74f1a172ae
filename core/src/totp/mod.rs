//! One-time passwords: TOTP (RFC 6238), HOTP (RFC 4226) and Steam Guard.
//!
//! An entry stores its one-time-password setup as an `otpauth://` URI inside
//! the encrypted entry. [`OtpUri::parse`] reads whatever a person pasted,
//! normalizes it and keeps it as checked values; [`OtpUri::code_at`] and
//! [`OtpUri::code_for_counter`] turn it into codes with totp-rs.
//!
//! Security notes: the shared secret is wiped on drop and never appears in
//! `Debug` output or an error message. [`OtpUri::to_uri`] does contain it and
//! returns it in a wiping string. Codes are computed from the time the caller
//! passes in; the core has no clock.

mod code;
mod error;
mod fields;
mod uri;

pub use code::{Code, seconds_left};
pub use error::{OtpCodeError, OtpUriError};
pub use uri::{OtpAlgorithm, OtpKind, OtpUri, STEAM_DIGITS, STEAM_PERIOD};
