//! The Kafka protocol messages that travel between nodes.
//!
//! Each variant is one of Kafka's request/response APIs, reduced to the fields that decide
//! delivery guarantees: Produce, Fetch, ListOffsets, OffsetCommit and OffsetFetch. Requests carry a
//! `correlation` id exactly as Kafka's request headers do, so a response can be matched to the
//! request it answers (and a late response to a request the client already gave up on can be
//! recognised as such).
//!
//! Simplification (scale, not rules): a Produce request carries one partition's batch, where a real
//! client packs the batches of every partition led by the same broker into one request. Delivery
//! semantics are per batch in both.

use crate::ids::{RecordId, TopicPartition};
use crate::log::LogRecord;
use serde::{Deserialize, Serialize};

/// `acks`: how many replicas must have a batch before the leader answers the producer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Acks {
    /// `acks=0`: fire and forget; the leader sends no response at all.
    #[serde(rename = "0")]
    None,
    /// `acks=1`: the leader answers after its own local append.
    #[serde(rename = "1")]
    Leader,
    /// `acks=all` (the default since Kafka 3.0, KIP-679): the leader answers once the high
    /// watermark has passed the batch, i.e. every in-sync replica has it.
    #[serde(rename = "all")]
    All,
}

/// Kafka error codes the model produces (names as in `org.apache.kafka.common.protocol.Errors`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum KafkaError {
    NotLeaderOrFollower,
    NotEnoughReplicas,
    NotEnoughReplicasAfterAppend,
    RequestTimedOut,
    OffsetOutOfRange,
    UnknownTopicOrPartition,
}

impl KafkaError {
    /// Whether a client retries on this error (Kafka's `RetriableException` subclasses).
    pub fn is_retriable(self) -> bool {
        !matches!(self, KafkaError::OffsetOutOfRange)
    }
}

/// A record as the producer sends it, before the leader gives it an offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProducerRecord {
    pub id: RecordId,
    /// The record key, if the scenario gives records keys (`key = hash` chooses the partition).
    pub key: Option<u32>,
}

/// Where `ListOffsets` should look: Kafka's EARLIEST (-2) and LATEST (-1) timestamps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum OffsetSpec {
    Earliest,
    Latest,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Message {
    ProduceRequest {
        correlation: u64,
        partition: TopicPartition,
        acks: Acks,
        records: Vec<ProducerRecord>,
    },
    ProduceResponse {
        correlation: u64,
        partition: TopicPartition,
        /// The base offset of the appended batch, or the error.
        result: Result<u64, KafkaError>,
    },
    FetchRequest {
        correlation: u64,
        /// Next offset wanted, per partition.
        partitions: Vec<(TopicPartition, u64)>,
        /// `fetch.max.wait.ms`: how long the broker may hold the request when nothing is readable.
        max_wait_ms: u64,
        /// `max.partition.fetch.bytes`, counted in records here.
        max_records: u32,
    },
    FetchResponse {
        correlation: u64,
        partitions: Vec<FetchedPartition>,
    },
    ListOffsetsRequest {
        correlation: u64,
        partitions: Vec<TopicPartition>,
        spec: OffsetSpec,
    },
    ListOffsetsResponse {
        correlation: u64,
        offsets: Vec<(TopicPartition, u64)>,
    },
    OffsetCommitRequest {
        correlation: u64,
        group: String,
        offsets: Vec<(TopicPartition, u64)>,
    },
    OffsetCommitResponse {
        correlation: u64,
        offsets: Vec<(TopicPartition, u64)>,
    },
    OffsetFetchRequest {
        correlation: u64,
        group: String,
        partitions: Vec<TopicPartition>,
    },
    OffsetFetchResponse {
        correlation: u64,
        /// `None`: the group has no committed offset for that partition.
        offsets: Vec<(TopicPartition, Option<u64>)>,
    },
}

/// One partition's part of a fetch response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchedPartition {
    pub partition: TopicPartition,
    pub records: Vec<LogRecord>,
    pub high_watermark: u64,
    pub error: Option<KafkaError>,
}

/// The kind of a message, for the trace and the renderer (colour and shape of the dot).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    ProduceRequest,
    ProduceResponse,
    FetchRequest,
    FetchResponse,
    ListOffsetsRequest,
    ListOffsetsResponse,
    OffsetCommitRequest,
    OffsetCommitResponse,
    OffsetFetchRequest,
    OffsetFetchResponse,
}

impl Message {
    pub fn kind(&self) -> MessageKind {
        match self {
            Message::ProduceRequest { .. } => MessageKind::ProduceRequest,
            Message::ProduceResponse { .. } => MessageKind::ProduceResponse,
            Message::FetchRequest { .. } => MessageKind::FetchRequest,
            Message::FetchResponse { .. } => MessageKind::FetchResponse,
            Message::ListOffsetsRequest { .. } => MessageKind::ListOffsetsRequest,
            Message::ListOffsetsResponse { .. } => MessageKind::ListOffsetsResponse,
            Message::OffsetCommitRequest { .. } => MessageKind::OffsetCommitRequest,
            Message::OffsetCommitResponse { .. } => MessageKind::OffsetCommitResponse,
            Message::OffsetFetchRequest { .. } => MessageKind::OffsetFetchRequest,
            Message::OffsetFetchResponse { .. } => MessageKind::OffsetFetchResponse,
        }
    }

    /// How many records the message carries (drawn on the dot).
    pub fn record_count(&self) -> u32 {
        match self {
            Message::ProduceRequest { records, .. } => records.len() as u32,
            Message::FetchResponse { partitions, .. } => {
                partitions.iter().map(|p| p.records.len() as u32).sum()
            }
            _ => 0,
        }
    }
}
