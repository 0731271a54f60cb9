//! Running a scenario headlessly to its outcome report (the CLI, the tests and the benchmarks
//! share this path).

use crate::report::OutcomeReport;
use crate::scenario::{Scenario, ScenarioError};
use crate::sim::Simulation;
use crate::trace::TraceHasher;

/// Runs `scenario` to its end. With `hash_trace`, the report carries the trace's digest.
pub fn run_scenario(scenario: &Scenario, hash_trace: bool) -> OutcomeReport {
    run_scenario_with(scenario, hash_trace, false)
}

/// [`run_scenario`], optionally with the per-record listing.
pub fn run_scenario_with(scenario: &Scenario, hash_trace: bool, records: bool) -> OutcomeReport {
    let mut world = Simulation::new(scenario);
    let mut hasher = TraceHasher::default();
    while world.step() {
        if world.events_processed() % 4096 == 0 {
            flush(&mut world, &mut hasher, hash_trace);
        }
    }
    flush(&mut world, &mut hasher, hash_trace);
    let mut report = OutcomeReport::from_simulation(&world, &scenario.name, scenario.seed);
    if records {
        report = report.with_records(&world);
    }
    if hash_trace {
        report.trace_hash = Some(format!("{:016x}", hasher.finish()));
    }
    report
}

fn flush(world: &mut Simulation, hasher: &mut TraceHasher, hash_trace: bool) {
    if hash_trace {
        hasher.update(&world.take_trace());
    } else {
        world.discard_trace();
    }
}

/// Runs `scenario` to its end without keeping the trace, returning the number of engine events
/// (what the throughput benchmarks time, natively and in wasm).
pub fn count_events(scenario: &Scenario) -> u64 {
    let mut world = Simulation::new(scenario);
    while world.step() {
        if world.events_processed() % 4096 == 0 {
            world.discard_trace();
        }
    }
    world.events_processed()
}

/// Parses a scenario file's text (by its name's extension) and runs it.
pub fn run_file_text(
    file_name: &str,
    text: &str,
    seed: Option<u64>,
    hash_trace: bool,
    records: bool,
) -> Result<OutcomeReport, ScenarioError> {
    let mut scenario = Scenario::from_file_text(file_name, text)?;
    if let Some(seed) = seed {
        scenario.seed = seed;
    }
    Ok(run_scenario_with(&scenario, hash_trace, records))
}
