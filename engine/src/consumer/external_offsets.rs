//! Offsets kept outside Kafka (Kafka's consumer documentation, "Storing Offsets Outside Kafka"):
//! an application that stores each partition's next offset in its own database, in the same
//! database transaction as its results, does not let the client fetch the group's committed
//! offsets. When partitions are assigned without a position, `poll()` tells the application
//! ([`PollReturn::PositionsNeeded`], what `ConsumerRebalanceListener.onPartitionsAssigned` is for);
//! the application reads the offsets from its store and `seek()`s, or lets `auto.offset.reset`
//! decide for a partition the store has no offset for.

use super::{Consumer, Pending, PollReturn};
use crate::effect::Out;
use crate::ids::TopicPartition;

impl Consumer {
    /// The application keeps this consumer's offsets outside Kafka.
    pub(super) fn offsets_outside_kafka(&self) -> bool {
        self.config
            .database
            .as_ref()
            .is_some_and(|d| d.offsets_table.is_some())
    }

    /// `poll()` with assigned partitions that have no position: tells the application which
    /// (once per set of partitions), and asks again for those it left to `auto.offset.reset`
    /// whose answer did not come (their leader was unknown, or the request was lost).
    pub(super) fn position_from_outside(&mut self, missing: Vec<TopicPartition>, out: &mut Out) {
        let resets: Vec<TopicPartition> = missing
            .iter()
            .filter(|tp| self.reset_by_policy.contains(tp))
            .copied()
            .collect();
        if !resets.is_empty() && !self.is_pending(|p| matches!(p, Pending::ListOffsets { .. })) {
            self.list_offsets(resets, out);
        }
        // Asked once: a partition positioned meanwhile, or left to the reset policy, does not
        // make the rest new.
        if !missing.iter().all(|tp| self.positions_asked.contains(tp)) {
            self.positions_asked = missing.clone();
            self.returns.push_back(PollReturn::PositionsNeeded(missing));
        }
    }

    /// `seek(partition, offset)`: the next fetch of an assigned partition starts at `offset`.
    pub fn seek(&mut self, tp: TopicPartition, offset: u64) {
        if self.assignment.contains(&tp) {
            self.positions.insert(tp, offset);
            self.start_positions.insert(tp, offset);
        }
    }

    /// Partitions the application's store has no offset for start where `auto.offset.reset`
    /// says (ListOffsets); the poll goes on when the answer comes.
    pub fn seek_by_reset_policy(&mut self, partitions: Vec<TopicPartition>, out: &mut Out) {
        let partitions: Vec<TopicPartition> = partitions
            .into_iter()
            .filter(|tp| self.assignment.contains(tp))
            .collect();
        if !partitions.is_empty() {
            self.reset_by_policy = partitions.clone();
            self.list_offsets(partitions, out);
        }
    }

    /// Forgets every position and whatever was fetched past them: the next poll positions the
    /// partitions again (from the application's store, or the group's committed offsets).
    pub fn forget_positions(&mut self) {
        for tp in self.assignment.clone() {
            self.positions.remove(&tp);
            self.position_epochs.remove(&tp);
            self.validated_epochs.remove(&tp);
            self.start_positions.remove(&tp);
            self.fetched_through.remove(&tp);
        }
        self.fetched.clear();
        self.positions_asked.clear();
        self.reset_by_policy.clear();
    }
}
