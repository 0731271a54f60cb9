//! Probes of Kafka rules the engine once got wrong, each asserted on the engine's own trace and
//! report: a quickly restarted group coordinator, an idle follower, `min.insync.replicas` above
//! the replication factor, and consumers after an unclean election (KIP-320).

use kafkascope_engine::action::Action;
use kafkascope_engine::group_coordinator::offsets_partition_replicas;
use kafkascope_engine::message::Acks;
use kafkascope_engine::run::{run_checked, RunOptions};
use kafkascope_engine::scenario::{OffsetReset, Scenario, ScenarioBuilder};
use kafkascope_engine::sim::EndReason;
use kafkascope_engine::trace::RebalanceReason;
use kafkascope_engine::{NodeId, OutcomeReport, Simulation, TraceEvent, TraceKind};

fn run_with_trace(s: &Scenario) -> (Simulation, Vec<TraceEvent>) {
    let mut sim = Simulation::new(s);
    let mut trace = Vec::new();
    let mut checker = kafkascope_engine::check::invariants::InvariantChecker::default();
    while sim.step() {
        if let Err(v) = checker.check(&sim) {
            panic!("seed {}: {v}", s.seed);
        }
        trace.extend(sim.take_trace());
    }
    (sim, trace)
}

fn report(sim: &Simulation, s: &Scenario) -> OutcomeReport {
    OutcomeReport::from_simulation(sim, &s.name, s.seed)
}

/// In Kafka, a broker that loads a group schedules a session expiry for every member, and a
/// re-registered broker stays fenced until it has caught up on metadata. A coordinator crashed
/// at 5 s and back at 6 s must still remove a member killed at 5.2 s.
#[test]
fn a_coordinator_restarted_quickly_still_removes_a_dead_member() {
    let coordinator = offsets_partition_replicas("g", 3)[0];
    let s = ScenarioBuilder::new("coordinator-restart")
        .brokers(3)
        .topic(|t| {
            t.partitions = 2;
            t.replication_factor = 3;
        })
        .cluster(|c| c.group_initial_rebalance_delay_ms = 100)
        .producer(60, |p| {
            p.interval_ms = 250;
            p.keys = 8;
        })
        .consumer("g", |c| {
            c.auto_offset_reset = OffsetReset::Earliest;
            c.session_timeout_ms = 10_000;
        })
        .consumer("g", |c| {
            c.auto_offset_reset = OffsetReset::Earliest;
            c.session_timeout_ms = 10_000;
        })
        .at(
            5_000,
            Action::CrashBroker {
                broker: NodeId::Broker(coordinator),
            },
        )
        .at(
            5_200,
            Action::KillConsumer {
                consumer: NodeId::Consumer(2),
            },
        )
        .at(
            6_000,
            Action::RestartBroker {
                broker: NodeId::Broker(coordinator),
            },
        )
        .max_time_ms(120_000)
        .build()
        .unwrap();
    let (sim, trace) = run_with_trace(&s);
    let removed = trace.iter().any(|e| {
        matches!(
            &e.what,
            TraceKind::MemberRemoved {
                reason: RebalanceReason::SessionTimeout,
                ..
            }
        )
    });
    assert!(
        removed,
        "the dead member is removed after session.timeout.ms"
    );
    let fenced_then_unfenced: Vec<&TraceEvent> = trace
        .iter()
        .filter(|e| match &e.what {
            TraceKind::BrokerFenced { broker } | TraceKind::BrokerUnfenced { broker } => {
                broker.number() == coordinator
            }
            _ => false,
        })
        .collect();
    assert_eq!(fenced_then_unfenced.len(), 2, "{fenced_then_unfenced:?}");
    assert!(
        fenced_then_unfenced[1].at > fenced_then_unfenced[0].at,
        "the restarted broker stays fenced until it has caught up, not fenced and unfenced at once"
    );
    let r = report(&sim, &s);
    assert_eq!(r.end_reason, EndReason::Settled);
    assert_eq!(r.groups[0].not_processed, 0, "{:?}", r.groups[0]);
    assert_eq!(
        r.groups[0].consumed, 60,
        "the dead member's partition is consumed"
    );
}

/// Kafka's `isCaughtUp`: a follower at the leader's log end is in sync however long since its
/// last fetch. An idle partition keeps its ISR even when a follower fetches slowly.
#[test]
fn an_idle_follower_at_the_log_end_stays_in_the_isr() {
    let s = ScenarioBuilder::new("idle-follower")
        .brokers(3)
        .topic(|t| t.replication_factor = 3)
        .cluster(|c| c.replica_lag_time_max_ms = 1_000)
        .producer(3, |p| p.interval_ms = 10)
        .at(
            500,
            Action::SlowFollower {
                broker: NodeId::Broker(2),
                by_ms: 5_000,
            },
        )
        .max_time_ms(20_000)
        .build()
        .unwrap();
    let (sim, trace) = run_with_trace(&s);
    let shrinks: Vec<&TraceEvent> = trace
        .iter()
        .filter(|e| matches!(&e.what, TraceKind::IsrChanged { isr, .. } if isr.len() < 3))
        .collect();
    assert!(shrinks.is_empty(), "idle followers dropped: {shrinks:?}");
    assert_eq!(sim.partition_meta(sim.partitions()[0]).isr.len(), 3);
}

/// ...but the same slow follower leaves the ISR once it falls behind for
/// `replica.lag.time.max.ms` (the rule is about lag, not silence).
#[test]
fn a_slow_follower_behind_the_log_end_leaves_the_isr() {
    let s = ScenarioBuilder::new("slow-follower")
        .brokers(3)
        .topic(|t| t.replication_factor = 3)
        .cluster(|c| c.replica_lag_time_max_ms = 1_000)
        .producer(40, |p| p.interval_ms = 100)
        .at(
            200,
            Action::SlowFollower {
                broker: NodeId::Broker(2),
                by_ms: 5_000,
            },
        )
        .max_time_ms(20_000)
        .build()
        .unwrap();
    let (_, trace) = run_with_trace(&s);
    assert!(trace.iter().any(|e| matches!(
        &e.what,
        TraceKind::IsrChanged { isr, .. } if !isr.contains(&2)
    )));
}

/// Kafka uses min(`min.insync.replicas`, replication factor): a topic with RF 2 and
/// `min.insync.replicas` 3 still takes acks=all writes while both replicas are in sync.
#[test]
fn min_insync_replicas_above_the_replication_factor_uses_the_replication_factor() {
    let s = ScenarioBuilder::new("min-isr-above-rf")
        .brokers(2)
        .topic(|t| {
            t.replication_factor = 2;
            t.min_insync_replicas = 3;
        })
        .producer(10, |p| p.acks = Acks::All)
        .build()
        .unwrap();
    let (sim, trace) = run_with_trace(&s);
    assert!(!trace
        .iter()
        .any(|e| matches!(&e.what, TraceKind::ProduceFailed { .. })));
    let r = report(&sim, &s);
    assert_eq!(r.acknowledged, 10);
    assert_eq!(r.committed_in_log, 10);
}

/// KIP-320: after an unclean election replaced records a consumer had read, it validates its
/// position with OffsetsForLeaderEpoch, finds the divergence, and reads the records that replaced
/// the truncated ones — instead of fetching on from its old position and skipping them.
#[test]
fn a_consumer_resets_to_the_divergence_point_after_an_unclean_election() {
    let s = ScenarioBuilder::new("kip-320")
        .seed(5)
        .brokers(2)
        .topic(|t| {
            t.replication_factor = 2;
            t.unclean_leader_election_enable = true;
        })
        .cluster(|c| {
            c.replica_lag_time_max_ms = 1_000;
            c.group_initial_rebalance_delay_ms = 100;
        })
        .producer(40, |p| {
            p.acks = Acks::Leader;
            p.interval_ms = 200;
            p.request_timeout_ms = 1_000;
        })
        .consumer("g", |c| {
            c.auto_offset_reset = OffsetReset::Earliest;
            c.request_timeout_ms = 1_000;
        })
        .at(
            300,
            Action::CutLink {
                from: NodeId::Broker(1),
                to: NodeId::Broker(2),
                one_way: false,
            },
        )
        .at(
            3_000,
            Action::CrashBroker {
                broker: NodeId::Broker(1),
            },
        )
        .at(
            3_000,
            Action::HealLink {
                from: NodeId::Broker(1),
                to: NodeId::Broker(2),
                one_way: false,
            },
        )
        .max_time_ms(60_000)
        .build()
        .unwrap();
    let (sim, trace) = run_with_trace(&s);
    let detected = trace.iter().find_map(|e| match &e.what {
        TraceKind::ConsumerTruncationDetected {
            position, reset_to, ..
        } => Some((*position, *reset_to)),
        _ => None,
    });
    let (position, reset_to) = detected.expect("the consumer finds the divergence");
    assert!(reset_to < position, "{reset_to} < {position}");
    assert!(trace
        .iter()
        .any(|e| matches!(&e.what, TraceKind::CommittedRecordsLost { .. })));
    let r = report(&sim, &s);
    assert!(r.committed_then_truncated > 0, "{r:?}");
    assert_eq!(
        r.groups[0].not_processed, 0,
        "no record that replaced a truncated one is skipped: {:?}",
        r.groups[0]
    );
    assert_eq!(r.groups[0].lag, 0);
}

/// Checking invariants after every step finds nothing wrong in any shipped scenario.
#[test]
fn every_shipped_scenario_keeps_the_invariants() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../scenarios");
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !name.ends_with(".toml") || name.starts_with("bench-") {
            continue;
        }
        let s = Scenario::from_toml(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let options = RunOptions {
            check: true,
            ..RunOptions::default()
        };
        if let Err(v) = run_checked(&s, options) {
            panic!("{name}: {v}");
        }
        checked += 1;
    }
    assert!(checked >= 15, "{checked} scenarios");
}

/// A producer application that crashes and restarts sends again what it had not seen
/// acknowledged: a record the broker had appended but whose answer died with the process lands
/// twice (a new producer process: idempotence could not tell either). A pause only delays.
#[test]
fn a_crashed_producer_resends_what_it_never_saw_acknowledged() {
    let s = ScenarioBuilder::new("producer-crash")
        .brokers(1)
        .network(20_000, 0)
        .producer(20, |p| {
            p.interval_ms = 10;
            p.enable_idempotence = Some(false);
        })
        .consumer("g", |c| c.auto_offset_reset = OffsetReset::Earliest)
        .at(
            105,
            Action::CrashProducer {
                producer: NodeId::Producer(1),
            },
        )
        .at(
            400,
            Action::RestartProducer {
                producer: NodeId::Producer(1),
            },
        )
        .max_time_ms(60_000)
        .build()
        .unwrap();
    let (sim, trace) = run_with_trace(&s);
    let r = report(&sim, &s);
    assert_eq!(r.end_reason, EndReason::Settled);
    assert_eq!(r.acknowledged, 20, "every record acknowledged in the end");
    assert!(
        r.duplicates_in_log > 0,
        "records appended before the crash were sent again: {r:?}"
    );
    assert!(trace.iter().any(|e| matches!(
        &e.what,
        TraceKind::Action {
            action: Action::RestartProducer { .. }
        }
    )));
    let paused = ScenarioBuilder::new("producer-pause")
        .producer(20, |p| p.interval_ms = 10)
        .at(
            50,
            Action::PauseProducer {
                producer: NodeId::Producer(1),
                by_ms: 1_000,
            },
        )
        .build()
        .unwrap();
    let (sim, _) = run_with_trace(&paused);
    let r = report(&sim, &paused);
    assert_eq!((r.acknowledged, r.duplicates_in_log), (20, 0));
    assert!(r.end_time_us > 1_000_000, "the stall delayed it");
}

/// Several topics: each producer writes the topic it names, a group's members get partitions
/// only of topics they subscribe to, and every group reads exactly its topics' records.
#[test]
fn two_topics_are_written_and_read_by_the_groups_that_subscribe_to_them() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../scenarios/two-topics.toml"
    ))
    .unwrap();
    let s = Scenario::from_toml(&text).unwrap();
    assert_eq!(s.topic_configs().len(), 2);
    let (sim, trace) = run_with_trace(&s);
    let r = report(&sim, &s);
    assert_eq!(r.end_reason, EndReason::Settled);
    assert_eq!((r.produced, r.committed_in_log), (18, 18));
    let g = |name: &str| r.groups.iter().find(|g| g.group == name).unwrap().clone();
    assert_eq!(g("billing").consumed, 18, "billing reads both topics");
    assert_eq!(g("audit").consumed, 6, "audit reads payments only");
    assert_eq!((g("billing").lag, g("audit").lag), (0, 0));
    // Producer 2's records all went to payments (topic 1).
    assert!(trace.iter().all(|e| match &e.what {
        TraceKind::RecordCreated {
            producer,
            partition,
            ..
        } => (producer.number() == 2) == (partition.topic == 1),
        _ => true,
    }));
    // The audit member owns only payments' partition.
    let audit = sim.consumers().find(|c| c.group() == "audit").unwrap();
    assert!(audit.assignment().iter().all(|tp| tp.topic == 1));
    assert_eq!(audit.assignment().len(), 1);
    // Billing's two members split the three partitions of both topics.
    let billing: usize = sim
        .consumers()
        .filter(|c| c.group() == "billing")
        .map(|c| c.assignment().len())
        .sum();
    assert_eq!(billing, 3);
}

#[test]
fn a_topic_named_nowhere_in_the_scenario_is_refused_with_the_topics_it_has() {
    let e = ScenarioBuilder::new("bad-topic")
        .topic(|t| t.name = "orders".into())
        .producer(1, |p| p.topic = Some("payment".into()))
        .build()
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("producers[0].topic") && e.contains("`orders`"),
        "{e}"
    );
}
