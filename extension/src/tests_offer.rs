//! The save and update offer after a login form was submitted.

use serde_json::{Value, json};

use crate::tests::{SITE, TAB, ask, popup, worker_with_entry};
use crate::worker::Worker;

/// A content script's sender: `tab_url` is the tab's top-level URL.
fn page(url: &str, frame_id: i64, tab_url: Option<&str>) -> String {
    json!({ "id": crate::tests::ID, "url": url, "tab": { "id": TAB, "url": tab_url },
            "frameId": frame_id })
    .to_string()
}

fn submit(w: &mut Worker, sender: &str, username: &str, password: &str) -> Value {
    let message = json!({ "type": "login_submitted", "username": username, "password": password });
    ask(w, message, sender)
}

fn offer(w: &mut Worker) -> Value {
    ask(w, json!({ "type": "offer", "tab_id": TAB }), &popup())["offer"].clone()
}

#[test]
fn a_new_login_is_offered_with_a_badge_and_saved() {
    let (mut w, _) = worker_with_entry();
    let top = page(&format!("{SITE}/login"), 0, None);
    assert_eq!(submit(&mut w, &top, "bob", "hunter2")["type"], "done");
    assert_eq!(w.take_badges(), vec![(TAB, "+".to_owned())]);
    let shown = offer(&mut w);
    assert_eq!(
        (shown["kind"].as_str(), shown["site"].as_str()),
        (Some("save"), Some("127.0.0.1"))
    );
    assert!(
        shown.get("password").is_none(),
        "the popup is not shown the password"
    );

    let saved = ask(
        &mut w,
        json!({ "type": "save_offer", "tab_id": TAB }),
        &popup(),
    );
    assert_eq!(saved["type"], "done");
    assert_eq!(w.take_badges(), vec![(TAB, String::new())]);
    assert_eq!(offer(&mut w), Value::Null);
    let listed = ask(
        &mut w,
        json!({ "type": "list", "site": format!("{SITE}/x") }),
        &popup(),
    );
    let bob = listed["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["username"] == "bob")
        .expect("the login was saved")
        .clone();
    assert_eq!(bob["for_site"], true);
    assert_eq!(bob["urls"][0], format!("{SITE}/"));
    let revealed = ask(
        &mut w,
        json!({ "type": "reveal", "entry": bob["id"] }),
        &popup(),
    );
    assert_eq!(revealed["password"], "hunter2");

    // The same login again is known: no offer.
    submit(&mut w, &top, "bob", "hunter2");
    assert_eq!(offer(&mut w), Value::Null);
    assert!(w.take_badges().is_empty());
}

#[test]
fn a_changed_password_is_offered_as_an_update() {
    let (mut w, entry) = worker_with_entry();
    let top = page(&format!("{SITE}/"), 0, None);
    submit(&mut w, &top, "alice", "pw-1");
    assert_eq!(
        offer(&mut w),
        Value::Null,
        "the saved password makes no offer"
    );

    submit(&mut w, &top, "alice", "pw-2");
    let shown = offer(&mut w);
    assert_eq!(
        (shown["kind"].as_str(), shown["title"].as_str()),
        (Some("update"), Some("Site"))
    );
    assert_eq!(w.badge(TAB), "*");
    ask(
        &mut w,
        json!({ "type": "save_offer", "tab_id": TAB }),
        &popup(),
    );
    let revealed = ask(
        &mut w,
        json!({ "type": "reveal", "entry": entry }),
        &popup(),
    );
    assert_eq!(revealed["password"], "pw-2");
    let listed = ask(&mut w, json!({ "type": "list" }), &popup());
    assert_eq!(
        listed["entries"].as_array().unwrap().len(),
        1,
        "updated, not added"
    );
}

#[test]
fn only_top_and_same_origin_frames_offer() {
    let (mut w, _) = worker_with_entry();
    let top_url = format!("{SITE}/outer");
    let cross = page("http://localhost:8080/login", 3, Some(&top_url));
    assert_eq!(submit(&mut w, &cross, "eve", "x")["type"], "refused");
    let unknown_top = page(&format!("{SITE}/login"), 3, None);
    assert_eq!(submit(&mut w, &unknown_top, "eve", "x")["type"], "refused");
    assert!(w.take_badges().is_empty());
    assert_eq!(offer(&mut w), Value::Null);

    let same = page(&format!("{SITE}/login"), 3, Some(&top_url));
    assert_eq!(submit(&mut w, &same, "eve", "x")["type"], "done");
    assert_eq!(offer(&mut w)["kind"], "save");

    // Not from our own pages, and nothing with an empty password.
    assert_eq!(submit(&mut w, &popup(), "eve", "x")["type"], "refused");
    let top = page(&format!("{SITE}/"), 0, None);
    assert_eq!(submit(&mut w, &top, "eve", "")["type"], "refused");
}

#[test]
fn not_now_and_lock_drop_offers() {
    let (mut w, _) = worker_with_entry();
    let top = page(&format!("{SITE}/"), 0, None);
    submit(&mut w, &top, "bob", "b");
    ask(
        &mut w,
        json!({ "type": "dismiss_offer", "tab_id": TAB }),
        &popup(),
    );
    assert_eq!(offer(&mut w), Value::Null);

    submit(&mut w, &top, "bob", "b");
    w.take_badges();
    ask(&mut w, json!({ "type": "lock" }), &popup());
    assert_eq!(w.take_badges(), vec![(TAB, String::new())]);
    assert_eq!(w.badge(TAB), "");
    let locked = submit(&mut w, &top, "bob", "b");
    assert!(
        locked["reason"].as_str().unwrap().contains("locked"),
        "{locked}"
    );
}
