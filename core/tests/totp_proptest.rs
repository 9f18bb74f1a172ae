//! Property tests for otpauth URIs: whatever a URI holds, writing it out and
//! reading it back gives the same configuration, and no input makes the
//! parser panic.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use latchkey_core::totp::{OtpKind, OtpUri};
use proptest::prelude::*;

/// Percent-encodes every byte, so any text can be put into a test URI.
fn encode_all(text: &str) -> String {
    text.bytes().map(|b| format!("%{b:02X}")).collect()
}

fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    // Test-only encoder, so the round trip is checked against something
    // other than the code under test.
    let mut out = String::new();
    for chunk in bytes.chunks(5) {
        let mut buf = [0u8; 5];
        buf[..chunk.len()].copy_from_slice(chunk);
        let value = buf.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        let chars = (chunk.len() * 8).div_ceil(5);
        for i in 0..chars {
            let index = (value >> (35 - 5 * i)) & 31;
            out.push(char::from(ALPHABET[index as usize]));
        }
    }
    out
}

prop_compose! {
    fn any_uri()(
        kind in 0u8..3,
        issuer in proptest::option::of("\\PC{0,12}"),
        account in "\\PC{0,16}",
        secret in proptest::collection::vec(any::<u8>(), 1..64),
        algorithm in prop::sample::select(vec!["SHA1", "SHA256", "SHA512"]),
        digits in 6u8..=8,
        period in 1u32..=u32::MAX,
        counter in any::<u64>(),
    ) -> String {
        let label = match &issuer {
            Some(issuer) => format!("{}:{}", encode_all(issuer), encode_all(&account)),
            None => encode_all(&account),
        };
        let kind_name = ["totp", "hotp", "steam"][usize::from(kind)];
        let mut uri = format!(
            "otpauth://{kind_name}/{label}?secret={}&algorithm={algorithm}&digits={digits}\
             &period={period}&counter={counter}",
            base32(&secret)
        );
        if let Some(issuer) = &issuer {
            uri.push_str(&format!("&issuer={}", encode_all(issuer)));
        }
        uri
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parse_of_format_is_identity(text in any_uri()) {
        let uri = OtpUri::parse(&text).unwrap();
        let again = OtpUri::parse(&uri.to_uri()).unwrap();
        prop_assert_eq!(&again, &uri);
        prop_assert_eq!(again.to_uri(), uri.to_uri());
    }

    #[test]
    fn codes_survive_the_round_trip(text in any_uri(), time in any::<u64>()) {
        let uri = OtpUri::parse(&text).unwrap();
        let again = OtpUri::parse(&uri.to_uri()).unwrap();
        match uri.kind() {
            OtpKind::Hotp { counter } => prop_assert_eq!(
                uri.code_for_counter(counter).unwrap().digits,
                again.code_for_counter(counter).unwrap().digits
            ),
            _ => prop_assert_eq!(
                uri.code_at(time).unwrap().digits,
                again.code_at(time).unwrap().digits
            ),
        }
    }

    #[test]
    fn parser_never_panics(text in "\\PC*") {
        let _ = OtpUri::parse(&text);
    }

    #[test]
    fn parser_never_panics_on_near_misses(
        params in "[a-zA-Z0-9=&%:+ ./-]{0,80}",
        kind in prop::sample::select(vec!["totp", "hotp", "steam", "TOTP", ""]),
    ) {
        let _ = OtpUri::parse(&format!("otpauth://{kind}/label?{params}"));
        let _ = OtpUri::parse(&format!("steam://{params}"));
    }
}
