//! The third fix: a Kafka Connect sink copying a transactional result topic into the database.
//! Sink tasks are at-least-once (a worker killed before its offset flush re-delivers); an upsert on
//! the record's key makes the re-delivery harmless, a plain insert writes the rows twice. And the
//! sink's settings are checked the way the JDBC sink connector and Connect check them.

mod common;

use kafkascope_engine::report::{Delivery, TableOutcome};
use kafkascope_engine::{OutcomeReport, Scenario, Simulation};

const UPSERT: &str = include_str!("../../scenarios/connect-sink.toml");
const INSERT: &str = include_str!("../../scenarios/connect-sink-insert.toml");

fn ledger(report: &OutcomeReport) -> &TableOutcome {
    report.tables.iter().find(|t| t.table == "ledger").unwrap()
}

fn run(s: &Scenario) -> (Simulation, OutcomeReport) {
    let mut sim = Simulation::new(s);
    sim.run_to_end();
    let report = OutcomeReport::from_simulation(&sim, &s.name, s.seed);
    (sim, report)
}

#[test]
fn a_killed_worker_redelivers_and_the_upsert_keeps_one_row_per_result() {
    let (_, report) = run(&Scenario::from_toml(UPSERT).unwrap());
    let processor = report.processors.iter().find(|p| p.group == "processor");
    assert_eq!(processor.map(|p| p.results.exactly_once), Some(6));
    let t = ledger(&report);
    assert_eq!((t.rows, t.duplicate_rows), (6, 0));
    assert_eq!(t.delivery, Delivery::ExactlyOnce);
    // The sink was delivered every result twice: Connect is at-least-once.
    let g = report
        .groups
        .iter()
        .find(|g| g.group == "connect-ledger")
        .unwrap();
    assert_eq!(g.processed_more_than_once, 6);
}

#[test]
fn with_insert_mode_insert_the_same_kill_writes_every_row_twice() {
    let (_, report) = run(&Scenario::from_toml(INSERT).unwrap());
    let t = ledger(&report);
    assert_eq!((t.rows, t.duplicate_rows), (12, 6));
    assert_eq!(t.inputs.more_than_once, 6);
    assert_eq!(t.delivery, Delivery::AtLeastOnce);
    let processor = report.processors.iter().find(|p| p.group == "processor");
    assert_eq!(
        processor.map(|p| p.results.exactly_once),
        Some(6),
        "exactly once inside Kafka"
    );
}

/// Without the kill, the offsets flushed every `offset.flush.interval.ms` are committed before
/// anything goes wrong, and the insert sink writes each result once.
#[test]
fn without_a_kill_the_insert_sink_writes_each_result_once_and_commits_at_the_flush() {
    let mut s = Scenario::from_toml(INSERT).unwrap();
    s.script.clear();
    s.steps.clear();
    let (sim, report) = run(&s);
    let t = ledger(&report);
    assert_eq!((t.rows, t.duplicate_rows), (6, 0));
    assert_eq!(t.delivery, Delivery::ExactlyOnce);
    let committed = sim
        .groups()
        .group("connect-ledger")
        .map(|g| g.offsets.values().copied().collect::<Vec<_>>());
    assert_eq!(committed, Some(vec![11]), "6 results and 5 commit markers");
}

fn error_of(toml: &str) -> String {
    match Scenario::from_toml(toml) {
        Ok(_) => panic!("expected the scenario to be rejected:\n{toml}"),
        Err(e) => e.to_string(),
    }
}

fn with_sink(table: &str, keys: u32, group: &str, sink_extra: &str) -> String {
    format!(
        r#"
[topic]
name = "results"
[[producers]]
records = 2
keys = {keys}
[[consumers]]
"group.id" = "{group}"
"enable.auto.commit" = false
[consumers.sink]
connector = "ledger"
table = "{table}"
{sink_extra}
[database]
tables = [{{ name = "ledger", unique_key = true }}, {{ name = "plain" }}]
"#
    )
}

#[test]
fn bad_sink_settings_are_refused_with_the_field_and_the_accepted_values() {
    let cases = [
        (
            with_sink("ledger", 2, "connect-ledger", "\"insert.mode\" = \"merge\""),
            vec!["unknown variant `merge`", "insert", "upsert"],
        ),
        (
            with_sink("ledger", 2, "connect-ledger", "\"pk.mode\" = \"kafka\""),
            vec!["unknown variant `kafka`", "none", "record_key"],
        ),
        (
            with_sink(
                "ledger",
                2,
                "connect-ledger",
                "\"insert.mode\" = \"upsert\"",
            ),
            vec!["consumers[0].sink.pk.mode", "upsert", "record_key"],
        ),
        (
            with_sink("orders", 2, "connect-ledger", ""),
            vec!["consumers[0].sink.table", "`orders`", "ledger, plain"],
        ),
        (
            with_sink("ledger", 2, "ledger", ""),
            vec!["consumers[0].group.id", "connect-ledger"],
        ),
        (
            with_sink(
                "ledger",
                0,
                "connect-ledger",
                "\"pk.mode\" = \"record_key\"",
            ),
            vec!["consumers[0].sink.pk.mode", "no key", "results"],
        ),
        (
            with_sink("plain", 2, "connect-ledger", "\"pk.mode\" = \"record_key\""),
            vec!["consumers[0].sink.pk.mode", "unique_key"],
        ),
        (
            with_sink("ledger", 2, "connect-ledger", "")
                .replace("\"enable.auto.commit\" = false\n", ""),
            vec!["consumers[0].enable.auto.commit", "Connect"],
        ),
        (
            with_sink("ledger", 2, "connect-ledger", "")
                + "[[script]]\nat_ms = 1\naction = \"kill_worker\"\nworker = 3\n",
            vec!["script[0].worker", "worker 3"],
        ),
        (
            with_sink("ledger", 2, "connect-ledger", "")
                .replace(
                    "[topic]\nname = \"results\"",
                    "[topic]\nname = \"payments\"",
                )
                .replace(
                    "[consumers.sink]",
                    "topics = [\"results\"]\n[consumers.sink]",
                ),
            vec!["results"],
        ),
    ];
    for (toml, expected) in cases {
        let msg = error_of(&toml);
        for part in expected {
            assert!(msg.contains(part), "`{part}` not in: {msg}");
        }
    }
}

/// The runner refuses the same bad sink with exit code 2 and the field's name.
#[test]
fn the_cli_refuses_an_upsert_sink_without_a_key_naming_the_field() {
    let dir = std::env::temp_dir().join(format!("kafkascope-connect-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad-sink.toml");
    std::fs::write(
        &file,
        with_sink(
            "ledger",
            2,
            "connect-ledger",
            "\"insert.mode\" = \"upsert\"",
        ),
    )
    .unwrap();
    let (code, _, stderr) = common::cli(&["run", file.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("consumers[0].sink.pk.mode") && stderr.contains("record_key"),
        "{stderr}"
    );
}
