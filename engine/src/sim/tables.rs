//! The database tables applications write, as the simulation sees them: which application
//! writes which table and how (database writers, Kafka Connect sink tasks), the tables' duplicate
//! rows, and each input record judged by its rows — what the report's `tables[]` reads.

use super::*;
use crate::ordered::CollectByInsert;

impl Simulation {
    /// Every application that writes a database table (database writers, Connect sink tasks),
    /// with its group, in scenario order.
    fn table_writers(
        &self,
    ) -> impl Iterator<Item = (&crate::app::consumer_process::Application, &str)> + '_ {
        self.consumers
            .iter()
            .filter(|c| c.app().table().is_some())
            .map(|c| (c.app(), c.client().group()))
    }

    /// Each table an application writes, with the writer's group, in scenario order (a table
    /// and group once).
    pub fn written_tables(&self) -> Vec<(String, String)> {
        let mut tables: Vec<(String, String)> = Vec::new();
        for (w, group) in self.table_writers() {
            let entry = (w.table().unwrap_or_default().to_string(), group.to_string());
            if !tables.contains(&entry) {
                tables.push(entry);
            }
        }
        tables
    }

    /// How `group`'s application writes `table`.
    pub fn write_style(
        &self,
        table: &str,
        group: &str,
    ) -> Option<crate::check::report::WriteStyle> {
        let unique_key = self
            .databases
            .iter()
            .filter_map(|d| d.tables().get(table))
            .any(|t| t.unique_key);
        self.table_writers()
            .find(|(w, g)| *g == group && w.table() == Some(table))
            .and_then(|(w, _)| w.write_style(unique_key))
    }

    /// The tables database writers keep their offsets in.
    pub fn offsets_tables(&self) -> Vec<&str> {
        self.table_writers()
            .filter_map(|(w, _)| w.offsets_table())
            .collect()
    }

    /// Rows of `table` written for a record that already had an earlier row (each extra row
    /// counted): the duplicate rows.
    pub fn duplicate_rows(&self, table: &str) -> u64 {
        self.databases
            .iter()
            .filter_map(|d| d.tables().get(table))
            .flat_map(|t| t.rows_marked())
            .filter(|(_, duplicate)| *duplicate)
            .count() as u64
    }

    /// What became of each input record of the database writer `group`, judged from the rows
    /// of `table` (see [`RecordFates::table_results`]).
    pub fn table_results(&self, table: &str, group: &str) -> Vec<crate::check::fates::JudgedInput> {
        let rows = self
            .databases
            .iter()
            .filter_map(|d| d.tables().get(table))
            .flat_map(|t| t.rows.iter().filter_map(|r| r.row.record));
        // How far the group has committed: its committed offsets, or — offsets kept in the
        // database — the offsets table's.
        let offsets_table = self
            .table_writers()
            .filter(|(_, g)| *g == group)
            .find_map(|(w, _)| w.offsets_table());
        let topics = self.group_topics(group);
        let committed: crate::flat::FlatMap<crate::ids::TopicPartition, u64> = match offsets_table {
            Some(offsets) => self
                .partitions
                .iter()
                .filter(|tp| topics.contains(&tp.topic))
                .filter_map(|tp| {
                    let key = crate::app::db_writer::offset_key(*tp);
                    let stored = self
                        .databases
                        .iter()
                        .filter_map(|d| d.tables().get(offsets))
                        .find_map(|t| t.get(&key))?;
                    Some((*tp, stored.row.value.parse().ok()?))
                })
                .collect_by_insert(),
            None => self
                .groups
                .group(group)
                .map(|g| g.offsets.clone())
                .unwrap_or_default(),
        };
        self.fates.table_results(&topics, rows, &committed)
    }
}
