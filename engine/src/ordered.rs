//! Building the engine's ordered maps and sets by insertion.
//!
//! The engine keeps its state in `BTreeMap`s and `BTreeSet`s, so that iteration order, and so
//! the trace, never depends on hashing: the same scenario and seed give the same trace, natively
//! and in wasm. Collecting an iterator into one (`collect()`, `from_iter`, `BTreeSet::from([..])`)
//! sorts the items first, and Rust compiles a copy of its stable sort for every element type
//! collected that way: about thirty copies, a large part of the page's WebAssembly download
//! (issue 12). [`CollectByInsert::collect_by_insert`] builds the same map or set by inserting the
//! items one by one, as `Extend` does, with the code each map type already has. For equal keys
//! the last value wins, as with `collect()`.

/// `collect()` for ordered maps and sets, without a sort (see the module docs).
pub trait CollectByInsert: Iterator + Sized {
    fn collect_by_insert<C: Default + Extend<Self::Item>>(self) -> C {
        let mut collection = C::default();
        collection.extend(self);
        collection
    }
}

impl<I: Iterator> CollectByInsert for I {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    #[test]
    fn builds_what_collect_builds_and_the_last_value_of_a_key_wins() {
        let items = [(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd')];
        let by_insert: BTreeMap<u32, char> = items.into_iter().collect_by_insert();
        let collected: BTreeMap<u32, char> = items.into_iter().collect();
        assert_eq!(by_insert, collected);
        assert_eq!(by_insert[&3], 'c');
        let set: BTreeSet<u32> = [5, 1, 5, 3].into_iter().collect_by_insert();
        assert_eq!(set.into_iter().collect::<Vec<_>>(), [1, 3, 5]);
    }
}
