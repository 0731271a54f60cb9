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

    /// Appends records at the log end, returning the base offset.
    pub fn append(
        &mut self,
        leader_epoch: u32,
        batch: impl IntoIterator<Item = (RecordId, Option<u32>)>,
    ) -> u64 {
        let base = self.log_end_offset();
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
        let to = ((self.high_watermark - self.log_start) as usize).min(from + max);
        &self.records[from..to]
    }
}
