//! The engine's small ordered maps and sets, each kept as one sorted vector.
//!
//! Most of Kafka's state in the engine is keyed by short lists: the partitions a broker hosts, a
//! group's members and committed offsets, a producer's sequence numbers per partition, the
//! requests in flight, the links the network has cut. Iterating them must follow key order, never
//! hashing, so that a scenario and seed give the same trace natively and in wasm. `BTreeMap` gives
//! that order, but Rust compiles its node code (search, split, rebalance on remove, iterators,
//! drop) once for every key and value type: about sixty types, about 200 KB of the page's
//! WebAssembly before gzip (issue 12). A sorted vector gives the same order with a binary search
//! and a `Vec` insert, in a fraction of the code; for a few dozen entries it is also faster.
//!
//! [`FlatMap`] and [`FlatSet`] keep their entries in a `litemap::LiteMap` (ICU4X's flat map) and
//! offer the names of `BTreeMap` and `BTreeSet` that the engine uses, so code reads the same.
//! Building one from an iterator inserts the items one by one (equal keys: the last value wins,
//! as with `collect()` into a `BTreeMap`), without a sort per element type (see [`crate::ordered`]).
//!
//! Collections that grow with the run stay `BTreeMap`s and `BTreeSet`s: the rows of a database
//! table, the checker's per-record bookkeeping, the records a group holds unprocessed, the records
//! in a log. There an insert into a sorted vector would move every later entry.

use litemap::LiteMap;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use std::borrow::Borrow;
use std::fmt;
use std::marker::PhantomData;
use std::ops::{Index, IndexMut};

/// An entry of a [`FlatMap`], for in-place updates (`or_default`, `or_insert_with`, …).
pub type Entry<'a, K, V> = litemap::Entry<'a, K, V, Vec<(K, V)>>;

/// An ordered map on one sorted vector: `BTreeMap`'s order and names (see the module docs).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct FlatMap<K, V> {
    entries: LiteMap<K, V>,
}

impl<K, V> FlatMap<K, V> {
    pub const fn new() -> Self {
        FlatMap {
            entries: LiteMap::new_vec(),
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// Entries in key order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> + ExactSizeIterator + Clone {
        self.entries.iter()
    }

    /// Entries in key order, values mutable.
    pub fn iter_mut(&mut self) -> impl DoubleEndedIterator<Item = (&K, &mut V)> {
        self.entries.iter_mut()
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator + Clone {
        self.entries.keys()
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator + Clone {
        self.entries.values()
    }

    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> {
        self.entries.iter_mut().map(|(_, value)| value)
    }

    /// The entry with the smallest key.
    pub fn first_key_value(&self) -> Option<(&K, &V)> {
        self.entries.first()
    }

    /// The entry with the largest key.
    pub fn last_key_value(&self) -> Option<(&K, &V)> {
        self.entries.last()
    }
}

impl<K: Ord, V> FlatMap<K, V> {
    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.entries.get(key)
    }

    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.entries.get_mut(key)
    }

    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.entries.contains_key(key)
    }

    /// Sets `key` to `value`; returns the value it replaces, if any.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        self.entries.insert(key, value)
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.entries.remove(key)
    }

    pub fn entry(&mut self, key: K) -> Entry<'_, K, V> {
        self.entries.entry(key)
    }

    /// Keeps the entries for which `keep` returns true.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        let mut entries = std::mem::take(&mut self.entries).into_tuple_vec();
        entries.retain_mut(|(key, value)| keep(key, value));
        // Still sorted and free of duplicates: a subsequence of sorted, distinct keys.
        self.entries = LiteMap::from_sorted_store_unchecked(entries);
    }
}

impl<K, V> Default for FlatMap<K, V> {
    fn default() -> Self {
        FlatMap::new()
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for FlatMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Ord, V> Extend<(K, V)> for FlatMap<K, V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, items: I) {
        for (key, value) in items {
            self.insert(key, value);
        }
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for FlatMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(items: I) -> Self {
        let mut map = FlatMap::new();
        map.extend(items);
        map
    }
}

impl<K, V> IntoIterator for FlatMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_tuple_vec().into_iter()
    }
}

impl<'a, K, V> IntoIterator for &'a FlatMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = <&'a LiteMap<K, V> as IntoIterator>::IntoIter;
    fn into_iter(self) -> Self::IntoIter {
        (&self.entries).into_iter()
    }
}

impl<'a, K, V> IntoIterator for &'a mut FlatMap<K, V> {
    type Item = (&'a K, &'a mut V);
    type IntoIter = <&'a mut LiteMap<K, V> as IntoIterator>::IntoIter;
    fn into_iter(self) -> Self::IntoIter {
        (&mut self.entries).into_iter()
    }
}

impl<K: Ord + Borrow<Q>, Q: Ord + ?Sized, V> Index<&Q> for FlatMap<K, V> {
    type Output = V;
    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("no entry for this key in the FlatMap")
    }
}

impl<K: Ord + Borrow<Q>, Q: Ord + ?Sized, V> IndexMut<&Q> for FlatMap<K, V> {
    fn index_mut(&mut self, key: &Q) -> &mut V {
        self.get_mut(key)
            .expect("no entry for this key in the FlatMap")
    }
}

/// Serialized as a map, in key order, as a `BTreeMap` is.
impl<K: Serialize, V: Serialize> Serialize for FlatMap<K, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (key, value) in self.iter() {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// Read from a map, as a `BTreeMap` is; a repeated key keeps its last value.
impl<'de, K: Deserialize<'de> + Ord, V: Deserialize<'de>> Deserialize<'de> for FlatMap<K, V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor<K, V>(PhantomData<(K, V)>);
        impl<'de, K: Deserialize<'de> + Ord, V: Deserialize<'de>> Visitor<'de> for MapVisitor<K, V> {
            type Value = FlatMap<K, V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<Self::Value, A::Error> {
                let mut map = FlatMap::new();
                while let Some((key, value)) = entries.next_entry()? {
                    map.insert(key, value);
                }
                Ok(map)
            }
        }
        deserializer.deserialize_map(MapVisitor(PhantomData))
    }
}

/// An ordered set on one sorted vector: `BTreeSet`'s order and names (see the module docs).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct FlatSet<T> {
    items: FlatMap<T, ()>,
}

impl<T> FlatSet<T> {
    pub const fn new() -> Self {
        FlatSet {
            items: FlatMap::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn clear(&mut self) {
        self.items.clear();
    }

    /// Items in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + ExactSizeIterator + Clone {
        self.items.keys()
    }

    /// The smallest item.
    pub fn first(&self) -> Option<&T> {
        self.items.first_key_value().map(|(item, ())| item)
    }

    /// The largest item.
    pub fn last(&self) -> Option<&T> {
        self.items.last_key_value().map(|(item, ())| item)
    }
}

impl<T: Ord> FlatSet<T> {
    /// Adds `item`; returns whether it was new.
    pub fn insert(&mut self, item: T) -> bool {
        self.items.insert(item, ()).is_none()
    }

    pub fn contains<Q: Ord + ?Sized>(&self, item: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.items.contains_key(item)
    }

    /// Removes `item`; returns whether it was there.
    pub fn remove<Q: Ord + ?Sized>(&mut self, item: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.items.remove(item).is_some()
    }

    /// Removes and returns, in order, the items from the smallest on while `take` says yes: one
    /// move of the rest, where popping them one by one would move it once per item.
    pub fn take_first_while(&mut self, mut take: impl FnMut(&T) -> bool) -> Vec<T> {
        let mut items = std::mem::take(&mut self.items.entries).into_tuple_vec();
        let taken = items.iter().take_while(|(item, ())| take(item)).count();
        let first: Vec<T> = items.drain(..taken).map(|(item, ())| item).collect();
        // The rest is still sorted and free of duplicates.
        self.items.entries = LiteMap::from_sorted_store_unchecked(items);
        first
    }

    /// Keeps the items for which `keep` returns true.
    pub fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        self.items.retain(|item, ()| keep(item));
    }

    /// The items in `self` or in `other`: `self`'s in order, then those only in `other`, in order.
    pub fn union<'a>(&'a self, other: &'a FlatSet<T>) -> impl Iterator<Item = &'a T> {
        self.iter()
            .chain(other.iter().filter(move |item| !self.contains(*item)))
    }

    /// The items in `self` and not in `other`, in order.
    pub fn difference<'a>(&'a self, other: &'a FlatSet<T>) -> impl Iterator<Item = &'a T> {
        self.iter().filter(move |item| !other.contains(*item))
    }
}

impl<T> Default for FlatSet<T> {
    fn default() -> Self {
        FlatSet::new()
    }
}

impl<T: fmt::Debug> fmt::Debug for FlatSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl<T: Ord> Extend<T> for FlatSet<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, items: I) {
        for item in items {
            self.insert(item);
        }
    }
}

impl<T: Ord> FromIterator<T> for FlatSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        let mut set = FlatSet::new();
        set.extend(items);
        set
    }
}

impl<T: Ord, const N: usize> From<[T; N]> for FlatSet<T> {
    fn from(items: [T; N]) -> Self {
        items.into_iter().collect()
    }
}

impl<T> IntoIterator for FlatSet<T> {
    type Item = T;
    type IntoIter = std::iter::Map<std::vec::IntoIter<(T, ())>, fn((T, ())) -> T>;
    fn into_iter(self) -> Self::IntoIter {
        let item_of: fn((T, ())) -> T = |(item, ())| item;
        self.items.into_iter().map(item_of)
    }
}

impl<'a, T> IntoIterator for &'a FlatSet<T> {
    type Item = &'a T;
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (T, ())>, fn(&'a (T, ())) -> &'a T>;
    fn into_iter(self) -> Self::IntoIter {
        let item_of: fn(&'a (T, ())) -> &'a T = |(item, ())| item;
        self.items.entries.as_slice().iter().map(item_of)
    }
}

/// Serialized as a sequence, in order, as a `BTreeSet` is.
impl<T: Serialize> Serialize for FlatSet<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.len()))?;
        for item in self.iter() {
            seq.serialize_element(item)?;
        }
        seq.end()
    }
}

/// Read from a sequence, as a `BTreeSet` is.
impl<'de, T: Deserialize<'de> + Ord> Deserialize<'de> for FlatSet<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SeqVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de> + Ord> Visitor<'de> for SeqVisitor<T> {
            type Value = FlatSet<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a sequence")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Self::Value, A::Error> {
                let mut set = FlatSet::new();
                while let Some(item) = items.next_element()? {
                    set.insert(item);
                }
                Ok(set)
            }
        }
        deserializer.deserialize_seq(SeqVisitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    proptest::proptest! {
        /// Any sequence of inserts, removes, entry updates and retains leaves a `FlatMap` with
        /// exactly the entries, in the same order, that a `BTreeMap` given the same has.
        #[test]
        fn a_flat_map_behaves_as_a_btree_map(
            operations in proptest::collection::vec((0u8..4, 0u8..24, proptest::num::u16::ANY), 0..200)
        ) {
            let mut flat = FlatMap::new();
            let mut btree = BTreeMap::new();
            for (operation, key, value) in operations {
                match operation {
                    0 => proptest::prop_assert_eq!(flat.insert(key, value), btree.insert(key, value)),
                    1 => proptest::prop_assert_eq!(flat.remove(&key), btree.remove(&key)),
                    2 => {
                        let f = flat.entry(key).or_default();
                        *f = f.wrapping_add(value);
                        let b = btree.entry(key).or_default();
                        *b = b.wrapping_add(value);
                    }
                    _ => {
                        flat.retain(|k, v| (u16::from(*k) ^ *v) % 3 != 0);
                        btree.retain(|k, v| (u16::from(*k) ^ *v) % 3 != 0);
                    }
                }
                proptest::prop_assert!(flat.iter().eq(btree.iter()));
                proptest::prop_assert_eq!(flat.get(&key), btree.get(&key));
                proptest::prop_assert_eq!(flat.first_key_value(), btree.first_key_value());
                proptest::prop_assert_eq!(flat.last_key_value(), btree.last_key_value());
            }
            proptest::prop_assert_eq!(format!("{flat:?}"), format!("{btree:?}"));
            proptest::prop_assert_eq!(
                serde_json::to_string(&flat).unwrap(),
                serde_json::to_string(&btree).unwrap()
            );
            let read_back: FlatMap<u8, u16> =
                serde_json::from_str(&serde_json::to_string(&btree).unwrap()).unwrap();
            proptest::prop_assert!(read_back.iter().eq(btree.iter()));
            proptest::prop_assert!(flat.into_iter().eq(btree));
        }
    }

    #[test]
    fn collecting_keeps_the_last_value_of_equal_keys_as_a_btree_map_does() {
        let items = [(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e')];
        let flat: FlatMap<_, _> = items.into_iter().collect();
        let btree: BTreeMap<_, _> = items.into_iter().collect();
        assert!(flat.iter().eq(btree.iter()));
    }

    #[test]
    fn a_flat_set_behaves_as_a_btree_set() {
        let mut flat = FlatSet::from([5, 1, 9, 1, 3]);
        let mut btree = BTreeSet::from([5, 1, 9, 1, 3]);
        assert!(flat.iter().eq(btree.iter()));
        assert!((&flat).into_iter().eq(&btree));
        assert_eq!(flat.insert(4), btree.insert(4));
        assert_eq!(flat.insert(4), btree.insert(4));
        assert_eq!(flat.remove(&9), btree.remove(&9));
        assert_eq!(flat.remove(&9), btree.remove(&9));
        assert_eq!(flat.take_first_while(|x| *x < 4), vec![1, 3]);
        btree.retain(|x| *x >= 4);
        assert_eq!(flat.take_first_while(|_| false), Vec::<i32>::new());
        flat.retain(|x| *x != 4);
        btree.retain(|x| *x != 4);
        assert!(flat.iter().eq(btree.iter()));
        assert_eq!((flat.first(), flat.last()), (btree.first(), btree.last()));

        let other = FlatSet::from([3, 7]);
        let union: FlatSet<i32> = flat.union(&other).copied().collect();
        let difference: Vec<i32> = flat.difference(&other).copied().collect();
        assert!(union.iter().eq(&BTreeSet::from([3, 5, 7])));
        assert_eq!(difference, vec![5]);
        assert_eq!(
            serde_json::to_string(&union).unwrap(),
            serde_json::to_string(&BTreeSet::from([3, 5, 7])).unwrap()
        );
        let read_back: FlatSet<i32> = serde_json::from_str("[7,3,5,3]").unwrap();
        assert_eq!(read_back, union);
    }
}
