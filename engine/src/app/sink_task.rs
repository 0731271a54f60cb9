//! A Kafka Connect sink task: the loop a Connect worker runs for each task of a sink connector
//! (`WorkerSinkTask`), with the JDBC sink connector's `put` — copying a topic into a database
//! table.
//!
//! The task's consumer is in the connector's group `connect-<name>`, with auto-commit off (Connect
//! commits by itself). Its loop, from Kafka's `WorkerSinkTask.iteration()` and the JDBC sink:
//! - `poll()`, and hand the records to `put`: the JDBC sink writes the batch in one database
//!   transaction (`insert.mode=insert`: `INSERT`; `upsert`: `INSERT … ON CONFLICT (pk) DO UPDATE`,
//!   the row's key being the record's key with `pk.mode=record_key`);
//! - a `put` that fails (an error, or no answer within the connection's socket timeout) throws a
//!   retriable exception: the same batch is delivered to `put` again after `retry.backoff.ms`;
//! - every `offset.flush.interval.ms` the worker commits, asynchronously, the offsets of the
//!   records `put` has taken (`commitOffsets`, after `flush`, which is empty for the JDBC sink:
//!   `put` has written already); when its partitions are revoked in a rebalance it commits them
//!   synchronously first (`onPartitionsRevoked`).
//!
//! So a sink is at-least-once (Connect's documentation): a task that crashes has written rows
//! whose offsets it never committed, and whoever takes the partition next — the restarted task,
//! or another task after `session.timeout.ms` — delivers those records again. With
//! `insert.mode=upsert` the second write replaces the first and the table stays right; with
//! `insert.mode=insert` and no primary key it holds the rows twice.
//!
//! A row's key is the record's key (`k3`; the record's id when it has none), the table's primary
//! key with `pk.mode=record_key`, a plain column with `pk.mode=none`; its value is the record's
//! offset; it names the task's instance.

use super::inbox::Inbox;
use crate::consumer::{Consumer, PollReturn};
use crate::effect::{Out, Timer};
use crate::ids::NodeId;
use crate::log::LogRecord;
use crate::message::{Message, Row, Statement, Writer};
use crate::scenario::{ConsumerConfig, SinkTaskConfig, WriteMode};
use crate::time::{SimDuration, SimTime};

#[derive(Clone, Debug)]
pub struct SinkTask {
    id: NodeId,
    database: NodeId,
    config: SinkTaskConfig,
    /// Which instance of the task this is (0, then one more per restart).
    incarnation: u32,
    /// The batch poll() returned, being delivered to `put`.
    batch: Inbox,
    /// The `put` request whose answer the task waits for.
    awaiting: Option<u64>,
    next_correlation: u64,
    /// The flush interval passed while a `put` was under way: commit once it is done.
    flush_due: bool,
    /// When the flush timer fires next (the page draws how far it has run); `None` until the
    /// timer starts, with the first poll of each instance.
    next_flush: Option<SimTime>,
    /// When the offsets were last committed (sent), if ever.
    last_flush: Option<SimTime>,
}

impl SinkTask {
    pub fn new(id: NodeId, config: &ConsumerConfig, sink: &SinkTaskConfig) -> Self {
        SinkTask {
            id,
            database: NodeId::Database(1),
            config: sink.clone(),
            incarnation: 0,
            batch: Inbox::new(id, &config.group_id),
            awaiting: None,
            next_correlation: 0,
            flush_due: false,
            next_flush: None,
            last_flush: None,
        }
    }

    /// A restarted task: a new instance, nothing of the old one in memory but its history.
    pub fn restart(&mut self) {
        self.incarnation += 1;
        self.batch.clear();
        self.awaiting = None;
        self.flush_due = false;
        self.next_flush = None;
        self.last_flush = None;
        // Answers to the old instance's requests must not match the new one's.
        self.next_correlation = u64::from(self.incarnation) << 40;
    }

    pub fn config(&self) -> &SinkTaskConfig {
        &self.config
    }

    /// The table it writes.
    pub fn table(&self) -> &str {
        &self.config.table
    }

    /// The records it holds and the ones it delivered.
    pub fn inbox(&self) -> &Inbox {
        &self.batch
    }

    pub fn is_idle(&self) -> bool {
        self.batch.is_empty() && self.awaiting.is_none()
    }

    pub fn on_poll(
        &mut self,
        now: SimTime,
        polled: PollReturn,
        client: &mut Consumer,
        out: &mut Out,
    ) {
        if self.next_flush.is_none() {
            self.arm_flush(now, out);
        }
        match polled {
            PollReturn::Records(records) => {
                self.batch.extend(records);
                self.put(out);
            }
            PollReturn::Nothing => {
                self.commit_if_due(now, client, out);
                client.wait_for_records(out);
            }
            PollReturn::CommitSyncReturned => client.poll(now, out),
            // Connect keeps its offsets in Kafka: never asked.
            PollReturn::PositionsNeeded(_) => client.poll(now, out),
        }
    }

    pub fn on_timer(&mut self, now: SimTime, timer: Timer, client: &mut Consumer, out: &mut Out) {
        match timer {
            Timer::SinkOffsetFlush => {
                self.arm_flush(now, out);
                self.flush_due = true;
                if self.is_idle() {
                    // Waiting in poll(): Connect's poll timeout ends at the next commit.
                    self.commit_if_due(now, client, out);
                }
            }
            // No answer within the socket timeout: the put failed; the batch goes again after
            // the backoff (the rows may or may not be written).
            Timer::DbAnswerTimeout { correlation } if self.awaiting == Some(correlation) => {
                self.awaiting = None;
                self.retry_later(out);
            }
            Timer::SinkPutRetry if self.awaiting.is_none() && !self.batch.is_empty() => {
                self.put(out)
            }
            _ => {}
        }
    }

    /// The database answered the `put`.
    pub fn on_message(
        &mut self,
        now: SimTime,
        message: Message,
        client: &mut Consumer,
        out: &mut Out,
    ) {
        let Some((correlation, result)) = message.into_db_response() else {
            return;
        };
        if self.awaiting != Some(correlation) {
            return;
        }
        self.awaiting = None;
        if result.is_err() {
            self.retry_later(out);
            return;
        }
        // The batch is in the table: the records are delivered.
        while self.batch.finish_front(now, out).is_some() {}
        self.commit_if_due(now, client, out);
        client.poll(now, out);
    }

    fn arm_flush(&mut self, now: SimTime, out: &mut Out) {
        let interval = SimDuration::from_ms(self.config.offset_flush_interval_ms);
        self.next_flush = Some(now + interval);
        out.set_timer(interval, Timer::SinkOffsetFlush);
    }

    /// How far the flush interval has run at `now` (0..1), once the task has polled.
    pub fn flush_progress(&self, now: SimTime) -> Option<f64> {
        let next = self.next_flush?;
        let interval = self.config.offset_flush_interval_ms as f64 * 1000.0;
        let left = next.0.saturating_sub(now.0) as f64;
        Some((1.0 - left / interval).clamp(0.0, 1.0))
    }

    /// When this instance last committed its offsets.
    pub fn last_flush(&self) -> Option<SimTime> {
        self.last_flush
    }

    fn retry_later(&mut self, out: &mut Out) {
        out.set_timer(
            SimDuration::from_ms(self.config.retry_backoff_ms),
            Timer::SinkPutRetry,
        );
    }

    /// `commitOffsets`: once the flush interval has passed, commit asynchronously the positions
    /// of what `put` has taken (every record poll() returned is delivered when this is called).
    fn commit_if_due(&mut self, now: SimTime, client: &mut Consumer, out: &mut Out) {
        if !self.flush_due || !client.can_commit_now() {
            return;
        }
        self.flush_due = false;
        let offsets = client.uncommitted_positions();
        if !offsets.is_empty() && client.commit_async(now, offsets, out) {
            self.last_flush = Some(now);
        }
    }

    /// `put(batch)`: the whole batch in one database transaction.
    fn put(&mut self, out: &mut Out) {
        if self.awaiting.is_some() || self.batch.is_empty() {
            return;
        }
        let statements = self
            .batch
            .records()
            .map(|(_, record)| self.statement(record))
            .collect();
        let correlation = self.next_correlation;
        self.next_correlation += 1;
        self.awaiting = Some(correlation);
        out.send(
            self.database,
            Message::DbRequest {
                correlation,
                statements,
            },
        );
        out.set_timer(
            SimDuration::from_ms(self.config.timeout_ms),
            Timer::DbAnswerTimeout { correlation },
        );
    }

    fn statement(&self, record: &LogRecord) -> Statement {
        // With pk.mode=none the key is only a column (the table has no primary key to hold it).
        let key = match record.key {
            Some(key) => format!("k{key}"),
            None => record.id.to_string(),
        };
        let row = Row {
            key,
            value: format!("offset {}", record.offset),
            record: Some(record.id),
            writer: Writer {
                node: self.id,
                incarnation: self.incarnation,
            },
        };
        let table = self.config.table.clone();
        match self.config.insert_mode {
            WriteMode::Insert => Statement::Insert { table, row },
            WriteMode::Upsert => Statement::Upsert { table, row },
        }
    }
}
