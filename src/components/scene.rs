//! The SVG scene: the controller quorum, producers, brokers with their partition replicas,
//! consumer groups ([`super::group_view`]), and messages in flight.

use super::group_view::{AssignmentsView, ConsumerView, GroupView};
use super::scene_detail::{n, use_size_on_screen, SceneDetail, TITLE_UNITS};
use crate::i18n::{fill, t, Lang, Text};
use crate::scene_model::{
    BrokerBox, ControllerBox, Dot, Edge, MarkerKind, ProducerBox, RecordMark, ReplicaRole,
    ReplicaRow, SceneModel, CELL_H, CELL_W,
};
use kafkascope_engine::message::MessageKind;
use kafkascope_engine::view::{CellTxn, ProducerTxnView, TxnPhase};
use kafkascope_engine::{Action, NodeId};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SceneProps {
    pub model: Rc<SceneModel>,
    /// A click on a broker or a link: the fault to inject now.
    #[prop_or_default]
    pub on_fault: Callback<Action>,
    /// Only this part of the picture (the embed view: a lesson step's highlighted nodes);
    /// the whole picture by default.
    #[prop_or_default]
    pub zoom: Option<crate::scene_model::Rect>,
    /// The link the presenter selected (L), which X cuts or heals: drawn in the accent colour.
    #[prop_or_default]
    pub selected_link: Option<(NodeId, NodeId)>,
    /// Drawn too small for its labels, turn compact (`scene_detail`): the embed, whose frame
    /// is the host's to size. The full page keeps every label (its lesson view is laid out for
    /// legible labels; on a phone the scene pans instead).
    #[prop_or_default]
    pub compact_when_small: bool,
}

/// The action a click on a broker means: crash it if up, restart it if down.
pub fn broker_toggle(broker: NodeId, up: bool) -> Action {
    if up {
        Action::CrashBroker { broker }
    } else {
        Action::RestartBroker { broker }
    }
}

/// The action a click on a producer means: crash it if up, restart it if down.
pub fn producer_toggle(producer: NodeId, up: bool) -> Action {
    if up {
        Action::CrashProducer { producer }
    } else {
        Action::RestartProducer { producer }
    }
}

/// The action a click on a link means: cut it (both ways) if whole, heal it if cut.
pub fn link_toggle((from, to): (NodeId, NodeId), cut: bool) -> Action {
    if cut {
        Action::HealLink {
            from,
            to,
            one_way: false,
        }
    } else {
        Action::CutLink {
            from,
            to,
            one_way: false,
        }
    }
}

/// CSS class of a message dot by its kind.
pub fn dot_class(kind: MessageKind) -> &'static str {
    match kind {
        MessageKind::ProduceRequest => "produce-request",
        MessageKind::ProduceResponse => "produce-response",
        MessageKind::FetchRequest => "fetch-request",
        MessageKind::FetchResponse => "fetch-response",
        MessageKind::ReplicaFetchRequest | MessageKind::ReplicaFetchResponse => "replica-fetch",
        MessageKind::OffsetCommitRequest | MessageKind::OffsetCommitResponse => "offset-commit",
        MessageKind::BrokerHeartbeat
        | MessageKind::UpdateMetadata
        | MessageKind::AlterPartitionRequest
        | MessageKind::AlterPartitionResponse => "control",
        MessageKind::InitProducerIdRequest
        | MessageKind::InitProducerIdResponse
        | MessageKind::AddPartitionsToTxnRequest
        | MessageKind::AddPartitionsToTxnResponse
        | MessageKind::EndTxnRequest
        | MessageKind::EndTxnResponse
        | MessageKind::WriteTxnMarkersRequest
        | MessageKind::WriteTxnMarkersResponse
        | MessageKind::AddOffsetsToTxnRequest
        | MessageKind::AddOffsetsToTxnResponse
        | MessageKind::TxnOffsetCommitRequest
        | MessageKind::TxnOffsetCommitResponse => "txn",
        MessageKind::DbRequest | MessageKind::DbResponse => "db",
        _ => "other",
    }
}

#[function_component(Scene)]
pub fn scene(props: &SceneProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or(Lang::En);
    let m = &props.model;
    let view = props.zoom.unwrap_or(crate::scene_model::Rect {
        x: 0.0,
        y: 0.0,
        w: m.width,
        h: m.height,
    });
    // Drawn too small for its labels, the scene turns compact (`scene_detail`).
    let svg = use_node_ref();
    let detail = use_size_on_screen(svg.clone(), props.compact_when_small)
        .map(|(w, h)| SceneDetail::for_size(w, h, &view))
        .unwrap_or_default();
    let compact = detail.compact_title_units.is_some();
    // Each part is its own component with equality-checked props, so a frame re-renders only
    // what changed — usually just the dots.
    html! {
        <svg ref={svg} class={classes!("scene", m.focused.then_some("focused"), compact.then_some("compact"))}
            data-testid="scene" viewBox={format!("{} {} {} {}", n(view.x), n(view.y), n(view.w), n(view.h))}
            role="group" aria-label={format!("{}: {}", t(lang, Text::SceneLabel), m.topic)}>
            <EdgesView edges={m.edges.clone()} on_fault={props.on_fault.clone()}
                selected={props.selected_link} />
            { controller(lang, &detail, &m.controller) }
            { for m.producers.iter().map(|p| html! {
                <ProducerView producer={p.clone()} {detail} on_fault={props.on_fault.clone()} />
            }) }
            { for m.brokers.iter().map(|b| html! {
                <BrokerView broker={b.clone()} {detail} on_fault={props.on_fault.clone()} />
            }) }
            { for m.groups.iter().map(|g| html! { <GroupView group={g.clone()} {detail} /> }) }
            { for m.consumers.iter().map(|c| html! {
                <ConsumerView consumer={c.clone()} {detail} on_fault={props.on_fault.clone()} />
            }) }
            { for m.databases.iter().map(|d| html! {
                <crate::components::database_view::DatabaseView database={d.clone()} {detail} on_fault={props.on_fault.clone()} />
            }) }
            <AssignmentsView lines={m.assignments.clone()} />
            <DotsView dots={m.dots.clone()} />
            if !m.undrawn.is_empty() {
                <text class="notice" data-testid="undrawn" x="12" y={n(m.height - 6.0)}>
                    { format!("{} {}", t(lang, Text::NotDrawn), m.undrawn.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(", ")) }
                </text>
            }
        </svg>
    }
}

#[derive(Properties, PartialEq)]
struct EdgesProps {
    edges: Vec<Edge>,
    on_fault: Callback<Action>,
    selected: Option<(NodeId, NodeId)>,
}

#[function_component(EdgesView)]
fn edges_view(props: &EdgesProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or(Lang::En);
    html! {
        <g class="edges">
            { for props.edges.iter().map(|e| {
                let action = link_toggle(e.ends, e.cut);
                let label = link_label(lang, e.ends, e.cut);
                let selected = props.selected == Some(e.ends);
                html! {
                    <g class={classes!("edge", e.dim.then_some("dim"), selected.then_some("selected"))}
                        data-link={format!("{}-{}", e.ends.0, e.ends.1)}
                        role="button" tabindex="0" aria-label={label.clone()}
                        onclick={on_click(&props.on_fault, action.clone())}
                        onkeydown={on_key(&props.on_fault, action)}>
                        <path class={classes!(e.internal.then_some("internal"), e.cut.then_some("cut"))}
                            d={e.path.d()} data-cut={e.cut.to_string()} />
                        <path class="hit" d={e.path.d()} />
                        <title>{ label }</title>
                    </g>
                }
            }) }
        </g>
    }
}

/// What a click on a link does, as the fault panel's button and a screen reader say it: "Cut:
/// broker-1 ↔ broker-2" ("브로커 1 ↔ 브로커 2 끊기").
pub fn link_label(lang: Lang, (a, b): (NodeId, NodeId), cut: bool) -> String {
    let action = t(
        lang,
        if cut {
            Text::HealAction
        } else {
            Text::CutAction
        },
    );
    match lang {
        Lang::En => format!("{action}: {a} ↔ {b}"),
        Lang::Ko => crate::i18n::korean(&format!("{a} ↔ {b} {action}")),
    }
}

#[derive(Properties, PartialEq)]
struct ProducerProps {
    producer: ProducerBox,
    /// How much the scene draws (`scene_detail`).
    detail: SceneDetail,
    on_fault: Callback<Action>,
}

#[function_component(ProducerView)]
fn producer_view(props: &ProducerProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or(Lang::En);
    let detail = props.detail;
    let (node, up) = (props.producer.node, props.producer.up);
    let label = toggle_label(lang, Text::Producer, node, up, Text::CrashAction);
    html! {
        <g class="clickable" role="button" tabindex="0" aria-label={label}
            onclick={on_click(&props.on_fault, producer_toggle(node, up))}
            onkeydown={on_key(&props.on_fault, producer_toggle(node, up))}>
            { producer(lang, &detail, &props.producer) }
        </g>
    }
}

#[derive(Properties, PartialEq)]
struct BrokerProps {
    broker: BrokerBox,
    /// How much the scene draws (`scene_detail`).
    detail: SceneDetail,
    on_fault: Callback<Action>,
}

#[function_component(BrokerView)]
fn broker_view(props: &BrokerProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or(Lang::En);
    let detail = props.detail;
    let (node, up) = (props.broker.node, props.broker.up);
    let label = toggle_label(lang, Text::Broker, node, up, Text::CrashAction);
    html! {
        <g class="clickable" role="button" tabindex="0" aria-label={label}
            onclick={on_click(&props.on_fault, broker_toggle(node, up))}
            onkeydown={on_key(&props.on_fault, broker_toggle(node, up))}>
            { broker(lang, &detail, &props.broker) }
        </g>
    }
}

/// What a node's click does, as a screen reader reads the node: "Crash broker 2" ("브로커 2
/// 중지"), the same words as the fault panel's button.
fn fault_label(lang: Lang, kind: Text, node: NodeId, action: Text) -> String {
    match lang {
        Lang::En => format!("{} {} {}", t(lang, action), t(lang, kind), node.number()),
        Lang::Ko => format!("{} {} {}", t(lang, kind), node.number(), t(lang, action)),
    }
}

/// A node's click as a screen reader (and the fault panel) names it: `stop` ("Crash", "Kill")
/// while it runs, "Restart" once it is down.
pub fn toggle_label(lang: Lang, kind: Text, node: NodeId, up: bool, stop: Text) -> String {
    fault_label(
        lang,
        kind,
        node,
        if up { stop } else { Text::RestartAction },
    )
}

pub fn on_click(on_fault: &Callback<Action>, action: Action) -> Callback<MouseEvent> {
    let on_fault = on_fault.clone();
    Callback::from(move |_| on_fault.emit(action.clone()))
}

/// A focused node acts on Enter or Space, as a button does.
pub fn on_key(on_fault: &Callback<Action>, action: Action) -> Callback<KeyboardEvent> {
    let on_fault = on_fault.clone();
    Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" || e.key() == " " {
            e.prevent_default();
            // Not also the page's Space (play/pause).
            e.stop_propagation();
            on_fault.emit(action.clone());
        }
    })
}

#[derive(Properties, PartialEq)]
struct DotsProps {
    dots: Vec<Dot>,
}

/// The dot classes, in drawing order (lost dots last, on top).
const DOT_CLASSES: [&str; 10] = [
    "txn",
    "control",
    "replica-fetch",
    "fetch-request",
    "fetch-response",
    "offset-commit",
    "other",
    "produce-request",
    "produce-response",
    "lost",
];

/// Appends a circle of radius `r` at (x, y) to SVG path data.
fn circle_path(d: &mut String, x: f64, y: f64, r: f64) {
    use std::fmt::Write;
    let _ = write!(
        d,
        "M{:.1} {:.1}a{r} {r} 0 1 0 {d2} 0a{r} {r} 0 1 0 -{d2} 0",
        x - r,
        y,
        d2 = 2.0 * r
    );
}

/// All dots of one kind are one `<path>` (one DOM update per kind per frame, not one per dot);
/// batches of several records carry their count as text.
#[function_component(DotsView)]
fn dots_view(props: &DotsProps) -> Html {
    let mut paths: [(String, usize); DOT_CLASSES.len()] = Default::default();
    for d in &props.dots {
        let class = if d.lost { "lost" } else { dot_class(d.kind) };
        let i = DOT_CLASSES.iter().position(|c| *c == class).unwrap_or(6);
        let r = if d.records > 0 { 8.5 } else { 4.5 };
        circle_path(&mut paths[i].0, d.x, d.y, r);
        paths[i].1 += 1;
    }
    html! {
        <g class="dots" data-count={props.dots.len().to_string()}>
            { for DOT_CLASSES.iter().zip(paths).filter(|(_, (_, n))| *n > 0).map(|(class, (d, n))| html! {
                <path class={format!("dot {class}")} {d} data-count={n.to_string()} />
            }) }
            { for props.dots.iter().filter(|d| d.records > 1 && !d.lost).map(|d| html! {
                <text class="count" x={format!("{:.1}", d.x)} y={format!("{:.1}", d.y + 4.0)}>{ d.records }</text>
            }) }
            { for props.dots.iter().filter_map(|d| Some((d, d.label.as_ref()?))).map(|(d, label)| html! {
                <text class={classes!("dot-label", d.lost.then_some("lost"))}
                    x={format!("{:.1}", d.x - 10.0)} y={format!("{:.1}", d.y - 6.0)}>{ label.clone() }</text>
            }) }
        </g>
    }
}

fn controller(lang: Lang, detail: &SceneDetail, c: &ControllerBox) -> Html {
    let r = &c.rect;
    let step = 16.0;
    let x0 = r.x + r.w - 14.0 - step * f64::from(c.quorum.saturating_sub(1));
    html! {
        <g class={classes!("node", "controller", c.dim.then_some("dim"))} data-node={c.node.to_string()}>
            <title>{ t(lang, Text::ControllerQuorum) }</title>
            <rect x={n(r.x)} y={n(r.y)} width={n(r.w)} height={n(r.h)} rx="8" />
            { detail.title("title", TITLE_UNITS, (r.x + 12.0, r.y + 20.0), x0 - 10.0 - (r.x + 12.0), t(lang, Text::Controller).to_string()) }
            <text class="detail" x={n(r.x + 12.0)} y={n(r.y + 36.0)}>{ format!("KRaft ×{}", c.quorum) }</text>
            { for (0..c.quorum).map(|i| html! {
                <circle class={classes!("voter", (i == 0).then_some("active"))}
                    cx={n(x0 + step * f64::from(i))} cy={n(r.y + r.h / 2.0)} r="6" />
            }) }
        </g>
    }
}

/// Horizontal room per record square on a producer (its number is written inside).
const RECORD_STEP: f64 = 25.0;

fn mark_class(mark: RecordMark) -> (&'static str, Text) {
    match mark {
        RecordMark::Queued => ("queued", Text::RecordQueued),
        RecordMark::InFlight => ("in-flight", Text::RecordInFlight),
        RecordMark::Acknowledged => ("acked", Text::RecordAcked),
        RecordMark::Sent => ("sent", Text::RecordSentNoAck),
        RecordMark::AcknowledgedButLost => ("lost", Text::RecordLost),
        RecordMark::SentNotInLog => ("sent-lost", Text::RecordSentNotInLog),
        RecordMark::Failed => ("failed", Text::RecordFailed),
        RecordMark::Aborted => ("aborted", Text::CellAbortedTxn),
    }
}

/// How the page names a transactional producer's phase (a data attribute the tests read).
pub fn txn_phase_name(phase: TxnPhase) -> &'static str {
    match phase {
        TxnPhase::Initializing => "initializing",
        TxnPhase::Ready => "ready",
        TxnPhase::Ending { commit: true } => "committing",
        TxnPhase::Ending { commit: false } => "aborting",
        TxnPhase::Fenced => "fenced",
    }
}

/// Where a transactional producer's transaction stands: `txn #2 · 3 records`, `txn #2 ·
/// committing`, `fenced`.
fn producer_txn_text(lang: Lang, txn: &ProducerTxnView) -> String {
    let number = format!("{} #{}", t(lang, Text::TxnNumber), txn.number);
    match txn.phase {
        TxnPhase::Initializing => t(lang, Text::TxnInit).to_string(),
        TxnPhase::Ready => format!("{number} · {} {}", t(lang, Text::TxnRecords), txn.records),
        TxnPhase::Ending { commit: true } => format!("{number} · {}", t(lang, Text::TxnCommitting)),
        TxnPhase::Ending { commit: false } => format!("{number} · {}", t(lang, Text::TxnAborting)),
        TxnPhase::Fenced => t(lang, Text::Fenced).to_string(),
    }
}

/// A log cell's transaction as a CSS class and a data attribute.
fn cell_txn_class(txn: Option<CellTxn>) -> Option<&'static str> {
    txn.map(|t| match t {
        CellTxn::Open => "txn-open",
        CellTxn::Committed => "txn-committed",
        CellTxn::Aborted => "txn-aborted",
        CellTxn::CommitMarker => "commit-marker",
        CellTxn::AbortMarker => "abort-marker",
    })
}

fn cell_txn_title(lang: Lang, txn: Option<CellTxn>) -> String {
    let text = match txn {
        None => return String::new(),
        Some(CellTxn::Open) => Text::CellOpenTxn,
        Some(CellTxn::Committed) => Text::CellCommittedTxn,
        Some(CellTxn::Aborted) => Text::CellAbortedTxn,
        Some(CellTxn::CommitMarker) => Text::CommitMarker,
        Some(CellTxn::AbortMarker) => Text::AbortMarker,
    };
    format!(" · {}", t(lang, text))
}

fn producer(lang: Lang, detail: &SceneDetail, p: &ProducerBox) -> Html {
    let r = &p.rect;
    html! {
        <g class={classes!("node", "producer", (!p.up).then_some("down"))}
            data-node={p.node.to_string()} data-up={p.up.to_string()}>
            <g class={classes!("frame", p.dim.then_some("dim"))}>
            <rect x={n(r.x)} y={n(r.y)} width={n(r.w)} height={n(r.h)} rx="8" />
            { detail.title("title", TITLE_UNITS, (r.x + 12.0, r.y + 20.0), r.w - 24.0, format!("{} {}", t(lang, Text::Producer), p.node.number())) }
            if let (Some(consumer), true, false) = (p.application, p.up, p.paused) {
                <text class="detail in-process" x={n(r.x + r.w - 10.0)} y={n(r.y + 20.0)}
                    data-application={consumer.to_string()}>
                    { format!("{} {}", t(lang, Text::ProducerInProcess), consumer.number()) }
                    <title>{ t(lang, Text::ProducerInProcessTitle) }</title>
                </text>
            }
            if !p.up {
                <text class="status" x={n(r.x + 120.0)} y={n(r.y + 20.0)}>{ t(lang, Text::Crashed) }</text>
            } else if p.txn.as_ref().is_some_and(|t| t.phase == TxnPhase::Fenced) {
                <text class="status fenced" x={n(r.x + 120.0)} y={n(r.y + 20.0)}>{ t(lang, Text::Fenced) }</text>
            } else if p.paused {
                <text class="status" x={n(r.x + 120.0)} y={n(r.y + 20.0)}>{ t(lang, Text::PausedGc) }</text>
            }
            if let Some(txn) = &p.txn {
                <text class="detail txn" x={n(r.x + 12.0)} y={n(r.y + 38.0)}>
                    { match p.producer_id {
                        Some((pid, epoch)) => format!("PID {pid} · {} {epoch}", t(lang, Text::Epoch)),
                        None => "PID —".to_string(),
                    } }
                    <title>{ format!("transactional.id = {} · {}", txn.transactional_id, t(lang, Text::TxnProducerTitle)) }</title>
                </text>
                <text class="detail txn" x={n(r.x + 12.0)} y={n(r.y + 55.0)}
                    data-txn-phase={txn_phase_name(txn.phase)}>{ producer_txn_text(lang, txn) }</text>
            } else {
                <text class="detail" x={n(r.x + 12.0)} y={n(r.y + 38.0)}>
                    { match p.producer_id {
                        Some((id, _)) => format!("acks={} · PID {id}", p.acks),
                        None => format!("acks={}", p.acks),
                    } }
                    if p.producer_id.is_some() {
                        <title>{ t(lang, Text::ProducerIdTitle) }</title>
                    }
                </text>
            }
            if p.txn.is_none() {
            <text class="detail" x={n(r.x + 12.0)} y={n(r.y + 55.0)}>
                { if p.acks == "0" {
                    format!("{} {}/{} · {}", t(lang, Text::RecordsSent), p.created, p.total, t(lang, Text::NoAck))
                } else {
                    format!("{} {}/{} · ack {}", t(lang, Text::RecordsSent), p.created, p.total, p.acknowledged)
                } }</text>
            }
            </g>
            { for p.records.iter().enumerate().map(|(i, (id, mark, dim))| {
                let (class, text) = mark_class(*mark);
                let x = r.x + 10.0 + i as f64 * RECORD_STEP;
                let y = r.y + 64.0;
                html! {
                    <g class={classes!("record", class, dim.then_some("dim"))} data-record={id.to_string()}>
                        <rect x={n(x)} y={n(y)} width={n(RECORD_STEP - 3.0)} height="22" rx="3" />
                        <text x={n(x + (RECORD_STEP - 3.0) / 2.0)} y={n(y + 15.5)}>{ id.seq }</text>
                        if matches!(mark, RecordMark::AcknowledgedButLost | RecordMark::SentNotInLog) {
                            <path class="cross" d={format!("M{} {} l{} 22 m0 -22 l-{} 22", n(x), n(y), n(RECORD_STEP - 3.0), n(RECORD_STEP - 3.0))} />
                        }
                        <title>{ format!("{id}: {}", t(lang, text)) }</title>
                    </g>
                }
            }) }
        </g>
    }
}

/// A mark's label, with the arrow that says its offset lies beyond the window's edge.
fn edge_label(edge: Option<&str>, label: String) -> String {
    match edge {
        Some("‹") => format!("‹ {label}"),
        Some(arrow) => format!("{label} {arrow}"),
        None => label,
    }
}

/// The role a replica's row shows; a crashed broker's row says what it was (its log is kept on
/// disk, but it leads or follows nothing until it restarts).
pub fn role_text(lang: Lang, row: &ReplicaRow, broker_up: bool) -> String {
    if !broker_up {
        // Short: the row's log cells start close to the right.
        return match row.role {
            ReplicaRole::Leader => t(lang, Text::WasLeader).to_string(),
            _ => t(lang, Text::WasFollower).to_string(),
        };
    }
    match row.role {
        ReplicaRole::Leader => format!(
            "{} · {} {}",
            t(lang, Text::Leader),
            t(lang, Text::Epoch),
            row.leader_epoch
        ),
        ReplicaRole::Follower => t(lang, Text::Follower).to_string(),
        ReplicaRole::Offline => t(lang, Text::Offline).to_string(),
        ReplicaRole::Unknown => "…".to_string(),
    }
}

fn broker(lang: Lang, detail: &SceneDetail, b: &BrokerBox) -> Html {
    let r = &b.rect;
    let status = if !b.up {
        Some(t(lang, Text::Crashed))
    } else if b.fenced {
        Some(t(lang, Text::Fenced))
    } else {
        None
    };
    html! {
        <g class={classes!("node", "broker", (!b.up).then_some("down"), b.fenced.then_some("fenced"))}
            data-node={b.node.to_string()} data-up={b.up.to_string()}>
            <g class={classes!("frame", b.dim.then_some("dim"))}>
            <rect x={n(r.x)} y={n(r.y)} width={n(r.w)} height={n(r.h)} rx="8" />
            { detail.title("title", TITLE_UNITS, (r.x + 12.0, r.y + 20.0), r.w - 24.0, format!("{} {}", t(lang, Text::Broker), b.node.number())) }
            if let Some(status) = status {
                <text class="status" x={n(r.x + 100.0)} y={n(r.y + 20.0)}>{ status }</text>
            }
            </g>
            { for b.rows.iter().map(|row| html! { <ReplicaRowView row={row.clone()} x={r.x} broker_up={b.up} /> }) }
            // The transaction coordinator's ids, in the title line (after the status, if any).
            { for b.coordinates.iter().take(1).map(|line| {
                let txn = &line.txn;
                let x = r.x + if status.is_some() { 175.0 } else { 94.0 };
                let text = if status.is_some() {
                    format!("{} {}: {}", t(lang, Text::TxnCoordinatorShort), txn.transactional_id, txn.state.name())
                } else {
                    format!("{} {}: {} · PID {} e{}", t(lang, Text::TxnCoordinatorShort), txn.transactional_id,
                        txn.state.name(), txn.producer_id, txn.producer_epoch)
                };
                html! {
                    <text class={classes!("detail", "txn-coordinator", line.dim.then_some("dim"))} x={n(x)} y={n(r.y + 20.0)}
                        data-txn={txn.transactional_id.clone()} data-state={txn.state.name()}
                        data-epoch={txn.producer_epoch.to_string()}>
                        { text }
                        <title>{ t(lang, Text::TxnCoordinatorTitle) }</title>
                    </text>
                }
            }) }
        </g>
    }
}

#[derive(Properties, PartialEq)]
struct ReplicaRowProps {
    row: ReplicaRow,
    x: f64,
    broker_up: bool,
}

/// One replica's row: its own component, so an append re-renders only the row it touched.
#[function_component(ReplicaRowView)]
fn replica_row_view(props: &ReplicaRowProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or(Lang::En);
    replica_row(lang, props.x, &props.row, props.broker_up)
}

fn replica_row(lang: Lang, x: f64, row: &ReplicaRow, broker_up: bool) -> Html {
    let y = row.y;
    // The LSO's label goes a line higher when it would run into the HW's (the LSO one or two
    // offsets below the HW).
    let lso_lift = if row.hw_x - row.lso_x < 3.0 * CELL_W {
        13.0
    } else {
        0.0
    };
    let role_class = match row.role {
        ReplicaRole::Leader => "leader",
        ReplicaRole::Follower => "follower",
        ReplicaRole::Offline => "offline",
        ReplicaRole::Unknown => "unknown",
    };
    html! {
        <g class={classes!("replica", role_class)} data-partition={row.partition.partition.to_string()} data-topic={row.partition.topic.to_string()}
            data-role={role_class} data-log-start={row.log_start_offset.to_string()}>
            <g class={classes!("row-labels", row.dim.then_some("dim"))}>
            <text class="detail" x={n(x + 12.0)} y={n(y + 13.0)}>{ row.label.clone() }</text>
            <text class="role-tag" x={n(x + 12.0)} y={n(y + 28.0)}>{ role_text(lang, row, broker_up) }</text>
            if row.role == ReplicaRole::Leader && broker_up {
                <text class="isr" x={n(x + 12.0)} y={n(y + 43.0)}>
                    { format!("{} {}", t(lang, Text::Isr), row.isr.iter().map(u32::to_string).collect::<Vec<_>>().join(",")) }</text>
            }
            </g>
            { for row.cells.iter().map(|c| {
                let marker = match c.txn {
                    Some(CellTxn::CommitMarker) => Some("C"),
                    Some(CellTxn::AbortMarker) => Some("A"),
                    _ => None,
                };
                html! {
                <g class={classes!("cell", c.committed.then_some("committed"), c.recognised.then_some("recognised"),
                        cell_txn_class(c.txn), c.dim.then_some("dim"))}
                    data-offset={c.offset.to_string()} data-record={c.label.clone()}
                    data-txn={CellTxn::name(c.txn)}>
                    <rect x={n(c.x)} y={n(y)} width={n(CELL_W - 2.0)} height={n(CELL_H)} rx="3" />
                    <text x={n(c.x + CELL_W / 2.0 - 1.0)} y={n(y + 15.0)}>{ marker.map_or_else(|| c.offset.to_string(), str::to_string) }</text>
                    if c.txn == Some(CellTxn::Aborted) {
                        <line class="strike" x1={n(c.x + 1.0)} y1={n(y + CELL_H - 2.0)} x2={n(c.x + CELL_W - 3.0)} y2={n(y + 2.0)} />
                    }
                    if c.recognised {
                        <text class="recognised-mark" x={n(c.x + CELL_W / 2.0 - 1.0)} y={n(y - 4.0)}>{ "↺" }</text>
                    }
                    <title>{ format!("{} · {} · {} {}", fill(lang, Text::OffsetTitle, &[&c.offset.to_string()]), c.label, t(lang, Text::Epoch), c.leader_epoch) }
                        { if c.recognised { format!(" · {}", t(lang, Text::RecognisedResend)) } else { String::new() } }
                        { cell_txn_title(lang, c.txn) }</title>
                </g>
            }}) }
            { for row.truncated.iter().map(|c| html! {
                <g class={classes!("cell", "truncated", c.dim.then_some("dim"))} data-offset={c.offset.to_string()}>
                    <rect x={n(c.x)} y={n(y)} width={n(CELL_W - 2.0)} height={n(CELL_H)} rx="3" />
                    <text x={n(c.x + CELL_W / 2.0 - 1.0)} y={n(y + 15.0)}>{ "✗" }</text>
                    <title>{ format!("offset {} · {} · {}", c.offset, c.label, t(lang, Text::TruncatedCell)) }</title>
                </g>
            }) }
            <g class={classes!("marker", "hw", row.hw_dim.then_some("dim"))}>
                <line x1={n(row.hw_x - 1.0)} y1={n(y - 4.0)} x2={n(row.hw_x - 1.0)} y2={n(y + CELL_H + 4.0)} />
                <text x={n(row.hw_x + 1.0)} y={n(y - 6.0)}>{ edge_label(row.hw_edge, format!("HW {}", row.high_watermark)) }</text>
                <title>{ t(lang, Text::HighWatermark) }</title>
            </g>
            if row.lso_shown {
                <g class={classes!("marker", "lso", row.lso_dim.then_some("dim"))} data-offset={row.last_stable_offset.to_string()}>
                    <line x1={n(row.lso_x - 1.0)} y1={n(y - lso_lift - 12.0)} x2={n(row.lso_x - 1.0)} y2={n(y + CELL_H + 2.0)} />
                    <text x={n(row.lso_x - 3.0)} y={n(y - lso_lift - 6.0)}>{ edge_label(row.lso_edge, format!("LSO {}", row.last_stable_offset)) }</text>
                    <title>{ t(lang, Text::LastStableOffset) }</title>
                </g>
            }
            <g class={classes!("marker", "leo", row.leo_dim.then_some("dim"))}>
                <text x={n(row.leo_x - 2.0)} y={n(y + CELL_H + 14.0)}>{ edge_label(row.leo_edge, format!("LEO {}", row.log_end_offset)) }</text>
                <title>{ t(lang, Text::LogEndOffset) }</title>
            </g>
            { for row.committed_markers.iter().map(|mk| match mk.kind {
                MarkerKind::Committed => html! {
                    <g class={classes!("marker", "committed-offset", format!("group-{}", mk.group_index % 6), mk.dim.then_some("dim"))}
                        data-offset={mk.offset.to_string()}>
                        <path d={format!("M{} {} l-5 8 h10 z", n(mk.x - 1.0), n(y + CELL_H + 1.0))} />
                        if let Some(arrow) = mk.edge {
                            <text class="edge-offset" x={n(mk.x - 5.0)} y={n(y + CELL_H + 24.0)}>{ edge_label(Some(arrow), mk.offset.to_string()) }</text>
                        }
                        <title>{ format!("{} = {}", t(lang, Text::CommittedOffset), mk.offset) }</title>
                    </g>
                },
                MarkerKind::Position => html! {
                    <g class={classes!("marker", "position", format!("group-{}", mk.group_index % 6), mk.dim.then_some("dim"))}
                        data-offset={mk.offset.to_string()}>
                        <path d={format!("M{} {} l-4 -7 h8 z", n(mk.x - 1.0), n(y - 1.0))} />
                        if let Some(arrow) = mk.edge {
                            <text class="edge-offset" x={n(mk.x - 5.0)} y={n(y - 17.0)}>{ edge_label(Some(arrow), mk.offset.to_string()) }</text>
                        }
                        <title>{ format!("{} = {}", t(lang, Text::Position), mk.offset) }</title>
                    </g>
                },
            }) }
        </g>
    }
}
