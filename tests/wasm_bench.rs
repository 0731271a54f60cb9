//! The engine's throughput in wasm32, in headless Chromium, on the same scenarios the native
//! criterion bench runs (`scenarios/bench-1m.toml`, `scenarios/bench-txn-100k.toml`,
//! `scenarios/bench-db-100k.toml`). Only built with `--features wasm-bench`;
//! `scripts/bench.sh` runs it in release mode and prints the figure next to the native one.
#![cfg(all(target_arch = "wasm32", feature = "wasm-bench"))]

use kafkascope_engine::run::count_events;
use kafkascope_engine::Scenario;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const SCENARIO: &str = include_str!("../scenarios/bench-1m.toml");
const TXN_SCENARIO: &str = include_str!("../scenarios/bench-txn-100k.toml");
const DB_SCENARIO: &str = include_str!("../scenarios/bench-db-100k.toml");

#[wasm_bindgen_test]
fn engine_throughput_in_wasm() {
    measure("bench-1m", SCENARIO, 1_000_000);
    measure("bench-txn-100k", TXN_SCENARIO, 500_000);
    measure("bench-db-100k", DB_SCENARIO, 500_000);
}

fn measure(name: &str, text: &str, at_least: u64) {
    let scenario = Scenario::from_toml(text).expect("bench scenario is valid");
    let performance = web_sys::window().unwrap().performance().unwrap();
    let mut best = f64::MAX;
    let mut events = 0;
    for _ in 0..3 {
        let start = performance.now();
        events = count_events(&scenario);
        best = best.min(performance.now() - start);
    }
    let line = format!(
        "wasm engine: {name}: {events} events in {best:.0} ms (best of 3) = {:.3} M events/s",
        events as f64 / best / 1000.0
    );
    web_sys::console::log_1(&line.into());
    assert!(events > at_least);
}
