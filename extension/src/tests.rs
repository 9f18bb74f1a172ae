//! The worker end to end in Rust: a real vault (core), real messages as the
//! browser would pass them, and every fill path through the origin check.

use serde_json::{Value, json};

use crate::fill::FillTrigger;
use crate::worker::Worker;

pub(crate) const ID: &str = "gbaebdhpdpjkklhkedkjnnoedbdnpfej";
pub(crate) const BASE: &str = "chrome-extension://gbaebdhpdpjkklhkedkjnnoedbdnpfej/";
pub(crate) const SITE: &str = "http://127.0.0.1:8080";
pub(crate) const TAB: i64 = 9;
pub(crate) const NOW_MS: f64 = 1_750_000_000_000.0;

pub(crate) fn popup() -> String {
    json!({ "id": ID, "url": format!("{BASE}popup.html") }).to_string()
}

pub(crate) fn frame(url: &str, frame_id: i64) -> String {
    json!({ "id": ID, "url": url, "tab": { "id": TAB }, "frameId": frame_id }).to_string()
}

pub(crate) fn ask(worker: &mut Worker, request: Value, sender: &str) -> Value {
    let reply = worker.handle(&request.to_string(), sender, NOW_MS);
    serde_json::from_str(&serde_json::to_string(&reply).unwrap()).unwrap()
}

/// A worker with a new vault holding one entry for SITE, with a TOTP secret.
pub(crate) fn worker_with_entry() -> (Worker, String) {
    let mut w = Worker::new(ID, BASE);
    let create = json!({ "type": "create_vault", "name": "Test", "passphrase": "pass phrase" });
    assert_eq!(ask(&mut w, create, &popup())["type"], "done");
    // RFC 6238 appendix B's SHA-1 secret ("12345678901234567890"), 8 digits.
    let totp = "otpauth://totp/t?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8";
    let entry = json!({ "type": "add_entry", "entry": {
        "title": "Site", "username": "alice", "password": "pw-1", "urls": [format!("{SITE}/")],
        "totp": totp,
    }});
    let added = ask(&mut w, entry, &popup());
    let id = added["id"].as_str().unwrap().to_owned();
    (w, id)
}

/// Starts a fill through the entry point each trigger really uses. The match
/// is exhaustive: a new trigger does not compile until it is tested here.
fn start_fill(w: &mut Worker, trigger: FillTrigger, entry: &str, tab_url: &str) -> Value {
    let reply = match trigger {
        FillTrigger::Popup => {
            let fill = json!({ "type": "fill", "entry": entry, "tab_id": TAB });
            return ask(w, fill, &popup());
        }
        FillTrigger::Command | FillTrigger::ContextMenu => {
            w.begin_fill_for_tab(trigger, TAB, tab_url, NOW_MS)
        }
    };
    serde_json::from_str(&serde_json::to_string(&reply).unwrap()).unwrap()
}

fn claim(w: &mut Worker, request_id: &str, sender: &str) -> Value {
    ask(
        w,
        json!({ "type": "fill_claim", "request_id": request_id }),
        sender,
    )
}

#[test]
fn every_fill_path_goes_through_the_origin_check() {
    let (mut w, entry) = worker_with_entry();
    for trigger in FillTrigger::ALL {
        let offer = start_fill(&mut w, trigger, &entry, &format!("{SITE}/login"));
        assert_eq!(offer["type"], "fill_offer", "{trigger:?}: {offer}");
        let request_id = offer["request_id"].as_str().unwrap();

        // Frames of other sites and a forged request id get nothing.
        for other in [
            "http://localhost:8080/login",
            "http://127.0.0.2:8080/",
            "file:///x",
        ] {
            let refused = claim(&mut w, request_id, &frame(other, 3));
            assert_eq!(refused["type"], "refused", "{trigger:?} {other}: {refused}");
            assert!(refused.get("password").is_none());
        }
        let forged = claim(&mut w, &"0".repeat(32), &frame(&format!("{SITE}/"), 0));
        assert_eq!(forged["type"], "refused");

        // The frame of the saved origin gets the one credential, once.
        let got = claim(&mut w, request_id, &frame(&format!("{SITE}/login"), 0));
        assert_eq!(got["type"], "credential", "{trigger:?}: {got}");
        assert_eq!(
            (got["username"].as_str(), got["password"].as_str()),
            (Some("alice"), Some("pw-1"))
        );
        assert_eq!(got["origin"], SITE);
        let again = claim(&mut w, request_id, &frame(&format!("{SITE}/login"), 0));
        assert_eq!(again["type"], "refused");
    }
}

#[test]
fn the_fill_carries_the_rfc6238_code_for_the_time_of_the_fill() {
    let (mut w, entry) = worker_with_entry();
    // RFC 6238 appendix B: at T = 1111111109 the 8-digit SHA-1 code is 07081804.
    let at_ms = 1_111_111_109_000.0;
    let offer = serde_json::to_value(w.begin_fill(FillTrigger::Popup, TAB, &entry, at_ms)).unwrap();
    let request = json!({ "type": "fill_claim", "request_id": offer["request_id"] }).to_string();
    let reply = w.handle(&request, &frame(&format!("{SITE}/"), 0), at_ms);
    let got = serde_json::to_value(&reply).unwrap();
    assert_eq!(got["otp"], "07081804");
}

#[test]
fn page_requests_from_a_content_script_are_refused() {
    let (mut w, entry) = worker_with_entry();
    let page = frame(&format!("{SITE}/"), 0);
    for request in [
        json!({ "type": "status" }),
        json!({ "type": "reveal", "entry": entry }),
        json!({ "type": "list" }),
        json!({ "type": "fill", "entry": entry, "tab_id": TAB }),
        json!({ "type": "lock" }),
    ] {
        let reply = ask(&mut w, request.clone(), &page);
        assert_eq!(reply["type"], "refused", "{request}: {reply}");
    }
    let foreign = json!({ "id": "other", "url": format!("{BASE}popup.html") }).to_string();
    assert_eq!(
        ask(&mut w, json!({ "type": "status" }), &foreign)["type"],
        "refused"
    );
}

#[test]
fn lock_unlock_store_and_idle() {
    let (mut w, _) = worker_with_entry();
    let stored = w.session().take_changes().expect("a new vault is stored");
    assert!(!stored.contains("pw-1"), "the store holds no plaintext");

    // A fresh worker (a restarted service worker) from what storage.local kept.
    let mut fresh = Worker::new(ID, BASE);
    fresh.session().load(&stored).unwrap();
    assert_eq!(
        ask(&mut fresh, json!({ "type": "status" }), &popup())["state"],
        "locked"
    );
    let wrong = ask(
        &mut fresh,
        json!({ "type": "unlock", "passphrase": "nope" }),
        &popup(),
    );
    assert_eq!(wrong["type"], "error");
    assert!(
        wrong["message"]
            .as_str()
            .unwrap()
            .contains("wrong passphrase")
    );
    let ok = ask(
        &mut fresh,
        json!({ "type": "unlock", "passphrase": "pass phrase" }),
        &popup(),
    );
    assert_eq!(ok["type"], "done");
    let listed = ask(
        &mut fresh,
        json!({ "type": "list", "site": SITE }),
        &popup(),
    );
    assert_eq!(listed["entries"][0]["for_site"], true);

    fresh.lock_if_idle(NOW_MS + crate::worker::IDLE_LOCK_MS + 1.0);
    assert_eq!(
        ask(&mut fresh, json!({ "type": "status" }), &popup())["state"],
        "locked"
    );
}

#[test]
fn a_tampered_store_says_so() {
    let (mut w, _) = worker_with_entry();
    let stored = w.session().take_changes().unwrap();
    let mut fresh = Worker::new(ID, BASE);
    assert!(fresh.session().load("{}").is_err());
    assert!(
        fresh
            .session()
            .load(&stored.replace("\"head\":", "\"head\":9"))
            .is_ok()
    );
    let reply = ask(
        &mut fresh,
        json!({ "type": "unlock", "passphrase": "pass phrase" }),
        &popup(),
    );
    assert_eq!(reply["type"], "error");
    assert!(
        reply["message"].as_str().unwrap().contains("integrity"),
        "{reply}"
    );
}
