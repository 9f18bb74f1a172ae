//! Argon2id (RFC 9106) from passphrase to passphrase key.
//!
//! The parameters travel with the sealed keys, so a store could try to
//! lower them and make a stolen file cheap to attack. The floor below is
//! checked on every unlock, whatever the file says, and a ceiling keeps a
//! hostile file from asking for more memory than a browser tab has.

use argon2::{Algorithm, Argon2, Params, Version};
use serde::{Deserialize, Serialize};

use crate::secret::{Key32, Passphrase};

/// Argon2id cost parameters: memory in KiB, passes, lanes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    pub m_kib: u32,
    pub t: u32,
    pub p: u32,
}

/// Why a set of parameters was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KdfError {
    #[error(
        "key derivation parameters m={m_kib} KiB, t={t}, p={p} are below latchkey's floor of \
         m={MIN_M_KIB} KiB, t={MIN_T}; the file may have been tampered with"
    )]
    TooWeak { m_kib: u32, t: u32, p: u32 },
    #[error(
        "key derivation parameters m={m_kib} KiB, t={t}, p={p} are above latchkey's ceiling of \
         m={MAX_M_KIB} KiB, t={MAX_T}, p={MAX_P}; the file may have been tampered with"
    )]
    TooCostly { m_kib: u32, t: u32, p: u32 },
}

/// 19 MiB and two passes: the OWASP floor for Argon2id.
pub const MIN_M_KIB: u32 = 19 * 1024;
pub const MIN_T: u32 = 2;
pub const MAX_M_KIB: u32 = 1024 * 1024;
pub const MAX_T: u32 = 64;
pub const MAX_P: u32 = 16;

impl Default for KdfParams {
    /// 64 MiB, three passes, four lanes.
    fn default() -> KdfParams {
        KdfParams {
            m_kib: 64 * 1024,
            t: 3,
            p: 4,
        }
    }
}

impl KdfParams {
    /// The floor, for tests and benchmarks: the cheapest set latchkey accepts.
    pub fn minimum() -> KdfParams {
        KdfParams {
            m_kib: MIN_M_KIB,
            t: MIN_T,
            p: 1,
        }
    }

    pub fn check(&self) -> Result<(), KdfError> {
        let KdfParams { m_kib, t, p } = *self;
        if m_kib < MIN_M_KIB || t < MIN_T || p == 0 {
            return Err(KdfError::TooWeak { m_kib, t, p });
        }
        if m_kib > MAX_M_KIB || t > MAX_T || p > MAX_P || m_kib < 8 * p {
            return Err(KdfError::TooCostly { m_kib, t, p });
        }
        Ok(())
    }

    /// Derives the 32-byte passphrase key, after checking the parameters.
    pub(crate) fn derive(&self, pass: &Passphrase, salt: &[u8; 16]) -> Result<Key32, KdfError> {
        self.check()?;

        let KdfParams { m_kib, t, p } = *self;
        // Invariant: `check` keeps every value inside Argon2's own limits.
        let params =
            Params::new(m_kib, t, p, Some(32)).map_err(|_| KdfError::TooCostly { m_kib, t, p })?;
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let mut out = zeroize::Zeroizing::new([0u8; 32]);
        argon
            .hash_password_into(pass.as_bytes(), salt, out.as_mut())
            .map_err(|_| KdfError::TooCostly { m_kib, t, p })?;
        Ok(Key32::from_bytes(*out))
    }
}
