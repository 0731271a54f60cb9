//! Position validation after a leader change (KIP-320).
//!
//! A consumer remembers, with its position, the leader epoch of the last record it consumed.
//! Fetches carry the leader epoch of the consumer's metadata (`current_leader_epoch`), so a
//! leader answers a consumer with stale metadata `FENCED_LEADER_EPOCH` instead of serving it.
//! When the consumer's metadata shows the partition's leader epoch went up, it does not fetch on
//! from its old position blindly: it first asks the new leader where the epoch of its last
//! consumed record ends (OffsetsForLeaderEpoch). If that end lies *before* the position, the new
//! leader's log diverged from what the consumer read — an unclean election replaced records — and
//! the consumer resets its position to the divergence point (Kafka's
//! `SubscriptionState.maybeCompleteValidation`: "Truncation detected … resetting offset"), so the
//! records that replaced the truncated ones are read, never silently skipped. With no reset policy
//! (`auto.offset.reset=none`, not modelled) Kafka would raise `LogTruncationException` instead.
//!
//! Simplification (disclosed in docs/kafka-model.md): a position that came from a committed
//! offset or from `auto.offset.reset` carries no epoch here (Kafka's commits carry the leader
//! epoch since 2.1), so it is validated only once the consumer has read a record.

use super::{Consumer, Pending};
use crate::effect::Out;
use crate::flat::FlatSet;
use crate::ids::{NodeId, TopicPartition};
use crate::message::{KafkaError, Message};
use crate::time::SimTime;
use crate::trace::TraceKind;

impl Consumer {
    /// Partitions whose position waits for validation; sends the OffsetsForLeaderEpoch requests
    /// that are not already out. The caller fetches only the others.
    pub(super) fn positions_to_validate(&mut self, out: &mut Out) -> FlatSet<TopicPartition> {
        let mut waiting = FlatSet::new();
        for tp in self.assignment.clone() {
            if !self.positions.contains_key(&tp) {
                continue;
            }
            let current = self.metadata.leader_epoch(tp);
            let validated = *self.validated_epochs.entry(tp).or_insert(current);
            if validated >= current {
                continue;
            }
            let Some(&epoch) = self.position_epochs.get(&tp) else {
                // Nothing read yet: nothing the new leader could have replaced.
                self.validated_epochs.insert(tp, current);
                continue;
            };
            waiting.insert(tp);
            if self.is_pending(
                |p| matches!(p, Pending::ValidatePosition { partition, .. } if *partition == tp),
            ) {
                continue;
            }
            let Some(leader) = self.metadata.leader(tp) else {
                continue;
            };
            let correlation = self.request(
                Pending::ValidatePosition {
                    broker: leader,
                    partition: tp,
                    leader_epoch: current,
                },
                self.config.request_timeout_ms,
                out,
            );
            out.send(
                NodeId::Broker(leader),
                Message::OffsetsForLeaderEpochRequest {
                    correlation,
                    partition: tp,
                    leader_epoch: epoch,
                },
            );
        }
        waiting
    }

    /// The new leader said where the epoch of our last consumed record ends on its log.
    pub(super) fn on_epoch_end_offset(
        &mut self,
        now: SimTime,
        tp: TopicPartition,
        validated_epoch: u32,
        result: Result<(u32, u64), KafkaError>,
        out: &mut Out,
    ) {
        match result {
            Ok((end_epoch, end_offset)) => {
                if let Some(position) = self.positions.get(&tp).copied() {
                    if end_offset < position {
                        self.positions.insert(tp, end_offset);
                        self.position_epochs.insert(tp, end_epoch);
                        self.drop_buffered(tp);
                        out.trace(TraceKind::ConsumerTruncationDetected {
                            consumer: self.id,
                            partition: tp,
                            position,
                            reset_to: end_offset,
                        });
                    }
                }
                self.validated_epochs.insert(tp, validated_epoch);
            }
            Err(error) => {
                if error.needs_metadata_refresh() {
                    self.metadata.forget_leader(tp);
                }
            }
        }
        self.resume_poll(now, out);
    }

    /// The position of `tp` is gone (revoked, reset): so is what validation knew of it.
    pub(super) fn forget_position(&mut self, tp: TopicPartition) {
        self.positions.remove(&tp);
        self.position_epochs.remove(&tp);
        self.validated_epochs.remove(&tp);
    }
}
