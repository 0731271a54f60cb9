//! Faults and user actions applied to the world: crashes and restarts, paused consumers, cut
//! and healed links, dropped or delayed messages, slow followers, and CreatePartitions through
//! the controller (refused, with Kafka's reason, for fewer partitions than the topic has).

use super::*;

impl Simulation {
    pub(super) fn apply_action(&mut self, action: &Action) {
        match *action {
            Action::CrashBroker { broker } => {
                let i = broker.number() as usize - 1;
                self.broker_up[i] = false;
            }
            Action::RestartBroker { broker } => {
                let i = broker.number() as usize - 1;
                if !self.broker_up[i] {
                    self.broker_up[i] = true;
                    self.incarnations[i] += 1;
                    let mut out = std::mem::take(&mut self.scratch);
                    self.brokers[i].restart(self.now, &mut out);
                    self.apply_effects(broker, &mut out);
                    self.scratch = out;
                }
            }
            Action::KillConsumer { consumer } => {
                self.consumer_up[consumer.number() as usize - 1] = false;
            }
            Action::RestartConsumer { consumer } => {
                let i = consumer.number() as usize - 1;
                if !self.consumer_up[i] {
                    self.consumer_up[i] = true;
                    self.consumer_incarnations[i] += 1;
                    let mut out = std::mem::take(&mut self.scratch);
                    self.consumers[i].restart(&mut out);
                    self.apply_effects(consumer, &mut out);
                    self.scratch = out;
                }
            }
            Action::PauseConsumer { consumer, by_ms } => {
                let i = consumer.number() as usize - 1;
                let until = self.now + SimDuration::from_ms(by_ms);
                self.consumer_paused_until[i] = self.consumer_paused_until[i].max(until);
            }
            Action::CreatePartitions { count } => self.create_partitions(count),
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
    pub(super) fn create_partitions(&mut self, count: u32) {
        let mut out = std::mem::take(&mut self.scratch);
        let before = self.partitions.len() as u32;
        match self
            .controller
            .create_partitions(count, crate::scenario::MAX_PARTITIONS, &mut out)
        {
            Ok(created) => {
                self.partitions.extend(created);
                let keys = self
                    .producers
                    .iter()
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
                    from: before,
                    to: count,
                    moved_keys,
                });
            }
            Err(reason) => {
                self.refused_actions.push(RefusedAction {
                    at_us: self.now.as_micros(),
                    action: Action::CreatePartitions { count },
                    reason: reason.clone(),
                });
                self.record(TraceKind::PartitionChangeRefused {
                    requested: count,
                    reason,
                })
            }
        }
        self.apply_effects(NodeId::Controller(1), &mut out);
        self.scratch = out;
    }

    /// If `event` is for a consumer that is stalled now, when the stall ends.
    pub(super) fn stalled_target(&self, event: &Event) -> Option<SimTime> {
        let node = match event {
            Event::Deliver { to, .. } => *to,
            Event::Timer { node, .. } => *node,
            _ => return None,
        };
        let NodeId::Consumer(n) = node else {
            return None;
        };
        let until = self.consumer_paused_until[n as usize - 1];
        (until > self.now).then_some(until)
    }
}
