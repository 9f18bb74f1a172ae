//! Pairing, sessions, the OS store and the vault file, over pipes against the real
//! binary and the real Secret Service (run under tests/with-secret-service.sh), plus
//! the replay and forged-caller suite.
#![allow(clippy::unwrap_used)]

mod common;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use common::{CHROME_ORIGIN, HELLO, Home, Host, assert_hello, error_of};
use getrandom::SysRng;
use latchkey_core::channel::{
    Channel, ClientFrame, DeviceKeyBytes, HostFrame, PairingCode, PairingInitiator, Request,
    RequestBody, Response, ResponseBody, SealedFrame, SessionInitiator, StaticKeypair,
};
use latchkey_core::{KdfParams, Member, Passphrase, VaultFile};
use rand_core::UnwrapErr;
use zeroize::Zeroizing;

fn rng() -> UnwrapErr<SysRng> {
    UnwrapErr(SysRng)
}

fn pair_code(home: &Home) -> String {
    let out = home.cli(&["pair", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    value["code"].as_str().unwrap().to_owned()
}

/// Pairs as the extension would; returns the channel, the pairing id and the host's key.
fn pair(host: &mut Host, me: &StaticKeypair, code: &str) -> (Channel, String) {
    let psk = PairingCode::parse(code).unwrap().derive_psk().unwrap();
    let (initiator, first) = PairingInitiator::start(me, &psk, &mut rng()).unwrap();
    host.send(
        &ClientFrame::PairStart {
            id: 2,
            handshake: B64.encode(first),
        }
        .to_bytes(),
    );
    let HostFrame::PairReply { id: 2, handshake } = host.recv() else {
        panic!("no pair_reply")
    };
    let (last, awaiting) = initiator.finish(&B64.decode(handshake).unwrap()).unwrap();
    host.send(
        &ClientFrame::PairFinish {
            id: 3,
            handshake: B64.encode(last),
        }
        .to_bytes(),
    );
    let HostFrame::Sealed(sealed) = host.recv() else {
        panic!("no sealed paired answer")
    };
    let (paired, pairing) = awaiting.confirm(&sealed).unwrap();
    (paired.channel, pairing)
}

fn start_session(
    host: &mut Host,
    me: &StaticKeypair,
    host_key: &latchkey_core::channel::ChannelPublicKey,
    pairing: &str,
) -> Channel {
    let (initiator, first) = SessionInitiator::start(me, host_key, pairing, &mut rng()).unwrap();
    host.send(
        &ClientFrame::SessionStart {
            id: 4,
            pairing: pairing.into(),
            handshake: B64.encode(first),
        }
        .to_bytes(),
    );
    let HostFrame::SessionAccept { id: 4, handshake } = host.recv() else {
        panic!("no session_accept")
    };
    initiator.finish(&B64.decode(handshake).unwrap()).unwrap()
}

fn ask(host: &mut Host, channel: &mut Channel, id: u64, body: RequestBody) -> ResponseBody {
    for frame in channel.seal_request(&Request { id, body }).unwrap() {
        host.send(&ClientFrame::Sealed(frame).to_bytes());
    }
    loop {
        let HostFrame::Sealed(frame) = host.recv() else {
            panic!("a plain frame inside the session")
        };
        if let Some(plain) = channel.open(&frame).unwrap() {
            let response = Response::from_bytes(&plain).unwrap();
            assert_eq!(response.id, id);
            return response.body;
        }
    }
}

fn error_body(body: ResponseBody) -> (u16, String) {
    match body {
        ResponseBody::Error(e) => (e.code, e.name),
        other => panic!("expected an error, got {other:?}"),
    }
}

fn vault_text() -> (String, Member) {
    let pass = Passphrase::new("correct horse battery staple".into());
    let member =
        Member::create("m1", "Ada", &pass, KdfParams::minimum(), 2048, &mut rng()).unwrap();
    let unlocked = member.unlock(&pass).unwrap();
    let vault = VaultFile::create(&unlocked, "Team", 1_700_000_000, &mut rng()).unwrap();
    (vault.to_json(), member)
}

#[test]
fn pair_then_session_then_device_keys_and_the_vault_file() {
    let home = Home::new("session");
    home.install();
    let me = StaticKeypair::generate(&mut rng());
    let code = pair_code(&home);

    let mut host = home.launch(CHROME_ORIGIN);
    host.send(HELLO);
    assert_hello(&host.recv());
    let (mut pairing_channel, pairing) = pair(&mut host, &me, &code);
    let host_key = *pairing_channel.peer();

    // The pairing channel is itself a session.
    let body = ask(&mut host, &mut pairing_channel, 5, RequestBody::Version);
    assert!(matches!(body, ResponseBody::Version { protocol: 1, .. }));
    drop(host.close());

    // Another extension the manifests allow may not quote this pairing.
    let other = "a".repeat(32);
    let out = home.cli(&["install", "--browser", "chromium", "--extension-id", &other]);
    assert!(out.status.success());
    let mut host = home.launch(&format!("chrome-extension://{other}/"));
    let (_, first) = SessionInitiator::start(&me, &host_key, &pairing, &mut rng()).unwrap();
    host.send(
        &ClientFrame::SessionStart {
            id: 6,
            pairing: pairing.clone(),
            handshake: B64.encode(first),
        }
        .to_bytes(),
    );
    assert_eq!(error_of(&host.recv()).1, "not_paired");
    drop(host.close());

    // A later connection: a KK session with the pinned keys.
    let mut host = home.launch(CHROME_ORIGIN);
    let mut channel = start_session(&mut host, &me, &host_key, &pairing);

    let member = format!("member-{}", std::process::id());
    let status = ask(
        &mut host,
        &mut channel,
        10,
        RequestBody::Status {
            member: Some(member.clone()),
        },
    );
    let ResponseBody::Status {
        store,
        vault,
        quick_unlock,
        ..
    } = status
    else {
        panic!("{status:?}")
    };
    assert_eq!(
        store.state,
        latchkey_core::channel::StoreState::Available,
        "{}",
        store.message
    );
    assert!(!vault.exists);
    assert_eq!(quick_unlock, Some(false));

    // The device key goes into the real Secret Service and comes back.
    let key = DeviceKeyBytes(Zeroizing::new([0x5a; 32]));
    let stored = ask(
        &mut host,
        &mut channel,
        11,
        RequestBody::DeviceKeyStore {
            member: member.clone(),
            key: key.clone(),
        },
    );
    assert_eq!(
        stored,
        ResponseBody::DeviceKeyStored {
            member: member.clone()
        }
    );
    let loaded = ask(
        &mut host,
        &mut channel,
        12,
        RequestBody::DeviceKeyLoad {
            member: member.clone(),
        },
    );
    assert_eq!(
        loaded,
        ResponseBody::DeviceKey {
            member: member.clone(),
            key
        }
    );
    let deleted = ask(
        &mut host,
        &mut channel,
        13,
        RequestBody::DeviceKeyDelete {
            member: member.clone(),
        },
    );
    assert_eq!(
        deleted,
        ResponseBody::DeviceKeyDeleted {
            member: member.clone(),
            existed: true
        }
    );
    let missing = ask(
        &mut host,
        &mut channel,
        14,
        RequestBody::DeviceKeyLoad {
            member: member.clone(),
        },
    );
    assert_eq!(error_body(missing), (302, "device_key_not_found".into()));

    // The vault file: none yet, then written, then read back.
    let none = ask(&mut host, &mut channel, 20, RequestBody::VaultRead);
    assert_eq!(none, ResponseBody::Vault { vault: None });
    let (text, _) = vault_text();
    let written = ask(
        &mut host,
        &mut channel,
        21,
        RequestBody::VaultWrite {
            vault: text.clone(),
        },
    );
    assert_eq!(
        written,
        ResponseBody::VaultWritten {
            bytes: text.len() as u64
        }
    );
    let read = ask(&mut host, &mut channel, 22, RequestBody::VaultRead);
    assert_eq!(
        read,
        ResponseBody::Vault {
            vault: Some(text.clone())
        }
    );
    assert_eq!(
        std::fs::read_to_string(home.data().join("vault.json")).unwrap(),
        text
    );

    // Another vault (different records) would drop this one's records: refused.
    let (other, _) = vault_text();
    let refused = ask(
        &mut host,
        &mut channel,
        23,
        RequestBody::VaultWrite { vault: other },
    );
    assert_eq!(
        error_body(refused),
        (402, "vault_would_drop_records".into())
    );
    let junk = ask(
        &mut host,
        &mut channel,
        24,
        RequestBody::VaultWrite { vault: "{}".into() },
    );
    assert_eq!(error_body(junk).0, 401);

    // The command line's member file, for a browser opening the same vault: none yet,
    // then exactly the bytes of the file.
    let none = ask(&mut host, &mut channel, 26, RequestBody::MemberRead);
    assert_eq!(none, ResponseBody::Member { member: None });
    let member_text = r#"{"kind":"member","stands":"for any sealed member file"}"#;
    std::fs::write(home.data().join("member.json"), member_text).unwrap();
    let some = ask(&mut host, &mut channel, 27, RequestBody::MemberRead);
    assert_eq!(
        some,
        ResponseBody::Member {
            member: Some(member_text.into())
        }
    );

    // A bad sealed request gets a sealed error, and errors never arrive in clear.
    let unknown = ask(&mut host, &mut channel, 25, RequestBody::Version);
    assert!(matches!(unknown, ResponseBody::Version { .. }));
    host.send(br#"{"v":1,"type":"nonsense"}"#);
    let HostFrame::Sealed(frame) = host.recv() else {
        panic!("error in clear")
    };
    let response = Response::from_bytes(&channel.open(&frame).unwrap().unwrap()).unwrap();
    assert_eq!(error_body(response.body).0, 106);

    // The pairing list shows when it was last used; revoking it ends future sessions.
    let list = home.cli(&["pairings", "--json"]);
    let value: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(value["pairings"][0]["id"], pairing.as_str());
    assert_eq!(value["pairings"][0]["origin"], CHROME_ORIGIN);
    assert!(value["pairings"][0]["last_used"].as_u64().unwrap() > 0);
    assert!(home.cli(&["pairings", "revoke", &pairing]).status.success());
    // The session that was open when the pairing was revoked ends with it.
    let revoked = ask(&mut host, &mut channel, 28, RequestBody::Version);
    assert_eq!(error_body(revoked).1, "not_paired");
    drop(host.close());

    let mut host = home.launch(CHROME_ORIGIN);
    let (_, first) = SessionInitiator::start(&me, &host_key, &pairing, &mut rng()).unwrap();
    host.send(
        &ClientFrame::SessionStart {
            id: 30,
            pairing: pairing.clone(),
            handshake: B64.encode(first),
        }
        .to_bytes(),
    );
    assert_eq!(error_of(&host.recv()).1, "not_paired");
    assert!(host.close().0.success());
}

#[test]
fn a_big_vault_crosses_in_chunks_under_one_mebibyte() {
    let home = Home::new("chunks");
    home.install();
    let me = StaticKeypair::generate(&mut rng());
    let code = pair_code(&home);
    let mut host = home.launch(CHROME_ORIGIN);
    let (mut channel, _) = pair(&mut host, &me, &code);

    // A real vault file, padded with whitespace (still the same JSON) to about 3 MB.
    let (text, _) = vault_text();
    let padded = text.replacen('{', &format!("{{{}", " ".repeat(3_000_000)), 1);
    let written = ask(
        &mut host,
        &mut channel,
        40,
        RequestBody::VaultWrite {
            vault: padded.clone(),
        },
    );
    assert_eq!(
        written,
        ResponseBody::VaultWritten {
            bytes: padded.len() as u64
        }
    );
    let read = ask(&mut host, &mut channel, 41, RequestBody::VaultRead);
    assert_eq!(
        read,
        ResponseBody::Vault {
            vault: Some(padded)
        }
    );
    assert!(host.close().0.success());
}

#[test]
fn replayed_reordered_forged_and_reused_are_all_refused() {
    let home = Home::new("replay");
    home.install();
    let me = StaticKeypair::generate(&mut rng());
    let code = pair_code(&home);
    let mut host = home.launch(CHROME_ORIGIN);
    let (mut channel, pairing) = pair(&mut host, &me, &code);
    let host_key = *channel.peer();

    // The code was used: a second attempt with it finds nothing pending.
    let psk = PairingCode::parse(&code).unwrap().derive_psk().unwrap();
    let (_, first) = PairingInitiator::start(&me, &psk, &mut rng()).unwrap();
    host.send(
        &ClientFrame::PairStart {
            id: 50,
            handshake: B64.encode(first),
        }
        .to_bytes(),
    );
    let HostFrame::Sealed(frame) = host.recv() else {
        panic!("error in clear inside a session")
    };
    let response = Response::from_bytes(&channel.open(&frame).unwrap().unwrap()).unwrap();
    assert_eq!(
        error_body(response.body),
        (201, "no_pending_pairing".into())
    );

    // Replay and reorder inside the session.
    let a = channel
        .seal_request(&Request {
            id: 51,
            body: RequestBody::Version,
        })
        .unwrap()
        .remove(0);
    let b = channel
        .seal_request(&Request {
            id: 52,
            body: RequestBody::Version,
        })
        .unwrap()
        .remove(0);
    let expect_error = |host: &mut Host, channel: &mut Channel, frame: &SealedFrame, name: &str| {
        host.send(&ClientFrame::Sealed(frame.clone()).to_bytes());
        let HostFrame::Sealed(reply) = host.recv() else {
            panic!("error in clear")
        };
        let response = Response::from_bytes(&channel.open(&reply).unwrap().unwrap()).unwrap();
        assert_eq!(error_body(response.body).1, name);
    };
    expect_error(&mut host, &mut channel, &b, "out_of_order");
    let mut flipped = a.clone();
    let mut bytes = B64.decode(&flipped.data).unwrap();
    bytes[0] ^= 0x80;
    flipped.data = B64.encode(bytes);
    expect_error(&mut host, &mut channel, &flipped, "tampered");
    host.send(&ClientFrame::Sealed(a.clone()).to_bytes());
    let HostFrame::Sealed(reply) = host.recv() else {
        panic!()
    };
    assert_eq!(
        Response::from_bytes(&channel.open(&reply).unwrap().unwrap())
            .unwrap()
            .id,
        51
    );
    expect_error(&mut host, &mut channel, &a, "replayed");
    drop(host.close());

    // A forged caller: it knows the pairing id and the host's public key, not our key.
    let forger = StaticKeypair::generate(&mut rng());
    let mut host = home.launch(CHROME_ORIGIN);
    let (_, first) = SessionInitiator::start(&forger, &host_key, &pairing, &mut rng()).unwrap();
    host.send(
        &ClientFrame::SessionStart {
            id: 60,
            pairing: pairing.clone(),
            handshake: B64.encode(first),
        }
        .to_bytes(),
    );
    let (code, name, _) = error_of(&host.recv());
    assert_eq!((code, name.as_str()), (204, "handshake_failed"));
    // No session means no key: a sealed request gets no_session, in clear.
    host.send(
        &ClientFrame::Sealed(SealedFrame {
            n: 0,
            data: "AAAA".into(),
        })
        .to_bytes(),
    );
    assert_eq!(error_of(&host.recv()).1, "no_session");

    // A replayed genuine session_start gets an answer only the real extension can use.
    let (initiator, genuine) =
        SessionInitiator::start(&me, &host_key, &pairing, &mut rng()).unwrap();
    let start = ClientFrame::SessionStart {
        id: 61,
        pairing: pairing.clone(),
        handshake: B64.encode(genuine),
    }
    .to_bytes();
    host.send(&start);
    let HostFrame::SessionAccept {
        handshake: first_answer,
        ..
    } = host.recv()
    else {
        panic!()
    };
    host.send(&start);
    let HostFrame::SessionAccept {
        handshake: replay_answer,
        ..
    } = host.recv()
    else {
        panic!()
    };
    assert_ne!(first_answer, replay_answer);
    let mut live = initiator
        .finish(&B64.decode(replay_answer).unwrap())
        .unwrap();
    let body = ask(&mut host, &mut live, 62, RequestBody::Version);
    assert!(matches!(body, ResponseBody::Version { .. }));

    // A wrong code burns the pending pairing.
    let code = pair_code(&home);
    let wrong = if code.starts_with('Z') {
        "0000-0000"
    } else {
        "ZZZZ-ZZZZ"
    };
    let psk = PairingCode::parse(wrong).unwrap().derive_psk().unwrap();
    let (initiator, first) = PairingInitiator::start(&me, &psk, &mut rng()).unwrap();
    let mut host = home.launch(CHROME_ORIGIN);
    host.send(
        &ClientFrame::PairStart {
            id: 70,
            handshake: B64.encode(first),
        }
        .to_bytes(),
    );
    let HostFrame::PairReply { handshake, .. } = host.recv() else {
        panic!()
    };
    let (last, _) = initiator.finish(&B64.decode(handshake).unwrap()).unwrap();
    host.send(
        &ClientFrame::PairFinish {
            id: 71,
            handshake: B64.encode(last),
        }
        .to_bytes(),
    );
    assert_eq!(error_of(&host.recv()).1, "pairing_failed");
    let psk = PairingCode::parse(&code).unwrap().derive_psk().unwrap();
    let (_, first) = PairingInitiator::start(&me, &psk, &mut rng()).unwrap();
    host.send(
        &ClientFrame::PairStart {
            id: 72,
            handshake: B64.encode(first),
        }
        .to_bytes(),
    );
    assert_eq!(error_of(&host.recv()).1, "no_pending_pairing");
    assert!(host.close().0.success());
}

/// snow's own primitives with the OS's randomness: the test's independent initiator.
struct OsResolver;

struct OsRandom;

impl snow::types::Random for OsRandom {
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), snow::Error> {
        getrandom::fill(dest).map_err(|_| snow::Error::Rng)
    }
}

impl snow::resolvers::CryptoResolver for OsResolver {
    fn resolve_rng(&self) -> Option<Box<dyn snow::types::Random>> {
        Some(Box::new(OsRandom))
    }
    fn resolve_dh(&self, c: &snow::params::DHChoice) -> Option<Box<dyn snow::types::Dh>> {
        snow::resolvers::DefaultResolver.resolve_dh(c)
    }
    fn resolve_hash(&self, c: &snow::params::HashChoice) -> Option<Box<dyn snow::types::Hash>> {
        snow::resolvers::DefaultResolver.resolve_hash(c)
    }
    fn resolve_cipher(
        &self,
        c: &snow::params::CipherChoice,
    ) -> Option<Box<dyn snow::types::Cipher>> {
        snow::resolvers::DefaultResolver.resolve_cipher(c)
    }
}

/// The extension's end of a session written straight on snow, following docs/PROTOCOL.md
/// (Noise_KK, the prologue, one flag byte per piece), so a test can seal any plaintext.
struct RawSession {
    transport: snow::TransportState,
}

impl RawSession {
    fn start(host: &mut Host, private: &[u8; 32], host_key: &[u8; 32], pairing: &str) -> Self {
        let mut prologue = b"latchkey channel v1 session ".to_vec();
        prologue.extend_from_slice(pairing.as_bytes());
        let params = "Noise_KK_25519_ChaChaPoly_BLAKE2s".parse().unwrap();
        let mut state = snow::Builder::with_resolver(params, Box::new(OsResolver))
            .prologue(&prologue)
            .unwrap()
            .local_private_key(private)
            .unwrap()
            .remote_public_key(host_key)
            .unwrap()
            .build_initiator()
            .unwrap();
        let mut first = vec![0u8; 65535];
        let len = state.write_message(&[], &mut first).unwrap();
        host.send(
            &ClientFrame::SessionStart {
                id: 70,
                pairing: pairing.into(),
                handshake: B64.encode(&first[..len]),
            }
            .to_bytes(),
        );
        let HostFrame::SessionAccept { id: 70, handshake } = host.recv() else {
            panic!("no session_accept")
        };
        let mut payload = vec![0u8; 65535];
        state
            .read_message(&B64.decode(handshake).unwrap(), &mut payload)
            .unwrap();
        RawSession {
            transport: state.into_transport_mode().unwrap(),
        }
    }

    /// Seals `flag` then `piece` as the next frame, without sending it.
    fn seal(&mut self, flag: u8, piece: &[u8]) -> SealedFrame {
        let n = self.transport.sending_nonce();
        let mut plain = vec![flag];
        plain.extend_from_slice(piece);
        let mut sealed = vec![0u8; 65535];
        let len = self.transport.write_message(&plain, &mut sealed).unwrap();
        SealedFrame {
            n,
            data: B64.encode(&sealed[..len]),
        }
    }

    /// Reads the host's next answer (all its pieces) as JSON.
    fn answer(&mut self, host: &mut Host) -> serde_json::Value {
        let mut message = Vec::new();
        loop {
            let HostFrame::Sealed(frame) = host.recv() else {
                panic!("a plain frame inside the session")
            };
            assert_eq!(frame.n, self.transport.receiving_nonce());
            let mut plain = vec![0u8; 65535];
            let sealed = B64.decode(&frame.data).unwrap();
            let len = self.transport.read_message(&sealed, &mut plain).unwrap();
            message.extend_from_slice(&plain[1..len]);
            match plain[0] {
                0 => continue,
                1 => return serde_json::from_slice(&message).unwrap(),
                other => panic!("the host sent flag {other}"),
            }
        }
    }
}

fn send_sealed(host: &mut Host, frame: SealedFrame) {
    host.send(&ClientFrame::Sealed(frame).to_bytes());
}

fn version_request(id: u64) -> Vec<u8> {
    format!(r#"{{"id":{id},"type":"version"}}"#).into_bytes()
}

#[test]
fn a_bad_session_start_keeps_the_live_session_and_bad_pieces_do_not_poison_later_messages() {
    let home = Home::new("robust");
    home.install();
    let mut private = [0u8; 32];
    getrandom::fill(&mut private).unwrap();
    let me = StaticKeypair::from_private(private);
    let code = pair_code(&home);
    let mut host = home.launch(CHROME_ORIGIN);
    let (channel, pairing) = pair(&mut host, &me, &code);
    let host_key = channel.peer().0;
    drop(host.close());

    let mut host = home.launch(CHROME_ORIGIN);
    let mut raw = RawSession::start(&mut host, &private, &host_key, &pairing);
    let ask_version = |host: &mut Host, raw: &mut RawSession, id: u64| {
        let frame = raw.seal(1, &version_request(id));
        send_sealed(host, frame);
        let answer = raw.answer(host);
        assert_eq!(
            (answer["id"].as_u64(), answer["type"].as_str()),
            (Some(id), Some("version"))
        );
    };
    ask_version(&mut host, &mut raw, 1);

    // Bad session_starts while the session is live: each is refused (sealed, since a
    // session exists) and the session goes on.
    let bad_starts = [
        ("p-nobody", B64.encode([7u8; 48]), "not_paired"),
        (pairing.as_str(), B64.encode([7u8; 48]), "handshake_failed"),
        (pairing.as_str(), "not base64!".to_owned(), "bad_message"),
    ];
    for (i, (pairing_id, handshake, name)) in bad_starts.iter().enumerate() {
        let id = 100 + i as u64;
        host.send(
            &ClientFrame::SessionStart {
                id,
                pairing: (*pairing_id).into(),
                handshake: handshake.clone(),
            }
            .to_bytes(),
        );
        let answer = raw.answer(&mut host);
        assert_eq!(answer["id"], id);
        assert_eq!(answer["name"], *name, "{answer}");
        ask_version(&mut host, &mut raw, 200 + i as u64);
    }
    // A pair_finish with no pairing under way does not end the session either.
    host.send(
        &ClientFrame::PairFinish {
            id: 110,
            handshake: B64.encode([1u8; 64]),
        }
        .to_bytes(),
    );
    assert_eq!(raw.answer(&mut host)["name"], "pairing_failed");
    ask_version(&mut host, &mut raw, 210);

    // A piece whose flag is neither 0 nor 1, in the middle of a message: refused, and the
    // next message is read on its own, not glued to the broken one.
    let request = version_request(300);
    let (head, _) = request.split_at(10);
    let frame = raw.seal(0, head);
    send_sealed(&mut host, frame);
    let frame = raw.seal(7, b"junk");
    send_sealed(&mut host, frame);
    let refused = raw.answer(&mut host);
    assert_eq!(refused["name"], "bad_message", "{refused}");
    assert!(
        refused["message"].as_str().unwrap().contains("flag byte"),
        "{refused}"
    );
    ask_version(&mut host, &mut raw, 301);

    // A frame out of sequence or replayed in the middle of a message is refused without
    // touching it: the message completes from its genuine pieces.
    let request = version_request(400);
    let (head, tail) = request.split_at(12);
    let first = raw.seal(0, head);
    send_sealed(&mut host, first.clone());
    let mut ahead = first.clone();
    ahead.n += 5;
    send_sealed(&mut host, ahead);
    assert_eq!(raw.answer(&mut host)["name"], "out_of_order");
    send_sealed(&mut host, first);
    assert_eq!(raw.answer(&mut host)["name"], "replayed");
    let last = raw.seal(1, tail);
    send_sealed(&mut host, last);
    let answer = raw.answer(&mut host);
    assert_eq!(
        (answer["id"].as_u64(), answer["type"].as_str()),
        (Some(400), Some("version"))
    );
    assert!(host.close().0.success());
}
