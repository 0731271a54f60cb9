//! One partition replica's row in a broker's box: its log cells (with their transaction: open,
//! committed, aborted, or a COMMIT/ABORT marker), the high watermark (HW) and log end offset
//! (LEO) marks, the last stable offset (LSO) while an open transaction holds it below the HW, the consumer groups' committed offsets and positions, and the
//! ghosts of records it truncated. A row shows [`CELLS_SHOWN`] offsets: the window follows what
//! matters at the moment (what a lesson step highlights, the groups' offsets, the HW) rather
//! than only the newest, and a mark outside it is drawn at the edge with an arrow and its offset.

use super::focus::Focus;
use super::recent::{RecognisedBatch, TruncatedRecord};
use super::Rect;
use kafkascope_engine::view::{CellTxn, MarkerKind, ReplicaRole};
use kafkascope_engine::{NodeId, RecordId, TopicPartition};

pub const CELL_W: f64 = 26.0;
pub const CELL_H: f64 = 22.0;
/// Log cells shown per replica; older ones scroll off to the left.
pub const CELLS_SHOWN: u64 = 10;
/// Log cells the view copies per replica, for the window to choose from.
pub const CELLS_KEPT: usize = 64;
/// Height of one replica's row in a broker's box.
pub const ROW_H: f64 = 60.0;

#[derive(Clone, Debug, PartialEq)]
pub struct LogCell {
    pub offset: u64,
    pub record: RecordId,
    pub label: String,
    /// Dimmed: a lesson step highlights other things.
    pub dim: bool,
    pub committed: bool,
    /// A resend of this record's batch was just recognised here (idempotent producer).
    pub recognised: bool,
    pub leader_epoch: u32,
    /// Its transaction, as this replica's log has it (`None`: a plain record).
    pub txn: Option<CellTxn>,
    pub x: f64,
}

/// A group's committed offset or position on a partition log.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupMarker {
    pub group_index: usize,
    pub kind: MarkerKind,
    pub offset: u64,
    pub x: f64,
    /// Outside the shown offsets: drawn at that edge, with this arrow and its offset.
    pub edge: Option<&'static str>,
    pub dim: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ReplicaRow {
    /// How the page names the partition (`P0`, or `orders-0` with several topics).
    pub label: String,
    /// Cells this replica truncated recently (leader-epoch truncation), drawn as fading ghosts.
    pub truncated: Vec<LogCell>,
    pub partition: TopicPartition,
    pub role: ReplicaRole,
    pub leader_epoch: u32,
    /// For a leader: its view of the ISR.
    pub isr: Vec<u32>,
    pub y: f64,
    pub cells: Vec<LogCell>,
    pub high_watermark: u64,
    pub hw_x: f64,
    pub hw_edge: Option<&'static str>,
    pub log_end_offset: u64,
    pub leo_x: f64,
    pub leo_edge: Option<&'static str>,
    /// The replica's log start offset (retention moves it): no cell lies below it.
    pub log_start_offset: u64,
    pub committed_markers: Vec<GroupMarker>,
    /// The last stable offset, drawn (on a leader) while it is below the HW: an open
    /// transaction holds read_committed readers there.
    pub last_stable_offset: u64,
    pub lso_shown: bool,
    pub lso_x: f64,
    pub lso_edge: Option<&'static str>,
    /// Dimmed (a lesson step highlights other things): the row's labels, its HW, LEO, LSO marks.
    pub dim: bool,
    pub hw_dim: bool,
    pub leo_dim: bool,
    pub lso_dim: bool,
}

/// The first offset a row shows: [`CELLS_SHOWN`] offsets chosen so that what matters now is in
/// view — `important` offsets in order of priority (the records the lesson step highlights, the
/// groups' committed offsets and positions, the high watermark), as many as fit together — and
/// otherwise the newest, up to the log end offset.
pub fn log_window(log_start: u64, leo: u64, important: &[u64]) -> u64 {
    let mut span: Option<(u64, u64)> = None;
    for &o in important {
        let o = o.clamp(log_start, leo);
        span = match span {
            None => Some((o, o)),
            Some((lo, hi)) if hi.max(o) - lo.min(o) <= CELLS_SHOWN => Some((lo.min(o), hi.max(o))),
            keep => keep,
        };
    }
    let (lo, hi) = span.unwrap_or((leo, leo));
    let mut first = hi.saturating_sub(CELLS_SHOWN).max(log_start).min(lo);
    if first + CELLS_SHOWN > leo {
        first = first.min(leo.saturating_sub(CELLS_SHOWN)).max(log_start);
    }
    first
}

/// How a mark outside the shown window is labelled at the window's edge: `‹` before it, `›`
/// after it (the label carries the offset, so it never reads as the edge cell's).
fn edge_arrow(offset: u64, first: u64) -> Option<&'static str> {
    if offset < first {
        Some("‹")
    } else if offset > first + CELLS_SHOWN {
        Some("›")
    } else {
        None
    }
}

/// What every row of the scene is laid out with.
#[derive(Clone, Copy)]
pub struct RowContext<'a> {
    pub truncations: &'a [TruncatedRecord],
    pub recognised: &'a [RecognisedBatch],
    pub focus: Option<&'a Focus>,
    pub group_names: &'a [String],
}

/// One replica's row: cells, markers and ghosts placed along the log.
pub fn replica_row(
    broker: NodeId,
    rect: &Rect,
    i: usize,
    row: &kafkascope_engine::view::ReplicaRow,
    label: String,
    ctx: &RowContext,
) -> ReplicaRow {
    let RowContext {
        truncations,
        recognised,
        focus,
        group_names,
    } = *ctx;
    let recognised_here = |offset: u64| {
        recognised.iter().any(|(b, tp, base, count)| {
            *b == broker && *tp == row.partition && (*base..base + count).contains(&offset)
        })
    };
    let leo = row.log_end_offset;
    // What matters, most first: the records the step highlights, the group offsets it highlights,
    // then every committed offset, every position, and the HW.
    let highlighted_marker = |m: &kafkascope_engine::view::GroupMarker| {
        let group = group_names.get(m.group_index).map_or("", String::as_str);
        focus.is_some_and(|f| f.group_marker(m.kind == MarkerKind::Committed, group, &label))
    };
    let mut important: Vec<u64> = focus
        .map(|f| {
            row.cells
                .iter()
                .filter(|c| f.record(c.record))
                .flat_map(|c| [c.offset, c.offset + 1])
                .collect()
        })
        .unwrap_or_default();
    important.extend(
        row.markers
            .iter()
            .filter(|m| highlighted_marker(m))
            .map(|m| m.offset),
    );
    for kind in [MarkerKind::Committed, MarkerKind::Position] {
        important.extend(
            row.markers
                .iter()
                .filter(|m| m.kind == kind)
                .map(|m| m.offset),
        );
    }
    important.push(row.high_watermark);
    let lso_shown = row.role == ReplicaRole::Leader && row.last_stable_offset < row.high_watermark;
    if lso_shown {
        important.push(row.last_stable_offset);
    }
    let first_shown = log_window(row.log_start_offset, leo, &important);
    let last_shown = first_shown + CELLS_SHOWN;
    let cells_x0 = rect.x + 146.0;
    let x_of = |offset: u64| cells_x0 + (offset.saturating_sub(first_shown)) as f64 * CELL_W;
    let cells = row
        .cells
        .iter()
        .filter(|c| c.offset >= first_shown && c.offset < last_shown)
        .map(|c| LogCell {
            offset: c.offset,
            record: c.record,
            dim: false,
            label: c.record.to_string(),
            committed: c.committed,
            recognised: recognised_here(c.offset),
            leader_epoch: c.leader_epoch,
            txn: c.txn,
            x: x_of(c.offset),
        })
        .collect();
    let committed_markers = row
        .markers
        .iter()
        .map(|m| GroupMarker {
            group_index: m.group_index,
            kind: m.kind,
            offset: m.offset,
            x: x_of(m.offset.clamp(first_shown, last_shown)),
            edge: edge_arrow(m.offset, first_shown),
            dim: false,
        })
        .collect();
    let held_end = leo.max(first_shown);
    let truncated = truncations
        .iter()
        .filter(|(b, partition, offset, _)| {
            *b == broker
                && *partition == row.partition
                && *offset >= held_end
                && *offset < last_shown
        })
        .take(CELLS_SHOWN as usize)
        .map(|(_, _, offset, record)| LogCell {
            offset: *offset,
            record: *record,
            dim: false,
            label: record.to_string(),
            committed: false,
            recognised: false,
            leader_epoch: 0,
            txn: None,
            x: x_of(*offset),
        })
        .collect();
    ReplicaRow {
        truncated,
        label,
        partition: row.partition,
        role: row.role,
        leader_epoch: row.leader_epoch,
        isr: row.isr.clone(),
        y: rect.y + 40.0 + i as f64 * ROW_H,
        cells,
        high_watermark: row.high_watermark,
        hw_x: x_of(row.high_watermark.clamp(first_shown, last_shown)),
        hw_edge: edge_arrow(row.high_watermark, first_shown),
        log_end_offset: leo,
        leo_x: x_of(leo.clamp(first_shown, last_shown)),
        leo_edge: edge_arrow(leo, first_shown),
        log_start_offset: row.log_start_offset,
        committed_markers,
        last_stable_offset: row.last_stable_offset,
        lso_shown,
        lso_x: x_of(row.last_stable_offset.clamp(first_shown, last_shown)),
        lso_edge: edge_arrow(row.last_stable_offset, first_shown),
        dim: false,
        hw_dim: false,
        leo_dim: false,
        lso_dim: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_window_shows_what_matters_and_otherwise_the_newest() {
        // Nothing in particular: the newest ten offsets.
        assert_eq!(log_window(0, 20, &[]), 10);
        assert_eq!(log_window(0, 4, &[]), 0);
        // Highlighted cells 7–10 (as boundaries 7..11) and a committed offset at 7 fit; the HW at
        // 20 does not and is shown at the edge instead.
        assert_eq!(log_window(0, 20, &[7, 8, 9, 10, 11, 7, 20]), 1);
        // Markers at 7 and 10 and the HW at 20 (consumers-5-commits, just before the crash).
        let first = log_window(0, 20, &[10, 7, 20]);
        assert_eq!(first, 0);
        assert_eq!(edge_arrow(20, first), Some("›"));
        assert_eq!(edge_arrow(7, first), None);
        // Never before the log start, never past the end.
        assert_eq!(log_window(12, 30, &[3]), 12);
        assert_eq!(log_window(0, 30, &[29, 30]), 20);
    }
}
