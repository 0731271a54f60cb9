//! What the world learns from its own trace as it is written: fencing (coordinators move), the
//! record-fate index (the one truth about every record), unavailability, and what an unclean
//! election cost.

use super::*;
use crate::ordered::CollectByInsert;

impl Simulation {
    pub(super) fn observe(&mut self, what: &TraceKind) {
        self.observe_fates(what);
        match what {
            TraceKind::BrokerFenced { .. } | TraceKind::BrokerUnfenced { .. } => {
                self.fencing_changed = true;
            }
            TraceKind::LeaderElected {
                partition,
                leader,
                unclean,
                ..
            } => match leader {
                Some(leader) => {
                    self.history.partition_online(*partition, self.now);
                    if *unclean {
                        self.unclean_elections.push((*partition, *leader));
                    }
                }
                None => self.history.partition_offline(*partition, self.now),
            },
            _ => {}
        }
    }

    /// An unclean election: which committed records (of the log that counted until now) the new
    /// leader's log lacks. Traced only when there are some, so the election's own event need
    /// not guess.
    pub(super) fn note_unclean_election_loss(&mut self, tp: TopicPartition, leader: NodeId) {
        let Some(replica) = self.brokers[leader.number() as usize - 1].replica(tp) else {
            return;
        };
        let held: std::collections::BTreeSet<_> =
            replica.log.records().map(|r| r.id).collect_by_insert();
        let records: Vec<_> = self
            .fates
            .committed_ids(tp)
            .into_iter()
            .filter(|id| !held.contains(id))
            .collect();
        if !records.is_empty() {
            self.record(TraceKind::CommittedRecordsLost {
                partition: tp,
                leader,
                records,
            });
        }
    }

    /// Feeds the record-fate index from a trace entry.
    pub(super) fn observe_fates(&mut self, what: &TraceKind) {
        match what {
            TraceKind::RecordCreated {
                record, partition, ..
            } => self.fates.created(*record, *partition),
            TraceKind::Acknowledged {
                base_offset,
                records,
                ..
            } => {
                let view = if base_offset.is_some() {
                    ProducerView::Acknowledged
                } else {
                    ProducerView::Sent
                };
                for r in records {
                    self.fates.producer_view(*r, view);
                }
            }
            TraceKind::ProduceFailed {
                records,
                retrying: false,
                ..
            } => {
                for r in records {
                    self.fates.producer_view(*r, ProducerView::Failed);
                }
            }
            TraceKind::Processed {
                group,
                partition,
                offset,
                record,
                ..
            } => {
                self.sync_fates(*partition);
                self.fates.processed(group, *partition, *offset, *record);
            }
            TraceKind::OffsetCommitted {
                group,
                partition,
                offset,
                ..
            } => {
                self.sync_fates(*partition);
                self.fates.offset_committed(group, *partition, *offset);
            }
            TraceKind::RetentionDeleted {
                broker,
                partition,
                records,
                ..
            } => {
                let leads = self.brokers[broker.number() as usize - 1]
                    .replica(*partition)
                    .is_some_and(|r| r.is_leader());
                if leads {
                    self.fates.expired(records);
                }
                self.fates_dirty.push(*partition);
            }
            TraceKind::Appended { partition, .. }
            | TraceKind::HighWatermark { partition, .. }
            | TraceKind::Truncated { partition, .. }
            | TraceKind::LeaderElected { partition, .. }
            | TraceKind::IsrChanged { partition, .. } => self.fates_dirty.push(*partition),
            TraceKind::ConsumerTruncationDetected { .. } | TraceKind::OffsetReset { .. } => {
                self.offset_resets += 1;
            }
            _ => {}
        }
    }

    /// The log that counts for `tp` now: its leader's (as the controller has it), or while it
    /// is offline, its first in-sync replica's.
    pub fn counted_log(&self, tp: TopicPartition) -> Option<(u32, &crate::log::PartitionLog)> {
        let meta = self.controller.partitions().get(&tp)?;
        let broker = match meta.leader {
            Some(leader) => leader,
            None => *meta.isr.iter().next()?,
        };
        let replica = self.brokers[broker as usize - 1].replica(tp)?;
        Some((broker, &replica.log))
    }

    /// Brings the fate index up to date with the log that counts for `tp`.
    pub(super) fn sync_fates(&mut self, tp: TopicPartition) {
        let meta = self.controller.partitions().get(&tp);
        let source = meta.and_then(|m| m.leader.or_else(|| m.isr.iter().next().copied()));
        let log = source.and_then(|b| self.brokers[b as usize - 1].replica(tp).map(|r| &r.log));
        self.fates
            .sync_log(tp, source.filter(|_| log.is_some()), log);
    }

    /// After a step: the partitions whose log that counts may have changed, and (when a broker
    /// handled the step) those it holds the log that counts of — a follower's appends are not
    /// traced, and it may be the one that counts while its partition is offline.
    pub(super) fn sync_dirty_fates(&mut self, actor: Option<NodeId>) {
        for (tp, leader) in std::mem::take(&mut self.unclean_elections) {
            self.note_unclean_election_loss(tp, leader);
        }
        let mut dirty = std::mem::take(&mut self.fates_dirty);
        if let Some(NodeId::Broker(b)) = actor {
            dirty.extend(self.fates.partitions_counted_on(b));
        }
        if actor.is_none() || matches!(actor, Some(NodeId::Controller(_))) {
            dirty.extend(self.partitions.iter().copied());
        }
        crate::ordered::sort_stable(&mut dirty);
        dirty.dedup();
        for tp in &dirty {
            self.sync_fates(*tp);
        }
        dirty.clear();
        self.fates_dirty = dirty;
    }

    /// Group coordinators follow the leadership of their `__consumer_offsets` partitions.
    pub(super) fn move_coordinators(&mut self) {
        let mut outs = crate::coordinator::Outs::new();
        let fenced = self.controller.fenced().clone();
        self.groups.fencing_changed(self.now, &fenced, &mut outs);
        self.txns.fencing_changed(self.now, &fenced, &mut outs);
        for (broker, mut out) in outs {
            if broker == 0 {
                for effect in out.drain() {
                    if let Effect::Trace(what) = effect {
                        self.record(what);
                    }
                }
                continue;
            }
            self.apply_effects(NodeId::Broker(broker), &mut out);
        }
    }
}
