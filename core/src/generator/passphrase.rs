//! Random passphrases from the word list that ships with the crate.

use std::sync::OnceLock;

use rand_core::CryptoRng;
use zeroize::Zeroizing;

use super::error::GeneratorError;
use super::random::below;

/// The most words a passphrase may have.
pub const MAX_WORDS: usize = 32;

/// The longest separator allowed between words.
pub const MAX_SEPARATOR_CHARS: usize = 8;

const WORD_FILE: &str = include_str!("words.txt");

/// The word list: common English words, lowercase, 3 to 10 letters, no
/// duplicates (checked by this crate's tests).
pub fn words() -> &'static [&'static str] {
    static WORDS: OnceLock<Vec<&'static str>> = OnceLock::new();
    WORDS.get_or_init(|| {
        WORD_FILE
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .collect()
    })
}

/// What a generated passphrase must look like.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PassphrasePolicy {
    /// Number of words.
    pub words: usize,
    /// Put between words (may be empty).
    pub separator: String,
    /// Start every word with a capital letter.
    pub capitalize: bool,
    /// Append one random digit to one random word (for sites that insist
    /// on a digit).
    pub include_number: bool,
}

impl Default for PassphrasePolicy {
    /// Six words joined by `-`: about 68 bits with the shipped list.
    fn default() -> Self {
        PassphrasePolicy {
            words: 6,
            separator: "-".to_owned(),
            capitalize: false,
            include_number: false,
        }
    }
}

impl PassphrasePolicy {
    /// How many bits of strength a passphrase of this policy has, counting
    /// only the random choices (the word list itself is public).
    pub fn entropy_bits(&self) -> f64 {
        let per_word = (words().len() as f64).log2();
        let number = if self.include_number && self.words > 0 {
            (10.0 * self.words as f64).log2()
        } else {
            0.0
        };
        self.words as f64 * per_word + number
    }

    fn check(&self) -> Result<(), GeneratorError> {
        if self.words == 0 {
            return Err(GeneratorError::NoWords);
        }
        if self.words > MAX_WORDS {
            return Err(GeneratorError::TooManyWords {
                words: self.words,
                max: MAX_WORDS,
            });
        }
        if self.separator.chars().count() > MAX_SEPARATOR_CHARS {
            return Err(GeneratorError::SeparatorTooLong {
                max: MAX_SEPARATOR_CHARS,
            });
        }
        Ok(())
    }
}

/// A passphrase of `policy`, drawn with the caller's random number generator.
pub fn generate_passphrase<R: CryptoRng + ?Sized>(
    policy: &PassphrasePolicy,
    rng: &mut R,
) -> Result<Zeroizing<String>, GeneratorError> {
    policy.check()?;
    let list = words();

    let mut chosen: Vec<Zeroizing<String>> = (0..policy.words)
        .map(|_| {
            let word = list[below(rng, list.len())];
            Zeroizing::new(if policy.capitalize {
                capitalize(word)
            } else {
                word.to_owned()
            })
        })
        .collect();

    if policy.include_number {
        let which = below(rng, chosen.len());
        let digit = below(rng, 10);
        // `digit` is below 10, so it is always a decimal digit.
        if let Some(c) = char::from_digit(digit as u32, 10) {
            chosen[which].push(c);
        }
    }

    let mut phrase = Zeroizing::new(String::new());
    for (i, word) in chosen.iter().enumerate() {
        if i > 0 {
            phrase.push_str(&policy.separator);
        }
        phrase.push_str(word);
    }
    Ok(phrase)
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
