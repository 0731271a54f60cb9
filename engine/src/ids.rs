//! Names of the things in a simulated cluster: nodes, topic-partitions and records.
//!
//! A [`NodeId`] names an actor that sends and receives protocol messages. Its `Display` form
//! (`producer-1`, `broker-2`, `consumer-1`) is what scenario files use and what the page puts in
//! `data-node` attributes. A [`RecordId`] identifies a record as the *application* created it,
//! independent of where (or how many times) it lands in a log: the outcome checker uses it to find
//! lost and duplicated records, the way Jepsen's Kafka checker tracks unique values.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum NodeId {
    Producer(u32),
    Broker(u32),
    Consumer(u32),
    /// The active KRaft controller.
    Controller(u32),
    /// A relational database outside Kafka (the mock of [`crate::database`]).
    Database(u32),
}

impl NodeId {
    pub fn kind(self) -> &'static str {
        match self {
            NodeId::Producer(_) => "producer",
            NodeId::Broker(_) => "broker",
            NodeId::Consumer(_) => "consumer",
            NodeId::Controller(_) => "controller",
            NodeId::Database(_) => "database",
        }
    }
    pub fn number(self) -> u32 {
        match self {
            NodeId::Producer(n)
            | NodeId::Broker(n)
            | NodeId::Consumer(n)
            | NodeId::Controller(n)
            | NodeId::Database(n) => n,
        }
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.kind(), self.number())
    }
}

impl FromStr for NodeId {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || {
            format!("`{s}` is not a node name (expected producer-N, broker-N, consumer-N or database-N)")
        };
        let (kind, number) = s.rsplit_once('-').ok_or_else(bad)?;
        let n: u32 = number.parse().map_err(|_| bad())?;
        match kind {
            "producer" => Ok(NodeId::Producer(n)),
            "broker" => Ok(NodeId::Broker(n)),
            "consumer" => Ok(NodeId::Consumer(n)),
            "controller" => Ok(NodeId::Controller(n)),
            "database" => Ok(NodeId::Database(n)),
            _ => Err(bad()),
        }
    }
}

impl From<NodeId> for String {
    fn from(n: NodeId) -> String {
        n.to_string()
    }
}

impl TryFrom<String> for NodeId {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

/// A partition of the scenario's topic. Topics are named in the scenario; inside the engine a
/// partition is its topic index and partition number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TopicPartition {
    pub topic: u16,
    pub partition: u16,
}

impl TopicPartition {
    /// The topic index that stands for `__consumer_offsets` (never a scenario topic): a
    /// transaction that carries consumer offsets has that partition among its partitions, and
    /// its marker goes to the group coordinator.
    pub const CONSUMER_OFFSETS_TOPIC: u16 = u16::MAX;

    /// `group`'s partition of `__consumer_offsets`.
    pub fn consumer_offsets_of(group: &str) -> TopicPartition {
        TopicPartition {
            topic: Self::CONSUMER_OFFSETS_TOPIC,
            partition: crate::coordinator::InternalTopic::CONSUMER_OFFSETS.partition_for(group)
                as u16,
        }
    }

    /// Whether this is a `__consumer_offsets` partition.
    pub fn is_consumer_offsets(self) -> bool {
        self.topic == Self::CONSUMER_OFFSETS_TOPIC
    }
}

/// A record as the application created it: which producer, and its creation order there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RecordId {
    pub producer: u32,
    pub seq: u32,
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "p{}#{}", self.producer, self.seq)
    }
}

/// A consumer group member, as the group coordinator named it when the consumer first joined
/// (Kafka's `member.id`, assigned by the coordinator since KIP-394). `join` counts the
/// consumer's own joins: a consumer that leaves (or is evicted) and joins again is a new member.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct MemberId {
    pub consumer: u32,
    pub join: u32,
}

impl fmt::Display for MemberId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "consumer-{}#{}", self.consumer, self.join)
    }
}
