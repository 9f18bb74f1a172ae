//! Property tests: for any policy and any seed, a generated password has the
//! requested length and every requested class and nothing else, or the
//! policy is refused with a reason; passphrases have the requested words.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use latchkey_core::generator::{
    LOOK_ALIKES, PassphrasePolicy, PasswordPolicy, generate_passphrase, generate_password,
};
use proptest::prelude::*;
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn passwords_follow_any_policy(
        length in 0usize..300,
        lowercase: bool, uppercase: bool, digits: bool, symbols: bool,
        exclude_look_alikes: bool,
        seed: u64,
    ) {
        let policy = PasswordPolicy {
            length, lowercase, uppercase, digits, symbols, exclude_look_alikes,
        };
        let wanted = [lowercase, uppercase, digits, symbols].iter().filter(|b| **b).count();
        let result = generate_password(&policy, &mut ChaCha20Rng::seed_from_u64(seed));

        if wanted == 0 || length < wanted || length > 256 {
            prop_assert!(result.is_err());
            return Ok(());
        }
        let password = result.unwrap();
        prop_assert_eq!(password.chars().count(), length);
        prop_assert_eq!(password.chars().any(|c| c.is_ascii_lowercase()), lowercase);
        prop_assert_eq!(password.chars().any(|c| c.is_ascii_uppercase()), uppercase);
        prop_assert_eq!(password.chars().any(|c| c.is_ascii_digit()), digits);
        prop_assert_eq!(password.chars().any(|c| c.is_ascii_punctuation()), symbols);
        prop_assert!(password.chars().all(|c| c.is_ascii_graphic()));
        if exclude_look_alikes {
            prop_assert!(!password.chars().any(|c| LOOK_ALIKES.contains(c)));
        }
    }

    #[test]
    fn passphrases_have_the_requested_words(
        count in 1usize..=32,
        capitalize: bool,
        include_number: bool,
        seed: u64,
    ) {
        let policy = PassphrasePolicy {
            words: count,
            separator: "~".to_owned(),
            capitalize,
            include_number,
        };
        let phrase = generate_passphrase(&policy, &mut ChaCha20Rng::seed_from_u64(seed)).unwrap();
        prop_assert_eq!(phrase.split('~').count(), count);
        let digits = phrase.chars().filter(char::is_ascii_digit).count();
        prop_assert_eq!(digits, usize::from(include_number));
    }
}
