//! What the checker needs to remember that no record's fate holds: how long partitions were
//! **unavailable** (offline, no eligible leader). The simulation feeds it from its own trace
//! entries; record fates live in [`super::fates`].

use crate::flat::FlatMap;
use crate::ids::TopicPartition;
use crate::time::SimTime;

#[derive(Clone, Debug, Default)]
pub struct History {
    offline_since: FlatMap<TopicPartition, SimTime>,
    unavailable_us: u64,
}

impl History {
    pub fn partition_offline(&mut self, tp: TopicPartition, at: SimTime) {
        self.offline_since.entry(tp).or_insert(at);
    }

    pub fn partition_online(&mut self, tp: TopicPartition, at: SimTime) {
        if let Some(since) = self.offline_since.remove(&tp) {
            self.unavailable_us += at.since(since).as_micros();
        }
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
