//! Property tests for transactions over random fault schedules (seeded; proptest prints the
//! failing case): crashes and restarts of brokers (the transaction coordinator's among them) and
//! of the producer, producer pauses (zombies) with a second instance of the same
//! `transactional.id`, and dropped produce answers, EndTxn answers and transaction markers.
//!
//! What must hold every time, with transactions, acks=all and read_committed (KIP-98):
//! - a read_committed group never processes a record that is not committed (aborted, or in a
//!   transaction still open);
//! - no record is visible twice (unless the producer process restarted: an application that
//!   crashed after its EndTxn committed redoes the transaction), and no acknowledged record is
//!   lost;
//! - the last stable offset never passes the first offset of an open transaction;
//! - a commit is only ever decided for the producer epoch the coordinator last handed out to a
//!   running, unfenced instance;
//! - at the end every transaction is complete and every committed record reached the
//!   read_committed group.
//!
//! And the unsafe variant is *found* to fail by the same check: a read_uncommitted group reads
//! aborted records.

use kafkascope_engine::check::fates::Fate;
use kafkascope_engine::check::invariants::InvariantChecker;
use kafkascope_engine::coordinator::txn::TxnState;
use kafkascope_engine::message::MessageKind;
use kafkascope_engine::scenario::{IsolationLevel, OffsetReset, ScenarioBuilder};
use kafkascope_engine::sim::EndReason;
use kafkascope_engine::{Action, NodeId, OutcomeReport, Scenario, Simulation, TraceKind};
use proptest::prelude::*;
use std::collections::BTreeMap;

/// One fault of a schedule, at a time in ms.
#[derive(Clone, Debug)]
enum Fault {
    CrashAndRestartBroker { broker: u32, down_ms: u64 },
    CrashAndRestartProducer { down_ms: u64 },
    PauseProducer { by_ms: u64 },
    Drop(MessageKind),
}

fn fault() -> impl Strategy<Value = Fault> {
    prop_oneof![
        (1u32..=3, 200u64..12_000)
            .prop_map(|(broker, down_ms)| Fault::CrashAndRestartBroker { broker, down_ms }),
        (50u64..3_000).prop_map(|down_ms| Fault::CrashAndRestartProducer { down_ms }),
        (100u64..4_000).prop_map(|by_ms| Fault::PauseProducer { by_ms }),
        prop_oneof![
            Just(MessageKind::ProduceResponse),
            Just(MessageKind::EndTxnResponse),
            Just(MessageKind::WriteTxnMarkersRequest),
            Just(MessageKind::AddPartitionsToTxnResponse),
        ]
        .prop_map(Fault::Drop),
    ]
}

/// Three brokers, two partitions, a transactional producer (and, with `second_instance`, a
/// later one with the same `transactional.id`), a read_committed and a read_uncommitted group.
fn scenario(
    seed: u64,
    aborts: &[u32],
    second_instance: Option<u64>,
    faults: &[(u64, Fault)],
) -> Scenario {
    let mut b = ScenarioBuilder::new("transaction-properties")
        .seed(seed)
        .brokers(3)
        .topic(|t| {
            t.partitions = 2;
            t.replication_factor = 3;
            t.min_insync_replicas = 2;
        })
        .cluster(|c| c.group_initial_rebalance_delay_ms = 0)
        .producer(16, |p| {
            p.interval_ms = 20;
            p.request_timeout_ms = 500;
            p.delivery_timeout_ms = 60_000;
            p.transactional_id = Some("tx".into());
            p.transaction_timeout_ms = 10_000;
            p.records_per_transaction = 4;
            p.abort_transactions = aborts.to_vec();
        });
    if let Some(start_ms) = second_instance {
        b = b.producer(8, |p| {
            p.interval_ms = 20;
            p.start_ms = start_ms;
            p.request_timeout_ms = 500;
            p.transactional_id = Some("tx".into());
            p.transaction_timeout_ms = 10_000;
            p.records_per_transaction = 4;
        });
    }
    b = b
        .consumer("committed-readers", |c| {
            c.isolation_level = IsolationLevel::ReadCommitted;
            c.auto_offset_reset = OffsetReset::Earliest;
            c.request_timeout_ms = 500;
        })
        .consumer("uncommitted-readers", |c| {
            c.auto_offset_reset = OffsetReset::Earliest;
            c.request_timeout_ms = 500;
        })
        .max_time_ms(400_000);
    let producer = NodeId::Producer(1);
    for (at, f) in faults {
        match f {
            Fault::CrashAndRestartBroker { broker, down_ms } => {
                let broker = NodeId::Broker(*broker);
                b = b
                    .at(*at, Action::CrashBroker { broker })
                    .at(at + down_ms, Action::RestartBroker { broker });
            }
            Fault::CrashAndRestartProducer { down_ms } => {
                b = b
                    .at(*at, Action::CrashProducer { producer })
                    .at(at + down_ms, Action::RestartProducer { producer });
            }
            Fault::PauseProducer { by_ms } => {
                b = b.at(
                    *at,
                    Action::PauseProducer {
                        producer,
                        by_ms: *by_ms,
                    },
                );
            }
            Fault::Drop(kind) => {
                // `tx` is coordinated by broker 2 (its __transaction_state partition's first
                // replica); P0 is led by broker 1.
                let (from, to) = match kind {
                    MessageKind::ProduceResponse => (NodeId::Broker(1), producer),
                    MessageKind::WriteTxnMarkersRequest => (NodeId::Broker(2), NodeId::Broker(1)),
                    _ => (NodeId::Broker(2), producer),
                };
                b = b.at(
                    *at,
                    Action::DropNext {
                        from,
                        to,
                        kind: *kind,
                    },
                );
            }
        }
    }
    b.build().unwrap()
}

/// Runs `s` to its end, checking the LSO and the commit decisions as it goes; returns the world.
fn run_checked(s: &Scenario) -> Result<Simulation, TestCaseError> {
    let mut sim = Simulation::new(s);
    // The epoch each producer last got, and which are fenced.
    let mut epochs: BTreeMap<NodeId, (i64, i16)> = BTreeMap::new();
    let mut fenced: Vec<NodeId> = Vec::new();
    let mut steps = 0u64;
    let mut checker = InvariantChecker::default();
    while sim.step() {
        steps += 1;
        for e in sim.take_trace() {
            match e.what {
                TraceKind::ProducerIdAssigned {
                    producer,
                    producer_id,
                    producer_epoch,
                } => {
                    epochs.insert(producer, (producer_id, producer_epoch));
                }
                TraceKind::ProducerFenced { producer, .. } => fenced.push(producer),
                TraceKind::TxnStateChanged {
                    state: TxnState::PrepareCommit,
                    producer_id,
                    producer_epoch,
                    ..
                } => {
                    let holder = epochs
                        .iter()
                        .find(|(_, e)| **e == (producer_id, producer_epoch))
                        .map(|(p, _)| *p);
                    prop_assert!(
                        holder.is_some_and(|p| !fenced.contains(&p)),
                        "a commit decided for PID {producer_id} epoch {producer_epoch}, held by {holder:?} (fenced: {fenced:?})"
                    );
                }
                _ => {}
            }
        }
        // The engine's own invariants after every step, the LSO's among them.
        if let Err(v) = checker.check(&sim) {
            return Err(TestCaseError::fail(format!("step {steps}: {v}")));
        }
    }
    Ok(sim)
}

fn group<'r>(
    report: &'r OutcomeReport,
    name: &str,
) -> &'r kafkascope_engine::check::report::GroupOutcome {
    report.groups.iter().find(|g| g.group == name).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn read_committed_never_sees_an_aborted_or_open_record_and_nothing_is_visible_twice(
        seed in 0u64..1_000,
        aborts in proptest::collection::vec(0u32..4, 0..3),
        second_instance in proptest::option::of(100u64..2_000),
        faults in proptest::collection::vec((0u64..1_500, fault()), 0..4),
    ) {
        let s = scenario(seed, &aborts, second_instance, &faults);
        let sim = run_checked(&s)?;
        let report = OutcomeReport::from_simulation(&sim, &s.name, s.seed);
        prop_assert_eq!(sim.ended().map(|(_, r)| r), Some(EndReason::Settled), "{:?}", report);
        let rc = group(&report, "committed-readers");
        prop_assert_eq!(rc.aborted_read, 0);
        // A restarted application redoes the transaction it had not seen end: if its EndTxn had
        // in fact committed (the answer lost with the crash), that is a duplicate neither
        // idempotence nor transactions can prevent for a producer alone (the consumed offsets
        // in the transaction are what consume-transform-produce adds). Without a producer
        // restart there is none.
        let restarts = faults
            .iter()
            .any(|(_, f)| matches!(f, Fault::CrashAndRestartProducer { .. }));
        if !restarts {
            prop_assert_eq!(report.duplicates_in_log, 0);
        }
        prop_assert_eq!(report.lost_acknowledged, 0);
        prop_assert_eq!(report.in_open_transaction, 0);
        for t in sim.transactions().transactions().values() {
            prop_assert!(matches!(t.state, TxnState::Empty | TxnState::CompleteCommit | TxnState::CompleteAbort));
        }
        // Every record the read_committed group processed is committed; every committed record
        // reached it exactly once.
        let fates = sim.fates();
        let rc_consumer = sim
            .consumer_processes()
            .iter()
            .find(|c| c.client().group() == "committed-readers")
            .unwrap();
        for p in rc_consumer.app().processed().iter() {
            prop_assert_eq!(fates.fate(p.record), Some(Fate::Committed), "{} processed", p.record);
        }
        // (Processed *once* is not promised: a plain consumer that loses its group coordinator
        // re-reads from its last committed offset — at-least-once, until consume-transform-produce
        // commits offsets inside the transaction.)
        prop_assert_eq!(rc.consumed, report.committed_in_log);
    }
}

/// The same checks find the unsafe reader: a read_uncommitted group reads aborted records.
#[test]
fn read_uncommitted_is_found_reading_aborted_records() {
    let s = scenario(7, &[1], None, &[]);
    let sim = run_checked(&s).unwrap();
    let report = OutcomeReport::from_simulation(&sim, &s.name, s.seed);
    assert_eq!(group(&report, "committed-readers").aborted_read, 0);
    assert_eq!(group(&report, "uncommitted-readers").aborted_read, 4);
}
