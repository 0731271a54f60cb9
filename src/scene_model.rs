//! What the scene shows at one instant, as plain data: node boxes, log cells, offset markers and
//! message dots with their positions.
//!
//! [`SceneModel::build`] reads the engine's world at the playback time and the timeline's flights;
//! it knows nothing of Yew, so it is tested natively and its cost per frame can be measured.
//! Layout is a fixed grid: producers on the left, brokers (with their partition logs) in the
//! middle, consumers on the right; each message is placed at `(now - sent) / (arrives - sent)`
//! along the line between its two nodes.

use kafkascope_engine::consumer::ConsumerPhase;
use kafkascope_engine::message::MessageKind;
use kafkascope_engine::{NodeId, SimTime, Simulation, Timeline, TopicPartition, TraceKind};

pub const WIDTH: f64 = 1000.0;
pub const CELL_W: f64 = 26.0;
pub const CELL_H: f64 = 24.0;
/// Log cells shown per partition; older ones scroll off to the left.
pub const CELLS_SHOWN: u64 = 12;
const PRODUCER_X: f64 = 30.0;
const PRODUCER_W: f64 = 190.0;
const BROKER_X: f64 = 310.0;
const BROKER_W: f64 = 390.0;
const CONSUMER_X: f64 = 780.0;
const CONSUMER_W: f64 = 190.0;
const TOP: f64 = 30.0;
const GAP: f64 = 24.0;

#[derive(Clone, Debug, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    fn left_mid(&self) -> (f64, f64) {
        (self.x, self.y + self.h / 2.0)
    }
    fn right_mid(&self) -> (f64, f64) {
        (self.x + self.w, self.y + self.h / 2.0)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ProducerBox {
    pub node: NodeId,
    pub rect: Rect,
    pub created: u32,
    pub acknowledged: u32,
    pub total: u32,
    pub acks: &'static str,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LogCell {
    pub offset: u64,
    pub label: String,
    pub committed: bool,
    pub x: f64,
}

/// A group's committed offset on a partition log.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupMarker {
    pub group_index: usize,
    pub offset: u64,
    pub x: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PartitionRow {
    pub partition: TopicPartition,
    pub y: f64,
    pub cells: Vec<LogCell>,
    pub high_watermark: u64,
    pub hw_x: f64,
    pub log_end_offset: u64,
    pub leo_x: f64,
    pub hidden_before: u64,
    pub committed_markers: Vec<GroupMarker>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct BrokerBox {
    pub node: NodeId,
    pub rect: Rect,
    pub rows: Vec<PartitionRow>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ConsumerBox {
    pub node: NodeId,
    pub rect: Rect,
    pub group: String,
    pub group_index: usize,
    pub phase: ConsumerPhase,
    pub processed: usize,
    pub last_processed: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Dot {
    pub id: u64,
    pub kind: MessageKind,
    pub x: f64,
    pub y: f64,
    pub records: u32,
    pub lost: bool,
    /// 0 at departure, 1 at arrival (or disappearance).
    pub progress: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    pub from: (f64, f64),
    pub to: (f64, f64),
}

#[derive(Clone, Debug, PartialEq)]
pub struct SceneModel {
    pub height: f64,
    pub producers: Vec<ProducerBox>,
    pub brokers: Vec<BrokerBox>,
    pub consumers: Vec<ConsumerBox>,
    pub edges: Vec<Edge>,
    pub dots: Vec<Dot>,
    pub topic: String,
    /// Totals for the outcome panel at this instant.
    pub produced: u64,
    pub acknowledged: u64,
    pub consumed: u64,
}

fn node_stack(count: usize, heights: impl Fn(usize) -> f64) -> Vec<f64> {
    let mut y = TOP;
    (0..count)
        .map(|i| {
            let top = y;
            y += heights(i) + GAP;
            top
        })
        .collect()
}

impl SceneModel {
    pub fn build(world: &Simulation, timeline: &Timeline, now: SimTime) -> SceneModel {
        let producers: Vec<ProducerBox> = {
            let ys = node_stack(world.producers().len(), |_| 74.0);
            world
                .producers()
                .iter()
                .zip(ys)
                .map(|(p, y)| ProducerBox {
                    node: p.id(),
                    rect: Rect {
                        x: PRODUCER_X,
                        y,
                        w: PRODUCER_W,
                        h: 74.0,
                    },
                    created: p.created(),
                    acknowledged: p.acknowledged(),
                    total: p.config().records,
                    acks: match p.config().acks {
                        kafkascope_engine::message::Acks::None => "0",
                        kafkascope_engine::message::Acks::Leader => "1",
                        kafkascope_engine::message::Acks::All => "all",
                    },
                })
                .collect()
        };

        let consumers_list = world.consumers();
        let broker_height = |b: &kafkascope_engine::broker::Broker| {
            44.0 + b.replicas().len().max(1) as f64 * (CELL_H + 30.0)
        };
        let ys = node_stack(world.brokers().len(), |i| {
            broker_height(&world.brokers()[i])
        });
        let brokers: Vec<BrokerBox> = world
            .brokers()
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
                    .replicas()
                    .iter()
                    .enumerate()
                    .map(|(i, (tp, replica))| {
                        let log = &replica.log;
                        let leo = log.log_end_offset();
                        let first_shown =
                            leo.saturating_sub(CELLS_SHOWN).max(log.log_start_offset());
                        let cells_x0 = rect.x + 52.0;
                        let x_of = |offset: u64| {
                            cells_x0 + (offset.saturating_sub(first_shown)) as f64 * CELL_W
                        };
                        let cells = log
                            .records()
                            .iter()
                            .filter(|r| r.offset >= first_shown)
                            .map(|r| LogCell {
                                offset: r.offset,
                                label: r.id.to_string(),
                                committed: r.offset < log.high_watermark(),
                                x: x_of(r.offset),
                            })
                            .collect();
                        let committed_markers = consumers_list
                            .iter()
                            .enumerate()
                            .filter_map(|(gi, c)| {
                                let offset = *c.committed().get(tp)?;
                                Some(GroupMarker {
                                    group_index: gi,
                                    offset,
                                    x: x_of(offset.max(first_shown)),
                                })
                            })
                            .collect();
                        PartitionRow {
                            partition: *tp,
                            y: rect.y + 40.0 + i as f64 * (CELL_H + 30.0),
                            cells,
                            high_watermark: log.high_watermark(),
                            hw_x: x_of(log.high_watermark().max(first_shown)),
                            log_end_offset: leo,
                            leo_x: x_of(leo),
                            hidden_before: first_shown,
                            committed_markers,
                        }
                    })
                    .collect();
                BrokerBox {
                    node: b.id(),
                    rect,
                    rows,
                }
            })
            .collect();

        let ys = node_stack(consumers_list.len(), |_| 96.0);
        let consumers: Vec<ConsumerBox> = consumers_list
            .iter()
            .zip(ys)
            .enumerate()
            .map(|(gi, (c, y))| ConsumerBox {
                node: c.id(),
                rect: Rect {
                    x: CONSUMER_X,
                    y,
                    w: CONSUMER_W,
                    h: 96.0,
                },
                group: c.group().to_string(),
                group_index: gi,
                phase: c.phase(),
                processed: c.processed().len(),
                last_processed: c
                    .processed()
                    .iter()
                    .rev()
                    .take(4)
                    .map(|p| p.record.to_string())
                    .collect(),
            })
            .collect();

        let rect_of = |node: NodeId| -> Option<&Rect> {
            match node {
                NodeId::Producer(n) => producers.get(n as usize - 1).map(|p| &p.rect),
                NodeId::Broker(n) => brokers.get(n as usize - 1).map(|b| &b.rect),
                NodeId::Consumer(n) => consumers.get(n as usize - 1).map(|c| &c.rect),
            }
        };
        // The point on `a` facing `b`.
        let anchor = |a: &Rect, b: &Rect| {
            if b.x > a.x {
                a.right_mid()
            } else {
                a.left_mid()
            }
        };

        let mut edges = Vec::new();
        for p in &producers {
            for b in &brokers {
                edges.push(Edge {
                    from: anchor(&p.rect, &b.rect),
                    to: anchor(&b.rect, &p.rect),
                });
            }
        }
        for c in &consumers {
            for b in &brokers {
                edges.push(Edge {
                    from: anchor(&b.rect, &c.rect),
                    to: anchor(&c.rect, &b.rect),
                });
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
                    arrives,
                    lost,
                } = e.what
                else {
                    return None;
                };
                let (a, b) = (rect_of(from)?, rect_of(to)?);
                let (x0, y0) = anchor(a, b);
                let (x1, y1) = anchor(b, a);
                let span = arrives.since(e.at).as_micros().max(1) as f64;
                let progress = (now.since(e.at).as_micros() as f64 / span).clamp(0.0, 1.0);
                // Requests ride slightly above the line, responses below, so both directions show.
                let lane = if x1 > x0 { -5.0 } else { 5.0 };
                Some(Dot {
                    id,
                    kind,
                    x: x0 + (x1 - x0) * progress,
                    y: y0 + (y1 - y0) * progress + lane,
                    records,
                    lost,
                    progress,
                })
            })
            .collect();
        dots.sort_by_key(|d| d.id);

        let height = [
            producers.last().map(|p| p.rect.y + p.rect.h),
            brokers.last().map(|b| b.rect.y + b.rect.h),
            consumers.last().map(|c| c.rect.y + c.rect.h),
        ]
        .into_iter()
        .flatten()
        .fold(200.0_f64, f64::max)
            + TOP;

        SceneModel {
            height,
            produced: producers.iter().map(|p| u64::from(p.created)).sum(),
            acknowledged: producers.iter().map(|p| u64::from(p.acknowledged)).sum(),
            consumed: consumers.iter().map(|c| c.processed as u64).sum(),
            producers,
            brokers,
            consumers,
            edges,
            dots,
            topic: world.topic_name().to_string(),
        }
    }
}
