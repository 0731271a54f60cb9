//! The trace: the engine's timed account of what happened, and its contract with the renderer.
//!
//! Every message put on the network is a [`TraceKind::Flight`] with its send and arrival times
//! (RaftScope's idea: the renderer places the dot at `(now - sent) / (arrives - sent)` along the
//! edge), and every state change that matters for delivery guarantees — an append, a high-watermark
//! move, an acknowledgement, a record processed, an offset committed, a fault — is an entry too.
//! The outcome report is computed from this history, not guessed by the viewer.

use crate::action::Action;
/// The types trace entries carry, for readers of the trace (the page's event list).
pub use crate::coordinator::txn::{AbortCause, TxnState};
use crate::ids::{MemberId, NodeId, RecordId, TopicPartition};
pub use crate::log::ControlType;
use crate::message::{KafkaError, MessageKind};
use crate::time::SimTime;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceEvent {
    pub at: SimTime,
    #[serde(flatten)]
    pub what: TraceKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TraceKind {
    /// A message left `from` at the event's time.
    Flight {
        /// The run's count of messages so far (u32, so that a flight fits the trace entry's size
        /// on wasm32 with its first record; a run of 4 billion messages is far beyond any the
        /// page or the runner plays).
        id: u32,
        from: NodeId,
        to: NodeId,
        kind: MessageKind,
        records: u32,
        /// The first record it carries (a produce request's or a fetch response's).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        first_record: Option<RecordId>,
        /// When it arrives, or (if `lost`) when it vanishes.
        arrives: SimTime,
        lost: bool,
    },
    /// The producer application created a record (`producer.send()` was called).
    RecordCreated {
        producer: NodeId,
        record: RecordId,
        partition: TopicPartition,
    },
    /// A consumer validating its position after a leader change (KIP-320) found that the new
    /// leader's log diverges before it: it resets to the divergence point instead of skipping
    /// the records that replaced what it had read.
    ConsumerTruncationDetected {
        consumer: NodeId,
        partition: TopicPartition,
        /// The position it had.
        position: u64,
        /// Where the new leader's log stops agreeing with what it read.
        reset_to: u64,
    },
    /// A broker appended a batch to a partition replica's log.
    Appended {
        broker: NodeId,
        partition: TopicPartition,
        base_offset: u64,
        records: Vec<RecordId>,
    },
    /// A partition leader's high watermark moved forward.
    HighWatermark {
        broker: NodeId,
        partition: TopicPartition,
        high_watermark: u64,
    },
    /// The producer got its acknowledgement (for acks=0: it considers the send done, offset unknown).
    Acknowledged {
        producer: NodeId,
        partition: TopicPartition,
        base_offset: Option<u64>,
        records: Vec<RecordId>,
    },
    /// An idempotent producer got its producer id and epoch (InitProducerId, KIP-98).
    ProducerIdAssigned {
        producer: NodeId,
        producer_id: i64,
        producer_epoch: i16,
    },
    /// A transaction coordinator moved a transactional id to a new state (KIP-98).
    TxnStateChanged {
        transactional_id: String,
        coordinator: NodeId,
        producer_id: i64,
        producer_epoch: i16,
        state: crate::coordinator::txn::TxnState,
        /// For an abort: who wanted it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cause: Option<crate::coordinator::txn::AbortCause>,
    },
    /// A transactional id's coordinator moved (its `__transaction_state` partition's leader was
    /// fenced), or it has none.
    TxnCoordinatorMoved {
        transactional_id: String,
        coordinator: Option<NodeId>,
    },
    /// A partition leader wrote a transaction marker (a control record) at `offset`.
    TxnMarkerWritten {
        broker: NodeId,
        partition: TopicPartition,
        producer_id: i64,
        control: crate::log::ControlType,
        offset: u64,
    },
    /// A transactional producer learned it was fenced (`PRODUCER_FENCED` or
    /// `INVALID_PRODUCER_EPOCH`): another instance has its `transactional.id`. Fatal: it stops.
    ProducerFenced { producer: NodeId, error: KafkaError },
    /// A transactional producer's `commitTransaction()` / `abortTransaction()` returned.
    TransactionEnded {
        producer: NodeId,
        committed: bool,
        /// Records the transaction carried.
        records: u32,
    },
    /// A leader recognised a batch it had already appended (same producer id, epoch and
    /// sequences): nothing appended, the producer answered with the original offset.
    DuplicateBatch {
        broker: NodeId,
        partition: TopicPartition,
        producer_id: i64,
        base_sequence: i32,
        base_offset: u64,
        records: Vec<RecordId>,
    },
    /// A produce attempt failed; `retrying` says whether the producer sends the batch again.
    ProduceFailed {
        producer: NodeId,
        partition: TopicPartition,
        error: KafkaError,
        records: Vec<RecordId>,
        retrying: bool,
    },
    /// A consumer finished processing a record.
    Processed {
        consumer: NodeId,
        group: String,
        partition: TopicPartition,
        offset: u64,
        record: RecordId,
    },
    /// The group coordinator stored a committed offset (the next offset to read).
    OffsetCommitted {
        coordinator: NodeId,
        group: String,
        partition: TopicPartition,
        offset: u64,
    },
    /// The group coordinator accepted a TxnOffsetCommit: the offsets wait for the transaction's
    /// marker (KIP-98 `sendOffsetsToTransaction`).
    TxnOffsetsPending {
        coordinator: NodeId,
        group: String,
        producer_id: i64,
        offsets: Vec<(TopicPartition, u64)>,
    },
    /// The transaction's marker reached the group's offsets partition: its pending offsets were
    /// committed (then `OffsetCommitted` follows per partition) or dropped.
    TxnOffsetsCompleted {
        coordinator: NodeId,
        group: String,
        producer_id: i64,
        committed: bool,
    },
    /// A read_committed consumer's OffsetFetch was answered `UNSTABLE_OFFSET_COMMIT`: a
    /// transaction holding offsets of its partitions is not complete yet (KIP-447).
    OffsetsUnstable { consumer: NodeId },
    /// A consume-transform-produce application's transaction was aborted: it seeks back to the
    /// committed offsets (`rewound`), or — the mistake — goes on from its position.
    AfterAbort {
        consumer: NodeId,
        rewound: bool,
        /// The positions it goes on from when it does not rewind.
        positions: Vec<(TopicPartition, u64)>,
    },
    /// An application gave up after a fatal error (its transactional producer was fenced) and
    /// its process exited.
    ProcessExited { node: NodeId },
    /// A fault or user action took effect.
    Action { action: Action },
    /// The controller fenced a broker whose heartbeats stopped.
    BrokerFenced { broker: NodeId },
    /// A fenced broker heartbeated again and was unfenced.
    BrokerUnfenced { broker: NodeId },
    /// The controller chose a leader (or none: the partition is offline).
    LeaderElected {
        partition: TopicPartition,
        leader: Option<NodeId>,
        leader_epoch: u32,
        isr: Vec<u32>,
        unclean: bool,
    },
    /// An unclean election made a leader whose log lacks records that were committed: they are
    /// lost (Kafka documentation, Design: Unclean leader election).
    CommittedRecordsLost {
        partition: TopicPartition,
        leader: NodeId,
        records: Vec<RecordId>,
    },
    /// The controller accepted a new ISR.
    IsrChanged {
        partition: TopicPartition,
        isr: Vec<u32>,
    },
    /// A replica cut its log back to the leader's epoch boundary: these records are gone from it.
    Truncated {
        broker: NodeId,
        partition: TopicPartition,
        from_offset: u64,
        records: Vec<RecordId>,
    },
    /// A message reached a node that was down and was lost there.
    Undelivered { flight: u32, to: NodeId },
    /// The coordinator refused a commit (the client's `CommitFailedException`).
    OffsetCommitRejected {
        coordinator: NodeId,
        group: String,
        member: MemberId,
        generation: u32,
        error: KafkaError,
    },
    /// The group stops for a rebalance (state PreparingRebalance).
    RebalanceStarted {
        group: String,
        /// The generation that is ending.
        generation: u32,
        reason: RebalanceReason,
    },
    /// The coordinator removed a member from the group.
    MemberRemoved {
        group: String,
        member: MemberId,
        reason: RebalanceReason,
    },
    /// Every member rejoined: a new generation with this leader (none: the group is empty).
    GenerationStarted {
        group: String,
        generation: u32,
        leader: Option<MemberId>,
        members: Vec<MemberId>,
    },
    /// The leader's assignment arrived: the group is stable; partitions per member.
    GroupStable {
        group: String,
        generation: u32,
        assignment: Vec<(MemberId, Vec<u16>)>,
    },
    /// The group's coordinator moved to another broker (none: no live broker can take it).
    CoordinatorMoved {
        group: String,
        coordinator: Option<NodeId>,
    },
    /// A consumer began consuming these partitions (`onPartitionsAssigned`).
    PartitionsAssigned {
        consumer: NodeId,
        group: String,
        partitions: Vec<u16>,
    },
    /// A consumer gave these partitions up (`onPartitionsRevoked`; `lost`: without committing,
    /// because it was already out of the group — `onPartitionsLost`).
    PartitionsRevoked {
        consumer: NodeId,
        group: String,
        partitions: Vec<u16>,
        lost: bool,
    },
    /// A commit failed at the consumer: rejected by the coordinator, or refused locally because
    /// the consumer was no longer in an active group.
    CommitFailed {
        consumer: NodeId,
        group: String,
        error: Option<KafkaError>,
    },
    /// The consumer did not call poll() within `max.poll.interval.ms`; it leaves the group.
    PollTimeoutExpired { consumer: NodeId, group: String },
    /// The topic grew from `from` to `to` partitions; keys whose partition changed, with the old
    /// and the new one (new records with those keys go elsewhere from now on).
    PartitionsCreated {
        /// The topic's name.
        topic: String,
        from: u32,
        to: u32,
        moved_keys: Vec<(u32, u16, u16)>,
    },
    /// A change of the partition count was refused (Kafka's InvalidPartitionsException message).
    PartitionChangeRefused {
        topic: String,
        requested: u32,
        reason: String,
    },
    /// Retention deleted these records from the start of a replica's log (read or not).
    RetentionDeleted {
        broker: NodeId,
        partition: TopicPartition,
        /// The new log start offset.
        log_start_offset: u64,
        records: Vec<RecordId>,
    },
    /// A consumer had no committed offset (or one outside the log) and reset by
    /// `auto.offset.reset`.
    OffsetReset {
        consumer: NodeId,
        partition: TopicPartition,
        offset: u64,
    },
    /// A database transaction (or single statement) committed this row: added, or (`replaced`)
    /// put in place of the row with the same key.
    /// (Boxed: a trace entry stays small.)
    RowWritten {
        database: NodeId,
        row: Box<WrittenRow>,
    },
    /// The database refused a request (a duplicate key, a failed compare-and-set): nothing of
    /// it was written.
    WriteRefused {
        database: NodeId,
        client: NodeId,
        record: Option<RecordId>,
        error: Box<crate::message::DbError>,
    },
}

/// Why a group rebalanced or lost a member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RebalanceReason {
    /// A new member joined.
    MemberJoined(MemberId),
    /// A known member asked to rejoin (after a revocation, or an error).
    MemberRejoined(MemberId),
    /// A member sent LeaveGroup (shut down, or its poll interval expired).
    MemberLeft,
    /// A member sent nothing for `session.timeout.ms`.
    SessionTimeout,
    /// A member did not rejoin within the rebalance timeout (`max.poll.interval.ms`).
    RebalanceTimeout,
}

impl TraceKind {
    pub fn is_flight(&self) -> bool {
        matches!(self, TraceKind::Flight { .. })
    }
}

/// A stable 64-bit digest of a trace (FNV-1a over its JSON form), for determinism checks: the
/// same scenario and seed must give the same hash natively and in wasm32.
pub fn trace_hash(trace: &[TraceEvent]) -> u64 {
    let mut hasher = TraceHasher::default();
    hasher.update(trace);
    hasher.finish()
}

/// [`trace_hash`] computed piece by piece, for runs too long to keep their whole trace.
#[derive(Default)]
pub struct TraceHasher(Fnv1a);

impl TraceHasher {
    pub fn update(&mut self, events: &[TraceEvent]) {
        for event in events {
            serde_json::to_writer(&mut self.0, event).expect("trace events always serialize");
        }
    }
    pub fn finish(&self) -> u64 {
        self.0 .0
    }
}

struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl std::io::Write for Fnv1a {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        for b in buf {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A row a database transaction committed (see [`TraceKind::RowWritten`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WrittenRow {
    pub table: String,
    pub key: String,
    /// The Kafka record it was written for (`None`: a bookkeeping row, e.g. stored offsets).
    pub record: Option<RecordId>,
    /// The consumer process that wrote it, and which instance of it.
    pub writer: NodeId,
    pub incarnation: u32,
    pub replaced: bool,
}

// A trace entry's size is what a long run's memory grows with: keep it at 56 bytes on wasm32.
#[cfg(target_arch = "wasm32")]
const _: () = assert!(std::mem::size_of::<TraceEvent>() <= 56);
