//! Transactions (KIP-98): atomic writes with COMMIT/ABORT markers, the last stable offset, the
//! aborted index and `read_committed`, zombie fencing by epoch, `transaction.timeout.ms`, and a
//! coordinator failover that finishes a prepared commit — each asserted on the engine's outcome.

use kafkascope_engine::coordinator::txn::{AbortCause, TxnState};
use kafkascope_engine::ids::TopicPartition;
use kafkascope_engine::scenario::Scenario;
use kafkascope_engine::time::SimTime;
use kafkascope_engine::{NodeId, OutcomeReport, Simulation, TraceKind};

const P0: TopicPartition = TopicPartition {
    topic: 0,
    partition: 0,
};

/// A three-broker cluster with one replicated partition, then `rest` (producers, consumers,
/// script).
fn scenario(rest: &str) -> Scenario {
    let text = format!(
        "name = \"txn\"\nseed = 3\n[cluster]\nbrokers = 3\n[topic]\nname = \"orders\"\n\
         partitions = 1\n\"replication.factor\" = 3\n[network]\nlatency_us = 1500\n\
         jitter_us = 300\n{rest}"
    );
    Scenario::from_toml(&text).unwrap()
}

const TWO_GROUPS: &str = r#"
[[consumers]]
"group.id" = "committed-readers"
"isolation.level" = "read_committed"
"auto.offset.reset" = "earliest"
[[consumers]]
"group.id" = "uncommitted-readers"
"auto.offset.reset" = "earliest"
"#;

fn run(s: &Scenario) -> (Simulation, OutcomeReport) {
    let mut sim = Simulation::new(s);
    sim.run_to_end();
    let report = OutcomeReport::from_simulation(&sim, "txn", s.seed);
    (sim, report)
}

fn group<'r>(
    report: &'r OutcomeReport,
    name: &str,
) -> &'r kafkascope_engine::check::report::GroupOutcome {
    report.groups.iter().find(|g| g.group == name).unwrap()
}

#[test]
fn an_aborted_transaction_is_read_by_read_uncommitted_only_and_markers_take_offsets() {
    let s = scenario(&format!(
        r#"
[[producers]]
records = 8
interval_ms = 5
"transactional.id" = "orders-tx"
records_per_transaction = 4
abort_transactions = [1]
{TWO_GROUPS}"#
    ));
    let (sim, report) = run(&s);
    assert_eq!(report.transactions_committed, 1);
    assert_eq!(report.transactions_aborted, 1);
    assert_eq!(
        report.committed_in_log, 4,
        "only the committed transaction's records"
    );
    assert_eq!(report.aborted, 4);
    assert_eq!(report.duplicates_in_log, 0);
    let rc = group(&report, "committed-readers");
    assert_eq!((rc.consumed, rc.aborted_read, rc.not_processed), (4, 0, 0));
    let ru = group(&report, "uncommitted-readers");
    assert_eq!((ru.consumed, ru.aborted_read), (8, 4), "an aborted read");
    // Eight records and two markers: the log ends at 10, and both groups' positions step over
    // the markers (and, read_committed, the aborted records) to it.
    let log = &sim.leader_replica(P0).unwrap().log;
    assert_eq!(log.log_end_offset(), 10);
    assert_eq!(log.last_stable_offset(), 10);
    assert_eq!(log.transactions().aborted().len(), 1);
    for c in sim.consumers() {
        assert_eq!(c.positions().get(&P0), Some(&10), "{}", c.group());
    }
}

#[test]
fn an_open_transaction_holds_read_committed_readers_at_the_last_stable_offset() {
    // A slow transaction (one record every 2 s, four per transaction) stays open while a plain
    // producer writes after it: read_committed readers wait at its first offset, read_uncommitted
    // ones read everything below the HW.
    let s = scenario(&format!(
        r#"
[[producers]]
records = 4
interval_ms = 2000
"transactional.id" = "slow-tx"
records_per_transaction = 4
[[producers]]
records = 3
interval_ms = 5
start_ms = 100
"enable.idempotence" = false
{TWO_GROUPS}"#
    ));
    let mut sim = Simulation::new(&s);
    sim.run_until(SimTime::from_ms(5_000));
    let log = &sim.leader_replica(P0).unwrap().log;
    assert_eq!(
        log.last_stable_offset(),
        0,
        "held at the open transaction's first offset"
    );
    assert!(log.high_watermark() >= 5, "{}", log.high_watermark());
    let position = |g: &str| {
        sim.consumers()
            .find(|c| c.group() == g)
            .and_then(|c| c.positions().get(&P0).copied())
    };
    assert_eq!(position("committed-readers"), Some(0));
    assert_eq!(position("uncommitted-readers"), Some(log.high_watermark()));
    sim.run_to_end();
    let report = OutcomeReport::from_simulation(&sim, "txn", 3);
    let rc = group(&report, "committed-readers");
    assert_eq!(
        (rc.consumed, rc.aborted_read),
        (7, 0),
        "everything, once committed"
    );
    assert_eq!(report.in_open_transaction, 0);
}

#[test]
fn a_new_instance_fences_the_zombie_whose_records_are_never_visible() {
    let s = scenario(
        r#"
[[producers]]
records = 6
interval_ms = 5
"transactional.id" = "orders-tx"
records_per_transaction = 3
[[producers]]
records = 3
interval_ms = 5
start_ms = 200
"transactional.id" = "orders-tx"
records_per_transaction = 3
[[consumers]]
"group.id" = "committed-readers"
"isolation.level" = "read_committed"
"auto.offset.reset" = "earliest"
[[script]]
at_ms = 33
action = "pause_producer"
producer = "producer-1"
by_ms = 1000
"#,
    );
    let (mut sim, report) = run(&s);
    assert_eq!(report.fenced_producers, 1);
    assert_eq!(report.transactions_committed, 2, "one by each instance");
    let zombie_aborted = sim.take_trace().iter().any(|e| {
        matches!(
            &e.what,
            TraceKind::TxnStateChanged {
                state: TxnState::PrepareAbort,
                cause: Some(AbortCause::Fenced),
                producer_epoch: 1,
                ..
            }
        )
    });
    assert!(
        zombie_aborted,
        "the new instance's initTransactions aborted the open one"
    );
    let fates = sim.fates();
    let p1: Vec<_> = fates.producer_records(1).map(|f| f.fate()).collect();
    use kafkascope_engine::check::fates::Fate;
    assert_eq!(
        p1,
        vec![
            Fate::Committed,
            Fate::Committed,
            Fate::Committed,
            Fate::Aborted,
            Fate::Aborted,
            Fate::Failed
        ],
        "the zombie's second transaction never became visible"
    );
    let rc = group(&report, "committed-readers");
    assert_eq!((rc.consumed, rc.aborted_read), (6, 0));
    let coordinator = &sim.transactions().transactions()["orders-tx"];
    assert_eq!(coordinator.producer_epoch, 2);
}

#[test]
fn transaction_timeout_aborts_a_transaction_left_open_and_fences_its_producer() {
    let s = scenario(
        r#"
[[producers]]
records = 4
interval_ms = 5
"transactional.id" = "orders-tx"
"transaction.timeout.ms" = 2000
records_per_transaction = 4
[[script]]
at_ms = 8
action = "pause_producer"
producer = "producer-1"
by_ms = 5000
"#,
    );
    let (mut sim, report) = run(&s);
    let timed_out = sim.take_trace().into_iter().find_map(|e| match e.what {
        TraceKind::TxnStateChanged {
            state: TxnState::PrepareAbort,
            cause: Some(AbortCause::TimedOut),
            ..
        } => Some(e.at),
        _ => None,
    });
    let at = timed_out.expect("the coordinator aborted it");
    assert!(
        at >= SimTime::from_ms(2_000) && at < SimTime::from_ms(2_100),
        "{at:?}"
    );
    assert_eq!(report.fenced_producers, 1);
    assert_eq!(report.committed_in_log, 0);
    assert_eq!(report.transactions_committed, 0);
}

#[test]
fn a_new_coordinator_finishes_a_commit_its_crashed_predecessor_prepared() {
    // `transfer-tx` is coordinated by broker 3 (its `__transaction_state` partition's first
    // replica); P0 is led by broker 1. Broker 3 prepares the commit, its marker request to broker
    // 1 is lost, and broker 3 crashes right after the prepare.
    let s = scenario(
        r#"
[[producers]]
records = 3
interval_ms = 5
"transactional.id" = "transfer-tx"
records_per_transaction = 3
[[consumers]]
"group.id" = "committed-readers"
"isolation.level" = "read_committed"
"auto.offset.reset" = "earliest"
[[script]]
at_ms = 0
action = "drop_next"
from = "broker-3"
to = "broker-1"
kind = "write_txn_markers_request"
"#,
    );
    // Find when the commit was prepared, then crash the coordinator right after it.
    let (mut probe, _) = run(&s);
    let prepared = probe
        .take_trace()
        .into_iter()
        .find_map(|e| match e.what {
            TraceKind::TxnStateChanged {
                state: TxnState::PrepareCommit,
                coordinator,
                ..
            } => Some((e.at, coordinator)),
            _ => None,
        })
        .expect("a commit was prepared");
    assert_eq!(prepared.1, NodeId::Broker(3));
    let mut sim = Simulation::new(&s);
    sim.run_until(prepared.0);
    sim.schedule_action(
        prepared.0,
        kafkascope_engine::Action::CrashBroker {
            broker: NodeId::Broker(3),
        },
    );
    sim.run_to_end();
    let report = OutcomeReport::from_simulation(&sim, "txn", 3);
    let txn = &sim.transactions().transactions()["transfer-tx"];
    assert_eq!(txn.state, TxnState::CompleteCommit);
    assert_eq!(txn.coordinator, Some(1), "the next replica took it over");
    assert_eq!(report.committed_in_log, 3);
    assert_eq!(group(&report, "committed-readers").consumed, 3);
}

#[test]
fn a_restarted_transactional_producer_redoes_its_open_transaction_exactly_once_for_readers() {
    let s = scenario(&format!(
        r#"
[[producers]]
records = 6
interval_ms = 5
"transactional.id" = "orders-tx"
records_per_transaction = 3
[[script]]
at_ms = 35
action = "crash_producer"
producer = "producer-1"
[[script]]
at_ms = 500
action = "restart_producer"
producer = "producer-1"
{TWO_GROUPS}"#
    ));
    let (_, report) = run(&s);
    assert!(
        report.aborted == 0,
        "a redone record is committed: its aborted copy does not make it aborted"
    );
    let rc = group(&report, "committed-readers");
    assert_eq!(
        (rc.consumed, rc.processed_more_than_once, rc.not_processed),
        (6, 0, 0)
    );
    let ru = group(&report, "uncommitted-readers");
    assert!(
        ru.processed_more_than_once > 0,
        "read_uncommitted saw the aborted first attempt too"
    );
    assert_eq!(report.duplicates_in_log, 0, "no record is visible twice");
    assert_eq!(report.transactions_committed, 2);
}

#[test]
fn an_abortable_error_aborts_the_transaction_and_bumps_the_epoch_before_the_next_one() {
    // Broker 3 is down from the start: acks=all cannot complete until the controller fences it
    // and the ISR shrinks (9 s), so the first transaction's send gives up after
    // delivery.timeout.ms (6 s): abort, then InitProducerId with the current epoch (KIP-360);
    // the next transaction, after the ISR shrank, commits.
    let s = scenario(
        r#"
[[producers]]
records = 4
interval_ms = 2500
"transactional.id" = "orders-tx"
records_per_transaction = 2
"request.timeout.ms" = 500
"delivery.timeout.ms" = 6000
[[script]]
at_ms = 0
action = "crash_broker"
broker = "broker-3"
"#,
    );
    let (mut sim, report) = run(&s);
    let trace = sim.take_trace();
    let aborted_at = trace.iter().find_map(|e| match e.what {
        TraceKind::TransactionEnded {
            committed: false, ..
        } => Some(e.at),
        _ => None,
    });
    let aborted_at = aborted_at.expect("the first transaction was aborted");
    let bumped = trace.iter().any(|e| {
        e.at > aborted_at
            && matches!(
                e.what,
                TraceKind::ProducerIdAssigned {
                    producer_epoch: 1,
                    ..
                }
            )
    });
    assert!(bumped, "a new epoch after the abort");
    assert_eq!(report.fenced_producers, 0);
    assert!(report.transactions_committed >= 1, "{report:?}");
}

#[test]
fn a_new_coordinator_keeps_the_transaction_timeout_from_when_the_transaction_began() {
    // transfer-tx is coordinated by broker 3. The producer stalls with its transaction open at
    // about 10 ms; broker 3 crashes at 3 s and is fenced about 9 s later; the timeout (10 s)
    // counts from the transaction's start, not from the move.
    let s = scenario(
        r#"
[[producers]]
records = 4
interval_ms = 5
"transactional.id" = "transfer-tx"
"transaction.timeout.ms" = 10000
records_per_transaction = 4
[[script]]
at_ms = 12
action = "pause_producer"
producer = "producer-1"
by_ms = 60000
[[script]]
at_ms = 3000
action = "crash_broker"
broker = "broker-3"
"#,
    );
    let (mut sim, _) = run(&s);
    let trace = sim.take_trace();
    let began = trace.iter().find_map(|e| match e.what {
        TraceKind::TxnStateChanged {
            state: TxnState::Ongoing,
            ..
        } => Some(e.at),
        _ => None,
    });
    let timed_out = trace.iter().find_map(|e| match e.what {
        TraceKind::TxnStateChanged {
            state: TxnState::PrepareAbort,
            cause: Some(AbortCause::TimedOut),
            coordinator,
            ..
        } => Some((e.at, coordinator)),
        _ => None,
    });
    let (began, (at, coordinator)) = (began.unwrap(), timed_out.expect("aborted by timeout"));
    assert_ne!(
        coordinator,
        NodeId::Broker(3),
        "the new coordinator aborted it"
    );
    assert!(
        at.0 - began.0 <= 13_000_000,
        "aborted {} ms after it began",
        (at.0 - began.0) / 1000
    );
}
