//! A broker's settings that shape replication and retention: `replica.lag.time.max.ms`, the
//! replica fetcher's wait and size, the heartbeat and retention-check intervals, and each topic's
//! `min.insync.replicas`, replication factor and `retention.ms` (Kafka's names and defaults, as the
//! scenario file writes them).

use crate::ids::TopicPartition;
use crate::time::SimDuration;

/// Broker settings that shape replication (Kafka's names and defaults in the scenario file).
#[derive(Clone, Debug)]
pub struct BrokerConfig {
    /// `replica.lag.time.max.ms`
    pub replica_lag_time_max: SimDuration,
    /// Each topic's own settings (`min.insync.replicas`, replication factor, `retention.ms`), by
    /// topic index.
    pub topics: Vec<TopicSettings>,
    /// `broker.heartbeat.interval.ms`
    pub heartbeat_interval: SimDuration,
    /// `replica.fetch.wait.max.ms`
    pub replica_fetch_wait_max_ms: u64,
    /// Records per follower fetch at most (`replica.fetch.max.bytes`, in records).
    pub replica_fetch_max_records: u32,
    /// `log.retention.check.interval.ms`: how often the broker looks for expired records.
    pub retention_check_interval: SimDuration,
}

/// A topic's settings that its partitions' leaders apply.
#[derive(Clone, Debug)]
pub struct TopicSettings {
    /// `min.insync.replicas` (topic-level)
    pub min_insync_replicas: u32,
    pub replication_factor: u32,
    /// `retention.ms` (topic-level): records older than this are deleted.
    pub retention: SimDuration,
}

impl BrokerConfig {
    pub(super) fn topic(&self, tp: TopicPartition) -> &TopicSettings {
        &self.topics[usize::from(tp.topic).min(self.topics.len() - 1)]
    }

    /// The ISR size acks=all needs on `tp`: min(`min.insync.replicas`, replication factor), as
    /// Kafka's `Partition` computes it — a topic whose `min.insync.replicas` exceeds its
    /// replication factor still takes writes once every replica is in sync.
    pub fn effective_min_insync_replicas(&self, tp: TopicPartition) -> usize {
        let t = self.topic(tp);
        t.min_insync_replicas.min(t.replication_factor) as usize
    }

    /// `retention.ms` of `tp`'s topic.
    pub fn retention(&self, tp: TopicPartition) -> SimDuration {
        self.topic(tp).retention
    }
}
