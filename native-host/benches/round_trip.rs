//! Host start to first answer, the round trip of a small request inside a session, and
//! the transfer of a 10 MB vault, all through the real binary over pipes.
#![allow(clippy::unwrap_used)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use common::{CHROME_ORIGIN, HELLO, Home, Host};
use criterion::{Criterion, criterion_group, criterion_main};
use getrandom::SysRng;
use latchkey_core::channel::{
    Channel, ClientFrame, HostFrame, PairingCode, PairingInitiator, Request, RequestBody, Response,
    ResponseBody, StaticKeypair,
};
use latchkey_core::{KdfParams, Member, Passphrase, VaultFile};
use rand_core::UnwrapErr;

fn paired(home: &Home) -> (Host, Channel) {
    let out = home.cli(&["pair", "--json"]);
    let code: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let psk = PairingCode::parse(code["code"].as_str().unwrap())
        .unwrap()
        .derive_psk()
        .unwrap();
    let me = StaticKeypair::generate(&mut UnwrapErr(SysRng));
    let mut host = home.launch(CHROME_ORIGIN);
    let (initiator, first) = PairingInitiator::start(&me, &psk, &mut UnwrapErr(SysRng)).unwrap();
    host.send(
        &ClientFrame::PairStart {
            id: 1,
            handshake: B64.encode(first),
        }
        .to_bytes(),
    );
    let HostFrame::PairReply { handshake, .. } = host.recv() else {
        panic!()
    };
    let (last, awaiting) = initiator.finish(&B64.decode(handshake).unwrap()).unwrap();
    host.send(
        &ClientFrame::PairFinish {
            id: 2,
            handshake: B64.encode(last),
        }
        .to_bytes(),
    );
    let HostFrame::Sealed(frame) = host.recv() else {
        panic!()
    };
    let (paired, _) = awaiting.confirm(&frame).unwrap();
    (host, paired.channel)
}

fn ask(host: &mut Host, channel: &mut Channel, id: u64, body: RequestBody) -> ResponseBody {
    for frame in channel.seal_request(&Request { id, body }).unwrap() {
        host.send(&ClientFrame::Sealed(frame).to_bytes());
    }
    loop {
        let HostFrame::Sealed(frame) = host.recv() else {
            panic!()
        };
        if let Some(plain) = channel.open(&frame).unwrap() {
            return Response::from_bytes(&plain).unwrap().body;
        }
    }
}

fn benches(c: &mut Criterion) {
    let home = Home::new("bench");
    home.install();

    c.bench_function("host start to first answer (hello)", |b| {
        b.iter(|| {
            let mut host = home.launch(CHROME_ORIGIN);
            host.send(HELLO);
            let _ = host.recv();
            host.close()
        })
    });

    let (mut host, mut channel) = paired(&home);
    let mut id = 10;
    c.bench_function("sealed round trip (version)", |b| {
        b.iter(|| {
            id += 1;
            ask(&mut host, &mut channel, id, RequestBody::Version)
        })
    });

    // A real vault file padded with whitespace to 10 MB, written where the host looks.
    let mut rng = UnwrapErr(SysRng);
    let pass = Passphrase::new("bench".into());
    let member = Member::create("m", "M", &pass, KdfParams::minimum(), 2048, &mut rng).unwrap();
    let me = member.unlock(&pass).unwrap();
    let text = VaultFile::create(&me, "Bench", 1, &mut rng)
        .unwrap()
        .to_json();
    let padded = text.replacen('{', &format!("{{{}", " ".repeat(10_000_000)), 1);
    std::fs::create_dir_all(home.data()).unwrap();
    std::fs::write(home.data().join("vault.json"), &padded).unwrap();
    let mut group = c.benchmark_group("vault");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("read a 10 MB vault through the session", |b| {
        b.iter(|| {
            id += 1;
            ask(&mut host, &mut channel, id, RequestBody::VaultRead)
        })
    });
    group.finish();
}

criterion_group! {
    name = host;
    config = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    targets = benches
}
criterion_main!(host);
