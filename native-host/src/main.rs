//! `latchkey`: the native messaging host and the command-line interface in one binary.
#![forbid(unsafe_code)]

fn main() {}
