//! A lesson step's claims: what its text says is true on screen at its moment, written beside
//! the step as assertions and checked against the engine's view ([`crate::view::WorldView`], what
//! the page draws) at that moment. A lesson whose text and picture disagree fails its tests: the
//! engine's tests check the claims here, and the end-to-end lesson test checks the same claims
//! against the page's drawing at the same step (`tests/browser/src/step_on_page.rs`).
//!
//! A claim is one line, `subject = value` (or a bare subject for `up` / `down`):
//!
//! | claim | meaning |
//! |---|---|
//! | `leader P0 = broker-2` | broker 2 is up and leads P0 (`= none`: no running broker leads it) |
//! | `isr P0 = 1,2,3` | the leader of P0 has exactly this ISR |
//! | `epoch P0 = 1` | the leader epoch of P0's running leader |
//! | `hw P0 = 3`, `hw P0 broker-1 = 3` | the high watermark on P0's leader (or on that broker) |
//! | `leo P0 broker-1 = 6` | a replica's log end offset (default: the leader's) |
//! | `start P0 = 0` | a replica's log start offset (retention moves it) |
//! | `lso P0 = 4` | the last stable offset on P0's leader (what read_committed may read up to) |
//! | `cell P0@5 = aborted` | the transaction of the leader's cell at offset 5: `plain`, `open`, `committed`, `aborted`, `commit_marker`, `abort_marker` |
//! | `txn orders-tx = PrepareCommit` | a transactional id's state at its coordinator (Kafka's names) |
//! | `txn orders-tx.epoch = 2`, `txn orders-tx.coordinator = broker-1` | its producer epoch, its coordinator |
//! | `fenced producer-1` | a transactional producer was fenced by a newer instance |
//! | `down broker-1`, `up consumer-2` | a process is crashed (killed) or running |
//! | `report.lost_acknowledged = 3` | any count of the outcome report, by its JSON name (a list: its length) |
//! | `group billing.consumed = 4` | any count of a group's outcome (`consumed`, `not_processed`, …) |
//! | `group billing.committed P0 = 7` | a group's committed offset on a partition (`none`) |
//! | `group billing.position P0 = 7` | the owning member's position on a partition (`none`) |
//! | `group billing.generation = 2`, `group billing.status = stable` | the group's coordinator state |
//! | `processor enricher.exactly_once = 6` | a consume-transform-produce group's inputs by committed results (`inputs`, `exactly_once`, `missing`, `more_than_once`, `not_yet`) |
//! | `table payments.duplicate_rows = 1`, `table payments.delivery = at_least_once` | a database table written by a consumer application (`rows`, `duplicate_rows`, `refused_writes`, `inputs`, `exactly_once`, `missing`, `more_than_once`, `not_yet`, `delivery`) |
//! | `owner P0 = consumer-2` | which running member of a group owns P0 (`group x` first if several) |
//! | `record p1#3 = lost` | how the producer's strip marks a record |
//!
//! Partitions are named as the page names them: `P0` with one topic, `orders-0` with several.

use crate::ids::NodeId;
use crate::view::{
    CellTxn, GroupStatus, MarkerKind, RecordMark, ReplicaRole, ReplicaRow, TxnPhase, WorldView,
};

/// Checks one claim against `view`; the error says what was claimed and what the engine has.
pub fn check(claim: &str, view: &WorldView) -> Result<(), String> {
    let (subject, value) = match claim.split_once('=') {
        Some((s, v)) => (s.trim(), Some(v.trim())),
        None => (claim.trim(), None),
    };
    let words: Vec<&str> = subject.split_whitespace().collect();
    let mismatch = |has: String| Err(format!("claim `{claim}`: the engine has {has}"));
    let value = |what: &str| value.ok_or_else(|| format!("claim `{claim}`: needs `= {what}`"));
    match words.as_slice() {
        ["leader", partition] => {
            let claimed = value("broker-N or none")?;
            let leader = leader_of(view, partition, claim)?;
            let has = leader.map_or("none".to_string(), |n| n.to_string());
            if has == claimed {
                Ok(())
            } else {
                mismatch(has)
            }
        }
        ["epoch", partition] => {
            let claimed = number(value("a leader epoch")?, claim)?;
            let has = u64::from(row_of(view, partition, None, claim)?.leader_epoch);
            if has == claimed {
                Ok(())
            } else {
                mismatch(has.to_string())
            }
        }
        ["isr", partition] => {
            let claimed = numbers(value("1,2,3")?, claim)?;
            let has = row_of(view, partition, None, claim)?.isr.clone();
            if has == claimed {
                Ok(())
            } else {
                mismatch(format!("{has:?}"))
            }
        }
        [which @ ("hw" | "leo" | "start" | "lso"), partition, broker @ ..] if broker.len() <= 1 => {
            let claimed = number(value("an offset")?, claim)?;
            let broker = broker.first().map(|b| node(b, claim)).transpose()?;
            let row = row_of(view, partition, broker, claim)?;
            let has = match *which {
                "hw" => row.high_watermark,
                "leo" => row.log_end_offset,
                "lso" => row.last_stable_offset,
                _ => row.log_start_offset,
            };
            if has == claimed {
                Ok(())
            } else {
                mismatch(has.to_string())
            }
        }
        [state @ ("up" | "down"), who] => {
            let who = node(who, claim)?;
            let up = running(view, who).ok_or_else(|| format!("claim `{claim}`: no {who}"))?;
            if up == (*state == "up") {
                Ok(())
            } else {
                mismatch(if up { "it running" } else { "it down" }.to_string())
            }
        }
        [field] if field.starts_with("report.") => {
            let claimed = number(value("a count")?, claim)?;
            let report = serde_json::to_value(&view.report).map_err(|e| e.to_string())?;
            let has = report
                .get(&field["report.".len()..])
                .and_then(|v| v.as_u64().or(v.as_array().map(|a| a.len() as u64)))
                .ok_or_else(|| format!("claim `{claim}`: the report has no count by that name"))?;
            if has == claimed {
                Ok(())
            } else {
                mismatch(has.to_string())
            }
        }
        ["group", field, rest @ ..] => group_claim(view, field, rest, value("a value")?, claim),
        ["processor", what] => {
            let (group, field) = what
                .split_once('.')
                .ok_or_else(|| format!("claim `{claim}`: name it as processor GROUP.COUNT"))?;
            let claimed = number(value("a count")?, claim)?;
            let outcome = view
                .report
                .processors
                .iter()
                .find(|p| p.group == group)
                .ok_or_else(|| format!("claim `{claim}`: no processor group {group}"))?;
            let counts = serde_json::to_value(&outcome.results).map_err(|e| e.to_string())?;
            let has = counts
                .get(field)
                .and_then(serde_json::Value::as_u64)
                .ok_or_else(|| format!("claim `{claim}`: a processor has no count {field}"))?;
            if has == claimed {
                Ok(())
            } else {
                mismatch(has.to_string())
            }
        }
        ["table", what] => {
            let (table, field) = what
                .split_once('.')
                .ok_or_else(|| format!("claim `{claim}`: name it as table TABLE.FIELD"))?;
            let claimed = value("a value")?;
            let outcome = view
                .report
                .tables
                .iter()
                .find(|t| t.table == table)
                .ok_or_else(|| format!("claim `{claim}`: no table {table} written"))?;
            let fields = serde_json::to_value(outcome).map_err(|e| e.to_string())?;
            let has = match fields.get(field) {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(serde_json::Value::Number(n)) => n.to_string(),
                _ => return Err(format!("claim `{claim}`: a table has no field {field}")),
            };
            if has == claimed {
                Ok(())
            } else {
                mismatch(has)
            }
        }
        ["owner", partition] => {
            let claimed = value("consumer-N or none")?;
            let tp = partition_of(view, partition, claim)?;
            let owners: Vec<String> = view
                .consumers
                .iter()
                .filter(|c| c.up && c.partitions.contains(&tp))
                .map(|c| c.node.to_string())
                .collect();
            let has = if owners.is_empty() {
                "none".to_string()
            } else {
                owners.join(" and ")
            };
            if has == claimed {
                Ok(())
            } else {
                mismatch(has)
            }
        }
        ["record", id] => {
            let claimed = value("a mark")?;
            let has = view
                .producers
                .iter()
                .flat_map(|p| &p.records)
                .find(|(r, _)| r.to_string() == *id)
                .map(|(_, mark)| mark_name(*mark))
                .ok_or_else(|| format!("claim `{claim}`: no record {id} on a producer's strip"))?;
            if has == claimed {
                Ok(())
            } else {
                mismatch(has.to_string())
            }
        }
        ["cell", at] => {
            let claimed = value("plain, open, committed, aborted, commit_marker or abort_marker")?;
            let (partition, offset) = at
                .split_once('@')
                .ok_or_else(|| format!("claim `{claim}`: name the cell as P0@5"))?;
            let offset = number(offset, claim)?;
            let row = row_of(view, partition, None, claim)?;
            let cell = row
                .cells
                .iter()
                .find(|c| c.offset == offset)
                .ok_or_else(|| {
                    format!("claim `{claim}`: the leader's row shows no cell {offset}")
                })?;
            let has = CellTxn::name(cell.txn);
            if has == claimed {
                Ok(())
            } else {
                mismatch(has.to_string())
            }
        }
        ["txn", what] => {
            let (id, field) = what.split_once('.').unwrap_or((what, "state"));
            let claimed = value("a state")?;
            let txn = view
                .transactions
                .iter()
                .find(|t| t.transactional_id == id)
                .ok_or_else(|| format!("claim `{claim}`: no transactional id {id}"))?;
            let has = match field {
                "state" => txn.state.name().to_string(),
                "epoch" => txn.producer_epoch.to_string(),
                "coordinator" => txn
                    .coordinator
                    .map_or("none".to_string(), |n| n.to_string()),
                _ => {
                    return Err(format!(
                        "claim `{claim}`: a transaction has state, epoch, coordinator"
                    ))
                }
            };
            if has == claimed {
                Ok(())
            } else {
                mismatch(has)
            }
        }
        ["fenced", who] => {
            let who = node(who, claim)?;
            let producer = view
                .producers
                .iter()
                .find(|p| p.node == who)
                .ok_or_else(|| format!("claim `{claim}`: no {who}"))?;
            match &producer.transactional {
                Some(t) if t.phase == TxnPhase::Fenced => Ok(()),
                Some(_) => mismatch("it not fenced".to_string()),
                None => mismatch("it not transactional".to_string()),
            }
        }
        _ => Err(format!("claim `{claim}`: not a claim this checker knows")),
    }
}

/// `group NAME.FIELD [PARTITION] = VALUE`.
fn group_claim(
    view: &WorldView,
    name_field: &str,
    rest: &[&str],
    claimed: &str,
    claim: &str,
) -> Result<(), String> {
    let (name, field) = name_field
        .split_once('.')
        .ok_or_else(|| format!("claim `{claim}`: write `group NAME.FIELD`"))?;
    let (index, group) = view
        .groups
        .iter()
        .enumerate()
        .find(|(_, g)| g.name == name)
        .ok_or_else(|| format!("claim `{claim}`: no group {name}"))?;
    let has = match (field, rest) {
        (kind @ ("committed" | "position"), [partition]) => {
            let tp = partition_of(view, partition, claim)?;
            let kind = if kind == "committed" {
                MarkerKind::Committed
            } else {
                MarkerKind::Position
            };
            view.brokers
                .iter()
                .filter(|b| b.up)
                .flat_map(|b| &b.rows)
                .filter(|r| r.partition == tp && r.role == ReplicaRole::Leader)
                .flat_map(|r| &r.markers)
                .find(|m| m.group_index == index && m.kind == kind)
                .map_or("none".to_string(), |m| m.offset.to_string())
        }
        ("generation", []) => group.generation.to_string(),
        ("status", []) => match group.status {
            GroupStatus::Empty => "empty",
            GroupStatus::Rebalancing => "rebalancing",
            GroupStatus::Stable => "stable",
        }
        .to_string(),
        (field, []) => {
            let outcome = view
                .report
                .groups
                .iter()
                .find(|g| g.group == name)
                .ok_or_else(|| format!("claim `{claim}`: no outcome for group {name}"))?;
            serde_json::to_value(outcome)
                .map_err(|e| e.to_string())?
                .get(field)
                .and_then(serde_json::Value::as_u64)
                .ok_or_else(|| format!("claim `{claim}`: a group's outcome has no `{field}`"))?
                .to_string()
        }
        _ => {
            return Err(format!(
                "claim `{claim}`: not a group claim this checker knows"
            ))
        }
    };
    if has == claimed {
        Ok(())
    } else {
        Err(format!("claim `{claim}`: the engine has {has}"))
    }
}

fn mark_name(mark: RecordMark) -> &'static str {
    match mark {
        RecordMark::Queued => "queued",
        RecordMark::InFlight => "in_flight",
        RecordMark::Acknowledged => "acknowledged",
        RecordMark::Sent => "sent",
        RecordMark::AcknowledgedButLost => "lost",
        RecordMark::SentNotInLog => "sent_not_in_log",
        RecordMark::Failed => "failed",
        RecordMark::Aborted => "aborted",
    }
}

fn node(text: &str, claim: &str) -> Result<NodeId, String> {
    text.parse().map_err(|e| format!("claim `{claim}`: {e}"))
}

fn number(text: &str, claim: &str) -> Result<u64, String> {
    text.parse()
        .map_err(|_| format!("claim `{claim}`: `{text}` is not a number"))
}

fn numbers(text: &str, claim: &str) -> Result<Vec<u32>, String> {
    text.split(',')
        .map(|n| {
            n.trim()
                .parse()
                .map_err(|_| format!("claim `{claim}`: `{n}` is not a broker number"))
        })
        .collect()
}

fn partition_of(
    view: &WorldView,
    name: &str,
    claim: &str,
) -> Result<crate::TopicPartition, String> {
    view.brokers
        .iter()
        .flat_map(|b| &b.rows)
        .map(|r| r.partition)
        .find(|tp| view.partition_label(*tp) == name)
        .ok_or_else(|| format!("claim `{claim}`: no partition {name}"))
}

/// The running broker that leads `partition`, if any.
fn leader_of(view: &WorldView, partition: &str, claim: &str) -> Result<Option<NodeId>, String> {
    let tp = partition_of(view, partition, claim)?;
    Ok(view
        .brokers
        .iter()
        .filter(|b| b.up)
        .find(|b| {
            b.rows
                .iter()
                .any(|r| r.partition == tp && r.role == ReplicaRole::Leader)
        })
        .map(|b| b.node))
}

/// `partition`'s row on `broker`, or on its running leader.
fn row_of<'v>(
    view: &'v WorldView,
    partition: &str,
    broker: Option<NodeId>,
    claim: &str,
) -> Result<&'v ReplicaRow, String> {
    let tp = partition_of(view, partition, claim)?;
    let broker = match broker {
        Some(b) => b,
        None => leader_of(view, partition, claim)?
            .ok_or_else(|| format!("claim `{claim}`: no running broker leads {partition}"))?,
    };
    view.brokers
        .iter()
        .find(|b| b.node == broker)
        .and_then(|b| b.rows.iter().find(|r| r.partition == tp))
        .ok_or_else(|| format!("claim `{claim}`: {broker} has no replica of {partition}"))
}

/// Whether `node` runs, if the view has it.
fn running(view: &WorldView, node: NodeId) -> Option<bool> {
    match node {
        NodeId::Broker(_) => view.brokers.iter().find(|b| b.node == node).map(|b| b.up),
        NodeId::Producer(_) => view.producers.iter().find(|p| p.node == node).map(|p| p.up),
        NodeId::Consumer(_) => view.consumers.iter().find(|c| c.node == node).map(|c| c.up),
        NodeId::Controller(_) => Some(true),
        NodeId::Database(_) => view.databases.iter().find(|d| d.node == node).map(|d| d.up),
    }
}

/// Checks that what a step highlights is in the picture at its moment (a node, a replica, a
/// record on a producer's strip or in a log, a partition, a group).
pub fn check_highlight(text: &str, view: &WorldView) -> Result<(), String> {
    use crate::scenario::Highlight;
    let missing = |what: String| Err(format!("highlight `{text}`: no {what} on screen"));
    let has_node = |n: NodeId| running(view, n).is_some();
    let has_partition = |p: &str| partition_of(view, p, text).is_ok();
    match Highlight::parse(text)? {
        Highlight::Node(n) if !has_node(n) => missing(n.to_string()),
        Highlight::Link(a, b) if !has_node(a) || !has_node(b) => missing("such link".into()),
        Highlight::Replica(b, p) => {
            let row = view
                .brokers
                .iter()
                .filter(|x| x.node == b)
                .flat_map(|x| &x.rows)
                .any(|r| view.partition_label(r.partition) == p);
            if row {
                Ok(())
            } else {
                missing(format!("replica of {p} on {b}"))
            }
        }
        h @ Highlight::Records { .. } => {
            let on_strip = view
                .producers
                .iter()
                .flat_map(|p| &p.records)
                .any(|(id, _)| h.covers_record(*id));
            let in_log = view
                .brokers
                .iter()
                .flat_map(|b| &b.rows)
                .flat_map(|r| &r.cells)
                .any(|c| h.covers_record(c.record));
            if on_strip || in_log {
                Ok(())
            } else {
                missing("such record".into())
            }
        }
        Highlight::LogMarker { partition, .. } if !has_partition(&partition) => {
            missing(format!("partition {partition}"))
        }
        Highlight::GroupMarker {
            group, partition, ..
        } if !has_partition(&partition) || !view.groups.iter().any(|g| g.name == group) => {
            missing(format!("group {group} on {partition}"))
        }
        Highlight::Group(g) if !view.groups.iter().any(|x| x.name == g) => {
            missing(format!("group {g}"))
        }
        Highlight::Txn(id) if !view.transactions.iter().any(|t| t.transactional_id == id) => {
            missing(format!("transactional id {id}"))
        }
        _ => Ok(()),
    }
}
