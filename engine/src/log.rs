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

use crate::ids::RecordId;
use crate::time::SimTime;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogRecord {
    pub offset: u64,
    pub leader_epoch: u32,
    pub key: Option<u32>,
    pub id: RecordId,
    /// When the leader appended it (what time-based retention compares with `retention.ms`).
    pub timestamp: SimTime,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartitionLog {
    /// First offset still held (retention moves it forward).
    log_start: u64,
    records: Vec<LogRecord>,
    high_watermark: u64,
    /// The leader-epoch cache: (epoch, first offset written in it), ascending (KIP-101).
    epoch_starts: Vec<(u32, u64)>,
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
    pub fn records(&self) -> &[LogRecord] {
        &self.records
    }

    /// The record at `offset`, if the log holds it.
    pub fn record_at(&self, offset: u64) -> Option<&LogRecord> {
        let i = offset.checked_sub(self.log_start)?;
        self.records.get(usize::try_from(i).ok()?)
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
        let removed = self.records.split_off(keep);
        self.high_watermark = self.high_watermark.min(self.log_end_offset());
        let end = self.log_end_offset();
        self.epoch_starts.retain(|(_, start)| *start < end);
        removed
    }

    /// A follower appends what it fetched from the leader, keeping each record's epoch.
    pub fn append_replicated(&mut self, records: &[LogRecord]) {
        for r in records {
            if r.offset != self.log_end_offset() {
                continue;
            }
            if self.latest_epoch().is_none_or(|e| e < r.leader_epoch) {
                self.epoch_starts.push((r.leader_epoch, r.offset));
            }
            self.records.push(*r);
        }
    }

    /// Records from `offset` up to the log end, at most `max` (what a follower fetch returns).
    pub fn read_from(&self, offset: u64, max: usize) -> &[LogRecord] {
        if offset < self.log_start || offset >= self.log_end_offset() {
            return &[];
        }
        let from = (offset - self.log_start) as usize;
        let to = self.records.len().min(from.saturating_add(max));
        &self.records[from..to]
    }

    /// Appends records at the log end, returning the base offset.
    pub fn append(
        &mut self,
        leader_epoch: u32,
        timestamp: SimTime,
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
        base
    }

    /// Where retention may delete up to: the first offset that is not both committed (below the
    /// HW) and older than `cutoff`.
    pub fn retention_point(&self, cutoff: SimTime) -> u64 {
        let committed = self.read_committed_from(self.log_start, usize::MAX);
        let expired = committed.partition_point(|r| r.timestamp < cutoff);
        self.log_start + expired as u64
    }

    /// Deletes every record below `offset` (at most up to the HW) and moves the log start offset
    /// there; returns the deleted records.
    pub fn delete_records_before(&mut self, offset: u64) -> Vec<LogRecord> {
        let offset = offset.min(self.high_watermark).max(self.log_start);
        let n = (offset - self.log_start) as usize;
        let deleted: Vec<LogRecord> = self.records.drain(..n).collect();
        self.log_start = offset;
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
        self.records.clear();
        self.epoch_starts.clear();
        self.log_start = offset;
        self.high_watermark = offset;
    }

    /// Moves the high watermark forward to `hw` (capped at the LEO). Returns whether it moved.
    /// It never moves backward: a lower value is ignored.
    pub fn advance_high_watermark(&mut self, hw: u64) -> bool {
        let hw = hw.min(self.log_end_offset());
        if hw > self.high_watermark {
            self.high_watermark = hw;
            true
        } else {
            false
        }
    }

    /// Committed records from `offset`, at most `max`: what a read_uncommitted consumer may read.
    pub fn read_committed_from(&self, offset: u64, max: usize) -> &[LogRecord] {
        if offset < self.log_start || offset >= self.high_watermark {
            return &[];
        }
        let from = (offset - self.log_start) as usize;
        let to = ((self.high_watermark - self.log_start) as usize).min(from.saturating_add(max));
        &self.records[from..to]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(seq: u32) -> RecordId {
        RecordId { producer: 1, seq }
    }

    #[test]
    fn epoch_cache_answers_offsets_for_leader_epoch() {
        let mut log = PartitionLog::default();
        log.append(0, SimTime::ZERO, [(id(0), None), (id(1), None)]);
        log.start_epoch(1); // a leader elected at epoch 1 that wrote nothing
        log.append(2, SimTime::ZERO, [(id(2), None)]);
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
        leader.append(3, SimTime::ZERO, [(id(0), None), (id(1), None)]);
        let mut follower = PartitionLog::default();
        follower.append_replicated(&leader.records()[1..]); // a gap: ignored
        assert_eq!(follower.log_end_offset(), 0);
        follower.append_replicated(leader.records());
        assert_eq!(follower.records(), leader.records());
        assert_eq!(follower.latest_epoch(), Some(3));
    }

    #[test]
    fn retention_deletes_old_committed_records_from_the_start_only() {
        let mut log = PartitionLog::default();
        log.append(0, SimTime::from_ms(1), [(id(0), None), (id(1), None)]);
        log.append(1, SimTime::from_ms(5), [(id(2), None)]);
        log.append(1, SimTime::from_ms(9), [(id(3), None)]);
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
