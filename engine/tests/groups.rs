//! Consumer groups: membership, assignment, rebalances, commits and their anomalies, asserted
//! exactly on the engine's outcome and trace.

mod common;

use common::{run, scenario};
use kafkascope_engine::assignor::AssignmentStrategy;
use kafkascope_engine::group_coordinator::GroupState;
use kafkascope_engine::message::KafkaError;
use kafkascope_engine::scenario::{OffsetReset, ScenarioBuilder};
use kafkascope_engine::sim::EndReason;
use kafkascope_engine::trace::RebalanceReason;
use kafkascope_engine::{NodeId, Simulation, TraceEvent, TraceKind};

/// One broker, `partitions` partitions, a keyed producer of `records` records every 20 ms, and
/// `consumers` members of group `g` (earliest, `processing_ms` each); `consumer_extra` is added to
/// every consumer, `extra` at the end. Timeouts shortened for the test (lessons do the same).
fn group(
    partitions: u32,
    records: u32,
    consumers: u32,
    consumer_extra: &str,
    extra: &str,
) -> String {
    group_with_producer(
        partitions,
        records,
        consumers,
        "interval_ms = 20",
        consumer_extra,
        extra,
    )
}

/// [`group`] with the producer's timing and settings given (`interval_ms = …` and more).
fn group_with_producer(
    partitions: u32,
    records: u32,
    consumers: u32,
    producer: &str,
    consumer_extra: &str,
    extra: &str,
) -> String {
    let mut s = format!(
        r#"
name = "groups"
seed = 7
[cluster]
brokers = 1
"group.initial.rebalance.delay.ms" = 100
[topic]
name = "orders"
partitions = {partitions}
[[producers]]
records = {records}
{producer}
keys = 16
"#
    );
    // 10 ms per record unless the test sets its own.
    let processing = if consumer_extra.contains("processing_ms") {
        ""
    } else {
        "processing_ms = 10\n"
    };
    for _ in 0..consumers {
        s.push_str(&format!(
            r#"
[[consumers]]
"group.id" = "g"
"auto.offset.reset" = "earliest"
"session.timeout.ms" = 3000
"heartbeat.interval.ms" = 1000
"request.timeout.ms" = 2000
{processing}{consumer_extra}
"#
        ));
    }
    s.push_str(extra);
    s
}

fn trace_of(toml: &str) -> (Simulation, Vec<TraceEvent>) {
    let mut sim = Simulation::new(&scenario(toml));
    let mut trace = Vec::new();
    while sim.step() {
        trace.extend(sim.take_trace());
    }
    trace.extend(sim.take_trace());
    (sim, trace)
}

/// Partitions per member consumer, in member order.
type Assignment = Vec<(u32, Vec<u16>)>;

/// The assignments of every stable generation, in order.
fn stable_generations(trace: &[TraceEvent]) -> Vec<(u32, Assignment)> {
    trace
        .iter()
        .filter_map(|e| match &e.what {
            TraceKind::GroupStable {
                generation,
                assignment,
                ..
            } => Some((
                *generation,
                assignment
                    .iter()
                    .map(|(m, p)| (m.consumer, p.clone()))
                    .collect(),
            )),
            _ => None,
        })
        .collect()
}

#[test]
fn range_gives_each_member_its_own_partitions_and_leaves_an_extra_member_idle() {
    let toml = group(2, 40, 3, "\"enable.auto.commit\" = false", "");
    let (sim, trace) = trace_of(&toml);
    // The initial delay gathers all three into the first generation.
    assert_eq!(
        stable_generations(&trace),
        vec![(1, vec![(1, vec![0]), (2, vec![1]), (3, vec![])])]
    );
    // Each partition was read by exactly one member.
    for c in sim.consumer_processes() {
        let parts: std::collections::BTreeSet<u16> = c
            .app()
            .processed()
            .iter()
            .map(|p| p.partition.partition)
            .collect();
        match c.id().number() {
            1 => assert_eq!(parts, [0].into()),
            2 => assert_eq!(parts, [1].into()),
            _ => assert!(parts.is_empty(), "the third member is idle"),
        }
    }
    let report = run(&toml);
    let g = &report.groups[0];
    assert_eq!(
        (
            g.consumed,
            g.processed_more_than_once,
            g.not_processed,
            g.lag
        ),
        (40, 0, 0, 0)
    );
    assert_eq!(report.end_reason, EndReason::Settled);
}

#[test]
fn round_robin_deals_partitions_in_turn() {
    let toml = group(
        5,
        10,
        2,
        "\"partition.assignment.strategy\" = \"roundrobin\"",
        "",
    );
    let (_, trace) = trace_of(&toml);
    assert_eq!(
        stable_generations(&trace)[0].1,
        vec![(1, vec![0, 2, 4]), (2, vec![1, 3])]
    );
}

#[test]
fn a_killed_member_is_removed_after_the_session_timeout_and_its_partition_moves() {
    let toml = group(
        2,
        200,
        2,
        "\"enable.auto.commit\" = false",
        "[[script]]\nat_ms = 1500\naction = \"kill_consumer\"\nconsumer = \"consumer-2\"\n",
    );
    let (sim, trace) = trace_of(&toml);
    let removed: Vec<_> = trace
        .iter()
        .filter_map(|e| match &e.what {
            TraceKind::MemberRemoved { member, reason, .. } => {
                Some((e.at, member.consumer, reason))
            }
            _ => None,
        })
        .collect();
    assert_eq!(removed.len(), 1);
    let (at, consumer, reason) = removed[0];
    assert_eq!((consumer, reason), (2, &RebalanceReason::SessionTimeout));
    // Not before session.timeout.ms of silence (the last heartbeat was at most 1 s before the kill).
    let ms = at.as_micros() / 1000;
    assert!((1500 + 2000..=1500 + 3000 + 1).contains(&ms), "{at:?}");
    let gens = stable_generations(&trace);
    assert_eq!(gens.last().unwrap().1, vec![(1, vec![0, 1])]);
    // Manual commit after in-loop processing: nothing lost.
    let report = run(&toml);
    assert_eq!(report.groups[0].not_processed, 0);
    assert_eq!(report.groups[0].consumed, 200);
    assert!(!sim.consumer_is_up(2));
}

#[test]
fn hand_off_processing_with_auto_commit_loses_records_when_the_consumer_dies() {
    // The worker is slow (50 ms a record); poll() keeps fetching and auto-commit commits positions
    // of records still queued for the worker. The process dies; the restarted one starts from
    // the committed offset, past records nobody processed.
    let styled = |style: &str| {
        group(
            1,
            100,
            1,
            &format!(
                "processing = \"{style}\"\nprocessing_ms = 50\n\"auto.commit.interval.ms\" = 500"
            ),
            "[[script]]\nat_ms = 2500\naction = \"kill_consumer\"\nconsumer = \"consumer-1\"\n\
             [[script]]\nat_ms = 3000\naction = \"restart_consumer\"\nconsumer = \"consumer-1\"\n",
        )
    };
    let report = run(&styled("hand_off"));
    let g = &report.groups[0];
    assert!(
        g.not_processed > 0,
        "records committed but never processed: {g:?}"
    );
    assert_eq!(g.lag, 0);
    // The same run with the loop processing inside the poll loop loses nothing.
    let in_loop = run(&styled("in_loop"));
    assert_eq!(
        in_loop.groups[0].not_processed, 0,
        "{:?}",
        in_loop.groups[0]
    );
}

#[test]
fn manual_commit_after_processing_duplicates_when_the_consumer_dies_before_committing() {
    // Batches of up to 20 records, 100 ms each, commitSync after the batch: the kill lands in the
    // middle of a batch, so the records processed in it were never committed.
    let toml = group(
        1,
        60,
        1,
        "\"enable.auto.commit\" = false\n\"max.poll.records\" = 20\nprocessing_ms = 100",
        "[[script]]\nat_ms = 1750\naction = \"kill_consumer\"\nconsumer = \"consumer-1\"\n\
         [[script]]\nat_ms = 2000\naction = \"restart_consumer\"\nconsumer = \"consumer-1\"\n",
    );
    let report = run(&toml);
    let g = &report.groups[0];
    assert_eq!(g.not_processed, 0, "{g:?}");
    assert!(g.processed_more_than_once > 0, "{g:?}");
    assert_eq!(g.consumed, 60);
}

#[test]
fn a_stalled_member_is_evicted_and_its_late_commit_is_rejected() {
    // A GC pause longer than session.timeout.ms: the coordinator removes the member; when it
    // wakes up and commits the batch it processed, the coordinator refuses (CommitFailedException)
    // and the new owner processes those records again.
    let toml = group(
        1,
        60,
        2,
        "\"enable.auto.commit\" = false\n\"max.poll.records\" = 1\nprocessing_ms = 100",
        // Mid-record, so the record's end comes before the next heartbeat when it wakes.
        "[[script]]\nat_ms = 1050\naction = \"pause_consumer\"\nconsumer = \"consumer-1\"\nby_ms = 5000\n",
    );
    let (_, trace) = trace_of(&toml);
    let rejected: Vec<_> = trace
        .iter()
        .filter_map(|e| match &e.what {
            TraceKind::OffsetCommitRejected { member, error, .. } => {
                Some((member.consumer, *error))
            }
            _ => None,
        })
        .collect();
    assert!(
        rejected.iter().any(|(c, e)| *c == 1
            && matches!(
                e,
                KafkaError::UnknownMemberId | KafkaError::IllegalGeneration
            )),
        "{rejected:?}"
    );
    assert!(trace.iter().any(|e| matches!(
        &e.what,
        TraceKind::CommitFailed {
            consumer: NodeId::Consumer(1),
            error: Some(_),
            ..
        }
    )));
    let report = run(&toml);
    assert!(report.groups[0].processed_more_than_once > 0);
    assert_eq!(report.groups[0].not_processed, 0);
}

#[test]
fn processing_longer_than_max_poll_interval_makes_the_member_leave() {
    let toml = group(
        2,
        40,
        2,
        "\"enable.auto.commit\" = false\n\"max.poll.records\" = 10\n\"max.poll.interval.ms\" = 2000\nprocessing_ms = 300\nstart_ms = 1000",
        "",
    );
    let (_, trace) = trace_of(&toml);
    assert!(trace
        .iter()
        .any(|e| matches!(&e.what, TraceKind::PollTimeoutExpired { .. })));
    assert!(trace.iter().any(|e| matches!(
        &e.what,
        TraceKind::MemberRemoved {
            reason: RebalanceReason::MemberLeft,
            ..
        }
    )));
    // Its commit after the batch is refused locally: it is no longer in the group.
    assert!(trace
        .iter()
        .any(|e| matches!(&e.what, TraceKind::CommitFailed { error: None, .. })));
}

#[test]
fn cooperative_sticky_moves_only_what_changes_and_keeps_the_first_member_consuming() {
    let toml = group(
        4,
        200,
        2,
        "\"partition.assignment.strategy\" = \"cooperative-sticky\"\n\"enable.auto.commit\" = false",
        "",
    );
    // The second member starts later than the first generation.
    let mut lines: Vec<String> = toml.lines().map(str::to_string).collect();
    let second = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.as_str() == "[[consumers]]")
        .nth(1)
        .unwrap()
        .0;
    lines.insert(second + 1, "start_ms = 1000".into());
    let toml = lines.join("\n");
    let (_, trace) = trace_of(&toml);
    let gens = stable_generations(&trace);
    assert_eq!(
        gens,
        vec![
            (1, vec![(1, vec![0, 1, 2, 3])]),
            // The transfer waits: member 1 keeps 0 and 1, nobody has 2 and 3 yet.
            (2, vec![(1, vec![0, 1]), (2, vec![])]),
            (3, vec![(1, vec![0, 1]), (2, vec![2, 3])]),
        ]
    );
    let revoked: Vec<Vec<u16>> = trace
        .iter()
        .filter_map(|e| match &e.what {
            TraceKind::PartitionsRevoked { partitions, .. } => Some(partitions.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        revoked,
        vec![vec![2, 3]],
        "only the moving partitions are revoked"
    );
    let report = run(&toml);
    assert_eq!(report.groups[0].not_processed, 0);
    assert_eq!(report.groups[0].consumed, 200);
}

#[test]
fn the_coordinator_moves_when_its_broker_fails_and_committed_offsets_survive() {
    let toml = r#"
name = "coordinator-move"
seed = 3
[cluster]
brokers = 3
"group.initial.rebalance.delay.ms" = 0
[topic]
name = "orders"
partitions = 1
"replication.factor" = 3
"min.insync.replicas" = 2
[[producers]]
records = 100
interval_ms = 50
[[consumers]]
"group.id" = "g"
"auto.offset.reset" = "earliest"
"enable.auto.commit" = false
"request.timeout.ms" = 2000
"#;
    let first = kafkascope_engine::group_coordinator::offsets_partition_replicas("g", 3)[0];
    let toml = format!(
        "{toml}[[script]]\nat_ms = 2000\naction = \"crash_broker\"\nbroker = \"broker-{first}\"\n"
    );
    let (sim, trace) = trace_of(&toml);
    let moved: Vec<_> = trace
        .iter()
        .filter_map(|e| match &e.what {
            TraceKind::CoordinatorMoved { coordinator, .. } => Some(*coordinator),
            _ => None,
        })
        .collect();
    assert_eq!(moved.len(), 1);
    assert_ne!(moved[0], Some(NodeId::Broker(first)));
    let g = sim.groups().group("g").unwrap();
    assert_eq!(g.coordinator.map(NodeId::Broker), moved[0]);
    assert_eq!(g.state, GroupState::Stable);
    // The group kept its generation: no rebalance was needed.
    assert_eq!(g.generation, 1);
    let report = run(&toml);
    assert_eq!(report.groups[0].consumed, 100);
    assert_eq!(report.groups[0].lag, 0);
    assert_eq!(report.groups[0].processed_more_than_once, 0);
}

#[test]
fn two_groups_read_the_same_records_independently() {
    let report = common::run_built(
        ScenarioBuilder::new("two-groups")
            .topic(|t| t.partitions = 2)
            .producer(30, |p| {
                p.interval_ms = 20;
                p.keys = 16;
            })
            .consumer("g", |c| c.auto_offset_reset = OffsetReset::Earliest)
            .consumer("other", |c| c.auto_offset_reset = OffsetReset::Earliest),
    );
    assert_eq!(report.groups.len(), 2);
    for g in &report.groups {
        assert_eq!((g.consumed, g.not_processed, g.lag), (30, 0, 0), "{g:?}");
    }
}

#[test]
fn members_of_one_group_must_share_an_assignment_strategy() {
    let err = ScenarioBuilder::new("strategies")
        .producer(1, |_| {})
        .consumer("g", |c| {
            c.assignment_strategy = AssignmentStrategy::RoundRobin
        })
        .consumer("g", |_| {})
        .build()
        .unwrap_err();
    assert!(
        err.to_string().contains("INCONSISTENT_GROUP_PROTOCOL"),
        "{err}"
    );
}

#[test]
fn retention_deletes_unread_records_and_a_consumer_behind_the_log_start_resets() {
    let path = format!(
        "{}/../scenarios/retention-deletes-unread.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    let toml = std::fs::read_to_string(path).unwrap();
    let (_, trace) = trace_of(&toml);
    let report = run(&toml);
    // Retention deleted committed records: expired, not lost writes.
    assert!(report.expired > 0);
    assert_eq!(report.lost_acknowledged, 0);
    let group = |name: &str| report.groups.iter().find(|g| g.group == name).unwrap();
    assert_eq!(
        (group("live").consumed, group("live").not_processed),
        (40, 0)
    );
    // The late group starts at the log start: everything retention deleted before, it never saw.
    let late = group("nightly-report");
    assert_eq!(late.consumed + late.not_processed, 40);
    assert!(late.not_processed > 0);
    // The stalled group's position fell below the log start: OFFSET_OUT_OF_RANGE, then a reset.
    let resets: Vec<u64> = trace
        .iter()
        .filter_map(|e| match &e.what {
            TraceKind::OffsetReset {
                consumer: NodeId::Consumer(3),
                offset,
                ..
            } => Some(*offset),
            _ => None,
        })
        .collect();
    assert_eq!(resets.len(), 2, "{resets:?}");
    assert!(resets[1] > 0, "reset past the deleted records");
    let slow = group("slow");
    assert!(slow.not_processed > 0);
    assert_eq!(slow.consumed + slow.not_processed, 40);
}

#[test]
fn added_partitions_move_keys_and_rebalance_the_group_and_removing_them_is_refused() {
    let toml = group_with_producer(
        2,
        200,
        2,
        "interval_ms = 50\n\"metadata.max.age.ms\" = 1000",
        "\"enable.auto.commit\" = false\n\"metadata.max.age.ms\" = 1000",
        "[[script]]\nat_ms = 3000\naction = \"create_partitions\"\ncount = 3\n\
         [[script]]\nat_ms = 5000\naction = \"create_partitions\"\ncount = 2\n",
    );
    let (sim, trace) = trace_of(&toml);
    let created: Vec<_> = trace
        .iter()
        .filter_map(|e| match &e.what {
            TraceKind::PartitionsCreated {
                from,
                to,
                moved_keys,
                ..
            } => Some((*from, *to, moved_keys.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(created.len(), 1);
    let (from, to, moved) = &created[0];
    assert_eq!((*from, *to), (2, 3));
    assert!(!moved.is_empty(), "some keys map to another partition");
    assert!(moved.iter().all(|(_, old, new)| *new <= 2 && old != new));
    let refused: Vec<_> = trace
        .iter()
        .filter_map(|e| match &e.what {
            TraceKind::PartitionChangeRefused { reason, .. } => Some(reason.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        refused,
        vec!["Topic currently has 3 partitions, which is higher than the requested 2.".to_string()]
    );
    // The producer learned of P2 (metadata.max.age.ms) and wrote to it; the group rebalanced and
    // someone owns and reads it.
    assert_eq!(sim.partitions().len(), 3);
    let p2 = sim.leader_replica(kafkascope_engine::TopicPartition {
        topic: 0,
        partition: 2,
    });
    assert!(p2.is_some_and(|r| r.log.log_end_offset() > 0));
    let last = stable_generations(&trace).pop().unwrap();
    let owned: usize = last.1.iter().map(|(_, p)| p.len()).sum();
    assert_eq!(owned, 3);
    let report = run(&toml);
    assert_eq!(report.groups[0].consumed, 200);
    assert_eq!(report.groups[0].not_processed, 0);
    assert_eq!(report.groups[0].lag, 0);
}
