//! Computing codes: RFC 6238 (TOTP), RFC 4226 (HOTP) and Steam Guard.
//!
//! The arithmetic is totp-rs's. It is handed only values that
//! [`OtpUri::parse`](super::OtpUri::parse) has already checked (digits 6 to 8
//! or Steam's 5, a period of at least one second, a non-empty secret), which
//! are exactly the conditions under which its generator cannot panic.

use std::fmt;

use totp_rs::{Algorithm, Builder};
use zeroize::Zeroizing;

use super::error::OtpCodeError;
use super::uri::{OtpAlgorithm, OtpKind, OtpUri, STEAM_PERIOD};

/// One code, ready to show or fill.
///
/// The characters are wiped when dropped and never printed by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Code {
    /// The code's characters: decimal digits, or Steam's letters and digits.
    pub digits: Zeroizing<String>,
    /// Seconds until this code stops being the current one (at least 1);
    /// 0 for counter-based codes, which do not expire.
    pub seconds_left: u32,
    /// The length of a whole period in seconds (for a countdown ring);
    /// 0 for counter-based codes.
    pub period: u32,
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Code")
            .field("digits", &"<redacted>")
            .field("seconds_left", &self.seconds_left)
            .field("period", &self.period)
            .finish()
    }
}

impl OtpUri {
    /// The code current at `unix` seconds, for TOTP and Steam Guard.
    pub fn code_at(&self, unix: u64) -> Result<Code, OtpCodeError> {
        let period = match self.kind {
            OtpKind::Totp { period } => period,
            OtpKind::Steam => STEAM_PERIOD,
            OtpKind::Hotp { .. } => return Err(OtpCodeError::NotTimeBased),
        };

        let digits = self.generate(u64::from(period), unix);
        Ok(Code {
            digits,
            seconds_left: seconds_left(period, unix),
            period,
        })
    }

    /// The RFC 4226 code for `counter`, for HOTP.
    pub fn code_for_counter(&self, counter: u64) -> Result<Code, OtpCodeError> {
        if !matches!(self.kind, OtpKind::Hotp { .. }) {
            return Err(OtpCodeError::NotCounterBased);
        }

        // A step of one second makes totp-rs's "time / step" the counter
        // itself, which is exactly RFC 4226's HOTP(K, C).
        Ok(Code {
            digits: self.generate(1, counter),
            seconds_left: 0,
            period: 0,
        })
    }

    /// Uses the current HOTP code: returns it with the URI to store in its
    /// place, whose counter has moved on by one (the vault saves that as a
    /// new version of the entry, so a code is never shown twice).
    pub fn use_hotp(&self) -> Result<(Code, OtpUri), OtpCodeError> {
        let OtpKind::Hotp { counter } = self.kind else {
            return Err(OtpCodeError::NotCounterBased);
        };

        let next = counter
            .checked_add(1)
            .ok_or(OtpCodeError::CounterExhausted)?;
        let code = self.code_for_counter(counter)?;
        Ok((code, self.with_counter(next)))
    }

    fn generate(&self, step: u64, moment: u64) -> Zeroizing<String> {
        let builder = match self.kind {
            OtpKind::Steam => Builder::new_steam(),
            _ => Builder::new()
                .with_algorithm(match self.algorithm {
                    OtpAlgorithm::Sha1 => Algorithm::SHA1,
                    OtpAlgorithm::Sha256 => Algorithm::SHA256,
                    OtpAlgorithm::Sha512 => Algorithm::SHA512,
                })
                .with_digits(self.digits)
                .with_step_duration(step),
        };

        // `build_noncompliant` because services really do issue secrets
        // shorter than RFC 4226's 128 bits (80 bits is common) and refusing
        // them would lock people out; the other checks `build` makes were
        // done at parse time.
        let totp = builder
            .with_secret(self.secret.to_vec())
            .with_skew(0)
            .build_noncompliant();
        Zeroizing::new(totp.generate(moment).to_string())
    }
}

/// Seconds until the period containing `unix` ends, from `period` down to 1.
pub fn seconds_left(period: u32, unix: u64) -> u32 {
    let period = u64::from(period.max(1));
    // The remainder is below `period`, which came from a u32.
    u32::try_from(period - unix % period).unwrap_or(u32::MAX)
}
