//! A few seconds of generated and mutated inputs through each target, on stable Rust.
//! Not a substitute for coverage-guided fuzzing; a guard that CI can always run.

use std::time::{Duration, Instant};

const SEEDS: &[&[u8]] = &[
    br#"{"v":1,"id":1,"type":"hello","versions":[1]}"#,
    br#"{"v":1,"type":"sealed","n":0,"data":"AAAA"}"#,
    br#"{"v":1,"id":2,"type":"session_start","pairing":"p-1","handshake":"AAAA"}"#,
    br#"{"id":3,"type":"device_key_store","member":"m","key":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}"#,
    br#"{"id":4,"type":"error","code":100,"name":"x","message":"y"}"#,
    br#"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"#,
];

/// xorshift64*: a fixed, dependency-free stream so a failure is reproducible.
struct Stream(u64);

impl Stream {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn mutate(stream: &mut Stream, seed: &[u8]) -> Vec<u8> {
    let mut data = seed.to_vec();
    for _ in 0..=stream.below(8) {
        match stream.below(4) {
            0 if !data.is_empty() => {
                let i = stream.below(data.len());
                data[i] ^= 1 << stream.below(8);
            }
            1 => {
                let i = stream.below(data.len() + 1);
                data.insert(i, stream.next() as u8);
            }
            2 if !data.is_empty() => {
                let i = stream.below(data.len());
                data.remove(i);
            }
            _ => {
                let i = stream.below(data.len() + 1);
                let tokens: &[&[u8]] = &[b"{", b"}", b"[", b"\"", b":", b",", b"\"type\"", b"\xff"];
                let token = tokens[stream.below(tokens.len())];
                data.splice(i..i, token.iter().copied());
            }
        }
    }
    data
}

fn framed(stream: &mut Stream, body: &[u8]) -> Vec<u8> {
    let length = match stream.below(5) {
        0 => stream.next() as u32,
        1 => body.len().saturating_sub(1) as u32,
        _ => body.len() as u32,
    };
    let mut out = length.to_ne_bytes().to_vec();
    out.extend_from_slice(body);
    out
}

#[test]
fn both_targets_survive_a_few_seconds_of_mutated_input() {
    let mut stream = Stream(0x1a7c_4e55_eed5_0001);
    let started = Instant::now();
    let mut runs = 0u64;
    while started.elapsed() < Duration::from_secs(3) {
        let seed = SEEDS[stream.below(SEEDS.len())];
        let body = mutate(&mut stream, seed);
        latchkey_fuzz::message_parser(&body);
        let mut input = framed(&mut stream, &body);
        if stream.below(2) == 0 {
            input.extend(framed(&mut stream, seed));
        }
        latchkey_fuzz::frame_reader(&input);
        runs += 1;
    }
    assert!(runs > 100, "only {runs} runs in 3 s");
}
