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
//! The third way (`offsets_table`): **offsets stored in the database** (Kafka's consumer
//! documentation, "Storing Offsets Outside Kafka"). Each row and its partition's next offset are
//! written in one database transaction, the offset compared and set against the value the writer
//! last read, so a stale instance (one the group already replaced) is refused; nothing is committed
//! to Kafka. On assignment the writer reads the partitions' offsets from the table and seeks
//! there; after a refusal it reads them again.
//!
//! A row's key is the record's id (`p1#3`: the business id of the payment), its value the
//! record's offset, and it names the consumer instance that wrote it. An offsets row's key names
//! the partition ([`offset_key`]), its value the next offset to read.

use super::inbox::Inbox;
use crate::consumer::{Consumer, PollReturn};
use crate::effect::{Out, Timer};
use crate::flat::FlatMap;
use crate::ids::{NodeId, TopicPartition};
use crate::message::{DbError, DbResult, Message, Row, Statement, Writer};
use crate::scenario::{ConsumerConfig, DbWriterConfig, WriteMode};
use crate::time::{SimDuration, SimTime};

/// The key of a partition's row in the offsets table (`P0`; `T1-P0` for a second topic).
pub fn offset_key(tp: TopicPartition) -> String {
    if tp.topic == 0 {
        format!("P{}", tp.partition)
    } else {
        format!("T{}-P{}", tp.topic, tp.partition)
    }
}

/// What the writer waits for the database to answer.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Awaiting {
    /// The front record's row (and, with offsets in the database, its partition's offset).
    Write,
    /// The stored offsets of these partitions.
    Offsets(Vec<TopicPartition>),
}

#[derive(Clone, Debug)]
pub struct DbWriter {
    id: NodeId,
    database: NodeId,
    table: String,
    write: WriteMode,
    timeout: SimDuration,
    /// The offsets table, when offsets are stored in the database.
    offsets_table: Option<String>,
    /// With offsets in the database: each partition's offset as the writer last read or wrote it
    /// (`None`: the table has none).
    stored: FlatMap<TopicPartition, Option<u64>>,
    /// Which instance of the process this is (0, then one more per restart).
    incarnation: u32,
    /// The records poll() returned, written one at a time in order.
    queue: Inbox,
    /// The request whose answer the writer waits for, and what it asked.
    awaiting: Option<(u64, Awaiting)>,
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
            offsets_table: writes.offsets_table.clone(),
            stored: FlatMap::new(),
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
        self.stored.clear();
        // Answers to the old instance's requests must not match the new one's.
        self.next_correlation = u64::from(self.incarnation) << 40;
    }

    /// `INSERT` or upsert.
    pub fn write_mode(&self) -> WriteMode {
        self.write
    }

    /// The table it writes.
    pub fn table(&self) -> &str {
        &self.table
    }

    /// The table its offsets are kept in, when they are kept in the database.
    pub fn offsets_table(&self) -> Option<&str> {
        self.offsets_table.as_deref()
    }

    /// The records it holds and the ones it finished.
    pub fn inbox(&self) -> &Inbox {
        &self.queue
    }

    pub fn is_idle(&self) -> bool {
        self.queue.is_empty() && self.awaiting.is_none()
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
                let committing = self.offsets_table.is_none()
                    && client.can_commit_now()
                    && !offsets.is_empty()
                    && client.commit_sync(now, offsets, out);
                if !committing {
                    client.wait_for_records(out);
                }
            }
            PollReturn::CommitSyncReturned => client.poll(now, out),
            PollReturn::PositionsNeeded(partitions) => self.read_offsets(partitions, out),
        }
    }

    pub fn on_timer(&mut self, now: SimTime, timer: Timer, client: &mut Consumer, out: &mut Out) {
        let Timer::DbAnswerTimeout { correlation } = timer else {
            return;
        };
        match self.awaiting.take() {
            // No answer: the write may or may not have happened. Send it again.
            Some((c, Awaiting::Write)) if c == correlation => self.write_front(now, client, out),
            Some((c, Awaiting::Offsets(partitions))) if c == correlation => {
                self.read_offsets(partitions, out)
            }
            other => self.awaiting = other,
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
        let Some((correlation, result)) = message.into_db_response() else {
            return;
        };
        let asked = match self.awaiting.take() {
            Some((c, asked)) if c == correlation => asked,
            other => {
                self.awaiting = other;
                return;
            }
        };
        match asked {
            Awaiting::Offsets(partitions) => self.on_offsets(now, partitions, result, client, out),
            Awaiting::Write => self.on_written(now, result, client, out),
        }
    }

    fn on_written(&mut self, now: SimTime, result: DbResult, client: &mut Consumer, out: &mut Out) {
        match result {
            // Another instance moved the partition's offset: this one is stale (the group gave
            // its partition away). Nothing of the transaction was written; read the offsets again.
            Err(DbError::ConditionFailed { .. }) => {
                self.queue.clear();
                self.stored.clear();
                client.forget_positions();
                client.poll(now, out);
            }
            // Written, or refused as a duplicate key: the row is in the table either way.
            _ => {
                let written = result.is_ok();
                let Some((tp, record)) = self.queue.finish_front(now, out) else {
                    return;
                };
                if written && self.offsets_table.is_some() {
                    self.stored.insert(tp, Some(record.offset + 1));
                }
                self.write_front(now, client, out);
            }
        }
    }

    /// Asks the database for the stored offsets of `partitions`.
    fn read_offsets(&mut self, partitions: Vec<TopicPartition>, out: &mut Out) {
        let Some(table) = &self.offsets_table else {
            return;
        };
        let statements = partitions
            .iter()
            .map(|tp| Statement::Select {
                table: table.clone(),
                key: offset_key(*tp),
            })
            .collect();
        self.send(statements, Awaiting::Offsets(partitions), out);
    }

    /// The stored offsets: seek there; a partition without one starts by `auto.offset.reset`.
    fn on_offsets(
        &mut self,
        now: SimTime,
        partitions: Vec<TopicPartition>,
        result: DbResult,
        client: &mut Consumer,
        out: &mut Out,
    ) {
        let Ok(values) = result else {
            self.read_offsets(partitions, out);
            return;
        };
        let mut unknown = Vec::new();
        for (tp, value) in partitions.into_iter().zip(values) {
            match value.and_then(|v| v.parse::<u64>().ok()) {
                Some(offset) => {
                    client.seek(tp, offset);
                    self.stored.insert(tp, Some(offset));
                }
                None => {
                    self.stored.insert(tp, None);
                    unknown.push(tp);
                }
            }
        }
        if !unknown.is_empty() {
            // The poll goes on once ListOffsets answers.
            client.seek_by_reset_policy(unknown, out);
        } else if self.queue.is_empty() {
            client.poll(now, out);
        } else {
            self.write_front(now, client, out);
        }
    }

    /// Sends the front record's statement(s), or (batch written) commits and polls again.
    fn write_front(&mut self, now: SimTime, client: &mut Consumer, out: &mut Out) {
        if self.awaiting.is_some() {
            return;
        }
        let Some((tp, record)) = self.queue.front() else {
            if self.offsets_table.is_some() {
                client.poll(now, out);
            } else {
                self.commit_batch(now, client, out);
            }
            return;
        };
        let (tp, offset) = (*tp, record.offset);
        let row = Row {
            key: record.id.to_string(),
            value: format!("offset {offset}"),
            record: Some(record.id),
            writer: self.writer(),
        };
        let table = self.table.clone();
        let mut statements = vec![match self.write {
            WriteMode::Insert => Statement::Insert { table, row },
            WriteMode::Upsert => Statement::Upsert { table, row },
        }];
        if let Some(offsets) = &self.offsets_table {
            // In the same transaction: the partition's next offset, if it is still the one
            // this instance last saw.
            statements.push(Statement::CompareAndSet {
                table: offsets.clone(),
                key: offset_key(tp),
                expected: self
                    .stored
                    .get(&tp)
                    .copied()
                    .flatten()
                    .map(|o| o.to_string()),
                value: (offset + 1).to_string(),
                writer: self.writer(),
            });
        }
        self.send(statements, Awaiting::Write, out);
    }

    fn writer(&self) -> Writer {
        Writer {
            node: self.id,
            incarnation: self.incarnation,
        }
    }

    fn send(&mut self, statements: Vec<Statement>, asked: Awaiting, out: &mut Out) {
        let correlation = self.next_correlation;
        self.next_correlation += 1;
        self.awaiting = Some((correlation, asked));
        out.send(
            self.database,
            Message::DbRequest {
                correlation,
                statements,
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
