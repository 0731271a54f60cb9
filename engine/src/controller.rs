//! The KRaft controller: broker liveness, fencing, leader election and ISR changes.
//!
//! Kafka's controller is a Raft quorum (an odd number of controller nodes, 3 or 5, because Raft
//! needs a majority); the model simulates the *active* controller's decisions and draws the quorum.
//! The rules (Kafka documentation, Design: Replication; KIP-500/631):
//!
//! - Brokers send a heartbeat every `broker.heartbeat.interval.ms` (2000). One silent for
//!   `broker.session.timeout.ms` (9000) is **fenced**: removed from every ISR it is in (unless it is
//!   the last member) and replaced as leader.
//! - **Clean election**: the new leader is the first replica in assignment order that is alive and
//!   in the ISR; the leader epoch goes up by one. If none qualifies the partition goes **offline**
//!   (unavailable, nothing lost) — unless `unclean.leader.election.enable=true`, when any alive
//!   replica may lead and records only the old ISR had are lost.
//! - A fenced broker that heartbeats again is unfenced once its heartbeat shows it has caught up
//!   with the metadata published since it was fenced; a restarted broker re-registers and is
//!   fenced first (its old registration ends), then unfenced the same way — never fenced and
//!   unfenced in one step (KIP-631's broker registration and heartbeat states). An offline
//!   partition whose ISR includes it then gets it back as leader.
//! - Partition leaders propose ISR changes with **AlterPartition**; the controller accepts one only
//!   for the current leader epoch and partition epoch, and never adds a fenced broker.
//!
//! Every decision is published to all brokers as `UpdateMetadata` (the metadata log, one hop late).

use crate::effect::{Out, Timer};
use crate::flat::{FlatMap, FlatSet};
use crate::ids::{NodeId, TopicPartition};
use crate::message::{KafkaError, Message};
use crate::metadata::{assign_replicas, PartitionMeta};
use crate::ordered::CollectByInsert;
use crate::time::{SimDuration, SimTime};
use crate::trace::TraceKind;

/// How often the controller looks for brokers whose session expired.
pub const SESSION_CHECK_MS: u64 = 500;

#[derive(Clone, Debug)]
pub struct Controller {
    brokers: u32,
    partitions: FlatMap<TopicPartition, PartitionMeta>,
    last_heartbeat: FlatMap<u32, SimTime>,
    /// The latest registered incarnation of each broker.
    incarnations: FlatMap<u32, u32>,
    fenced: FlatSet<u32>,
    /// Per fenced broker: the metadata version it must report before it is unfenced (KRaft
    /// unfences a broker once it has caught up with the metadata log).
    catch_up_to: FlatMap<u32, u64>,
    /// Bumped on every metadata change; brokers report theirs in heartbeats.
    metadata_version: u64,
    session_timeout: SimDuration,
    /// `unclean.leader.election.enable`, per topic index.
    unclean_election: Vec<bool>,
}

impl Controller {
    pub fn new(
        brokers: u32,
        partitions: impl IntoIterator<Item = PartitionMeta>,
        session_timeout: SimDuration,
        unclean_election: Vec<bool>,
    ) -> Self {
        Controller {
            brokers,
            partitions: partitions
                .into_iter()
                .map(|m| (m.partition, m))
                .collect_by_insert(),
            last_heartbeat: (1..=brokers)
                .map(|b| (b, SimTime::ZERO))
                .collect_by_insert(),
            incarnations: (1..=brokers).map(|b| (b, 0)).collect_by_insert(),
            fenced: FlatSet::new(),
            catch_up_to: FlatMap::new(),
            metadata_version: 0,
            session_timeout,
            unclean_election,
        }
    }

    pub fn id(&self) -> NodeId {
        NodeId::Controller(1)
    }
    pub fn partitions(&self) -> &FlatMap<TopicPartition, PartitionMeta> {
        &self.partitions
    }
    pub fn fenced(&self) -> &FlatSet<u32> {
        &self.fenced
    }

    /// Brokers already know the initial metadata; the controller starts watching sessions.
    pub fn on_start(&mut self, out: &mut Out) {
        out.set_timer(SimDuration::from_ms(SESSION_CHECK_MS), Timer::SessionCheck);
    }

    pub fn on_timer(&mut self, now: SimTime, timer: Timer, out: &mut Out) {
        if timer != Timer::SessionCheck {
            return;
        }
        let expired: Vec<u32> = self
            .last_heartbeat
            .iter()
            .filter(|(b, last)| {
                !self.fenced.contains(b) && now.since(**last) > self.session_timeout
            })
            .map(|(b, _)| *b)
            .collect();
        if !expired.is_empty() {
            for b in &expired {
                self.fence(*b, out);
            }
            self.publish(out);
            for b in expired {
                self.catch_up_to.insert(b, self.metadata_version);
            }
        }
        out.set_timer(SimDuration::from_ms(SESSION_CHECK_MS), Timer::SessionCheck);
    }

    pub fn on_message(&mut self, now: SimTime, from: NodeId, message: Message, out: &mut Out) {
        let NodeId::Broker(broker) = from else {
            return;
        };
        match message {
            Message::BrokerHeartbeat {
                registering,
                incarnation,
                metadata_version,
            } => {
                self.last_heartbeat.insert(broker, now);
                // A restarted broker registers anew: its previous incarnation's leaderships and
                // ISR memberships end first (KRaft fences the old registration), and it stays
                // fenced until it has caught up with the metadata log.
                let known = self.incarnations.get(&broker).copied().unwrap_or(0);
                if registering && incarnation > known {
                    self.incarnations.insert(broker, incarnation);
                    if self.fenced.contains(&broker) {
                        self.send_metadata(broker, out);
                    } else {
                        self.fence(broker, out);
                        self.publish(out);
                    }
                    self.catch_up_to.insert(broker, self.metadata_version);
                    return;
                }
                let caught_up = !registering
                    && metadata_version >= self.catch_up_to.get(&broker).copied().unwrap_or(0);
                if self.fenced.contains(&broker) && caught_up {
                    self.fenced.remove(&broker);
                    self.catch_up_to.remove(&broker);
                    out.trace(TraceKind::BrokerUnfenced {
                        broker: NodeId::Broker(broker),
                    });
                    let offline: Vec<TopicPartition> = self
                        .partitions
                        .values()
                        .filter(|m| m.leader.is_none() && m.is_replica(broker))
                        .map(|m| m.partition)
                        .collect();
                    for tp in offline {
                        self.elect(tp, out);
                    }
                    self.publish(out);
                } else if registering || metadata_version < self.metadata_version {
                    // A broker behind on metadata (a lost update, a registration) catches up.
                    self.send_metadata(broker, out);
                }
            }
            Message::AlterPartitionRequest {
                correlation,
                partition,
                leader_epoch,
                partition_epoch,
                isr,
            } => {
                let result = self.alter_partition(
                    broker,
                    partition,
                    leader_epoch,
                    partition_epoch,
                    isr,
                    out,
                );
                let changed = result.is_ok();
                out.send(
                    from,
                    Message::AlterPartitionResponse {
                        correlation,
                        partition,
                        result,
                    },
                );
                if changed {
                    self.publish(out);
                }
            }
            _ => {}
        }
    }

    fn alter_partition(
        &mut self,
        broker: u32,
        tp: TopicPartition,
        leader_epoch: u32,
        partition_epoch: u32,
        proposed: FlatSet<u32>,
        out: &mut Out,
    ) -> Result<PartitionMeta, KafkaError> {
        let fenced = &self.fenced;
        let meta = self
            .partitions
            .get_mut(&tp)
            .ok_or(KafkaError::UnknownTopicOrPartition)?;
        if meta.leader != Some(broker) || meta.leader_epoch != leader_epoch {
            return Err(KafkaError::FencedLeaderEpoch);
        }
        if meta.partition_epoch != partition_epoch {
            return Err(KafkaError::InvalidUpdateVersion);
        }
        let isr: FlatSet<u32> = proposed
            .into_iter()
            .filter(|b| meta.is_replica(*b) && (!fenced.contains(b) || meta.isr.contains(b)))
            .chain(std::iter::once(broker))
            .collect_by_insert();
        if isr != meta.isr {
            meta.isr = isr;
            meta.partition_epoch += 1;
            out.trace(TraceKind::IsrChanged {
                partition: tp,
                isr: meta.isr.iter().copied().collect(),
            });
        }
        Ok(meta.clone())
    }

    fn fence(&mut self, broker: u32, out: &mut Out) {
        self.fenced.insert(broker);
        out.trace(TraceKind::BrokerFenced {
            broker: NodeId::Broker(broker),
        });
        let affected: Vec<TopicPartition> = self
            .partitions
            .values()
            .filter(|m| m.isr.contains(&broker) || m.leader == Some(broker))
            .map(|m| m.partition)
            .collect();
        for tp in affected {
            let meta = self.partitions.get_mut(&tp).expect("listed above");
            if meta.leader == Some(broker) {
                self.elect(tp, out);
            } else if meta.isr.len() > 1 && meta.isr.remove(&broker) {
                meta.partition_epoch += 1;
                out.trace(TraceKind::IsrChanged {
                    partition: tp,
                    isr: meta.isr.iter().copied().collect(),
                });
            }
        }
    }

    /// Chooses a leader for `tp` among live replicas (clean first, unclean if allowed).
    fn elect(&mut self, tp: TopicPartition, out: &mut Out) {
        let fenced = self.fenced.clone();
        let unclean_allowed = self
            .unclean_election
            .get(usize::from(tp.topic))
            .copied()
            .unwrap_or(false);
        let meta = self.partitions.get_mut(&tp).expect("known partition");
        let alive = |b: &u32| !fenced.contains(b);
        let clean = meta
            .replicas
            .iter()
            .find(|b| alive(b) && meta.isr.contains(b))
            .copied();
        let (leader, unclean) = match clean {
            Some(b) => (Some(b), false),
            None if unclean_allowed => (meta.replicas.iter().find(|b| alive(b)).copied(), true),
            None => (None, false),
        };
        let previous = meta.leader;
        if leader.is_none() && previous.is_none() {
            return; // still offline
        }
        meta.leader = leader;
        meta.leader_epoch += 1;
        meta.partition_epoch += 1;
        match leader {
            Some(b) if unclean => {
                meta.isr = [b].into_iter().collect_by_insert();
            }
            Some(_) => {
                let live: FlatSet<u32> = meta.isr.iter().copied().filter(alive).collect_by_insert();
                meta.isr = live;
            }
            // Offline: the ISR keeps its last members, so one of them can lead again later.
            None => {}
        }
        out.trace(TraceKind::LeaderElected {
            partition: tp,
            leader: leader.map(NodeId::Broker),
            leader_epoch: meta.leader_epoch,
            isr: meta.isr.iter().copied().collect(),
            unclean,
        });
    }

    /// A new metadata version, sent to every broker.
    /// CreatePartitions: the topic grows to `count` partitions (Kafka's `kafka-topics --alter
    /// --partitions`). Fewer than now is refused with Kafka's reason: a partition cannot be removed,
    /// since its records would go with it and every key's partition would change.
    pub fn create_partitions(
        &mut self,
        topic: u16,
        count: u32,
        max: u32,
        out: &mut Out,
    ) -> Result<Vec<TopicPartition>, String> {
        let current = self
            .partitions
            .keys()
            .filter(|tp| tp.topic == topic)
            .count() as u32;
        if count < current {
            return Err(format!(
                "Topic currently has {current} partitions, which is higher than the requested {count}."
            ));
        }
        if count == current {
            return Err(format!("Topic already has {current} partitions."));
        }
        if count > max {
            return Err(format!(
                "{count} partitions requested; a topic here has at most {max}"
            ));
        }
        let rf = self
            .partitions
            .values()
            .find(|m| m.partition.topic == topic)
            .map_or(1, |m| m.replicas.len() as u32);
        let mut created = Vec::new();
        for p in current..count {
            let replicas = assign_replicas(p + u32::from(topic), self.brokers, rf);
            let isr: FlatSet<u32> = replicas
                .iter()
                .filter(|b| !self.fenced.contains(b))
                .copied()
                .collect_by_insert();
            let tp = TopicPartition {
                topic,
                partition: p as u16,
            };
            let leader = replicas.iter().find(|b| isr.contains(b)).copied();
            self.partitions.insert(
                tp,
                PartitionMeta {
                    partition: tp,
                    leader,
                    leader_epoch: 0,
                    partition_epoch: 0,
                    isr,
                    replicas,
                },
            );
            created.push(tp);
        }
        self.publish(out);
        Ok(created)
    }

    fn publish(&mut self, out: &mut Out) {
        self.metadata_version += 1;
        for b in 1..=self.brokers {
            self.send_metadata(b, out);
        }
    }

    fn send_metadata(&self, broker: u32, out: &mut Out) {
        out.send(
            NodeId::Broker(broker),
            Message::UpdateMetadata {
                version: self.metadata_version,
                partitions: self.partitions.values().cloned().collect(),
            },
        );
    }
}
