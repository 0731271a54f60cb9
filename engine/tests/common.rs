//! Helpers shared by the engine's integration tests.
#![allow(dead_code)]

use kafkascope_engine::scenario::{OffsetReset, ScenarioBuilder};
use kafkascope_engine::{OutcomeReport, Scenario};

/// [`basic`] as a builder, for tests that change it: one producer of `records` records every
/// 2 ms, and one consumer in group `billing` (earliest, manual commits).
pub fn basic_builder(records: u32) -> ScenarioBuilder {
    ScenarioBuilder::new("test")
        .seed(1)
        .topic(|t| t.name = "orders".into())
        .producer(records, |p| p.interval_ms = 2)
        .consumer("billing", |c| {
            c.auto_offset_reset = OffsetReset::Earliest;
            c.enable_auto_commit = false;
        })
}

/// Runs a built scenario with its trace hash.
pub fn run_built(builder: ScenarioBuilder) -> OutcomeReport {
    let s = builder
        .build()
        .unwrap_or_else(|e| panic!("test scenario invalid: {e}"));
    kafkascope_engine::run::run_scenario(&s, true)
}

/// A one-broker, one-partition scenario with one producer of `records` records and one consumer
/// in group `billing` reading from the earliest offset with manual commits; `extra` is appended.
pub fn basic(records: u32, extra: &str) -> String {
    format!(
        r#"
name = "test"
seed = 1
[topic]
name = "orders"
partitions = 1
[[producers]]
records = {records}
interval_ms = 2
[[consumers]]
"group.id" = "billing"
"auto.offset.reset" = "earliest"
"enable.auto.commit" = false
{extra}
"#
    )
}

pub fn scenario(toml: &str) -> Scenario {
    Scenario::from_toml(toml).unwrap_or_else(|e| panic!("test scenario invalid: {e}"))
}

pub fn run(toml: &str) -> OutcomeReport {
    kafkascope_engine::run::run_scenario(&scenario(toml), true)
}

/// The property tests' proptest seed: fixed, so CI explores the same schedules every run;
/// `PROPTEST_RNG_SEED` explores others (a failure prints the schedule to reproduce it).
pub fn seed_from_env() -> proptest::test_runner::RngSeed {
    let seed = std::env::var("PROPTEST_RNG_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20261125);
    proptest::test_runner::RngSeed::Fixed(seed)
}

/// A scenario file's `[[script]]` entries as text: the property tests write their random fault
/// schedules with it.
#[derive(Default)]
pub struct ScriptText(String);

impl ScriptText {
    /// One entry: `action = …` and its fields (`body`), at `at_ms`.
    pub fn entry(&mut self, at_ms: u64, body: &str) {
        self.0
            .push_str(&format!("[[script]]\nat_ms = {at_ms}\n{body}\n"));
    }

    /// `stop` at `at_ms` and `start` `for_ms` later, both naming `field = "node"`
    /// (`kill_consumer`/`restart_consumer`, `cut_link`/`heal_link` with `from`…).
    pub fn down_then_up(
        &mut self,
        at_ms: u64,
        for_ms: u64,
        (stop, start): (&str, &str),
        fields: &str,
    ) {
        self.entry(at_ms, &format!("action = \"{stop}\"\n{fields}"));
        self.entry(at_ms + for_ms, &format!("action = \"{start}\"\n{fields}"));
    }

    /// The next message of `kind` from `from` to `to` is lost.
    pub fn drop_next(&mut self, at_ms: u64, from: &str, to: &str, kind: &str) {
        self.entry(
            at_ms,
            &format!("action = \"drop_next\"\nfrom = \"{from}\"\nto = \"{to}\"\nkind = \"{kind}\""),
        );
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// Runs `kafkascope-sim` with `args`: its exit code, standard output and standard error.
pub fn cli(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kafkascope-sim"))
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}
