//! Coordinators: the broker-side roles that own a piece of cluster state kept in an internal
//! topic — the **group coordinator** ([`group`]: consumer groups and their committed offsets, in
//! `__consumer_offsets`) and the **transaction coordinator** ([`txn`]: transactional ids, their
//! producer epochs and transaction states, in `__transaction_state`).
//!
//! What every coordinator shares, written once here:
//!
//! - **Placement**: a key (a `group.id`, a `transactional.id`) hashes to one partition of the
//!   internal topic (`abs(javaHash(key)) mod partitions`, Kafka's `Utils.abs(key.hashCode()) %
//!   partitionCount`); the coordinator is that partition's leader.
//! - **Moving on fencing**: when the controller fences the coordinator's broker, leadership of the
//!   internal partition — and the coordinator with it — moves to the next unfenced replica, which
//!   *loads* the state (and, as Kafka's does, restarts the timers it keeps, such as every member's
//!   session expiry). With none unfenced, the key has no coordinator until one returns.
//! - **`NOT_COORDINATOR`**: a request that reaches a broker that is not (or no longer) the
//!   coordinator is refused so; clients then look the coordinator up again (FindCoordinator).

pub mod group;
pub mod txn;

use crate::effect::Out;
use crate::flat::{FlatMap, FlatSet};
use crate::metadata::assign_replicas;
use crate::placement::java_string_hash;
use crate::time::SimTime;

/// Effects of coordinator moves, per broker that must apply them (the new coordinator's timers);
/// broker 0 collects trace entries with no broker to apply them (a key left without one).
pub type Outs = FlatMap<u32, Out>;

/// An internal topic that places coordinators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InternalTopic {
    /// `offsets.topic.num.partitions` (50) or `transaction.state.log.num.partitions` (50).
    pub partitions: u32,
    /// `offsets.topic.replication.factor` / `transaction.state.log.replication.factor` (3; the
    /// number of brokers when fewer — a real cluster needs the setting lowered for that).
    pub replication_factor: u32,
}

impl InternalTopic {
    /// `__consumer_offsets`.
    pub const CONSUMER_OFFSETS: InternalTopic = InternalTopic {
        partitions: crate::placement::OFFSETS_TOPIC_PARTITIONS,
        replication_factor: 3,
    };

    /// `__transaction_state` (`transaction.state.log.num.partitions` = 50, replication factor 3).
    pub const TRANSACTION_STATE: InternalTopic = InternalTopic {
        partitions: 50,
        replication_factor: 3,
    };

    /// The partition of this topic that `key` maps to.
    pub fn partition_for(&self, key: &str) -> u32 {
        let hash = java_string_hash(key);
        let abs = if hash == i32::MIN {
            0
        } else {
            hash.unsigned_abs()
        };
        abs % self.partitions
    }

    /// The replicas of `key`'s partition, in assignment order (the first is the preferred leader).
    pub fn replicas_for(&self, key: &str, brokers: u32) -> Vec<u32> {
        assign_replicas(
            self.partition_for(key),
            brokers,
            brokers.min(self.replication_factor),
        )
    }
}

/// One coordinated unit (a group; later a transactional id): where it is coordinated, and what
/// loading it on a new coordinator does.
pub trait Coordinated {
    /// The key that places it (`group.id`, `transactional.id`).
    fn key(&self) -> &str;
    /// The broker coordinating it now.
    fn coordinator(&self) -> Option<u32>;
    /// Moves it to `to` (or to none): the new coordinator loads it and restarts its timers.
    fn move_to(&mut self, now: SimTime, to: Option<u32>, outs: &mut Outs);
}

/// The controller changed which brokers are fenced: every unit whose coordinator is fenced (or
/// that has none) moves to the first unfenced replica of its internal partition.
pub fn follow_fencing<'a, C: Coordinated + 'a>(
    units: impl Iterator<Item = &'a mut C>,
    topic: InternalTopic,
    brokers: u32,
    now: SimTime,
    fenced: &FlatSet<u32>,
    outs: &mut Outs,
) {
    for unit in units {
        if unit.coordinator().is_some_and(|c| !fenced.contains(&c)) {
            continue;
        }
        let next = topic
            .replicas_for(unit.key(), brokers)
            .into_iter()
            .find(|b| !fenced.contains(b));
        if next != unit.coordinator() {
            unit.move_to(now, next, outs);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_maps_to_one_partition_and_its_replicas() {
        let t = InternalTopic::CONSUMER_OFFSETS;
        let p = t.partition_for("billing");
        assert!(p < 50);
        assert_eq!(t.partition_for("billing"), p, "stable");
        assert_eq!(t.replicas_for("billing", 5).len(), 3);
        assert_eq!(t.replicas_for("billing", 2).len(), 2);
    }
}
