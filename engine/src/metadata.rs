//! Cluster metadata: who leads each partition, in which leader epoch, with which in-sync replicas.
//!
//! In KRaft mode the active controller owns this state and brokers learn it from the metadata log
//! (here: `UpdateMetadata` messages from the controller, the same information arriving the same
//! way — after a network hop, possibly late). Clients ask any broker for it (`Metadata` requests)
//! and refresh it after `NOT_LEADER_OR_FOLLOWER` or a timeout.

use crate::flat::FlatSet;
use crate::ids::TopicPartition;
use serde::{Deserialize, Serialize};

/// One partition's leadership and ISR, as the controller decided it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartitionMeta {
    pub partition: TopicPartition,
    /// The replica assignment in order; the first replica is the preferred leader.
    pub replicas: Vec<u32>,
    /// `None` while the partition is offline (no eligible leader).
    pub leader: Option<u32>,
    /// Bumped on every leader change (clean or unclean).
    pub leader_epoch: u32,
    /// Bumped on every change (leader or ISR), so stale AlterPartition requests can be refused.
    pub partition_epoch: u32,
    /// In-sync replicas. Never empty: when the last other member leaves, the leader alone remains.
    pub isr: FlatSet<u32>,
}

impl PartitionMeta {
    pub fn is_replica(&self, broker: u32) -> bool {
        self.replicas.contains(&broker)
    }
}

/// Kafka's rack-unaware replica assignment for a new topic: partition `p`'s replicas are
/// `rf` consecutive brokers starting at `p mod brokers` (the first is the preferred leader).
pub fn assign_replicas(partition: u32, brokers: u32, replication_factor: u32) -> Vec<u32> {
    (0..replication_factor)
        .map(|i| ((partition + i) % brokers) + 1)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replicas_are_spread_and_distinct() {
        assert_eq!(assign_replicas(0, 3, 3), vec![1, 2, 3]);
        assert_eq!(assign_replicas(1, 3, 3), vec![2, 3, 1]);
        assert_eq!(assign_replicas(4, 5, 2), vec![5, 1]);
        for p in 0..12 {
            let r = assign_replicas(p, 7, 3);
            let distinct: FlatSet<_> = r.iter().collect();
            assert_eq!(distinct.len(), 3);
        }
    }
}
