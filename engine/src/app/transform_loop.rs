//! The consume-transform-produce loop: Kafka's exactly-once processing (KIP-98's
//! `sendOffsetsToTransaction`, KIP-447's group metadata), the loop Kafka Streams runs with
//! `processing.guarantee=exactly_once_v2`, written out as in Kafka's own examples
//! (`examples/.../ExactlyOnceMessageProcessor`):
//!
//! ```text
//! producer.initTransactions()
//! loop:
//!   records = consumer.poll()            // isolation.level=read_committed
//!   producer.beginTransaction()
//!   for r in records: producer.send(result of r)
//!   producer.sendOffsetsToTransaction(positions, consumer.groupMetadata())
//!   producer.commitTransaction()
//!   on an abortable error / an aborted transaction:
//!     producer.abortTransaction(); seek every partition back to its committed offset
//! ```
//!
//! The results and the consumed offsets commit or abort together, so every input record has
//! exactly one committed result — through crashes (the new instance's `initTransactions()`
//! aborts the old one's transaction; if that transaction's offsets had reached the group
//! coordinator, the consumer's OffsetFetch waits for the abort: `UNSTABLE_OFFSET_COMMIT`),
//! rebalances (a member of an old generation cannot send offsets) and zombies (fenced). `rewind_on_abort = false` is the classic mistake: after an abort the loop
//! goes on from its position, so the aborted transaction's inputs never get a result.
//!
//! The application lives on its consumer node; its transactional producer is a node of its own
//! ([`crate::producer::Producer::driven_by`]); the two talk by in-process calls
//! ([`LocalCall`]).

use super::inbox::Inbox;
use crate::consumer::{Consumer, PollReturn};
use crate::effect::{LocalCall, Out, Timer};
use crate::ids::{NodeId, TopicPartition};
use crate::scenario::{ConsumerConfig, TransformConfig};
use crate::time::{SimDuration, SimTime};
use crate::trace::TraceKind;

/// Where the loop stands.
#[derive(Clone, Debug, PartialEq, Eq)]
enum LoopState {
    /// In `poll()`, or about to call it.
    Polling,
    /// Transforming the records poll() returned, one after another.
    Processing,
    /// `commitTransaction()` / `abortTransaction()` called; these offsets ride along.
    Ending { offsets: Vec<(TopicPartition, u64)> },
    /// The producer was fenced: this instance is a zombie and stops.
    Stopped,
}

#[derive(Clone, Debug)]
pub struct TransformLoop {
    id: NodeId,
    group: String,
    producer: NodeId,
    processing_time: SimDuration,
    rewind_on_abort: bool,
    abort_transactions: Vec<u32>,
    /// Transactions this application has ended, over its life (restarts included): the count
    /// `abort_transactions` refers to.
    transactions: u32,
    /// When the record being processed is done: a `RecordProcessed` timer that fires earlier
    /// belongs to a batch the transaction's abort dropped (a stall only makes timers late).
    record_due: Option<SimTime>,
    state: LoopState,
    queue: Inbox,
}

impl TransformLoop {
    pub fn new(
        id: NodeId,
        config: &ConsumerConfig,
        transform: &TransformConfig,
        producer: NodeId,
    ) -> Self {
        TransformLoop {
            id,
            group: config.group_id.clone(),
            producer,
            processing_time: SimDuration::from_ms(config.processing_ms),
            rewind_on_abort: transform.rewind_on_abort,
            abort_transactions: transform.abort_transactions.clone(),
            transactions: 0,
            record_due: None,
            state: LoopState::Polling,
            queue: Inbox::new(id, &config.group_id),
        }
    }

    /// A restarted process: nothing of the old one in memory but its history.
    pub fn restart(&mut self) {
        self.queue.clear();
        self.record_due = None;
        self.state = LoopState::Polling;
    }

    /// The records it holds and the ones it finished.
    pub fn inbox(&self) -> &Inbox {
        &self.queue
    }

    pub fn is_idle(&self) -> bool {
        self.queue.is_empty() && matches!(self.state, LoopState::Polling | LoopState::Stopped)
    }

    pub fn on_poll(
        &mut self,
        now: SimTime,
        polled: PollReturn,
        client: &mut Consumer,
        out: &mut Out,
    ) {
        if self.state == LoopState::Stopped {
            return;
        }
        match polled {
            PollReturn::Records(batch) => {
                self.queue.extend(batch);
                self.state = LoopState::Processing;
                self.process_next(now, out);
            }
            PollReturn::Nothing => client.wait_for_records(out),
            // Only a database writer keeps its offsets outside Kafka; no position is asked of this one.
            PollReturn::PositionsNeeded(partitions) => client.seek_by_reset_policy(partitions, out),
            PollReturn::CommitSyncReturned => client.poll(now, out),
        }
    }

    pub fn on_timer(&mut self, now: SimTime, timer: Timer, client: &mut Consumer, out: &mut Out) {
        if timer != Timer::RecordProcessed
            || self.state != LoopState::Processing
            || self.record_due.is_none_or(|due| now < due)
        {
            return;
        }
        self.record_due = None;
        let Some((_, record)) = self.queue.finish_front(now, out) else {
            return;
        };
        // The transformation's result, keyed like its input, in the open transaction.
        out.call(
            self.producer,
            LocalCall::Send {
                key: record.key,
                source: record.id,
            },
        );
        if self.queue.is_empty() {
            self.end_transaction(client, out);
        } else {
            self.process_next(now, out);
        }
    }

    fn process_next(&mut self, now: SimTime, out: &mut Out) {
        self.record_due = Some(now + self.processing_time);
        out.set_timer(self.processing_time, Timer::RecordProcessed);
    }

    /// The batch is transformed: send the consumed positions with the transaction and commit it
    /// (or abort it, when the scenario makes this one fail).
    fn end_transaction(&mut self, client: &mut Consumer, out: &mut Out) {
        let offsets = client.uncommitted_positions();
        let mut commit = !self.abort_transactions.contains(&self.transactions);
        match client.group_metadata() {
            // (An application that aborts sends no offsets.)
            _ if !commit => {}
            Some((generation, member)) if !offsets.is_empty() => out.call(
                self.producer,
                LocalCall::SendOffsetsToTransaction {
                    group: self.group.clone(),
                    generation,
                    member,
                    offsets: offsets.clone(),
                },
            ),
            // Out of the group (a rebalance took the partitions): the offsets cannot be sent.
            _ => commit = false,
        }
        out.call(self.producer, LocalCall::EndTransaction { commit });
        self.state = LoopState::Ending { offsets };
    }

    /// The producer calls back: the transaction ended, or the producer was fenced.
    pub fn on_call(&mut self, now: SimTime, call: LocalCall, client: &mut Consumer, out: &mut Out) {
        match call {
            LocalCall::TransactionEnded { committed } => {
                if self.state == LoopState::Stopped {
                    return;
                }
                self.transactions += 1;
                self.record_due = None;
                let state = std::mem::replace(&mut self.state, LoopState::Polling);
                if committed {
                    if let LoopState::Ending { offsets } = state {
                        client.note_committed(&offsets);
                    }
                } else {
                    // Aborted (by the application, or after an abortable error): what poll()
                    // returned and was not processed is dropped with the transaction.
                    self.queue.clear();
                    if self.rewind_on_abort {
                        client.rewind_to_committed();
                    }
                    out.trace(TraceKind::AfterAbort {
                        consumer: self.id,
                        rewound: self.rewind_on_abort,
                        positions: if self.rewind_on_abort {
                            Vec::new()
                        } else {
                            client.positions().iter().map(|(tp, o)| (*tp, *o)).collect()
                        },
                    });
                }
                client.poll(now, out);
            }
            LocalCall::Fenced => {
                // Fatal (ProducerFencedException): another instance has this transactional.id.
                // The application exits, as Kafka's examples do; restarting it starts a new
                // instance, which fences the other in turn.
                self.state = LoopState::Stopped;
                self.queue.clear();
                client.close(out);
                out.exit();
            }
            _ => {}
        }
    }
}
