//! A vector that checkpoints share.
//!
//! Everything that grows with a run — partition logs, the producers' record states, the checker's
//! record fates, what consumers processed — lives in a [`ChunkedVec`]: elements in fixed-size
//! chunks behind reference counts, so cloning the world for a checkpoint copies chunk pointers,
//! not elements, and a later write copies only the chunk it touches (copy-on-write). A run's
//! checkpoints then hold what changed between them, not a full copy of every log each time, so
//! the page's memory grows with the run rather than with the run times its state.
//!
//! Elements can also be dropped from the front (retention moves a log's start forward); whole
//! chunks are released as soon as nothing in them is left.

use std::rc::Rc;

/// Elements per chunk: small enough that a copy-on-write is cheap, large enough that the
/// pointer list stays short (a million records is ~4000 chunk pointers).
pub const CHUNK: usize = 256;

#[derive(Debug)]
pub struct ChunkedVec<T> {
    chunks: Vec<Rc<Vec<T>>>,
    /// Elements dropped from the front of the first chunk.
    skip: usize,
    len: usize,
}

impl<T> Clone for ChunkedVec<T> {
    fn clone(&self) -> Self {
        ChunkedVec {
            chunks: self.chunks.clone(),
            skip: self.skip,
            len: self.len,
        }
    }
}

impl<T> Default for ChunkedVec<T> {
    fn default() -> Self {
        ChunkedVec {
            chunks: Vec::new(),
            skip: 0,
            len: 0,
        }
    }
}

impl<T: PartialEq + Clone> PartialEq for ChunkedVec<T> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl<T: Eq + Clone> Eq for ChunkedVec<T> {}

impl<T: Clone> ChunkedVec<T> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn locate(&self, i: usize) -> (usize, usize) {
        let physical = self.skip + i;
        (physical / CHUNK, physical % CHUNK)
    }

    pub fn get(&self, i: usize) -> Option<&T> {
        if i >= self.len {
            return None;
        }
        let (c, j) = self.locate(i);
        self.chunks[c].get(j)
    }

    /// A mutable element: copies its chunk first if a checkpoint shares it.
    pub fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        if i >= self.len {
            return None;
        }
        let (c, j) = self.locate(i);
        Rc::make_mut(&mut self.chunks[c]).get_mut(j)
    }

    pub fn last(&self) -> Option<&T> {
        self.len.checked_sub(1).and_then(|i| self.get(i))
    }

    pub fn push(&mut self, value: T) {
        let (c, _) = self.locate(self.len);
        if c == self.chunks.len() {
            self.chunks.push(Rc::new(Vec::with_capacity(CHUNK)));
        }
        Rc::make_mut(&mut self.chunks[c]).push(value);
        self.len += 1;
    }

    pub fn extend(&mut self, values: impl IntoIterator<Item = T>) {
        for v in values {
            self.push(v);
        }
    }

    /// Keeps the first `n` elements.
    pub fn truncate(&mut self, n: usize) {
        if n >= self.len {
            return;
        }
        let (c, j) = self.locate(n);
        self.chunks.truncate(c + 1);
        if j == 0 && n + self.skip > 0 {
            self.chunks.pop();
        } else {
            Rc::make_mut(&mut self.chunks[c]).truncate(j);
        }
        self.len = n;
        if n == 0 {
            self.chunks.clear();
            self.skip = 0;
        }
    }

    /// Drops the first `n` elements (a log's start moving forward).
    pub fn drop_front(&mut self, n: usize) {
        let n = n.min(self.len);
        self.skip += n;
        self.len -= n;
        let whole = self.skip / CHUNK;
        if whole > 0 {
            self.chunks.drain(..whole);
            self.skip -= whole * CHUNK;
        }
        if self.len == 0 {
            self.chunks.clear();
            self.skip = 0;
        }
    }

    pub fn iter(&self) -> Iter<'_, T> {
        self.range(0, self.len)
    }

    /// Elements `from..to` (clamped to the length).
    pub fn range(&self, from: usize, to: usize) -> Iter<'_, T> {
        let to = to.min(self.len);
        Iter {
            vec: self,
            front: from.min(to),
            back: to,
        }
    }

    /// Copies elements `from..to` out (a fetch response, a view window).
    pub fn to_vec_range(&self, from: usize, to: usize) -> Vec<T> {
        self.range(from, to).cloned().collect()
    }

    /// Index of the first element for which `pred` is false, for elements sorted so that `pred`
    /// holds for a prefix (as `slice::partition_point`).
    pub fn partition_point(&self, pred: impl Fn(&T) -> bool) -> usize {
        let (mut lo, mut hi) = (0, self.len);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if pred(self.get(mid).expect("in range")) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// How many chunks this vector shares with `other` (the same allocation): a test's window
    /// onto copy-on-write.
    pub fn shared_chunks_with(&self, other: &Self) -> usize {
        self.chunks
            .iter()
            .filter(|c| other.chunks.iter().any(|o| Rc::ptr_eq(c, o)))
            .count()
    }
}

/// An iterator over a [`ChunkedVec`]'s elements (in order, from either end).
pub struct Iter<'a, T> {
    vec: &'a ChunkedVec<T>,
    front: usize,
    back: usize,
}

impl<'a, T> Iterator for Iter<'a, T> {
    type Item = &'a T;
    fn next(&mut self) -> Option<&'a T> {
        if self.front >= self.back {
            return None;
        }
        let physical = self.vec.skip + self.front;
        self.front += 1;
        Some(&self.vec.chunks[physical / CHUNK][physical % CHUNK])
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.back - self.front;
        (n, Some(n))
    }
}

impl<T> DoubleEndedIterator for Iter<'_, T> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.front >= self.back {
            return None;
        }
        self.back -= 1;
        let physical = self.vec.skip + self.back;
        Some(&self.vec.chunks[physical / CHUNK][physical % CHUNK])
    }
}

impl<T> ExactSizeIterator for Iter<'_, T> {}

impl<'a, T: Clone> IntoIterator for &'a ChunkedVec<T> {
    type Item = &'a T;
    type IntoIter = Iter<'a, T>;
    fn into_iter(self) -> Iter<'a, T> {
        self.iter()
    }
}

impl<T: Clone> FromIterator<T> for ChunkedVec<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut v = ChunkedVec::new();
        v.extend(iter);
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_get_truncate_and_drop_front_keep_order() {
        let mut v: ChunkedVec<u32> = (0..1000).collect();
        assert_eq!(v.len(), 1000);
        assert_eq!(v.get(777), Some(&777));
        v.drop_front(300);
        assert_eq!(v.get(0), Some(&300));
        assert_eq!(v.len(), 700);
        v.truncate(500);
        assert_eq!(v.last(), Some(&799));
        v.push(5000);
        assert_eq!(v.get(500), Some(&5000));
        assert_eq!(
            v.range(498, 501).copied().collect::<Vec<_>>(),
            vec![798, 799, 5000]
        );
        assert_eq!(v.partition_point(|x| *x < 600), 300);
        v.truncate(0);
        assert!(v.is_empty());
        v.push(1);
        assert_eq!(v.iter().copied().collect::<Vec<_>>(), vec![1]);
    }

    #[test]
    fn a_clone_shares_chunks_until_one_is_written() {
        let a: ChunkedVec<u32> = (0..(CHUNK as u32 * 4)).collect();
        let mut b = a.clone();
        assert_eq!(b.shared_chunks_with(&a), 4);
        *b.get_mut(CHUNK + 1).unwrap() = 99;
        assert_eq!(
            b.shared_chunks_with(&a),
            3,
            "only the written chunk is copied"
        );
        assert_eq!(a.get(CHUNK + 1), Some(&(CHUNK as u32 + 1)));
        assert_eq!(b.get(CHUNK + 1), Some(&99));
    }

    #[test]
    fn truncate_at_a_chunk_boundary_after_dropping_the_front() {
        let mut v: ChunkedVec<u32> = (0..(CHUNK as u32 * 3)).collect();
        v.drop_front(10);
        v.truncate(CHUNK - 10);
        assert_eq!(v.len(), CHUNK - 10);
        assert_eq!(v.last(), Some(&(CHUNK as u32 - 1)));
        v.push(7);
        assert_eq!(v.last(), Some(&7));
        assert_eq!(v.len(), CHUNK - 9);
    }
}
