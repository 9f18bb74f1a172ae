//! Argon2id (RFC 9106) from passphrase to passphrase key.
//!
//! The parameters travel with the sealed keys, so a store could try to
//! lower them and make a stolen file cheap to attack. The floor below is
//! checked on every unlock, whatever the file says, and a ceiling keeps a
//! hostile file from asking for more memory than a browser tab has.

use argon2::{Algorithm, Argon2, Version};
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
        let too_costly = KdfError::TooCostly { m_kib, t, p };
        let mut out = zeroize::Zeroizing::new([0u8; 32]);
        argon2id(pass.as_bytes(), salt, None, *self, out.as_mut()).map_err(|_| too_costly)?;
        Ok(Key32::from_bytes(*out))
    }
}

/// Argon2id version 0x13 (RFC 9106 section 3), optionally with the secret and
/// associated data inputs. latchkey itself passes neither; the RFC's test
/// vector uses both, and runs through this same function.
fn argon2id(
    password: &[u8],
    salt: &[u8],
    secret_and_data: Option<(&[u8], &[u8])>,
    params: KdfParams,
    out: &mut [u8],
) -> Result<(), argon2::Error> {
    let mut builder = argon2::ParamsBuilder::new();
    builder
        .m_cost(params.m_kib)
        .t_cost(params.t)
        .p_cost(params.p)
        .output_len(out.len());
    if let Some((_, data)) = secret_and_data {
        builder.data(argon2::AssociatedData::new(data)?);
    }
    let built = builder.build()?;
    let argon = match secret_and_data {
        Some((secret, _)) => {
            Argon2::new_with_secret(secret, Algorithm::Argon2id, Version::V0x13, built)?
        }
        None => Argon2::new(Algorithm::Argon2id, Version::V0x13, built),
    };
    argon.hash_password_into(password, salt, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 9106 section 5.3: the Argon2id test vector.
    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn rfc9106_argon2id_vector() {
        let params = KdfParams {
            m_kib: 32,
            t: 3,
            p: 4,
        };
        let mut tag = [0u8; 32];
        argon2id(
            &[1; 32],
            &[2; 16],
            Some((&[3; 8], &[4; 12])),
            params,
            &mut tag,
        )
        .unwrap();
        let expected = "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659";
        let hex: String = tag.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, expected);
    }

    #[test]
    fn the_floor_and_ceiling_are_enforced() {
        assert!(KdfParams::minimum().check().is_ok());
        assert!(KdfParams::default().check().is_ok());
        let weak = [(MIN_M_KIB - 1, 2, 1), (MIN_M_KIB, 1, 1), (MIN_M_KIB, 2, 0)];
        for (m_kib, t, p) in weak {
            let params = KdfParams { m_kib, t, p };
            assert_eq!(params.check(), Err(KdfError::TooWeak { m_kib, t, p }));
            let salt = [0; 16];
            assert!(params.derive(&Passphrase::new("x".into()), &salt).is_err());
        }
        let costly = KdfParams {
            m_kib: MAX_M_KIB + 1,
            t: 2,
            p: 1,
        };
        assert!(matches!(costly.check(), Err(KdfError::TooCostly { .. })));
    }

    #[test]
    fn derivation_depends_on_passphrase_salt_and_parameters() {
        let params = KdfParams::minimum();
        let pass = Passphrase::new("pass".into());
        let base = params.derive(&pass, &[1; 16]).unwrap();
        let other_salt = params.derive(&pass, &[2; 16]).unwrap();
        let other_pass = params
            .derive(&Passphrase::new("pas5".into()), &[1; 16])
            .unwrap();
        let other_t = KdfParams { t: 3, ..params }
            .derive(&pass, &[1; 16])
            .unwrap();
        for other in [other_salt, other_pass, other_t] {
            assert_ne!(base.as_bytes(), other.as_bytes());
        }
    }
}
