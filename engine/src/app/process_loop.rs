//! The process-and-commit loop: the consumer application of every scenario so far. It calls the
//! consumer client's `poll()`, processes what poll returned, and commits — the code a Kafka user
//! writes around `KafkaConsumer`, kept apart from the client (`crate::consumer`), which implements
//! the protocol (membership, fetching, positions, OffsetCommit).
//!
//! Two processing styles (the scenario's `processing`):
//!
//! - `in_loop`: the records of one poll are processed one after another (`processing_ms` each)
//!   on the polling thread; then, with `enable.auto.commit=false`, the loop commits their
//!   positions (`commitSync` or `commitAsync`, the scenario's `commit`) and polls again. With
//!   auto-commit, the next poll's auto-commit only covers processed records: at-least-once.
//! - `hand_off`: the records go to a worker thread's queue and the loop polls again at once, so
//!   an auto-commit inside a later poll can cover records the worker has not processed yet — a
//!   crash loses them (at-most-once for those). With manual commit, the worker commits what it has
//!   finished (`commitAsync`).
//!
//! Like Kafka's own poll loops, it commits after an empty poll too: progress whose commit failed
//! (during a rebalance, say) is committed once the group is stable again.
//!
//! Its records and its history are an [`Inbox`].

use super::inbox::Inbox;
use crate::consumer::{Consumer, PollReturn};
use crate::effect::{Out, Timer};
use crate::flat::FlatMap;
use crate::ids::{NodeId, TopicPartition};
use crate::scenario::{ConsumerConfig, ManualCommit, ProcessingStyle};
use crate::time::{SimDuration, SimTime};

#[derive(Clone, Debug)]
pub struct ProcessLoop {
    style: ProcessingStyle,
    processing_time: SimDuration,
    /// `enable.auto.commit`: with it the loop never commits by itself.
    auto_commit: bool,
    commit: ManualCommit,
    /// In-loop style: the records of the current poll, processed in order. Hand-off style: the
    /// worker's queue.
    queue: Inbox,
    worker_busy: bool,
    /// Hand-off style: the next offset after the last record the worker finished, per partition.
    worker_done: FlatMap<TopicPartition, u64>,
}

impl ProcessLoop {
    pub fn new(id: NodeId, config: &ConsumerConfig) -> Self {
        ProcessLoop {
            style: config.processing,
            processing_time: SimDuration::from_ms(config.processing_ms),
            auto_commit: config.enable_auto_commit,
            commit: config.commit,
            queue: Inbox::new(id, &config.group_id),
            worker_busy: false,
            worker_done: FlatMap::new(),
        }
    }

    /// A restarted process: nothing of the old one in memory but its history.
    pub fn restart(&mut self) {
        self.queue.clear();
        self.worker_busy = false;
        self.worker_done.clear();
    }

    /// The records it holds and the ones it finished.
    pub fn inbox(&self) -> &Inbox {
        &self.queue
    }

    /// Nothing returned by poll() is waiting or being processed.
    pub fn is_idle(&self) -> bool {
        self.queue.is_empty() && !self.worker_busy
    }

    /// What the client's poll() returned.
    pub fn on_poll(
        &mut self,
        now: SimTime,
        polled: PollReturn,
        client: &mut Consumer,
        out: &mut Out,
    ) {
        match polled {
            PollReturn::Records(batch) => match self.style {
                ProcessingStyle::InLoop => {
                    self.queue.extend(batch);
                    self.start_next_record(out);
                }
                ProcessingStyle::HandOff => {
                    self.queue.extend(batch);
                    self.start_worker(out);
                    // The loop polls again at once.
                    client.poll(now, out);
                }
            },
            PollReturn::Nothing => {
                if !self.commit_after_empty_poll(now, client, out) {
                    client.wait_for_records(out);
                }
            }
            // Only a database writer keeps its offsets outside Kafka; no position is asked of this one.
            PollReturn::PositionsNeeded(partitions) => client.seek_by_reset_policy(partitions, out),
            PollReturn::CommitSyncReturned => client.poll(now, out),
        }
    }

    pub fn on_timer(&mut self, now: SimTime, timer: Timer, client: &mut Consumer, out: &mut Out) {
        match timer {
            Timer::RecordProcessed => self.finish_record(now, client, out),
            Timer::WorkerRecordProcessed => self.worker_finish_record(now, client, out),
            _ => {}
        }
    }

    fn start_next_record(&mut self, out: &mut Out) {
        if !self.queue.is_empty() {
            out.set_timer(self.processing_time, Timer::RecordProcessed);
        }
    }

    /// In-loop style: one record done; the next, or (batch done) commit and poll again.
    fn finish_record(&mut self, now: SimTime, client: &mut Consumer, out: &mut Out) {
        if self.queue.finish_front(now, out).is_none() {
            return;
        }
        if !self.queue.is_empty() {
            self.start_next_record(out);
        } else if !self.auto_commit {
            self.commit_batch(now, client, out);
        } else {
            client.poll(now, out);
        }
    }

    /// In-loop style, manual commit: the batch is processed; commit its positions, then poll
    /// (after `commitSync` returns, or at once after `commitAsync`).
    fn commit_batch(&mut self, now: SimTime, client: &mut Consumer, out: &mut Out) {
        let offsets = client.uncommitted_positions();
        if client.commit_refused_locally(out) || offsets.is_empty() {
            client.poll(now, out);
            return;
        }
        match self.commit {
            ManualCommit::Sync => {
                if !client.commit_sync(now, offsets, out) {
                    client.poll(now, out);
                }
            }
            ManualCommit::Async => {
                client.commit_async(now, offsets, out);
                client.poll(now, out);
            }
        }
    }

    /// Manual commit after an empty poll: commit progress not committed yet, if the group is
    /// stable. True if the loop now waits for a `commitSync`.
    fn commit_after_empty_poll(
        &mut self,
        now: SimTime,
        client: &mut Consumer,
        out: &mut Out,
    ) -> bool {
        if self.auto_commit || !client.can_commit_now() {
            return false;
        }
        match self.style {
            ProcessingStyle::HandOff => {
                self.commit_worker_progress(now, client, out);
                false
            }
            ProcessingStyle::InLoop => {
                let offsets = client.uncommitted_positions();
                if offsets.is_empty() {
                    return false;
                }
                match self.commit {
                    ManualCommit::Sync => client.commit_sync(now, offsets, out),
                    ManualCommit::Async => {
                        client.commit_async(now, offsets, out);
                        false
                    }
                }
            }
        }
    }

    /// Hand-off style: the worker takes the next queued record, if it is free.
    fn start_worker(&mut self, out: &mut Out) {
        if self.worker_busy || self.queue.is_empty() {
            return;
        }
        self.worker_busy = true;
        out.set_timer(self.processing_time, Timer::WorkerRecordProcessed);
    }

    fn worker_finish_record(&mut self, now: SimTime, client: &mut Consumer, out: &mut Out) {
        self.worker_busy = false;
        let Some((tp, record)) = self.queue.finish_front(now, out) else {
            return;
        };
        self.worker_done.insert(tp, record.offset + 1);
        if self.queue.is_empty() && !self.auto_commit {
            // The worker commits what it finished (commitAsync).
            self.commit_worker_progress(now, client, out);
        }
        self.start_worker(out);
    }

    /// Hand-off style, manual commit: the worker commits what it has finished.
    fn commit_worker_progress(&mut self, now: SimTime, client: &mut Consumer, out: &mut Out) {
        let offsets: Vec<(TopicPartition, u64)> = self
            .worker_done
            .iter()
            .filter(|(tp, o)| client.owns(**tp) && client.committed().get(tp) != Some(o))
            .map(|(tp, o)| (*tp, *o))
            .collect();
        if offsets.is_empty() || client.commit_refused_locally(out) {
            return;
        }
        client.commit_async(now, offsets, out);
    }
}
