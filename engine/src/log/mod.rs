//! A partition replica's log.
//!
//! Kafka's log is an append-only sequence of records addressed by *offset*. The **log end offset**
//! (LEO) is the offset the next append gets. The **high watermark** (HW) is the offset below which
//! records are *committed* (present on every in-sync replica); consumers reading with
//! `isolation.level=read_uncommitted` see only records below it, and the HW never moves backward
//! (Kafka documentation, Design: Replication). Each record keeps the leader epoch it was written in,
//! which leader-epoch truncation (KIP-101/279) uses when a replica rejoins.
//!
//! **Retention** (`retention.ms`) deletes records from the *start* of the log, whether anyone
//! read them or not, and moves the **log start offset** forward; a fetch below it gets
//! `OFFSET_OUT_OF_RANGE`. Kafka deletes whole segments below the HW whose newest record is older
//! than `retention.ms`; here every record is its own segment (a simplification of scale, not of
//! the rule), and its timestamp is when the leader appended it.
//!
//! The log holds **batches** ([`batch`]): each append is one batch header (base offset, leader
//! epoch, producer id/epoch/base sequence, transactional and control flags) over its records, and
//! followers copy the headers with the records. Records are addressed by offset in O(1); a record's
//! batch is found by binary search. Everything is kept in [`ChunkedVec`]s, so a checkpoint of the
//! world shares the log's unchanged chunks instead of copying them.
//!
//! Naming: *below the high watermark* (what a `read_uncommitted` consumer may read) is called
//! that, not "committed", so it is never confused with `read_committed` (transactions).

pub mod batch;
pub mod producer_state;
pub mod txn_index;

pub use batch::{BatchHeader, ControlType, ProducerBatchHeader};
pub use producer_state::{ProducerStateTable, SequenceCheck};
pub use txn_index::{AbortedTxn, TransactionIndex};

use crate::chunked::ChunkedVec;
use crate::ids::RecordId;
use crate::time::SimTime;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogRecord {
    pub offset: u64,
    pub leader_epoch: u32,
    pub key: Option<u32>,
    /// The application's record, or a control record's identity ([`RecordId::control`]).
    pub id: RecordId,
    /// When the leader appended it (what time-based retention compares with `retention.ms`).
    pub timestamp: SimTime,
}

#[derive(Clone, Debug, Default)]
pub struct PartitionLog {
    /// First offset still held (retention moves it forward).
    log_start: u64,
    records: ChunkedVec<LogRecord>,
    /// Batch headers in offset order; the first may begin before the log start (retention
    /// deletes record by record here).
    batches: ChunkedVec<BatchHeader>,
    high_watermark: u64,
    /// The leader-epoch cache: (epoch, first offset written in it), ascending (KIP-101).
    epoch_starts: Vec<(u32, u64)>,
    /// Control records written so far (their identities are numbered by this).
    controls: u32,
    /// The idempotent producers' last batches, built from the batches in this log.
    producers: ProducerStateTable,
    /// Open and aborted transactions (the LSO and the aborted index), built from the batches.
    txns: TransactionIndex,
}

impl PartialEq for PartitionLog {
    fn eq(&self, other: &Self) -> bool {
        self.log_start == other.log_start
            && self.high_watermark == other.high_watermark
            && self.epoch_starts == other.epoch_starts
            && self.records == other.records
            && self.batches == other.batches
    }
}

impl PartitionLog {
    pub fn log_start_offset(&self) -> u64 {
        self.log_start
    }
    pub fn log_end_offset(&self) -> u64 {
        self.log_start + self.records.len() as u64
    }
    pub fn high_watermark(&self) -> u64 {
        self.high_watermark
    }
    /// Every record held, in offset order.
    pub fn records(&self) -> crate::chunked::Iter<'_, LogRecord> {
        self.records.iter()
    }
    /// How many records the log holds.
    pub fn len(&self) -> usize {
        self.records.len()
    }
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
    /// The newest `n` records, oldest first.
    pub fn newest(&self, n: usize) -> crate::chunked::Iter<'_, LogRecord> {
        let len = self.records.len();
        self.records.range(len.saturating_sub(n), len)
    }
    /// Every batch header, in offset order.
    pub fn batches(&self) -> crate::chunked::Iter<'_, BatchHeader> {
        self.batches.iter()
    }

    /// How many chunks of records this log shares with `other` (a checkpoint's copy): the
    /// measure of copy-on-write sharing.
    pub fn shared_chunks_with(&self, other: &PartitionLog) -> usize {
        self.records.shared_chunks_with(&other.records)
    }

    /// The record at `offset`, if the log holds it.
    pub fn record_at(&self, offset: u64) -> Option<&LogRecord> {
        let i = offset.checked_sub(self.log_start)?;
        self.records.get(usize::try_from(i).ok()?)
    }

    /// The batch holding `offset`, if the log holds it.
    pub fn batch_of(&self, offset: u64) -> Option<&BatchHeader> {
        if offset < self.log_start || offset >= self.log_end_offset() {
            return None;
        }
        let i = self.batches.partition_point(|b| b.base_offset <= offset);
        self.batches
            .get(i.checked_sub(1)?)
            .filter(|b| b.contains(offset))
    }

    /// The leader-epoch cache, (epoch, start offset) ascending.
    pub fn epoch_starts(&self) -> &[(u32, u64)] {
        &self.epoch_starts
    }

    /// The newest epoch this log has an entry for.
    pub fn latest_epoch(&self) -> Option<u32> {
        self.epoch_starts.last().map(|(e, _)| *e)
    }

    /// A new leader records that its epoch starts at the current log end.
    pub fn start_epoch(&mut self, epoch: u32) {
        if self.latest_epoch().is_none_or(|e| e < epoch) {
            self.epoch_starts.push((epoch, self.log_end_offset()));
        }
    }

    /// The answer to OffsetsForLeaderEpoch: the largest epoch ≤ `epoch` this log knows, and the
    /// offset where that epoch ends (the next epoch's start, or the log end). `None` when the log
    /// knows no epoch that old.
    pub fn end_offset_for_epoch(&self, epoch: u32) -> Option<(u32, u64)> {
        let i = self.epoch_starts.partition_point(|(e, _)| *e <= epoch);
        if i == 0 {
            return None;
        }
        let found = self.epoch_starts[i - 1].0;
        let end = self
            .epoch_starts
            .get(i)
            .map_or(self.log_end_offset(), |(_, start)| *start);
        Some((found, end))
    }

    /// Removes every record at or after `offset`, returning them (leader-epoch truncation).
    /// The high watermark is capped at the new log end.
    pub fn truncate_to(&mut self, offset: u64) -> Vec<LogRecord> {
        if offset >= self.log_end_offset() {
            return Vec::new();
        }
        let keep = offset.saturating_sub(self.log_start) as usize;
        let removed = self.records.to_vec_range(keep, self.records.len());
        self.records.truncate(keep);
        let whole = self.batches.partition_point(|b| b.base_offset < offset);
        self.batches.truncate(whole);
        if let Some(last) = whole.checked_sub(1).and_then(|i| self.batches.get_mut(i)) {
            if last.end_offset() > offset {
                last.record_count = (offset - last.base_offset) as u32;
            }
        }
        self.high_watermark = self.high_watermark.min(self.log_end_offset());
        let end = self.log_end_offset();
        self.epoch_starts.retain(|(_, start)| *start < end);
        if !self.producers.is_empty() {
            // A truncation only removes batches: without state before, there is none after
            // (every transactional batch is an idempotent producer's, so this covers both).
            self.producers = ProducerStateTable::rebuilt(self.batches.iter());
            self.txns = TransactionIndex::rebuilt(self.batches.iter(), self.high_watermark);
        }
        removed
    }

    /// The open and aborted transactions this replica's log holds.
    pub fn transactions(&self) -> &TransactionIndex {
        &self.txns
    }

    /// The last stable offset: what a `read_committed` consumer may read up to
    /// ([`txn_index`]).
    pub fn last_stable_offset(&self) -> u64 {
        self.txns.last_stable_offset(self.high_watermark)
    }

    /// Aborted transactions overlapping `from .. to`.
    pub fn aborted_transactions(&self, from: u64, to: u64) -> Vec<AbortedTxn> {
        self.txns.aborted_overlapping(from, to)
    }

    /// Records below the last stable offset from `offset`, at most `max`: what a
    /// `read_committed` consumer may read (it drops aborted ones and markers itself).
    pub fn read_below_last_stable_offset(&self, offset: u64, max: usize) -> Vec<LogRecord> {
        let lso = self.last_stable_offset();
        if offset < self.log_start || offset >= lso {
            return Vec::new();
        }
        let from = (offset - self.log_start) as usize;
        let to = ((lso - self.log_start) as usize).min(from.saturating_add(max));
        self.records.to_vec_range(from, to)
    }

    /// The idempotent producers' state this replica holds.
    pub fn producer_state(&self) -> &ProducerStateTable {
        &self.producers
    }

    /// A follower appends what it fetched from the leader — the batch headers and their
    /// records — keeping each batch's epoch and producer fields. Records not at the log end are
    /// ignored (a stale or overlapping response).
    pub fn append_replicated(&mut self, batches: &[BatchHeader], records: &[LogRecord]) {
        for r in records {
            if r.offset != self.log_end_offset() {
                continue;
            }
            if self.latest_epoch().is_none_or(|e| e < r.leader_epoch) {
                self.epoch_starts.push((r.leader_epoch, r.offset));
            }
            let starts_batch = self
                .batches
                .last()
                .is_none_or(|b| b.end_offset() <= r.offset);
            if starts_batch {
                let mut header = batches
                    .iter()
                    .find(|b| b.contains(r.offset))
                    .copied()
                    .unwrap_or(BatchHeader {
                        base_offset: r.offset,
                        record_count: 1,
                        leader_epoch: r.leader_epoch,
                        producer: ProducerBatchHeader::PLAIN,
                        control: None,
                    });
                if header.base_offset == r.offset {
                    // The whole batch as the leader wrote it: remember its producer's sequences
                    // and its transaction.
                    self.producers.update(&header);
                    self.txns.on_batch(&header);
                }
                // A batch whose first records this log did not take starts here.
                header.record_count = (header.end_offset() - r.offset) as u32;
                header.base_offset = r.offset;
                self.batches.push(header);
            }
            if r.id.is_control() {
                self.controls = self.controls.max(r.id.seq + 1);
            }
            self.records.push(*r);
        }
    }

    /// Records from `offset` up to the log end, at most `max` (what a follower fetch returns).
    pub fn read_from(&self, offset: u64, max: usize) -> Vec<LogRecord> {
        if offset < self.log_start || offset >= self.log_end_offset() {
            return Vec::new();
        }
        let from = (offset - self.log_start) as usize;
        self.records.to_vec_range(from, from.saturating_add(max))
    }

    /// The batch headers covering `records` (sent with them in a fetch response).
    pub fn batches_for(&self, records: &[LogRecord]) -> Vec<BatchHeader> {
        let (Some(first), Some(last)) = (records.first(), records.last()) else {
            return Vec::new();
        };
        let from = self
            .batches
            .partition_point(|b| b.end_offset() <= first.offset);
        let to = self
            .batches
            .partition_point(|b| b.base_offset <= last.offset);
        self.batches.to_vec_range(from, to)
    }

    /// Appends a producer's batch at the log end, returning its base offset.
    pub fn append(
        &mut self,
        leader_epoch: u32,
        timestamp: SimTime,
        producer: ProducerBatchHeader,
        batch: impl IntoIterator<Item = (RecordId, Option<u32>)>,
    ) -> u64 {
        let base = self.log_end_offset();
        self.start_epoch(leader_epoch);
        for (id, key) in batch {
            let offset = self.log_end_offset();
            self.records.push(LogRecord {
                offset,
                leader_epoch,
                key,
                id,
                timestamp,
            });
        }
        let count = (self.log_end_offset() - base) as u32;
        if count > 0 {
            let header = BatchHeader {
                base_offset: base,
                record_count: count,
                leader_epoch,
                producer,
                control: None,
            };
            self.producers.update(&header);
            self.txns.on_batch(&header);
            self.batches.push(header);
        }
        base
    }

    /// Appends a control batch (a transaction marker) for `producer`, returning its offset.
    pub fn append_control(
        &mut self,
        leader_epoch: u32,
        timestamp: SimTime,
        producer: ProducerBatchHeader,
        control: ControlType,
    ) -> u64 {
        let offset = self.log_end_offset();
        self.start_epoch(leader_epoch);
        let id = RecordId::control(self.controls);
        self.controls += 1;
        self.records.push(LogRecord {
            offset,
            leader_epoch,
            key: None,
            id,
            timestamp,
        });
        let header = BatchHeader {
            base_offset: offset,
            record_count: 1,
            leader_epoch,
            producer,
            control: Some(control),
        };
        self.producers.update(&header);
        self.txns.on_batch(&header);
        self.batches.push(header);
        offset
    }

    /// Where retention may delete up to: the first offset that is not both below the HW and
    /// older than `cutoff`.
    pub fn retention_point(&self, cutoff: SimTime) -> u64 {
        let below = (self.high_watermark.saturating_sub(self.log_start)) as usize;
        let expired = self
            .records
            .partition_point(|r| r.offset < self.high_watermark && r.timestamp < cutoff)
            .min(below);
        self.log_start + expired as u64
    }

    /// Deletes every record below `offset` (at most up to the HW) and moves the log start offset
    /// there; returns the deleted records.
    pub fn delete_records_before(&mut self, offset: u64) -> Vec<LogRecord> {
        let offset = offset.min(self.high_watermark).max(self.log_start);
        let n = (offset - self.log_start) as usize;
        let deleted = self.records.to_vec_range(0, n);
        self.records.drop_front(n);
        self.log_start = offset;
        let gone = self.batches.partition_point(|b| b.end_offset() <= offset);
        self.batches.drop_front(gone);
        self.txns.drop_before(offset);
        // The epoch cache keeps the epoch that covers the new start (Kafka's truncateFromStart).
        while self.epoch_starts.len() > 1 && self.epoch_starts[1].1 <= offset {
            self.epoch_starts.remove(0);
        }
        if let Some(first) = self.epoch_starts.first_mut() {
            first.1 = first.1.max(offset);
        }
        deleted
    }

    /// A follower too far behind a leader whose retention deleted what it needs: it empties its
    /// log and starts at the leader's log start offset (KIP-107's `truncateFullyAndStartAt`).
    pub fn reset_to(&mut self, offset: u64) {
        self.records = ChunkedVec::new();
        self.batches = ChunkedVec::new();
        self.epoch_starts.clear();
        self.producers = ProducerStateTable::default();
        self.txns = TransactionIndex::default();
        self.log_start = offset;
        self.high_watermark = offset;
    }

    /// Moves the high watermark forward to `hw` (capped at the LEO). Returns whether it moved.
    /// It never moves backward: a lower value is ignored.
    pub fn advance_high_watermark(&mut self, hw: u64) -> bool {
        let hw = hw.min(self.log_end_offset());
        if hw > self.high_watermark {
            self.high_watermark = hw;
            self.txns.on_high_watermark(hw);
            true
        } else {
            false
        }
    }

    /// Records below the high watermark from `offset`, at most `max`: what a
    /// `read_uncommitted` consumer may read.
    pub fn read_below_high_watermark(&self, offset: u64, max: usize) -> Vec<LogRecord> {
        if offset < self.log_start || offset >= self.high_watermark {
            return Vec::new();
        }
        let from = (offset - self.log_start) as usize;
        let to = ((self.high_watermark - self.log_start) as usize).min(from.saturating_add(max));
        self.records.to_vec_range(from, to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: ProducerBatchHeader = ProducerBatchHeader::PLAIN;

    fn id(seq: u32) -> RecordId {
        RecordId { producer: 1, seq }
    }

    impl PartitionLog {
        fn clone_without_hw(&self) -> PartitionLog {
            let mut l = self.clone();
            l.high_watermark = 0;
            l
        }
    }

    #[test]
    fn batches_keep_their_headers_through_replication_truncation_and_retention() {
        let mut leader = PartitionLog::default();
        let idem = ProducerBatchHeader {
            producer_id: 7,
            producer_epoch: 0,
            base_sequence: 0,
            transactional: true,
        };
        leader.append(0, SimTime::from_ms(1), idem, [(id(0), None), (id(1), None)]);
        let marker = leader.append_control(0, SimTime::from_ms(2), idem, ControlType::Commit);
        leader.append(0, SimTime::from_ms(3), P, [(id(2), None)]);
        assert_eq!(marker, 2);
        assert_eq!(leader.batch_of(1).map(|b| b.producer.producer_id), Some(7));
        assert_eq!(
            leader.batch_of(2).and_then(|b| b.control),
            Some(ControlType::Commit)
        );
        assert!(leader.record_at(2).unwrap().id.is_control());
        assert_eq!(leader.batch_of(3).map(|b| b.base_offset), Some(3));
        // A follower fetching from the middle of the first batch keeps its header for the rest.
        let records = leader.read_from(0, 10);
        let mut follower = PartitionLog::default();
        follower.append_replicated(&leader.batches_for(&records), &records);
        assert_eq!(
            follower.batches().copied().collect::<Vec<_>>(),
            leader.batches().copied().collect::<Vec<_>>()
        );
        follower.truncate_to(1);
        assert_eq!(
            follower
                .batches()
                .map(|b| b.record_count)
                .collect::<Vec<_>>(),
            vec![1]
        );
        leader.advance_high_watermark(4);
        leader.delete_records_before(3);
        assert_eq!(
            leader.batches().map(|b| b.base_offset).collect::<Vec<_>>(),
            vec![3]
        );
    }

    #[test]
    fn epoch_cache_answers_offsets_for_leader_epoch() {
        let mut log = PartitionLog::default();
        log.append(0, SimTime::ZERO, P, [(id(0), None), (id(1), None)]);
        log.start_epoch(1); // a leader elected at epoch 1 that wrote nothing
        log.append(2, SimTime::ZERO, P, [(id(2), None)]);
        assert_eq!(log.epoch_starts(), &[(0, 0), (1, 2), (2, 2)]);
        assert_eq!(log.end_offset_for_epoch(0), Some((0, 2)));
        assert_eq!(log.end_offset_for_epoch(1), Some((1, 2)));
        assert_eq!(log.end_offset_for_epoch(2), Some((2, 3)));
        assert_eq!(log.end_offset_for_epoch(7), Some((2, 3)));
    }

    #[test]
    fn truncation_removes_the_tail_and_caps_the_high_watermark() {
        let mut log = PartitionLog::default();
        log.append(
            0,
            SimTime::ZERO,
            P,
            [(id(0), None), (id(1), None), (id(2), None)],
        );
        log.advance_high_watermark(3);
        let removed = log.truncate_to(1);
        assert_eq!(
            removed.iter().map(|r| r.offset).collect::<Vec<_>>(),
            vec![1, 2]
        );
        assert_eq!(log.log_end_offset(), 1);
        assert_eq!(log.high_watermark(), 1);
        assert!(log.truncate_to(5).is_empty());
    }

    #[test]
    fn replicated_appends_keep_epochs_and_skip_gaps() {
        let mut leader = PartitionLog::default();
        leader.append(3, SimTime::ZERO, P, [(id(0), None), (id(1), None)]);
        let records = leader.read_from(0, 10);
        let batches = leader.batches_for(&records);
        let mut follower = PartitionLog::default();
        follower.append_replicated(&batches, &records[1..]); // a gap: ignored
        assert_eq!(follower.log_end_offset(), 0);
        follower.append_replicated(&batches, &records);
        assert_eq!(follower, leader.clone_without_hw());
        assert_eq!(follower.latest_epoch(), Some(3));
    }

    #[test]
    fn retention_deletes_old_committed_records_from_the_start_only() {
        let mut log = PartitionLog::default();
        log.append(0, SimTime::from_ms(1), P, [(id(0), None), (id(1), None)]);
        log.append(1, SimTime::from_ms(5), P, [(id(2), None)]);
        log.append(1, SimTime::from_ms(9), P, [(id(3), None)]);
        log.advance_high_watermark(3);
        // Older than 6 ms: offsets 0..3, but offset 3 is not committed yet anyway.
        assert_eq!(log.retention_point(SimTime::from_ms(6)), 3);
        assert_eq!(
            log.retention_point(SimTime::from_ms(100)),
            3,
            "never past the HW"
        );
        let deleted = log.delete_records_before(2);
        assert_eq!(
            deleted.iter().map(|r| r.offset).collect::<Vec<_>>(),
            vec![0, 1]
        );
        assert_eq!(log.log_start_offset(), 2);
        assert_eq!(log.log_end_offset(), 4);
        assert_eq!(log.record_at(2).map(|r| r.id), Some(id(2)));
        assert!(log.read_from(1, 10).is_empty(), "below the log start");
        assert_eq!(log.epoch_starts(), &[(1, 2)]);
    }
}
