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

use super::{JudgedInput, RecordFates};
use crate::flat::FlatMap;
use crate::ids::{RecordId, TopicPartition};
use std::collections::BTreeMap;

impl RecordFates {
    /// Each visible input record of `input_topics` with what became of it, in partition and
    /// offset order. `outputs` are the application's output records with the input each was made
    /// from; `committed` the group's committed offsets.
    pub fn transform_results(
        &self,
        input_topics: &[u16],
        outputs: impl IntoIterator<Item = (RecordId, RecordId)>,
        committed: &FlatMap<TopicPartition, u64>,
    ) -> Vec<JudgedInput> {
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
        self.judge_inputs(input_topics, &results, committed)
    }
}
