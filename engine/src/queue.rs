//! The event queue: what happens next, in a total order.
//!
//! Events are ordered by `(time, sequence)`, where the sequence number is assigned on insertion,
//! so events at the same microsecond run in the order they were scheduled (the nexosim/madsim
//! discipline). Faults and user actions carry a higher priority than protocol events at the same
//! microsecond, so an action injected into a checkpoint replays identically whichever checkpoint it
//! was injected into. Time *jumps* from one event to the next; there are no ticks. This total order is
//! what makes a run reproducible: nothing depends on hash-map iteration or thread timing.

use crate::time::SimTime;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

#[derive(Clone, Debug)]
struct Entry<E> {
    at: SimTime,
    priority: Priority,
    seq: u64,
    event: E,
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Entry<E> {
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed: BinaryHeap is a max-heap and we want the earliest first.
        other.key().cmp(&self.key())
    }
}

impl<E> Entry<E> {
    fn key(&self) -> (SimTime, Priority, u64) {
        (self.at, self.priority, self.seq)
    }
}

/// Among events at the same time, `First` runs before `Normal`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Priority {
    First,
    Normal,
}

#[derive(Clone, Debug)]
pub struct EventQueue<E> {
    heap: BinaryHeap<Entry<E>>,
    next_seq: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            next_seq: 0,
        }
    }
}

impl<E> EventQueue<E> {
    pub fn push(&mut self, at: SimTime, event: E) {
        self.push_with_priority(at, Priority::Normal, event);
    }

    pub fn push_with_priority(&mut self, at: SimTime, priority: Priority, event: E) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Entry {
            at,
            priority,
            seq,
            event,
        });
    }

    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.peek().map(|e| e.at)
    }

    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        self.heap.pop().map(|e| (e.at, e.event))
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}
