//! Every malformed input gets its error frame, and the host goes on serving.
#![allow(clippy::unwrap_used)]

mod common;

use common::{CHROME_ORIGIN, HELLO, Home, assert_hello, error_of};

#[test]
fn each_malformed_frame_gets_its_error_and_the_host_keeps_serving() {
    let home = Home::new("malformed");
    home.install();
    let mut host = home.launch(CHROME_ORIGIN);

    host.send(HELLO);
    assert_hello(&host.recv());

    let deep = "[".repeat(40) + &"]".repeat(40);
    let cases: Vec<(Vec<u8>, u16, &str, &str)> = vec![
        (
            b"{\"v\":1,\"type\":\"hello\xff\"}".to_vec(),
            102,
            "invalid_utf8",
            "offset 20",
        ),
        (b"{\"v\":1,".to_vec(), 103, "invalid_json", "line 1"),
        (deep.into_bytes(), 104, "too_deep", "32"),
        (
            br#"{"v":1,"id":2,"type":"hello","type":"hello","versions":[1]}"#.to_vec(),
            105,
            "duplicate_key",
            "`type`",
        ),
        (
            br#"{"v":1,"id":3,"type":"shutdown"}"#.to_vec(),
            106,
            "unknown_type",
            "shutdown",
        ),
        (
            br#"{"v":1,"id":4,"type":"hello"}"#.to_vec(),
            107,
            "bad_message",
            "versions",
        ),
        (
            br#"{"v":9,"id":5,"type":"hello","versions":[9]}"#.to_vec(),
            108,
            "unsupported_version",
            "9",
        ),
        (
            br#"{"v":1,"type":"sealed","n":0,"data":"AAAA"}"#.to_vec(),
            205,
            "no_session",
            "session",
        ),
        (
            br#"{"v":1,"id":6,"type":"session_start","pairing":"p-none","handshake":"AAAA"}"#
                .to_vec(),
            203,
            "not_paired",
            "pair",
        ),
        (
            br#"{"v":1,"id":7,"type":"pair_start","handshake":"AAAA"}"#.to_vec(),
            201,
            "no_pending_pairing",
            "latchkey pair",
        ),
    ];
    for (body, code, name, hint) in cases {
        host.send(&body);
        let (got_code, got_name, message) = error_of(&host.recv());
        assert_eq!((got_code, got_name.as_str()), (code, name), "{message}");
        assert!(message.contains(hint), "{name}: {message}");

        host.send(HELLO);
        assert_hello(&host.recv());
    }

    let (status, rest, _) = host.close();
    assert!(status.success());
    assert!(rest.is_empty());
}

#[test]
fn an_oversized_frame_is_refused_without_being_kept_and_serving_goes_on() {
    let home = Home::new("oversize");
    home.install();
    let mut host = home.launch(CHROME_ORIGIN);
    let over = 64 * 1024 * 1024 + 1;
    let mut framed = (over as u32).to_ne_bytes().to_vec();
    framed.resize(4 + over, b' ');
    host.send_raw(&framed);
    let (code, name, message) = error_of(&host.recv());
    assert_eq!((code, name.as_str()), (100, "frame_too_large"));
    assert!(message.contains("67108865"), "{message}");
    host.send(HELLO);
    assert_hello(&host.recv());
    assert!(host.close().0.success());
}

#[test]
fn a_truncated_frame_is_named_and_the_host_exits_cleanly() {
    let home = Home::new("truncated");
    home.install();
    let mut host = home.launch(CHROME_ORIGIN);
    let mut partial = 10u32.to_ne_bytes().to_vec();
    partial.extend_from_slice(b"{\"v\"");
    host.send_raw(&partial);
    let (status, rest, _) = host.close();
    assert!(status.success());
    let length = u32::from_ne_bytes(rest[..4].try_into().unwrap()) as usize;
    let frame = latchkey_core::channel::parse_host_frame(&rest[4..4 + length]).unwrap();
    let (code, name, message) = error_of(&frame);
    assert_eq!((code, name.as_str()), (101, "frame_truncated"));
    assert!(
        message.contains("10 bytes") && message.contains("only 4"),
        "{message}"
    );
}

#[test]
fn a_caller_no_manifest_allows_is_refused() {
    let home = Home::new("origin");
    home.install();
    let mut host = home.launch("chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/");
    host.send(HELLO);
    let (code, name, message) = error_of(&host.recv());
    assert_eq!((code, name.as_str()), (200, "origin_refused"));
    assert!(message.contains("--extension-id"), "{message}");
    assert!(host.close().0.success());

    // Firefox names its caller by add-on id, after the manifest path.
    let mut firefox = home
        .command()
        .arg(
            home.root
                .join(".mozilla/native-messaging-hosts/com.latchkey.host.json"),
        )
        .arg("latchkey@latchkey.invalid")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = firefox.stdin.take().unwrap();
    let mut framed = (HELLO.len() as u32).to_ne_bytes().to_vec();
    framed.extend_from_slice(HELLO);
    std::io::Write::write_all(&mut stdin, &framed).unwrap();
    drop(stdin);
    let out = firefox.wait_with_output().unwrap();
    let frame = latchkey_core::channel::parse_host_frame(&out.stdout[4..]).unwrap();
    assert_hello(&frame);
}

#[test]
fn stdin_closing_between_frames_ends_the_host_with_status_zero() {
    let home = Home::new("eof");
    home.install();
    let host = home.launch(CHROME_ORIGIN);
    let (status, rest, stderr) = host.close();
    assert!(status.success(), "{stderr}");
    assert!(rest.is_empty());
}
