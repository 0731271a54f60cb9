//! What the checker needs to remember while the run goes on (Jepsen-style history).
//!
//! Most anomalies can be read off the final state (logs, what producers saw acknowledged, what
//! consumers processed). Two cannot: a record that was **committed and then truncated** (below a
//! leader's HW once, gone after an unclean election), and how long partitions were **unavailable**
//! (offline, no eligible leader). Nor can it tell which records **retention** deleted (they are
//! neither lost writes nor truncated). The simulation feeds this history from its own trace
//! entries.

use crate::ids::{RecordId, TopicPartition};
use crate::time::SimTime;
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default)]
pub struct History {
    /// Records in the order they became committed (passed a leader's HW), per partition.
    committed_ever: BTreeMap<TopicPartition, Vec<RecordId>>,
    /// Per partition: (leader broker, leader epoch, HW) last seen from the leader.
    leader_hw: BTreeMap<TopicPartition, (u32, u64)>,
    offline_since: BTreeMap<TopicPartition, SimTime>,
    unavailable_us: u64,
    /// Records the partition leader deleted by retention (`retention.ms`), per partition.
    expired: BTreeMap<TopicPartition, Vec<RecordId>>,
}

impl History {
    /// A leader's HW moved to `hw`; `ids_between(from, to)` returns the leader's records in that
    /// offset range.
    pub fn leader_hw_advanced(
        &mut self,
        tp: TopicPartition,
        leader: u32,
        hw: u64,
        ids_between: impl FnOnce(u64, u64) -> Vec<RecordId>,
    ) {
        let from = match self.leader_hw.get(&tp) {
            Some((l, previous)) if *l == leader => *previous,
            // A new leader: what it had below its HW already was committed, or is now.
            _ => 0,
        };
        if hw > from {
            let ids = ids_between(from, hw);
            let seen = self.committed_ever.entry(tp).or_default();
            seen.extend(ids);
        }
        self.leader_hw.insert(tp, (leader, hw));
    }

    pub fn partition_offline(&mut self, tp: TopicPartition, at: SimTime) {
        self.offline_since.entry(tp).or_insert(at);
    }

    pub fn partition_online(&mut self, tp: TopicPartition, at: SimTime) {
        if let Some(since) = self.offline_since.remove(&tp) {
            self.unavailable_us += at.since(since).as_micros();
        }
    }

    /// A leader's retention deleted `records` of `tp`.
    pub fn expired(&mut self, tp: TopicPartition, records: &[RecordId]) {
        self.expired
            .entry(tp)
            .or_default()
            .extend_from_slice(records);
    }

    /// Records of `tp` that retention deleted (they were committed: retention stops at the HW).
    pub fn expired_records(&self, tp: TopicPartition) -> &[RecordId] {
        self.expired.get(&tp).map_or(&[], Vec::as_slice)
    }

    /// Every record that was ever committed in `tp` (may repeat a record committed twice).
    pub fn committed_ever(&self, tp: TopicPartition) -> &[RecordId] {
        self.committed_ever.get(&tp).map_or(&[], Vec::as_slice)
    }

    /// Partition-time spent offline up to `now`, in microseconds.
    pub fn unavailable_us(&self, now: SimTime) -> u64 {
        self.unavailable_us
            + self
                .offline_since
                .values()
                .map(|since| now.since(*since).as_micros())
                .sum::<u64>()
    }
}
