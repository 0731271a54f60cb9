//! What a partition replica knows of the transactions in its log (KIP-98): which are still open,
//! where the **last stable offset** is, and which were aborted.
//!
//! A transactional producer's batches are written to the log like any others, flagged
//! transactional; the transaction ends with a **control batch** — a COMMIT or ABORT marker —
//! that the transaction coordinator has the partition leader write. Until then the transaction is
//! *open* (Kafka's `ProducerStateManager.ongoingTxns`); after its marker is written it stays
//! *unstable* until the marker is below the high watermark (`unreplicatedTxns`), because a
//! `read_committed` reader must see the marker to know whether to drop the records.
//!
//! - **LSO** (`UnifiedLog.lastStableOffset`): the first offset of the earliest unstable
//!   transaction, capped at the high watermark; the high watermark when none is unstable. A
//!   `read_committed` fetch returns records below it only, so one open transaction holds back every
//!   `read_committed` reader of the partition, even for records of other producers written after it.
//! - **Aborted transactions index** (Kafka's `.txnindex`): per aborted transaction its producer id,
//!   first offset and the offset of its ABORT marker. A `read_committed` fetch response lists the
//!   aborted transactions that overlap the records it returns, and the consumer drops their records
//!   (Kafka's `CompletedFetch.abortedProducerIds`). A `read_uncommitted` fetch gets no such list:
//!   aborted records reach the application (an *aborted read*).
//!
//! The index is built from the batches as they are appended (on followers from the replicated
//! batches too), and rebuilt from the batches left after a truncation, as Kafka rebuilds its
//! producer state from the log.

use super::{BatchHeader, ControlType};
use crate::flat::FlatMap;
use serde::{Deserialize, Serialize};

/// One aborted transaction on this partition (an entry of Kafka's transaction index).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AbortedTxn {
    pub producer_id: i64,
    /// The offset of the transaction's first record on this partition.
    pub first_offset: u64,
    /// The offset of its ABORT marker.
    pub last_offset: u64,
}

/// The open, unstable and aborted transactions of one replica's log.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TransactionIndex {
    /// Open transactions: producer id → first offset.
    ongoing: FlatMap<i64, u64>,
    /// Completed transactions whose marker is not below the HW yet: (first offset, marker offset).
    unreplicated: Vec<(u64, u64)>,
    /// Aborted transactions, in marker order.
    aborted: Vec<AbortedTxn>,
}

impl TransactionIndex {
    /// Builds the index from a log's batches (after a truncation), given its high watermark.
    pub fn rebuilt<'a>(batches: impl Iterator<Item = &'a BatchHeader>, hw: u64) -> Self {
        let mut index = TransactionIndex::default();
        for b in batches {
            index.on_batch(b);
        }
        index.on_high_watermark(hw);
        index
    }

    /// A batch was appended: a transactional data batch opens (or continues) its producer's
    /// transaction; a marker ends it.
    pub fn on_batch(&mut self, batch: &BatchHeader) {
        let pid = batch.producer.producer_id;
        if pid < 0 {
            return;
        }
        match batch.control {
            None if batch.producer.transactional && batch.record_count > 0 => {
                self.ongoing.entry(pid).or_insert(batch.base_offset);
            }
            None => {}
            Some(kind) => {
                // A marker for a producer with no open transaction here (a partition the
                // transaction registered but never wrote, or a marker written twice) completes
                // nothing (Kafka's `appendEndTxnMarker` emits a CompletedTxn only then).
                let Some(first) = self.ongoing.remove(&pid) else {
                    return;
                };
                let marker = batch.base_offset;
                if kind == ControlType::Abort {
                    self.aborted.push(AbortedTxn {
                        producer_id: pid,
                        first_offset: first,
                        last_offset: marker,
                    });
                }
                self.unreplicated.push((first, marker));
            }
        }
    }

    /// The high watermark moved: transactions whose marker is now below it are stable.
    pub fn on_high_watermark(&mut self, hw: u64) {
        self.unreplicated.retain(|(_, marker)| *marker >= hw);
    }

    /// The first offset of the earliest transaction not yet stable.
    pub fn first_unstable_offset(&self) -> Option<u64> {
        let ongoing = self.ongoing.values().copied().min();
        let unreplicated = self.unreplicated.iter().map(|(first, _)| *first).min();
        match (ongoing, unreplicated) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The last stable offset for a log whose high watermark is `hw`.
    pub fn last_stable_offset(&self, hw: u64) -> u64 {
        self.first_unstable_offset()
            .map_or(hw, |first| first.min(hw))
    }

    /// Open transactions: (producer id, first offset).
    pub fn ongoing(&self) -> impl Iterator<Item = (i64, u64)> + '_ {
        self.ongoing.iter().map(|(p, o)| (*p, *o))
    }

    /// Aborted transactions overlapping offsets `from .. to` (what a read_committed fetch
    /// response lists with the records it returns).
    pub fn aborted_overlapping(&self, from: u64, to: u64) -> Vec<AbortedTxn> {
        self.aborted
            .iter()
            .filter(|a| a.last_offset >= from && a.first_offset < to)
            .copied()
            .collect()
    }

    /// Every aborted transaction the index holds.
    pub fn aborted(&self) -> &[AbortedTxn] {
        &self.aborted
    }

    /// Retention deleted everything below `offset`: entries wholly below it go.
    pub fn drop_before(&mut self, offset: u64) {
        self.aborted.retain(|a| a.last_offset >= offset);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::RecordId;
    use crate::log::{PartitionLog, ProducerBatchHeader};
    use crate::time::SimTime;

    fn txn(pid: i64) -> ProducerBatchHeader {
        ProducerBatchHeader {
            producer_id: pid,
            producer_epoch: 0,
            base_sequence: 0,
            transactional: true,
        }
    }

    fn rec(seq: u32) -> (RecordId, Option<u32>) {
        (RecordId { producer: 1, seq }, None)
    }

    #[test]
    fn an_open_transaction_holds_the_last_stable_offset_until_its_marker_is_below_the_hw() {
        let mut log = PartitionLog::default();
        log.append(0, SimTime::ZERO, ProducerBatchHeader::PLAIN, [rec(0)]);
        log.append(0, SimTime::ZERO, txn(7), [rec(1), rec(2)]);
        log.append(0, SimTime::ZERO, ProducerBatchHeader::PLAIN, [rec(3)]);
        log.advance_high_watermark(4);
        assert_eq!(log.last_stable_offset(), 1, "held at the open transaction");
        let marker = log.append_control(0, SimTime::ZERO, txn(7), ControlType::Commit);
        assert_eq!(marker, 4);
        assert_eq!(
            log.last_stable_offset(),
            1,
            "the marker is not below the HW yet"
        );
        log.advance_high_watermark(5);
        assert_eq!(log.last_stable_offset(), 5);
    }

    #[test]
    fn aborted_transactions_are_indexed_and_survive_truncation_of_later_batches() {
        let mut log = PartitionLog::default();
        log.append(0, SimTime::ZERO, txn(7), [rec(0)]);
        log.append(0, SimTime::ZERO, txn(8), [rec(1)]);
        log.append_control(0, SimTime::ZERO, txn(7), ControlType::Abort);
        log.append(0, SimTime::ZERO, txn(9), [rec(2)]);
        assert_eq!(
            log.aborted_transactions(0, 10),
            vec![AbortedTxn {
                producer_id: 7,
                first_offset: 0,
                last_offset: 2
            }]
        );
        log.advance_high_watermark(3);
        assert_eq!(
            log.last_stable_offset(),
            1,
            "producer 8's transaction is open"
        );
        log.truncate_to(3);
        assert_eq!(log.aborted_transactions(0, 10).len(), 1);
        log.truncate_to(2);
        assert!(
            log.aborted_transactions(0, 10).is_empty(),
            "its marker went"
        );
        assert_eq!(
            log.last_stable_offset(),
            0,
            "producer 7's transaction is open again"
        );
    }
}
