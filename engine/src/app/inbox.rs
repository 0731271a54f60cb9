//! What a consumer application holds of the records it reads: those `poll()` returned that it has
//! not finished yet, in order (lost with the process), and every record it finished processing
//! (its history, which survives restarts: the checker's record of what the application did).
//! Every consumer application — the process loop, the transform loop, the database writer — keeps
//! its records here and finishes them through [`Inbox::finish_front`], which writes the history
//! entry and the `Processed` trace the record-fate index counts.

use crate::chunked::ChunkedVec;
use crate::effect::Out;
use crate::ids::{NodeId, RecordId, TopicPartition};
use crate::log::LogRecord;
use crate::time::SimTime;
use crate::trace::TraceKind;
use std::collections::VecDeque;

/// One record the application finished processing.
#[derive(Clone, Debug)]
pub struct ProcessedRecord {
    pub partition: TopicPartition,
    pub offset: u64,
    pub record: RecordId,
    pub at: SimTime,
}

#[derive(Clone, Debug)]
pub struct Inbox {
    consumer: NodeId,
    group: String,
    queue: VecDeque<(TopicPartition, LogRecord)>,
    processed: ChunkedVec<ProcessedRecord>,
}

impl Inbox {
    pub fn new(consumer: NodeId, group: &str) -> Self {
        Inbox {
            consumer,
            group: group.to_string(),
            queue: VecDeque::new(),
            processed: ChunkedVec::new(),
        }
    }

    /// What `poll()` returned, after what is still waiting.
    pub fn extend(&mut self, batch: impl IntoIterator<Item = (TopicPartition, LogRecord)>) {
        self.queue.extend(batch);
    }

    /// Forgets what `poll()` returned and is not finished (a restart, an abort, a rewind); the
    /// history stays.
    pub fn clear(&mut self) {
        self.queue.clear();
    }

    /// The record the application works on next.
    pub fn front(&self) -> Option<&(TopicPartition, LogRecord)> {
        self.queue.front()
    }

    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// Records `poll()` returned that are not finished yet.
    pub fn len(&self) -> usize {
        self.queue.len()
    }

    /// Those records, in order.
    pub fn records(&self) -> impl Iterator<Item = &(TopicPartition, LogRecord)> + '_ {
        self.queue.iter()
    }

    /// The ids of the records poll() returned that are not processed yet.
    pub fn queued(&self) -> impl Iterator<Item = RecordId> + '_ {
        self.queue.iter().map(|(_, r)| r.id)
    }

    /// Every record the application finished, over its life.
    pub fn processed(&self) -> &ChunkedVec<ProcessedRecord> {
        &self.processed
    }

    /// The application finished the front record: it goes into the history and the trace, and is
    /// handed back.
    pub fn finish_front(
        &mut self,
        now: SimTime,
        out: &mut Out,
    ) -> Option<(TopicPartition, LogRecord)> {
        let (tp, record) = self.queue.pop_front()?;
        self.processed.push(ProcessedRecord {
            partition: tp,
            offset: record.offset,
            record: record.id,
            at: now,
        });
        out.trace(TraceKind::Processed {
            consumer: self.consumer,
            group: self.group.clone(),
            partition: tp,
            offset: record.offset,
            record: record.id,
        });
        Some((tp, record))
    }
}
