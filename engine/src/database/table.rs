//! A table of the mock database: rows in the order they were written, an optional unique key,
//! and the statements that change them, applied atomically per transaction (an undo log rolls a
//! failed transaction back, as a real database's would).

use crate::flat::FlatMap;
use crate::message::{DbError, Row, Statement};
use crate::time::SimTime;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A row as the table holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredRow {
    pub row: Row,
    /// When the statement that wrote it (last) committed.
    pub written_at: SimTime,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    pub name: String,
    /// `PRIMARY KEY (key)` / `UNIQUE (key)`: a second row with the same key is refused.
    pub unique_key: bool,
    pub rows: Vec<StoredRow>,
    /// The first row with each key (the one a `SELECT` or an upsert finds).
    by_key: BTreeMap<String, usize>,
}

/// What a transaction changed, to undo it if a later statement fails.
#[derive(Clone, Debug)]
pub enum Undo {
    Inserted {
        table: String,
    },
    Replaced {
        table: String,
        at: usize,
        was: StoredRow,
    },
}

/// A write a committed transaction made (for the trace).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    pub table: String,
    pub row: Row,
    /// It replaced a row with the same key (an upsert or a compare-and-set) rather than adding one.
    pub replaced: bool,
}

impl Table {
    pub fn new(name: &str, unique_key: bool) -> Self {
        Table {
            name: name.to_string(),
            unique_key,
            rows: Vec::new(),
            by_key: BTreeMap::new(),
        }
    }

    /// Its rows in order, each marked when it was written for a record an earlier row of this
    /// table was already written for (a duplicate row) — the one definition the page and the
    /// report read.
    pub fn rows_marked(&self) -> impl Iterator<Item = (&StoredRow, bool)> + '_ {
        let mut seen = std::collections::BTreeSet::new();
        self.rows
            .iter()
            .map(move |r| (r, r.row.record.is_some_and(|id| !seen.insert(id))))
    }

    /// The first row with `key`.
    pub fn get(&self, key: &str) -> Option<&StoredRow> {
        self.by_key.get(key).map(|i| &self.rows[*i])
    }

    fn push(&mut self, row: Row, now: SimTime) {
        self.by_key
            .entry(row.key.clone())
            .or_insert(self.rows.len());
        self.rows.push(StoredRow {
            row,
            written_at: now,
        });
    }

    fn pop(&mut self) {
        if let Some(last) = self.rows.pop() {
            if self.by_key.get(&last.row.key) == Some(&self.rows.len()) {
                self.by_key.remove(&last.row.key);
            }
        }
    }
}

/// Runs one statement against `tables`, noting how to undo it. `Ok(Some(value))` answers a
/// `SELECT`.
pub fn execute(
    tables: &mut FlatMap<String, Table>,
    statement: &Statement,
    now: SimTime,
    undo: &mut Vec<Undo>,
    written: &mut Vec<Written>,
) -> Result<Option<String>, DbError> {
    let name = statement.table().to_string();
    let table = tables.get_mut(&name).ok_or_else(|| DbError::NoSuchTable {
        table: name.clone(),
    })?;
    match statement {
        Statement::Insert { row, .. } => {
            if table.unique_key && table.get(&row.key).is_some() {
                return Err(DbError::DuplicateKey {
                    table: name,
                    key: row.key.clone(),
                });
            }
            table.push(row.clone(), now);
            undo.push(Undo::Inserted {
                table: name.clone(),
            });
            written.push(Written {
                table: name,
                row: row.clone(),
                replaced: false,
            });
            Ok(None)
        }
        Statement::Upsert { row, .. } => {
            replace_or_insert(table, row.clone(), now, undo, written);
            Ok(None)
        }
        Statement::CompareAndSet {
            key,
            expected,
            value,
            writer,
            ..
        } => {
            let found = table.get(key).map(|r| r.row.value.clone());
            if found != *expected {
                return Err(DbError::ConditionFailed {
                    table: name,
                    key: key.clone(),
                    found,
                });
            }
            let row = Row {
                key: key.clone(),
                value: value.clone(),
                record: None,
                writer: *writer,
            };
            replace_or_insert(table, row, now, undo, written);
            Ok(None)
        }
        Statement::Select { key, .. } => Ok(table.get(key).map(|r| r.row.value.clone())),
    }
}

fn replace_or_insert(
    table: &mut Table,
    row: Row,
    now: SimTime,
    undo: &mut Vec<Undo>,
    written: &mut Vec<Written>,
) {
    let name = table.name.clone();
    match table.by_key.get(&row.key).copied() {
        Some(at) => {
            let was = std::mem::replace(
                &mut table.rows[at],
                StoredRow {
                    row: row.clone(),
                    written_at: now,
                },
            );
            undo.push(Undo::Replaced {
                table: name.clone(),
                at,
                was,
            });
            written.push(Written {
                table: name,
                row,
                replaced: true,
            });
        }
        None => {
            table.push(row.clone(), now);
            undo.push(Undo::Inserted {
                table: name.clone(),
            });
            written.push(Written {
                table: name,
                row,
                replaced: false,
            });
        }
    }
}

/// Rolls back what `undo` recorded, newest first.
pub fn roll_back(tables: &mut FlatMap<String, Table>, undo: Vec<Undo>) {
    for step in undo.into_iter().rev() {
        match step {
            Undo::Inserted { table } => {
                if let Some(t) = tables.get_mut(&table) {
                    t.pop();
                }
            }
            Undo::Replaced { table, at, was } => {
                if let Some(t) = tables.get_mut(&table) {
                    t.rows[at] = was;
                }
            }
        }
    }
}
