//! What a fetch hands to the application: the consumer's side of `isolation.level` (KIP-98).
//!
//! A fetch response carries whole batches. The consumer never hands a **control record** (a
//! COMMIT or ABORT marker) to the application; with `read_committed` it also drops the records
//! of **aborted transactions**: the broker lists, with the records, the aborted transactions they
//! overlap (producer id and first offset), and the consumer skips every transactional batch of
//! such a producer from that first offset until the producer's ABORT marker (Kafka's
//! `CompletedFetch.abortedProducerIds` / `isBatchAborted`). With `read_uncommitted` (the default)
//! aborted records reach the application: an *aborted read*.
//!
//! Either way the position steps over what was skipped, so markers and aborted records leave
//! gaps in the offsets an application sees — normal in Kafka.

use super::Consumer;
use crate::flat::FlatSet;
use crate::ids::TopicPartition;
use crate::log::ControlType;
use crate::message::FetchedPartition;
use crate::ordered::CollectByInsert;
use crate::scenario::IsolationLevel;

impl Consumer {
    /// Buffers the records of a fetched partition that the application may see, and notes how
    /// far the fetch reached.
    pub(super) fn take_fetched(&mut self, p: FetchedPartition) {
        let tp = p.partition;
        let Some(last) = p.records.last() else {
            return;
        };
        self.fetched_through.insert(tp, last.offset + 1);
        let read_committed = self.config.isolation_level == IsolationLevel::ReadCommitted;
        let mut aborted = p.aborted_transactions;
        crate::ordered::sort_stable_by_key(&mut aborted, |a| a.first_offset);
        let mut upcoming = aborted.into_iter().peekable();
        let mut aborted_producers: FlatSet<i64> = FlatSet::new();
        // Records and batch headers both come in offset order: walk them together.
        let mut batches = p.batches.iter().peekable();
        for r in p.records {
            while batches.next_if(|b| b.end_offset() <= r.offset).is_some() {}
            let batch = batches.peek().copied().filter(|b| b.contains(r.offset));
            if read_committed {
                while let Some(a) = upcoming.next_if(|a| a.first_offset <= r.offset) {
                    aborted_producers.insert(a.producer_id);
                }
            }
            match batch {
                Some(b) if b.control.is_some() => {
                    if b.control == Some(ControlType::Abort) {
                        aborted_producers.remove(&b.producer.producer_id);
                    }
                    continue;
                }
                Some(b)
                    if read_committed
                        && b.producer.transactional
                        && aborted_producers.contains(&b.producer.producer_id) =>
                {
                    continue;
                }
                _ => {}
            }
            if r.id.is_control() {
                continue;
            }
            self.fetched.push_back((tp, r));
        }
    }

    /// Partitions with nothing buffered move their position past what the last fetch skipped
    /// (markers, aborted records).
    pub(super) fn step_over_skipped(&mut self) {
        if self.fetched_through.is_empty() {
            return;
        }
        let buffered: FlatSet<TopicPartition> =
            self.fetched.iter().map(|(tp, _)| *tp).collect_by_insert();
        for (tp, through) in &self.fetched_through {
            if buffered.contains(tp) {
                continue;
            }
            if let Some(position) = self.positions.get_mut(tp) {
                if *through > *position {
                    *position = *through;
                }
            }
        }
    }

    /// Drops what is buffered for `tp` (revoked, reset, or its log diverged).
    pub(super) fn drop_buffered(&mut self, tp: TopicPartition) {
        self.fetched.retain(|(p, _)| *p != tp);
        self.fetched_through.remove(&tp);
    }
}
