//! The outcome report: what happened to every record, and the anomalies, named.
//!
//! Like Jepsen's Kafka checker, the report is computed from what the clients observed and what the
//! logs hold at the end, never inferred by the viewer: each record carries a unique
//! [`crate::ids::RecordId`], so a record acknowledged to the producer but absent from the committed
//! log is a **lost write**, a record present twice is a **duplicate**, and a committed record that
//! a group never processed, or processed twice, shows up in that group's counts.

use crate::ids::RecordId;
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
    /// Distinct records below the high watermark of their partition's log at the end.
    pub committed_in_log: u64,
    /// Extra copies of records in the committed logs (a record written twice counts once here).
    pub duplicates_in_log: u64,
    /// Acknowledged records that are not in the committed log at the end.
    pub lost_acknowledged: u64,
    pub groups: Vec<GroupOutcome>,
    /// Simulated time at which the run ended, in microseconds.
    pub end_time_us: u64,
    pub end_reason: EndReason,
    /// Events the engine processed.
    pub events: u64,
    /// FNV-1a digest of the whole trace, when the runner computed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace_hash: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GroupOutcome {
    pub group: String,
    /// Distinct records the group processed.
    pub consumed: u64,
    /// Records the group processed more than once (each counted once).
    pub processed_more_than_once: u64,
    /// Committed records the group never processed.
    pub not_processed: u64,
    /// Records behind the group's committed offsets, summed over partitions (the lag at the end).
    pub lag: u64,
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

        let mut copies: BTreeMap<RecordId, u64> = BTreeMap::new();
        for tp in sim.partitions() {
            if let Some(replica) = sim.leader_of(*tp).replica(*tp) {
                let log = &replica.log;
                for r in log.read_committed_from(log.log_start_offset(), usize::MAX) {
                    *copies.entry(r.id).or_default() += 1;
                }
            }
        }
        let committed_in_log = copies.len() as u64;
        let duplicates_in_log = copies.values().map(|n| n - 1).sum();
        let lost_acknowledged = acknowledged_ids
            .iter()
            .filter(|id| !copies.contains_key(id))
            .count() as u64;

        let groups = sim
            .consumers()
            .iter()
            .map(|c| {
                let mut times: BTreeMap<RecordId, u64> = BTreeMap::new();
                for p in c.processed() {
                    *times.entry(p.record).or_default() += 1;
                }
                let lag = sim
                    .partitions()
                    .iter()
                    .map(|tp| {
                        let hw = sim
                            .leader_of(*tp)
                            .replica(*tp)
                            .map_or(0, |r| r.log.high_watermark());
                        hw.saturating_sub(c.committed().get(tp).copied().unwrap_or(0))
                    })
                    .sum();
                GroupOutcome {
                    group: c.group().to_string(),
                    consumed: times.len() as u64,
                    processed_more_than_once: times.values().filter(|n| **n > 1).count() as u64,
                    not_processed: copies.keys().filter(|id| !times.contains_key(id)).count()
                        as u64,
                    lag,
                }
            })
            .collect();

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
            groups,
            end_time_us: end.as_micros(),
            end_reason,
            events: sim.events_processed(),
            trace_hash: None,
        }
    }
}
