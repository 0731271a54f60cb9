//! The transactional side of the record fates: which copies in the log that counts belong to a
//! transaction, and what became of it. A transactional copy is *open* while below the HW with no
//! marker of its producer below the HW after it; the marker crossing the HW decides it —
//! *committed* (counted as any committed record) or *aborted* (never visible to `read_committed`;
//! an aborted read for any group that processed it).

use super::*;
use crate::log::ControlType;

/// What became of a transactional data copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum TxnStatus {
    Open,
    Committed,
    Aborted,
}

/// A transactional offset of a counted log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum TxnOffset {
    Data {
        producer_id: i64,
        status: TxnStatus,
    },
    Marker {
        producer_id: i64,
        control: ControlType,
    },
}

/// Takes back what a copy counted (it left the log that counts, or fell above its HW).
pub(super) fn undo_counted(f: &mut RecordFacts, status: Option<TxnOffset>, below_hw: bool) {
    match status {
        None if below_hw => f.committed -= 1,
        None | Some(TxnOffset::Marker { .. }) => {}
        Some(TxnOffset::Data { status, .. }) => match status {
            TxnStatus::Committed => f.committed -= 1,
            TxnStatus::Aborted => f.aborted -= 1,
            TxnStatus::Open if below_hw => f.open -= 1,
            TxnStatus::Open => {}
        },
    }
}

impl CountedLog {
    /// Whether the copy at `offset` is transactional and not decided yet.
    pub(super) fn is_undecided(&self, offset: u64) -> bool {
        matches!(
            self.txn.get(&offset),
            Some(TxnOffset::Data {
                status: TxnStatus::Open,
                ..
            })
        )
    }

    /// Whether the copy at `offset` belongs to an aborted transaction.
    pub(super) fn is_aborted(&self, offset: u64) -> bool {
        matches!(
            self.txn.get(&offset),
            Some(TxnOffset::Data {
                status: TxnStatus::Aborted,
                ..
            })
        )
    }

    /// Notes the transactional batches of `log` in offsets `from .. to`.
    pub(super) fn note_transactional(&mut self, log: &PartitionLog, from: u64, to: u64) {
        if log.producer_state().is_empty() {
            // No idempotent producer wrote here, so no transactional one did.
            return;
        }
        let mut offset = from;
        while offset < to {
            let Some(batch) = log.batch_of(offset) else {
                offset += 1;
                continue;
            };
            let end = batch.end_offset().min(to);
            let producer_id = batch.producer.producer_id;
            if let Some(control) = batch.control {
                self.txn.insert(
                    offset,
                    TxnOffset::Marker {
                        producer_id,
                        control,
                    },
                );
            } else if batch.producer.transactional {
                for o in offset..end {
                    self.txn.insert(
                        o,
                        TxnOffset::Data {
                            producer_id,
                            status: TxnStatus::Open,
                        },
                    );
                }
            }
            offset = end.max(offset + 1);
        }
    }

    fn forget_pending(&mut self, producer_id: i64, offset: u64) {
        if let Some(p) = self.pending.get_mut(&producer_id) {
            p.retain(|o| *o != offset);
        }
    }

    /// Removes `offset`'s transactional entry (retention deleted it).
    pub(super) fn take_txn(&mut self, offset: u64) -> Option<TxnOffset> {
        let entry = self.txn.remove(&offset)?;
        if let TxnOffset::Data { producer_id, .. } = entry {
            self.forget_pending(producer_id, offset);
        }
        Some(entry)
    }

    /// The HW fell below `offset`: its data copy is undecided again (above the HW). Returns what
    /// it had counted.
    pub(super) fn reopen_txn(&mut self, offset: u64) -> Option<TxnOffset> {
        let entry = self.txn.get(&offset).copied()?;
        if let TxnOffset::Data { producer_id, .. } = entry {
            self.forget_pending(producer_id, offset);
            self.txn.insert(
                offset,
                TxnOffset::Data {
                    producer_id,
                    status: TxnStatus::Open,
                },
            );
        }
        Some(entry)
    }
}

impl RecordFates {
    /// The HW of `tp` passed `offset` (holding `id`): a transactional copy waits for its marker,
    /// a marker decides its transaction. Returns false for a plain record (counted as committed
    /// by the caller).
    pub(super) fn transactional_crossed_hw(
        &mut self,
        tp: TopicPartition,
        offset: u64,
        id: RecordId,
    ) -> bool {
        let known = self.logs.get_mut(&tp).expect("synced log");
        if known.txn.is_empty() {
            return id.is_control();
        }
        match known.txn.get(&offset).copied() {
            None => id.is_control(),
            Some(TxnOffset::Data { producer_id, .. }) => {
                known.pending.entry(producer_id).or_default().push(offset);
                self.update(id, |f| f.open += 1);
                true
            }
            Some(TxnOffset::Marker {
                producer_id,
                control,
            }) => {
                let offsets = known.pending.remove(&producer_id).unwrap_or_default();
                for o in offsets {
                    self.decide(tp, o, producer_id, control);
                }
                true
            }
        }
    }

    /// The copy at `offset` belongs to a transaction its marker just decided.
    fn decide(&mut self, tp: TopicPartition, offset: u64, producer_id: i64, control: ControlType) {
        let known = self.logs.get_mut(&tp).expect("synced log");
        let Some(id) = known.id_at(offset) else {
            return;
        };
        let status = match control {
            ControlType::Commit => TxnStatus::Committed,
            ControlType::Abort => TxnStatus::Aborted,
        };
        known.txn.insert(
            offset,
            TxnOffset::Data {
                producer_id,
                status,
            },
        );
        self.update(id, |f| f.open -= 1);
        let aborted = status == TxnStatus::Aborted;
        for g in &mut self.groups {
            // A group that read this copy before it was decided read an aborted record.
            if g.read_undecided.remove(&(tp, offset)) && aborted {
                g.aborted_reads += 1;
            }
        }
        if aborted {
            self.update(id, |f| f.aborted += 1);
            for g in &mut self.groups {
                if let Some(on) = g.partitions.get_mut(&tp) {
                    on.skipped.remove(&offset);
                }
            }
        } else {
            self.count_committed(tp, offset, id);
        }
    }
}
