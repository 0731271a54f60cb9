//! A Kafka Connect sink task (`[consumers.sink]`): the consumer of a sink connector's task, in
//! the connector's group `connect-<name>`, copying a topic into a database table. The setting
//! names are the JDBC sink connector's (`insert.mode`, `pk.mode`) and the Connect worker's
//! (`offset.flush.interval.ms`). See [`crate::app::sink_task`].

use super::database::WriteMode;
use serde::{Deserialize, Serialize};

/// `pk.mode`: what becomes the row's primary key (the JDBC sink connector's names; `kafka` and
/// `record_value` are not modelled).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PkMode {
    /// No primary key (the connector's default): every write adds a row.
    #[default]
    None,
    /// The record's key is the row's primary key.
    RecordKey,
}

impl PkMode {
    pub fn name(self) -> &'static str {
        match self {
            PkMode::None => "none",
            PkMode::RecordKey => "record_key",
        }
    }
}

/// One task of a sink connector, run by a Connect worker (`[consumers.sink]`). Its consumer is the
/// `[[consumers]]` entry it sits in: `group.id` must be `connect-<connector>`, and, as Connect
/// sets it, `enable.auto.commit = false`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SinkTaskConfig {
    /// The connector's name (its group is `connect-<connector>`).
    pub connector: String,
    /// The table the rows go to (`table.name.format`).
    pub table: String,
    /// `insert.mode`: `insert` (the connector's default) or `upsert`.
    #[serde(rename = "insert.mode", default)]
    pub insert_mode: WriteMode,
    /// `pk.mode`: `none` (the default) or `record_key`.
    #[serde(rename = "pk.mode", default)]
    pub pk_mode: PkMode,
    /// The worker's `offset.flush.interval.ms` (Kafka's default 60000): how often the task's
    /// consumed offsets are committed.
    #[serde(
        rename = "offset.flush.interval.ms",
        default = "default_offset_flush_interval_ms"
    )]
    pub offset_flush_interval_ms: u64,
    /// Which worker (a process of its own: crashing it kills all its tasks) runs this task.
    #[serde(default = "default_worker")]
    pub worker: u32,
    /// How long the task waits for the database's answer before it treats the `put` as failed
    /// and delivers the batch again (a JDBC `socketTimeout` in `connection.url`; the JDBC default
    /// is to wait forever, which a lost answer would turn into a hung task).
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
    /// The JDBC sink's `retry.backoff.ms` (default 3000): the wait before a failed `put` is
    /// delivered again.
    #[serde(rename = "retry.backoff.ms", default = "default_retry_backoff_ms")]
    pub retry_backoff_ms: u64,
}

impl SinkTaskConfig {
    /// The connector's consumer group, as Connect names it.
    pub fn group(&self) -> String {
        format!("connect-{}", self.connector)
    }
}

fn default_offset_flush_interval_ms() -> u64 {
    60_000
}

fn default_worker() -> u32 {
    1
}

fn default_timeout_ms() -> u64 {
    5_000
}

fn default_retry_backoff_ms() -> u64 {
    3_000
}
