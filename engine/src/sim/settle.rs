//! When a run has *settled*: every producer done, every running consumer idle at the high
//! watermark in a stable group that owns every partition, every live replica in sync, and no
//! scripted action still to come. Settling ends the run before `simulation.max_time_ms`.

use super::*;

impl Simulation {
    /// Clients done, every online partition's replicas caught up, nothing scripted to come.
    pub(super) fn is_settled(&self) -> bool {
        self.pending_actions == 0
            && self.producers.iter().all(Producer::is_finished)
            && self.consumers_settled()
            && self.transactions_settled()
            && self
                .partitions
                .iter()
                .all(|tp| self.replication_settled(*tp))
    }

    /// No transaction open or half-completed at any coordinator (an abandoned one is aborted by
    /// `transaction.timeout.ms`, which the run waits for).
    pub(super) fn transactions_settled(&self) -> bool {
        use crate::coordinator::txn::TxnState;
        self.txns.transactions().values().all(|t| {
            matches!(
                t.state,
                TxnState::Empty | TxnState::CompleteCommit | TxnState::CompleteAbort
            )
        })
    }

    /// Every running consumer idle at the high watermark of what it owns, none stalled, and every
    /// group stable with exactly its running consumers as members, owning every partition.
    pub(super) fn consumers_settled(&self) -> bool {
        let live = |c: &&ConsumerProcess| self.processes.is_up(c.id());
        let consumers_idle = self.consumers.iter().filter(live).all(|c| {
            self.processes.paused_until(c.id(), self.now).is_none()
                && c.is_idle()
                && c.client()
                    .positions()
                    .iter()
                    .all(|(tp, pos)| *pos >= self.high_watermark(*tp))
        });
        consumers_idle
            && self.groups.groups().values().all(|g| {
                let mut running: Vec<_> = self
                    .consumers
                    .iter()
                    .filter(live)
                    .map(ConsumerProcess::client)
                    .filter(|c| c.group() == g.name)
                    .map(|c| c.member_id())
                    .collect();
                crate::ordered::sort_stable(&mut running);
                let members: Vec<_> = g.members.keys().map(|m| Some(*m)).collect();
                if running.is_empty() {
                    return members.is_empty();
                }
                let owned: usize = g.assignment.values().map(Vec::len).sum();
                let topics = self.group_topics(&g.name);
                let subscribed = self
                    .partitions
                    .iter()
                    .filter(|tp| topics.contains(&tp.topic))
                    .count();
                g.state == crate::group_coordinator::GroupState::Stable
                    && members == running
                    && owned == subscribed
            })
    }

    /// Every live replica of an online partition holds the leader's log up to its HW, the ISR
    /// holds every live replica, and the leader itself knows that ISR (so the picture will not
    /// change any more by itself).
    pub(super) fn replication_settled(&self, tp: TopicPartition) -> bool {
        let meta = self.partition_meta(tp);
        let Some(leader) = self.leader_replica(tp) else {
            // Offline: settled only if no in-sync replica is running (none can be elected).
            return meta
                .isr
                .iter()
                .all(|b| !self.processes.is_up(NodeId::Broker(*b)));
        };
        let hw = leader.log.high_watermark();
        if hw < leader.log.log_end_offset() {
            return false;
        }
        // The leader knows it leads, with the controller's ISR and no change in flight: until
        // then the picture (the leader's role and ISR) still changes by itself.
        let crate::broker::Role::Leader(state) = &leader.role else {
            return false;
        };
        if state.pending_isr.is_some() || state.isr != meta.isr {
            return false;
        }
        meta.replicas.iter().all(|b| {
            !self.processes.is_up(NodeId::Broker(*b))
                || (meta.isr.contains(b)
                    && self.brokers[*b as usize - 1].replica(tp).is_some_and(|r| {
                        r.log.high_watermark() == hw && r.log.log_end_offset() == hw
                    }))
        })
    }
}
