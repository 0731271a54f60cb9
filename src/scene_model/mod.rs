//! What the scene shows at one instant, as plain data: node boxes, partition replicas with their
//! log cells and markers, message paths and the dots travelling along them.
//!
//! [`SceneModel::build`] reads the engine's read-only view of the world at the playback time
//! ([`kafkascope_engine::view::WorldView`]: plain data, with every record's fate decided by the
//! engine) and the timeline's flights, and turns them into geometry. It decides no protocol
//! outcome; it knows nothing of Yew, so it is tested natively and its cost per frame can be
//! measured.
//!
//! Layout: producers on the left; the controller quorum above the brokers in the middle; each
//! broker a box holding one row per partition replica it hosts; consumer groups on the right, each
//! a container of its members ([`groups`]), with lines from each partition's leader to its owner. Client
//! messages travel in straight lines; replication between brokers along curves bulging left of
//! the broker column (followers *fetch* from the leader), heartbeats and metadata along curves
//! bulging right to the controller. A dot sits at `(now - sent) / (arrives - sent)` along its path.

pub mod database;
mod focus;
mod geometry;
pub mod groups;
mod log_row;
mod recent;

pub use geometry::{Path, Point, Rect};
pub use log_row::{
    log_window, GroupMarker, LogCell, ReplicaRow, CELLS_KEPT, CELLS_SHOWN, CELL_H, CELL_W, ROW_H,
};
pub use recent::{EVENTS_SHOWN, TRUNCATION_GHOST};

use kafkascope_engine::ordered::CollectByInsert;
use log_row::{replica_row, RowContext};
use recent::{recent_events, recent_marks};

pub use groups::{AssignmentLine, ConsumerBox, GroupBox, GroupStatus, ProcessedMark};

pub use kafkascope_engine::view::{MarkerKind, RecordMark, ReplicaRole};

use kafkascope_engine::flat::FlatMap;
use kafkascope_engine::message::MessageKind;
use kafkascope_engine::view::{ProducerTxnView, TxnNode, ViewOptions, WorldView};
use kafkascope_engine::{
    NodeId, OutcomeReport, RecordId, SimTime, Simulation, Timeline, TopicPartition, TraceKind,
};

pub const WIDTH: f64 = 1000.0;
/// Records listed on a producer, newest last.
pub const PRODUCER_RECORDS_SHOWN: usize = 7;
const PRODUCER_X: f64 = 20.0;
const PRODUCER_W: f64 = 236.0;
const BROKER_X: f64 = 320.0;
const BROKER_W: f64 = 436.0;
const TOP: f64 = 20.0;
const GAP: f64 = 22.0;
const CONTROLLER_H: f64 = 44.0;

#[derive(Clone, Debug, PartialEq)]
pub struct ProducerBox {
    pub node: NodeId,
    /// Running (a click crashes it; on a crashed one, restarts it).
    pub up: bool,
    /// Stalled now (a pause).
    pub paused: bool,
    pub rect: Rect,
    pub created: u32,
    pub acknowledged: u32,
    /// acks=0 records sent (never acknowledged).
    pub sent: u32,
    pub total: u32,
    pub acks: &'static str,
    /// The idempotent producer's id and epoch, once assigned.
    pub producer_id: Option<(i64, i16)>,
    /// A transactional producer's side of its transactions.
    pub txn: Option<ProducerTxnView>,
    /// The consume-transform-produce process it belongs to (its consumer node).
    pub application: Option<NodeId>,
    /// The newest records: (label, mark, dimmed).
    pub records: Vec<(RecordId, RecordMark, bool)>,
    pub dim: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct BrokerBox {
    pub node: NodeId,
    pub rect: Rect,
    pub up: bool,
    pub fenced: bool,
    pub rows: Vec<ReplicaRow>,
    /// The transactional ids this broker's transaction coordinator holds (drawn in its title
    /// line).
    pub coordinates: Vec<TxnLine>,
    /// The broker's frame and title dimmed.
    pub dim: bool,
}

/// One transactional id at its coordinator.
#[derive(Clone, Debug, PartialEq)]
pub struct TxnLine {
    pub txn: TxnNode,
    pub dim: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ControllerBox {
    pub node: NodeId,
    pub rect: Rect,
    pub quorum: u32,
    pub dim: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Dot {
    pub id: u32,
    pub kind: MessageKind,
    pub x: f64,
    pub y: f64,
    pub records: u32,
    /// The first record it carries.
    pub first_record: Option<RecordId>,
    /// The record numbers written beside it (`#3`, `#3…` for a batch from #3), while few dots
    /// carry records (see [`DOTS_LABELLED`]).
    pub label: Option<String>,
    pub lost: bool,
    /// 0 at departure, 1 at arrival (or disappearance).
    pub progress: f64,
}

/// Dots carrying records are labelled with their record numbers while at most this many are
/// in flight; more would cover the picture.
pub const DOTS_LABELLED: usize = 8;

/// Writes each record-carrying dot's record numbers beside it, when few are in flight.
fn label_record_dots(dots: &mut [Dot]) {
    if dots.iter().filter(|d| d.first_record.is_some()).count() > DOTS_LABELLED {
        return;
    }
    for d in dots.iter_mut() {
        d.label = d.first_record.map(|r| {
            if d.records > 1 {
                format!("#{}…", r.seq)
            } else {
                format!("#{}", r.seq)
            }
        });
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    pub path: Path,
    /// Replication or controller traffic (drawn fainter).
    pub internal: bool,
    /// The link is cut in at least one direction (a network partition).
    pub cut: bool,
    /// The two nodes it joins.
    pub ends: (NodeId, NodeId),
    pub dim: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SceneModel {
    /// The picture's size in its own units (the SVG viewBox).
    pub width: f64,
    pub height: f64,
    pub controller: ControllerBox,
    pub producers: Vec<ProducerBox>,
    pub brokers: Vec<BrokerBox>,
    pub groups: Vec<GroupBox>,
    pub consumers: Vec<ConsumerBox>,
    /// The database outside Kafka, if the scenario has one.
    pub databases: Vec<database::DatabaseBox>,
    /// Which member owns which partition.
    pub assignments: Vec<AssignmentLine>,
    pub edges: Vec<Edge>,
    pub dots: Vec<Dot>,
    /// Nodes the layout has no place for (a kind it does not know yet): not drawn, and said so.
    pub undrawn: Vec<NodeId>,
    /// A lesson step highlights things now: what it does not highlight is dimmed.
    pub focused: bool,
    pub topic: String,
    /// The topic's partitions now (CreatePartitions adds some).
    pub partition_count: u32,
    /// The outcome report at this instant (the engine's; the panel's counters read it).
    pub report: OutcomeReport,
    /// The latest notable trace entries at or before now, newest first.
    pub events: Vec<(SimTime, TraceKind)>,
}

fn stack(top: f64, heights: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut y = top;
    heights
        .map(|h| {
            let at = y;
            y += h + GAP;
            at
        })
        .collect()
}

impl SceneModel {
    /// The scene at `now`, from the world at that time.
    pub fn build(world: &Simulation, timeline: &Timeline, now: SimTime) -> SceneModel {
        let options = ViewOptions {
            // More than are shown: the window follows what matters, not only the newest.
            cells_per_replica: CELLS_KEPT,
            records_per_producer: PRODUCER_RECORDS_SHOWN,
            processed_per_consumer: groups::PROCESSED_SHOWN,
            ..ViewOptions::default()
        };
        SceneModel::from_view(WorldView::of(world, &options), timeline, now)
    }

    /// Lays out what the engine's view holds.
    pub fn from_view(view: WorldView, timeline: &Timeline, now: SimTime) -> SceneModel {
        let controller = ControllerBox {
            node: NodeId::Controller(1),
            rect: Rect {
                x: BROKER_X + 60.0,
                y: TOP,
                w: BROKER_W - 120.0,
                h: CONTROLLER_H,
            },
            quorum: view.controller_quorum,
            dim: false,
        };
        let ys = stack(TOP, view.producers.iter().map(|_| 96.0));
        let producers: Vec<ProducerBox> = view
            .producers
            .iter()
            .zip(ys)
            .map(|(p, y)| ProducerBox {
                node: p.node,
                up: p.up,
                paused: p.paused_until.is_some(),
                rect: Rect {
                    x: PRODUCER_X,
                    y,
                    w: PRODUCER_W,
                    h: 96.0,
                },
                created: p.created,
                acknowledged: p.acknowledged,
                sent: p.sent,
                total: p.total,
                acks: p.acks.name(),
                producer_id: p.producer_id,
                txn: p.transactional.clone(),
                application: p.application,
                records: p
                    .records
                    .iter()
                    .map(|(id, mark)| (*id, *mark, false))
                    .collect(),
                dim: false,
            })
            .collect();

        let broker_height =
            |b: &kafkascope_engine::view::BrokerNode| 36.0 + b.rows.len().max(1) as f64 * ROW_H;
        let ys = stack(
            TOP + CONTROLLER_H + GAP + 10.0,
            view.brokers.iter().map(broker_height),
        );
        let marks = recent_marks(timeline, now);
        let focus = focus::Focus::at(timeline, now);
        let group_names: Vec<String> = view.groups.iter().map(|g| g.name.clone()).collect();
        let row_context = RowContext {
            truncations: &marks.truncated,
            recognised: &marks.recognised,
            focus: focus.as_ref(),
            group_names: &group_names,
        };
        let brokers: Vec<BrokerBox> = view
            .brokers
            .iter()
            .zip(ys)
            .map(|(b, y)| {
                let rect = Rect {
                    x: BROKER_X,
                    y,
                    w: BROKER_W,
                    h: broker_height(b),
                };
                let rows = b
                    .rows
                    .iter()
                    .enumerate()
                    .map(|(i, row)| {
                        let label = view.partition_label(row.partition);
                        replica_row(b.node, &rect, i, row, label, &row_context)
                    })
                    .collect();
                BrokerBox {
                    node: b.node,
                    rect,
                    up: b.up,
                    fenced: b.fenced,
                    rows,
                    coordinates: view
                        .transactions
                        .iter()
                        .filter(|t| t.coordinator == Some(b.node))
                        .map(|t| TxnLine {
                            txn: t.clone(),
                            dim: false,
                        })
                        .collect(),
                    dim: false,
                }
            })
            .collect();

        let (groups, consumers) = groups::build_groups(&view, TOP);
        let leader_rows: kafkascope_engine::flat::FlatMap<TopicPartition, Point> = brokers
            .iter()
            .flat_map(|b| {
                b.rows
                    .iter()
                    .filter(|r| r.role == ReplicaRole::Leader)
                    .map(move |r| {
                        (
                            r.partition,
                            Point {
                                x: b.rect.x + b.rect.w - 4.0,
                                y: r.y + CELL_H / 2.0,
                            },
                        )
                    })
            })
            .collect_by_insert();
        let assignments = groups::assignment_lines(&consumers, &leader_rows);
        let workers: Vec<(NodeId, u32)> = view
            .consumers
            .iter()
            .filter_map(|c| c.sink.as_ref().map(|s| (c.node, s.worker)))
            .collect();
        let databases: Vec<database::DatabaseBox> = view
            .databases
            .iter()
            .map(|d| {
                let below_groups = groups.last().map_or(TOP, |g| g.rect.y + g.rect.h + GAP);
                let below = database::database_box(
                    d,
                    database::DATABASE_X,
                    below_groups,
                    view.partition_count,
                    &workers,
                );
                let below_brokers = brokers.last().map_or(TOP, |b| b.rect.y + b.rect.h + GAP);
                let under_brokers = database::database_box(
                    d,
                    BROKER_X + BROKER_W - database::DATABASE_W,
                    below_brokers,
                    view.partition_count,
                    &workers,
                );
                let bottom = |b: &database::DatabaseBox| b.rect.y + b.rect.h;
                if bottom(&below) > database::BELOW_GROUPS_LIMIT
                    && bottom(&under_brokers) < bottom(&below)
                {
                    under_brokers
                } else {
                    below
                }
            })
            .collect();

        let layout = Layout {
            rects: std::iter::once((controller.node, controller.rect))
                .chain(producers.iter().map(|p| (p.node, p.rect)))
                .chain(brokers.iter().map(|b| (b.node, b.rect)))
                .chain(consumers.iter().map(|c| (c.node, c.rect)))
                .chain(databases.iter().map(|d| (d.node, d.rect)))
                .collect_by_insert(),
        };

        let cut = |a: NodeId, b: NodeId| {
            view.cut_links
                .iter()
                .any(|(f, t)| (*f, *t) == (a, b) || (*f, *t) == (b, a))
        };
        // A link to a node the layout has no place for is left out and named, never a panic.
        let mut undrawn: Vec<NodeId> = Vec::new();
        let mut edges = Vec::new();
        let mut edge = |a: NodeId, b: NodeId, internal: bool| match layout.path(a, b) {
            Some(path) => edges.push(Edge {
                path,
                internal,
                cut: cut(a, b),
                ends: (a, b),
                dim: false,
            }),
            None => {
                for n in [a, b] {
                    if layout.rect(n).is_none() && !undrawn.contains(&n) {
                        undrawn.push(n);
                    }
                }
            }
        };
        for p in &producers {
            for b in &brokers {
                edge(p.node, b.node, false);
            }
        }
        for c in &consumers {
            for b in &brokers {
                edge(b.node, c.node, false);
            }
            for d in &databases {
                edge(c.node, d.node, false);
            }
        }
        let replicated = view.replication_factor > 1;
        for (i, a) in brokers.iter().enumerate() {
            edge(a.node, controller.node, true);
            if replicated {
                for b in &brokers[i + 1..] {
                    edge(a.node, b.node, true);
                }
            }
        }
        for e in &view.cut_links {
            if layout.rect(e.0).is_none() && !undrawn.contains(&e.0) {
                undrawn.push(e.0);
            }
        }

        let mut dots: Vec<Dot> = timeline
            .flights_at(now)
            .filter_map(|e| {
                let TraceKind::Flight {
                    id,
                    from,
                    to,
                    kind,
                    records,
                    first_record,
                    arrives,
                    lost,
                } = e.what
                else {
                    return None;
                };
                let path = layout.path(from, to)?;
                let span = arrives.since(e.at).as_micros().max(1) as f64;
                let progress = (now.since(e.at).as_micros() as f64 / span).clamp(0.0, 1.0);
                let p = path.at(progress);
                // Requests ride slightly above the line, responses below, so both directions show.
                let lane = if path.to.x > path.from.x || path.to.y > path.from.y {
                    -4.0
                } else {
                    4.0
                };
                Some(Dot {
                    id,
                    kind,
                    x: p.x,
                    y: p.y + lane,
                    records,
                    first_record,
                    label: None,
                    lost,
                    progress,
                })
            })
            .collect();
        kafkascope_engine::ordered::sort_stable_by_key(&mut dots, |d| d.id);
        label_record_dots(&mut dots);

        let height = [
            producers.last().map(|p| p.rect.y + p.rect.h),
            brokers.last().map(|b| b.rect.y + b.rect.h),
            groups.last().map(|g| g.rect.y + g.rect.h),
            databases.last().map(|d| d.rect.y + d.rect.h),
        ]
        .into_iter()
        .flatten()
        .fold(120.0_f64, f64::max)
            + TOP;

        // The picture's own width: the right edge of what is drawn (no empty group column when
        // there are no consumers), so the scene is drawn as large as the screen allows.
        let width = [
            producers
                .iter()
                .map(|p| p.rect.x + p.rect.w)
                .fold(0.0, f64::max),
            brokers
                .iter()
                .map(|b| b.rect.x + b.rect.w)
                .fold(0.0, f64::max),
            groups
                .iter()
                .map(|g| g.rect.x + g.rect.w)
                .fold(0.0, f64::max),
            databases
                .iter()
                .map(|d| d.rect.x + d.rect.w)
                .fold(0.0, f64::max),
            controller.rect.x + controller.rect.w,
        ]
        .into_iter()
        .fold(0.0, f64::max)
            + 14.0;
        let mut model = SceneModel {
            width,
            height,
            events: recent_events(timeline, now),
            controller,
            producers,
            brokers,
            groups,
            consumers,
            databases,
            assignments,
            edges,
            dots,
            undrawn,
            topic: view.topics.join(", "),
            partition_count: view.partition_count,
            report: view.report,
            focused: false,
        };
        if let Some(focus) = focus {
            focus.apply(&mut model);
        }
        model
    }
}

/// Where each drawn node is, for routing message paths: one entry per node, whatever its kind
/// (a node with no entry is left out of the picture and named in [`SceneModel::undrawn`]).
struct Layout {
    rects: FlatMap<NodeId, Rect>,
}

impl Layout {
    fn rect(&self, node: NodeId) -> Option<&Rect> {
        self.rects.get(&node)
    }

    /// The path a message from `a` to `b` follows.
    fn path(&self, a: NodeId, b: NodeId) -> Option<Path> {
        let (ra, rb) = (self.rect(a)?, self.rect(b)?);
        Some(match (a, b) {
            (NodeId::Broker(i), NodeId::Broker(j)) => {
                // Replication: a curve bulging left of the broker column.
                let (p, q) = (ra.left_mid(), rb.left_mid());
                let bulge = 26.0 + 10.0 * f64::from(i.abs_diff(j));
                Path {
                    from: p,
                    via: Point {
                        x: BROKER_X - bulge,
                        y: (p.y + q.y) / 2.0,
                    },
                    to: q,
                }
            }
            (NodeId::Broker(_), NodeId::Controller(_))
            | (NodeId::Controller(_), NodeId::Broker(_)) => {
                let (broker, controller) = if matches!(a, NodeId::Broker(_)) {
                    (ra, rb)
                } else {
                    (rb, ra)
                };
                let from = Point {
                    x: broker.x + broker.w,
                    y: broker.y + 14.0,
                };
                let to = controller.right_mid();
                let via = Point {
                    x: BROKER_X + BROKER_W + 30.0,
                    y: (from.y + to.y) / 2.0,
                };
                if matches!(a, NodeId::Broker(_)) {
                    Path { from, via, to }
                } else {
                    Path {
                        from: to,
                        via,
                        to: from,
                    }
                }
            }
            (NodeId::Consumer(_), NodeId::Database(_))
            | (NodeId::Database(_), NodeId::Consumer(_)) => {
                // The database sits under the groups: statements and answers run down the
                // column's right margin, clear of the other members.
                let (consumer, database) = if matches!(a, NodeId::Consumer(_)) {
                    (ra, rb)
                } else {
                    (rb, ra)
                };
                let (c, d, via) = if database.x + database.w < consumer.x {
                    // The database under the brokers: from the member's left side, across.
                    let c = consumer.left_mid();
                    let d = Point {
                        x: database.x + database.w,
                        y: database.y + 24.0,
                    };
                    let via = Point {
                        x: (c.x + d.x) / 2.0,
                        y: (c.y + d.y) / 2.0,
                    };
                    (c, d, via)
                } else {
                    let c = consumer.right_mid();
                    let d = Point {
                        x: database.x + database.w,
                        y: database.y + 24.0,
                    };
                    let via = Point {
                        x: c.x.max(d.x) + 10.0,
                        y: (c.y + d.y) / 2.0,
                    };
                    (c, d, via)
                };
                if matches!(a, NodeId::Consumer(_)) {
                    Path {
                        from: c,
                        via,
                        to: d,
                    }
                } else {
                    Path {
                        from: d,
                        via,
                        to: c,
                    }
                }
            }
            _ => {
                let (p, q) = if rb.x > ra.x {
                    (ra.right_mid(), rb.left_mid())
                } else {
                    (ra.left_mid(), rb.right_mid())
                };
                Path::straight(p, q)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rendering_benchmark_keeps_about_500_messages_in_flight() {
        let text = include_str!("../../scenarios/bench-500-in-flight.toml");
        let scenario = kafkascope_engine::Scenario::from_toml(text).unwrap();
        let timeline = Timeline::record(&scenario);
        for ms in [1000, 2000, 3000] {
            let t = SimTime::from_ms(ms);
            let model = SceneModel::build(&timeline.world_at(t), &timeline, t);
            assert!(
                (450..=700).contains(&model.dots.len()),
                "{} dots at {ms} ms",
                model.dots.len()
            );
            assert!(
                model.dots.iter().all(|d| d.label.is_none()),
                "hundreds of dots carry no record numbers"
            );
        }
    }

    #[test]
    fn a_recognised_resend_marks_the_original_cell_on_the_leader_that_recognised_it() {
        let text = include_str!("../../scenarios/idempotent-producer.toml");
        let model = model_at(text, 10_516);
        let marked: Vec<(NodeId, u64)> = model
            .brokers
            .iter()
            .flat_map(|b| {
                b.rows
                    .iter()
                    .flat_map(|r| &r.cells)
                    .filter(|c| c.recognised)
                    .map(move |c| (b.node, c.offset))
            })
            .collect();
        assert_eq!(marked, [(NodeId::Broker(2), 0), (NodeId::Broker(2), 1)]);
        // Before the retry reaches broker 2 nothing is marked.
        let before = model_at(text, 10_000);
        assert!(before
            .brokers
            .iter()
            .flat_map(|b| b.rows.iter().flat_map(|r| &r.cells))
            .all(|c| !c.recognised));
    }

    #[test]
    fn the_database_draws_every_row_and_marks_the_rows_written_twice() {
        let text = include_str!("../../scenarios/database-duplicate-row.toml");
        let model = model_at(text, 4_300);
        let [db] = model.databases.as_slice() else {
            panic!("one database box: {:?}", model.databases.len());
        };
        let rows: Vec<(&str, NodeId, bool)> = db.tables[0]
            .rows
            .iter()
            .map(|l| (l.row.key.as_str(), l.row.writer, l.row.duplicate))
            .collect();
        let duplicates: Vec<&str> = rows.iter().filter(|r| r.2).map(|r| r.0).collect();
        assert_eq!(duplicates, ["p1#1", "p1#2", "p1#3", "p1#4"], "{rows:?}");
        assert!(rows
            .iter()
            .filter(|r| r.2)
            .all(|r| r.1 == NodeId::Consumer(2)));
        // Consumers are linked to the database, and it sits right of the groups.
        assert!(model
            .edges
            .iter()
            .any(|e| e.ends == (NodeId::Consumer(1), NodeId::Database(1))));
        let group = &model.groups[0].rect;
        assert!(db.rect.y > group.y + group.h, "under the group");
        assert!(model.undrawn.is_empty());
    }

    #[test]
    fn while_few_records_travel_their_dots_carry_the_record_numbers() {
        let text = include_str!("../../scenarios/acks-1-failover-loss.toml");
        let scenario = kafkascope_engine::Scenario::from_toml(text).unwrap();
        let timeline = Timeline::record(&scenario);
        let mut produce_labels = Vec::new();
        for ms in 0..110 {
            let t = SimTime::from_ms(ms);
            let model = SceneModel::build(&timeline.world_at(t), &timeline, t);
            for d in &model.dots {
                assert_eq!(d.label.is_some(), d.first_record.is_some(), "{d:?}");
                if d.kind == MessageKind::ProduceRequest {
                    produce_labels.extend(d.label.clone());
                }
            }
        }
        produce_labels.dedup();
        // Producer 1's records 0–5 leave one request each, labelled with their numbers.
        assert_eq!(produce_labels, ["#0", "#1", "#2", "#3", "#4", "#5"]);
    }

    #[test]
    fn the_acks_1_failover_marks_the_lost_records_on_the_producer() {
        let text = include_str!("../../scenarios/acks-1-failover-loss.toml");
        let scenario = kafkascope_engine::Scenario::from_toml(text).unwrap();
        let timeline = Timeline::record(&scenario);
        let end = timeline.end();
        let world = timeline.world_at(end);
        let model = SceneModel::build(&world, &timeline, end);
        assert_eq!(
            model.report.lost_acknowledged,
            timeline.report().lost_acknowledged
        );
        assert!(model.report.lost_acknowledged > 0);
        let marks: Vec<RecordMark> = model.producers[0].records.iter().map(|r| r.1).collect();
        assert!(
            marks.contains(&RecordMark::AcknowledgedButLost),
            "{marks:?}"
        );
        // Just after broker 1 truncated, its row shows the removed cells as ghosts.
        let after = SimTime::from_ms(12_010);
        let model = SceneModel::build(&timeline.world_at(after), &timeline, after);
        let ghosts: Vec<u64> = model.brokers[0].rows[0]
            .truncated
            .iter()
            .map(|c| c.offset)
            .collect();
        assert_eq!(ghosts, vec![3, 4, 5]);
        let later = SimTime::from_ms(16_000);
        let model = SceneModel::build(&timeline.world_at(later), &timeline, later);
        assert!(model.brokers[0].rows[0].truncated.is_empty(), "ghosts fade");
        // Before the crash nothing is lost yet.
        let early = SimTime::from_ms(100);
        let model = SceneModel::build(&timeline.world_at(early), &timeline, early);
        assert_eq!(model.report.lost_acknowledged, 0);
    }

    fn model_at(text: &str, ms: u64) -> SceneModel {
        let scenario = kafkascope_engine::Scenario::from_toml(text).unwrap();
        let timeline = Timeline::record(&scenario);
        let t = SimTime::from_ms(ms).min(timeline.end());
        SceneModel::build(&timeline.world_at(t), &timeline, t)
    }

    #[test]
    fn a_group_shows_its_idle_member_its_rebalance_and_who_owns_what() {
        let text = include_str!("../../scenarios/consumers-4-partitions.toml");
        let stable = model_at(text, 5_000);
        assert_eq!(stable.groups.len(), 1);
        assert_eq!(stable.groups[0].status, GroupStatus::Stable);
        let idle: Vec<bool> = stable.consumers.iter().map(|c| c.idle).collect();
        assert_eq!(idle, vec![false, false, false, true]);
        // One assignment line per owned partition, from that partition's leader row.
        assert_eq!(stable.assignments.len(), 3);
        let rebalancing = model_at(text, 11_600);
        assert_eq!(rebalancing.groups[0].status, GroupStatus::Rebalancing);
        assert!(!rebalancing.consumers[1].up, "consumer 2 was killed");
        // Committed offset and position markers sit on the leaders' rows, in the group's colour.
        let markers: Vec<MarkerKind> = stable
            .brokers
            .iter()
            .flat_map(|b| b.rows.iter())
            .flat_map(|r| r.committed_markers.iter().map(|m| m.kind))
            .collect();
        assert!(markers.contains(&MarkerKind::Committed));
        assert!(markers.contains(&MarkerKind::Position));
    }

    #[test]
    fn lost_and_twice_processed_records_are_marked_where_they_happened() {
        let text = include_str!("../../scenarios/consumers-5-commits.toml");
        let end = model_at(text, u64::MAX / 1000);
        let auto = end
            .groups
            .iter()
            .find(|g| g.name == "auto-handoff")
            .unwrap();
        assert_eq!(auto.never_processed, vec!["#5–#9"], "as a range");
        assert_eq!(auto.never_processed_count, 5);
        let manual = end.groups.iter().find(|g| g.name == "manual-sync").unwrap();
        assert!(manual.never_processed.is_empty());
        // Just after the restarted consumer re-processed #7–#10.
        let replay = model_at(text, 5_950);
        let twice: Vec<&str> = replay.consumers[1]
            .recent
            .iter()
            .filter(|p| p.twice)
            .map(|p| p.label.as_str())
            .collect();
        assert!(
            !twice.is_empty(),
            "the manual group's duplicates are marked"
        );
        assert!(twice.contains(&"#7"), "{twice:?}");
        assert!(replay.consumers[0].recent.iter().all(|p| !p.twice));
    }

    /// The page's counters and group marks are the engine's report at the same instant, on
    /// every built-in scenario, at instants spread over each run.
    #[test]
    fn the_page_counters_equal_the_engines_report_at_every_sampled_instant() {
        for name in crate::scenarios::builtin_names() {
            let scenario = crate::scenarios::builtin_scenario(name).unwrap().unwrap();
            let timeline = Timeline::record(&scenario);
            for k in 1..=6u64 {
                let t = SimTime(timeline.end().0 * k / 6);
                let world = timeline.world_at(t);
                let model = SceneModel::build(&world, &timeline, t);
                let report = OutcomeReport::from_simulation(&world, "", 0);
                assert_eq!(model.report, report, "{name} at {t:?}");
                for (g, r) in model.groups.iter().zip(&report.groups) {
                    assert_eq!(g.name, r.group);
                    assert_eq!(g.lag, r.lag, "{name} {} lag at {t:?}", g.name);
                    assert_eq!(
                        g.never_processed_count, r.not_processed,
                        "{name} {} at {t:?}",
                        g.name
                    );
                }
                let lost_marks = model
                    .producers
                    .iter()
                    .flat_map(|p| &p.records)
                    .filter(|(_, m, _)| *m == RecordMark::AcknowledgedButLost)
                    .count() as u64;
                assert!(lost_marks <= report.lost_acknowledged, "{name} at {t:?}");
            }
        }
    }

    #[test]
    fn a_lesson_step_lights_what_it_names_and_dims_the_rest() {
        let mut scenario = kafkascope_engine::Scenario::from_toml(include_str!(
            "../../scenarios/acks-1-failover-loss.toml"
        ))
        .unwrap();
        scenario.steps[2].highlight = vec![
            "broker-1 P0".into(),
            "p1#3-5".into(),
            "hw P0".into(),
            "broker-1 -> broker-2".into(),
        ];
        let timeline = Timeline::record(&scenario);
        let at = SimTime::from_ms(scenario.steps[2].at_ms);
        let model = SceneModel::build(&timeline.world_at(at), &timeline, at);
        assert!(model.focused);
        let b1 = &model.brokers[0];
        let b2 = &model.brokers[1];
        assert!(
            !b1.dim && !b1.rows[0].dim,
            "the named replica and its broker's frame"
        );
        assert!(b2.dim && b2.rows[0].dim, "another broker dims");
        assert!(
            !b2.rows[0].hw_dim && b2.rows[0].leo_dim,
            "every HW of P0 stays, LEO dims"
        );
        let lit: Vec<u32> = model.producers[0]
            .records
            .iter()
            .filter(|(_, _, dim)| !dim)
            .map(|(id, _, _)| id.seq)
            .collect();
        assert_eq!(lit, [3, 4, 5]);
        let lit_cells: Vec<u64> = b2.rows[0]
            .cells
            .iter()
            .filter(|c| !c.dim)
            .map(|c| c.offset)
            .collect();
        assert!(lit_cells.is_empty(), "broker 2 never got records 3-5");
        let lit_edges: Vec<_> = model
            .edges
            .iter()
            .filter(|e| !e.dim)
            .map(|e| e.ends)
            .collect();
        assert_eq!(lit_edges, [(NodeId::Broker(1), NodeId::Broker(2))]);
        assert!(model.controller.dim);
        // Before the first step, and in free play, nothing dims.
        let free = SceneModel::build(
            &timeline.world_at(at),
            &Timeline::record(&{
                let mut s = scenario.clone();
                s.steps.clear();
                s
            }),
            at,
        );
        assert!(!free.focused && !free.brokers[1].dim);
    }

    #[test]
    fn two_topics_are_drawn_with_kafkas_partition_names_and_their_own_owners() {
        let text = include_str!("../../scenarios/two-topics.toml");
        let end = model_at(text, u64::MAX / 1000);
        let labels: kafkascope_engine::flat::FlatSet<String> = end
            .brokers
            .iter()
            .flat_map(|b| b.rows.iter().map(|r| r.label.clone()))
            .collect();
        assert_eq!(
            labels.into_iter().collect::<Vec<_>>(),
            vec!["orders-0", "orders-1", "payments-0"]
        );
        // billing's two members own the three partitions; audit's member owns payments-0.
        assert_eq!(end.assignments.len(), 4);
        let audit = end.consumers.iter().find(|c| c.group == "audit").unwrap();
        assert_eq!(audit.partition_labels, vec!["payments-0"]);
        assert_eq!(end.report.groups.len(), 2);
    }

    /// A node the picture has no place for is named, not drawn — never a panic.
    #[test]
    fn a_node_the_layout_does_not_know_is_named_not_drawn() {
        let text = include_str!("../../scenarios/hello-kafka.toml");
        let scenario = kafkascope_engine::Scenario::from_toml(text).unwrap();
        let timeline = Timeline::record(&scenario);
        let t = SimTime::from_ms(10);
        let mut view = WorldView::of(&timeline.world_at(t), &ViewOptions::default());
        view.cut_links
            .push((NodeId::Broker(9), NodeId::Consumer(1)));
        let model = SceneModel::from_view(view, &timeline, t);
        assert_eq!(model.undrawn, vec![NodeId::Broker(9)]);
        assert!(!model.edges.is_empty());
    }
}
