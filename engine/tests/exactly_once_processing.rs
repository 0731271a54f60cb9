//! Exactly-once processing (KIP-98's `sendOffsetsToTransaction`, KIP-447's group metadata): a
//! consume-transform-produce application gives each input record exactly one committed result in
//! its output topic — through a crash mid-transaction, a stalled instance, and a transaction whose
//! offsets are still pending — and the loop that forgets to seek back after an abort skips inputs.
//! Each asserted on the engine's own record of fates.

use kafkascope_engine::check::report::ProcessorOutcome;
use kafkascope_engine::scenario::Scenario;
use kafkascope_engine::{OutcomeReport, Simulation, TraceKind};

fn lesson(name: &str) -> Scenario {
    let path = format!("{}/../scenarios/{name}.toml", env!("CARGO_MANIFEST_DIR"));
    Scenario::from_toml(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn run(s: &Scenario) -> (Simulation, OutcomeReport) {
    let mut sim = Simulation::new(s);
    sim.run_to_end();
    let report = OutcomeReport::from_simulation(&sim, &s.name, s.seed);
    (sim, report)
}

fn processor<'r>(report: &'r OutcomeReport, group: &str) -> &'r ProcessorOutcome {
    report
        .processors
        .iter()
        .find(|p| p.group == group)
        .unwrap_or_else(|| panic!("no processor group {group}: {report:?}"))
}

fn group<'r>(
    report: &'r OutcomeReport,
    name: &str,
) -> &'r kafkascope_engine::check::report::GroupOutcome {
    report.groups.iter().find(|g| g.group == name).unwrap()
}

/// Two processor instances (consumers 1 and 2, transactional ids enricher-1 and -2) on a
/// two-partition input, a read_committed reader of the output, then `script`.
fn two_instances(seed: u64, script: &str) -> Scenario {
    let text = format!(
        r#"
name = "two-instances"
seed = {seed}
[cluster]
brokers = 3
"group.initial.rebalance.delay.ms" = 0
[[topics]]
name = "orders"
partitions = 2
"replication.factor" = 2
[[topics]]
name = "receipts"
partitions = 2
"replication.factor" = 2
[network]
latency_us = 1500
jitter_us = 300
[[producers]]
records = 16
interval_ms = 40
start_ms = 300
keys = 8
topic = "orders"
"enable.idempotence" = true
[[consumers]]
"group.id" = "enricher"
topics = ["orders"]
"isolation.level" = "read_committed"
"auto.offset.reset" = "earliest"
"enable.auto.commit" = false
"max.poll.records" = 3
"session.timeout.ms" = 6000
"heartbeat.interval.ms" = 2000
processing_ms = 60
[consumers.transform]
output = "receipts"
"transactional.id" = "enricher-1"
"transaction.timeout.ms" = 10000
[[consumers]]
"group.id" = "enricher"
topics = ["orders"]
"isolation.level" = "read_committed"
"auto.offset.reset" = "earliest"
"enable.auto.commit" = false
"max.poll.records" = 3
"session.timeout.ms" = 6000
"heartbeat.interval.ms" = 2000
processing_ms = 60
[consumers.transform]
output = "receipts"
"transactional.id" = "enricher-2"
"transaction.timeout.ms" = 10000
[[consumers]]
"group.id" = "shipping"
topics = ["receipts"]
"isolation.level" = "read_committed"
"auto.offset.reset" = "earliest"
[simulation]
max_time_ms = 90000
{script}
"#
    );
    Scenario::from_toml(&text).unwrap()
}

#[test]
fn a_crash_mid_transaction_leaves_every_input_with_exactly_one_committed_result() {
    let (_, report) = run(&lesson("exactly-once-processing"));
    let p = processor(&report, "enricher");
    assert_eq!(
        (p.results.inputs, p.results.exactly_once),
        (6, 6),
        "{report:?}"
    );
    assert_eq!((p.results.missing, p.results.more_than_once), (0, 0));
    // The input in the open transaction was processed twice; its first result was aborted.
    assert_eq!(group(&report, "enricher").processed_more_than_once, 1);
    assert_eq!(report.aborted, 1);
    assert_eq!(group(&report, "shipping").consumed, 6);
    assert_eq!(group(&report, "shipping").aborted_read, 0);
}

#[test]
fn an_abort_without_seeking_back_skips_the_aborted_transactions_inputs() {
    let s = lesson("rewind-forgotten");
    let (_, report) = run(&s);
    let p = processor(&report, "enricher");
    assert_eq!(
        (p.results.missing, p.results.exactly_once),
        (2, 4),
        "{report:?}"
    );
    // The group processed every input: only the output shows what is missing.
    assert_eq!(group(&report, "enricher").consumed, 6);
    assert_eq!(group(&report, "enricher").not_processed, 0);

    // The same abort with the rewind: the two inputs are processed again, each result once.
    let text = std::fs::read_to_string(format!(
        "{}/../scenarios/rewind-forgotten.toml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
    .replace("rewind_on_abort = false", "rewind_on_abort = true");
    let (_, report) = run(&Scenario::from_toml(&text).unwrap());
    let p = processor(&report, "enricher");
    assert_eq!(
        (p.results.missing, p.results.exactly_once),
        (0, 6),
        "{report:?}"
    );
    assert_eq!(group(&report, "enricher").processed_more_than_once, 2);
}

#[test]
fn transactional_offsets_become_committed_only_with_the_commit_marker() {
    for (name, expected) in [
        ("exactly-once-processing", vec![1, 3, 5, 6]),
        ("rewind-forgotten", vec![1, 5, 6]),
    ] {
        let (mut sim, _) = run(&lesson(name));
        let mut pending = false;
        let mut last_completed: Option<bool> = None;
        let mut committed = Vec::new();
        for event in sim.take_trace() {
            match &event.what {
                TraceKind::TxnOffsetsPending { group, .. } if group == "enricher" => {
                    pending = true;
                }
                &TraceKind::TxnOffsetsCompleted {
                    ref group,
                    committed,
                    ..
                } if group == "enricher" => {
                    assert!(pending, "{name}: completed offsets that were never pending");
                    pending = false;
                    last_completed = Some(committed);
                }
                TraceKind::OffsetCommitted { group, offset, .. } if group == "enricher" => {
                    committed.push(*offset);
                    assert_eq!(
                        last_completed,
                        Some(true),
                        "{name}: enricher's offset committed without a COMMIT marker at {}",
                        event.at
                    );
                }
                _ => {}
            }
        }
        // The crashed and the aborted transactions' offsets never became committed.
        assert_eq!(committed, expected, "{name}: enricher's committed offsets");
    }
}

#[test]
fn a_new_owner_waits_for_pending_transactional_offsets_unstable_offset_commit() {
    // The first transaction's marker for enricher's offsets partition is lost on its way to the
    // group coordinator: its offsets stay pending until the transaction coordinator writes it
    // again. Meanwhile the process crashes and restarts: its consumer, reading read_committed,
    // is answered UNSTABLE_OFFSET_COMMIT and waits, instead of starting from the older offset.
    let base = std::fs::read_to_string(format!(
        "{}/../scenarios/exactly-once-processing.toml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let start = base.find("[[script]]").unwrap();
    let end = base.find("[simulation]").unwrap();
    let text = format!(
        "{}{}{}",
        &base[..start],
        r#"[[script]]
at_ms = 0
action = "drop_next"
from = "broker-2"
to = "broker-1"
kind = "write_txn_markers_request"

[[script]]
at_ms = 445
action = "kill_consumer"
consumer = "consumer-1"

[[script]]
at_ms = 500
action = "restart_consumer"
consumer = "consumer-1"

"#,
        &base[end..]
    )
    .replace("max_time_ms = 12000", "max_time_ms = 60000");
    let s = Scenario::from_toml(&text).unwrap();
    let (mut sim, report) = run(&s);
    let unstable = sim
        .take_trace()
        .iter()
        .filter(|e| matches!(e.what, TraceKind::OffsetsUnstable { .. }))
        .count();
    assert!(unstable > 0, "the new instance never met pending offsets");
    let p = processor(&report, "enricher");
    assert_eq!(
        (p.results.exactly_once, p.results.inputs),
        (6, 6),
        "{report:?}"
    );
    assert_eq!(p.results.more_than_once, 0);
}

#[test]
fn a_stalled_instance_cannot_make_its_inputs_count_twice() {
    // Consumer 1's process stalls (a GC pause longer than session.timeout.ms) at many moments of
    // its transactions; consumer 2 takes its partition over. Whatever the moment, each input ends
    // with exactly one committed result: the stalled instance's offsets from an old generation
    // are refused (KIP-447), or its still-pending offsets hold the new owner back.
    for at in (420..1_300).step_by(97) {
        let s = two_instances(
            7,
            &format!(
                "[[script]]\nat_ms = {at}\naction = \"pause_consumer\"\nconsumer = \"consumer-1\"\nby_ms = 9000\n"
            ),
        );
        let (_, report) = run(&s);
        let p = processor(&report, "enricher");
        assert_eq!(
            (
                p.results.exactly_once,
                p.results.missing,
                p.results.more_than_once
            ),
            (16, 0, 0),
            "pause at {at} ms: {report:?}"
        );
        // The woken instance gives up its transaction and the run settles (no retry loop).
        assert_eq!(
            report.end_reason,
            kafkascope_engine::sim::EndReason::Settled,
            "pause at {at} ms"
        );
    }
}
