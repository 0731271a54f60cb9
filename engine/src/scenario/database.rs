//! A scenario's database (`[database]`: its tables, how long a statement takes) and what a consumer
//! application writes to it (`[consumers.database]`). See [`crate::database`] and
//! [`crate::app::db_writer`].

use serde::{Deserialize, Serialize};

/// The scenario's database: one node, `database-1`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseConfig {
    /// How long the database takes to execute one request (a statement or a transaction).
    #[serde(default = "default_statement_ms")]
    pub statement_ms: u64,
    pub tables: Vec<TableConfig>,
}

fn default_statement_ms() -> u64 {
    2
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableConfig {
    pub name: String,
    /// A unique key on the row key (the record's id): a second insert of the same key is refused.
    #[serde(default)]
    pub unique_key: bool,
}

/// How a database writer writes a record's row.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WriteMode {
    /// `INSERT`: with a unique key a second write of the same record is refused (the writer takes
    /// the refusal as "already written"); without one it adds a second row.
    #[default]
    Insert,
    /// `INSERT … ON CONFLICT (key) DO UPDATE`: a second write replaces the first.
    Upsert,
}

impl WriteMode {
    pub fn name(self) -> &'static str {
        match self {
            WriteMode::Insert => "insert",
            WriteMode::Upsert => "upsert",
        }
    }
}

/// A consumer application that writes each record it processes as a row (`[consumers.database]`):
/// poll, write each record's row and wait for the database's answer, then `commitSync` the
/// batch's offsets — at-least-once, Kafka's usual advice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DbWriterConfig {
    /// The table the rows go to.
    pub table: String,
    #[serde(default)]
    pub write: WriteMode,
    /// How long the application waits for the database's answer before it sends the statement
    /// again (a JDBC socket timeout, after which the application retries the write).
    #[serde(default = "default_db_timeout_ms")]
    pub timeout_ms: u64,
    /// Offsets stored in the database, in this table (Kafka's "Storing Offsets Outside Kafka"):
    /// each row and its partition's next offset are written in one database transaction,
    /// compared and set, and an assigned partition starts at the offset the table holds. Nothing
    /// is committed to the group. Unset: offsets are committed to Kafka after the rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offsets_table: Option<String>,
}

fn default_db_timeout_ms() -> u64 {
    5_000
}
