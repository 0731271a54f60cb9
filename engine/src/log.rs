//! A partition replica's log.
//!
//! Kafka's log is an append-only sequence of records addressed by *offset*. The **log end offset**
//! (LEO) is the offset the next append gets. The **high watermark** (HW) is the offset below which
//! records are *committed* (present on every in-sync replica); consumers reading with
//! `isolation.level=read_uncommitted` see only records below it, and the HW never moves backward
//! (Kafka documentation, Design: Replication). Each record keeps the leader epoch it was written in,
//! which leader-epoch truncation (KIP-101/279) uses when a replica rejoins.

use crate::ids::RecordId;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogRecord {
    pub offset: u64,
    pub leader_epoch: u32,
    pub key: Option<u32>,
    pub id: RecordId,
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
            });
        }
        base
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
        log.append(0, [(id(0), None), (id(1), None)]);
        log.start_epoch(1); // a leader elected at epoch 1 that wrote nothing
        log.append(2, [(id(2), None)]);
        assert_eq!(log.epoch_starts(), &[(0, 0), (1, 2), (2, 2)]);
        assert_eq!(log.end_offset_for_epoch(0), Some((0, 2)));
        assert_eq!(log.end_offset_for_epoch(1), Some((1, 2)));
        assert_eq!(log.end_offset_for_epoch(2), Some((2, 3)));
        assert_eq!(log.end_offset_for_epoch(7), Some((2, 3)));
    }

    #[test]
    fn truncation_removes_the_tail_and_caps_the_high_watermark() {
        let mut log = PartitionLog::default();
        log.append(0, [(id(0), None), (id(1), None), (id(2), None)]);
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
        leader.append(3, [(id(0), None), (id(1), None)]);
        let mut follower = PartitionLog::default();
        follower.append_replicated(&leader.records()[1..]); // a gap: ignored
        assert_eq!(follower.log_end_offset(), 0);
        follower.append_replicated(leader.records());
        assert_eq!(follower.records(), leader.records());
        assert_eq!(follower.latest_epoch(), Some(3));
    }
}
