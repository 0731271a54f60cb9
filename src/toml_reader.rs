//! The scenario-file worker's client (`toml-reader/`): reading a scenario file written in TOML,
//! writing a scenario as TOML, and writing a run's trace as JSON.
//!
//! The page itself has no TOML parser or writer: its built-in scenarios are JSON, made at build
//! time, so that code is not part of the first download. When the reader opens a `.toml` file or
//! saves one (or the trace), the page starts a Web Worker for it — its script and wasm are
//! fetched then, from the page's own origin — sends it one request, and stops it once it has
//! answered. Reading answers with the scenario or the parser's message (the CLI's own, naming
//! the field and line).

use js_sys::Promise;
use kafkascope_engine::{Scenario, ScenarioError};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{MessageEvent, Worker};

/// The worker's loader, next to the page (Trunk builds it from `toml-reader/`).
const WORKER_SCRIPT: &str = "toml-reader_loader.js";

/// The scenario in `text` (a TOML file), read by the worker.
pub async fn read(text: &str) -> Result<Scenario, ScenarioError> {
    match ask("read-toml", text).await {
        Ok(reply) => serde_json::from_str::<Result<Scenario, ScenarioError>>(&reply)
            .unwrap_or_else(|e| Err(ScenarioError::Parse(e.to_string()))),
        Err(why) => Err(ScenarioError::Parse(format!(
            "the page's TOML reader could not start ({why}); open the scenario as JSON instead"
        ))),
    }
}

/// `scenario` as a TOML scenario file (what the CLI and the page open again).
pub async fn scenario_as_toml(scenario: &Scenario) -> Result<String, String> {
    text_reply(ask("to-toml", &scenario.to_json()).await)
}

/// The trace of `scenario`'s run, as JSON (recorded again by the worker: the same trace).
pub async fn trace_as_json(scenario: &Scenario) -> Result<String, String> {
    text_reply(ask("trace-json", &scenario.to_json()).await)
}

fn text_reply(reply: Result<String, String>) -> Result<String, String> {
    serde_json::from_str::<Result<String, String>>(&reply?).unwrap_or_else(|e| Err(e.to_string()))
}

/// Starts the worker, sends it `COMMAND\nPAYLOAD`, and returns its answer; `Err` says why the
/// worker could not answer.
async fn ask(command: &str, payload: &str) -> Result<String, String> {
    let worker = Worker::new(WORKER_SCRIPT).map_err(|_| "no worker".to_string())?;
    let answer = async {
        // The worker says "ready" once it listens, then answers the one message it is sent.
        let ready = next_message(&worker)
            .await
            .map_err(|_| "it failed to load".to_string())?;
        if ready.as_string().as_deref() != Some("ready") {
            return Err("unexpected first message".to_string());
        }
        let request = JsValue::from_str(&format!("{command}\n{payload}"));
        let reply = next_message_after(&worker, &request)
            .await
            .map_err(|_| "it stopped".to_string())?;
        Ok(reply.as_string().unwrap_or_default())
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

/// Reads a scenario file a reader picked (`.json` here, anything else as TOML by the worker) and
/// hands its name and scenario, or what is wrong with it, to `then`.
pub fn read_scenario_file(
    file: web_sys::File,
    then: impl FnOnce(String, Result<Scenario, ScenarioError>) + 'static,
) {
    wasm_bindgen_futures::spawn_local(async move {
        let name = file.name();
        // A file that cannot be read as text is read as empty text, which the parser reports.
        let text = JsFuture::from(file.text())
            .await
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default();
        // JSON is read here; TOML by the worker, started only now.
        let scenario = if name.ends_with(".json") {
            Scenario::from_json(&text)
        } else {
            read(&text).await
        };
        then(name, scenario);
    });
}
