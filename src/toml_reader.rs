//! Reading a scenario file written in TOML, in the TOML reader worker (`toml-reader/`).
//!
//! The page itself has no TOML parser: its built-in scenarios are JSON, made at build time, so
//! the parser is not part of the first download. A `.toml` file the reader opens is handed to a
//! Web Worker started for it — its script and wasm are fetched then, from the page's own origin —
//! which answers with the scenario or the parser's message (the CLI's own, naming the field and
//! line). The worker is stopped once it has answered.

use js_sys::Promise;
use kafkascope_engine::{Scenario, ScenarioError};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{MessageEvent, Worker};

/// The worker's loader, next to the page (Trunk builds it from `toml-reader/`).
const WORKER_SCRIPT: &str = "toml-reader_loader.js";

/// The scenario in `text` (a TOML file), read by the worker.
pub async fn read(text: &str) -> Result<Scenario, ScenarioError> {
    let unavailable = |why: &str| {
        ScenarioError::Parse(format!(
            "the page's TOML reader could not start ({why}); open the scenario as JSON instead"
        ))
    };
    let worker = Worker::new(WORKER_SCRIPT).map_err(|_| unavailable("no worker"))?;
    let answer = async {
        // The worker says "ready" once it listens, then answers the one message it is sent.
        let ready = next_message(&worker)
            .await
            .map_err(|_| unavailable("it failed to load"))?;
        if ready.as_string().as_deref() != Some("ready") {
            return Err(unavailable("unexpected first message"));
        }
        let reply = next_message_after(&worker, &JsValue::from_str(text))
            .await
            .map_err(|_| unavailable("it stopped"))?;
        let reply = reply.as_string().unwrap_or_default();
        serde_json::from_str::<Result<Scenario, ScenarioError>>(&reply)
            .unwrap_or_else(|e| Err(ScenarioError::Parse(e.to_string())))
    }
    .await;
    worker.terminate();
    answer
}

/// The data of the worker's next message (an error event rejects).
async fn next_message(worker: &Worker) -> Result<JsValue, JsValue> {
    next_message_after(worker, &JsValue::UNDEFINED).await
}

/// Sends `message` (unless undefined), then waits for the worker's next message.
async fn next_message_after(worker: &Worker, message: &JsValue) -> Result<JsValue, JsValue> {
    let promise = Promise::new(&mut |resolve, reject| {
        worker.set_onmessage(Some(&resolve));
        worker.set_onerror(Some(&reject));
    });
    if !message.is_undefined() {
        worker.post_message(message)?;
    }
    let event = JsFuture::from(promise).await?;
    worker.set_onmessage(None);
    worker.set_onerror(None);
    Ok(event
        .dyn_into::<MessageEvent>()
        .map(|e| e.data())
        .unwrap_or(JsValue::UNDEFINED))
}
