//! A client's metadata cache: which broker leads each partition.
//!
//! Producers and consumers send to partition leaders. When a request fails with
//! `NOT_LEADER_OR_FOLLOWER` (or times out), the client refreshes its metadata by asking a broker
//! (Kafka's "least loaded node"; here the brokers in turn) and retries at the new leader. While a
//! partition has no leader (offline), its requests wait and the client asks again after
//! `retry.backoff.ms`. Clients start with the cluster's initial metadata, as if their bootstrap
//! request had completed before the scenario began.

use crate::flat::FlatMap;
use crate::ids::{NodeId, TopicPartition};
use crate::message::Message;
use crate::metadata::PartitionMeta;
use crate::ordered::CollectByInsert;

#[derive(Clone, Debug)]
pub struct ClientMetadata {
    /// The topics this client reads or writes (the metadata it keeps).
    topics: Vec<u16>,
    leaders: FlatMap<TopicPartition, Option<u32>>,
    /// The leader epoch each partition's metadata carried (KIP-320: clients send it with
    /// fetches, and a consumer validates its position when it goes up).
    leader_epochs: FlatMap<TopicPartition, u32>,
    brokers: u32,
    next_node: u32,
    in_flight: Option<u64>,
}

impl ClientMetadata {
    /// A client of `topics`, starting from the cluster's initial metadata (as if its bootstrap
    /// request had completed before the scenario began).
    pub fn new(initial: &[PartitionMeta], topics: &[u16], brokers: u32) -> Self {
        ClientMetadata {
            topics: topics.to_vec(),
            leaders: initial
                .iter()
                .filter(|m| topics.contains(&m.partition.topic))
                .map(|m| (m.partition, m.leader))
                .collect_by_insert(),
            leader_epochs: FlatMap::new(),
            brokers,
            next_node: 0,
            in_flight: None,
        }
    }

    /// The broker believed to lead `tp` (`None`: offline, or unknown).
    /// How many partitions `topic` has, as far as the client knows.
    pub fn partition_count(&self, topic: u16) -> u32 {
        self.leaders.keys().filter(|tp| tp.topic == topic).count() as u32
    }

    /// Every partition of the client's topics it knows of.
    pub fn partitions(&self) -> impl Iterator<Item = TopicPartition> + '_ {
        self.leaders.keys().copied()
    }

    pub fn leader(&self, tp: TopicPartition) -> Option<u32> {
        self.leaders.get(&tp).copied().flatten()
    }

    /// The partition's leader epoch as the latest metadata gave it (0 before any refresh: the
    /// initial metadata is epoch 0).
    pub fn leader_epoch(&self, tp: TopicPartition) -> u32 {
        self.leader_epochs.get(&tp).copied().unwrap_or(0)
    }

    pub fn is_refreshing(&self) -> bool {
        self.in_flight.is_some()
    }

    /// Asks the next broker for metadata, unless a request is already out. Returns the request
    /// to send and its target; the caller owns the correlation id and the timeout.
    pub fn refresh(&mut self, correlation: u64) -> Option<(NodeId, Message)> {
        if self.in_flight.is_some() {
            return None;
        }
        self.in_flight = Some(correlation);
        let broker = self.next_node % self.brokers + 1;
        self.next_node += 1;
        Some((
            NodeId::Broker(broker),
            Message::MetadataRequest { correlation },
        ))
    }

    /// The refresh request went unanswered: allow another (to the next broker).
    /// A broker to ask something any broker can answer (FindCoordinator), in turn — the stand-in
    /// for the Kafka client's "least loaded node".
    pub fn next_broker(&mut self) -> u32 {
        let broker = self.next_node % self.brokers + 1;
        self.next_node += 1;
        broker
    }

    pub fn refresh_timed_out(&mut self, correlation: u64) {
        if self.in_flight == Some(correlation) {
            self.in_flight = None;
        }
    }

    /// Applies a metadata response; returns false if it answers no outstanding request.
    pub fn on_response(&mut self, correlation: u64, partitions: &[PartitionMeta]) -> bool {
        if self.in_flight != Some(correlation) {
            return false;
        }
        self.in_flight = None;
        for meta in partitions
            .iter()
            .filter(|m| self.topics.contains(&m.partition.topic))
        {
            self.leaders.insert(meta.partition, meta.leader);
            self.leader_epochs.insert(meta.partition, meta.leader_epoch);
        }
        true
    }

    /// Forgets the leader of `tp` (after NOT_LEADER_OR_FOLLOWER), so nothing more goes there.
    pub fn forget_leader(&mut self, tp: TopicPartition) {
        if let Some(l) = self.leaders.get_mut(&tp) {
            *l = None;
        }
    }
}
