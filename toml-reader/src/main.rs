//! The TOML reader: a Web Worker that reads a scenario file written in TOML for the page.
//!
//! The page is built without a TOML parser (it reads its built-in scenarios as JSON, made from the
//! TOML files at build time), which keeps about a third of the engine's parsing code out of the
//! first download. When a reader opens a `.toml` file, the page starts this worker (fetched then,
//! from the page's own origin), sends it the file's text, and gets back
//! `Result<Scenario, ScenarioError>` as JSON: the scenario parsed and validated by
//! `Scenario::from_toml` — the same parser and messages as the CLI — or the error naming the
//! field and line. The worker says `ready` once it listens, so no message is sent before.

use kafkascope_engine::Scenario;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

fn main() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let replies = scope.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        let text = event.data().as_string().unwrap_or_default();
        let read = Scenario::from_toml(&text);
        let reply = serde_json::to_string(&read).unwrap_or_else(|e| {
            format!(
                "{{\"Err\":{{\"Parse\":{}}}}}",
                serde_json::Value::from(e.to_string())
            )
        });
        let _ = replies.post_message(&JsValue::from_str(&reply));
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker (the page terminates the worker when it has its
    // answer), so it is handed to JavaScript rather than dropped.
    on_message.forget();
    let _ = scope.post_message(&JsValue::from_str("ready"));
}
