//! The SVG scene: the controller quorum, producers, brokers with their partition replicas,
//! consumers, and messages in flight.

use crate::i18n::{t, Lang, Text};
use crate::scene_model::{
    BrokerBox, ConsumerBox, ControllerBox, Dot, Edge, ProducerBox, RecordMark, ReplicaRole,
    ReplicaRow, SceneModel, CELL_H, CELL_W, WIDTH,
};
use kafkascope_engine::consumer::ConsumerPhase;
use kafkascope_engine::message::MessageKind;
use kafkascope_engine::Action;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SceneProps {
    pub model: Rc<SceneModel>,
    /// A click on a broker or a link: the fault to inject now.
    #[prop_or_default]
    pub on_fault: Callback<Action>,
}

/// The action a click on a broker means: crash it if up, restart it if down.
pub fn broker_toggle(b: &BrokerBox) -> Action {
    if b.up {
        Action::CrashBroker { broker: b.node }
    } else {
        Action::RestartBroker { broker: b.node }
    }
}

/// The action a click on a link means: cut it (both ways) if whole, heal it if cut.
pub fn link_toggle(e: &Edge) -> Action {
    let (from, to) = e.ends;
    if e.cut {
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
        _ => "other",
    }
}

fn phase_text(phase: ConsumerPhase) -> Text {
    match phase {
        ConsumerPhase::NotStarted => Text::PhaseNotStarted,
        ConsumerPhase::Initializing => Text::PhaseInitializing,
        ConsumerPhase::Fetching => Text::PhaseFetching,
        ConsumerPhase::Processing => Text::PhaseProcessing,
        ConsumerPhase::Committing => Text::PhaseCommitting,
    }
}

fn n(v: f64) -> String {
    format!("{v:.1}")
}

#[function_component(Scene)]
pub fn scene(props: &SceneProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or(Lang::En);
    let m = &props.model;
    html! {
        <svg class="scene" data-testid="scene" viewBox={format!("0 0 {WIDTH} {}", n(m.height))}
            role="img" aria-label={m.topic.clone()}>
            <g class="edges">
                { for m.edges.iter().map(|e| {
                    let on_fault = props.on_fault.clone();
                    let action = link_toggle(e);
                    html! {
                        <g class="edge" data-link={format!("{}-{}", e.ends.0, e.ends.1)}
                            onclick={Callback::from(move |_| on_fault.emit(action.clone()))}>
                            <path class={classes!(e.internal.then_some("internal"), e.cut.then_some("cut"))}
                                d={e.path.d()} data-cut={e.cut.to_string()} />
                            <path class="hit" d={e.path.d()} />
                            <title>{ format!("{} ↔ {}", e.ends.0, e.ends.1) }</title>
                        </g>
                    }
                }) }
            </g>
            { controller(lang, &m.controller) }
            { for m.producers.iter().map(|p| producer(lang, p)) }
            { for m.brokers.iter().map(|b| {
                let on_fault = props.on_fault.clone();
                let action = broker_toggle(b);
                html! {
                    <g class="clickable" onclick={Callback::from(move |_| on_fault.emit(action.clone()))}>
                        { broker(lang, b) }
                    </g>
                }
            }) }
            { for m.consumers.iter().map(|c| consumer(lang, c)) }
            <g class="dots">{ for m.dots.iter().map(dot) }</g>
        </svg>
    }
}

fn controller(lang: Lang, c: &ControllerBox) -> Html {
    let r = &c.rect;
    let step = 16.0;
    let x0 = r.x + r.w - 14.0 - step * f64::from(c.quorum.saturating_sub(1));
    html! {
        <g class="node controller" data-node={c.node.to_string()}>
            <title>{ t(lang, Text::ControllerQuorum) }</title>
            <rect x={n(r.x)} y={n(r.y)} width={n(r.w)} height={n(r.h)} rx="8" />
            <text class="title" x={n(r.x + 12.0)} y={n(r.y + 20.0)}>{ t(lang, Text::Controller) }</text>
            <text class="detail" x={n(r.x + 12.0)} y={n(r.y + 36.0)}>{ format!("KRaft ×{}", c.quorum) }</text>
            { for (0..c.quorum).map(|i| html! {
                <circle class={classes!("voter", (i == 0).then_some("active"))}
                    cx={n(x0 + step * f64::from(i))} cy={n(r.y + r.h / 2.0)} r="6" />
            }) }
        </g>
    }
}

fn mark_class(mark: RecordMark) -> (&'static str, Text) {
    match mark {
        RecordMark::Queued => ("queued", Text::RecordInFlight),
        RecordMark::InFlight => ("in-flight", Text::RecordInFlight),
        RecordMark::Acknowledged => ("acked", Text::RecordAcked),
        RecordMark::AcknowledgedButLost => ("lost", Text::RecordLost),
        RecordMark::Failed => ("failed", Text::RecordFailed),
    }
}

fn producer(lang: Lang, p: &ProducerBox) -> Html {
    let r = &p.rect;
    html! {
        <g class="node producer" data-node={p.node.to_string()}>
            <rect x={n(r.x)} y={n(r.y)} width={n(r.w)} height={n(r.h)} rx="8" />
            <text class="title" x={n(r.x + 12.0)} y={n(r.y + 20.0)}>
                { format!("{} {}", t(lang, Text::Producer), p.node.number()) }</text>
            <text class="detail" x={n(r.x + 12.0)} y={n(r.y + 38.0)}>{ format!("acks={}", p.acks) }</text>
            <text class="detail" x={n(r.x + 12.0)} y={n(r.y + 55.0)}>
                { format!("{} {}/{} · ack {}", t(lang, Text::RecordsSent), p.created, p.total, p.acknowledged) }</text>
            { for p.records.iter().enumerate().map(|(i, (label, mark))| {
                let (class, text) = mark_class(*mark);
                let x = r.x + 10.0 + i as f64 * 15.0;
                html! {
                    <g class={classes!("record", class)} data-record={label.clone()}>
                        <rect x={n(x)} y={n(r.y + 66.0)} width="12" height="16" rx="2" />
                        if *mark == RecordMark::AcknowledgedButLost {
                            <path class="cross" d={format!("M{} {} l8 10 m0 -10 l-8 10", n(x + 2.0), n(r.y + 69.0))} />
                        }
                        <title>{ format!("{label}: {}", t(lang, text)) }</title>
                    </g>
                }
            }) }
        </g>
    }
}

fn role_text(lang: Lang, row: &ReplicaRow) -> String {
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

fn broker(lang: Lang, b: &BrokerBox) -> Html {
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
            <rect x={n(r.x)} y={n(r.y)} width={n(r.w)} height={n(r.h)} rx="8" />
            <text class="title" x={n(r.x + 12.0)} y={n(r.y + 20.0)}>
                { format!("{} {}", t(lang, Text::Broker), b.node.number()) }</text>
            if let Some(status) = status {
                <text class="status" x={n(r.x + 100.0)} y={n(r.y + 20.0)}>{ status }</text>
            }
            { for b.rows.iter().map(|row| replica_row(lang, r.x, row)) }
        </g>
    }
}

fn replica_row(lang: Lang, x: f64, row: &ReplicaRow) -> Html {
    let y = row.y;
    let role_class = match row.role {
        ReplicaRole::Leader => "leader",
        ReplicaRole::Follower => "follower",
        ReplicaRole::Offline => "offline",
        ReplicaRole::Unknown => "unknown",
    };
    html! {
        <g class={classes!("replica", role_class)} data-partition={row.partition.partition.to_string()}
            data-role={role_class}>
            <text class="detail" x={n(x + 12.0)} y={n(y + 12.0)}>{ format!("P{}", row.partition.partition) }</text>
            <text class="role-tag" x={n(x + 12.0)} y={n(y + 25.0)}>{ role_text(lang, row) }</text>
            if row.role == ReplicaRole::Leader {
                <text class="isr" x={n(x + 12.0)} y={n(y + 37.0)}>
                    { format!("{} {}", t(lang, Text::Isr), row.isr.iter().map(u32::to_string).collect::<Vec<_>>().join(",")) }</text>
            }
            { for row.cells.iter().map(|c| html! {
                <g class={classes!("cell", c.committed.then_some("committed"))} data-offset={c.offset.to_string()}>
                    <rect x={n(c.x)} y={n(y)} width={n(CELL_W - 2.0)} height={n(CELL_H)} rx="3" />
                    <text x={n(c.x + CELL_W / 2.0 - 1.0)} y={n(y + 15.0)}>{ c.offset }</text>
                    <title>{ format!("offset {} · {} · {} {}", c.offset, c.label, t(lang, Text::Epoch), c.leader_epoch) }</title>
                </g>
            }) }
            <g class="marker hw">
                <line x1={n(row.hw_x - 1.0)} y1={n(y - 4.0)} x2={n(row.hw_x - 1.0)} y2={n(y + CELL_H + 4.0)} />
                <text x={n(row.hw_x - 1.0)} y={n(y - 5.0)}>{ format!("HW {}", row.high_watermark) }</text>
                <title>{ t(lang, Text::HighWatermark) }</title>
            </g>
            <g class="marker leo">
                <text x={n(row.leo_x + 2.0)} y={n(y + CELL_H + 12.0)}>{ format!("LEO {}", row.log_end_offset) }</text>
                <title>{ t(lang, Text::LogEndOffset) }</title>
            </g>
            { for row.committed_markers.iter().map(|mk| html! {
                <g class={classes!("marker", "committed-offset", format!("group-{}", mk.group_index % 6))}>
                    <path d={format!("M{} {} l-5 8 h10 z", n(mk.x - 1.0), n(y + CELL_H + 1.0))} />
                    <title>{ format!("{} = {}", t(lang, Text::CommittedOffset), mk.offset) }</title>
                </g>
            }) }
        </g>
    }
}

fn consumer(lang: Lang, c: &ConsumerBox) -> Html {
    let r = &c.rect;
    html! {
        <g class={classes!("node", "consumer", format!("group-{}", c.group_index % 6))} data-node={c.node.to_string()}>
            <rect x={n(r.x)} y={n(r.y)} width={n(r.w)} height={n(r.h)} rx="8" />
            <text class="title" x={n(r.x + 12.0)} y={n(r.y + 22.0)}>
                { format!("{} {}", t(lang, Text::Consumer), c.node.number()) }</text>
            <text class="detail group-name" x={n(r.x + 12.0)} y={n(r.y + 40.0)}>
                { format!("{} {}", t(lang, Text::Group), c.group) }</text>
            <text class="detail" x={n(r.x + 12.0)} y={n(r.y + 58.0)}>
                { format!("{} · {} {}", t(lang, phase_text(c.phase)), t(lang, Text::RecordsProcessed), c.processed) }</text>
            <text class="detail records" x={n(r.x + 12.0)} y={n(r.y + 78.0)}>
                { c.last_processed.join(" ") }</text>
        </g>
    }
}

fn dot(d: &Dot) -> Html {
    let r = if d.records > 0 { 7.0 } else { 4.5 };
    let opacity = if d.lost { 1.0 - d.progress } else { 1.0 };
    html! {
        <g class={classes!("flight", d.lost.then_some("lost"))} data-flight={d.id.to_string()}
            transform={format!("translate({:.1} {:.1})", d.x, d.y)} opacity={format!("{opacity:.2}")}>
            <circle class={classes!("dot", dot_class(d.kind))} r={r.to_string()} />
            if d.records > 1 {
                <text class="count" y="3">{ d.records }</text>
            }
        </g>
    }
}
