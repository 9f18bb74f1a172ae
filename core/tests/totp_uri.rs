//! otpauth parsing, table-driven from `vectors/otpauth_cases.json`: every
//! quirk people paste is accepted and normalized, every malformed form gets
//! the error naming the part that is wrong, and no error message or `Debug`
//! output ever shows the secret.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use latchkey_core::totp::{OtpAlgorithm, OtpKind, OtpUri, OtpUriError};
use serde_json::Value;

fn cases() -> Value {
    serde_json::from_str(include_str!("vectors/otpauth_cases.json")).unwrap()
}

/// The variant name of an error, as the data file spells it.
fn variant(error: &OtpUriError) -> String {
    let debug = format!("{error:?}");
    debug
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap()
        .to_owned()
}

fn secret_in(uri: &OtpUri) -> String {
    let text = uri.to_uri();
    let start = text.find("secret=").unwrap() + "secret=".len();
    text[start..].split('&').next().unwrap().to_owned()
}

#[test]
fn accepted_forms_normalize() {
    let file = cases();
    for case in file["ok"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let uri = OtpUri::parse(case["uri"].as_str().unwrap())
            .unwrap_or_else(|e| panic!("{name}: refused with {e}"));

        let kind = match case["kind"].as_str().unwrap() {
            "totp" => OtpKind::Totp {
                period: case["period"].as_u64().unwrap() as u32,
            },
            "hotp" => OtpKind::Hotp {
                counter: case["counter"].as_u64().unwrap(),
            },
            "steam" => OtpKind::Steam,
            other => panic!("{name}: unknown kind {other} in the data file"),
        };
        let algorithm = match case["algorithm"].as_str().unwrap() {
            "SHA1" => OtpAlgorithm::Sha1,
            "SHA256" => OtpAlgorithm::Sha256,
            "SHA512" => OtpAlgorithm::Sha512,
            other => panic!("{name}: unknown algorithm {other} in the data file"),
        };

        assert_eq!(uri.kind(), kind, "{name}");
        assert_eq!(uri.algorithm(), algorithm, "{name}");
        assert_eq!(
            u64::from(uri.digits()),
            case["digits"].as_u64().unwrap(),
            "{name}"
        );
        assert_eq!(uri.issuer(), case["issuer"].as_str(), "{name}");
        assert_eq!(uri.account(), case["account"].as_str().unwrap(), "{name}");
        assert_eq!(secret_in(&uri), case["secret"].as_str().unwrap(), "{name}");
    }
}

#[test]
fn malformed_forms_name_the_wrong_part() {
    let file = cases();
    for case in file["error"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let error = match OtpUri::parse(case["uri"].as_str().unwrap()) {
            Ok(uri) => panic!("{name}: accepted as {uri:?}"),
            Err(error) => error,
        };

        assert_eq!(
            variant(&error),
            case["error"].as_str().unwrap(),
            "{name}: {error}"
        );
        if let Some(position) = case["position"].as_u64() {
            assert_eq!(
                error,
                OtpUriError::SecretNotBase32 {
                    position: position as usize
                },
                "{name}"
            );
        }
    }
}

#[test]
fn errors_and_debug_never_show_the_secret() {
    let secret = "JBSWY3DPEHPK3PXP";
    let bad = [
        "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&digits=5",
        "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&period=0",
        "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP1&issuer=ACME",
        "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&secret=JBSWY3DPEHPK3PXP",
        "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&algorithm=MD5",
        "https://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP",
        "JBSWY3DPEHPK3PXP",
        "JBSWY3DPEHPK3PXP:",
        "JBSWY3DPEHPK3PXP:otpauth://totp/x",
    ];
    for text in bad {
        let error = OtpUri::parse(text).unwrap_err();
        assert!(!error.to_string().contains(secret), "{error}");
        assert!(!format!("{error:?}").contains(secret), "{error:?}");
    }

    let uri = OtpUri::parse("otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP").unwrap();
    let debug = format!("{uri:?}");
    assert!(
        !debug.contains(secret) && !debug.to_lowercase().contains("jbsw"),
        "{debug}"
    );
    assert!(debug.contains("redacted"));

    let code = uri.code_at(59).unwrap();
    assert!(!format!("{code:?}").contains(code.digits.as_str()));
}

#[test]
fn canonical_uri_reads_back_the_same() {
    let file = cases();
    for case in file["ok"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let uri = OtpUri::parse(case["uri"].as_str().unwrap()).unwrap();
        let again = OtpUri::parse(&uri.to_uri()).unwrap();
        assert_eq!(again, uri, "{name}: {:?}", again);
    }
}

#[test]
fn canonical_uri_spells_everything_out() {
    let uri =
        OtpUri::parse("otpauth://totp/ACME:%20alice?secret=jbsw%20y3dp%20ehpk%203pxp").unwrap();
    assert_eq!(
        uri.to_uri().as_str(),
        "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME\
         &algorithm=SHA1&digits=6&period=30"
    );

    let spaced =
        OtpUri::parse("otpauth://totp/New%20Co:a%20b?secret=JBSWY3DPEE&issuer=New+Co").unwrap();
    assert_eq!(
        spaced.to_uri().as_str(),
        "otpauth://totp/New%20Co:a%20b?secret=JBSWY3DPEE&issuer=New%20Co\
         &algorithm=SHA1&digits=6&period=30"
    );
}

#[test]
fn different_secrets_are_different_uris() {
    let a = OtpUri::parse("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP").unwrap();
    let b = OtpUri::parse("otpauth://totp/x?secret=JBSWY3DPEHPK3PXQ").unwrap();
    assert_ne!(a, b);
    assert_eq!(a.secret_bits(), 80);
}

#[test]
fn a_bad_scheme_is_quoted_only_when_it_is_plainly_a_scheme() {
    let https = OtpUri::parse("https://example.com/").unwrap_err();
    assert_eq!(
        https,
        OtpUriError::BadScheme {
            found: "https".into()
        }
    );

    let odd = OtpUri::parse("JBSWY3DPEHPK3PXP://x").unwrap_err();
    assert_eq!(
        odd,
        OtpUriError::BadScheme {
            found: "(unrecognized scheme)".into()
        }
    );
}
