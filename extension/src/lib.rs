//! The extension's Rust side: the service worker's logic and the core's API
//! for it, compiled to wasm and driven by a thin JavaScript shell.
//!
//! Everything that decides something lives here: which sender may send what,
//! the origin check every fill goes through, and the vault session. The
//! JavaScript only moves messages between the browser and `Worker`.
#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod edit;
pub mod fill;
pub mod generate;
pub mod host;
pub mod message;
pub mod offer;
pub mod otp;
mod rng;
pub mod sender;
pub mod session;
pub mod worker;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_entry;
#[cfg(test)]
mod tests_host;
#[cfg(test)]
mod tests_offer;

use wasm_bindgen::prelude::*;

use crate::fill::FillTrigger;
use crate::worker::SessionChange;

/// The service worker's state, one per worker lifetime.
#[wasm_bindgen(js_name = Worker)]
pub struct WasmWorker {
    inner: worker::Worker,
}

#[wasm_bindgen(js_class = Worker)]
impl WasmWorker {
    /// `own_id` is `runtime.id`, `own_base` is `runtime.getURL("")`.
    #[wasm_bindgen(constructor)]
    pub fn new(own_id: &str, own_base: &str) -> WasmWorker {
        WasmWorker {
            inner: worker::Worker::new(own_id, own_base),
        }
    }

    /// Takes what `storage.local` held; an error names what is wrong with it.
    pub fn load(&mut self, stored: &str) -> Result<(), String> {
        self.inner.session().load(stored).map_err(|e| e.to_string())
    }

    /// Takes the pairing with the native host that `storage.local` held.
    #[wasm_bindgen(js_name = loadChannel)]
    pub fn load_channel(&mut self, stored: &str) -> Result<(), String> {
        self.inner.load_identity(stored).map_err(|e| e.to_string())
    }

    /// The pairing to write to `storage.local` after a change: its JSON, or
    /// `""` when it was removed; nothing if unchanged.
    #[wasm_bindgen(js_name = takeChannelChange)]
    pub fn take_channel_change(&mut self) -> Option<String> {
        self.inner
            .take_identity_change()
            .map(|change| change.map(|json| json.to_string()).unwrap_or_default())
    }

    /// A frame that arrived on the host's port for `job`. The reply says what
    /// to post next, or is the job's result; nothing if the job was replaced.
    #[wasm_bindgen(js_name = hostReceive)]
    pub fn host_receive(&mut self, job: u32, frame: &str, now_ms: f64) -> Option<String> {
        self.inner
            .host_receive(job, frame, now_ms)
            .map(|reply| to_json(&reply))
    }

    /// The host's port closed, with the browser's reason; `answered` says
    /// whether the host sent anything first (installed but failed) or not.
    #[wasm_bindgen(js_name = hostGone)]
    pub fn host_gone(
        &mut self,
        job: u32,
        reason: &str,
        answered: bool,
        now_ms: f64,
    ) -> Option<String> {
        self.inner
            .host_gone(job, reason, answered, now_ms)
            .map(|reply| to_json(&reply))
    }

    /// Picks up the unlocked session `storage.session` kept across a
    /// restart; `last_use_ms` is the last use it recorded.
    pub fn resume(
        &mut self,
        sealed: &str,
        key: &[u8],
        last_use_ms: f64,
        now_ms: f64,
    ) -> Result<(), String> {
        let key: [u8; 32] = key
            .try_into()
            .map_err(|_| "the session key is not 32 bytes")?;
        self.inner.resume(sealed, key, last_use_ms, now_ms)
    }

    /// When the vault was last used, for `storage.session`.
    #[wasm_bindgen(js_name = lastUse)]
    pub fn last_use(&self) -> f64 {
        self.inner.last_use_ms()
    }

    /// When the idle lock is due (ms since the epoch), if unlocked.
    #[wasm_bindgen(js_name = idleDeadline)]
    pub fn idle_deadline(&self) -> Option<f64> {
        self.inner.idle_deadline_ms()
    }

    /// The test knob: an idle limit shorter than the default 15 minutes.
    #[wasm_bindgen(js_name = setIdleLimit)]
    pub fn set_idle_limit(&mut self, limit_ms: f64) {
        self.inner.set_idle_limit(limit_ms);
    }

    /// Toolbar badge changes to show, as JSON `[[tab, text], ...]`.
    #[wasm_bindgen(js_name = takeBadges)]
    pub fn take_badges(&mut self) -> String {
        serde_json::to_string(&self.inner.take_badges()).unwrap_or_else(|_| "[]".to_owned())
    }

    /// The badge text a tab should show now ("" for none).
    pub fn badge(&self, tab_id: f64) -> String {
        self.inner.badge(tab_id as i64).to_owned()
    }

    /// A tab was closed.
    #[wasm_bindgen(js_name = tabClosed)]
    pub fn tab_closed(&mut self, tab_id: f64) {
        self.inner.tab_closed(tab_id as i64);
    }

    /// Answers a message: request and sender as JSON strings, reply as JSON.
    pub fn handle(&mut self, request: &str, sender: &str, now_ms: f64) -> String {
        to_json(&self.inner.handle(request, sender, now_ms))
    }

    /// The keyboard shortcut or context menu asked to fill the tab.
    /// `trigger` is `"command"` or `"context_menu"`; the tab comes from the event.
    /// Tab ids are JavaScript numbers (an `i64` here would demand a BigInt).
    #[wasm_bindgen(js_name = fillTab)]
    pub fn fill_tab(&mut self, trigger: &str, tab_id: f64, tab_url: &str, now_ms: f64) -> String {
        let tab_id = tab_id as i64;
        let trigger = match trigger {
            "command" => FillTrigger::Command,
            "context_menu" => FillTrigger::ContextMenu,
            other => {
                return to_json(&message::Reply::Error {
                    message: format!("`{other}` is not a fill trigger"),
                });
            }
        };
        to_json(
            &self
                .inner
                .begin_fill_for_tab(trigger, tab_id, tab_url, now_ms),
        )
    }

    /// Locks if the vault sat unused past the idle limit.
    #[wasm_bindgen(js_name = lockIfIdle)]
    pub fn lock_if_idle(&mut self, now_ms: f64) {
        self.inner.lock_if_idle(now_ms);
    }

    /// The store to write to `storage.local` after a change, if there was one.
    #[wasm_bindgen(js_name = takeChanges)]
    pub fn take_changes(&mut self) -> Option<String> {
        self.inner.take_changes()
    }

    /// A host job that brings the open vault together with the host's vault
    /// file, when one is due (after a change, with a paired host).
    #[wasm_bindgen(js_name = syncJob)]
    pub fn sync_job(&mut self) -> Option<String> {
        self.inner.sync_job().map(|reply| to_json(&reply))
    }

    /// What `storage.session` should hold now: `{sealed, key}` after an
    /// unlock, `{locked: true}` after a lock, nothing if unchanged.
    #[wasm_bindgen(js_name = takeSessionChange)]
    pub fn take_session_change(&mut self) -> Option<String> {
        let change = match self.inner.take_session_change()? {
            SessionChange::Unlocked { sealed, key } => serde_json::json!({
                "sealed": sealed,
                "key": key.iter().map(|b| format!("{b:02x}")).collect::<String>(),
            }),
            SessionChange::Locked => serde_json::json!({ "locked": true }),
        };
        Some(change.to_string())
    }
}

fn to_json(reply: &message::Reply) -> String {
    // Invariant: a Reply is plain strings, numbers and options, which always serialize.
    serde_json::to_string(reply).unwrap_or_else(|_| {
        r#"{"type":"error","message":"latchkey could not encode its reply"}"#.to_owned()
    })
}
