//! Producer state: what a partition replica remembers of each idempotent producer (KIP-98).
//!
//! Every batch of an idempotent producer carries its producer id, producer epoch and the base
//! sequence number of its first record, counted per partition from 0. Each replica keeps, per
//! producer id, the epoch and the metadata of the **last 5 batches** it appended (Kafka's
//! `ProducerStateEntry.NUM_BATCHES_TO_RETAIN`), built from the batches in its log — on followers
//! from the replicated batches too — so that a newly elected leader knows them. The leader checks
//! each incoming batch against it (Kafka's `UnifiedLog.analyzeAndValidateProducerState` and
//! `ProducerAppendInfo`), in this order:
//!
//! 1. **Duplicate**: same epoch, and the same first and last sequence as a retained batch — the
//!    batch was appended before (its response was lost, or it timed out): it is *not* appended
//!    again, and the producer is answered with the original batch's offset.
//! 2. **Epoch**: an epoch below the producer's current one is refused with
//!    `INVALID_PRODUCER_EPOCH`.
//! 3. **Sequence**: within the current epoch the first sequence must follow the last one
//!    (`OUT_OF_ORDER_SEQUENCE_NUMBER` otherwise); a new, higher epoch must start at sequence 0. A
//!    producer id the replica has no state for (a new producer, or one whose batches retention
//!    deleted) is accepted at any sequence, as Kafka does.
//!
//! After a truncation the state is rebuilt from the batches left in the log (Kafka reloads it
//! from its snapshots and the log). Retention deleting old batches does not forget a producer
//! (Kafka keeps the state in snapshots until `producer.id.expiration.ms`, 1 day by default,
//! which no scenario here reaches).

use super::{BatchHeader, ProducerBatchHeader};
use crate::flat::FlatMap;
use crate::message::KafkaError;
use std::collections::VecDeque;

/// Batches remembered per producer id (Kafka's `ProducerStateEntry.NUM_BATCHES_TO_RETAIN`).
pub const BATCHES_RETAINED: usize = 5;

/// What a replica remembers of one appended batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BatchMetadata {
    pub first_sequence: i32,
    pub last_sequence: i32,
    pub base_offset: u64,
    pub record_count: u32,
}

impl BatchMetadata {
    /// The offset after the batch's last record.
    pub fn end_offset(&self) -> u64 {
        self.base_offset + u64::from(self.record_count)
    }
}

/// One producer id's state on a replica.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProducerEntry {
    pub epoch: i16,
    /// The last [`BATCHES_RETAINED`] batches appended in `epoch`, oldest first.
    pub batches: VecDeque<BatchMetadata>,
}

impl ProducerEntry {
    fn last_sequence(&self) -> Option<i32> {
        self.batches.back().map(|b| b.last_sequence)
    }
}

/// What the leader does with an incoming batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SequenceCheck {
    /// Append it.
    Append,
    /// Already appended: answer with this batch's offset, append nothing.
    Duplicate(BatchMetadata),
    /// Refuse it with this error.
    Refuse(KafkaError),
}

/// Every idempotent producer's state on one replica, by producer id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProducerStateTable {
    producers: FlatMap<i64, ProducerEntry>,
}

/// `nextSeq` follows `lastSeq` (sequences wrap at `i32::MAX`, as Kafka's `inSequence`).
fn in_sequence(last: i32, next: i32) -> bool {
    next == last.wrapping_add(1) || (next == 0 && last == i32::MAX)
}

impl ProducerStateTable {
    /// No idempotent producer has written here.
    pub fn is_empty(&self) -> bool {
        self.producers.is_empty()
    }

    /// The state this table holds for `producer_id`.
    pub fn entry(&self, producer_id: i64) -> Option<&ProducerEntry> {
        self.producers.get(&producer_id)
    }

    /// Checks an incoming batch of `record_count` records from `producer` (see the module docs).
    pub fn check(&self, producer: &ProducerBatchHeader, record_count: u32) -> SequenceCheck {
        if producer.producer_id < 0 {
            return SequenceCheck::Append;
        }
        let Some(entry) = self.producers.get(&producer.producer_id) else {
            return SequenceCheck::Append;
        };
        let last = producer
            .base_sequence
            .wrapping_add(record_count.saturating_sub(1) as i32);
        if producer.producer_epoch == entry.epoch {
            if let Some(original) = entry
                .batches
                .iter()
                .find(|b| b.first_sequence == producer.base_sequence && b.last_sequence == last)
            {
                return SequenceCheck::Duplicate(*original);
            }
        }
        if producer.producer_epoch < entry.epoch {
            return SequenceCheck::Refuse(KafkaError::InvalidProducerEpoch);
        }
        let in_order = if producer.producer_epoch > entry.epoch {
            producer.base_sequence == 0
        } else {
            entry
                .last_sequence()
                .is_none_or(|l| in_sequence(l, producer.base_sequence))
        };
        if in_order {
            SequenceCheck::Append
        } else {
            SequenceCheck::Refuse(KafkaError::OutOfOrderSequenceNumber)
        }
    }

    /// Remembers a batch appended to the log (by the leader, or copied by a follower): a data
    /// batch's sequences, a marker's epoch.
    pub fn update(&mut self, batch: &BatchHeader) {
        let producer = batch.producer;
        if producer.producer_id < 0 || batch.record_count == 0 {
            return;
        }
        let entry = self.producers.entry(producer.producer_id).or_default();
        if batch.control.is_some() {
            // A transaction marker carries the producer's current epoch: one written after an
            // epoch bump (a fenced producer's transaction aborted) fences the older epoch here
            // too (Kafka's `ProducerAppendInfo.appendEndTxnMarker`).
            if producer.producer_epoch > entry.epoch {
                entry.epoch = producer.producer_epoch;
                entry.batches.clear();
            }
            return;
        }
        if producer.producer_epoch != entry.epoch {
            entry.epoch = producer.producer_epoch;
            entry.batches.clear();
        }
        entry.batches.push_back(BatchMetadata {
            first_sequence: producer.base_sequence,
            last_sequence: producer
                .base_sequence
                .wrapping_add(batch.record_count as i32 - 1),
            base_offset: batch.base_offset,
            record_count: batch.record_count,
        });
        if entry.batches.len() > BATCHES_RETAINED {
            entry.batches.pop_front();
        }
    }

    /// The state a log's batches imply (after a truncation).
    pub fn rebuilt<'a>(batches: impl IntoIterator<Item = &'a BatchHeader>) -> Self {
        let mut table = ProducerStateTable::default();
        for b in batches {
            table.update(b);
        }
        table
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(pid: i64, epoch: i16, seq: i32) -> ProducerBatchHeader {
        ProducerBatchHeader {
            producer_id: pid,
            producer_epoch: epoch,
            base_sequence: seq,
            transactional: false,
        }
    }

    fn batch(pid: i64, epoch: i16, seq: i32, base_offset: u64, count: u32) -> BatchHeader {
        BatchHeader {
            base_offset,
            record_count: count,
            leader_epoch: 0,
            producer: header(pid, epoch, seq),
            control: None,
        }
    }

    #[test]
    fn a_resent_batch_is_a_duplicate_answered_with_its_original_offset() {
        let mut t = ProducerStateTable::default();
        assert_eq!(t.check(&header(7, 0, 0), 2), SequenceCheck::Append);
        t.update(&batch(7, 0, 0, 10, 2));
        t.update(&batch(7, 0, 2, 12, 1));
        match t.check(&header(7, 0, 0), 2) {
            SequenceCheck::Duplicate(b) => assert_eq!((b.base_offset, b.record_count), (10, 2)),
            other => panic!("{other:?}"),
        }
        assert_eq!(t.check(&header(7, 0, 3), 1), SequenceCheck::Append);
    }

    #[test]
    fn a_gap_an_old_epoch_and_a_new_epoch_not_at_zero_are_refused() {
        let mut t = ProducerStateTable::default();
        t.update(&batch(7, 1, 0, 0, 3));
        assert_eq!(
            t.check(&header(7, 1, 5), 1),
            SequenceCheck::Refuse(KafkaError::OutOfOrderSequenceNumber)
        );
        assert_eq!(
            t.check(&header(7, 0, 3), 1),
            SequenceCheck::Refuse(KafkaError::InvalidProducerEpoch)
        );
        assert_eq!(
            t.check(&header(7, 2, 4), 1),
            SequenceCheck::Refuse(KafkaError::OutOfOrderSequenceNumber)
        );
        assert_eq!(t.check(&header(7, 2, 0), 1), SequenceCheck::Append);
        // An unknown producer id is accepted at any sequence; a plain batch is never checked.
        assert_eq!(t.check(&header(8, 0, 42), 1), SequenceCheck::Append);
        assert_eq!(
            t.check(&ProducerBatchHeader::PLAIN, 1),
            SequenceCheck::Append
        );
    }

    #[test]
    fn only_the_last_five_batches_are_remembered_and_a_rebuild_matches_the_log() {
        let batches: Vec<BatchHeader> = (0..7).map(|i| batch(7, 0, i, i as u64, 1)).collect();
        let t = ProducerStateTable::rebuilt(&batches);
        let entry = t.entry(7).unwrap();
        assert_eq!(entry.batches.len(), BATCHES_RETAINED);
        assert_eq!(entry.batches.front().unwrap().first_sequence, 2);
        // The oldest batch is forgotten: its resend is out of order, not a duplicate.
        assert_eq!(
            t.check(&header(7, 0, 0), 1),
            SequenceCheck::Refuse(KafkaError::OutOfOrderSequenceNumber)
        );
        // After truncating the last two batches, a rebuild remembers up to sequence 4.
        let t = ProducerStateTable::rebuilt(&batches[..5]);
        assert_eq!(t.check(&header(7, 0, 5), 1), SequenceCheck::Append);
    }
}
