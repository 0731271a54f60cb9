//! The producer and consumer sections of a scenario: Kafka's client settings (real names and
//! defaults) and the application's own (`records`, `interval_ms`, `processing_ms`).

use crate::assignor::AssignmentStrategy;
use crate::message::Acks;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProducerConfig {
    /// How many records the application sends.
    pub records: u32,
    /// The topic it writes (the scenario's first when not named).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    /// Time between two `send()` calls of the application.
    #[serde(default = "default_interval_ms")]
    pub interval_ms: u64,
    #[serde(default)]
    pub start_ms: u64,
    /// Records get keys `k0 .. k{keys-1}` in turn, and the key's murmur2 hash picks the partition
    /// (Kafka's default partitioner); 0 means keyless records.
    #[serde(default)]
    pub keys: u32,
    #[serde(rename = "acks", default = "default_acks")]
    pub acks: Acks,
    #[serde(rename = "retries", default = "default_retries")]
    pub retries: u32,
    #[serde(rename = "request.timeout.ms", default = "default_request_timeout_ms")]
    pub request_timeout_ms: u64,
    #[serde(
        rename = "delivery.timeout.ms",
        default = "default_delivery_timeout_ms"
    )]
    pub delivery_timeout_ms: u64,
    #[serde(
        rename = "max.in.flight.requests.per.connection",
        default = "default_max_in_flight"
    )]
    pub max_in_flight: u32,
    /// Records per batch at most (Kafka's `batch.size` is in bytes; records are unit-sized here).
    #[serde(default = "default_batch_records")]
    pub batch_records: u32,
    /// How long a new batch waits for more records before it is sent (Kafka 3.x default 0;
    /// Kafka 4.0 made it 5, KIP-1030).
    #[serde(rename = "linger.ms", default)]
    pub linger_ms: u64,
    /// The first retry's backoff (KIP-580: doubles per attempt up to `retry.backoff.max.ms`).
    #[serde(rename = "retry.backoff.ms", default = "default_retry_backoff_ms")]
    pub retry_backoff_ms: u64,
    #[serde(
        rename = "retry.backoff.max.ms",
        default = "default_retry_backoff_max_ms"
    )]
    pub retry_backoff_max_ms: u64,
    /// `enable.idempotence`: unset means Kafka's default (true since 3.0, KIP-679, and silently
    /// off when acks≠all, retries=0 or more than 5 requests in flight; an explicit `true` with
    /// such a setting is refused, as Kafka refuses it). See
    /// [`ProducerConfig::kafka_idempotence`] and [`crate::producer::idempotence`].
    #[serde(
        rename = "enable.idempotence",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub enable_idempotence: Option<bool>,
    #[serde(
        rename = "metadata.max.age.ms",
        default = "default_metadata_max_age_ms"
    )]
    pub metadata_max_age_ms: u64,
    /// `transactional.id`: the producer writes in transactions (KIP-98); needs idempotence.
    #[serde(
        rename = "transactional.id",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub transactional_id: Option<String>,
    /// `transaction.timeout.ms`: the coordinator aborts a transaction open longer.
    #[serde(
        rename = "transaction.timeout.ms",
        default = "default_transaction_timeout_ms"
    )]
    pub transaction_timeout_ms: u64,
    /// Application (transactional producers): records per transaction; after that many
    /// `send()`s it calls `commitTransaction()` (which waits for every send to be acknowledged).
    #[serde(default = "default_records_per_transaction")]
    pub records_per_transaction: u32,
    /// Application: the transactions (counted from 0) it ends with `abortTransaction()` instead.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub abort_transactions: Vec<u32>,
}

fn default_transaction_timeout_ms() -> u64 {
    60_000
}
fn default_records_per_transaction() -> u32 {
    4
}

fn default_metadata_max_age_ms() -> u64 {
    300_000
}
fn default_retry_backoff_ms() -> u64 {
    100
}
fn default_retry_backoff_max_ms() -> u64 {
    1_000
}

/// Whether Kafka would run this producer idempotent, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Idempotence {
    /// Set explicitly, or Kafka's default with nothing against it.
    On,
    /// `enable.idempotence=false`.
    OffByChoice,
    /// Unset, and Kafka turned it off silently because of this setting (KIP-679).
    OffSilently(&'static str),
}

impl ProducerConfig {
    /// A producer that sends `records`, with every other setting at its default (as a file that
    /// names only `records` gets).
    pub fn sending(records: u32) -> Self {
        ProducerConfig {
            records,
            topic: None,
            interval_ms: default_interval_ms(),
            start_ms: 0,
            keys: 0,
            acks: default_acks(),
            retries: default_retries(),
            request_timeout_ms: default_request_timeout_ms(),
            delivery_timeout_ms: default_delivery_timeout_ms(),
            max_in_flight: default_max_in_flight(),
            batch_records: default_batch_records(),
            linger_ms: 0,
            retry_backoff_ms: default_retry_backoff_ms(),
            retry_backoff_max_ms: default_retry_backoff_max_ms(),
            enable_idempotence: None,
            metadata_max_age_ms: default_metadata_max_age_ms(),
            transactional_id: None,
            transaction_timeout_ms: default_transaction_timeout_ms(),
            records_per_transaction: default_records_per_transaction(),
            abort_transactions: Vec::new(),
        }
    }

    /// The first setting that rules idempotence out (Kafka's `ProducerConfig`
    /// `postProcessAndValidateIdempotenceConfigs`): acks other than all, retries=0, or more than
    /// 5 requests in flight.
    pub fn idempotence_conflict(&self) -> Option<&'static str> {
        if self.acks != Acks::All {
            Some("acks")
        } else if self.retries == 0 {
            Some("retries")
        } else if self.max_in_flight > 5 {
            Some("max.in.flight.requests.per.connection")
        } else {
            None
        }
    }

    /// What Kafka (≥ 3.0) would do with these settings.
    pub fn kafka_idempotence(&self) -> Idempotence {
        match (self.enable_idempotence, self.idempotence_conflict()) {
            (Some(false), _) => Idempotence::OffByChoice,
            (None, Some(field)) => Idempotence::OffSilently(field),
            _ => Idempotence::On,
        }
    }
}

fn default_interval_ms() -> u64 {
    10
}
fn default_acks() -> Acks {
    Acks::All
}
fn default_retries() -> u32 {
    i32::MAX as u32
}
fn default_request_timeout_ms() -> u64 {
    30_000
}
fn default_delivery_timeout_ms() -> u64 {
    120_000
}
fn default_max_in_flight() -> u32 {
    5
}
fn default_batch_records() -> u32 {
    16
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OffsetReset {
    Earliest,
    Latest,
}

/// Where the application processes the records `poll()` returns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProcessingStyle {
    /// One after another inside the poll loop; the next poll() comes after the last one.
    #[default]
    InLoop,
    /// Handed to a worker thread that processes them later; the loop polls again at once.
    HandOff,
}

/// How the application commits when `enable.auto.commit` is false (after processing).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ManualCommit {
    /// `commitSync()`: wait for the answer (retrying) before polling again.
    #[default]
    Sync,
    /// `commitAsync()`: send and poll on; a failed commit is not retried.
    Async,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsumerConfig {
    #[serde(rename = "group.id")]
    pub group_id: String,
    /// The topics it subscribes to (the scenario's first when none is named).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<String>,
    #[serde(default)]
    pub start_ms: u64,
    /// Time the application spends on each record.
    #[serde(default = "default_processing_ms")]
    pub processing_ms: u64,
    #[serde(rename = "auto.offset.reset", default = "default_offset_reset")]
    pub auto_offset_reset: OffsetReset,
    #[serde(rename = "enable.auto.commit", default = "default_true")]
    pub enable_auto_commit: bool,
    #[serde(
        rename = "auto.commit.interval.ms",
        default = "default_auto_commit_interval_ms"
    )]
    pub auto_commit_interval_ms: u64,
    #[serde(rename = "max.poll.records", default = "default_max_poll_records")]
    pub max_poll_records: u32,
    #[serde(rename = "fetch.max.wait.ms", default = "default_fetch_max_wait_ms")]
    pub fetch_max_wait_ms: u64,
    #[serde(rename = "request.timeout.ms", default = "default_request_timeout_ms")]
    pub request_timeout_ms: u64,
    #[serde(rename = "session.timeout.ms", default = "default_session_timeout_ms")]
    pub session_timeout_ms: u64,
    #[serde(
        rename = "heartbeat.interval.ms",
        default = "default_heartbeat_interval_ms"
    )]
    pub heartbeat_interval_ms: u64,
    #[serde(
        rename = "max.poll.interval.ms",
        default = "default_max_poll_interval_ms"
    )]
    pub max_poll_interval_ms: u64,
    #[serde(rename = "partition.assignment.strategy", default)]
    pub assignment_strategy: AssignmentStrategy,
    /// Application: in the poll loop, or handed to a worker.
    #[serde(default)]
    pub processing: ProcessingStyle,
    /// Application: `commitSync` or `commitAsync` after processing (manual commit only).
    #[serde(default)]
    pub commit: ManualCommit,
    #[serde(
        rename = "metadata.max.age.ms",
        default = "default_metadata_max_age_ms"
    )]
    pub metadata_max_age_ms: u64,
    /// `isolation.level`: which records a fetch may return — everything below the high watermark
    /// (`read_uncommitted`, Kafka's default), or only committed transactions' records, below the
    /// last stable offset (`read_committed`).
    #[serde(rename = "isolation.level", default)]
    pub isolation_level: IsolationLevel,
    /// Application: a consume-transform-produce processor instead of the process-and-commit
    /// loop (see [`crate::app::transform_loop`]): each record's result goes to `output` in a
    /// transaction that also carries the consumed offsets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transform: Option<TransformConfig>,
    /// Application: a database writer instead of the process-and-commit loop (see
    /// [`crate::app::db_writer`]): each record becomes a row, then the offsets are committed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database: Option<super::database::DbWriterConfig>,
    /// Application: a Kafka Connect sink task instead of the process-and-commit loop (see
    /// [`crate::app::sink_task`]): batches `put` to a database table, offsets committed every
    /// `offset.flush.interval.ms`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sink: Option<super::connect::SinkTaskConfig>,
}

/// A consume-transform-produce application (Kafka's exactly-once processing loop: KIP-98's
/// `sendOffsetsToTransaction`, KIP-447's consumer group metadata). Its transactional producer is
/// a producer node of its own in the scene, numbered after the scenario's producers; crashing or
/// pausing either crashes or pauses the whole process.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransformConfig {
    /// The topic the results go to.
    pub output: String,
    /// The embedded producer's `transactional.id` (one per instance, as Kafka Streams' EOS v2
    /// gives each thread its own).
    #[serde(rename = "transactional.id")]
    pub transactional_id: String,
    #[serde(
        rename = "transaction.timeout.ms",
        default = "default_transaction_timeout_ms"
    )]
    pub transaction_timeout_ms: u64,
    /// After an aborted transaction, seek back to the committed offsets (as Kafka's examples
    /// do). `false` is the mistake the lesson shows: the loop goes on from its position, and the
    /// aborted transaction's inputs are never processed again.
    #[serde(default = "default_true")]
    pub rewind_on_abort: bool,
    /// Application: the transactions (counted from 0 over the application's life) it aborts — a
    /// processing error.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub abort_transactions: Vec<u32>,
}

impl TransformConfig {
    /// The embedded producer's settings: Kafka's defaults with this `transactional.id` (so
    /// idempotent, acks=all), writing `output`, sending nothing on its own.
    pub fn producer_config(&self) -> ProducerConfig {
        let mut p = ProducerConfig::sending(0);
        p.topic = Some(self.output.clone());
        p.transactional_id = Some(self.transactional_id.clone());
        p.transaction_timeout_ms = self.transaction_timeout_ms;
        p
    }
}

/// `isolation.level` (consumer).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IsolationLevel {
    /// Everything below the high watermark, records of aborted transactions included.
    #[default]
    ReadUncommitted,
    /// Only committed transactions' records (and plain ones), up to the last stable offset.
    ReadCommitted,
}

impl IsolationLevel {
    /// The value as Kafka (and a scenario file) writes it.
    pub fn name(self) -> &'static str {
        match self {
            IsolationLevel::ReadUncommitted => "read_uncommitted",
            IsolationLevel::ReadCommitted => "read_committed",
        }
    }
}

impl ConsumerConfig {
    /// A consumer in `group`, with every other setting at its default.
    pub fn in_group(group: &str) -> Self {
        ConsumerConfig {
            group_id: group.to_string(),
            topics: Vec::new(),
            start_ms: 0,
            processing_ms: default_processing_ms(),
            auto_offset_reset: default_offset_reset(),
            enable_auto_commit: true,
            auto_commit_interval_ms: default_auto_commit_interval_ms(),
            max_poll_records: default_max_poll_records(),
            fetch_max_wait_ms: default_fetch_max_wait_ms(),
            request_timeout_ms: default_request_timeout_ms(),
            session_timeout_ms: default_session_timeout_ms(),
            heartbeat_interval_ms: default_heartbeat_interval_ms(),
            max_poll_interval_ms: default_max_poll_interval_ms(),
            assignment_strategy: AssignmentStrategy::default(),
            processing: ProcessingStyle::default(),
            commit: ManualCommit::default(),
            metadata_max_age_ms: default_metadata_max_age_ms(),
            isolation_level: IsolationLevel::default(),
            transform: None,
            database: None,
            sink: None,
        }
    }
}

fn default_session_timeout_ms() -> u64 {
    45_000
}
fn default_heartbeat_interval_ms() -> u64 {
    3_000
}
fn default_max_poll_interval_ms() -> u64 {
    300_000
}

fn default_processing_ms() -> u64 {
    1
}
fn default_offset_reset() -> OffsetReset {
    OffsetReset::Latest
}
fn default_true() -> bool {
    true
}
fn default_auto_commit_interval_ms() -> u64 {
    5_000
}
fn default_max_poll_records() -> u32 {
    500
}
fn default_fetch_max_wait_ms() -> u64 {
    500
}
