//! The password generator: length and classes always honoured, look-alikes
//! left out when asked, every policy error named, and a chi-square test that
//! no character of the alphabet is favoured.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use std::collections::HashMap;
use std::convert::Infallible;

use latchkey_core::generator::{
    GeneratorError, LOOK_ALIKES, MAX_PASSWORD_LENGTH, PasswordPolicy, generate_password,
};
use rand_chacha::ChaCha20Rng;
use rand_core::{SeedableRng, TryCryptoRng, TryRng};

fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

fn policy(length: usize, classes: [bool; 4], exclude_look_alikes: bool) -> PasswordPolicy {
    PasswordPolicy {
        length,
        lowercase: classes[0],
        uppercase: classes[1],
        digits: classes[2],
        symbols: classes[3],
        exclude_look_alikes,
    }
}

/// The chi-square value of observed counts against equal expected counts.
fn chi_square(counts: &HashMap<char, u64>, alphabet: &[char]) -> f64 {
    let total: u64 = alphabet
        .iter()
        .map(|c| counts.get(c).copied().unwrap_or(0))
        .sum();
    let expected = total as f64 / alphabet.len() as f64;
    alphabet
        .iter()
        .map(|c| {
            let observed = counts.get(c).copied().unwrap_or(0) as f64;
            (observed - expected).powi(2) / expected
        })
        .sum()
}

/// The chi-square value a fair source exceeds with probability about 1e-4
/// (Wilson–Hilferty approximation, z = 3.72).
fn critical(degrees: usize) -> f64 {
    let k = degrees as f64;
    let term = 1.0 - 2.0 / (9.0 * k) + 3.72 * (2.0 / (9.0 * k)).sqrt();
    k * term.powi(3)
}

#[test]
fn length_and_classes_are_always_honoured() {
    let mut rng = rng(1);
    for classes in 1u8..16 {
        let enabled = [
            classes & 1 != 0,
            classes & 2 != 0,
            classes & 4 != 0,
            classes & 8 != 0,
        ];
        let wanted = enabled.iter().filter(|e| **e).count();
        for length in [wanted, wanted + 1, 8, 20, 64, MAX_PASSWORD_LENGTH] {
            for exclude in [false, true] {
                let p = policy(length, enabled, exclude);
                let password = generate_password(&p, &mut rng).unwrap();
                assert_eq!(password.chars().count(), length);

                let has = [
                    password.chars().any(|c| c.is_ascii_lowercase()),
                    password.chars().any(|c| c.is_ascii_uppercase()),
                    password.chars().any(|c| c.is_ascii_digit()),
                    password.chars().any(|c| c.is_ascii_punctuation()),
                ];
                assert_eq!(has, enabled, "policy {p:?}");
                if exclude {
                    assert!(!password.chars().any(|c| LOOK_ALIKES.contains(c)));
                }
            }
        }
    }
}

#[test]
fn look_alikes_are_excluded_when_asked() {
    let mut rng = rng(2);
    let p = policy(200, [true; 4], true);
    for _ in 0..50 {
        let password = generate_password(&p, &mut rng).unwrap();
        for c in ['0', 'O', 'o', '1', 'l', 'I', '|'] {
            assert!(!password.contains(c), "{c} in a look-alike-free password");
        }
    }

    // And they do appear when not excluded, so the check above means something.
    let p = policy(200, [true; 4], false);
    let all: String = (0..50)
        .map(|_| generate_password(&p, &mut rng).unwrap().to_string())
        .collect();
    assert!(LOOK_ALIKES.chars().all(|c| all.contains(c)));
}

#[test]
fn every_character_is_equally_likely() {
    // One class at a time: the distribution over its characters must be flat.
    let mut rng = rng(3);
    let single = [
        ([true, false, false, false], 26),
        ([false, false, true, false], 10),
        ([false, false, false, true], 32),
    ];
    for (classes, alphabet_size) in single {
        let p = policy(32, classes, false);
        let mut counts = HashMap::new();
        for _ in 0..6_000 {
            for c in generate_password(&p, &mut rng).unwrap().chars() {
                *counts.entry(c).or_insert(0u64) += 1;
            }
        }
        let alphabet: Vec<char> = p.classes().concat();
        assert_eq!(alphabet.len(), alphabet_size);
        let chi = chi_square(&counts, &alphabet);
        assert!(chi < critical(alphabet.len() - 1), "chi-square {chi}");
    }
}

#[test]
fn no_bias_within_each_class_or_position() {
    // With every class on, requiring one of each changes how often each
    // class appears overall, but within a class every character must be
    // equally likely, and at every position.
    let mut rng = rng(4);
    let p = policy(16, [true; 4], false);
    let classes = p.classes();

    let mut counts = HashMap::new();
    let mut first = HashMap::new();
    for _ in 0..30_000 {
        let password = generate_password(&p, &mut rng).unwrap();
        for c in password.chars() {
            *counts.entry(c).or_insert(0u64) += 1;
        }
        *first
            .entry(password.chars().next().unwrap())
            .or_insert(0u64) += 1;
    }

    for class in &classes {
        let chi = chi_square(&counts, class);
        assert!(
            chi < critical(class.len() - 1),
            "class {class:?}: chi-square {chi}"
        );
        let chi = chi_square(&first, class);
        assert!(
            chi < critical(class.len() - 1),
            "first position {class:?}: {chi}"
        );
    }

    // The first character is as likely to be a symbol as anywhere else: no
    // "class characters first" layout.
    let symbols_first: u64 = classes[3]
        .iter()
        .map(|c| first.get(c).copied().unwrap_or(0))
        .sum();
    let share = symbols_first as f64 / 30_000.0;
    assert!(
        (0.28..0.40).contains(&share),
        "symbols first in {share} of passwords"
    );
}

#[test]
fn the_chi_square_test_catches_a_biased_source() {
    // Modulo bias of the kind uniform sampling prevents: `byte % 94` makes
    // the first 68 characters 1.5 times as likely as the rest.
    let alphabet: Vec<char> = policy(1, [true; 4], false).classes().concat();
    let mut rng = rng(5);
    let mut counts = HashMap::new();
    for _ in 0..200_000 {
        let byte = (rng.try_next_u32().unwrap() & 0xff) as usize;
        *counts
            .entry(alphabet[byte % alphabet.len()])
            .or_insert(0u64) += 1;
    }
    assert!(chi_square(&counts, &alphabet) > critical(alphabet.len() - 1));
}

#[test]
fn policies_that_cannot_be_met_say_why() {
    let mut rng = rng(6);
    let cases = [
        (
            policy(20, [false; 4], false),
            GeneratorError::NoCharacterClass,
        ),
        (
            policy(3, [true; 4], false),
            GeneratorError::PasswordTooShort {
                length: 3,
                classes: 4,
            },
        ),
        (
            policy(0, [true, false, false, false], false),
            GeneratorError::PasswordTooShort {
                length: 0,
                classes: 1,
            },
        ),
        (
            policy(MAX_PASSWORD_LENGTH + 1, [true; 4], false),
            GeneratorError::PasswordTooLong {
                length: MAX_PASSWORD_LENGTH + 1,
                max: MAX_PASSWORD_LENGTH,
            },
        ),
    ];
    for (p, expected) in cases {
        assert_eq!(generate_password(&p, &mut rng).unwrap_err(), expected);
        assert!(!expected.to_string().is_empty());
    }
}

/// A generator that always returns the same value: not random at all.
struct Stuck;

impl TryRng for Stuck {
    type Error = Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok(0)
    }
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        Ok(0)
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        dst.fill(0);
        Ok(())
    }
}

impl TryCryptoRng for Stuck {}

#[test]
fn a_stuck_generator_is_an_error_not_a_hang() {
    let p = policy(20, [true; 4], false);
    assert_eq!(
        generate_password(&p, &mut Stuck).unwrap_err(),
        GeneratorError::RandomnessStuck
    );
}

#[test]
fn default_policy_is_strong() {
    let p = PasswordPolicy::default();
    assert!(p.entropy_bits() > 128.0, "{}", p.entropy_bits());
    let a = generate_password(&p, &mut rng(7)).unwrap();
    let b = generate_password(&p, &mut rng(8)).unwrap();
    assert_ne!(a, b);
    assert_eq!(
        a,
        generate_password(&p, &mut rng(7)).unwrap(),
        "same seed, same password"
    );
}
