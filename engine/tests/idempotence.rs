//! The idempotent producer (KIP-98): a retried batch is recognised by its producer id and
//! sequence numbers — by the leader that took it, and by a new leader after a failover, which
//! built the producer's state from the replicated batches — and a restarted producer is a new
//! producer whose resend idempotence cannot recognise.

use kafkascope_engine::message::MessageKind;
use kafkascope_engine::scenario::ScenarioBuilder;
use kafkascope_engine::{Action, NodeId, OutcomeReport, Simulation, TraceKind};

/// Three brokers, a replicated partition, one producer of `records` records; broker 1's first
/// produce response is lost and broker 1 crashes after its followers have the batch.
fn failover_after_a_lost_response(idempotent: bool, records: u32) -> Simulation {
    let s = ScenarioBuilder::new("idempotence")
        .seed(3)
        .brokers(3)
        .topic(|t| {
            t.name = "orders".into();
            t.replication_factor = 3;
        })
        .producer(records, |p| {
            p.interval_ms = 5;
            p.request_timeout_ms = 1000;
            p.enable_idempotence = Some(idempotent);
        })
        .at(
            0,
            Action::DropNext {
                from: NodeId::Broker(1),
                to: NodeId::Producer(1),
                kind: MessageKind::ProduceResponse,
            },
        )
        .at(
            200,
            Action::CrashBroker {
                broker: NodeId::Broker(1),
            },
        )
        .build()
        .unwrap();
    let mut sim = Simulation::new(&s);
    sim.run_to_end();
    sim
}

#[test]
fn a_new_leader_recognises_a_retry_of_a_batch_the_old_leader_took() {
    let mut sim = failover_after_a_lost_response(true, 1);
    let report = OutcomeReport::from_simulation(&sim, "t", 3);
    let trace = sim.take_trace();
    let recognised_by = trace.iter().find_map(|e| match &e.what {
        TraceKind::DuplicateBatch {
            broker,
            base_offset,
            ..
        } => Some((*broker, *base_offset)),
        _ => None,
    });
    assert_eq!(
        recognised_by,
        Some((NodeId::Broker(2), 0)),
        "broker 2, elected after the crash, answered the retry with offset 0"
    );
    assert_eq!(report.acknowledged, 1);
    assert_eq!(report.duplicates_in_log, 0);
    assert_eq!(report.committed_in_log, 1);
}

#[test]
fn without_idempotence_the_same_retry_writes_the_record_twice() {
    let sim = failover_after_a_lost_response(false, 1);
    let report = OutcomeReport::from_simulation(&sim, "t", 3);
    assert_eq!(report.acknowledged, 1);
    assert_eq!(
        report.duplicates_in_log, 1,
        "the new leader appended it again"
    );
}

#[test]
fn a_restarted_producer_gets_a_new_producer_id_and_its_resend_is_not_recognised() {
    // The producer crashes before any answer reaches it; the restarted process asks for a new
    // producer id and the application sends its unanswered records again.
    let s = ScenarioBuilder::new("restart")
        .seed(5)
        .topic(|t| t.name = "orders".into())
        .producer(3, |p| {
            p.interval_ms = 1;
            p.enable_idempotence = Some(true);
        })
        .network(5_000, 0)
        .at(
            13,
            Action::CrashProducer {
                producer: NodeId::Producer(1),
            },
        )
        .at(
            40,
            Action::RestartProducer {
                producer: NodeId::Producer(1),
            },
        )
        .build()
        .unwrap();
    let mut sim = Simulation::new(&s);
    sim.run_to_end();
    let report = OutcomeReport::from_simulation(&sim, "t", 5);
    let ids: Vec<i64> = sim
        .take_trace()
        .iter()
        .filter_map(|e| match &e.what {
            TraceKind::ProducerIdAssigned { producer_id, .. } => Some(*producer_id),
            _ => None,
        })
        .collect();
    assert_eq!(ids.len(), 2, "one producer id per process: {ids:?}");
    assert_ne!(ids[0], ids[1]);
    assert!(
        report.duplicates_in_log >= 1,
        "a record the first process had sent is in the log twice: {report:?}"
    );
}

#[test]
fn the_idempotent_producer_lesson_ends_without_a_duplicate_and_with_idempotence_off_it_has_one() {
    let text = include_str!("../../scenarios/idempotent-producer.toml");
    let scenario = kafkascope_engine::Scenario::from_toml(text).unwrap();
    let report = kafkascope_engine::run::run_scenario(&scenario, false);
    assert_eq!(report.acknowledged, 4);
    assert_eq!(report.duplicates_in_log, 0);
    assert_eq!(report.lost_acknowledged, 0);
    let mut off = scenario.clone();
    off.producers[0].enable_idempotence = Some(false);
    let report = kafkascope_engine::run::run_scenario(&off, false);
    assert_eq!(
        report.duplicates_in_log, 1,
        "the same retry, not recognised"
    );
}

/// A produce request lost on its connection breaks the connection (TCP never delivers what
/// follows a lost segment): the requests sent behind it are lost too, not delivered ahead of it.
/// The request timeout closes the connection and fails all of them at once; their retries arrive
/// in sequence order, so the idempotent producer (on by default) writes every record once, in
/// order, and never sees `OUT_OF_ORDER_SEQUENCE_NUMBER`.
#[test]
fn a_dropped_request_breaks_its_connection_and_the_requests_behind_it_are_retried_in_order() {
    let s = ScenarioBuilder::new("broken-connection")
        .seed(5)
        .producer(6, |p| {
            p.interval_ms = 2;
            p.request_timeout_ms = 500;
        })
        .at(
            0,
            Action::DropNext {
                from: NodeId::Producer(1),
                to: NodeId::Broker(1),
                kind: MessageKind::ProduceRequest,
            },
        )
        .build()
        .unwrap();
    let mut sim = Simulation::new(&s);
    sim.run_to_end();
    let report = OutcomeReport::from_simulation(&sim, "t", 5);
    let trace = sim.take_trace();
    let lost_requests = trace
        .iter()
        .filter(|e| {
            matches!(
                e.what,
                TraceKind::Flight {
                    kind: MessageKind::ProduceRequest,
                    lost: true,
                    ..
                }
            )
        })
        .count();
    assert!(
        lost_requests >= 2,
        "the dropped request and at least one behind it: {lost_requests}"
    );
    let timed_out_at: Vec<u64> = trace
        .iter()
        .filter_map(|e| match &e.what {
            TraceKind::ProduceFailed {
                error: kafkascope_engine::message::KafkaError::RequestTimedOut,
                ..
            } => Some(e.at.as_micros()),
            _ => None,
        })
        .collect();
    assert!(timed_out_at.len() >= 2, "{timed_out_at:?}");
    assert!(
        timed_out_at.iter().all(|t| *t == timed_out_at[0]),
        "one timeout closes the connection and fails every request on it: {timed_out_at:?}"
    );
    assert!(!trace.iter().any(|e| matches!(
        e.what,
        TraceKind::ProduceFailed {
            error: kafkascope_engine::message::KafkaError::OutOfOrderSequenceNumber,
            ..
        }
    )));
    assert_eq!(report.acknowledged, 6);
    assert_eq!(report.committed_in_log, 6);
    assert_eq!(report.duplicates_in_log, 0);
    assert_eq!(report.reordered, 0);
}
