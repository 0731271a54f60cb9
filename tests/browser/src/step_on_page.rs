//! A lesson step on the page: its claims and its highlights, checked against what is drawn.
//!
//! `engine/tests/lesson_claims.rs` checks each step's claims against the engine's view at the
//! step's moment. This module checks the same claims against the page at that step: it reads
//! the drawing (which broker's row is drawn as leader, the HW and LEO labels, the ISR and epoch
//! text, which processes are drawn up, the group boxes, the committed-offset and position
//! triangles, the producer's record squares, the consumers' partition labels, and the outcome
//! line's figures) into a [`PageSnapshot`], and answers each claim from it alone. A claim whose
//! subject the page does not draw fails, so a lesson cannot claim what the reader cannot see.
//!
//! The step's highlights (`kafkascope_engine::scenario::highlight`) are checked the same way:
//! each named thing is drawn and not dimmed.
//!
//! The claim language is the engine's (`kafkascope_engine::check::claims`); partitions are named
//! as the page labels its rows (`P0`, or `orders-0` with several topics).

use serde::Deserialize;
use std::collections::BTreeMap;

/// Reads the page into the JSON a [`PageSnapshot`] is made from.
pub const SNAPSHOT_JS: &str = "
    // The scene, or the tables side by side drawn in its place (their cards name the writers).
    const scene = document.querySelector('svg.scene') || document.querySelector('[data-testid=tables-side-by-side]');
    const num = (text) => { const m = (text || '').match(/\\d+/g); return m ? m : []; };
    const groupClass = (el) => [...el.classList].find(c => /^group-\\d+$/.test(c));
    const groupOfClass = {};
    const snap = { up: {}, node_dim: {}, replicas: [], groups: {}, records: {}, record_dim: {}, consumers: [], links: {}, counts: {}, group_counts: {}, processor_counts: {}, table_figures: {}, txns: {}, txn_phase: {} };
    const dim = (el) => !el || el.classList.contains('dim');
    for (const n of document.querySelectorAll('svg.scene g.node[data-node], [data-testid=tables-side-by-side] .node[data-node], [data-testid=tables-side-by-side][data-node]')) {
        if (n.dataset.up !== undefined) snap.up[n.dataset.node] = n.dataset.up === 'true';
        const frame = n.querySelector(':scope > .frame');
        snap.node_dim[n.dataset.node] = dim(n) || (frame !== null && dim(frame));
    }
    for (const e of scene.querySelectorAll('g.edge[data-link]')) snap.links[e.dataset.link] = dim(e);
    for (const g of scene.querySelectorAll('g.group-box')) {
        groupOfClass[groupClass(g)] = g.dataset.group;
        const generation = num(g.querySelector('.group-state')?.textContent)[0];
        snap.groups[g.dataset.group] = { status: g.dataset.status, generation: generation ? +generation : null, dim: dim(g) };
    }
    for (const b of scene.querySelectorAll('g.node.broker')) {
        for (const r of b.querySelectorAll('g.replica')) {
            const last = (sel) => { const n = num(r.querySelector(sel)?.textContent); return n.length ? +n[n.length - 1] : null; };
            const isr = r.querySelector('.isr')?.textContent;
            snap.replicas.push({
                broker: b.dataset.node, up: b.dataset.up === 'true',
                label: r.querySelector('.row-labels .detail').textContent, role: r.dataset.role,
                epoch: r.dataset.role === 'leader' ? last('.role-tag') : null,
                isr: isr ? isr.slice(isr.lastIndexOf(' ') + 1) : null,
                hw: last('.marker.hw text'), leo: last('.marker.leo text'), start: +r.dataset.logStart,
                labels_dim: dim(r.querySelector('.row-labels')), hw_dim: dim(r.querySelector('.marker.hw')),
                leo_dim: dim(r.querySelector('.marker.leo')),
                lso: last('.marker.lso text'), lso_dim: dim(r.querySelector('.marker.lso')),
                cells: Object.fromEntries([...r.querySelectorAll('g.cell[data-txn]')].map(c => [c.dataset.offset, c.dataset.txn])),
                markers: [...r.querySelectorAll('g.marker.committed-offset, g.marker.position')].map(m => ({
                    kind: m.classList.contains('position') ? 'position' : 'committed',
                    group: groupOfClass[groupClass(m)] || null, offset: +m.dataset.offset, dim: dim(m) })),
            });
        }
    }
    for (const t of scene.querySelectorAll('.txn-coordinator[data-txn]')) {
        snap.txns[t.dataset.txn] = { state: t.dataset.state, broker: t.closest('g.node.broker').dataset.node,
            epoch: +t.dataset.epoch, dim: dim(t) };
    }
    for (const p of scene.querySelectorAll('g.node.producer [data-txn-phase]'))
        snap.txn_phase[p.closest('g.node.producer').dataset.node] = p.dataset.txnPhase;
    for (const r of scene.querySelectorAll('g.record[data-record]')) {
        snap.records[r.dataset.record] = [...r.classList].filter(c => c !== 'record' && c !== 'dim').join(' ');
        snap.record_dim[r.dataset.record] = dim(r);
    }
    // A record's log cells light up with its square (or instead of it, off the producer's strip).
    for (const c of scene.querySelectorAll('g.cell[data-record]'))
        snap.record_dim[c.dataset.record] = (snap.record_dim[c.dataset.record] ?? true) && dim(c);
    for (const c of scene.querySelectorAll('g.node.consumer'))
        snap.consumers.push({ node: c.dataset.node, up: c.dataset.up === 'true',
            partitions: (c.querySelector('.partitions')?.textContent || '').split(' ').filter(x => x) });
    for (const f of document.querySelectorAll('.outcome-line > .figure b[data-count]')) snap.counts[f.dataset.count] = +f.textContent;
    for (const g of document.querySelectorAll('.outcome-line .group-figures')) {
        const m = {};
        for (const b of g.querySelectorAll(':scope > .figure b[data-count]')) m[b.dataset.count] = +b.textContent;
        snap.group_counts[g.dataset.group] = m;
    }
    for (const p of document.querySelectorAll('.outcome-line .processor-figures')) {
        const m = {};
        for (const b of p.querySelectorAll('b[data-count]')) m[b.dataset.count] = +b.textContent;
        snap.processor_counts[p.dataset.processor] = m;
    }
    for (const t of document.querySelectorAll('.outcome-line .table-figures')) {
        const m = {};
        for (const b of t.querySelectorAll('b[data-count]')) m[b.dataset.count] = b.textContent.trim();
        const verdict = t.querySelector('b[data-verdict]');
        if (verdict) m.delivery = verdict.dataset.verdict;
        snap.table_figures[t.dataset.table] = m;
    }
    return snap;
";

/// What the page draws, as [`SNAPSHOT_JS`] reads it.
#[derive(Debug, Deserialize)]
pub struct PageSnapshot {
    /// Each drawn process (`broker-1`, `consumer-2`, …): drawn running or down.
    pub up: BTreeMap<String, bool>,
    /// Each drawn node: dimmed (a step highlights other things).
    pub node_dim: BTreeMap<String, bool>,
    pub replicas: Vec<DrawnReplica>,
    pub groups: BTreeMap<String, DrawnGroup>,
    /// A producer's record square (`p1#3`) → its classes (`acked`, `lost`, …).
    pub records: BTreeMap<String, String>,
    /// A record (`p1#3`): every square and log cell that draws it is dimmed.
    pub record_dim: BTreeMap<String, bool>,
    pub consumers: Vec<DrawnConsumer>,
    /// Each drawn link (`broker-1-broker-2`): dimmed.
    pub links: BTreeMap<String, bool>,
    /// The outcome line's figures by the report's JSON names.
    pub counts: BTreeMap<String, u64>,
    /// The outcome line's per-group figures.
    pub group_counts: BTreeMap<String, BTreeMap<String, u64>>,
    /// The outcome line's figures for each consume-transform-produce group.
    pub processor_counts: BTreeMap<String, BTreeMap<String, u64>>,
    /// The outcome line's figures for each database table (`rows`, `duplicate_rows`,
    /// `refused_writes` when not zero, `delivery`).
    pub table_figures: BTreeMap<String, BTreeMap<String, String>>,
    /// Each transactional id on its coordinator's broker.
    pub txns: BTreeMap<String, DrawnTxn>,
    /// Each transactional producer's phase (`ready`, `fenced`, …).
    pub txn_phase: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
pub struct DrawnTxn {
    pub state: String,
    pub broker: String,
    pub epoch: Option<u64>,
    pub dim: bool,
}

#[derive(Debug, Deserialize)]
pub struct DrawnReplica {
    pub broker: String,
    pub up: bool,
    pub label: String,
    pub role: String,
    pub epoch: Option<u64>,
    pub isr: Option<String>,
    pub hw: Option<u64>,
    pub leo: Option<u64>,
    pub start: u64,
    pub labels_dim: bool,
    pub hw_dim: bool,
    pub leo_dim: bool,
    /// The LSO marker, drawn while it is below the HW.
    pub lso: Option<u64>,
    pub lso_dim: bool,
    /// Each drawn cell's transaction (`plain`, `open`, `aborted`, …) by offset.
    pub cells: BTreeMap<String, String>,
    pub markers: Vec<DrawnMarker>,
}

#[derive(Debug, Deserialize)]
pub struct DrawnMarker {
    pub kind: String,
    pub group: Option<String>,
    pub offset: u64,
    pub dim: bool,
}

#[derive(Debug, Deserialize)]
pub struct DrawnGroup {
    pub status: String,
    pub generation: Option<u64>,
    pub dim: bool,
}

#[derive(Debug, Deserialize)]
pub struct DrawnConsumer {
    pub node: String,
    pub up: bool,
    pub partitions: Vec<String>,
}

/// Report figures the outcome line shows only when they are not zero.
const SHOWN_WHEN_NOT_ZERO: &[&str] = &[
    "sent_not_in_log",
    "failed",
    "not_committed_at_end",
    "duplicates_in_log",
    "reordered",
    "committed_then_truncated",
    "expired",
    "refused_actions",
    "in_progress",
    "not_processed",
    "processed_more_than_once",
    "out_of_order",
    "aborted",
    "fenced_producers",
    "aborted_read",
    "more_than_once",
];

impl PageSnapshot {
    /// Checks one claim against the drawing; the error says what the page shows instead.
    pub fn check(&self, claim: &str) -> Result<(), String> {
        let (subject, claimed) = match claim.split_once('=') {
            Some((s, v)) => (s.trim(), v.trim()),
            None => (claim.trim(), ""),
        };
        let words: Vec<&str> = subject.split_whitespace().collect();
        let shown = match words.as_slice() {
            ["leader", partition] => self.leader(partition)?,
            ["epoch", partition] => self.leader_row(partition)?.epoch.map(|e| e.to_string()),
            ["isr", partition] => self.leader_row(partition)?.isr.clone(),
            [which @ ("hw" | "leo" | "start" | "lso"), partition, broker @ ..] => {
                let row = match broker.first() {
                    Some(b) => self.row_on(partition, b)?,
                    None => self.leader_row(partition)?,
                };
                match *which {
                    "hw" => row.hw,
                    "leo" => row.leo,
                    // Drawn only below the HW; otherwise it is the HW.
                    "lso" => row.lso.or(row.hw),
                    _ => Some(row.start),
                }
                .map(|o| o.to_string())
            }
            ["cell", at] => {
                let (partition, offset) = at.split_once('@').unwrap_or((at, ""));
                self.leader_row(partition)?.cells.get(offset).cloned()
            }
            ["txn", what] => {
                let (id, field) = what.split_once('.').unwrap_or((what, "state"));
                self.txns.get(id).and_then(|t| match field {
                    "state" => Some(t.state.clone()),
                    "coordinator" => Some(t.broker.clone()),
                    "epoch" => t.epoch.map(|e| e.to_string()),
                    _ => None,
                })
            }
            ["fenced", who] => {
                return match self.txn_phase.get(*who).map(String::as_str) {
                    Some("fenced") => Ok(()),
                    other => Err(format!(
                        "claim `{claim}`: the page shows {who} as {other:?}"
                    )),
                };
            }
            [state @ ("up" | "down"), who] => {
                let up = self
                    .up
                    .get(*who)
                    .ok_or_else(|| format!("claim `{claim}`: the page draws no {who}"))?;
                return if *up == (*state == "up") {
                    Ok(())
                } else {
                    Err(format!("claim `{claim}`: the page draws {who} up = {up}"))
                };
            }
            [field] if field.starts_with("report.") => {
                let name = &field["report.".len()..];
                self.count(&self.counts, name)
            }
            ["group", name_field, rest @ ..] => self.group(name_field, rest, claim)?,
            ["processor", name_field] => {
                let (name, field) = name_field
                    .split_once('.')
                    .ok_or_else(|| format!("claim `{claim}`: write `processor GROUP.COUNT`"))?;
                let figures = self.processor_counts.get(name).ok_or_else(|| {
                    format!("claim `{claim}`: the outcome line shows no processor {name}")
                })?;
                self.count(figures, field)
            }
            ["table", name_field] => {
                let (name, field) = name_field
                    .split_once('.')
                    .ok_or_else(|| format!("claim `{claim}`: write `table TABLE.FIELD`"))?;
                let figures = self.table_figures.get(name).ok_or_else(|| {
                    format!("claim `{claim}`: the outcome line shows no table {name}")
                })?;
                match (figures.get(field), field) {
                    (Some(v), _) => Some(v.clone()),
                    (None, "refused_writes") => Some("0".to_string()),
                    (None, _) => None,
                }
            }
            ["owner", partition] => {
                let mut owners: Vec<&str> = self
                    .consumers
                    .iter()
                    .filter(|c| c.up && c.partitions.iter().any(|p| p == partition))
                    .map(|c| c.node.as_str())
                    .collect();
                owners.sort_unstable();
                let mut claimed: Vec<&str> = claimed.split(" and ").map(str::trim).collect();
                claimed.sort_unstable();
                if claimed == ["none"] && owners.is_empty() || owners == claimed {
                    return Ok(());
                }
                Some(format!("{owners:?}"))
            }
            ["record", id] => self.records.get(*id).map(|classes| {
                let mark = classes.split(' ').next().unwrap_or("");
                match mark {
                    "acked" => "acknowledged",
                    "in-flight" => "in_flight",
                    "sent-lost" => "sent_not_in_log",
                    other => other,
                }
                .to_string()
            }),
            _ => return Err(format!("claim `{claim}`: not a claim the page check knows")),
        };
        match shown {
            Some(shown) if shown == claimed => Ok(()),
            Some(shown) => Err(format!("claim `{claim}`: the page shows {shown}")),
            None => Err(format!("claim `{claim}`: the page does not show it")),
        }
    }

    /// Checks that one highlight of the step is drawn and not dimmed.
    pub fn lit(&self, highlight: &str) -> Result<(), String> {
        let words: Vec<&str> = highlight.split_whitespace().collect();
        let unlit = |what: String| Err(format!("highlight `{highlight}`: {what}"));
        let dimmed =
            match words.as_slice() {
                [records] if records.starts_with('p') && records.contains('#') => {
                    let (producer, range) = records.split_once('#').unwrap_or_default();
                    let (first, last) = range.split_once('-').unwrap_or((range, range));
                    let (Ok(first), Ok(last)) = (first.parse::<u32>(), last.parse::<u32>()) else {
                        return unlit("not a record range".to_string());
                    };
                    let drawn: Vec<bool> = (first..=last)
                        .filter_map(|seq| {
                            self.record_dim.get(&format!("{producer}#{seq}")).copied()
                        })
                        .collect();
                    if drawn.is_empty() {
                        return unlit("no such record is drawn".to_string());
                    }
                    drawn.contains(&true)
                }
                [node] => match self.node_dim.get(*node) {
                    Some(d) => *d,
                    None => return unlit("the page draws no such node".to_string()),
                },
                [which @ ("hw" | "leo"), partition] => self.rows(partition)?.iter().all(|r| {
                    if *which == "hw" {
                        r.hw_dim
                    } else {
                        r.leo_dim
                    }
                }),
                ["lso", partition] => {
                    let row = self.leader_row(partition)?;
                    if row.lso.is_none() {
                        return unlit("no LSO marker is drawn (it is at the HW)".to_string());
                    }
                    row.lso_dim
                }
                ["txn", id] => match self.txns.get(*id) {
                    Some(t) => t.dim,
                    None => return unlit("the page draws no such transactional id".to_string()),
                },
                [which @ ("committed" | "position"), group, partition] => {
                    let marker = self
                        .leader_row(partition)?
                        .markers
                        .iter()
                        .find(|m| m.kind == *which && m.group.as_deref() == Some(*group));
                    match marker {
                        Some(m) => m.dim,
                        None => return unlit("no such marker is drawn".to_string()),
                    }
                }
                ["group", name] => match self.groups.get(*name) {
                    Some(g) => g.dim,
                    None => return unlit("the page draws no such group".to_string()),
                },
                [from, "->", to] => {
                    let there = [format!("{from}-{to}"), format!("{to}-{from}")]
                        .iter()
                        .find_map(|link| self.links.get(link).copied());
                    match there {
                        Some(d) => d,
                        None => return unlit("the page draws no such link".to_string()),
                    }
                }
                [broker, partition] => self.row_on(partition, broker)?.labels_dim,
                _ => return unlit("not a highlight the page check knows".to_string()),
            };
        if dimmed {
            unlit("drawn dimmed".to_string())
        } else {
            Ok(())
        }
    }

    fn leader(&self, partition: &str) -> Result<Option<String>, String> {
        self.rows(partition)?;
        Ok(Some(
            self.replicas
                .iter()
                .find(|r| r.label == partition && r.up && r.role == "leader")
                .map_or("none".to_string(), |r| r.broker.clone()),
        ))
    }

    fn rows(&self, partition: &str) -> Result<Vec<&DrawnReplica>, String> {
        let rows: Vec<_> = self
            .replicas
            .iter()
            .filter(|r| r.label == partition)
            .collect();
        if rows.is_empty() {
            return Err(format!("the page draws no replica of {partition}"));
        }
        Ok(rows)
    }

    fn leader_row(&self, partition: &str) -> Result<&DrawnReplica, String> {
        self.rows(partition)?
            .into_iter()
            .find(|r| r.up && r.role == "leader")
            .ok_or_else(|| format!("the page draws no running leader of {partition}"))
    }

    fn row_on(&self, partition: &str, broker: &str) -> Result<&DrawnReplica, String> {
        self.rows(partition)?
            .into_iter()
            .find(|r| r.broker == broker)
            .ok_or_else(|| format!("the page draws no replica of {partition} on {broker}"))
    }

    /// A figure of the outcome line; one shown only when not zero counts as zero when absent.
    fn count(&self, figures: &BTreeMap<String, u64>, name: &str) -> Option<String> {
        match figures.get(name) {
            Some(v) => Some(v.to_string()),
            None if SHOWN_WHEN_NOT_ZERO.contains(&name) => Some("0".to_string()),
            None => None,
        }
    }

    fn group(
        &self,
        name_field: &str,
        rest: &[&str],
        claim: &str,
    ) -> Result<Option<String>, String> {
        let (name, field) = name_field
            .split_once('.')
            .ok_or_else(|| format!("claim `{claim}`: write `group NAME.FIELD`"))?;
        let drawn = self
            .groups
            .get(name)
            .ok_or_else(|| format!("claim `{claim}`: the page draws no group {name}"))?;
        Ok(match (field, rest) {
            ("status", []) => Some(drawn.status.clone()),
            ("generation", []) => drawn.generation.map(|g| g.to_string()),
            (kind @ ("committed" | "position"), [partition]) => Some(
                self.leader_row(partition)?
                    .markers
                    .iter()
                    .find(|m| m.kind == *kind && m.group.as_deref() == Some(name))
                    .map_or("none".to_string(), |m| m.offset.to_string()),
            ),
            (field, []) => self
                .group_counts
                .get(name)
                .and_then(|figures| self.count(figures, field)),
            _ => {
                return Err(format!(
                    "claim `{claim}`: not a group claim the page check knows"
                ))
            }
        })
    }
}
