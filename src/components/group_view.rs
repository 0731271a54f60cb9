//! Consumer groups in the scene: each group a labelled container (state, generation, coordinator,
//! lag, records it never processed) around its member consumers; each member with its phase,
//! partitions (or "idle"), auto-commit timer and the records it processed, those processed twice
//! highlighted. A click on a consumer kills it, or restarts it if killed.

use crate::components::scene::{on_click, on_key, toggle_label};
use crate::components::scene_detail::{n, SceneDetail, GROUP_NAME_UNITS, TITLE_UNITS};
use crate::i18n::{t, Lang, Text};
use crate::scene_model::{AssignmentLine, ConsumerBox, GroupBox, GroupStatus};
use kafkascope_engine::view::ConsumerPhase;
use kafkascope_engine::{Action, NodeId};
use yew::prelude::*;

/// The action a click on a consumer means: kill it if running, restart it if killed.
pub fn consumer_toggle(consumer: NodeId, up: bool) -> Action {
    if up {
        Action::KillConsumer { consumer }
    } else {
        Action::RestartConsumer { consumer }
    }
}

pub fn phase_text(phase: ConsumerPhase) -> Text {
    match phase {
        ConsumerPhase::NotStarted => Text::PhaseNotStarted,
        ConsumerPhase::FindingCoordinator => Text::PhaseFindingCoordinator,
        ConsumerPhase::Rebalancing => Text::PhaseRebalancing,
        ConsumerPhase::Initializing => Text::PhaseInitializing,
        ConsumerPhase::Fetching => Text::PhaseFetching,
        ConsumerPhase::Processing => Text::PhaseProcessing,
        ConsumerPhase::Committing => Text::PhaseCommitting,
    }
}

#[derive(Properties, PartialEq)]
pub struct GroupProps {
    pub group: GroupBox,
    /// How much the scene draws (`scene_detail`).
    pub detail: SceneDetail,
}

#[function_component(GroupView)]
pub fn group_view(props: &GroupProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or(Lang::En);
    let detail = props.detail;
    let g = &props.group;
    let r = &g.rect;
    let (status_class, status) = match g.status {
        GroupStatus::Stable => ("stable", Text::GroupStable),
        GroupStatus::Rebalancing => ("rebalancing", Text::GroupRebalancing),
        GroupStatus::Empty => ("empty", Text::GroupEmpty),
    };
    let coordinator = g
        .coordinator
        .map_or_else(|| "—".to_string(), |c| c.to_string());
    let sink_y = if g.isolation.is_some() { 81.0 } else { 65.0 };
    // Compact (`scene_detail`), the name alone: the box says it is a group.
    let title = match detail.compact_title_units {
        None => format!("{} {}", t(lang, Text::Group), g.name),
        Some(_) => g.name.clone(),
    };
    html! {
        <g class={classes!("group-box", status_class, format!("group-{}", g.index % 6), g.dim.then_some("dim"))}
            data-group={g.name.clone()} data-status={status_class}
            role="group" aria-label={format!("{} {} · {} {} · {}", t(lang, Text::Group), g.name, t(lang, Text::Generation), g.generation, t(lang, status))}>
            <rect x={n(r.x)} y={n(r.y)} width={n(r.w)} height={n(r.h)} rx="10" />
            { detail.title("group-name", GROUP_NAME_UNITS, (r.x + 10.0, r.y + 19.0), r.w - 20.0, title) }
            <text class="group-state" x={n(r.x + 10.0)} y={n(r.y + 35.0)}>
                { format!("{} {} · {}", t(lang, Text::Generation), g.generation, t(lang, status)) }
                <title>{ t(lang, Text::GroupProtocol) }</title></text>
            <text class="detail small" x={n(r.x + 10.0)} y={n(r.y + 50.0)} data-testid={format!("lag-{}", g.name)}>
                { format!("{} {} · {} {}", t(lang, Text::Coordinator), coordinator, t(lang, Text::Lag), g.lag) }</text>
            if let Some(isolation) = g.isolation {
                <text class={classes!("detail", "small", "isolation", (isolation == "read_committed").then_some("read-committed"))}
                    x={n(r.x + 10.0)} y={n(r.y + 65.0)} data-isolation={isolation}>
                    { isolation }
                    <title>{ t(lang, Text::IsolationLevelTitle) }</title></text>
            }
            if let Some(sink) = &g.sink {
                // Under the header lines (and the isolation line, with transactions).
                <text class="detail small sink-table" x={n(r.x + 10.0)} y={n(r.y + sink_y)}
                    data-sink-table={sink.table.clone()}>
                    { format!("→ {} ({})", sink.table, sink.insert_mode) }<title>{ t(lang, Text::SinkTableTitle) }</title>
                </text>
                <text class="detail small last-flush" x={n(r.x + 10.0)} y={n(r.y + sink_y + 16.0)}
                    data-testid={format!("last-flush-{}", g.name)}>
                    { match sink.last_flush {
                        Some(at) => t(lang, Text::LastFlush).replace("{t}", &format!("{:.1} s", at.as_ms_f64() / 1000.0)),
                        None => t(lang, Text::NoFlushYet).to_string(),
                    } }<title>{ t(lang, Text::OffsetFlushTimer) }</title>
                </text>
            }
            if let Some(output) = &g.transform_output {
                <text class="detail small transform-output" x={n(r.x + 10.0)} y={n(r.y + sink_y)}
                    data-output={output.clone()}>
                    { format!("→ {output}") }<title>{ t(lang, Text::TransformOutputTitle) }</title>
                </text>
            }
            if !g.never_processed.is_empty() {
                <text class="never-processed" x={n(r.x + 10.0)} y={n(r.y + sink_y + if g.sink.is_some() { 32.0 } else if g.transform_output.is_some() { 16.0 } else { 0.0 })}>
                    { format!("✗ {} ({})", g.never_processed.iter().take(3).cloned().collect::<Vec<_>>().join(" "), g.never_processed_count) }
                    <title>{ t(lang, Text::NeverProcessed) }</title></text>
            }
        </g>
    }
}

#[derive(Properties, PartialEq)]
pub struct ConsumerProps {
    pub consumer: ConsumerBox,
    /// How much the scene draws (`scene_detail`).
    pub detail: SceneDetail,
    pub on_fault: Callback<Action>,
}

#[function_component(ConsumerView)]
pub fn consumer_view(props: &ConsumerProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or(Lang::En);
    let detail = props.detail;
    let c = &props.consumer;
    let r = &c.rect;
    let action = consumer_toggle(c.node, c.up);
    let label = toggle_label(lang, Text::Consumer, c.node, c.up, Text::KillAction);
    let state = if !c.up {
        t(lang, Text::Killed).to_string()
    } else if c.paused_until.is_some() {
        t(lang, Text::PausedGc).to_string()
    } else if c.waiting > 0 {
        format!(
            "{} · {} {}",
            t(lang, phase_text(c.phase)),
            t(lang, Text::WaitingForWorker),
            c.waiting
        )
    } else {
        t(lang, phase_text(c.phase)).to_string()
    };
    let partitions = if !c.up {
        String::new()
    } else if c.idle {
        t(lang, Text::IdleMember).to_string()
    } else {
        c.partition_labels.join(" ")
    };
    let member_len = c.member.as_ref().map_or(0, |m| m.chars().count());
    html! {
        <g class={classes!("clickable", "node", "consumer", format!("group-{}", c.group_index % 6), c.dim.then_some("dim"),
                (!c.up).then_some("down"), c.paused_until.is_some().then_some("paused"), c.idle.then_some("idle"))}
            data-node={c.node.to_string()} data-up={c.up.to_string()}
            role="button" tabindex="0" aria-label={label}
            onclick={on_click(&props.on_fault, action.clone())}
            onkeydown={on_key(&props.on_fault, action)}>
            <rect x={n(r.x)} y={n(r.y)} width={n(r.w)} height={n(r.h)} rx="8" />
            { detail.title("title", TITLE_UNITS, (r.x + 10.0, r.y + 18.0), r.w - 20.0, match &c.sink {
                Some(sink) => t(lang, Text::SinkTaskTitle).replace("{w}", &sink.worker.to_string()),
                None => format!("{} {}", t(lang, Text::Consumer), c.node.number()),
            }) }

            // The member's join and generation, where the partitions leave room for it.
            if let (Some(member), true, true) = (&c.member, c.up, partitions.chars().count() + member_len <= 26) {
                <text class="member" x={n(r.x + r.w - 10.0)} y={n(r.y + 55.0)}>{ member.clone() }</text>
            }
            <text class="processed-count" x={n(r.x + r.w - 10.0)} y={n(r.y + 37.0)}
                data-testid={format!("processed-{}", c.node)}>
                { format!("✓{}", c.processed) }<title>{ t(lang, Text::RecordsProcessed) }</title></text>
            if let Some(progress) = c.sink.as_ref().and_then(|s| s.flush_progress) {
                { commit_timer(r, progress, "offset-flush", t(lang, Text::OffsetFlushTimer)) }
            }
            if let Some(progress) = c.auto_commit {
                { commit_timer(r, progress, "auto", t(lang, Text::AutoCommitTimer)) }
            }
            <text class="detail state" x={n(r.x + 10.0)} y={n(r.y + 37.0)}>{ state }</text>
            <text class={classes!("detail", "partitions", c.idle.then_some("idle"))} x={n(r.x + 10.0)} y={n(r.y + 55.0)}
                data-testid={format!("partitions-{}", c.node)}>{ partitions }</text>
            { for c.recent.iter().enumerate().map(|(i, p)| {
                let x = r.x + 8.0 + i as f64 * 45.0;
                html! {
                    <g class={classes!("processed", p.twice.then_some("twice"))}>
                        <rect x={n(x)} y={n(r.y + 64.0)} width="42" height="20" rx="3" />
                        <text x={n(x + 21.0)} y={n(r.y + 78.5)}>{ p.label.clone() }</text>
                        if p.twice {
                            <title>{ format!("{}: {}", p.label, t(lang, Text::ProcessedTwice)) }</title>
                        }
                    </g>
                }
            }) }
        </g>
    }
}

/// The ring at a consumer's top right corner: how far its commit interval (auto-commit, or a sink
/// task's offset flush) has run.
fn commit_timer(
    r: &crate::scene_model::Rect,
    progress: f64,
    kind: &'static str,
    title: &str,
) -> Html {
    let (cx, cy) = (n(r.x + r.w - 14.0), n(r.y + 14.0));
    html! {
        <g class="auto-commit" data-timer={kind}>
            <circle class="track" cx={cx.clone()} cy={cy.clone()} r="7" />
            <circle class="elapsed" cx={cx.clone()} cy={cy.clone()} r="7"
                stroke-dasharray={format!("{:.1} 44", progress * 44.0)}
                transform={format!("rotate(-90 {cx} {cy})")} />
            <title>{ title.to_string() }</title>
        </g>
    }
}

#[derive(Properties, PartialEq)]
pub struct AssignmentsProps {
    pub lines: Vec<AssignmentLine>,
}

/// Partition → owning member, one thin line each, in the group's colour.
#[function_component(AssignmentsView)]
pub fn assignments_view(props: &AssignmentsProps) -> Html {
    html! {
        <g class="assignments">
            { for props.lines.iter().map(|l| html! {
                <path class={classes!("assignment", format!("group-{}", l.group_index % 6), l.dim.then_some("dim"))}
                    data-partition={l.partition.partition.to_string()} data-topic={l.partition.topic.to_string()}
                    d={format!("M{} {} L{} {}", n(l.from.x), n(l.from.y), n(l.to.x), n(l.to.y))} />
            }) }
        </g>
    }
}
