//! A database table, judged from its rows: for a database writer's group, how many rows each input
//! record has (exactly one is the goal; two is the duplicate row the story ends with; none after
//! the group committed past it is a missing row), and the writes the database refused (a
//! duplicate key, a stale compare-and-set) — the refusals that keep a table right.

use super::{JudgedInput, RecordFates};
use crate::flat::FlatMap;
use crate::ids::{RecordId, TopicPartition};
use std::collections::BTreeMap;

impl RecordFates {
    /// Each visible input record of `input_topics` with how many of `rows` (the record each row
    /// was written for) it has. `committed`: the writing group's committed offsets.
    pub fn table_results(
        &self,
        input_topics: &[u16],
        rows: impl IntoIterator<Item = RecordId>,
        committed: &FlatMap<TopicPartition, u64>,
    ) -> Vec<JudgedInput> {
        let mut results: BTreeMap<RecordId, (u32, bool)> = BTreeMap::new();
        for record in rows {
            results.entry(record).or_default().0 += 1;
        }
        self.judge_inputs(input_topics, &results, committed)
    }
}
