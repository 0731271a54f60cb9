//! Exactly-once processing, judged from the output: for a consume-transform-produce application,
//! how many committed results each input record has in the output topic, as a `read_committed`
//! reader sees them (KIP-98 / KIP-447's promise: exactly one).
//!
//! The inputs are the records a `read_committed` reader can see in the application's input
//! topics (committed, not aborted). Each input's results are the output records the application's
//! producers made from it ([`crate::producer::Producer::sources`]) that are *committed* by the one
//! definition of [`super::RecordFacts::fate`] — aborted results do not count. An input with no
//! committed result is **missing** once the group's committed offset has passed it (the
//! application will never process it again) and no result of it is still on its way (produced,
//! its transaction not yet settled below the HW — the group coordinator applies the offsets on the
//! marker, a moment before the marker is replicated); **not yet** otherwise.

use super::RecordFates;
use crate::ids::{RecordId, TopicPartition};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// One consume-transform-produce application's inputs, by how many committed results each has.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TransformCounts {
    /// Input records visible to read_committed.
    pub inputs: u64,
    /// Inputs with exactly one committed result.
    pub exactly_once: u64,
    /// Inputs the group's committed offset has passed with no committed result.
    pub missing: u64,
    /// Inputs with more than one committed result.
    pub more_than_once: u64,
    /// Inputs without a committed result that the application has not passed yet.
    pub not_yet: u64,
}

impl TransformCounts {
    /// Counts one input's result.
    pub fn add(&mut self, result: TransformResult) {
        self.inputs += 1;
        match result {
            TransformResult::ExactlyOnce => self.exactly_once += 1,
            TransformResult::Missing => self.missing += 1,
            TransformResult::MoreThanOnce => self.more_than_once += 1,
            TransformResult::NotYet => self.not_yet += 1,
        }
    }
}

/// What became of one input record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TransformResult {
    ExactlyOnce,
    Missing,
    MoreThanOnce,
    NotYet,
}

impl RecordFates {
    /// Each visible input record of `input_topics` with what became of it, in partition and
    /// offset order. `outputs` are the application's output records with the input each was made
    /// from; `committed` the group's committed offsets.
    pub fn transform_results(
        &self,
        input_topics: &[u16],
        outputs: impl IntoIterator<Item = (RecordId, RecordId)>,
        committed: &BTreeMap<TopicPartition, u64>,
    ) -> Vec<(TopicPartition, u64, RecordId, TransformResult)> {
        // Per input: committed result copies, and whether a result is still undecided.
        let mut results: BTreeMap<RecordId, (u32, bool)> = BTreeMap::new();
        for (output, source) in outputs {
            let entry = results.entry(source).or_default();
            match self.facts(output) {
                Some(f) if f.fate() == super::Fate::Committed => {
                    entry.0 += u32::from(f.committed_copies());
                }
                Some(f) if matches!(f.fate(), super::Fate::NotCommitted | super::Fate::Pending) => {
                    entry.1 = true;
                }
                _ => {}
            }
        }
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
                    1 => TransformResult::ExactlyOnce,
                    0 if !undecided && committed.get(tp).is_some_and(|c| *c > offset) => {
                        TransformResult::Missing
                    }
                    0 => TransformResult::NotYet,
                    _ => TransformResult::MoreThanOnce,
                };
                out.push((*tp, offset, id, result));
            }
        }
        out
    }
}
