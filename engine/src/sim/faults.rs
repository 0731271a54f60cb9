//! Faults and user actions applied to the world: crashes, restarts and pauses of any process, cut
//! and healed links, dropped or delayed messages, slow followers, and CreatePartitions through
//! the controller (refused, with Kafka's reason, for fewer partitions than the topic has).

use super::*;
use crate::message::Family;

impl Simulation {
    pub(super) fn apply_action(&mut self, action: &Action) {
        match *action {
            Action::CrashBroker { broker: node }
            | Action::KillConsumer { consumer: node }
            | Action::CrashProducer { producer: node }
            | Action::CrashDatabase { database: node } => {
                for n in self.same_process(node) {
                    self.processes.crash(n);
                }
            }
            Action::RestartBroker { broker: node }
            | Action::RestartConsumer { consumer: node }
            | Action::RestartProducer { producer: node }
            | Action::RestartDatabase { database: node } => {
                for n in self.same_process(node) {
                    self.restart(n);
                }
            }
            Action::PauseConsumer {
                consumer: node,
                by_ms,
            }
            | Action::PauseProducer {
                producer: node,
                by_ms,
            }
            | Action::PauseDatabase {
                database: node,
                by_ms,
            } => {
                let until = self.now + SimDuration::from_ms(by_ms);
                for n in self.same_process(node) {
                    self.processes.pause(n, until);
                }
            }
            Action::KillWorker { worker } => {
                for n in self.worker_tasks(worker) {
                    self.processes.crash(n);
                }
            }
            Action::RestartWorker { worker } => {
                for n in self.worker_tasks(worker) {
                    self.restart(n);
                }
            }
            Action::CreatePartitions { count, ref topic } => {
                self.create_partitions(count, topic.clone())
            }
            Action::SlowFollower { broker, by_ms } => {
                self.brokers[broker.number() as usize - 1]
                    .set_fetch_delay(SimDuration::from_ms(by_ms));
            }
            Action::CutLink { from, to, one_way } => {
                self.network.cut(from, to);
                if !one_way {
                    self.network.cut(to, from);
                }
            }
            Action::HealLink { from, to, one_way } => {
                self.network.heal(from, to);
                if !one_way {
                    self.network.heal(to, from);
                }
            }
            Action::DropNext { from, to, kind } => self.network.drop_next(from, to, kind),
            Action::DelayNext {
                from,
                to,
                kind,
                by_ms,
            } => self
                .network
                .delay_next(from, to, kind, SimDuration::from_ms(by_ms)),
        }
    }

    /// CreatePartitions through the controller; the trace says which keys now map elsewhere.
    pub(super) fn create_partitions(&mut self, count: u32, topic_name: Option<String>) {
        let mut out = std::mem::take(&mut self.scratch);
        let topic = topic_name
            .as_deref()
            .and_then(|name| self.topic_names.iter().position(|t| t == name))
            .unwrap_or(0) as u16;
        let name = self.topic_names[usize::from(topic)].clone();
        let before = self
            .partitions
            .iter()
            .filter(|tp| tp.topic == topic)
            .count() as u32;
        match self.controller.create_partitions(
            topic,
            count,
            crate::scenario::MAX_PARTITIONS,
            &mut out,
        ) {
            Ok(created) => {
                self.partitions.extend(created);
                crate::ordered::sort_stable(&mut self.partitions);
                let keys = self
                    .producers
                    .iter()
                    .filter(|p| p.topic() == topic)
                    .map(|p| p.config().keys)
                    .max()
                    .unwrap_or(0);
                let moved_keys = (0..keys)
                    .filter_map(|k| {
                        let bytes = crate::placement::key_bytes(k);
                        let old = crate::placement::partition_for_key(&bytes, before);
                        let new = crate::placement::partition_for_key(&bytes, count);
                        (old != new).then_some((k, old as u16, new as u16))
                    })
                    .collect();
                self.record(TraceKind::PartitionsCreated {
                    topic: name,
                    from: before,
                    to: count,
                    moved_keys,
                });
            }
            Err(reason) => {
                self.refused_actions.push(RefusedAction {
                    at_us: self.now.as_micros(),
                    action: Action::CreatePartitions {
                        count,
                        topic: topic_name,
                    },
                    reason: reason.clone(),
                });
                self.record(TraceKind::PartitionChangeRefused {
                    topic: name,
                    requested: count,
                    reason,
                })
            }
        }
        self.apply_effects(NodeId::Controller(1), &mut out);
        self.scratch = out;
    }

    /// `node`, and the other client of its process if it has two (a consume-transform-produce
    /// application's consumer and producer crash, restart and stall together).
    pub(super) fn same_process(&self, node: NodeId) -> Vec<NodeId> {
        let partner = self.two_client_processes.iter().find_map(|&(c, p)| {
            if c == node {
                Some(p)
            } else if p == node {
                Some(c)
            } else {
                None
            }
        });
        std::iter::once(node).chain(partner).collect()
    }

    /// The consumer nodes of the Connect sink tasks Connect worker `worker` runs.
    pub(super) fn worker_tasks(&self, worker: u32) -> Vec<NodeId> {
        self.consumers
            .iter()
            .filter(|c| c.client().config().sink.as_ref().map(|s| s.worker) == Some(worker))
            .map(|c| c.id())
            .collect()
    }

    /// If `event` is for a process that is stalled now, when the stall ends.
    pub(super) fn stalled_target(&self, event: &Event) -> Option<SimTime> {
        let node = match event {
            Event::Deliver { to, .. } => *to,
            Event::Timer { node, .. } => *node,
            Event::Call { to, .. } => *to,
            _ => return None,
        };
        self.processes.paused_until(node, self.now)
    }

    /// A crashed process starts again as a new incarnation; the node's own restart runs.
    fn restart(&mut self, node: NodeId) {
        if !self.processes.restart(node) {
            return;
        }
        self.network.forget_connections_of(node);
        let mut out = std::mem::take(&mut self.scratch);
        let now = self.now;
        self.with_actor(node, Family::Node, |a| a.restart(now, &mut out));
        self.apply_effects(node, &mut out);
        self.scratch = out;
    }
}
