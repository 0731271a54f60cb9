//! The scenario-file worker (`toml-reader`): a Web Worker that does for the page what needs code
//! the page's first download leaves out — the TOML parser and writer, and the trace's JSON writer.
//!
//! The page is built without a TOML parser (it reads its built-in scenarios as JSON, made from the
//! TOML files at build time), which keeps about a third of the engine's parsing code out of the
//! first download. When the page needs one of these, it starts this worker (fetched then, from
//! the page's own origin) and sends it one request, `COMMAND\nPAYLOAD`:
//! - `read-toml`: a scenario file's TOML text → `Result<Scenario, ScenarioError>` as JSON, parsed
//!   and validated by `Scenario::from_toml` — the same parser and messages as the CLI;
//! - `to-toml`: a scenario as JSON → `Result<String, String>`: the scenario as a TOML file, which
//!   the page and the CLI open again;
//! - `trace-json`: a scenario as JSON → `Result<String, String>`: its run's trace as JSON,
//!   recorded again here (the engine is deterministic: the same trace the page plays).
//!
//! The worker says `ready` once it listens, so no request is sent before.

use kafkascope_engine::{Scenario, Timeline};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// The answer to one request, as JSON.
fn answer(request: &str) -> String {
    let (command, payload) = request.split_once('\n').unwrap_or((request, ""));
    let json = |result: Result<String, String>| {
        serde_json::to_string(&result)
            .unwrap_or_else(|e| format!("{{\"Err\":{:?}}}", e.to_string()))
    };
    match command {
        "read-toml" => serde_json::to_string(&Scenario::from_toml(payload)).unwrap_or_else(|e| {
            format!(
                "{{\"Err\":{{\"Parse\":{}}}}}",
                serde_json::Value::from(e.to_string())
            )
        }),
        "to-toml" => json(
            Scenario::from_json(payload)
                .map(|s| s.to_toml())
                .map_err(|e| e.to_string()),
        ),
        "trace-json" => json(
            Scenario::from_json(payload)
                .map_err(|e| e.to_string())
                .and_then(|s| {
                    serde_json::to_string_pretty(Timeline::record(&s).trace())
                        .map_err(|e| e.to_string())
                }),
        ),
        other => json(Err(format!("unknown request `{other}`"))),
    }
}

fn main() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let replies = scope.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        let request = event.data().as_string().unwrap_or_default();
        let _ = replies.post_message(&JsValue::from_str(&answer(&request)));
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker (the page terminates the worker when it has its
    // answer), so it is handed to JavaScript rather than dropped.
    on_message.forget();
    let _ = scope.post_message(&JsValue::from_str("ready"));
}
