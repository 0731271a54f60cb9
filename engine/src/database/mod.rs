//! The mock relational database: where Kafka's exactly-once ends.
//!
//! Kafka's transactions cover writes to Kafka and consumer offsets only. A consumer that writes a
//! row to a database and then commits its offset can fail between the two — the commit lost, the
//! member taken for dead after `session.timeout.ms`, its partition re-read by another instance
//! from the last committed offset — and the row is written twice. Kafka cannot see into the
//! database; only the database's own rules can make the second write harmless: a unique key, or
//! the offsets stored with the rows in one database transaction, compared and set (Kafka's
//! consumer documentation, "Storing Offsets Outside Kafka").
//!
//! This node is a process like the others: its requests and answers travel the network (so they
//! can be lost, delayed or cut off), it can stall (a pause) and it executes one request at a time,
//! taking `statement_ms` for each. It holds tables of rows ([`table`]): each row says which record
//! and which consumer instance wrote it, so the checker can name a duplicate row. A request is one
//! statement (auto-commit) or several in one transaction, atomic: a failing statement (a
//! duplicate key, a failed compare-and-set) rolls back the whole transaction. Committed rows are
//! durable: a restart loses only requests not yet executed.

pub mod table;

use crate::effect::{Out, Timer};
use crate::flat::FlatMap;
use crate::ids::NodeId;
use crate::message::{DbResult, Message, Statement};
use crate::ordered::CollectByInsert;
use crate::scenario::DatabaseConfig;
use crate::time::{SimDuration, SimTime};
use crate::trace::{TraceKind, WrittenRow};
use std::collections::VecDeque;
pub use table::{StoredRow, Table};

#[derive(Clone, Debug)]
pub struct Database {
    id: NodeId,
    tables: FlatMap<String, Table>,
    /// How long executing one request takes.
    statement_time: SimDuration,
    /// Requests waiting for the executor, oldest first: (client, correlation, statements).
    queue: VecDeque<(NodeId, u64, Vec<Statement>)>,
    /// A request is being executed (its `DbRequestExecuted` timer is set).
    busy: bool,
    /// Requests refused (rolled back), by the table the request writes first.
    refused: FlatMap<String, u64>,
}

impl Database {
    pub fn new(id: NodeId, config: &DatabaseConfig) -> Self {
        Database {
            id,
            tables: config
                .tables
                .iter()
                .map(|t| (t.name.clone(), Table::new(&t.name, t.unique_key)))
                .collect_by_insert(),
            statement_time: SimDuration::from_ms(config.statement_ms),
            queue: VecDeque::new(),
            busy: false,
            refused: FlatMap::new(),
        }
    }

    pub fn id(&self) -> NodeId {
        self.id
    }

    /// The tables, by name.
    pub fn tables(&self) -> &FlatMap<String, Table> {
        &self.tables
    }

    pub fn on_message(&mut self, now: SimTime, from: NodeId, message: Message, out: &mut Out) {
        let Message::DbRequest {
            correlation,
            statements,
        } = message
        else {
            return;
        };
        self.queue.push_back((from, correlation, statements));
        self.start_next(now, out);
    }

    pub fn on_timer(&mut self, now: SimTime, timer: Timer, out: &mut Out) {
        if timer == Timer::DbRequestExecuted {
            self.busy = false;
            self.execute_oldest(now, out);
            self.start_next(now, out);
        }
    }

    /// How many requests writing first to `table` the database refused (a duplicate key, a
    /// failed compare-and-set: the whole transaction rolled back).
    pub fn refused_writes(&self, table: &str) -> u64 {
        self.refused.get(table).copied().unwrap_or(0)
    }

    /// A crashed database starts again: its committed tables are intact (durable), requests it
    /// had not executed are gone (their clients get no answer).
    pub fn restart(&mut self) {
        self.queue.clear();
        self.busy = false;
    }

    fn start_next(&mut self, now: SimTime, out: &mut Out) {
        if self.busy || self.queue.is_empty() {
            return;
        }
        if self.statement_time == SimDuration::ZERO {
            while !self.queue.is_empty() {
                self.execute_oldest(now, out);
            }
            return;
        }
        self.busy = true;
        out.set_timer(self.statement_time, Timer::DbRequestExecuted);
    }

    /// Executes the oldest request as one transaction and answers it.
    fn execute_oldest(&mut self, now: SimTime, out: &mut Out) {
        let Some((client, correlation, statements)) = self.queue.pop_front() else {
            return;
        };
        let mut undo = Vec::new();
        let mut written = Vec::new();
        let mut answers = Vec::new();
        let mut result: DbResult = Ok(Vec::new());
        for statement in &statements {
            match table::execute(&mut self.tables, statement, now, &mut undo, &mut written) {
                Ok(answer) => answers.push(answer),
                Err(error) => {
                    result = Err(error);
                    break;
                }
            }
        }
        match &result {
            Ok(_) => {
                for w in written {
                    out.trace(TraceKind::RowWritten {
                        database: self.id,
                        row: Box::new(WrittenRow {
                            table: w.table,
                            key: w.row.key,
                            record: w.row.record,
                            writer: w.row.writer.node,
                            incarnation: w.row.writer.incarnation,
                            replaced: w.replaced,
                        }),
                    });
                }
                result = Ok(answers);
            }
            Err(error) => {
                table::roll_back(&mut self.tables, undo);
                // Counted for the table the request writes first (the row, not its offset).
                if let Some(t) = statements.first().map(Statement::table) {
                    *self.refused.entry(t.to_string()).or_default() += 1;
                }
                let record = statements.iter().find_map(|s| match s {
                    Statement::Insert { row, .. } | Statement::Upsert { row, .. } => row.record,
                    _ => None,
                });
                out.trace(TraceKind::WriteRefused {
                    database: self.id,
                    client,
                    record,
                    error: Box::new(error.clone()),
                });
            }
        }
        out.send(
            client,
            Message::DbResponse {
                correlation,
                result,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{DbError, Row, Writer};
    use crate::scenario::TableConfig;

    fn db(unique_key: bool) -> Database {
        Database::new(
            NodeId::Database(1),
            &DatabaseConfig {
                statement_ms: 0,
                tables: vec![TableConfig {
                    name: "payments".into(),
                    unique_key,
                }],
            },
        )
    }

    fn insert(key: &str) -> Statement {
        Statement::Insert {
            table: "payments".into(),
            row: Row {
                key: key.into(),
                value: "v".into(),
                record: None,
                writer: Writer {
                    node: NodeId::Consumer(1),
                    incarnation: 0,
                },
            },
        }
    }

    fn answer(d: &mut Database, statements: Vec<Statement>) -> DbResult {
        let mut out = Out::default();
        d.on_message(
            SimTime::ZERO,
            NodeId::Consumer(1),
            Message::DbRequest {
                correlation: 1,
                statements,
            },
            &mut out,
        );
        let answer = out.drain().find_map(|e| match e {
            crate::effect::Effect::Send {
                message: Message::DbResponse { result, .. },
                ..
            } => Some(result),
            _ => None,
        });
        answer.expect("an answer")
    }

    #[test]
    fn without_a_unique_key_the_same_insert_adds_a_second_row() {
        let mut d = db(false);
        assert!(answer(&mut d, vec![insert("p1#0")]).is_ok());
        assert!(answer(&mut d, vec![insert("p1#0")]).is_ok());
        assert_eq!(d.tables()["payments"].rows.len(), 2);
    }

    #[test]
    fn a_unique_key_refuses_the_second_insert_and_its_transaction_rolls_back_whole() {
        let mut d = db(true);
        assert!(answer(&mut d, vec![insert("p1#0")]).is_ok());
        let refused = answer(&mut d, vec![insert("p1#1"), insert("p1#0")]);
        assert_eq!(
            refused,
            Err(DbError::DuplicateKey {
                table: "payments".into(),
                key: "p1#0".into()
            })
        );
        let keys: Vec<&str> = d.tables()["payments"]
            .rows
            .iter()
            .map(|r| r.row.key.as_str())
            .collect();
        assert_eq!(keys, ["p1#0"], "p1#1 was rolled back with the transaction");
    }

    #[test]
    fn compare_and_set_refuses_a_stale_expected_value() {
        let mut d = db(false);
        let cas = |expected: Option<&str>, value: &str| Statement::CompareAndSet {
            table: "payments".into(),
            key: "offset P0".into(),
            expected: expected.map(str::to_string),
            value: value.into(),
            writer: Writer {
                node: NodeId::Consumer(2),
                incarnation: 0,
            },
        };
        assert!(answer(&mut d, vec![cas(None, "3")]).is_ok());
        assert!(answer(&mut d, vec![cas(Some("3"), "5")]).is_ok());
        assert!(matches!(
            answer(&mut d, vec![cas(Some("3"), "4")]),
            Err(DbError::ConditionFailed { found: Some(ref f), .. }) if f == "5"
        ));
        let select = Statement::Select {
            table: "payments".into(),
            key: "offset P0".into(),
        };
        assert_eq!(answer(&mut d, vec![select]), Ok(vec![Some("5".into())]));
    }
}
