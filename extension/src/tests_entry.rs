//! The entry view, editing, history and the generator, through the worker's
//! real messages. Expected codes are RFC 4226 appendix D and RFC 6238
//! appendix B values, not the core's output.

use serde_json::{Value, json};

use crate::fill::FillTrigger;
use crate::tests::{NOW_MS, SITE, TAB, ask, frame, popup, worker_with_entry};
use crate::worker::{IDLE_LOCK_MS, Worker};

/// RFC 4226 appendix D: the secret "12345678901234567890", counters 0 to 3.
const HOTP_CODES: [&str; 4] = ["755224", "287082", "359152", "969429"];

fn add_hotp(w: &mut Worker) -> String {
    let uri = "otpauth://hotp/t?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=0";
    let entry = json!({ "type": "add_entry", "entry": {
        "title": "Counter", "username": "hal", "password": "pw-h",
        "urls": [format!("{SITE}/otp")], "totp": uri,
    }});
    ask(w, entry, &popup())["id"].as_str().unwrap().to_owned()
}

fn fill_now(w: &mut Worker, entry: &str, url: &str) -> Value {
    let offer = serde_json::to_value(w.begin_fill(FillTrigger::Popup, TAB, entry, NOW_MS)).unwrap();
    let claim = json!({ "type": "fill_claim", "request_id": offer["request_id"] });
    ask(w, claim, &frame(url, 0))
}

fn versions(w: &mut Worker, entry: &str) -> Vec<Value> {
    let reply = ask(w, json!({ "type": "history", "entry": entry }), &popup());
    reply["versions"].as_array().unwrap().clone()
}

fn reveal(w: &mut Worker, entry: &str) -> Value {
    ask(w, json!({ "type": "reveal", "entry": entry }), &popup())["password"].clone()
}

#[test]
fn totp_code_and_seconds_left_at_rfc6238_times() {
    let (mut w, entry) = worker_with_entry();
    let ask_code = json!({ "type": "code", "entry": entry }).to_string();
    // T = 1111111109: code 07081804; 1111111109 mod 30 = 29, so 1 second left.
    let reply = w.handle(&ask_code, &popup(), 1_111_111_109_000.0);
    let got = serde_json::to_value(&reply).unwrap();
    assert_eq!(got["kind"], "totp");
    assert_eq!(got["code"], "07081804");
    assert_eq!(
        (got["seconds_left"].as_u64(), got["period"].as_u64()),
        (Some(1), Some(30))
    );
    // T = 1111111111: code 14050471, 29 seconds left.
    let reply = w.handle(&ask_code, &popup(), 1_111_111_111_000.0);
    let got = serde_json::to_value(&reply).unwrap();
    assert_eq!(
        (got["code"].as_str(), got["seconds_left"].as_u64()),
        (Some("14050471"), Some(29))
    );
    let next = ask(
        &mut w,
        json!({ "type": "next_code", "entry": entry }),
        &popup(),
    );
    assert_eq!(
        next["type"], "error",
        "a TOTP entry has no next code: {next}"
    );
}

#[test]
fn hotp_next_code_and_fill_advance_the_counter_as_new_versions() {
    let (mut w, _) = worker_with_entry();
    let entry = add_hotp(&mut w);
    let shown = ask(&mut w, json!({ "type": "code", "entry": entry }), &popup());
    assert_eq!(
        (shown["kind"].as_str(), &shown["code"]),
        (Some("hotp"), &Value::Null)
    );

    for expected in &HOTP_CODES[..2] {
        let next = ask(
            &mut w,
            json!({ "type": "next_code", "entry": entry }),
            &popup(),
        );
        assert_eq!(next["code"], *expected, "{next}");
    }
    // The fill uses the next code up too, and the view after it moves on.
    let filled = fill_now(&mut w, &entry, &format!("{SITE}/otp"));
    assert_eq!(filled["otp"], HOTP_CODES[2], "{filled}");
    let next = ask(
        &mut w,
        json!({ "type": "next_code", "entry": entry }),
        &popup(),
    );
    assert_eq!(next["code"], HOTP_CODES[3]);

    // One version per used code, and the rest of the entry kept.
    let history = versions(&mut w, &entry);
    assert_eq!(history.len(), 5);
    assert_eq!(history[4]["change"], "edit");
    assert_eq!(reveal(&mut w, &entry), "pw-h");
}

#[test]
fn an_edit_changes_only_what_it_names() {
    let (mut w, entry) = worker_with_entry();
    let edit = json!({ "type": "edit", "entry": entry, "changes": { "title": "Renamed" } });
    assert_eq!(ask(&mut w, edit, &popup())["type"], "done");

    let listed = ask(&mut w, json!({ "type": "list", "site": SITE }), &popup());
    let row = &listed["entries"][0];
    assert_eq!(
        (row["title"].as_str(), row["username"].as_str()),
        (Some("Renamed"), Some("alice"))
    );
    assert_eq!(
        (row["for_site"].as_bool(), row["has_totp"].as_bool()),
        (Some(true), Some(true))
    );
    assert_eq!(reveal(&mut w, &entry), "pw-1");

    let blank = json!({ "type": "edit", "entry": entry, "changes": { "title": " " } });
    let refused = ask(&mut w, blank, &popup());
    assert!(
        refused["message"].as_str().unwrap().contains("title"),
        "{refused}"
    );
    let bad_totp = json!({ "type": "edit", "entry": entry, "changes": { "totp": "otpauth://x" } });
    assert_eq!(ask(&mut w, bad_totp, &popup())["type"], "error");
    let unknown = json!({ "type": "edit", "entry": entry, "changes": { "colour": "red" } });
    assert_eq!(ask(&mut w, unknown, &popup())["type"], "error");
    assert_eq!(
        versions(&mut w, &entry).len(),
        2,
        "refused edits write nothing"
    );
}

#[test]
fn rollback_appends_the_old_version_and_the_fill_uses_it() {
    let (mut w, entry) = worker_with_entry();
    let edit = json!({ "type": "edit", "entry": entry, "changes": { "password": "pw-2" } });
    ask(&mut w, edit, &popup());
    let history = versions(&mut w, &entry);
    assert_eq!(history.len(), 2);
    assert_eq!(
        (
            history[1]["latest"].as_bool(),
            history[1]["change"].as_str()
        ),
        (Some(true), Some("edit"))
    );
    assert_eq!(
        fill_now(&mut w, &entry, &format!("{SITE}/"))["password"],
        "pw-2"
    );

    let back = json!({ "type": "rollback", "entry": entry, "version": 1 });
    assert_eq!(ask(&mut w, back, &popup())["type"], "done");
    let history = versions(&mut w, &entry);
    assert_eq!(history.len(), 3);
    assert_eq!(
        (history[2]["change"].as_str(), history[2]["from"].as_u64()),
        (Some("rollback"), Some(1))
    );
    assert_eq!(
        fill_now(&mut w, &entry, &format!("{SITE}/"))["password"],
        "pw-1"
    );

    let missing = json!({ "type": "rollback", "entry": entry, "version": 99 });
    assert_eq!(ask(&mut w, missing, &popup())["type"], "error");
}

#[test]
fn the_generator_honours_length_classes_and_look_alikes() {
    let mut w = Worker::new(crate::tests::ID, crate::tests::BASE);
    let digits = json!({ "type": "generate", "policy": { "mode": "password", "length": 24,
        "lowercase": false, "uppercase": false, "digits": true, "symbols": false,
        "exclude_look_alikes": true } });
    for _ in 0..20 {
        let got = ask(&mut w, digits.clone(), &popup());
        let password = got["password"].as_str().unwrap();
        assert_eq!(password.chars().count(), 24);
        // Digits without the look-alikes 0, 1, 2, 5 and 8.
        assert!(password.chars().all(|c| "34679".contains(c)), "{password}");
    }
    let all = json!({ "type": "generate", "policy": { "mode": "password", "length": 8,
        "lowercase": true, "uppercase": true, "digits": true, "symbols": true } });
    let got = ask(&mut w, all, &popup());
    let p = got["password"].as_str().unwrap();
    assert!(p.chars().any(|c| c.is_ascii_lowercase()) && p.chars().any(|c| c.is_ascii_uppercase()));
    assert!(p.chars().any(|c| c.is_ascii_digit()) && p.chars().any(|c| c.is_ascii_punctuation()));

    let phrase = json!({ "type": "generate", "policy": { "mode": "passphrase", "words": 5,
        "separator": "." } });
    let got = ask(&mut w, phrase, &popup());
    let words: Vec<&str> = got["password"].as_str().unwrap().split('.').collect();
    assert_eq!(words.len(), 5);
    assert!(
        words
            .iter()
            .all(|w| !w.is_empty() && w.chars().all(|c| c.is_alphabetic()))
    );

    let none = json!({ "type": "generate", "policy": { "mode": "password", "length": 8,
        "lowercase": false, "uppercase": false, "digits": false, "symbols": false } });
    let refused = ask(&mut w, none, &popup());
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("at least one kind"),
        "{refused}"
    );
}

fn state(w: &mut Worker, at_ms: f64) -> Value {
    let reply = w.handle(&json!({ "type": "status" }).to_string(), &popup(), at_ms);
    serde_json::to_value(&reply).unwrap()["state"].clone()
}

#[test]
fn the_idle_timer_locks_and_the_knob_only_shortens() {
    let (mut w, _) = worker_with_entry();
    w.set_idle_limit(5_000.0);
    assert_eq!(w.idle_deadline_ms(), Some(NOW_MS + 5_000.0));
    w.lock_if_idle(NOW_MS + 4_000.0);
    assert_eq!(state(&mut w, NOW_MS + 4_000.0), "unlocked");
    // The status above was a use: the clock starts again from it.
    w.lock_if_idle(NOW_MS + 9_500.0);
    assert_eq!(
        w.idle_deadline_ms(),
        None,
        "locked by the timer, not by a message"
    );

    let (mut w, _) = worker_with_entry();
    w.set_idle_limit(1e12);
    w.lock_if_idle(NOW_MS + IDLE_LOCK_MS - 1.0);
    assert!(w.idle_deadline_ms().is_some());
    w.lock_if_idle(NOW_MS + IDLE_LOCK_MS);
    assert!(
        w.idle_deadline_ms().is_none(),
        "the knob cannot lengthen the limit"
    );
}

#[test]
fn a_restarted_worker_keeps_the_idle_clock() {
    let (mut w, _) = worker_with_entry();
    let stored = w.session().take_changes().unwrap();
    let Some(crate::worker::SessionChange::Unlocked { sealed, key }) = w.take_session_change()
    else {
        panic!("an unlocked session is kept");
    };
    let mut fresh = Worker::new(crate::tests::ID, crate::tests::BASE);
    fresh.session().load(&stored).unwrap();
    fresh
        .resume(&sealed, *key, NOW_MS, NOW_MS + 60_000.0)
        .unwrap();
    assert_eq!(fresh.idle_deadline_ms(), Some(NOW_MS + IDLE_LOCK_MS));

    let mut late = Worker::new(crate::tests::ID, crate::tests::BASE);
    late.session().load(&stored).unwrap();
    late.resume(&sealed, *key, NOW_MS, NOW_MS + IDLE_LOCK_MS + 1.0)
        .unwrap();
    assert_eq!(
        late.idle_deadline_ms(),
        None,
        "past the limit it resumes locked"
    );
}
