//! The channel end to end, both sides in one process: pairing, sessions and every way a
//! frame can be refused.

use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;

use super::*;

fn rng(seed: u8) -> ChaCha20Rng {
    ChaCha20Rng::from_seed([seed; 32])
}

struct Ends {
    extension: Channel,
    host: Channel,
}

/// Pairs two fresh key pairs with a code, as the extension and the host would.
fn pair(
    code_typed: &str,
    code_host: &str,
) -> Result<(Ends, StaticKeypair, StaticKeypair), ChannelError> {
    let mut r = rng(1);
    let ext_key = StaticKeypair::generate(&mut r);
    let host_key = StaticKeypair::generate(&mut r);
    let ext_psk = PairingCode::parse(code_typed)?.derive_psk()?;
    let host_psk = PairingCode::parse(code_host)?.derive_psk()?;

    let (initiator, first) = PairingInitiator::start(&ext_key, &ext_psk, &mut r)?;
    let (responder, reply) = PairingResponder::accept(&host_key, &host_psk, &first, &mut r)?;
    let (last, awaiting) = initiator.finish(&reply)?;
    let mut host_side = responder.finish(&last)?;
    assert!(host_side.peer.same_as(ext_key.public()));

    let paired = Response {
        id: 1,
        body: ResponseBody::Paired {
            pairing: "p1".into(),
        },
    };
    let frames = host_side.channel.seal_response(&paired)?;
    assert_eq!(frames.len(), 1);
    let (ext_side, pairing) = awaiting.confirm(&frames[0])?;
    assert_eq!(pairing, "p1");
    assert!(ext_side.peer.same_as(host_key.public()));
    let ends = Ends {
        extension: ext_side.channel,
        host: host_side.channel,
    };
    Ok((ends, ext_key, host_key))
}

fn session(ext_key: &StaticKeypair, host_key: &StaticKeypair, seed: u8) -> Ends {
    let mut r = rng(seed);
    let (initiator, first) =
        SessionInitiator::start(ext_key, host_key.public(), "p1", &mut r).unwrap();
    let (host, answer) =
        SessionResponder::accept(host_key, ext_key.public(), "p1", &first, &mut r).unwrap();
    let extension = initiator.finish(&answer).unwrap();
    Ends { extension, host }
}

fn request(id: u64) -> Request {
    Request {
        id,
        body: RequestBody::Status { member: None },
    }
}

#[test]
fn pairing_then_session_carries_requests_both_ways() {
    let (_, ext_key, host_key) = pair("abcd-efgh", "ABCDEFGH").unwrap();
    let mut ends = session(&ext_key, &host_key, 2);

    let frames = ends.extension.seal_request(&request(5)).unwrap();
    let opened = ends.host.open(&frames[0]).unwrap().unwrap();
    assert_eq!(Request::from_bytes(&opened).unwrap(), request(5));

    let answer = Response::error(5, ErrorCode::VaultNotFound, "no vault yet");
    let frames = ends.host.seal_response(&answer).unwrap();
    let opened = ends.extension.open(&frames[0]).unwrap().unwrap();
    assert_eq!(Response::from_bytes(&opened).unwrap(), answer);
}

#[test]
fn a_wrong_code_fails_pairing_on_the_host() {
    let result = pair("ABCD-EFGH", "ABCD-EFGJ");
    assert_eq!(result.err(), Some(ChannelError::PairingFailed));
}

#[test]
fn codes_read_as_typed_and_refuse_junk() {
    let code = PairingCode::parse("o1l1-abcd").unwrap();
    assert_eq!(code.display().as_str(), "0111-ABCD");
    assert!(PairingCode::parse("ABCD-EFG").is_err());
    assert!(PairingCode::parse("ABCD-EFGU").is_err());
    let generated = PairingCode::generate(&mut rng(9));
    let shown = generated.display();
    assert_eq!(shown.len(), 9);
    assert_eq!(PairingCode::parse(&shown).unwrap(), generated);
}

#[test]
fn replayed_reordered_and_flipped_frames_are_refused_and_the_channel_survives() {
    let (_, ext_key, host_key) = pair("ABCD-EFGH", "ABCD-EFGH").unwrap();
    let mut ends = session(&ext_key, &host_key, 3);
    let first = ends.extension.seal_request(&request(1)).unwrap().remove(0);
    let second = ends.extension.seal_request(&request(2)).unwrap().remove(0);

    let reordered = ends.host.open(&second).unwrap_err();
    assert_eq!(
        reordered,
        ChannelError::OutOfOrder {
            expected: 0,
            got: 1
        }
    );

    let mut flipped = first.clone();
    let mut bytes = base64::Engine::decode(
        &base64::engine::general_purpose::STANDARD,
        flipped.data.as_bytes(),
    )
    .unwrap();
    bytes[3] ^= 0x01;
    flipped.data = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &bytes);
    assert_eq!(
        ends.host.open(&flipped).unwrap_err(),
        ChannelError::Tampered { counter: 0 }
    );

    let mut renumbered = second.clone();
    renumbered.n = 0;
    assert_eq!(
        ends.host.open(&renumbered).unwrap_err(),
        ChannelError::Tampered { counter: 0 }
    );

    assert!(ends.host.open(&first).unwrap().is_some());
    assert_eq!(
        ends.host.open(&first).unwrap_err(),
        ChannelError::Replayed {
            expected: 1,
            got: 0
        }
    );
    assert!(ends.host.open(&second).unwrap().is_some());
}

#[test]
fn a_caller_without_the_pinned_key_gets_no_session() {
    let (_, ext_key, host_key) = pair("ABCD-EFGH", "ABCD-EFGH").unwrap();
    let mut r = rng(4);
    let forger = StaticKeypair::generate(&mut r);

    // The forger knows the host's public key and the pairing id, but not the private key
    // the host pinned for that pairing.
    let (_, first) = SessionInitiator::start(&forger, host_key.public(), "p1", &mut r).unwrap();
    let refused = SessionResponder::accept(&host_key, ext_key.public(), "p1", &first, &mut r);
    assert_eq!(
        refused.err().map(|e| e.code()),
        Some(ErrorCode::HandshakeFailed)
    );

    // A replayed genuine first message is no better: the replayer cannot read the answer.
    let (initiator, genuine) =
        SessionInitiator::start(&ext_key, host_key.public(), "p1", &mut r).unwrap();
    let (_, answer) =
        SessionResponder::accept(&host_key, ext_key.public(), "p1", &genuine, &mut r).unwrap();
    let (_, replay_answer) =
        SessionResponder::accept(&host_key, ext_key.public(), "p1", &genuine, &mut r).unwrap();
    assert_ne!(answer, replay_answer);
    let _ = initiator;

    // The wrong pairing id changes the prologue, so the handshake fails too.
    let (_, first) = SessionInitiator::start(&ext_key, host_key.public(), "p2", &mut r).unwrap();
    assert!(SessionResponder::accept(&host_key, ext_key.public(), "p1", &first, &mut r).is_err());
}

#[test]
fn a_fake_host_cannot_finish_the_extensions_handshake() {
    let (_, ext_key, host_key) = pair("ABCD-EFGH", "ABCD-EFGH").unwrap();
    let mut r = rng(5);
    let fake = StaticKeypair::generate(&mut r);
    let (initiator, first) =
        SessionInitiator::start(&ext_key, host_key.public(), "p1", &mut r).unwrap();
    // The fake host cannot even read the first message without the host's private key.
    assert!(SessionResponder::accept(&fake, ext_key.public(), "p1", &first, &mut r).is_err());
    // And an answer made under the fake key does not finish the extension's handshake.
    let (_, fake_first) = SessionInitiator::start(&ext_key, fake.public(), "p1", &mut r).unwrap();
    let (_, fake_answer) =
        SessionResponder::accept(&fake, ext_key.public(), "p1", &fake_first, &mut r).unwrap();
    assert_eq!(
        initiator.finish(&fake_answer).err(),
        Some(ChannelError::HandshakeFailed)
    );
}

#[test]
fn a_fake_host_without_the_code_gets_no_confirmation() {
    let mut r = rng(6);
    let ext_key = StaticKeypair::generate(&mut r);
    let fake = StaticKeypair::generate(&mut r);
    let right = PairingCode::parse("ABCD-EFGH")
        .unwrap()
        .derive_psk()
        .unwrap();
    let guess = PairingCode::parse("ZZZZ-ZZZZ")
        .unwrap()
        .derive_psk()
        .unwrap();

    let (initiator, first) = PairingInitiator::start(&ext_key, &right, &mut r).unwrap();
    let (responder, reply) = PairingResponder::accept(&fake, &guess, &first, &mut r).unwrap();
    let (last, awaiting) = initiator.finish(&reply).unwrap();
    assert!(responder.finish(&last).is_err());

    // Whatever the fake host seals under its guessed key, the extension refuses it.
    let (mut other, _, _) = pair("ZZZZ-ZZZZ", "ZZZZ-ZZZZ").unwrap();
    let forged = other
        .host
        .seal_response(&Response {
            id: 1,
            body: ResponseBody::Paired {
                pairing: "p".into(),
            },
        })
        .unwrap();
    assert_eq!(
        awaiting.confirm(&forged[0]).err(),
        Some(ChannelError::PairingFailed)
    );
}

#[test]
fn large_messages_are_chunked_under_the_frame_limit_and_reassembled() {
    let (_, ext_key, host_key) = pair("ABCD-EFGH", "ABCD-EFGH").unwrap();
    let mut ends = session(&ext_key, &host_key, 7);
    let vault: String = (0..3_000_000u32)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    let answer = Response {
        id: 8,
        body: ResponseBody::Vault {
            vault: Some(vault.clone()),
        },
    };
    let frames = ends.host.seal_response(&answer).unwrap();
    assert!(frames.len() > 40, "{} frames", frames.len());
    let mut whole = None;
    for (i, frame) in frames.iter().enumerate() {
        assert_eq!(frame.n, i as u64);
        let bytes = HostFrame::Sealed(frame.clone()).to_bytes();
        assert!(bytes.len() <= MAX_OUTGOING_FRAME);
        let opened = ends.extension.open(frame).unwrap();
        assert_eq!(opened.is_some(), i + 1 == frames.len());
        whole = whole.or(opened);
    }
    let whole = whole.unwrap();
    assert_eq!(Response::from_bytes(&whole).unwrap(), answer);
}

#[test]
fn the_same_seed_gives_the_same_handshake() {
    let a = StaticKeypair::generate(&mut rng(8));
    let b = StaticKeypair::generate(&mut rng(8));
    assert_eq!(a.public(), b.public());
    let host = StaticKeypair::generate(&mut rng(10));
    let (_, m1) = SessionInitiator::start(&a, host.public(), "p", &mut rng(11)).unwrap();
    let (_, m2) = SessionInitiator::start(&b, host.public(), "p", &mut rng(11)).unwrap();
    assert_eq!(m1, m2);
}
