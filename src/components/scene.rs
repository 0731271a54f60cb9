//! The SVG scene: producers, brokers with their partition logs, consumers, and messages in flight.

use crate::i18n::{t, Lang, Text};
use crate::scene_model::{
    BrokerBox, ConsumerBox, Dot, ProducerBox, SceneModel, CELL_H, CELL_W, WIDTH,
};
use kafkascope_engine::consumer::ConsumerPhase;
use kafkascope_engine::message::MessageKind;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SceneProps {
    pub model: Rc<SceneModel>,
}

/// CSS class of a message dot by its kind.
pub fn dot_class(kind: MessageKind) -> &'static str {
    match kind {
        MessageKind::ProduceRequest => "produce-request",
        MessageKind::ProduceResponse => "produce-response",
        MessageKind::FetchRequest => "fetch-request",
        MessageKind::FetchResponse => "fetch-response",
        MessageKind::OffsetCommitRequest | MessageKind::OffsetCommitResponse => "offset-commit",
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

#[function_component(Scene)]
pub fn scene(props: &SceneProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or(Lang::En);
    let m = &props.model;
    html! {
        <svg class="scene" data-testid="scene" viewBox={format!("0 0 {WIDTH} {}", m.height)}
            role="img" aria-label={m.topic.clone()}>
            <g class="edges">
                { for m.edges.iter().map(|e| html! {
                    <line x1={e.from.0.to_string()} y1={e.from.1.to_string()}
                        x2={e.to.0.to_string()} y2={e.to.1.to_string()} />
                }) }
            </g>
            { for m.producers.iter().map(|p| producer(lang, p)) }
            { for m.brokers.iter().map(|b| broker(lang, b)) }
            { for m.consumers.iter().map(|c| consumer(lang, c)) }
            <g class="dots">{ for m.dots.iter().map(dot) }</g>
        </svg>
    }
}

fn producer(lang: Lang, p: &ProducerBox) -> Html {
    let r = &p.rect;
    html! {
        <g class="node producer" data-node={p.node.to_string()}>
            <rect x={r.x.to_string()} y={r.y.to_string()} width={r.w.to_string()} height={r.h.to_string()} rx="8" />
            <text class="title" x={(r.x + 12.0).to_string()} y={(r.y + 22.0).to_string()}>
                { format!("{} {}", t(lang, Text::Producer), p.node.number()) }</text>
            <text class="detail" x={(r.x + 12.0).to_string()} y={(r.y + 42.0).to_string()}>
                { format!("acks={}", p.acks) }</text>
            <text class="detail" x={(r.x + 12.0).to_string()} y={(r.y + 60.0).to_string()}>
                { format!("{} {}/{} · ack {}", t(lang, Text::RecordsSent), p.created, p.total, p.acknowledged) }</text>
        </g>
    }
}

fn broker(lang: Lang, b: &BrokerBox) -> Html {
    let r = &b.rect;
    html! {
        <g class="node broker" data-node={b.node.to_string()}>
            <rect x={r.x.to_string()} y={r.y.to_string()} width={r.w.to_string()} height={r.h.to_string()} rx="8" />
            <text class="title" x={(r.x + 12.0).to_string()} y={(r.y + 22.0).to_string()}>
                { format!("{} {}", t(lang, Text::Broker), b.node.number()) }</text>
            { for b.rows.iter().map(|row| {
                let y = row.y;
                html! {
                    <g class="partition" data-partition={row.partition.partition.to_string()}>
                        <text class="detail" x={(r.x + 12.0).to_string()} y={(y + 16.0).to_string()}>
                            { format!("P{}", row.partition.partition) }</text>
                        <text class="leader-tag" x={(r.x + 12.0).to_string()} y={(y + 30.0).to_string()}>
                            { t(lang, Text::Leader) }</text>
                        { for row.cells.iter().map(|c| html! {
                            <g class={classes!("cell", c.committed.then_some("committed"))}
                                data-offset={c.offset.to_string()}>
                                <rect x={c.x.to_string()} y={y.to_string()} width={(CELL_W - 2.0).to_string()}
                                    height={CELL_H.to_string()} rx="3" />
                                <text x={(c.x + CELL_W / 2.0 - 1.0).to_string()} y={(y + 15.0).to_string()}>
                                    { c.offset }</text>
                                <title>{ format!("offset {} · {}", c.offset, c.label) }</title>
                            </g>
                        }) }
                        <g class="marker hw">
                            <line x1={(row.hw_x - 1.0).to_string()} y1={(y - 6.0).to_string()}
                                x2={(row.hw_x - 1.0).to_string()} y2={(y + CELL_H + 6.0).to_string()} />
                            <text x={(row.hw_x - 1.0).to_string()} y={(y - 8.0).to_string()}>
                                { format!("HW {}", row.high_watermark) }</text>
                            <title>{ t(lang, Text::HighWatermark) }</title>
                        </g>
                        <g class="marker leo">
                            <text x={(row.leo_x + 2.0).to_string()} y={(y + CELL_H + 16.0).to_string()}>
                                { format!("LEO {}", row.log_end_offset) }</text>
                            <title>{ t(lang, Text::LogEndOffset) }</title>
                        </g>
                        { for row.committed_markers.iter().map(|mk| html! {
                            <g class={classes!("marker", "committed-offset", format!("group-{}", mk.group_index % 6))}>
                                <path d={format!("M{x} {y0} l-5 8 h10 z", x = mk.x - 1.0, y0 = y + CELL_H + 1.0)} />
                                <title>{ format!("{} = {}", t(lang, Text::CommittedOffset), mk.offset) }</title>
                            </g>
                        }) }
                    </g>
                }
            }) }
        </g>
    }
}

fn consumer(lang: Lang, c: &ConsumerBox) -> Html {
    let r = &c.rect;
    html! {
        <g class={classes!("node", "consumer", format!("group-{}", c.group_index % 6))} data-node={c.node.to_string()}>
            <rect x={r.x.to_string()} y={r.y.to_string()} width={r.w.to_string()} height={r.h.to_string()} rx="8" />
            <text class="title" x={(r.x + 12.0).to_string()} y={(r.y + 22.0).to_string()}>
                { format!("{} {}", t(lang, Text::Consumer), c.node.number()) }</text>
            <text class="detail group-name" x={(r.x + 12.0).to_string()} y={(r.y + 40.0).to_string()}>
                { format!("{} {}", t(lang, Text::Group), c.group) }</text>
            <text class="detail" x={(r.x + 12.0).to_string()} y={(r.y + 58.0).to_string()}>
                { format!("{} · {} {}", t(lang, phase_text(c.phase)), t(lang, Text::RecordsProcessed), c.processed) }</text>
            <text class="detail records" x={(r.x + 12.0).to_string()} y={(r.y + 78.0).to_string()}>
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
