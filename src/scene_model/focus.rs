//! What the current lesson step points at: its highlights (see
//! `kafkascope_engine::scenario::highlight`) light up, and everything else in the scene dims, so
//! a step's text and the picture point at the same things.

use super::SceneModel;
use crate::playback::current_step;
use kafkascope_engine::scenario::{Highlight, LogMarkerKind};
use kafkascope_engine::{NodeId, RecordId, SimTime, Timeline};

pub struct Focus {
    highlights: Vec<Highlight>,
}

impl Focus {
    /// The highlights of the lesson step shown at `now`, if it has any.
    pub fn at(timeline: &Timeline, now: SimTime) -> Option<Focus> {
        let steps = &timeline.scenario().steps;
        if steps.is_empty() || SimTime::from_ms(steps[0].at_ms) > now {
            return None;
        }
        let highlights: Vec<Highlight> = steps[current_step(steps, now, timeline.end())]
            .highlight
            .iter()
            .filter_map(|h| Highlight::parse(h).ok())
            .collect();
        (!highlights.is_empty()).then_some(Focus { highlights })
    }

    fn any(&self, f: impl Fn(&Highlight) -> bool) -> bool {
        self.highlights.iter().any(f)
    }

    fn node(&self, n: NodeId) -> bool {
        self.any(|h| *h == Highlight::Node(n))
    }

    /// A broker's replica of `partition`, or the whole broker.
    fn row(&self, broker: NodeId, partition: &str) -> bool {
        self.node(broker)
            || self.any(|h| matches!(h, Highlight::Replica(b, p) if *b == broker && p == partition))
    }

    /// A broker's frame: the broker, or one of its replicas.
    fn frame(&self, broker: NodeId) -> bool {
        self.node(broker) || self.any(|h| matches!(h, Highlight::Replica(b, _) if *b == broker))
    }

    pub fn record(&self, id: RecordId) -> bool {
        self.any(|h| h.covers_record(id))
    }

    fn log_marker(&self, which: LogMarkerKind, partition: &str) -> bool {
        self.any(|h| {
            matches!(h, Highlight::LogMarker { which: w, partition: p } if *w == which && p == partition)
        })
    }

    fn txn(&self, id: &str) -> bool {
        self.any(|h| matches!(h, Highlight::Txn(t) if t == id))
    }

    fn group(&self, name: &str) -> bool {
        self.any(|h| matches!(h, Highlight::Group(g) if g == name))
    }

    pub fn group_marker(&self, committed: bool, group: &str, partition: &str) -> bool {
        self.group(group)
            || self.any(|h| {
                matches!(h, Highlight::GroupMarker { committed: c, group: g, partition: p }
                    if *c == committed && g == group && p == partition)
            })
    }

    fn link(&self, a: NodeId, b: NodeId) -> bool {
        self.any(|h| *h == Highlight::Link(a, b) || *h == Highlight::Link(b, a))
    }

    /// Dims in `model` everything this step does not highlight.
    pub fn apply(&self, model: &mut SceneModel) {
        model.focused = true;
        model.controller.dim = !self.node(model.controller.node);
        for p in &mut model.producers {
            let whole = self.node(p.node);
            p.dim = !whole;
            for (id, _, dim) in &mut p.records {
                *dim = !(whole || self.record(*id));
            }
        }
        let group_names: Vec<String> = model.groups.iter().map(|g| g.name.clone()).collect();
        for b in &mut model.brokers {
            b.dim = !self.frame(b.node);
            for line in &mut b.coordinates {
                line.dim = !(self.node(b.node) || self.txn(&line.txn.transactional_id));
            }
            for row in &mut b.rows {
                let whole = self.row(b.node, &row.label);
                row.dim = !whole;
                row.hw_dim = !(whole || self.log_marker(LogMarkerKind::Hw, &row.label));
                row.leo_dim = !(whole || self.log_marker(LogMarkerKind::Leo, &row.label));
                row.lso_dim = !(whole || self.log_marker(LogMarkerKind::Lso, &row.label));
                for cell in row.cells.iter_mut().chain(row.truncated.iter_mut()) {
                    cell.dim = !(whole || self.record(cell.record));
                }
                for m in &mut row.committed_markers {
                    let group = group_names.get(m.group_index).map_or("", String::as_str);
                    let committed = m.kind == super::MarkerKind::Committed;
                    m.dim = !(whole || self.group_marker(committed, group, &row.label));
                }
            }
        }
        for g in &mut model.groups {
            g.dim = !self.group(&g.name);
        }
        for c in &mut model.consumers {
            c.dim = !(self.node(c.node) || self.group(&c.group));
        }
        for d in &mut model.databases {
            d.dim = !self.node(d.node);
        }
        for a in &mut model.assignments {
            let group = group_names.get(a.group_index).map_or("", String::as_str);
            a.dim = !self.group(group);
        }
        for e in &mut model.edges {
            e.dim = !self.link(e.ends.0, e.ends.1);
        }
    }
}

impl SceneModel {
    /// The part of the picture a lesson step points at: the box around every node it does not
    /// dim, with a margin, or `None` when no step highlights anything now. A small frame (an
    /// embed in a blog post) shows this part, so its labels stay legible.
    pub fn focus_box(&self) -> Option<super::Rect> {
        if !self.focused {
            return None;
        }
        let lit = std::iter::once((&self.controller.rect, self.controller.dim))
            .chain(self.producers.iter().map(|p| (&p.rect, p.dim)))
            .chain(self.brokers.iter().map(|b| (&b.rect, b.dim)))
            .chain(self.groups.iter().map(|g| (&g.rect, g.dim)))
            .chain(self.consumers.iter().map(|c| (&c.rect, c.dim)))
            .chain(self.databases.iter().map(|d| (&d.rect, d.dim)))
            .filter(|(_, dim)| !dim)
            .map(|(rect, _)| rect);
        let (mut left, mut top, mut right, mut bottom) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for r in lit {
            left = left.min(r.x);
            top = top.min(r.y);
            right = right.max(r.x + r.w);
            bottom = bottom.max(r.y + r.h);
        }
        if left > right {
            return None;
        }
        const MARGIN: f64 = 24.0;
        Some(super::Rect {
            x: (left - MARGIN).max(0.0),
            y: (top - MARGIN).max(0.0),
            w: (right - left + 2.0 * MARGIN).min(self.width),
            h: (bottom - top + 2.0 * MARGIN).min(self.height),
        })
    }
}
