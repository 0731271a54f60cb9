//! One table of processes, keyed by node: whether each runs, how many times it has started, and
//! until when it is stalled. Every node kind — controller, brokers, producers, consumers, and the
//! kinds to come (a database, a Connect worker) — is an entry; routing, faults and settle
//! detection ask the table, so a new kind needs no new branches there.
//!
//! - **Crash**: the process stops; what reaches it is lost, and timers it set never fire (a timer
//!   or message carries the incarnation it was meant for).
//! - **Restart**: a new incarnation — messages sent to the old one never reach it.
//! - **Pause** (a stall: a long GC pause, a frozen VM): nothing it would handle runs until the
//!   pause ends; then everything that reached it, in order.

use crate::flat::FlatMap;
use crate::ids::NodeId;
use crate::ordered::CollectByInsert;
use crate::time::SimTime;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Process {
    pub alive: bool,
    /// How many times it has (re)started after the first start.
    pub incarnation: u32,
    /// Stalled until then (when later than now).
    pub paused_until: SimTime,
}

impl Default for Process {
    fn default() -> Self {
        Process {
            alive: true,
            incarnation: 0,
            paused_until: SimTime::ZERO,
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Processes {
    table: FlatMap<NodeId, Process>,
}

impl Processes {
    pub fn new(nodes: impl IntoIterator<Item = NodeId>) -> Self {
        Processes {
            table: nodes
                .into_iter()
                .map(|n| (n, Process::default()))
                .collect_by_insert(),
        }
    }

    pub fn get(&self, node: NodeId) -> Option<&Process> {
        self.table.get(&node)
    }

    /// Whether `node` runs (an unknown node does not).
    pub fn is_up(&self, node: NodeId) -> bool {
        self.table.get(&node).is_some_and(|p| p.alive)
    }

    pub fn incarnation(&self, node: NodeId) -> u32 {
        self.table.get(&node).map_or(0, |p| p.incarnation)
    }

    /// Until when `node` is stalled, if it is at `now`.
    pub fn paused_until(&self, node: NodeId, now: SimTime) -> Option<SimTime> {
        self.table
            .get(&node)
            .map(|p| p.paused_until)
            .filter(|t| *t > now)
    }

    /// Stops `node`. Returns whether it was running.
    pub fn crash(&mut self, node: NodeId) -> bool {
        match self.table.get_mut(&node) {
            Some(p) if p.alive => {
                p.alive = false;
                true
            }
            _ => false,
        }
    }

    /// Starts a crashed `node` again as a new incarnation. Returns whether it was down.
    pub fn restart(&mut self, node: NodeId) -> bool {
        match self.table.get_mut(&node) {
            Some(p) if !p.alive => {
                p.alive = true;
                p.incarnation += 1;
                true
            }
            _ => false,
        }
    }

    /// Stalls `node` until `until` (a longer pause already running is kept).
    pub fn pause(&mut self, node: NodeId, until: SimTime) {
        if let Some(p) = self.table.get_mut(&node) {
            p.paused_until = p.paused_until.max(until);
        }
    }
}
