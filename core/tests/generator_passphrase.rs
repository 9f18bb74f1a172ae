//! The passphrase generator and the word list that ships with it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use std::collections::{HashMap, HashSet};

use latchkey_core::generator::{
    GeneratorError, MAX_WORDS, PassphrasePolicy, generate_passphrase, words,
};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;

fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

#[test]
fn the_word_list_is_large_clean_and_unique() {
    let list = words();
    assert!(list.len() >= 2048, "{} words", list.len());

    let unique: HashSet<&str> = list.iter().copied().collect();
    assert_eq!(unique.len(), list.len(), "duplicate words");
    for word in list {
        assert!((3..=10).contains(&word.len()), "{word}");
        assert!(word.chars().all(|c| c.is_ascii_lowercase()), "{word}");
    }
}

#[test]
fn words_come_from_the_list_joined_by_the_separator() {
    let list: HashSet<&str> = words().iter().copied().collect();
    let mut rng = rng(1);
    for count in [1, 3, 6, 12, MAX_WORDS] {
        for separator in ["-", " ", "", "::"] {
            let policy = PassphrasePolicy {
                words: count,
                separator: separator.to_owned(),
                capitalize: false,
                include_number: false,
            };
            let phrase = generate_passphrase(&policy, &mut rng).unwrap();
            if separator.is_empty() {
                continue;
            }
            let parts: Vec<&str> = phrase.split(separator).collect();
            assert_eq!(parts.len(), count, "{separator:?}");
            assert!(parts.iter().all(|w| list.contains(w)));
        }
    }
}

#[test]
fn capitals_and_a_number_when_asked() {
    let list: HashSet<&str> = words().iter().copied().collect();
    let mut rng = rng(2);
    let policy = PassphrasePolicy {
        words: 5,
        separator: ".".to_owned(),
        capitalize: true,
        include_number: true,
    };
    for _ in 0..200 {
        let phrase = generate_passphrase(&policy, &mut rng).unwrap();
        let parts: Vec<&str> = phrase.split('.').collect();
        assert_eq!(parts.len(), 5);
        assert_eq!(
            phrase.chars().filter(char::is_ascii_digit).count(),
            1,
            "{}",
            *phrase
        );
        for part in parts {
            assert!(part.chars().next().unwrap().is_ascii_uppercase());
            let word = part
                .trim_end_matches(|c: char| c.is_ascii_digit())
                .to_lowercase();
            assert!(list.contains(word.as_str()), "{part}");
        }
    }
}

#[test]
fn every_word_is_equally_likely() {
    // 2,500-odd words with 60 draws each expected: chi-square against flat.
    let list = words();
    let mut rng = rng(3);
    let policy = PassphrasePolicy {
        words: 10,
        separator: " ".to_owned(),
        capitalize: false,
        include_number: false,
    };

    let mut counts: HashMap<String, u64> = HashMap::new();
    let draws = list.len() * 60 / 10;
    for _ in 0..draws {
        for word in generate_passphrase(&policy, &mut rng).unwrap().split(' ') {
            *counts.entry(word.to_owned()).or_insert(0) += 1;
        }
    }

    let total: u64 = counts.values().sum();
    let expected = total as f64 / list.len() as f64;
    let chi: f64 = list
        .iter()
        .map(|w| (counts.get(*w).copied().unwrap_or(0) as f64 - expected).powi(2) / expected)
        .sum();
    let k = (list.len() - 1) as f64;
    let critical = k * (1.0 - 2.0 / (9.0 * k) + 3.72 * (2.0 / (9.0 * k)).sqrt()).powi(3);
    assert!(chi < critical, "chi-square {chi} over {critical}");
}

#[test]
fn bad_policies_say_why() {
    let mut rng = rng(4);
    let base = PassphrasePolicy::default();

    let none = PassphrasePolicy {
        words: 0,
        ..base.clone()
    };
    assert_eq!(
        generate_passphrase(&none, &mut rng).unwrap_err(),
        GeneratorError::NoWords
    );

    let many = PassphrasePolicy {
        words: MAX_WORDS + 1,
        ..base.clone()
    };
    assert!(matches!(
        generate_passphrase(&many, &mut rng).unwrap_err(),
        GeneratorError::TooManyWords { .. }
    ));

    let long = PassphrasePolicy {
        separator: "-".repeat(9),
        ..base
    };
    assert!(matches!(
        generate_passphrase(&long, &mut rng).unwrap_err(),
        GeneratorError::SeparatorTooLong { .. }
    ));
}

#[test]
fn default_policy_strength() {
    let bits = PassphrasePolicy::default().entropy_bits();
    // Six words from at least 2048: at least 66 bits.
    assert!(bits >= 66.0, "{bits}");
}
