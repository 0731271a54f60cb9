//! Counts messages in flight by kind at a time: a debugging aid for benchmark scenarios.
//! `cargo run -p kafkascope-engine --example flights_at -- FILE TIME_MS`
use kafkascope_engine::{Scenario, SimTime, Timeline, TraceKind};
use std::collections::BTreeMap;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let text = std::fs::read_to_string(&args[0]).expect("read");
    let at: u64 = args[1].parse().expect("TIME_MS");
    let timeline = Timeline::record(&Scenario::from_toml(&text).expect("valid"));
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for e in timeline.flights_at(SimTime::from_ms(at)) {
        if let TraceKind::Flight { kind, .. } = &e.what {
            *counts.entry(format!("{kind:?}")).or_default() += 1;
        }
    }
    println!("{counts:?}");
}
