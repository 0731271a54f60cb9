//! One partition's replica on a broker: its log and its role — leader (with the ISR as the
//! controller last confirmed it, a pending AlterPartition, and each follower's progress as seen
//! from its fetches), follower (of which leader, in which leader epoch, truncated yet or not), or
//! offline.

use crate::flat::{FlatMap, FlatSet};
use crate::log::PartitionLog;
use crate::ordered::CollectByInsert;
use crate::time::SimTime;

/// A follower's progress as its leader sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FollowerProgress {
    /// The follower's log end offset (its last fetch offset).
    pub log_end_offset: u64,
    pub last_caught_up: SimTime,
    pub(super) last_fetch: SimTime,
    pub(super) leader_end_at_last_fetch: u64,
}

impl FollowerProgress {
    /// A follower a new leader knows nothing about yet: LEO unknown (0), caught up as of now,
    /// so it gets `replica.lag.time.max.ms` to show it is keeping up.
    pub(super) fn new(now: SimTime) -> Self {
        FollowerProgress {
            log_end_offset: 0,
            last_caught_up: now,
            last_fetch: now,
            leader_end_at_last_fetch: 0,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeaderState {
    pub leader_epoch: u32,
    pub partition_epoch: u32,
    /// The ISR as the controller last confirmed it.
    pub isr: FlatSet<u32>,
    /// An AlterPartition in flight: the proposed ISR.
    pub pending_isr: Option<FlatSet<u32>>,
    pub followers: FlatMap<u32, FollowerProgress>,
}

impl LeaderState {
    /// The ISR used for the HW: the confirmed one, plus members a pending expansion adds.
    pub fn maximal_isr(&self) -> FlatSet<u32> {
        match &self.pending_isr {
            Some(p) => self.isr.union(p).copied().collect_by_insert(),
            None => self.isr.clone(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Role {
    /// No metadata yet (just started).
    Unknown,
    Leader(LeaderState),
    Follower {
        leader: u32,
        leader_epoch: u32,
        /// Leader-epoch truncation done; fetching may begin.
        truncated: bool,
    },
    /// The partition has no leader (offline), as far as this broker knows.
    Offline,
}

#[derive(Clone, Debug)]
pub struct Replica {
    pub log: PartitionLog,
    pub role: Role,
}

impl Replica {
    pub fn is_leader(&self) -> bool {
        matches!(self.role, Role::Leader(_))
    }
}
