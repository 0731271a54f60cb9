//! Record batches: how Kafka's log really holds records (the v2 message format, KIP-98).
//!
//! Every append writes one **batch**: a header with the base offset, the leader epoch, and the
//! producer's identity for idempotence and transactions — producer id, producer epoch, base
//! sequence — plus the transactional and control flags; then the records, at consecutive offsets.
//! A **control batch** holds one control record: a transaction's COMMIT or ABORT marker, written by
//! the partition leader on the transaction coordinator's order; it takes an offset like any record
//! (so offset gaps in what a consumer reads are normal) but is never handed to the application.
//!
//! Without the idempotent producer (not simulated yet) batches carry Kafka's "no producer" values:
//! producer id −1, epoch −1, sequence −1 (`RecordBatch.NO_PRODUCER_ID` and friends).

use crate::ids::RecordId;
use serde::{Deserialize, Serialize};

/// `RecordBatch.NO_PRODUCER_ID`.
pub const NO_PRODUCER_ID: i64 = -1;
/// `RecordBatch.NO_PRODUCER_EPOCH`.
pub const NO_PRODUCER_EPOCH: i16 = -1;
/// `RecordBatch.NO_SEQUENCE`.
pub const NO_SEQUENCE: i32 = -1;

/// What the producer puts in a batch's header (the leader adds offsets and its epoch).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProducerBatchHeader {
    pub producer_id: i64,
    pub producer_epoch: i16,
    pub base_sequence: i32,
    pub transactional: bool,
}

impl ProducerBatchHeader {
    /// A batch from a producer without idempotence or transactions.
    pub const PLAIN: ProducerBatchHeader = ProducerBatchHeader {
        producer_id: NO_PRODUCER_ID,
        producer_epoch: NO_PRODUCER_EPOCH,
        base_sequence: NO_SEQUENCE,
        transactional: false,
    };
}

/// A control record's type (Kafka's `ControlRecordType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ControlType {
    Commit,
    Abort,
}

/// A batch as the log holds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchHeader {
    pub base_offset: u64,
    /// Records in the batch (offsets `base_offset ..= base_offset + record_count − 1`).
    pub record_count: u32,
    pub leader_epoch: u32,
    pub producer: ProducerBatchHeader,
    /// A control batch: `Some` marker type.
    pub control: Option<ControlType>,
}

impl BatchHeader {
    pub fn last_offset(&self) -> u64 {
        self.base_offset + u64::from(self.record_count.max(1)) - 1
    }
    pub fn end_offset(&self) -> u64 {
        self.base_offset + u64::from(self.record_count)
    }
    pub fn contains(&self, offset: u64) -> bool {
        (self.base_offset..self.end_offset()).contains(&offset)
    }
}

impl RecordId {
    /// The identity given to the `n`th control record of a log (producer 0 is no application's:
    /// applications are numbered from 1). The checker skips these.
    pub fn control(n: u32) -> RecordId {
        RecordId {
            producer: 0,
            seq: n,
        }
    }

    /// Whether this is a control record's identity, not an application's record.
    pub fn is_control(self) -> bool {
        self.producer == 0
    }
}
