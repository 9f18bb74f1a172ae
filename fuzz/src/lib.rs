//! The fuzz targets' bodies: each must return (never panic, never hang) for any input.
#![forbid(unsafe_code)]

use latchkey_core::channel::{Request, Response, parse_client_frame, parse_host_frame};
use latchkey_host::framing::{Incoming, read_frame};

/// Reads frames from `data` as the host reads stdin, until the stream ends.
pub fn frame_reader(data: &[u8]) {
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread().build() else {
        return;
    };
    runtime.block_on(async {
        let mut reader = data;
        // A small cap, so a fuzzer reaches the oversize path without giant inputs.
        loop {
            match read_frame(&mut reader, 4096).await {
                Incoming::Frame(body) => message_parser(&body),
                Incoming::Refused(_) => {}
                Incoming::Truncated(_) | Incoming::End => break,
            }
        }
    });
}

/// Parses `data` as every kind of message the two ends exchange.
pub fn message_parser(data: &[u8]) {
    let _ = parse_client_frame(data);
    let _ = parse_host_frame(data);
    let _ = Request::from_bytes(data);
    let _ = Response::from_bytes(data);
}
