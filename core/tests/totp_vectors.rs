//! Known-answer tests for codes: RFC 6238 appendix B, RFC 4226 appendix D and
//! an independently computed Steam Guard table. The same file runs natively
//! and as wasm under node (wasm-bindgen-test), so both builds must agree with
//! the standards.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use latchkey_core::totp::{OtpCodeError, OtpKind, OtpUri};
use serde_json::Value;

fn vectors(text: &str) -> Value {
    serde_json::from_str(text).expect("vector file is JSON")
}

#[test]
fn rfc6238_appendix_b_all_hashes() {
    let file = vectors(include_str!("vectors/totp_rfc6238.json"));
    let rows = file["vectors"].as_array().unwrap();
    assert_eq!(rows.len(), 18, "six times for each of three hashes");

    for row in rows {
        let uri = OtpUri::parse(row["uri"].as_str().unwrap()).unwrap();
        let time = row["time"].as_u64().unwrap();
        let code = uri.code_at(time).unwrap();

        assert_eq!(
            code.digits.as_str(),
            row["code"].as_str().unwrap(),
            "{} at {time}",
            row["uri"]
        );
        assert_eq!(
            u64::from(code.seconds_left),
            row["seconds_left"].as_u64().unwrap()
        );
        assert_eq!(code.period, 30);
    }
}

#[test]
fn rfc4226_appendix_d() {
    let file = vectors(include_str!("vectors/hotp_rfc4226.json"));
    let uri = OtpUri::parse(file["uri"].as_str().unwrap()).unwrap();

    for row in file["vectors"].as_array().unwrap() {
        let counter = row["counter"].as_u64().unwrap();
        let code = uri.code_for_counter(counter).unwrap();
        assert_eq!(
            code.digits.as_str(),
            row["code"].as_str().unwrap(),
            "counter {counter}"
        );
        assert_eq!(code.seconds_left, 0);
    }
}

#[test]
fn using_a_hotp_code_advances_the_counter() {
    let file = vectors(include_str!("vectors/hotp_rfc4226.json"));
    let mut uri = OtpUri::parse(file["uri"].as_str().unwrap()).unwrap();

    for row in file["vectors"].as_array().unwrap() {
        let (code, next) = uri.use_hotp().unwrap();
        assert_eq!(code.digits.as_str(), row["code"].as_str().unwrap());

        let counter = row["counter"].as_u64().unwrap();
        assert_eq!(
            next.kind(),
            OtpKind::Hotp {
                counter: counter + 1
            }
        );
        // The URI to store carries the new counter, so it survives a reload.
        assert!(next.to_uri().contains(&format!("counter={}", counter + 1)));
        uri = next;
    }

    let last = uri.with_counter(u64::MAX);
    assert_eq!(last.use_hotp().unwrap_err(), OtpCodeError::CounterExhausted);
}

#[test]
fn steam_guard_in_every_form() {
    let file = vectors(include_str!("vectors/steam_guard.json"));
    let forms = file["forms"].as_array().unwrap();
    assert!(forms.len() >= 3);

    for form in forms {
        let uri = OtpUri::parse(form.as_str().unwrap()).unwrap();
        assert_eq!(uri.kind(), OtpKind::Steam, "{form}");
        assert_eq!(uri.digits(), 5);

        for row in file["vectors"].as_array().unwrap() {
            let time = row["time"].as_u64().unwrap();
            let code = uri.code_at(time).unwrap();
            assert_eq!(
                code.digits.as_str(),
                row["code"].as_str().unwrap(),
                "{form} at {time}"
            );
            assert_eq!(code.period, 30);
        }
    }
}

#[test]
fn seconds_left_counts_down_within_the_period() {
    let uri = OtpUri::parse("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=45").unwrap();

    // 0, 1 and 44 seconds into a 45-second period, then the next one starts.
    let start = 45 * 1_000_000;
    assert_eq!(uri.code_at(start).unwrap().seconds_left, 45);
    assert_eq!(uri.code_at(start + 1).unwrap().seconds_left, 44);
    assert_eq!(uri.code_at(start + 44).unwrap().seconds_left, 1);
    assert_eq!(uri.code_at(start + 45).unwrap().seconds_left, 45);

    // The code is the same throughout a period and changes with the next.
    let first = uri.code_at(start).unwrap();
    assert_eq!(first.digits, uri.code_at(start + 44).unwrap().digits);
    assert_ne!(first.digits, uri.code_at(start + 45).unwrap().digits);
}

#[test]
fn kinds_refuse_the_other_kind_of_request() {
    let totp = OtpUri::parse("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP").unwrap();
    let hotp = OtpUri::parse("otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP").unwrap();

    assert_eq!(
        totp.code_for_counter(1).unwrap_err(),
        OtpCodeError::NotCounterBased
    );
    assert_eq!(totp.use_hotp().unwrap_err(), OtpCodeError::NotCounterBased);
    assert_eq!(hotp.code_at(59).unwrap_err(), OtpCodeError::NotTimeBased);
}

#[test]
fn extreme_times_and_periods_do_not_panic() {
    let longest = "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=4294967295";
    let long = OtpUri::parse(longest).unwrap();
    let code = long.code_at(u64::MAX).unwrap();
    assert!(code.seconds_left >= 1);

    let short = OtpUri::parse("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=1").unwrap();
    assert_eq!(short.code_at(u64::MAX).unwrap().seconds_left, 1);
}
