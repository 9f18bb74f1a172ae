//! The popup's password generator: the core's, seeded from the browser.
//!
//! Works locked or unlocked (it needs no key); what it makes goes back to the
//! popup only, which puts it into the add or edit form when the user picks
//! "use". Nothing generated is stored until the entry is saved.

use latchkey_core::generator::{
    GeneratorError, PassphrasePolicy, PasswordPolicy, generate_passphrase, generate_password,
};
use zeroize::Zeroizing;

use crate::message::Generate;
use crate::rng;

/// Why nothing was generated: the policy (with what to change) or randomness.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("{0}")]
    Policy(#[from] GeneratorError),
    #[error("{0}")]
    Random(String),
}

/// A password or passphrase of `policy`, and roughly how many bits it has.
pub fn generate(policy: &Generate) -> Result<(Zeroizing<String>, f64), GenerateError> {
    let mut rng = rng::fresh().map_err(GenerateError::Random)?;
    match policy {
        Generate::Password {
            length,
            lowercase,
            uppercase,
            digits,
            symbols,
            exclude_look_alikes,
        } => {
            let policy = PasswordPolicy {
                length: *length,
                lowercase: *lowercase,
                uppercase: *uppercase,
                digits: *digits,
                symbols: *symbols,
                exclude_look_alikes: *exclude_look_alikes,
            };
            let password = generate_password(&policy, &mut rng)?;
            Ok((password, policy.entropy_bits()))
        }
        Generate::Passphrase {
            words,
            separator,
            capitalize,
            include_number,
        } => {
            let policy = PassphrasePolicy {
                words: *words,
                separator: separator.clone(),
                capitalize: *capitalize,
                include_number: *include_number,
            };
            let phrase = generate_passphrase(&policy, &mut rng)?;
            Ok((phrase, policy.entropy_bits()))
        }
    }
}
