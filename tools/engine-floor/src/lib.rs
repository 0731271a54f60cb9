//! # The engine's floor under the page's first-frame download
//!
//! A WebAssembly module that does, with the engine, everything the page does before it can draw
//! its first frame of a shared link — and nothing of the page itself (no Yew, no drawing, no
//! texts): it decodes the link (`session::link::parse`), reads the scenario the link names or
//! carries (`Scenario::from_json`, then the reader's actions applied, as `src/session.rs` does),
//! checks that the run fits (`Timeline::estimate`), records it (`Timeline::record`, which also
//! decides every record's fate, the outcome report), and builds the world at the link's instant
//! (`Timeline::world_at`, `WorldView::of`) with the messages in flight then.
//!
//! `scripts/engine-floor.sh` builds it with the page's profile and wasm-opt settings and prints
//! its gzipped size: the least any page that simulates its first frame in the browser with this
//! engine must download (README, Performance). Not part of the page.

use kafkascope_engine::session::link;
use kafkascope_engine::timeline::Timeline;
use kafkascope_engine::view::{ViewOptions, WorldView};
use kafkascope_engine::{Scenario, SimTime};
use std::hint::black_box;
use wasm_bindgen::prelude::*;

/// The engine's part of a first frame: `link` is the page's address, `builtin_json` the
/// built-in scenario file the link names (as the page fetches it; empty when the link carries a
/// whole scenario). Returns what went wrong, or an empty string. The results are passed to
/// [`black_box`], so the optimizer keeps every step, as the page, which draws them, must.
#[wasm_bindgen]
pub fn first_frame(address: &str, builtin_json: &str) -> String {
    let session = match link::parse(address) {
        Ok(session) => session,
        Err(problem) => return problem.error.to_string(),
    };
    let scenario = match session.scenario(|_| Some(Scenario::from_json(builtin_json))) {
        Ok(scenario) => scenario,
        Err(error) => return error.to_string(),
    };
    if !Timeline::estimate(&scenario).fits() {
        return "too large".to_string();
    }
    let timeline = Timeline::record(&scenario);
    let now = SimTime(session.time_us.unwrap_or(0));
    let world = timeline.world_at(now);
    black_box(WorldView::of(&world, &ViewOptions::default()));
    black_box(timeline.flights_at(now).count());
    black_box(timeline.next_event_after(now));
    black_box(timeline.report());
    String::new()
}
