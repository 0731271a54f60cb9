//! The Kafka error codes the model produces, with Kafka's names and which of them a client
//! retries.

use serde::{Deserialize, Serialize};

/// Kafka error codes the model produces (names as in `org.apache.kafka.common.protocol.Errors`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum KafkaError {
    NotLeaderOrFollower,
    /// The request carried an older leader epoch than the replica's (KIP-320).
    FencedLeaderEpoch,
    /// The request carried a newer leader epoch than the replica knows yet (KIP-320): the
    /// replica's metadata is behind; retry.
    UnknownLeaderEpoch,
    /// An AlterPartition based on a stale partition epoch.
    InvalidUpdateVersion,
    NotEnoughReplicas,
    NotEnoughReplicasAfterAppend,
    RequestTimedOut,
    OffsetOutOfRange,
    UnknownTopicOrPartition,
    /// The broker is not (or no longer) the group's coordinator.
    NotCoordinator,
    /// No live broker can coordinate the group right now.
    CoordinatorNotAvailable,
    /// The request's generation is not the group's current one (the member missed a rebalance).
    IllegalGeneration,
    /// The coordinator does not know the member (it was removed from the group).
    UnknownMemberId,
    /// The group is rebalancing: rejoin.
    RebalanceInProgress,
    /// An idempotent batch whose first sequence does not follow the partition's last one for
    /// its producer (KIP-98).
    OutOfOrderSequenceNumber,
    /// A batch from an older epoch of its producer id than the partition has seen.
    InvalidProducerEpoch,
    /// The transaction coordinator knows a newer epoch of this `transactional.id`: another
    /// producer instance took it over (zombie fencing, KIP-98). Fatal for the producer.
    ProducerFenced,
    /// The transactional id's previous transaction is still being completed: retry.
    ConcurrentTransactions,
    /// The request does not fit the transaction's state (EndTxn with no transaction open).
    InvalidTxnState,
    /// OffsetFetch with `require_stable` for a partition whose transactional offsets are still
    /// pending (KIP-447): retry.
    UnstableOffsetCommit,
}

impl KafkaError {
    /// Kafka's name for the error (`NOT_ENOUGH_REPLICAS`, ...).
    pub fn name(self) -> &'static str {
        match self {
            KafkaError::NotLeaderOrFollower => "NOT_LEADER_OR_FOLLOWER",
            KafkaError::FencedLeaderEpoch => "FENCED_LEADER_EPOCH",
            KafkaError::UnknownLeaderEpoch => "UNKNOWN_LEADER_EPOCH",
            KafkaError::InvalidUpdateVersion => "INVALID_UPDATE_VERSION",
            KafkaError::NotEnoughReplicas => "NOT_ENOUGH_REPLICAS",
            KafkaError::NotEnoughReplicasAfterAppend => "NOT_ENOUGH_REPLICAS_AFTER_APPEND",
            KafkaError::RequestTimedOut => "REQUEST_TIMED_OUT",
            KafkaError::OffsetOutOfRange => "OFFSET_OUT_OF_RANGE",
            KafkaError::UnknownTopicOrPartition => "UNKNOWN_TOPIC_OR_PARTITION",
            KafkaError::NotCoordinator => "NOT_COORDINATOR",
            KafkaError::CoordinatorNotAvailable => "COORDINATOR_NOT_AVAILABLE",
            KafkaError::OutOfOrderSequenceNumber => "OUT_OF_ORDER_SEQUENCE_NUMBER",
            KafkaError::InvalidProducerEpoch => "INVALID_PRODUCER_EPOCH",
            KafkaError::ProducerFenced => "PRODUCER_FENCED",
            KafkaError::ConcurrentTransactions => "CONCURRENT_TRANSACTIONS",
            KafkaError::InvalidTxnState => "INVALID_TXN_STATE",
            KafkaError::UnstableOffsetCommit => "UNSTABLE_OFFSET_COMMIT",
            KafkaError::IllegalGeneration => "ILLEGAL_GENERATION",
            KafkaError::UnknownMemberId => "UNKNOWN_MEMBER_ID",
            KafkaError::RebalanceInProgress => "REBALANCE_IN_PROGRESS",
        }
    }

    /// Whether a client retries on this error (Kafka's `RetriableException` subclasses).
    pub fn is_retriable(self) -> bool {
        !matches!(
            self,
            KafkaError::OffsetOutOfRange
                | KafkaError::InvalidUpdateVersion
                | KafkaError::IllegalGeneration
                | KafkaError::UnknownMemberId
                // The idempotent producer decides these itself (see `producer::idempotence`).
                | KafkaError::OutOfOrderSequenceNumber
                | KafkaError::InvalidProducerEpoch
                | KafkaError::ProducerFenced
                | KafkaError::InvalidTxnState
        )
    }

    /// Whether the client should refresh its metadata before retrying (the leader moved).
    pub fn needs_metadata_refresh(self) -> bool {
        matches!(
            self,
            KafkaError::NotLeaderOrFollower
                | KafkaError::FencedLeaderEpoch
                | KafkaError::UnknownLeaderEpoch
                | KafkaError::UnknownTopicOrPartition
                | KafkaError::RequestTimedOut
        )
    }
}
