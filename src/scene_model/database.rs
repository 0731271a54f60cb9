//! The database outside Kafka, laid out under the consumer groups that write to it (the column
//! keeps the scene as wide as before, so its labels stay legible): each table with its rows in the order they
//! were written, each row naming its key and the consumer instance that wrote it. A row written
//! for a record the table already had a row for is marked a duplicate — the engine's view says so;
//! the page only draws it.

use super::geometry::Rect;
use super::groups::{GROUP_W, GROUP_X};
use kafkascope_engine::view::{DatabaseNode, RowView};
use kafkascope_engine::NodeId;

pub const DATABASE_X: f64 = GROUP_X;
/// How far down the scene may reach with the database under the groups; past it, the database
/// goes under the brokers, at the right of their column, if it ends higher there (the scene
/// stays as wide, and gets less tall, so labels stay legible).
pub const BELOW_GROUPS_LIMIT: f64 = 600.0;
pub const DATABASE_W: f64 = GROUP_W;
/// The newest rows shown per table (older ones are counted above them).
pub const ROWS_SHOWN: usize = 8;
const HEADER_H: f64 = 30.0;
const TABLE_HEADER_H: f64 = 26.0;
pub const ROW_H: f64 = 18.0;

#[derive(Clone, Debug, PartialEq)]
pub struct DatabaseBox {
    pub node: NodeId,
    pub rect: Rect,
    pub up: bool,
    pub tables: Vec<TableBox>,
    pub dim: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TableBox {
    pub name: String,
    pub unique_key: bool,
    /// Where the table's header line is.
    pub y: f64,
    /// Rows written before the shown ones.
    pub hidden: usize,
    pub rows: Vec<RowLine>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RowLine {
    pub y: f64,
    pub row: RowView,
    /// The Connect worker whose sink task wrote the row (a task is named by its worker).
    pub worker: Option<u32>,
}

/// The database's box with its top left corner at (`x`, `top`); `workers`: the sink tasks'
/// consumer nodes and their workers.
pub fn database_box(
    view: &DatabaseNode,
    x: f64,
    top: f64,
    partitions: u32,
    workers: &[(NodeId, u32)],
) -> DatabaseBox {
    let mut y = top + HEADER_H;
    let tables = view
        .tables
        .iter()
        .map(|t| {
            // Room for every shown row from the start: the box does not grow as rows arrive. An
            // offsets table holds a row per partition.
            let slots = if t.holds_offsets {
                (partitions as usize).clamp(1, ROWS_SHOWN)
            } else {
                ROWS_SHOWN
            };
            let hidden = t.rows.len().saturating_sub(slots);
            let header = y;
            y += TABLE_HEADER_H;
            let rows = t.rows[hidden..]
                .iter()
                .enumerate()
                .map(|(i, r)| RowLine {
                    y: y + i as f64 * ROW_H,
                    row: r.clone(),
                    worker: workers
                        .iter()
                        .find(|(node, _)| *node == r.writer)
                        .map(|(_, w)| *w),
                })
                .collect();
            y += slots as f64 * ROW_H + 8.0;
            TableBox {
                name: t.name.clone(),
                unique_key: t.unique_key,
                y: header,
                hidden,
                rows,
            }
        })
        .collect();
    DatabaseBox {
        node: view.node,
        rect: Rect {
            x,
            y: top,
            w: DATABASE_W,
            h: y - top,
        },
        up: view.up,
        tables,
        dim: false,
    }
}
