//! Random passwords from character classes.

use rand_core::CryptoRng;
use zeroize::Zeroizing;

use super::error::GeneratorError;
use super::random::below;

/// The longest password the generator makes: far past any site's limit, and
/// a bound on the work one request can cause.
pub const MAX_PASSWORD_LENGTH: usize = 256;

/// How many whole passwords may be drawn before one has every required
/// class. For any valid policy the chance of needing more is below 10^-40;
/// reaching it means the random number generator is not random.
const MAX_ATTEMPTS: usize = 10_000;

const LOWERCASE: &str = "abcdefghijklmnopqrstuvwxyz";
const UPPERCASE: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DIGITS: &str = "0123456789";
const SYMBOLS: &str = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

/// Characters that are easily mistaken for one another when read aloud,
/// copied by hand or shown in some fonts.
pub const LOOK_ALIKES: &str = "0Oo1lI|5S2Z8B`'\",.;:";

/// What a generated password must look like.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PasswordPolicy {
    /// Number of characters.
    pub length: usize,
    /// Use (and require at least one of) `a`–`z`.
    pub lowercase: bool,
    /// Use (and require at least one of) `A`–`Z`.
    pub uppercase: bool,
    /// Use (and require at least one of) `0`–`9`.
    pub digits: bool,
    /// Use (and require at least one of) ASCII punctuation.
    pub symbols: bool,
    /// Leave out [`LOOK_ALIKES`].
    pub exclude_look_alikes: bool,
}

impl Default for PasswordPolicy {
    /// 20 characters from all four classes: about 131 bits.
    fn default() -> Self {
        PasswordPolicy {
            length: 20,
            lowercase: true,
            uppercase: true,
            digits: true,
            symbols: true,
            exclude_look_alikes: false,
        }
    }
}

impl PasswordPolicy {
    /// The enabled classes, each as its list of allowed characters.
    pub fn classes(&self) -> Vec<Vec<char>> {
        [
            (self.lowercase, LOWERCASE),
            (self.uppercase, UPPERCASE),
            (self.digits, DIGITS),
            (self.symbols, SYMBOLS),
        ]
        .into_iter()
        .filter(|(enabled, _)| *enabled)
        .map(|(_, chars)| {
            chars
                .chars()
                .filter(|c| !(self.exclude_look_alikes && LOOK_ALIKES.contains(*c)))
                .collect()
        })
        .collect()
    }

    /// Roughly how many bits of strength a password of this policy has
    /// (length × log2 of the alphabet; the "one of each class" rule takes a
    /// little away, never more than a couple of bits).
    pub fn entropy_bits(&self) -> f64 {
        let alphabet: usize = self.classes().iter().map(Vec::len).sum();
        if alphabet == 0 {
            return 0.0;
        }
        self.length as f64 * (alphabet as f64).log2()
    }

    fn check(&self) -> Result<Vec<Vec<char>>, GeneratorError> {
        let classes = self.classes();
        if classes.is_empty() {
            return Err(GeneratorError::NoCharacterClass);
        }
        if self.length > MAX_PASSWORD_LENGTH {
            return Err(GeneratorError::PasswordTooLong {
                length: self.length,
                max: MAX_PASSWORD_LENGTH,
            });
        }
        if self.length < classes.len() {
            return Err(GeneratorError::PasswordTooShort {
                length: self.length,
                classes: classes.len(),
            });
        }
        Ok(classes)
    }
}

/// A password of `policy`, drawn with the caller's random number generator.
///
/// Every character is drawn uniformly from all allowed characters, and a
/// password missing a required class is thrown away and drawn again. That
/// makes every valid password equally likely; putting one character of each
/// class in first and shuffling would not.
pub fn generate_password<R: CryptoRng + ?Sized>(
    policy: &PasswordPolicy,
    rng: &mut R,
) -> Result<Zeroizing<String>, GeneratorError> {
    let classes = policy.check()?;
    let alphabet: Vec<char> = classes.iter().flatten().copied().collect();

    for _ in 0..MAX_ATTEMPTS {
        let mut password = Zeroizing::new(String::with_capacity(policy.length));
        for _ in 0..policy.length {
            password.push(alphabet[below(rng, alphabet.len())]);
        }

        let complete = classes
            .iter()
            .all(|class| password.chars().any(|c| class.contains(&c)));
        if complete {
            return Ok(password);
        }
    }
    Err(GeneratorError::RandomnessStuck)
}
