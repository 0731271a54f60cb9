//! The outcome report: what happened to every record, and the anomalies, named.
//!
//! Like Jepsen's Kafka checker, the report is computed from what the clients observed, what the
//! logs hold at the end, and the run's history — never inferred by the viewer. Each record
//! carries a unique [`crate::ids::RecordId`], so:
//!
//! - **lost write**: acknowledged to the producer, absent from the committed log at the end;
//! - **duplicate**: present more than once in the committed log;
//! - **reordering**: within a partition, a record of a producer lands after a later one of the
//!   same producer (a retried batch overtaken by the next, with several requests in flight);
//! - **committed then truncated**: once below a leader's HW, gone at the end (unclean election);
//! - **unavailable time**: partition-time with no leader;
//! - **expired**: committed records that retention deleted (not a loss of the log; a group that
//!   had not processed them yet has lost them);
//! - per consumer group: records never processed, processed more than once, and the lag.
//!
//! "The committed log" of a partition is its leader's log below the HW; for a partition offline at
//! the end, that of the first ISR member (the replica a clean election would bring back).

use crate::ids::{RecordId, TopicPartition};
use crate::log::PartitionLog;
use crate::producer::RecordState;
use crate::sim::{EndReason, Simulation};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OutcomeReport {
    pub scenario: String,
    pub seed: u64,
    /// Records the applications handed to `send()`.
    pub produced: u64,
    /// Records whose send the producer saw acknowledged.
    pub acknowledged: u64,
    /// Records the producer gave up on.
    pub failed: u64,
    /// Distinct records in the committed logs at the end.
    pub committed_in_log: u64,
    /// Extra copies of records in the committed logs (a record written twice counts once here).
    pub duplicates_in_log: u64,
    /// Acknowledged records that are not in the committed log at the end.
    pub lost_acknowledged: u64,
    /// Records that landed after a later record of the same producer in the same partition.
    pub reordered: u64,
    /// Records that were committed at some point and are not in the committed log at the end.
    pub committed_then_truncated: u64,
    /// Partition-time without a leader, in microseconds (summed over partitions).
    pub unavailable_us: u64,
    /// Committed records that retention (`retention.ms`) deleted — expired, not lost.
    pub expired: u64,
    pub groups: Vec<GroupOutcome>,
    /// Simulated time at which the run ended, in microseconds.
    pub end_time_us: u64,
    pub end_reason: EndReason,
    /// Events the engine processed.
    pub events: u64,
    /// FNV-1a digest of the whole trace, when the runner computed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace_hash: Option<String>,
    /// Per-record outcomes, when asked for (`kafkascope-sim run --records`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub records: Option<Vec<RecordOutcome>>,
}

/// One consumer group's outcome, over every member it ever had.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GroupOutcome {
    pub group: String,
    /// Distinct records the group processed.
    pub consumed: u64,
    /// Records the group processed more than once (each counted once): **duplicate processing**.
    pub processed_more_than_once: u64,
    /// Records in the committed log that the group never processed: **lost** for this group
    /// (skipped, or committed by a consumer that died before processing them). Records the group
    /// could not have reached yet are in `lag` instead.
    pub not_processed: u64,
    /// Records first processed after a later record of the same partition had been processed.
    pub out_of_order: u64,
    /// Records between the group's committed offsets and the high watermarks at the end, summed
    /// over partitions (the consumer lag).
    pub lag: u64,
}

/// One record's fate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RecordOutcome {
    pub record: String,
    pub partition: u16,
    pub acknowledged: bool,
    /// Copies in the committed log.
    pub copies_in_log: u64,
    /// Whether every in-sync replica holds it below its own high watermark at the end.
    pub on_every_isr_replica: bool,
}

/// The log that counts for a partition at the end (see the module docs).
pub fn authoritative_log(sim: &Simulation, tp: TopicPartition) -> Option<&PartitionLog> {
    if let Some(r) = sim.leader_replica(tp) {
        return Some(&r.log);
    }
    let meta = sim.partition_meta(tp);
    let first = *meta.isr.iter().next()?;
    sim.brokers()[first as usize - 1]
        .replica(tp)
        .map(|r| &r.log)
}

fn committed(log: &PartitionLog) -> &[crate::log::LogRecord] {
    log.read_committed_from(log.log_start_offset(), usize::MAX)
}

/// Per group: what its members processed, against the committed logs and its committed offsets.
fn group_outcomes(
    sim: &Simulation,
    copies: &BTreeMap<RecordId, u64>,
    expired: &BTreeSet<RecordId>,
) -> Vec<GroupOutcome> {
    sim.group_names()
        .into_iter()
        .map(|name| {
            let mut times: BTreeMap<RecordId, u64> = BTreeMap::new();
            let mut out_of_order = 0u64;
            let mut processed: Vec<&crate::consumer::ProcessedRecord> = sim
                .consumers()
                .iter()
                .filter(|c| c.group() == name)
                .flat_map(|c| c.processed())
                .collect();
            processed.sort_by_key(|p| p.at);
            let mut highest: BTreeMap<TopicPartition, u64> = BTreeMap::new();
            for p in processed {
                let n = times.entry(p.record).or_default();
                *n += 1;
                let top = highest.entry(p.partition).or_insert(p.offset);
                if *n == 1 && p.offset < *top {
                    out_of_order += 1;
                }
                *top = (*top).max(p.offset);
            }
            let group = sim.groups().group(name);
            let mut lag = 0;
            let mut unreached: BTreeSet<RecordId> = BTreeSet::new();
            for tp in sim.partitions() {
                let Some(log) = authoritative_log(sim, *tp) else {
                    continue;
                };
                // Without a committed offset, the owner's position (where auto.offset.reset put
                // it) is where the group stands.
                let committed_offset = group
                    .and_then(|g| g.offsets.get(tp).copied())
                    .or_else(|| {
                        sim.consumers()
                            .iter()
                            .filter(|c| c.group() == name)
                            .filter_map(|c| c.positions().get(tp).copied())
                            .max()
                    })
                    .unwrap_or(log.log_start_offset());
                lag += log.high_watermark().saturating_sub(committed_offset);
                // Records at or past the committed offset that nobody processed are lag, not loss.
                let mut reached_to = committed_offset;
                for r in committed(log).iter().rev() {
                    if r.offset < committed_offset || times.contains_key(&r.id) {
                        reached_to = reached_to.max(r.offset + 1);
                        break;
                    }
                }
                unreached.extend(
                    committed(log)
                        .iter()
                        .filter(|r| r.offset >= reached_to)
                        .map(|r| r.id),
                );
            }
            GroupOutcome {
                group: name.to_string(),
                consumed: times.len() as u64,
                processed_more_than_once: times.values().filter(|n| **n > 1).count() as u64,
                // Retention deleting a record the group had not processed yet loses it for the
                // group as surely as a skip does.
                not_processed: copies
                    .keys()
                    .chain(expired.iter())
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .filter(|id| !times.contains_key(id) && !unreached.contains(id))
                    .count() as u64,
                out_of_order,
                lag,
            }
        })
        .collect()
}

impl OutcomeReport {
    pub fn from_simulation(sim: &Simulation, scenario: &str, seed: u64) -> Self {
        let mut produced = 0u64;
        let mut acknowledged_ids = BTreeSet::new();
        let mut failed = 0u64;
        for p in sim.producers() {
            produced += u64::from(p.created());
            failed += u64::from(p.failed());
            for (seq, (state, _)) in p.record_states().iter().enumerate() {
                if matches!(state, RecordState::Acknowledged { .. }) {
                    acknowledged_ids.insert(RecordId {
                        producer: p.id().number(),
                        seq: seq as u32,
                    });
                }
            }
        }

        let expired_ids: BTreeSet<RecordId> = sim
            .partitions()
            .iter()
            .flat_map(|tp| sim.history().expired_records(*tp).iter().copied())
            .collect();
        let mut copies: BTreeMap<RecordId, u64> = BTreeMap::new();
        let mut reordered = 0u64;
        let mut committed_then_truncated = 0u64;
        for tp in sim.partitions() {
            let mut in_this: BTreeSet<RecordId> = BTreeSet::new();
            if let Some(log) = authoritative_log(sim, *tp) {
                let mut highest: BTreeMap<u32, u32> = BTreeMap::new();
                for r in committed(log) {
                    *copies.entry(r.id).or_default() += 1;
                    let first_copy = in_this.insert(r.id);
                    let top = highest.entry(r.id.producer).or_insert(r.id.seq);
                    if first_copy && r.id.seq < *top {
                        reordered += 1;
                    }
                    *top = (*top).max(r.id.seq);
                }
            }
            let ever: BTreeSet<RecordId> =
                sim.history().committed_ever(*tp).iter().copied().collect();
            committed_then_truncated += ever
                .difference(&in_this)
                .filter(|id| !expired_ids.contains(id))
                .count() as u64;
        }
        let committed_in_log = copies.len() as u64;
        let duplicates_in_log = copies.values().map(|n| n - 1).sum();
        let lost_acknowledged = acknowledged_ids
            .iter()
            .filter(|id| !copies.contains_key(id) && !expired_ids.contains(id))
            .count() as u64;

        let groups = group_outcomes(sim, &copies, &expired_ids);

        let (end, end_reason) = sim.ended().unwrap_or((sim.now(), EndReason::TimeLimit));
        OutcomeReport {
            scenario: scenario.to_string(),
            seed,
            produced,
            acknowledged: acknowledged_ids.len() as u64,
            failed,
            committed_in_log,
            duplicates_in_log,
            lost_acknowledged,
            reordered,
            committed_then_truncated,
            unavailable_us: sim.history().unavailable_us(end),
            expired: expired_ids.len() as u64,
            groups,
            end_time_us: end.as_micros(),
            end_reason,
            events: sim.events_processed(),
            trace_hash: None,
            records: None,
        }
    }

    /// Adds the per-record listing.
    pub fn with_records(mut self, sim: &Simulation) -> Self {
        let mut outcomes = Vec::new();
        for p in sim.producers() {
            for (seq, (state, tp)) in p.record_states().iter().enumerate() {
                let id = RecordId {
                    producer: p.id().number(),
                    seq: seq as u32,
                };
                let copies_in_log = authoritative_log(sim, *tp).map_or(0, |l| {
                    committed(l).iter().filter(|r| r.id == id).count() as u64
                });
                let meta = sim.partition_meta(*tp);
                let on_every_isr_replica = meta.isr.iter().all(|b| {
                    sim.brokers()[*b as usize - 1]
                        .replica(*tp)
                        .is_some_and(|r| committed(&r.log).iter().any(|x| x.id == id))
                });
                outcomes.push(RecordOutcome {
                    record: id.to_string(),
                    partition: tp.partition,
                    acknowledged: matches!(state, RecordState::Acknowledged { .. }),
                    copies_in_log,
                    on_every_isr_replica,
                });
            }
        }
        self.records = Some(outcomes);
        self
    }
}
