//! The consuming side of the scene: consumer groups as containers of their member consumers,
//! which partitions each member owns, and what each consumer processed.
//!
//! Everything comes from the engine's view ([`kafkascope_engine::view`]): the group's state,
//! generation and coordinator, its lag, the records it never processed (decided by the engine's
//! record fates, the same that the outcome report counts), and per member its phase, membership,
//! partitions and processed records, each marked **twice** when the engine says the group
//! processed it more than once.

use super::{Point, Rect};
use kafkascope_engine::flat::{FlatMap, FlatSet};
use kafkascope_engine::view::WorldView;
pub use kafkascope_engine::view::{ConsumerPhase, GroupStatus, MembershipState};
use kafkascope_engine::{NodeId, RecordId, SimTime, TopicPartition};

pub const GROUP_X: f64 = 776.0;
pub const GROUP_W: f64 = 214.0;
const MEMBER_X: f64 = 786.0;
const MEMBER_W: f64 = 194.0;
pub const MEMBER_H: f64 = 92.0;
const GROUP_HEADER: f64 = 72.0;
/// The header line that names the members' `isolation.level`.
pub const ISOLATION_LINE: f64 = 16.0;
/// A consume-transform-produce group's header line naming its output topic.
pub const OUTPUT_LINE: f64 = 16.0;
/// A sink connector's two header lines: its table and insert mode, its last offset flush.
pub const SINK_LINES: f64 = 32.0;
const MEMBER_GAP: f64 = 8.0;
const GROUP_GAP: f64 = 16.0;
/// Processed records shown on a consumer, newest last.
pub const PROCESSED_SHOWN: usize = 4;

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
    /// The first records the group never processed (the engine's record fates) as ranges, and
    /// how many there are in all.
    pub never_processed: Vec<String>,
    pub never_processed_count: u64,
    /// The members' `isolation.level`, shown when the scenario has transactions.
    pub isolation: Option<&'static str>,
    /// Consume-transform-produce members: the topic their results go to.
    pub transform_output: Option<String>,
    /// A Kafka Connect sink connector's group: the table its tasks write, with the insert mode,
    /// and when one of its running tasks last flushed (committed) its offsets.
    pub sink: Option<SinkGroupLine>,
    /// Dimmed: a lesson step highlights other things.
    pub dim: bool,
}

/// What a sink connector's group box says about the connector.
#[derive(Clone, Debug, PartialEq)]
pub struct SinkGroupLine {
    pub table: String,
    pub insert_mode: &'static str,
    pub last_flush: Option<SimTime>,
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
    /// The partitions it owns, and how the page names them.
    pub partitions: Vec<TopicPartition>,
    pub partition_labels: Vec<String>,
    /// A stable member that owns nothing (more members than partitions).
    pub idle: bool,
    /// How far the auto-commit interval has run (0..1), when auto-commit is on.
    pub auto_commit: Option<f64>,
    /// Records poll() returned that are not processed yet (the batch, or the worker's queue).
    pub waiting: usize,
    pub processed: usize,
    pub recent: Vec<ProcessedMark>,
    pub dim: bool,
    /// A consume-transform-produce application: the topic its results go to.
    pub transform_output: Option<String>,
    /// A Kafka Connect sink task: its worker, and how far its offset flush interval has run.
    pub sink: Option<kafkascope_engine::view::SinkTaskView>,
}

/// A partition's owner: drawn from the partition's leader replica to the member.
#[derive(Clone, Debug, PartialEq)]
pub struct AssignmentLine {
    pub partition: TopicPartition,
    pub group_index: usize,
    pub from: Point,
    pub to: Point,
    pub dim: bool,
}

/// Records as short ranges, `#5–#9` for consecutive ones of one producer (a long list would not
/// fit its box): `[#5–#9, #12]`.
pub fn record_ranges(ids: &[RecordId]) -> Vec<String> {
    let mut ranges: Vec<(RecordId, u32)> = Vec::new();
    for id in ids {
        match ranges.last_mut() {
            Some((first, last)) if first.producer == id.producer && *last + 1 == id.seq => {
                *last = id.seq;
            }
            _ => ranges.push((*id, id.seq)),
        }
    }
    ranges
        .into_iter()
        .map(|(first, last)| {
            if first.seq == last {
                short_label(first)
            } else {
                format!("{}–#{last}", short_label(first))
            }
        })
        .collect()
}

/// A record's label where space is short: `#7` for the first producer's, `p2#7` for others'.
pub fn short_label(id: RecordId) -> String {
    if id.producer == 1 {
        format!("#{}", id.seq)
    } else {
        id.to_string()
    }
}

/// Lays out the groups and their members from `top`.
pub fn build_groups(view: &WorldView, top: f64) -> (Vec<GroupBox>, Vec<ConsumerBox>) {
    let mut groups = Vec::new();
    let mut consumers: Vec<ConsumerBox> = Vec::new();
    let mut y = top;
    // With transactions each group says how its members read (one more header line).
    let transactional = !view.transactions.is_empty();
    for (gi, g) in view.groups.iter().enumerate() {
        let group_top = y;
        let sink = sink_line(view, gi);
        let transform_output = view
            .consumers
            .iter()
            .find(|c| c.group_index == gi)
            .and_then(|c| c.transform_output.clone());
        y += GROUP_HEADER
            + if transactional { ISOLATION_LINE } else { 0.0 }
            + if sink.is_some() { SINK_LINES } else { 0.0 }
            + if transform_output.is_some() {
                OUTPUT_LINE
            } else {
                0.0
            };
        let isolation = transactional.then(|| {
            let committed = view
                .consumers
                .iter()
                .find(|c| c.group_index == gi)
                .is_some_and(|c| c.read_committed);
            if committed {
                "read_committed"
            } else {
                "read_uncommitted"
            }
        });
        for c in view.consumers.iter().filter(|c| c.group_index == gi) {
            consumers.push(ConsumerBox {
                node: c.node,
                rect: Rect {
                    x: MEMBER_X,
                    y,
                    w: MEMBER_W,
                    h: MEMBER_H,
                },
                group: c.group.clone(),
                group_index: gi,
                up: c.up,
                paused_until: c.paused_until,
                phase: c.phase,
                membership: c.membership,
                member: c.member.map(|(join, generation)| match generation {
                    Some(g) => format!("#{join} · gen {g}"),
                    None => format!("#{join}"),
                }),
                partitions: c.partitions.clone(),
                partition_labels: c
                    .partitions
                    .iter()
                    .map(|tp| view.partition_label(*tp))
                    .collect(),
                idle: c.idle,
                auto_commit: c.auto_commit,
                waiting: c.waiting,
                processed: c.processed,
                dim: false,
                transform_output: c.transform_output.clone(),
                sink: c.sink.clone(),
                recent: c
                    .recent
                    .iter()
                    .map(|(id, twice)| ProcessedMark {
                        label: short_label(*id),
                        twice: *twice,
                    })
                    .collect(),
            });
            y += MEMBER_H + MEMBER_GAP;
        }
        groups.push(GroupBox {
            name: g.name.clone(),
            index: gi,
            rect: Rect {
                x: GROUP_X,
                y: group_top,
                w: GROUP_W,
                h: y - group_top,
            },
            status: g.status,
            generation: g.generation,
            coordinator: g.coordinator,
            lag: g.lag,
            never_processed: record_ranges(&g.never_processed),
            never_processed_count: g.never_processed_count,
            isolation,
            transform_output,
            sink,
            dim: false,
        });
        y += GROUP_GAP;
    }
    // Scenario order, so `consumers[n - 1]` is consumer-n (message paths look them up so).
    kafkascope_engine::ordered::sort_stable_by_key(&mut consumers, |c| c.node.number());
    (groups, consumers)
}

/// A sink connector's line: its table and insert mode, and the latest flush of its running
/// tasks.
fn sink_line(view: &WorldView, group_index: usize) -> Option<SinkGroupLine> {
    let tasks: Vec<_> = view
        .consumers
        .iter()
        .filter(|c| c.group_index == group_index)
        .filter_map(|c| c.sink.as_ref().map(|s| (c.up, s)))
        .collect();
    let (_, first) = tasks.first()?;
    Some(SinkGroupLine {
        table: first.table.clone(),
        insert_mode: first.insert_mode,
        last_flush: tasks
            .iter()
            .filter(|(up, _)| *up)
            .filter_map(|(_, s)| s.last_flush)
            .max(),
    })
}

/// Which partitions each running member owns, as lines from the leader replica rows.
pub fn assignment_lines(
    consumers: &[ConsumerBox],
    leader_rows: &FlatMap<TopicPartition, Point>,
) -> Vec<AssignmentLine> {
    let mut lines = Vec::new();
    let mut seen = FlatSet::new();
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
                dim: false,
                from: *from,
                to: Point {
                    x: c.rect.x,
                    y: c.rect.y + 14.0 + 4.0 * (p.partition % 4) as f64,
                },
            });
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consecutive_records_of_one_producer_make_one_range() {
        let id = |producer, seq| RecordId { producer, seq };
        assert_eq!(
            record_ranges(&[id(1, 2), id(1, 3), id(1, 4), id(1, 9), id(2, 10), id(2, 11)]),
            ["#2–#4", "#9", "p2#10–#11"]
        );
        assert!(record_ranges(&[]).is_empty());
    }
}
