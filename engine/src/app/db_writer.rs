//! A consumer application that writes each record it processes to a database table, then commits
//! its offsets — the usual at-least-once consumer, and the end of Kafka's exactly-once.
//!
//! The loop: `poll()`; for each record, one statement to the database (`INSERT`, or an upsert)
//! and wait for its answer; when the batch is written, `commitSync` its offsets; poll again. Its
//! failure is the one the story ends with: the row is written, the commit is lost (or the member
//! is taken for dead before it commits), the partition goes to another instance, which reads from
//! the last committed offset and writes the row again. Kafka cannot see into the database, so
//! only the table can make the second write harmless:
//! - a **unique key** on the record's id: the second `INSERT` is refused with a duplicate-key
//!   error, which the writer takes as "already written" and goes on (insert-if-absent);
//! - an **upsert** (`write = "upsert"`): the second write replaces the first.
//!
//! An answer that never comes (lost, or the database stalled) is indeterminate, as with a real
//! database: after `timeout_ms` the writer sends the statement again — harmless with a unique key
//! or an upsert, a duplicate row without.
//!
//! A row's key is the record's id (`p1#3`: the business id of the payment), its value the
//! record's offset, and it names the consumer instance that wrote it.

use super::inbox::Inbox;
use crate::consumer::{Consumer, PollReturn};
use crate::effect::{Out, Timer};
use crate::ids::NodeId;
use crate::message::{Message, Row, Statement, Writer};
use crate::scenario::{ConsumerConfig, DbWriterConfig, WriteMode};
use crate::time::{SimDuration, SimTime};

#[derive(Clone, Debug)]
pub struct DbWriter {
    id: NodeId,
    database: NodeId,
    table: String,
    write: WriteMode,
    timeout: SimDuration,
    /// Which instance of the process this is (0, then one more per restart).
    incarnation: u32,
    /// The records poll() returned, written one at a time in order.
    queue: Inbox,
    /// The request whose answer the writer waits for (for the front record).
    awaiting: Option<u64>,
    next_correlation: u64,
}

impl DbWriter {
    pub fn new(id: NodeId, config: &ConsumerConfig, writes: &DbWriterConfig) -> Self {
        DbWriter {
            id,
            database: NodeId::Database(1),
            table: writes.table.clone(),
            write: writes.write,
            timeout: SimDuration::from_ms(writes.timeout_ms),
            incarnation: 0,
            queue: Inbox::new(id, &config.group_id),
            awaiting: None,
            next_correlation: 0,
        }
    }

    /// A restarted process: a new instance, nothing of the old one in memory but its history.
    pub fn restart(&mut self) {
        self.incarnation += 1;
        self.queue.clear();
        self.awaiting = None;
        // Answers to the old instance's requests must not match the new one's.
        self.next_correlation = u64::from(self.incarnation) << 40;
    }

    /// The table it writes.
    pub fn table(&self) -> &str {
        &self.table
    }

    /// The records it holds and the ones it finished.
    pub fn inbox(&self) -> &Inbox {
        &self.queue
    }

    pub fn is_idle(&self) -> bool {
        self.queue.is_empty()
    }

    pub fn on_poll(
        &mut self,
        now: SimTime,
        polled: PollReturn,
        client: &mut Consumer,
        out: &mut Out,
    ) {
        match polled {
            PollReturn::Records(batch) => {
                self.queue.extend(batch);
                self.write_front(now, client, out);
            }
            PollReturn::Nothing => {
                let offsets = client.uncommitted_positions();
                let committing = client.can_commit_now()
                    && !offsets.is_empty()
                    && client.commit_sync(now, offsets, out);
                if !committing {
                    client.wait_for_records(out);
                }
            }
            PollReturn::CommitSyncReturned => client.poll(now, out),
        }
    }

    pub fn on_timer(&mut self, now: SimTime, timer: Timer, client: &mut Consumer, out: &mut Out) {
        if let Timer::DbAnswerTimeout { correlation } = timer {
            if self.awaiting == Some(correlation) {
                // No answer: the write may or may not have happened. Send it again.
                self.awaiting = None;
                self.write_front(now, client, out);
            }
        }
    }

    /// The database answered.
    pub fn on_message(
        &mut self,
        now: SimTime,
        message: Message,
        client: &mut Consumer,
        out: &mut Out,
    ) {
        let Message::DbResponse { correlation, .. } = message else {
            return;
        };
        if self.awaiting != Some(correlation) {
            return;
        }
        self.awaiting = None;
        // Written, or refused as a duplicate key: the row is in the table either way.
        if self.queue.finish_front(now, out).is_none() {
            return;
        }
        self.write_front(now, client, out);
    }

    /// Sends the front record's statement, or (batch written) commits and polls again.
    fn write_front(&mut self, now: SimTime, client: &mut Consumer, out: &mut Out) {
        if self.awaiting.is_some() {
            return;
        }
        let Some((_, record)) = self.queue.front() else {
            self.commit_batch(now, client, out);
            return;
        };
        let row = Row {
            key: record.id.to_string(),
            value: format!("offset {}", record.offset),
            record: Some(record.id),
            writer: Writer {
                node: self.id,
                incarnation: self.incarnation,
            },
        };
        let table = self.table.clone();
        let statement = match self.write {
            WriteMode::Insert => Statement::Insert { table, row },
            WriteMode::Upsert => Statement::Upsert { table, row },
        };
        let correlation = self.next_correlation;
        self.next_correlation += 1;
        self.awaiting = Some(correlation);
        out.send(
            self.database,
            Message::DbRequest {
                correlation,
                statements: vec![statement],
            },
        );
        out.set_timer(self.timeout, Timer::DbAnswerTimeout { correlation });
    }

    /// The batch is written: `commitSync` its positions, then poll.
    fn commit_batch(&mut self, now: SimTime, client: &mut Consumer, out: &mut Out) {
        let offsets = client.uncommitted_positions();
        if client.commit_refused_locally(out)
            || offsets.is_empty()
            || !client.commit_sync(now, offsets, out)
        {
            client.poll(now, out);
        }
    }
}
