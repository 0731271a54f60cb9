//! What became of an application's input records, judged from its results: for each record a
//! reader can see in the input topics, how many results it has — exactly one, none although the
//! group's committed offset has passed it (**missing**: never to be processed again), more than
//! one, or none yet. The consume-transform-produce check ([`super::transform`]) counts committed
//! output records; the database check ([`super::database`]) counts rows.

use super::RecordFates;
use crate::flat::FlatMap;
use crate::ids::{RecordId, TopicPartition};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// An application's inputs, by how many results each has (committed output records of a
/// consume-transform-produce application, rows of a database writer).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct InputCounts {
    /// Input records (visible to read_committed).
    pub inputs: u64,
    /// Inputs with exactly one result.
    pub exactly_once: u64,
    /// Inputs the group's committed offset has passed with no result.
    pub missing: u64,
    /// Inputs with more than one result.
    pub more_than_once: u64,
    /// Inputs without a result that the application has not passed yet.
    pub not_yet: u64,
}

impl InputCounts {
    /// Counts one input's result.
    pub fn add(&mut self, result: InputResult) {
        self.inputs += 1;
        match result {
            InputResult::ExactlyOnce => self.exactly_once += 1,
            InputResult::Missing => self.missing += 1,
            InputResult::MoreThanOnce => self.more_than_once += 1,
            InputResult::NotYet => self.not_yet += 1,
        }
    }
}

/// What became of one input record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InputResult {
    ExactlyOnce,
    Missing,
    MoreThanOnce,
    NotYet,
}

/// One input record judged: its partition, offset and id, and what became of it.
pub type JudgedInput = (TopicPartition, u64, RecordId, InputResult);

impl RecordFates {
    /// Each visible input record of `input_topics`, in partition and offset order, judged by
    /// `results`: per input, its result copies and whether a result is still undecided (on its
    /// way, so no verdict of missing yet). `committed`: the group's committed offsets.
    pub(super) fn judge_inputs(
        &self,
        input_topics: &[u16],
        results: &BTreeMap<RecordId, (u32, bool)>,
        committed: &FlatMap<TopicPartition, u64>,
    ) -> Vec<JudgedInput> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for (tp, log) in &self.logs {
            if !input_topics.contains(&tp.topic) {
                continue;
            }
            for offset in log.log_start..log.high_watermark {
                let Some(id) = log.id_at(offset) else {
                    continue;
                };
                let visible = self.fate(id) == Some(super::Fate::Committed);
                if !visible || !seen.insert(id) {
                    continue;
                }
                let (copies, undecided) = results.get(&id).copied().unwrap_or((0, false));
                let result = match copies {
                    1 => InputResult::ExactlyOnce,
                    0 if !undecided && committed.get(tp).is_some_and(|c| *c > offset) => {
                        InputResult::Missing
                    }
                    0 => InputResult::NotYet,
                    _ => InputResult::MoreThanOnce,
                };
                out.push((*tp, offset, id, result));
            }
        }
        out
    }
}
