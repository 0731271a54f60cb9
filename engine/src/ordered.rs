//! Building the engine's ordered maps and sets by insertion.
//!
//! The engine keeps its state in ordered maps and sets (`BTreeMap`s, and the small ones in
//! [`crate::flat`]), so that iteration order, and so the trace, never depends on hashing: the same
//! scenario and seed give the same trace, natively and in wasm. Collecting an iterator into a
//! `BTreeMap` or `BTreeSet` (`collect()`, `from_iter`, `BTreeSet::from([..])`)
//! sorts the items first, and Rust compiles a copy of its stable sort for every element type
//! collected that way: about thirty copies, a large part of the page's WebAssembly download
//! (issue 12). [`CollectByInsert::collect_by_insert`] builds the same map or set by inserting the
//! items one by one, as `Extend` does, with the code each map type already has (a
//! [`crate::flat::FlatMap`] does so in `collect()` too). For equal keys the last value wins, as
//! with `collect()`.
//!
//! Explicit sorts have the same cost: `sort`, `sort_by_key` and `sort_unstable` compile one copy
//! of the sort per element type and per key closure. [`sort_stable_by`] and its two shorthands
//! sort through one shared copy instead: they sort the items' positions (`usize`) with the
//! comparison behind a `&dyn Fn`, then move the items into that order in place. The result is
//! exactly `slice::sort_by`'s (stable: equal items keep their order).

use std::cmp::Ordering;

/// `collect()` for ordered maps and sets, without a sort (see the module docs).
pub trait CollectByInsert: Iterator + Sized {
    fn collect_by_insert<C: Default + Extend<Self::Item>>(self) -> C {
        let mut collection = C::default();
        collection.extend(self);
        collection
    }
}

impl<I: Iterator> CollectByInsert for I {}

/// Sorts `items` by `compare`, stably, as `slice::sort_by` does (see the module docs).
pub fn sort_stable_by<T>(items: &mut [T], compare: impl Fn(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let mut order = stable_order(items.len(), &|a, b| compare(&items[a], &items[b]));
    // Position `k` takes the item now at `order[k]`: follow each cycle of the permutation with
    // swaps, in place (no second buffer), marking each position done with `order[k] = k`.
    for start in 0..order.len() {
        let mut k = start;
        while order[k] != k {
            let from = order[k];
            order[k] = k;
            if from == start {
                break;
            }
            items.swap(k, from);
            k = from;
        }
    }
}

/// Sorts `items` in their natural order, stably (`slice::sort`).
pub fn sort_stable<T: Ord>(items: &mut [T]) {
    sort_stable_by(items, T::cmp);
}

/// Sorts `items` by a key, stably (`slice::sort_by_key`).
pub fn sort_stable_by_key<T, K: Ord>(items: &mut [T], key: impl Fn(&T) -> K) {
    sort_stable_by(items, |a, b| key(a).cmp(&key(b)));
}

/// The positions `0..len` in the order `compare` puts them, stably: the one copy of the sort.
fn stable_order(len: usize, compare: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| compare(a, b));
    order
}

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

    #[test]
    fn sorts_as_the_standard_sort_does_and_equal_keys_keep_their_order() {
        let pairs = vec![(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e'), (0, 'f')];
        let mut by_key = pairs.clone();
        sort_stable_by_key(&mut by_key, |p| p.0);
        let mut standard = pairs.clone();
        standard.sort_by_key(|p| p.0);
        assert_eq!(by_key, standard);
        assert_eq!(by_key[1..3], [(1, 'b'), (1, 'e')]);
        let mut natural = pairs.clone();
        sort_stable(&mut natural);
        let mut standard = pairs;
        standard.sort();
        assert_eq!(natural, standard);
        let mut reversed = vec![1, 5, 2];
        sort_stable_by(&mut reversed, |a, b| b.cmp(a));
        assert_eq!(reversed, [5, 2, 1]);
        let mut empty: Vec<u8> = Vec::new();
        sort_stable(&mut empty);
        assert!(empty.is_empty());
    }

    proptest::proptest! {
        /// Any items, with many equal keys: the same order as the standard stable sort.
        #[test]
        fn sorts_any_items_as_the_standard_stable_sort(
            items in proptest::collection::vec((0u8..6, proptest::num::u16::ANY), 0..80)
        ) {
            let mut ours = items.clone();
            sort_stable_by_key(&mut ours, |p| p.0);
            let mut standard = items;
            standard.sort_by_key(|p| p.0);
            proptest::prop_assert_eq!(ours, standard);
        }
    }
}
