//! Running a scenario headlessly to its outcome report (the CLI, the tests and the benchmarks
//! share this path).

use crate::check::invariants::{InvariantChecker, Violation};
use crate::report::OutcomeReport;
use crate::scenario::{Scenario, ScenarioError};
use crate::sim::Simulation;
use crate::trace::TraceHasher;

/// What a headless run adds to the report, and whether it checks invariants as it goes.
#[derive(Clone, Copy, Debug, Default)]
pub struct RunOptions {
    /// Put the trace's digest in the report.
    pub hash_trace: bool,
    /// Add every record's fate.
    pub records: bool,
    /// Check Kafka's invariants after every step ([`crate::check::invariants`]).
    pub check: bool,
}

/// Runs `scenario` to its end. With `hash_trace`, the report carries the trace's digest.
pub fn run_scenario(scenario: &Scenario, hash_trace: bool) -> OutcomeReport {
    run_scenario_with(scenario, hash_trace, false)
}

/// [`run_scenario`], optionally with the per-record listing.
pub fn run_scenario_with(scenario: &Scenario, hash_trace: bool, records: bool) -> OutcomeReport {
    let options = RunOptions {
        hash_trace,
        records,
        check: false,
    };
    run_checked(scenario, options).expect("no invariant is checked")
}

/// Runs `scenario` to its end with `options`; with `check`, stops at the first broken
/// invariant.
pub fn run_checked(scenario: &Scenario, options: RunOptions) -> Result<OutcomeReport, Violation> {
    let mut world = Simulation::new(scenario);
    let mut hasher = TraceHasher::default();
    let mut checker = InvariantChecker::default();
    while world.step() {
        if options.check {
            checker.check(&world)?;
        }
        if world.events_processed() % 4096 == 0 {
            flush(&mut world, &mut hasher, options.hash_trace);
        }
    }
    flush(&mut world, &mut hasher, options.hash_trace);
    let mut report = OutcomeReport::from_simulation(&world, &scenario.name, scenario.seed);
    if options.records {
        report = report.with_records(&world);
    }
    if options.hash_trace {
        report.trace_hash = Some(format!("{:016x}", hasher.finish()));
    }
    Ok(report)
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

/// Why a headless run of a file did not produce a report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunError {
    /// The file is not a valid scenario.
    Scenario(ScenarioError),
    /// `--check` found a broken invariant (with the seed that reproduces it).
    Invariant { seed: u64, violation: Violation },
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Scenario(e) => write!(f, "{e}"),
            RunError::Invariant { seed, violation } => {
                write!(f, "invariant broken with seed {seed} {violation}")
            }
        }
    }
}

/// Parses a scenario file's text (by its name's extension) and runs it.
#[cfg(feature = "toml-in")]
pub fn run_file_text(
    file_name: &str,
    text: &str,
    seed: Option<u64>,
    options: RunOptions,
) -> Result<OutcomeReport, RunError> {
    let mut scenario = Scenario::from_file_text(file_name, text).map_err(RunError::Scenario)?;
    if let Some(seed) = seed {
        scenario.seed = seed;
    }
    run_checked(&scenario, options).map_err(|violation| RunError::Invariant {
        seed: scenario.seed,
        violation,
    })
}
