//! The consuming side of the scene: consumer groups as containers of their member consumers,
//! which partitions each member owns, where each group stands on each partition (committed
//! offset and the owner's position), and what each consumer processed.
//!
//! Everything is read from the engine's world at the playback time: the group coordinator's state
//! (generation, rebalancing or stable, committed offsets) and each consumer's own view (member id,
//! assignment, positions, auto-commit timer, processed records). Records the group processed more
//! than once are marked **twice**; records its committed offset passed without anyone processing
//! them are listed as **never processed** (lost for this group).

use super::{Point, Rect};
use kafkascope_engine::consumer::{Consumer, ConsumerPhase, MembershipState};
use kafkascope_engine::group_coordinator::GroupState;
use kafkascope_engine::{NodeId, RecordId, SimTime, Simulation, TopicPartition};
use std::collections::{BTreeMap, BTreeSet};

pub const GROUP_X: f64 = 776.0;
pub const GROUP_W: f64 = 214.0;
const MEMBER_X: f64 = 786.0;
const MEMBER_W: f64 = 194.0;
pub const MEMBER_H: f64 = 84.0;
const GROUP_HEADER: f64 = 62.0;
const MEMBER_GAP: f64 = 8.0;
const GROUP_GAP: f64 = 16.0;
/// Processed records shown on a consumer, newest last.
pub const PROCESSED_SHOWN: usize = 7;
/// Never-processed records listed on a group.
const SKIPPED_SHOWN: usize = 6;
/// How far below a committed offset the scene looks for records nobody processed.
const NEVER_PROCESSED_LOOKBACK: u64 = 256;
/// How many of a member's latest processed records the per-frame checks look at.
const PROCESSED_WINDOW: usize = 4096;

/// A group as its coordinator has it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupStatus {
    Empty,
    /// Stopped for a rebalance (PreparingRebalance or CompletingRebalance).
    Rebalancing,
    Stable,
}

#[derive(Clone, Debug, PartialEq)]
pub struct GroupBox {
    pub name: String,
    pub index: usize,
    pub rect: Rect,
    pub status: GroupStatus,
    pub generation: u32,
    pub coordinator: Option<NodeId>,
    /// High watermark minus committed offset, summed over partitions.
    pub lag: u64,
    /// Visible records the group's committed offset passed though no member processed them.
    pub never_processed: Vec<String>,
}

/// A processed record as listed on its consumer.
#[derive(Clone, Debug, PartialEq)]
pub struct ProcessedMark {
    pub label: String,
    /// The group processed this record more than once.
    pub twice: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ConsumerBox {
    pub node: NodeId,
    pub rect: Rect,
    pub group: String,
    pub group_index: usize,
    pub up: bool,
    /// Stalled (a GC pause) until this time.
    pub paused_until: Option<SimTime>,
    pub phase: ConsumerPhase,
    pub membership: MembershipState,
    /// `#join · gen N`, once it is a member.
    pub member: Option<String>,
    pub partitions: Vec<u16>,
    /// A stable member that owns nothing (more members than partitions).
    pub idle: bool,
    /// How far the auto-commit interval has run (0..1), when auto-commit is on.
    pub auto_commit: Option<f64>,
    /// Records poll() returned that are not processed yet (the batch, or the worker's queue).
    pub waiting: usize,
    pub processed: usize,
    pub recent: Vec<ProcessedMark>,
}

/// A partition's owner: drawn from the partition's leader replica to the member.
#[derive(Clone, Debug, PartialEq)]
pub struct AssignmentLine {
    pub partition: u16,
    pub group_index: usize,
    pub from: Point,
    pub to: Point,
}

/// A record's label where space is short: `#7` for the first producer's, `p2#7` for others'.
pub fn short_label(id: RecordId) -> String {
    if id.producer == 1 {
        format!("#{}", id.seq)
    } else {
        id.to_string()
    }
}

/// Where a group stands on a partition: its committed offset and, if a member owns the
/// partition, that member's position.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupOnPartition {
    pub group_index: usize,
    pub committed: Option<u64>,
    pub position: Option<u64>,
}

pub fn group_positions(
    world: &Simulation,
    names: &[&str],
    tp: TopicPartition,
) -> Vec<GroupOnPartition> {
    names
        .iter()
        .enumerate()
        .map(|(gi, name)| {
            let committed = world
                .groups()
                .group(name)
                .and_then(|g| g.offsets.get(&tp).copied());
            let position = world
                .consumers()
                .iter()
                .filter(|c| c.group() == *name && world.consumer_is_up(c.id().number()))
                .find(|c| c.assignment().contains(&tp))
                .and_then(|c| c.positions().get(&tp).copied());
            GroupOnPartition {
                group_index: gi,
                committed,
                position,
            }
        })
        .collect()
}

/// The records a consumer's group processed recently, with how many times.
fn processed_counts<'a>(members: impl Iterator<Item = &'a Consumer>) -> BTreeMap<RecordId, u32> {
    let mut counts = BTreeMap::new();
    for c in members {
        let p = c.processed();
        for r in &p[p.len().saturating_sub(PROCESSED_WINDOW)..] {
            *counts.entry(r.record).or_default() += 1;
        }
    }
    counts
}

/// Lays out the groups and their members from `top`, and lists what the picture needs.
pub fn build_groups(
    world: &Simulation,
    now: SimTime,
    top: f64,
) -> (Vec<GroupBox>, Vec<ConsumerBox>) {
    let names = world.group_names();
    let mut groups = Vec::new();
    let mut consumers: Vec<ConsumerBox> = Vec::new();
    let mut y = top;
    for (gi, name) in names.iter().enumerate() {
        let members: Vec<&Consumer> = world
            .consumers()
            .iter()
            .filter(|c| c.group() == *name)
            .collect();
        let counts = processed_counts(members.iter().copied());
        let coordinator_view = world.groups().group(name);
        let (status, generation, coordinator) = match coordinator_view {
            Some(g) => (
                match g.state {
                    GroupState::Empty => GroupStatus::Empty,
                    GroupState::Stable => GroupStatus::Stable,
                    _ => GroupStatus::Rebalancing,
                },
                g.generation,
                g.coordinator.map(NodeId::Broker),
            ),
            None => (GroupStatus::Empty, 0, None),
        };
        let mut never_processed = Vec::new();
        for tp in world.partitions() {
            let Some(leader) = world.leader_replica(*tp) else {
                continue;
            };
            let log = &leader.log;
            let committed = coordinator_view.and_then(|g| g.offsets.get(tp).copied());
            if let Some(committed) = committed {
                // The records just below the committed offset (a bounded look back per frame).
                let from = committed
                    .saturating_sub(NEVER_PROCESSED_LOOKBACK)
                    .max(log.log_start_offset());
                let below = log
                    .read_from(from, committed.saturating_sub(from) as usize)
                    .iter()
                    .filter(|r| !counts.contains_key(&r.id))
                    .map(|r| short_label(r.id));
                never_processed.extend(below);
            }
        }
        never_processed.truncate(SKIPPED_SHOWN);
        let group_top = y;
        y += GROUP_HEADER;
        for c in &members {
            let n = c.id().number();
            let generation = c.generation();
            let recent = c
                .processed()
                .iter()
                .rev()
                .take(PROCESSED_SHOWN)
                .rev()
                .map(|p| ProcessedMark {
                    label: short_label(p.record),
                    twice: counts.get(&p.record).is_some_and(|n| *n > 1),
                })
                .collect();
            let auto_commit = c.next_auto_commit().map(|next| {
                let interval = c.config().auto_commit_interval_ms as f64 * 1000.0;
                let left = next.0.saturating_sub(now.0) as f64;
                (1.0 - left / interval).clamp(0.0, 1.0)
            });
            consumers.push(ConsumerBox {
                node: c.id(),
                rect: Rect {
                    x: MEMBER_X,
                    y,
                    w: MEMBER_W,
                    h: MEMBER_H,
                },
                group: c.group().to_string(),
                group_index: gi,
                up: world.consumer_is_up(n),
                paused_until: world.consumer_paused_until(n),
                phase: c.phase(),
                membership: c.membership(),
                member: c.member_id().map(|m| match generation {
                    Some(g) => format!("#{} · gen {g}", m.join),
                    None => format!("#{}", m.join),
                }),
                partitions: c.assignment().iter().map(|tp| tp.partition).collect(),
                idle: c.membership() == MembershipState::Stable && c.assignment().is_empty(),
                auto_commit,
                waiting: c.unprocessed(),
                processed: c.processed().len(),
                recent,
            });
            y += MEMBER_H + MEMBER_GAP;
        }
        groups.push(GroupBox {
            name: name.to_string(),
            index: gi,
            rect: Rect {
                x: GROUP_X,
                y: group_top,
                w: GROUP_W,
                h: y - group_top,
            },
            status,
            generation,
            coordinator,
            lag: world.group_lag(name),
            never_processed,
        });
        y += GROUP_GAP;
    }
    // Scenario order, so `consumers[n - 1]` is consumer-n (message paths look them up so).
    consumers.sort_by_key(|c| c.node.number());
    (groups, consumers)
}

/// Which partitions each running member owns, as lines from the leader replica rows.
pub fn assignment_lines(
    consumers: &[ConsumerBox],
    leader_rows: &BTreeMap<u16, Point>,
) -> Vec<AssignmentLine> {
    let mut lines = Vec::new();
    let mut seen = BTreeSet::new();
    for c in consumers.iter().filter(|c| c.up) {
        for p in &c.partitions {
            let Some(from) = leader_rows.get(p) else {
                continue;
            };
            if !seen.insert((c.group_index, *p, c.node)) {
                continue;
            }
            lines.push(AssignmentLine {
                partition: *p,
                group_index: c.group_index,
                from: *from,
                to: Point {
                    x: c.rect.x,
                    y: c.rect.y + 14.0 + 4.0 * (*p % 4) as f64,
                },
            });
        }
    }
    lines
}
