//! The extension's Rust side: the core's API for the service worker and popup.
#![forbid(unsafe_code)]
