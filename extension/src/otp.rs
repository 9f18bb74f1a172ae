//! One-time codes for the entry view and for fills.
//!
//! A TOTP code is computed for the moment it is asked for, with the seconds
//! it has left, so the popup's countdown ring follows the core's clock rather
//! than guessing. An HOTP code is different: using one moves the counter on,
//! and the moved counter is stored as a new version of the entry (through
//! `OpenVault::edit_with`, which keeps every other field), so no code is ever
//! shown or filled twice.

use latchkey_core::totp::{OtpKind as CoreKind, OtpUri};
use latchkey_core::{Access, EntryId, OpenVault, Secret};
use rand_core::CryptoRng;
use zeroize::Zeroizing;

use crate::message::OtpKind;
use crate::rng;
use crate::session::{Session, SessionError, checked_otp};

/// An entry's code as the popup shows it.
pub struct CodeView {
    pub kind: OtpKind,
    /// Absent for HOTP until a code is used with "next code".
    pub code: Option<Zeroizing<String>>,
    pub seconds_left: u32,
    pub period: u32,
}

fn vault_error(e: impl std::fmt::Display) -> SessionError {
    SessionError::Vault(e.to_string())
}

fn is_hotp(uri: &OtpUri) -> bool {
    matches!(uri.kind(), CoreKind::Hotp { .. })
}

/// Uses the HOTP code of `uri` and stores the advanced counter as the
/// entry's new version; returns the code.
fn use_hotp<R: CryptoRng + ?Sized>(
    vault: &mut OpenVault,
    id: &EntryId,
    uri: &OtpUri,
    now: u64,
    rng: &mut R,
) -> Result<Zeroizing<String>, SessionError> {
    let (code, next) = uri.use_hotp().map_err(vault_error)?;
    let next = Secret::new(next.to_uri().to_string());
    vault
        .edit_with(id, |draft| draft.totp = Some(next), now, rng)
        .map_err(vault_error)?;
    Ok(code.digits)
}

/// The code a fill types: TOTP's current one, or HOTP's next one (used up).
pub(crate) fn fill_code<R: CryptoRng + ?Sized>(
    vault: &mut OpenVault,
    id: &EntryId,
    uri: &Secret,
    now: u64,
    rng: &mut R,
) -> Result<Zeroizing<String>, SessionError> {
    let uri = checked_otp(uri.expose())?;
    if is_hotp(&uri) {
        return use_hotp(vault, id, &uri, now, rng);
    }
    Ok(uri.code_at(now).map_err(vault_error)?.digits)
}

impl Session {
    /// The entry's one-time code configuration, opened for the entry view
    /// (written to the audit trail as a reveal).
    fn otp_uri(&mut self, id: &EntryId, now: u64) -> Result<OtpUri, SessionError> {
        let mut rng = rng::fresh().map_err(SessionError::Random)?;
        let open = self.open_mut()?;
        let secrets = open
            .vault
            .secrets(id, Access::Reveal, now, &mut rng)
            .map_err(vault_error)?;
        self.saved();
        let uri = secrets
            .totp
            .ok_or_else(|| SessionError::Vault("this entry has no one-time codes".into()))?;
        checked_otp(uri.expose())
    }

    /// What the entry view shows: the TOTP code current at `now` with its
    /// seconds left, or for HOTP just that a code can be asked for.
    pub fn code(&mut self, id: &str, now: u64) -> Result<CodeView, SessionError> {
        let id = self.entry_id(id)?;
        let uri = self.otp_uri(&id, now)?;
        if is_hotp(&uri) {
            return Ok(CodeView {
                kind: OtpKind::Hotp,
                code: None,
                seconds_left: 0,
                period: 0,
            });
        }
        let code = uri.code_at(now).map_err(vault_error)?;
        Ok(CodeView {
            kind: OtpKind::Totp,
            code: Some(code.digits),
            seconds_left: code.seconds_left,
            period: code.period,
        })
    }

    /// HOTP's "next code": the code for the stored counter, which moves on
    /// by one in a new version of the entry.
    pub fn next_code(&mut self, id: &str, now: u64) -> Result<CodeView, SessionError> {
        let id = self.entry_id(id)?;
        let uri = self.otp_uri(&id, now)?;
        if !is_hotp(&uri) {
            return Err(SessionError::Vault(
                "this entry's codes change with time; there is no next code to ask for".into(),
            ));
        }
        let mut rng = rng::fresh().map_err(SessionError::Random)?;
        let open = self.open_mut()?;
        let code = use_hotp(&mut open.vault, &id, &uri, now, &mut rng)?;
        self.saved();
        Ok(CodeView {
            kind: OtpKind::Hotp,
            code: Some(code),
            seconds_left: 0,
            period: 0,
        })
    }
}
