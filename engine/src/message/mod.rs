//! The Kafka protocol messages that travel between nodes.
//!
//! Each variant is one of Kafka's request/response APIs, reduced to the fields that decide
//! delivery guarantees: Produce, Fetch (from consumers and from follower replicas), ListOffsets,
//! OffsetCommit, OffsetFetch, the classic group protocol (FindCoordinator, JoinGroup, SyncGroup,
//! Heartbeat, LeaveGroup), Metadata, OffsetsForLeaderEpoch, and the controller's
//! BrokerHeartbeat, AlterPartition and UpdateMetadata (KRaft's metadata log, delivered as a message). Requests carry a
//! `correlation` id exactly as Kafka's request headers do, so a response can be matched to the
//! request it answers (and a late response to a request the client already gave up on can be
//! recognised as such). Outside Kafka, the mock database's requests and answers travel the same
//! network ([`db`]). Each message's kind and the part of a node that handles it are in `kind`;
//! Kafka's error codes in `error`.
//!
//! Simplification (scale, not rules): a Produce request carries one partition's batch, where a real
//! client packs the batches of every partition led by the same broker into one request. Delivery
//! semantics are per batch in both.

use crate::assignor::{Assignment, AssignmentStrategy, MemberSubscription};
use crate::flat::FlatSet;
use crate::ids::{MemberId, RecordId, TopicPartition};
use crate::log::{AbortedTxn, BatchHeader, ControlType, LogRecord, ProducerBatchHeader};
use crate::metadata::PartitionMeta;
use crate::scenario::IsolationLevel;
use serde::{Deserialize, Serialize};

pub mod db;
mod error;
mod kind;
pub use db::{DbError, DbResult, Row, Statement, Writer};
pub use error::KafkaError;
pub use kind::{Family, MessageKind};

/// `acks`: how many replicas must have a batch before the leader answers the producer.
///
/// A scenario writes it as Kafka's properties files do: `0`, `1`, `-1` or `"all"` (`-1` is
/// Kafka's own spelling of `all`), as a number or a string. Anything else is refused with the
/// accepted values named.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
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

impl Acks {
    /// The value as a properties file writes it.
    pub fn name(self) -> &'static str {
        match self {
            Acks::None => "0",
            Acks::Leader => "1",
            Acks::All => "all",
        }
    }

    /// Kafka's accepted spellings (`ProducerConfig`'s validator for `acks`).
    pub fn parse(text: &str) -> Option<Acks> {
        match text.trim() {
            "0" => Some(Acks::None),
            "1" => Some(Acks::Leader),
            "all" | "-1" => Some(Acks::All),
            _ => None,
        }
    }
}

const ACKS_ACCEPTED: &str = "acks accepts 0, 1, -1 or \"all\" (as Kafka does)";

impl<'de> Deserialize<'de> for Acks {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AcksVisitor;
        impl serde::de::Visitor<'_> for AcksVisitor {
            type Value = Acks;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("0, 1, -1 or \"all\"")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Acks, E> {
                Acks::parse(&v.to_string())
                    .ok_or_else(|| E::custom(format!("acks = {v}: {ACKS_ACCEPTED}")))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Acks, E> {
                Acks::parse(&v.to_string())
                    .ok_or_else(|| E::custom(format!("acks = {v}: {ACKS_ACCEPTED}")))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Acks, E> {
                Acks::parse(v).ok_or_else(|| E::custom(format!("acks = \"{v}\": {ACKS_ACCEPTED}")))
            }
        }
        deserializer.deserialize_any(AcksVisitor)
    }
}

/// A record as the producer sends it, before the leader gives it an offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProducerRecord {
    pub id: RecordId,
    /// The record key, if the scenario gives records keys (`key = hash` chooses the partition).
    pub key: Option<u32>,
}

/// What `FindCoordinator` looks up (its `key_type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CoordinatorType {
    /// A consumer group's coordinator (`__consumer_offsets`).
    Group,
    /// A `transactional.id`'s transaction coordinator (`__transaction_state`).
    Transaction,
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
        /// The batch header's producer fields (id, epoch, base sequence, transactional).
        batch: ProducerBatchHeader,
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
        /// `Some(broker)` for a follower replica's fetch, `None` for a consumer's.
        replica: Option<u32>,
        /// Next offset wanted, per partition, with the fetcher's current leader epoch.
        partitions: Vec<FetchPosition>,
        /// `fetch.max.wait.ms`: how long the broker may hold the request when nothing is readable.
        max_wait_ms: u64,
        /// `max.partition.fetch.bytes`, counted in records here.
        max_records: u32,
        /// `isolation.level`: a consumer's read_committed fetch reads up to the last stable
        /// offset (followers read to the log end whatever this says).
        isolation: IsolationLevel,
    },
    FetchResponse {
        correlation: u64,
        /// Echoes the request's `replica`.
        replica: Option<u32>,
        partitions: Vec<FetchedPartition>,
    },
    ListOffsetsRequest {
        correlation: u64,
        partitions: Vec<TopicPartition>,
        spec: OffsetSpec,
        /// LATEST is the last stable offset for read_committed, the HW otherwise.
        isolation: IsolationLevel,
    },
    /// A producer asks for a producer id (KIP-98): an idempotent one from any broker, a
    /// transactional one (`transactional_id`) from its transaction coordinator, which bumps the
    /// epoch and so fences every older instance with the same id.
    InitProducerIdRequest {
        correlation: u64,
        transactional_id: Option<String>,
        /// `transaction.timeout.ms`
        transaction_timeout_ms: u64,
        /// The producer id and epoch it holds, when it asks for an epoch bump after an
        /// abortable error (KIP-360); a stale epoch is answered `PRODUCER_FENCED`.
        current: Option<(i64, i16)>,
    },
    InitProducerIdResponse {
        correlation: u64,
        /// (producer id, producer epoch), or why not.
        result: Result<(i64, i16), KafkaError>,
    },
    /// A transactional producer registers partitions it is about to write in its transaction
    /// (KIP-98's explicit AddPartitionsToTxn; KIP-890's implicit add is not modelled).
    AddPartitionsToTxnRequest {
        correlation: u64,
        transactional_id: String,
        producer_id: i64,
        producer_epoch: i16,
        partitions: Vec<TopicPartition>,
    },
    AddPartitionsToTxnResponse {
        correlation: u64,
        result: Result<(), KafkaError>,
    },
    /// `commitTransaction()` / `abortTransaction()`.
    EndTxnRequest {
        correlation: u64,
        transactional_id: String,
        producer_id: i64,
        producer_epoch: i16,
        commit: bool,
    },
    EndTxnResponse {
        correlation: u64,
        result: Result<(), KafkaError>,
    },
    /// Transaction coordinator → a partition leader: write this marker for the producer.
    /// (Kafka sends one request per broker for all its partitions; one per partition here.)
    WriteTxnMarkersRequest {
        correlation: u64,
        partition: TopicPartition,
        producer_id: i64,
        producer_epoch: i16,
        control: ControlType,
    },
    WriteTxnMarkersResponse {
        correlation: u64,
        partition: TopicPartition,
        /// The marker's offset, or why it was not written.
        result: Result<u64, KafkaError>,
    },
    ListOffsetsResponse {
        correlation: u64,
        offsets: Vec<(TopicPartition, u64)>,
    },
    OffsetCommitRequest {
        correlation: u64,
        group: String,
        /// The committing member and the generation it believes current: the coordinator rejects
        /// a commit from a member it removed or from an older generation.
        generation: u32,
        member: MemberId,
        offsets: Vec<(TopicPartition, u64)>,
    },
    OffsetCommitResponse {
        correlation: u64,
        /// The offsets stored, or why none were.
        result: Result<Vec<(TopicPartition, u64)>, KafkaError>,
    },
    OffsetFetchRequest {
        correlation: u64,
        group: String,
        partitions: Vec<TopicPartition>,
        /// KIP-447's `require_stable` (set by read_committed consumers): a partition with
        /// transactional offsets not yet committed or aborted is answered
        /// `UNSTABLE_OFFSET_COMMIT`, and the consumer asks again.
        require_stable: bool,
    },
    OffsetFetchResponse {
        correlation: u64,
        /// Per partition, `None` when the group has no committed offset for it.
        result: Result<Vec<(TopicPartition, Option<u64>)>, KafkaError>,
    },
    /// `sendOffsetsToTransaction()`, first half (KIP-98): the transaction coordinator adds the
    /// group's `__consumer_offsets` partition to the transaction, so its marker completes the
    /// offsets too.
    AddOffsetsToTxnRequest {
        correlation: u64,
        transactional_id: String,
        producer_id: i64,
        producer_epoch: i16,
        group: String,
    },
    AddOffsetsToTxnResponse {
        correlation: u64,
        result: Result<(), KafkaError>,
    },
    /// `sendOffsetsToTransaction()`, second half: the producer hands the consumed offsets to the
    /// group coordinator, with the consumer's group metadata (KIP-447: a member of an older
    /// generation is refused, as an OffsetCommit would be). The offsets stay pending until the
    /// transaction's marker reaches the group's offsets partition.
    TxnOffsetCommitRequest {
        correlation: u64,
        transactional_id: String,
        group: String,
        producer_id: i64,
        producer_epoch: i16,
        generation: u32,
        member: MemberId,
        offsets: Vec<(TopicPartition, u64)>,
    },
    TxnOffsetCommitResponse {
        correlation: u64,
        result: Result<(), KafkaError>,
    },
    /// Which broker coordinates `group` (any broker answers).
    FindCoordinatorRequest {
        correlation: u64,
        /// The `group.id` or `transactional.id`.
        group: String,
        key_type: CoordinatorType,
    },
    FindCoordinatorResponse {
        correlation: u64,
        result: Result<u32, KafkaError>,
    },
    /// A consumer asks to (re)join its group; `member` is `None` on a first join.
    JoinGroupRequest {
        correlation: u64,
        group: String,
        member: Option<MemberId>,
        strategy: AssignmentStrategy,
        session_timeout_ms: u64,
        /// `max.poll.interval.ms`: how long the coordinator waits for members to rejoin.
        rebalance_timeout_ms: u64,
        /// Partitions the member owns (cooperative protocol).
        owned: Vec<TopicPartition>,
        /// The topics it subscribes to (by index).
        topics: Vec<u16>,
    },
    JoinGroupResponse {
        correlation: u64,
        result: Result<JoinGroupResult, KafkaError>,
    },
    /// After JoinGroup; the leader member sends the assignment it computed.
    SyncGroupRequest {
        correlation: u64,
        group: String,
        generation: u32,
        member: MemberId,
        assignment: Option<Assignment>,
    },
    SyncGroupResponse {
        correlation: u64,
        /// The member's partitions for this generation.
        result: Result<Vec<TopicPartition>, KafkaError>,
    },
    /// Every `heartbeat.interval.ms` from a member's heartbeat thread.
    HeartbeatRequest {
        correlation: u64,
        group: String,
        generation: u32,
        member: MemberId,
    },
    HeartbeatResponse {
        correlation: u64,
        error: Option<KafkaError>,
    },
    LeaveGroupRequest {
        correlation: u64,
        group: String,
        member: MemberId,
    },
    LeaveGroupResponse {
        correlation: u64,
    },
    MetadataRequest {
        correlation: u64,
    },
    MetadataResponse {
        correlation: u64,
        partitions: Vec<PartitionMeta>,
    },
    /// A follower asks where its last leader epoch ends on the leader (KIP-101/279).
    OffsetsForLeaderEpochRequest {
        correlation: u64,
        partition: TopicPartition,
        leader_epoch: u32,
    },
    OffsetsForLeaderEpochResponse {
        correlation: u64,
        partition: TopicPartition,
        /// (the largest epoch ≤ the asked one that the leader knows, where it ends)
        result: Result<(u32, u64), KafkaError>,
    },
    /// Broker → controller, every `broker.heartbeat.interval.ms`; `registering` on the first one
    /// after a (re)start.
    BrokerHeartbeat {
        registering: bool,
        /// How many times the broker has started; a new value is a new registration.
        incarnation: u32,
        /// The newest metadata version the broker has; the controller sends what it lacks
        /// (KRaft brokers fetch the metadata log and report their offset in heartbeats).
        metadata_version: u64,
    },
    /// Controller → brokers: the current leadership and ISR of every partition.
    UpdateMetadata {
        version: u64,
        partitions: Vec<PartitionMeta>,
    },
    /// Partition leader → controller: a proposed new ISR.
    AlterPartitionRequest {
        correlation: u64,
        partition: TopicPartition,
        leader_epoch: u32,
        partition_epoch: u32,
        isr: FlatSet<u32>,
    },
    AlterPartitionResponse {
        correlation: u64,
        partition: TopicPartition,
        result: Result<PartitionMeta, KafkaError>,
    },
    /// Statements for the database: one (auto-commit) or several in one transaction.
    DbRequest {
        correlation: u64,
        statements: Vec<Statement>,
    },
    DbResponse {
        correlation: u64,
        result: DbResult,
    },
}

/// What JoinGroup tells a member once every member has (re)joined.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinGroupResult {
    pub generation: u32,
    pub member: MemberId,
    pub leader: MemberId,
    pub strategy: AssignmentStrategy,
    /// Every member and what it owns: sent to the leader only, which computes the assignment.
    pub members: Vec<MemberSubscription>,
}

/// One partition of a fetch request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchPosition {
    pub partition: TopicPartition,
    pub offset: u64,
    /// The leader epoch the fetcher believes current (KIP-320); `None` skips the check.
    pub current_leader_epoch: Option<u32>,
}

/// One partition's part of a fetch response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchedPartition {
    pub partition: TopicPartition,
    /// The headers of the batches the records belong to (a follower copies them).
    pub batches: Vec<BatchHeader>,
    pub records: Vec<LogRecord>,
    pub high_watermark: u64,
    /// The leader's log start offset (retention moves it; KIP-107).
    pub log_start_offset: u64,
    /// The leader's last stable offset.
    pub last_stable_offset: u64,
    /// For a read_committed fetch: the aborted transactions the records overlap (the consumer
    /// drops their records).
    pub aborted_transactions: Vec<AbortedTxn>,
    pub error: Option<KafkaError>,
}

impl Message {
    /// A database's answer: the request it answers and its result (None for any other message).
    pub fn into_db_response(self) -> Option<(u64, DbResult)> {
        match self {
            Message::DbResponse {
                correlation,
                result,
            } => Some((correlation, result)),
            _ => None,
        }
    }

    /// The first record the message carries, if any (the page labels a dot with it).
    pub fn first_record(&self) -> Option<RecordId> {
        match self {
            Message::ProduceRequest { records, .. } => records.first().map(|r| r.id),
            Message::FetchResponse { partitions, .. } => partitions
                .iter()
                .flat_map(|p| p.records.first())
                .map(|r| r.id)
                .next(),
            _ => None,
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
