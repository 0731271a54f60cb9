//! One truth about every record: its fate, kept up to date as the simulation runs.
//!
//! Every question "what happened to this record?" — acknowledged, committed, lost, duplicated,
//! expired, not yet committed, processed by a group once, twice or never — is answered here, by
//! one definition, and nowhere else: the outcome report and the page's counters both read
//! [`RecordFates`]. (Jepsen's Kafka checker names the same anomalies from a history; this index is
//! that history, folded as it happens.)
//!
//! Three sources feed it, each through [`crate::sim::Simulation`]'s observer of the trace:
//!
//! - **The producer's view** of each record: queued or in flight, *acknowledged* (acks=1/all),
//!   *sent* (acks=0: no answer ever comes, so the producer cannot know whether it was written),
//!   or *failed* (the producer gave up).
//! - **The log that counts** for each partition: its current leader's log (the controller's
//!   choice), or, while the partition is offline, the first in-sync replica's (the one a clean
//!   election would bring back). A record below that log's high watermark is *committed*; above it,
//!   *not committed (yet)*. The index follows that log incrementally (appends, HW moves, retention)
//!   and re-reads it whole when the log that counts changes (an election, a truncation).
//! - **What each consumer group processed**, and its committed offsets.
//!
//! The fate of a record, from those facts (see [`RecordFacts::fate`]):
//!
//! | fate | definition |
//! |---|---|
//! | pending | created; queued or in flight, no answer yet |
//! | failed | the producer gave up (it may still be in the log: a timed-out append) |
//! | committed | at least one copy below the HW of the log that counts |
//! | not committed | acknowledged or sent, in the log that counts but not below its HW — *indeterminate* when a run stops there |
//! | lost | acknowledged, and not in the log that counts at all (nor deleted by retention) |
//! | sent, not in log | acks=0, sent, and not in the log that counts (the producer never knew) |
//! | expired | deleted by retention (`retention.ms`): not a loss of the log |
//! | aborted | its only copies in the log that counts belong to aborted transactions (their ABORT marker is below the HW): never visible to `read_committed` |
//!
//! A **transactional** record counts as *committed* once its transaction's COMMIT marker is
//! below the high watermark of the log that counts (before that a `read_committed` reader cannot
//! have it: the last stable offset holds it back); until its marker is there it is *in an open
//! transaction* (fate *not committed*).
//!
//! Counted besides: copies beyond the first (**duplicates in the log**), records committed once and
//! gone now (**committed then truncated**), records that landed after a later one of the same
//! producer (**reordered**). Per group: records **processed** (distinct), **processed more than
//! once**, **never processed** (below the group's reach — its committed offset, or past a later
//! record it processed — with no member having processed them; or deleted by retention before
//! anyone in the group did; aborted records are not owed to anyone), **out of order**, **aborted
//! records read** (Jepsen's *aborted read*: what a `read_uncommitted` group sees), and the
//! **lag**.

mod database;
mod groups;
mod inputs;
mod transform;
mod txn;

pub use inputs::{InputCounts, InputResult, JudgedInput};

use crate::chunked::ChunkedVec;
use crate::flat::FlatMap;
use crate::ids::{RecordId, TopicPartition};
use crate::log::PartitionLog;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use txn::{undo_counted, TxnOffset};

/// The producer's view of a record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProducerView {
    /// Created; not answered yet (queued, in flight, or waiting for a retry).
    #[default]
    Pending,
    /// The leader acknowledged it (acks=1 or all).
    Acknowledged,
    /// acks=0: written to the connection; never acknowledged.
    Sent,
    /// The producer gave up on it.
    Failed,
}

/// What happened to a record, by the one definition (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fate {
    Pending,
    Failed,
    Committed,
    NotCommitted,
    Lost,
    SentNotInLog,
    Expired,
    /// Its transaction was aborted (see the module docs).
    Aborted,
}

/// The facts the index keeps per record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordFacts {
    pub partition: TopicPartition,
    pub producer: ProducerView,
    /// Copies in the log that counts (any offset).
    pub present: u16,
    /// Copies below that log's high watermark.
    pub committed: u16,
    /// Was committed at some time.
    pub committed_ever: bool,
    /// Deleted by retention.
    pub expired: bool,
    /// Copies in aborted transactions (their marker below the HW).
    pub aborted: u16,
    /// Copies below the HW whose transaction has no marker below it yet.
    pub open: u16,
}

impl RecordFacts {
    /// The record's fate: the one definition the report and the page share.
    pub fn fate(&self) -> Fate {
        if self.committed_copies() > 0 {
            return Fate::Committed;
        }
        if self.aborted > 0 {
            return Fate::Aborted;
        }
        if self.expired {
            return Fate::Expired;
        }
        match self.producer {
            ProducerView::Pending if self.present == 0 => Fate::Pending,
            ProducerView::Failed if self.present == 0 => Fate::Failed,
            _ if self.present > 0 => Fate::NotCommitted,
            ProducerView::Acknowledged => Fate::Lost,
            ProducerView::Sent => Fate::SentNotInLog,
            _ => Fate::Pending,
        }
    }

    /// Copies of a committed record in the log that counts: those below its high watermark, or
    /// every copy of a record that was once committed and is still there. A committed record
    /// stays committed while the log holds it: after a clean election the new leader's high
    /// watermark starts at its own, which may lag until the followers fetch again (KIP-101), but
    /// the record was on every in-sync replica and is not lost.
    pub fn committed_copies(&self) -> u16 {
        if self.committed > 0 {
            self.committed
        } else if self.committed_ever {
            self.present
        } else {
            0
        }
    }

    /// Committed once, gone from the log now, and not by retention.
    fn committed_then_truncated(&self) -> bool {
        self.committed_ever && self.present == 0 && !self.expired
    }
}

/// Counts over every record, each kept up to date as facts change.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FateCounts {
    pub produced: u64,
    pub acknowledged: u64,
    /// acks=0 records sent (never acknowledged).
    pub sent: u64,
    pub failed: u64,
    /// Distinct records committed in the log.
    pub committed_in_log: u64,
    pub duplicates_in_log: u64,
    /// Acknowledged, then gone from the log that counts.
    pub lost_acknowledged: u64,
    /// Acknowledged or sent, in the log but not below the HW (indeterminate at the end).
    pub not_committed: u64,
    /// acks=0 records that never reached the log (the producer could not know).
    pub sent_not_in_log: u64,
    pub committed_then_truncated: u64,
    pub expired: u64,
    pub reordered: u64,
    /// Records whose transaction was aborted (never visible to read_committed).
    pub aborted: u64,
    /// Records below the HW in a transaction with no marker yet.
    pub in_open_transaction: u64,
}

impl FateCounts {
    fn apply(&mut self, facts: &RecordFacts, sign: i64) {
        let add = |n: &mut u64, yes: bool| {
            if yes {
                *n = n.wrapping_add_signed(sign);
            }
        };
        add(
            &mut self.acknowledged,
            facts.producer == ProducerView::Acknowledged,
        );
        add(&mut self.sent, facts.producer == ProducerView::Sent);
        add(&mut self.failed, facts.producer == ProducerView::Failed);
        let committed = facts.committed_copies();
        add(&mut self.committed_in_log, committed > 0);
        if committed > 1 {
            self.duplicates_in_log = self
                .duplicates_in_log
                .wrapping_add_signed(sign * (i64::from(committed) - 1));
        }
        let fate = facts.fate();
        add(
            &mut self.lost_acknowledged,
            fate == Fate::Lost && facts.producer == ProducerView::Acknowledged,
        );
        add(
            &mut self.not_committed,
            fate == Fate::NotCommitted
                && facts.open == 0
                && matches!(
                    facts.producer,
                    ProducerView::Acknowledged | ProducerView::Sent
                ),
        );
        add(&mut self.sent_not_in_log, fate == Fate::SentNotInLog);
        add(
            &mut self.committed_then_truncated,
            facts.committed_then_truncated(),
        );
        add(&mut self.expired, facts.expired);
        add(&mut self.aborted, fate == Fate::Aborted);
        add(
            &mut self.in_open_transaction,
            fate == Fate::NotCommitted && facts.open > 0,
        );
    }
}

/// The log that counts for one partition, as the index last read it.
#[derive(Clone, Debug, Default)]
struct CountedLog {
    /// The broker whose log it is.
    source: Option<u32>,
    log_start: u64,
    /// Record ids from the log start, in offset order.
    ids: ChunkedVec<RecordId>,
    high_watermark: u64,
    /// Per producer, the highest sequence committed so far in this log (for reordering).
    highest_seq: FlatMap<u32, u32>,
    /// Records of this log that landed after a later record of the same producer.
    reordered: u64,
    /// The transactional offsets of this log (only those): data and markers.
    txn: BTreeMap<u64, TxnOffset>,
    /// Per producer id: its data offsets below the HW whose transaction has no marker below it.
    pending: FlatMap<i64, Vec<u64>>,
}

impl CountedLog {
    fn id_at(&self, offset: u64) -> Option<RecordId> {
        let i = offset.checked_sub(self.log_start)?;
        self.ids.get(usize::try_from(i).ok()?).copied()
    }
    fn end(&self) -> u64 {
        self.log_start + self.ids.len() as u64
    }
}

/// One group on one partition.
#[derive(Clone, Debug, Default)]
struct GroupOnPartition {
    committed_offset: Option<u64>,
    /// The highest offset, in the log that counts, of a record the group processed.
    highest_processed_in_log: Option<u64>,
    /// The highest offset the group processed a record at for the first time (for ordering).
    highest_first_processed: Option<u64>,
    /// Committed offsets below the group's reach whose record no member processed.
    skipped: BTreeSet<u64>,
    /// Where `skipped` has been filled up to.
    reach: u64,
}

impl GroupOnPartition {
    fn target_reach(&self) -> u64 {
        self.committed_offset
            .unwrap_or(0)
            .max(self.highest_processed_in_log.map_or(0, |o| o + 1))
    }
}

/// One consumer group's facts.
#[derive(Clone, Debug, Default)]
struct GroupFates {
    name: String,
    /// The topics the group's members subscribe to.
    topics: Vec<u16>,
    /// Per producer: how many times the group processed each record (by sequence).
    times: Vec<ChunkedVec<u16>>,
    consumed: u64,
    processed_more_than_once: u64,
    out_of_order: u64,
    /// Records retention deleted before anyone in the group processed them.
    expired_unprocessed: BTreeSet<RecordId>,
    /// Copies of aborted transactions the group processed (aborted reads).
    aborted_reads: u64,
    /// Transactional copies the group processed before their transaction was decided: an
    /// ABORT marker for one is an aborted read.
    read_undecided: BTreeSet<(TopicPartition, u64)>,
    partitions: FlatMap<TopicPartition, GroupOnPartition>,
}

impl GroupFates {
    fn times(&self, id: RecordId) -> u16 {
        let Some(i) = (id.producer as usize).checked_sub(1) else {
            return 0;
        };
        self.times
            .get(i)
            .and_then(|t| t.get(id.seq as usize))
            .copied()
            .unwrap_or(0)
    }
}

/// What a group's facts add up to now.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct GroupCounts {
    pub consumed: u64,
    pub processed_more_than_once: u64,
    pub never_processed: u64,
    /// Records its running members hold (poll() returned them) and have not processed yet.
    pub in_progress: u64,
    pub out_of_order: u64,
    /// Records of aborted transactions its members processed (aborted reads).
    pub aborted_read: u64,
}

/// The index: every record's facts, the logs that count, and each group's processing.
#[derive(Clone, Debug, Default)]
pub struct RecordFates {
    /// Per producer (index = producer number − 1), per sequence number.
    records: Vec<ChunkedVec<RecordFacts>>,
    logs: FlatMap<TopicPartition, CountedLog>,
    groups: Vec<GroupFates>,
    counts: FateCounts,
}

impl RecordFates {
    /// An index for `producers` producers and the `groups`, each with the topics its members
    /// subscribe to (a group's fates concern only those topics).
    pub fn new(producers: usize, groups: Vec<(String, Vec<u16>)>) -> Self {
        RecordFates {
            records: vec![ChunkedVec::new(); producers],
            groups: groups
                .into_iter()
                .map(|(name, topics)| GroupFates {
                    name,
                    topics,
                    times: vec![ChunkedVec::new(); producers],
                    ..GroupFates::default()
                })
                .collect(),
            ..RecordFates::default()
        }
    }

    /// The totals now.
    pub fn counts(&self) -> &FateCounts {
        &self.counts
    }

    /// A record's facts, if it was created.
    pub fn facts(&self, id: RecordId) -> Option<&RecordFacts> {
        // (Control records have producer 0: no facts.)
        self.records
            .get((id.producer as usize).checked_sub(1)?)?
            .get(id.seq as usize)
    }

    /// A record's fate, if it was created.
    pub fn fate(&self, id: RecordId) -> Option<Fate> {
        self.facts(id).map(RecordFacts::fate)
    }

    /// Every record of a producer (1-based), in sequence order.
    pub fn producer_records(&self, producer: u32) -> impl Iterator<Item = &RecordFacts> + '_ {
        self.records
            .get((producer as usize).wrapping_sub(1))
            .into_iter()
            .flat_map(|r| r.iter())
    }

    /// How many records a producer (1-based) has created.
    pub fn produced_by(&self, producer: u32) -> usize {
        self.records
            .get((producer as usize).wrapping_sub(1))
            .map_or(0, ChunkedVec::len)
    }

    /// The newest `n` records of a producer, with their sequence numbers.
    pub fn newest_records(&self, producer: u32, n: usize) -> Vec<(u32, RecordFacts)> {
        let Some(records) = self.records.get((producer as usize).wrapping_sub(1)) else {
            return Vec::new();
        };
        let from = records.len().saturating_sub(n);
        records
            .range(from, records.len())
            .enumerate()
            .map(|(i, f)| ((from + i) as u32, *f))
            .collect()
    }

    fn update(&mut self, id: RecordId, change: impl FnOnce(&mut RecordFacts)) {
        // Control records (transaction markers) are no application's record.
        let Some(producer) = (id.producer as usize).checked_sub(1) else {
            return;
        };
        let Some(facts) = self
            .records
            .get_mut(producer)
            .and_then(|r| r.get_mut(id.seq as usize))
        else {
            return;
        };
        self.counts.apply(facts, -1);
        change(facts);
        self.counts.apply(facts, 1);
    }

    // ---- the producer's view ----

    pub fn created(&mut self, id: RecordId, partition: TopicPartition) {
        let Some(records) = (id.producer as usize)
            .checked_sub(1)
            .and_then(|i| self.records.get_mut(i))
        else {
            return;
        };
        debug_assert_eq!(records.len(), id.seq as usize);
        let facts = RecordFacts {
            partition,
            producer: ProducerView::Pending,
            present: 0,
            committed: 0,
            committed_ever: false,
            expired: false,
            aborted: 0,
            open: 0,
        };
        records.push(facts);
        self.counts.produced += 1;
        self.counts.apply(&facts, 1);
        for g in &mut self.groups {
            g.times[id.producer as usize - 1].push(0);
        }
    }

    pub fn producer_view(&mut self, id: RecordId, view: ProducerView) {
        self.update(id, |f| f.producer = view);
    }

    // ---- the log that counts ----

    /// Brings the index's copy of `tp`'s log that counts up to date with `log` (held by
    /// `source`): follows appends, HW moves and retention; re-reads it whole when the source
    /// changed or the log was cut back.
    pub fn sync_log(
        &mut self,
        tp: TopicPartition,
        source: Option<u32>,
        log: Option<&PartitionLog>,
    ) {
        let known = self.logs.entry(tp).or_default();
        let same_source = known.source == source;
        let consistent = match log {
            None => known.ids.is_empty(),
            Some(log) => {
                same_source
                    && known.end() <= log.log_end_offset()
                    && log.log_start_offset() <= known.end()
                    && known.end().checked_sub(1).is_none_or(|last| {
                        last < log.log_start_offset()
                            || log.record_at(last).map(|r| r.id) == known.id_at(last)
                    })
            }
        };
        if !consistent || !same_source {
            self.reread_log(tp, source, log);
            return;
        }
        let Some(log) = log else {
            return;
        };
        // Retention: the front moved.
        if log.log_start_offset() > known.log_start {
            let gone = (log.log_start_offset() - known.log_start) as usize;
            let dropped: Vec<(u64, RecordId)> = known
                .ids
                .range(0, gone)
                .enumerate()
                .map(|(i, id)| (known.log_start + i as u64, *id))
                .collect();
            let hw = known.high_watermark;
            known.ids.drop_front(gone);
            known.log_start = log.log_start_offset();
            let statuses: Vec<Option<TxnOffset>> = dropped
                .iter()
                .map(|(offset, _)| known.take_txn(*offset))
                .collect();
            for ((offset, id), status) in dropped.into_iter().zip(statuses) {
                let below_hw = offset < hw;
                self.update(id, |f| {
                    f.present -= 1;
                    undo_counted(f, status, below_hw);
                });
                for g in &mut self.groups {
                    if let Some(on) = g.partitions.get_mut(&tp) {
                        on.skipped.remove(&offset);
                    }
                }
            }
        }
        // Appends.
        let known = self.logs.get_mut(&tp).expect("entry made above");
        let from = known.end();
        let new: Vec<RecordId> = (from..log.log_end_offset())
            .filter_map(|o| log.record_at(o).map(|r| r.id))
            .collect();
        known.note_transactional(log, from, log.log_end_offset());
        known.ids.extend(new.iter().copied());
        for id in new {
            self.update(id, |f| f.present += 1);
        }
        self.move_high_watermark(tp, log.high_watermark());
    }

    /// Records retention deleted from the log that counts (the leader's): expired, not lost.
    pub fn expired(&mut self, records: &[RecordId]) {
        for id in records {
            self.update(*id, |f| f.expired = true);
            let topic = self.facts(*id).map(|f| f.partition.topic);
            for g in &mut self.groups {
                if g.times(*id) == 0 && topic.is_some_and(|t| g.topics.contains(&t)) {
                    g.expired_unprocessed.insert(*id);
                }
            }
        }
    }

    fn move_high_watermark(&mut self, tp: TopicPartition, hw: u64) {
        let known = self.logs.get_mut(&tp).expect("synced log");
        let hw = hw.min(known.end()).max(known.log_start);
        let old = known.high_watermark.max(known.log_start);
        known.high_watermark = hw;
        if hw > old {
            let ids: Vec<(u64, RecordId)> = (old..hw)
                .filter_map(|o| known.id_at(o).map(|id| (o, id)))
                .collect();
            for (offset, id) in ids {
                if !self.transactional_crossed_hw(tp, offset, id) {
                    self.count_committed(tp, offset, id);
                }
            }
        } else if hw < old {
            // Only a re-read lowers the HW of the log that counts (a new leader's HW starts at
            // its own, which may lag); treat it as one.
            let ids: Vec<(u64, RecordId)> = (hw..old)
                .filter_map(|o| known.id_at(o).map(|id| (o, id)))
                .collect();
            for (offset, id) in ids {
                let status = self
                    .logs
                    .get_mut(&tp)
                    .expect("synced log")
                    .reopen_txn(offset);
                self.update(id, |f| undo_counted(f, status, true));
            }
            for g in &mut self.groups {
                if let Some(on) = g.partitions.get_mut(&tp) {
                    on.skipped.retain(|o| *o < hw);
                    on.reach = on.reach.min(hw);
                }
            }
        }
    }

    /// A copy of `id` at `offset` of `tp` is committed (below the HW, and its transaction, if
    /// any, committed): counted, checked for order, and owed to every group past it.
    fn count_committed(&mut self, tp: TopicPartition, offset: u64, id: RecordId) {
        let first_copy = self.facts(id).is_some_and(|f| f.committed == 0);
        let known = self.logs.get_mut(&tp).expect("synced log");
        let top = known.highest_seq.entry(id.producer).or_insert(id.seq);
        if first_copy && id.seq < *top {
            known.reordered += 1;
            self.counts.reordered += 1;
        }
        *top = (*top).max(id.seq);
        self.update(id, |f| {
            f.committed += 1;
            f.committed_ever = true;
        });
        self.committed_below_reach(tp, offset, id);
    }

    /// Reads the log that counts anew (its source changed, or it was cut back).
    fn reread_log(&mut self, tp: TopicPartition, source: Option<u32>, log: Option<&PartitionLog>) {
        let old = self.logs.remove(&tp).unwrap_or_default();
        self.counts.reordered -= old.reordered;
        for (i, id) in old.ids.iter().enumerate() {
            let offset = old.log_start + i as u64;
            let below_hw = offset < old.high_watermark;
            let status = old.txn.get(&offset).copied();
            self.update(*id, |f| {
                f.present -= 1;
                undo_counted(f, status, below_hw);
            });
        }
        let mut fresh = CountedLog {
            source,
            ..CountedLog::default()
        };
        if let Some(log) = log {
            fresh.log_start = log.log_start_offset();
            fresh.high_watermark = log.log_start_offset();
            fresh.ids = log.records().map(|r| r.id).collect();
            fresh.note_transactional(log, log.log_start_offset(), log.log_end_offset());
        }
        let ids: Vec<RecordId> = fresh.ids.iter().copied().collect();
        let (start, hw) = (fresh.log_start, log.map_or(0, PartitionLog::high_watermark));
        self.logs.insert(tp, fresh);
        for id in ids {
            self.update(id, |f| f.present += 1);
        }
        // Groups: where they stand on this log is worked out again.
        for g in &mut self.groups {
            let on = g.partitions.entry(tp).or_default();
            on.skipped.clear();
            on.reach = start;
            on.highest_processed_in_log = None;
        }
        let ids: Vec<(u64, RecordId)> = {
            let known = &self.logs[&tp];
            (known.log_start..known.end())
                .filter_map(|o| known.id_at(o).map(|id| (o, id)))
                .collect()
        };
        for g in &mut self.groups {
            let highest = ids
                .iter()
                .filter(|(_, id)| g.times(*id) > 0)
                .map(|(offset, _)| *offset)
                .max();
            g.partitions
                .get_mut(&tp)
                .expect("made above")
                .highest_processed_in_log = highest;
        }
        self.move_high_watermark(tp, hw);
    }

    // ---- consumer groups ----

    /// The partitions whose log that counts is `broker`'s (as the index last read them).
    pub fn partitions_counted_on(&self, broker: u32) -> impl Iterator<Item = TopicPartition> + '_ {
        self.logs
            .iter()
            .filter(move |(_, l)| l.source == Some(broker))
            .map(|(tp, _)| *tp)
    }

    /// The committed records of the log that counts for `tp`, as the index last read it.
    pub fn committed_ids(&self, tp: TopicPartition) -> Vec<RecordId> {
        self.logs.get(&tp).map_or_else(Vec::new, |l| {
            let n = l.high_watermark.saturating_sub(l.log_start) as usize;
            l.ids.range(0, n).copied().collect()
        })
    }

    /// The high watermark of the log that counts for `tp`, and its log start.
    pub fn counted_log_bounds(&self, tp: TopicPartition) -> Option<(u64, u64)> {
        self.logs.get(&tp).map(|l| (l.log_start, l.high_watermark))
    }
}
