//! Why a password or passphrase cannot be generated for a policy.

use thiserror::Error;

/// A policy the generator cannot satisfy, with what to change.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum GeneratorError {
    /// Every character class is switched off (or emptied by look-alike
    /// exclusion).
    #[error("choose at least one kind of character (lowercase, uppercase, digits or symbols)")]
    NoCharacterClass,

    /// Fewer characters than required classes.
    #[error(
        "a {length}-character password cannot contain all {classes} chosen kinds of character; \
         make it at least {classes} long"
    )]
    PasswordTooShort { length: usize, classes: usize },

    /// Longer than the generator makes.
    #[error("passwords can be at most {max} characters, not {length}")]
    PasswordTooLong { length: usize, max: usize },

    /// A passphrase of no words.
    #[error("a passphrase needs at least one word")]
    NoWords,

    /// More words than the generator makes.
    #[error("passphrases can have at most {max} words, not {words}")]
    TooManyWords { words: usize, max: usize },

    /// The separator is too long.
    #[error("the separator between words can be at most {max} characters")]
    SeparatorTooLong { max: usize },

    /// The random number generator produced nothing usable in many tries.
    #[error("the random number generator is not producing random values; generation stopped")]
    RandomnessStuck,
}
