//! What a client says to the mock relational database ([`crate::database`]) and what it answers:
//! SQL statements reduced to what the story needs, sent one request at a time over the network
//! like any other message (so they can be lost, delayed or cut off).
//!
//! A request carries one statement (auto-commit, as JDBC runs a statement by default) or several
//! run as **one database transaction** (`BEGIN … COMMIT`): all take effect or none. The
//! transaction travels as one request, the way a client that batches its statements and commits
//! at once is seen by the database; the interesting failure — the answer to `COMMIT` lost on the
//! way back, so the client cannot know whether it committed — is the same.

use crate::ids::{NodeId, RecordId};
use serde::{Deserialize, Serialize};

/// A row as a writer gives it: its key, its value, and where it came from (the record it was
/// written for, and which instance of which consumer application wrote it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    pub key: String,
    pub value: String,
    /// The Kafka record this row was written for (`None` for bookkeeping rows such as stored
    /// offsets).
    pub record: Option<RecordId>,
    pub writer: Writer,
}

/// Which process wrote a row: the node and its incarnation (a restarted consumer is another
/// instance, as a new JVM would be).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Writer {
    pub node: NodeId,
    pub incarnation: u32,
}

/// One SQL statement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Statement {
    /// `INSERT INTO table VALUES (…)`. With a unique key on the table, an existing key fails the
    /// statement with [`DbError::DuplicateKey`]; without one, the row is added again.
    Insert { table: String, row: Row },
    /// `INSERT … ON CONFLICT (key) DO UPDATE`: replaces the row with the same key, or inserts it.
    Upsert { table: String, row: Row },
    /// `UPDATE table SET value = :value WHERE key = :key AND value = :expected` (an `INSERT` when
    /// `expected` is `None`: the key must be absent). Fails with [`DbError::ConditionFailed`]
    /// when the stored value is not `expected` — the compare-and-set that lets the
    /// offsets-in-the-database fix refuse a stale writer.
    CompareAndSet {
        table: String,
        key: String,
        expected: Option<String>,
        value: String,
        writer: Writer,
    },
    /// `SELECT value FROM table WHERE key = :key` (the first such row).
    Select { table: String, key: String },
}

impl Statement {
    pub fn table(&self) -> &str {
        match self {
            Statement::Insert { table, .. }
            | Statement::Upsert { table, .. }
            | Statement::CompareAndSet { table, .. }
            | Statement::Select { table, .. } => table,
        }
    }
}

/// Why the database refused a statement (and with it, its whole transaction).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DbError {
    /// A unique-key violation (PostgreSQL's SQLSTATE 23505).
    DuplicateKey { table: String, key: String },
    /// A compare-and-set found another value than the one expected.
    ConditionFailed {
        table: String,
        key: String,
        found: Option<String>,
    },
    /// The statement names a table the database does not have.
    NoSuchTable { table: String },
}

impl DbError {
    /// Its name in the event list and the report.
    pub fn name(&self) -> &'static str {
        match self {
            DbError::DuplicateKey { .. } => "duplicate key",
            DbError::ConditionFailed { .. } => "condition failed",
            DbError::NoSuchTable { .. } => "no such table",
        }
    }
}

/// The answer to a request: for each `SELECT`, the value read (other statements answer `None`),
/// or the error that rolled the transaction back.
pub type DbResult = Result<Vec<Option<String>>, DbError>;
