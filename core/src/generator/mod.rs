//! Password and passphrase generation.
//!
//! Randomness comes only from the caller's cryptographic RNG (the core has
//! none of its own), and every choice is uniform: rejection sampling instead
//! of `%`, and rejection of whole passwords that miss a required character
//! class instead of placing characters. The passphrase word list is written
//! for latchkey and ships inside the crate (`words.txt`), so a passphrase's
//! strength does not depend on anything installed on the machine.

mod error;
mod passphrase;
mod password;
mod random;

pub use error::GeneratorError;
pub use passphrase::{
    MAX_SEPARATOR_CHARS, MAX_WORDS, PassphrasePolicy, generate_passphrase, words,
};
pub use password::{LOOK_ALIKES, MAX_PASSWORD_LENGTH, PasswordPolicy, generate_password};
