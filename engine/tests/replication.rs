//! Replication, leader election and acks: the shipped scenarios give Kafka's outcomes, and the
//! trace shows how (election, truncation, refusals).

use kafkascope_engine::message::KafkaError;
use kafkascope_engine::run::run_scenario;
use kafkascope_engine::sim::EndReason;
use kafkascope_engine::{NodeId, OutcomeReport, Scenario, Simulation, TraceEvent, TraceKind};

fn load(name: &str) -> Scenario {
    let path = format!("{}/../scenarios/{name}.toml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    Scenario::from_toml(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn run_with_trace(name: &str) -> (OutcomeReport, Vec<TraceEvent>) {
    let scenario = load(name);
    let mut sim = Simulation::new(&scenario);
    let mut trace = Vec::new();
    while sim.step() {
        trace.extend(sim.take_trace());
    }
    trace.extend(sim.take_trace());
    (
        OutcomeReport::from_simulation(&sim, name, scenario.seed),
        trace,
    )
}

#[test]
fn acks_one_loses_acknowledged_records_when_the_leader_fails_before_followers_fetch() {
    let (report, trace) = run_with_trace("acks-1-failover-loss");
    assert_eq!(report.acknowledged, 6);
    assert_eq!(
        report.lost_acknowledged, 3,
        "the three records only broker 1 had"
    );
    assert_eq!(
        report.committed_then_truncated, 0,
        "they were never committed"
    );
    assert_eq!(report.end_reason, EndReason::Settled);
    // The controller fenced broker 1 after broker.session.timeout.ms and elected broker 2 cleanly.
    let election = trace
        .iter()
        .find_map(|e| match &e.what {
            TraceKind::LeaderElected {
                leader,
                unclean,
                leader_epoch,
                ..
            } => Some((e.at, *leader, *unclean, *leader_epoch)),
            _ => None,
        })
        .expect("an election");
    assert_eq!(election.1, Some(NodeId::Broker(2)));
    assert!(!election.2);
    assert_eq!(election.3, 1);
    assert!(
        election.0.as_micros() >= 9_000_000,
        "not before broker.session.timeout.ms: {}",
        election.0
    );
    // Broker 1 came back and truncated exactly the acknowledged-but-unreplicated records.
    let truncated: Vec<String> = trace
        .iter()
        .filter_map(|e| match &e.what {
            TraceKind::Truncated {
                broker, records, ..
            } if *broker == NodeId::Broker(1) => {
                Some(records.iter().map(ToString::to_string).collect::<Vec<_>>())
            }
            _ => None,
        })
        .flatten()
        .collect();
    assert_eq!(truncated, vec!["p1#3", "p1#4", "p1#5"]);
}

#[test]
fn acks_all_keeps_every_acknowledged_record_through_the_same_failover() {
    let (report, trace) = run_with_trace("acks-all-failover-safe");
    assert_eq!(report.acknowledged, 6);
    assert_eq!(report.lost_acknowledged, 0);
    assert_eq!(report.committed_in_log, 6);
    assert_eq!(
        report.duplicates_in_log, 0,
        "the unacknowledged copies were truncated"
    );
    // The producer timed out on broker 1 and retried at the new leader.
    assert!(trace.iter().any(|e| matches!(
        &e.what,
        TraceKind::ProduceFailed {
            error: KafkaError::RequestTimedOut,
            retrying: true,
            ..
        }
    )));
    // The idempotent producer (Kafka's default with acks=all) keeps each partition's order
    // through the retries: its sequence numbers let no later batch in ahead of an earlier one.
    assert_eq!(report.reordered, 0);
}

#[test]
fn min_insync_replicas_refuses_writes_it_could_lose() {
    let (report, trace) = run_with_trace("min-isr-not-enough-replicas");
    assert_eq!(report.lost_acknowledged, 0);
    assert!(
        report.failed > 0,
        "the producer gave up after delivery.timeout.ms"
    );
    assert_eq!(report.acknowledged + report.failed, report.produced);
    assert!(trace.iter().any(|e| matches!(
        &e.what,
        TraceKind::ProduceFailed {
            error: KafkaError::NotEnoughReplicas,
            ..
        }
    )));
    // The ISR shrank to the leader alone.
    assert!(trace
        .iter()
        .any(|e| matches!(&e.what, TraceKind::IsrChanged { isr, .. } if isr == &vec![1])));
}

#[test]
fn unclean_election_loses_committed_acknowledged_records() {
    let (report, trace) = run_with_trace("unclean-election-loss");
    assert_eq!(
        report.lost_acknowledged, 4,
        "the records committed by broker 1 alone"
    );
    assert_eq!(report.committed_then_truncated, report.lost_acknowledged);
    assert!(trace.iter().any(|e| matches!(
        &e.what,
        TraceKind::LeaderElected {
            unclean: true,
            leader: Some(NodeId::Broker(2)),
            ..
        }
    )));
}

#[test]
fn clean_election_leaves_the_partition_offline_and_loses_nothing() {
    let (report, trace) = run_with_trace("clean-election-offline");
    assert_eq!(report.lost_acknowledged, 0);
    assert_eq!(report.committed_then_truncated, 0);
    assert_eq!(report.committed_in_log, 6);
    assert!(
        report.unavailable_us >= 5_000_000,
        "offline from the fencing until broker 1 returns: {} µs",
        report.unavailable_us
    );
    assert!(trace
        .iter()
        .any(|e| matches!(&e.what, TraceKind::LeaderElected { leader: None, .. })));
}

#[test]
fn the_same_runs_agree_with_the_headless_runner() {
    for name in [
        "acks-1-failover-loss",
        "acks-all-failover-safe",
        "min-isr-not-enough-replicas",
        "unclean-election-loss",
        "clean-election-offline",
    ] {
        let (stepped, _) = run_with_trace(name);
        let mut headless = run_scenario(&load(name), false);
        headless.scenario = name.to_string();
        assert_eq!(stepped, headless, "{name}");
    }
}

#[test]
fn lesson_one_fails_over_cleanly_and_delivers_every_record_once() {
    let (report, trace) = run_with_trace("lesson-1-replication");
    assert_eq!(report.produced, 8);
    assert_eq!(report.acknowledged, 8);
    assert_eq!(report.lost_acknowledged, 0);
    assert_eq!(report.duplicates_in_log, 0);
    assert_eq!(report.groups[0].consumed, 8);
    assert_eq!(report.groups[0].not_processed, 0);
    let elected: Vec<_> = trace
        .iter()
        .filter_map(|e| match &e.what {
            TraceKind::LeaderElected {
                leader,
                leader_epoch,
                ..
            } => Some((*leader, *leader_epoch)),
            _ => None,
        })
        .collect();
    assert_eq!(elected, vec![(Some(NodeId::Broker(2)), 1)]);
    // Broker 1 rejoined the ISR after its restart.
    assert!(trace
        .iter()
        .any(|e| matches!(&e.what, TraceKind::IsrChanged { isr, .. } if isr == &vec![1, 2, 3])));
}
