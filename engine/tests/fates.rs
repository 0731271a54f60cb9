//! The record-fate index is kept incrementally as the run goes; these tests hold it against a
//! from-scratch recount of the same definitions, read off the world's state (logs, what the
//! producers saw, what consumers processed), at many instants of every shipped scenario — and
//! check that a checkpointed timeline restores it exactly.

use kafkascope_engine::broker::Role;
use kafkascope_engine::check::fates::ProducerView;
use kafkascope_engine::log::{ControlType, LogRecord, PartitionLog};
use kafkascope_engine::producer::RecordState;
use kafkascope_engine::scenario::{OffsetReset, ScenarioBuilder};
use kafkascope_engine::{
    Action, NodeId, OutcomeReport, RecordId, Scenario, SimTime, Simulation, Timeline, TraceKind,
};
use std::collections::{BTreeMap, BTreeSet};

/// The report's record counts, recounted from the world without the index.
#[derive(Debug, PartialEq, Eq)]
struct Recount {
    acknowledged: u64,
    sent: u64,
    committed_in_log: u64,
    duplicates_in_log: u64,
    lost_acknowledged: u64,
    not_committed: u64,
    sent_not_in_log: u64,
    /// Per group: (distinct processed, processed more than once, never processed).
    groups: Vec<(u64, u64, u64)>,
}

/// Where a copy stands in its log, by the definitions of `check::fates`, worked out from the log
/// alone: a plain record is committed below the HW; a transactional one once its producer's next
/// marker after it is below the HW (COMMIT: committed, ABORT: aborted), open while below the HW
/// without one.
#[derive(Clone, Copy, PartialEq, Eq)]
enum CopyStatus {
    Committed,
    Aborted,
    OpenBelowHw,
    AboveHw,
    Control,
}

fn copy_status(log: &PartitionLog, r: &LogRecord) -> CopyStatus {
    let hw = log.high_watermark();
    let Some(batch) = log.batch_of(r.offset) else {
        return CopyStatus::AboveHw;
    };
    if batch.control.is_some() || r.id.is_control() {
        return CopyStatus::Control;
    }
    if r.offset >= hw {
        return CopyStatus::AboveHw;
    }
    if !batch.producer.transactional {
        return CopyStatus::Committed;
    }
    let marker = log.batches().find(|b| {
        b.control.is_some()
            && b.producer.producer_id == batch.producer.producer_id
            && b.base_offset > r.offset
    });
    match marker {
        Some(m) if m.base_offset < hw => {
            if m.control == Some(ControlType::Commit) {
                CopyStatus::Committed
            } else {
                CopyStatus::Aborted
            }
        }
        _ => CopyStatus::OpenBelowHw,
    }
}

/// Records that were committed in the log that counts after some step.
fn note_committed(world: &Simulation, ever: &mut BTreeSet<RecordId>) {
    for tp in world.partitions() {
        if let Some((_, log)) = world.counted_log(*tp) {
            ever.extend(
                log.records()
                    .filter(|r| copy_status(log, r) == CopyStatus::Committed)
                    .map(|r| r.id),
            );
        }
    }
}

fn recount(
    world: &Simulation,
    expired: &BTreeSet<RecordId>,
    ever_committed: &BTreeSet<RecordId>,
) -> Recount {
    // The log that counts: the controller's leader, or while offline the first ISR member.
    let mut present: BTreeMap<RecordId, u64> = BTreeMap::new();
    let mut committed: BTreeMap<RecordId, u64> = BTreeMap::new();
    let mut aborted: BTreeSet<RecordId> = BTreeSet::new();
    let mut open: BTreeSet<RecordId> = BTreeSet::new();
    let mut logs = Vec::new();
    for tp in world.partitions() {
        let Some((_, log)) = world.counted_log(*tp) else {
            continue;
        };
        for r in log.records() {
            match copy_status(log, r) {
                CopyStatus::Control => continue,
                CopyStatus::Committed => *committed.entry(r.id).or_default() += 1,
                CopyStatus::Aborted => {
                    aborted.insert(r.id);
                }
                CopyStatus::OpenBelowHw => {
                    open.insert(r.id);
                }
                CopyStatus::AboveHw => {}
            }
            *present.entry(r.id).or_default() += 1;
        }
        logs.push((*tp, log));
    }
    // A record committed once and still in the log stays committed, every copy of it, even
    // above a new leader's lagging HW (after a clean election).
    for (id, copies) in &present {
        if !committed.contains_key(id) && ever_committed.contains(id) {
            committed.insert(*id, *copies);
        }
    }
    let mut c = Recount {
        acknowledged: 0,
        sent: 0,
        committed_in_log: committed.len() as u64,
        duplicates_in_log: committed.values().map(|n| n - 1).sum(),
        lost_acknowledged: 0,
        not_committed: 0,
        sent_not_in_log: 0,
        groups: Vec::new(),
    };
    for p in world.producers() {
        for (seq, (state, _)) in p.record_states().iter().enumerate() {
            let id = RecordId {
                producer: p.id().number(),
                seq: seq as u32,
            };
            let (acked, sent) = match state {
                RecordState::Acknowledged { .. } => (true, false),
                RecordState::Sent => (false, true),
                _ => (false, false),
            };
            c.acknowledged += u64::from(acked);
            c.sent += u64::from(sent);
            let in_committed = committed.contains_key(&id);
            let in_log = present.contains_key(&id);
            let decided_elsewise = aborted.contains(&id) || open.contains(&id);
            if (acked || sent) && !in_committed && !expired.contains(&id) && !decided_elsewise {
                if in_log {
                    c.not_committed += 1;
                } else if acked {
                    c.lost_acknowledged += 1;
                } else {
                    c.sent_not_in_log += 1;
                }
            }
        }
    }
    for name in world.group_names() {
        let mut times: BTreeMap<RecordId, u64> = BTreeMap::new();
        for consumer in world
            .consumer_processes()
            .iter()
            .filter(|x| x.client().group() == name)
        {
            for p in consumer.app().processed() {
                *times.entry(p.record).or_default() += 1;
            }
        }
        let offsets = world.groups().group(name).map(|g| g.offsets.clone());
        let mut never: BTreeSet<RecordId> = BTreeSet::new();
        for (tp, log) in &logs {
            let committed_offset = offsets.as_ref().and_then(|o| o.get(tp).copied());
            let highest_processed = log
                .records()
                .filter(|r| times.contains_key(&r.id))
                .map(|r| r.offset + 1)
                .max();
            let reach = committed_offset
                .unwrap_or(0)
                .max(highest_processed.unwrap_or(0));
            for r in log.records() {
                if r.offset < reach.min(log.high_watermark())
                    && !times.contains_key(&r.id)
                    && !matches!(
                        copy_status(log, r),
                        CopyStatus::Control | CopyStatus::Aborted
                    )
                {
                    never.insert(r.id);
                }
            }
        }
        never.extend(expired.iter().filter(|id| !times.contains_key(id)));
        // Held by a running member and not processed yet: not yet processed, not lost.
        for process in world.consumer_processes() {
            if process.client().group() == name && world.is_running(process.id()) {
                for id in process.app().queued() {
                    never.remove(&id);
                }
            }
        }
        c.groups.push((
            times.len() as u64,
            times.values().filter(|n| **n > 1).count() as u64,
            never.len() as u64,
        ));
    }
    c
}

fn from_report(r: &OutcomeReport) -> Recount {
    Recount {
        acknowledged: r.acknowledged,
        sent: r.sent,
        committed_in_log: r.committed_in_log,
        duplicates_in_log: r.duplicates_in_log,
        lost_acknowledged: r.lost_acknowledged,
        not_committed: r.not_committed_at_end,
        sent_not_in_log: r.sent_not_in_log,
        groups: r
            .groups
            .iter()
            .map(|g| (g.consumed, g.processed_more_than_once, g.not_processed))
            .collect(),
    }
}

/// Steps `s` to its end; at `samples` instants spread over the run, compares the index with the
/// recount. Returns how many instants were compared.
fn compare_along(s: &Scenario, samples: u64) -> usize {
    let end = Timeline::record(s).end();
    let mut world = Simulation::new(s);
    let mut expired: BTreeSet<RecordId> = BTreeSet::new();
    let mut ever_committed: BTreeSet<RecordId> = BTreeSet::new();
    let mut compared = 0;
    for k in 1..=samples {
        let t = SimTime(end.0 * k / samples);
        while world.next_event_time().is_some_and(|next| next <= t) {
            world.step();
            note_committed(&world, &mut ever_committed);
            for e in world.take_trace() {
                if let TraceKind::RetentionDeleted {
                    broker,
                    partition,
                    records,
                    ..
                } = &e.what
                {
                    let leads = world.brokers()[broker.number() as usize - 1]
                        .replica(*partition)
                        .is_some_and(|r| matches!(r.role, Role::Leader(_)));
                    if leads {
                        expired.extend(records.iter().copied());
                    }
                }
            }
        }
        let report = OutcomeReport::from_simulation(&world, &s.name, s.seed);
        assert_eq!(
            from_report(&report),
            recount(&world, &expired, &ever_committed),
            "{} at {} µs",
            s.name,
            t.0
        );
        compared += 1;
    }
    compared
}

fn shipped() -> Vec<Scenario> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../scenarios");
    let mut out = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .filter(|p| {
            !p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("bench-")
        })
        .collect();
    paths.sort();
    for p in paths {
        out.push(Scenario::from_toml(&std::fs::read_to_string(&p).unwrap()).unwrap());
    }
    out
}

#[test]
fn the_fate_index_equals_a_recount_at_every_sampled_instant_of_every_shipped_scenario() {
    let mut compared = 0;
    for s in shipped() {
        compared += compare_along(&s, 25);
    }
    assert!(compared >= 15 * 25);
}

#[test]
fn the_fate_index_equals_a_recount_under_faults_that_move_the_log_that_counts() {
    // acks=1 with leader crashes (lost writes), an unclean election (committed then
    // truncated), acks=0 with a dropped request (sent, never in the log).
    for (seed, acks) in [(3, "1"), (4, "all"), (5, "0")] {
        let s = ScenarioBuilder::new("fates-under-faults")
            .seed(seed)
            .brokers(3)
            .topic(|t| {
                t.partitions = 2;
                t.replication_factor = 3;
                t.unclean_leader_election_enable = acks == "all";
            })
            .cluster(|c| c.replica_lag_time_max_ms = 1_000)
            .producer(60, |p| {
                p.acks = kafkascope_engine::message::Acks::parse(acks).unwrap();
                p.interval_ms = 100;
                p.keys = 5;
                p.request_timeout_ms = 1_000;
            })
            .consumer("g", |c| c.auto_offset_reset = OffsetReset::Earliest)
            .consumer("h", |c| {
                c.auto_offset_reset = OffsetReset::Earliest;
                c.enable_auto_commit = false;
            })
            .at(
                1_500,
                Action::CrashBroker {
                    broker: NodeId::Broker(1),
                },
            )
            .at(
                2_000,
                Action::DropNext {
                    from: NodeId::Producer(1),
                    to: NodeId::Broker(2),
                    kind: kafkascope_engine::message::MessageKind::ProduceRequest,
                },
            )
            .at(
                4_000,
                Action::CrashBroker {
                    broker: NodeId::Broker(2),
                },
            )
            .at(
                9_000,
                Action::RestartBroker {
                    broker: NodeId::Broker(1),
                },
            )
            .at(
                14_000,
                Action::RestartBroker {
                    broker: NodeId::Broker(2),
                },
            )
            .max_time_ms(90_000)
            .build()
            .unwrap();
        assert_eq!(compare_along(&s, 60), 60);
    }
}

#[test]
fn a_checkpointed_world_has_the_same_fates_as_one_run_straight_to_the_same_instant() {
    for s in shipped().into_iter().take(6) {
        let timeline = Timeline::record(&s);
        for k in 1..=5u64 {
            let t = SimTime(timeline.end().0 * k / 5);
            let restored = timeline.world_at(t);
            let mut straight = Simulation::new(&s);
            straight.run_until(t);
            assert_eq!(
                OutcomeReport::from_simulation(&restored, "", 0),
                OutcomeReport::from_simulation(&straight, "", 0),
                "{} at {t:?}",
                s.name
            );
        }
    }
}

#[test]
fn a_record_is_pending_until_answered_then_acknowledged_or_sent() {
    let s = ScenarioBuilder::new("views")
        .producer(3, |p| p.acks = kafkascope_engine::message::Acks::None)
        .build()
        .unwrap();
    let mut world = Simulation::new(&s);
    world.run_to_end();
    let views: Vec<ProducerView> = world
        .fates()
        .producer_records(1)
        .map(|f| f.producer)
        .collect();
    assert_eq!(views, vec![ProducerView::Sent; 3]);
}

/// After a clean election the new leader's high watermark starts at its own, which lags (it
/// learns the old leader's only from fetch responses); the records between are on every in-sync
/// replica and stay committed — never counted as "committed then truncated" for that moment.
#[test]
fn a_committed_record_above_a_new_leaders_lagging_high_watermark_stays_committed() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../scenarios/acks-1-failover-loss.toml"
    );
    let s = Scenario::from_toml(&std::fs::read_to_string(path).unwrap()).unwrap();
    let timeline = Timeline::record(&s);
    // Broker 2 has just taken over at 9.5 s, its HW still at 2 (the old leader's was 3).
    let world = timeline.world_at(SimTime::from_ms(9_505));
    let (leader, log) = world
        .counted_log(kafkascope_engine::TopicPartition {
            topic: 0,
            partition: 0,
        })
        .unwrap();
    assert_eq!(
        (leader, log.high_watermark()),
        (2, 2),
        "the lagging HW this test is about"
    );
    let report = OutcomeReport::from_simulation(&world, &s.name, s.seed);
    assert_eq!(report.committed_then_truncated, 0);
    assert_eq!(report.committed_in_log, 3, "records 0–2 stay committed");
    assert_eq!(report.not_committed_at_end, 0);
    assert_eq!(
        report.lost_acknowledged, 3,
        "records 3–5 were never on a follower"
    );
}
