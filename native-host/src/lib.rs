//! latchkey-host: the native messaging host, OS key storage, installer, vault file store
//! and command line behind the `latchkey` binary. A library too, so the fuzz targets and
//! benchmarks reach the frame reader and the message handling directly.
#![forbid(unsafe_code)]

pub mod browsers;
pub mod cli;
pub mod doctor;
pub mod entry_args;
pub mod framing;
pub mod install;
pub mod install_record;
pub mod keystore;
pub mod pairings;
pub mod passphrase;
pub mod paths;
pub mod seen;
pub mod serve;
pub mod tools;
pub mod vault;
pub mod vault_store;
