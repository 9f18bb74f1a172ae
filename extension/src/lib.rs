//! The extension's Rust side: the service worker's logic and the core's API
//! for it, compiled to wasm and driven by a thin JavaScript shell.
//!
//! Everything that decides something lives here: which sender may send what,
//! the origin check every fill goes through, and the vault session. The
//! JavaScript only moves messages between the browser and `Worker`.
#![forbid(unsafe_code)]

pub mod fill;
pub mod message;
pub mod sender;
pub mod session;
pub mod site;
pub mod worker;

use wasm_bindgen::prelude::*;

use crate::fill::FillTrigger;

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

    /// Answers a message: request and sender as JSON strings, reply as JSON.
    pub fn handle(&mut self, request: &str, sender: &str, now_ms: f64) -> String {
        to_json(&self.inner.handle(request, sender, now_ms))
    }

    /// The keyboard shortcut or context menu asked to fill the tab.
    /// `trigger` is `"command"` or `"context_menu"`; the tab comes from the event.
    #[wasm_bindgen(js_name = fillTab)]
    pub fn fill_tab(&mut self, trigger: &str, tab_id: i64, tab_url: &str, now_ms: f64) -> String {
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
}

fn to_json(reply: &message::Reply) -> String {
    // Invariant: a Reply is plain strings, numbers and options, which always serialize.
    serde_json::to_string(reply).unwrap_or_else(|_| {
        r#"{"type":"error","message":"latchkey could not encode its reply"}"#.to_owned()
    })
}
