//! The engine in wasm32, in headless Chromium: same scenario and seed, same trace as natively.
#![cfg(target_arch = "wasm32")]

use kafkascope_engine::run::run_scenario;
use kafkascope_engine::{trace_hash, Scenario, Timeline};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const HELLO: &str = include_str!("../scenarios/hello-kafka.toml");
/// The native test `the_hello_scenario_has_a_pinned_trace_hash` asserts this same file.
const NATIVE_HASH: &str = include_str!("../scenarios/hello-kafka.trace-hash");

#[wasm_bindgen_test]
fn trace_hash_in_wasm_equals_the_native_one() {
    let report = run_scenario(&Scenario::from_toml(HELLO).unwrap(), true);
    assert_eq!(report.trace_hash.as_deref(), Some(NATIVE_HASH));
    assert_eq!(report.groups[0].consumed, 12);
}

#[wasm_bindgen_test]
fn recorded_timeline_matches_the_straight_run_in_wasm() {
    let timeline = Timeline::record(&Scenario::from_toml(HELLO).unwrap());
    assert_eq!(
        format!("{:016x}", trace_hash(timeline.trace())),
        NATIVE_HASH
    );
}

#[wasm_bindgen_test]
fn bad_scenarios_are_errors_not_panics_in_wasm() {
    let err = Scenario::from_toml("[[producers]]\nrecords = -3\n").unwrap_err();
    assert!(err.to_string().contains("records"), "{err}");
}

/// The replication lessons' anomalies and their safe configurations give the same outcome in
/// the browser's wasm engine as the headless runner asserts natively (engine/tests/replication.rs).
#[wasm_bindgen_test]
fn replication_scenarios_give_the_expected_outcomes_in_wasm() {
    let cases: [(&str, &str, u64, u64); 6] = [
        // (name, text, lost acknowledged, committed then truncated)
        (
            "acks-1-failover-loss",
            include_str!("../scenarios/acks-1-failover-loss.toml"),
            3,
            0,
        ),
        (
            "acks-all-failover-safe",
            include_str!("../scenarios/acks-all-failover-safe.toml"),
            0,
            0,
        ),
        (
            "min-isr-not-enough-replicas",
            include_str!("../scenarios/min-isr-not-enough-replicas.toml"),
            0,
            0,
        ),
        (
            "unclean-election-loss",
            include_str!("../scenarios/unclean-election-loss.toml"),
            4,
            4,
        ),
        (
            "clean-election-offline",
            include_str!("../scenarios/clean-election-offline.toml"),
            0,
            0,
        ),
        (
            "lesson-1-replication",
            include_str!("../scenarios/lesson-1-replication.toml"),
            0,
            0,
        ),
    ];
    for (name, text, lost, truncated) in cases {
        let report = run_scenario(&Scenario::from_toml(text).unwrap(), false);
        assert_eq!(report.lost_acknowledged, lost, "{name}");
        assert_eq!(report.committed_then_truncated, truncated, "{name}");
    }
}

/// (group, consumed, never processed, processed twice).
type GroupCounts<'a> = (&'a str, u64, u64, u64);

/// The consumer lessons' per-group outcomes in the browser's wasm engine, as the native tests
/// assert them (engine/tests/consumer_lessons.rs): (group, consumed, never processed, twice).
#[wasm_bindgen_test]
fn consumer_lessons_give_the_expected_group_outcomes_in_wasm() {
    let cases: [(&str, &[GroupCounts]); 3] = [
        (
            include_str!("../scenarios/consumers-1-offsets.toml"),
            &[("billing", 6, 0, 0), ("audit", 6, 0, 0)],
        ),
        (
            include_str!("../scenarios/consumers-4-partitions.toml"),
            &[("workers", 250, 0, 0)],
        ),
        (
            include_str!("../scenarios/consumers-5-commits.toml"),
            &[("auto-handoff", 15, 5, 0), ("manual-sync", 20, 0, 4)],
        ),
    ];
    for (text, expected) in cases {
        let scenario = Scenario::from_toml(text).unwrap();
        let report = run_scenario(&scenario, false);
        let got: Vec<GroupCounts> = report
            .groups
            .iter()
            .map(|g| {
                (
                    g.group.as_str(),
                    g.consumed,
                    g.not_processed,
                    g.processed_more_than_once,
                )
            })
            .collect();
        assert_eq!(got, expected, "{}", scenario.name);
    }
}

/// In wasm too: the report read off the fate index at any instant of a checkpointed timeline
/// equals a run straight to that instant, and a session with a reader's action replays from its
/// TOML to the same trace.
#[wasm_bindgen_test]
fn fates_and_sessions_hold_in_wasm() {
    use kafkascope_engine::{Action, NodeId, OutcomeReport, SimTime, Simulation};
    let text = include_str!("../scenarios/acks-1-failover-loss.toml");
    let scenario = Scenario::from_toml(text).unwrap();
    let mut timeline = Timeline::record(&scenario);
    for k in 1..=4u64 {
        let t = SimTime(timeline.end().0 * k / 4);
        let mut straight = Simulation::new(&scenario);
        straight.run_until(t);
        assert_eq!(
            OutcomeReport::from_simulation(&timeline.world_at(t), "", 0),
            OutcomeReport::from_simulation(&straight, "", 0)
        );
    }
    assert_eq!(timeline.report().lost_acknowledged, 3);
    timeline.inject(
        SimTime::from_ms(1_500),
        Action::CrashBroker {
            broker: NodeId::Broker(3),
        },
    );
    let replayed = Scenario::from_json(&timeline.scenario().to_json()).unwrap();
    assert_eq!(
        run_scenario(&replayed, true).trace_hash.unwrap(),
        format!("{:016x}", trace_hash(timeline.trace()))
    );
}

/// The idempotent-producer lesson in the browser's wasm engine, as engine/tests/idempotence.rs
/// asserts it natively: the retry after the failover is recognised (no duplicate); with
/// idempotence off the same run writes one.
#[wasm_bindgen_test]
fn the_idempotent_producer_lesson_gives_the_same_outcome_in_wasm() {
    let scenario =
        Scenario::from_toml(include_str!("../scenarios/idempotent-producer.toml")).unwrap();
    let report = run_scenario(&scenario, false);
    assert_eq!(report.acknowledged, 4);
    assert_eq!(report.duplicates_in_log, 0);
    let mut off = scenario;
    off.producers[0].enable_idempotence = Some(false);
    assert_eq!(run_scenario(&off, false).duplicates_in_log, 1);
}

/// The transaction lessons in the browser's wasm engine, as engine/tests/transactions.rs asserts
/// them natively: the aborted transaction is read by read_uncommitted only; the zombie is fenced
/// and none of its aborted records reaches read_committed.
#[wasm_bindgen_test]
fn the_transaction_lessons_give_the_same_outcomes_in_wasm() {
    let group = |report: &kafkascope_engine::OutcomeReport, name: &str| {
        let g = report.groups.iter().find(|g| g.group == name).unwrap();
        (g.consumed, g.aborted_read)
    };
    let scenario = Scenario::from_toml(include_str!("../scenarios/transactions.toml")).unwrap();
    let report = run_scenario(&scenario, false);
    assert_eq!(
        (report.transactions_committed, report.transactions_aborted),
        (1, 1)
    );
    assert_eq!((report.committed_in_log, report.aborted), (4, 4));
    assert_eq!(group(&report, "billing"), (4, 0));
    assert_eq!(group(&report, "audit"), (8, 4));
    let scenario = Scenario::from_toml(include_str!("../scenarios/zombie-fencing.toml")).unwrap();
    let report = run_scenario(&scenario, false);
    assert_eq!(report.fenced_producers, 1);
    assert_eq!((report.committed_in_log, report.aborted), (6, 2));
    assert_eq!(group(&report, "billing"), (6, 0));
    assert_eq!(group(&report, "audit"), (8, 2));
}

/// The exactly-once processing lessons in the browser's wasm engine, as
/// engine/tests/exactly_once_processing.rs asserts them natively: through a crash every order
/// has one committed receipt; without the rewind two have none.
#[wasm_bindgen_test]
fn the_exactly_once_processing_lessons_give_the_same_outcomes_in_wasm() {
    let results = |text: &str| {
        let scenario = Scenario::from_toml(text).unwrap();
        let report = run_scenario(&scenario, false);
        let p = report
            .processors
            .iter()
            .find(|p| p.group == "enricher")
            .unwrap()
            .results
            .clone();
        (p.inputs, p.exactly_once, p.missing, p.more_than_once)
    };
    assert_eq!(
        results(include_str!("../scenarios/exactly-once-processing.toml")),
        (6, 6, 0, 0)
    );
    assert_eq!(
        results(include_str!("../scenarios/rewind-forgotten.toml")),
        (6, 4, 2, 0)
    );
}

/// The database lessons in the browser's wasm engine, as engine/tests/database.rs asserts them
/// natively: the lost commit and the rebalance write four rows twice; with a unique key the four
/// second inserts are refused and every payment has one row.
#[wasm_bindgen_test]
fn the_database_lessons_give_the_same_outcomes_in_wasm() {
    let table = |text: &str| {
        let report = run_scenario(&Scenario::from_toml(text).unwrap(), false);
        let t = report.tables.into_iter().next().unwrap();
        (
            t.rows,
            t.duplicate_rows,
            t.refused_writes,
            t.delivery.name(),
        )
    };
    assert_eq!(
        table(include_str!("../scenarios/database-duplicate-row.toml")),
        (12, 4, 0, "at_least_once")
    );
    assert_eq!(
        table(include_str!("../scenarios/database-unique-key.toml")),
        (8, 0, 4, "exactly_once")
    );
}

/// The offsets-in-the-database lesson in wasm, as engine/tests/database.rs asserts it natively:
/// the stalled instance's write is refused and every payment has one row.
#[wasm_bindgen_test]
fn the_offsets_in_the_database_lesson_gives_the_same_outcome_in_wasm() {
    let text = include_str!("../scenarios/database-offsets.toml");
    let report = run_scenario(&Scenario::from_toml(text).unwrap(), false);
    let t = report.tables.into_iter().next().unwrap();
    assert_eq!(
        (
            t.rows,
            t.duplicate_rows,
            t.refused_writes,
            t.delivery.name()
        ),
        (8, 0, 1, "exactly_once")
    );
}

/// The Kafka Connect lessons in wasm, as engine/tests/connect.rs asserts them natively: the killed
/// worker's task re-delivers every result; the upsert sink keeps one row each, the insert sink
/// two.
#[wasm_bindgen_test]
fn the_connect_sink_lessons_give_the_same_outcome_in_wasm() {
    let table = |text: &str| {
        let report = run_scenario(&Scenario::from_toml(text).unwrap(), false);
        let t = report.tables.into_iter().next().unwrap();
        (t.rows, t.duplicate_rows, t.delivery.name())
    };
    assert_eq!(
        table(include_str!("../scenarios/connect-sink.toml")),
        (6, 0, "exactly_once")
    );
    assert_eq!(
        table(include_str!("../scenarios/connect-sink-insert.toml")),
        (12, 6, "at_least_once")
    );
}
