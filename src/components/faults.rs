//! Breaking things on purpose: crash or restart a broker, cut or heal a link, kill, restart or
//! pause (a GC stall) a consumer — the keyboard- and test-friendly twin of clicking the picture. Each button injects the action at the current
//! playback time; the engine re-simulates everything after it.

use crate::components::group_view::consumer_toggle;
use crate::components::scene::{broker_toggle, link_label, link_toggle, toggle_label};
use crate::i18n::{fill, t, Lang, Text};
use crate::scene_model::SceneModel;
use kafkascope_engine::message::MessageKind;
use kafkascope_engine::{Action, NodeId};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// What the panel offers: each broker (up or down) and each link (cut or whole). Changes rarely,
/// so the panel does not re-render every frame.
#[derive(Clone, Debug, PartialEq)]
pub struct FaultTargets {
    pub brokers: Vec<(NodeId, bool)>,
    pub consumers: Vec<(NodeId, bool)>,
    /// Kafka Connect workers (by number), and whether any of their tasks runs.
    pub workers: Vec<(u32, bool)>,
    pub links: Vec<(NodeId, NodeId, bool)>,
    pub partitions: u32,
}

impl FaultTargets {
    pub fn of(model: &SceneModel) -> Self {
        FaultTargets {
            brokers: model.brokers.iter().map(|b| (b.node, b.up)).collect(),
            consumers: model.consumers.iter().map(|c| (c.node, c.up)).collect(),
            workers: {
                let mut workers: Vec<(u32, bool)> = Vec::new();
                for c in &model.consumers {
                    let Some(sink) = &c.sink else { continue };
                    match workers.iter_mut().find(|(w, _)| *w == sink.worker) {
                        Some((_, up)) => *up |= c.up,
                        None => workers.push((sink.worker, c.up)),
                    }
                }
                workers
            },
            partitions: model.partition_count,
            links: model
                .edges
                .iter()
                .map(|e| (e.ends.0, e.ends.1, e.cut))
                .collect(),
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct FaultPanelProps {
    pub targets: FaultTargets,
    pub on_fault: Callback<Action>,
}

#[function_component(FaultPanel)]
pub fn fault_panel(props: &FaultPanelProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or(Lang::En);
    let emit = |action: Action| {
        let on_fault = props.on_fault.clone();
        Callback::from(move |_: MouseEvent| on_fault.emit(action.clone()))
    };
    html! {
        <section class="faults">
            <h2>{ t(lang, Text::Faults) }</h2>
            <p class="hint">{ t(lang, Text::FaultsHint) }</p>
            <ul class="fault-brokers">
                { for props.targets.brokers.iter().map(|(node, up)| {
                    html! {
                        <li>
                            <button data-testid={format!("fault-{node}")} onclick={emit(broker_toggle(*node, *up))}>
                                { toggle_label(lang, Text::Broker, *node, *up, Text::CrashAction) }
                            </button>
                        </li>
                    }
                }) }
            </ul>
            <TopicPartitions current={props.targets.partitions} on_fault={props.on_fault.clone()} />
            if !props.targets.consumers.is_empty() {
                <ConsumerFaults consumers={props.targets.consumers.clone()} on_fault={props.on_fault.clone()} />
            }
            if !props.targets.workers.is_empty() {
                // A Connect worker is a process: killing it stops every sink task it runs.
                <ul class="fault-workers">
                    { for props.targets.workers.iter().map(|(worker, up)| {
                        let action = if *up {
                            Action::KillWorker { worker: *worker }
                        } else {
                            Action::RestartWorker { worker: *worker }
                        };
                        let text = if *up { Text::KillWorker } else { Text::RestartWorker };
                        html! {
                            <li>
                                <button data-testid={format!("fault-worker-{worker}")} onclick={emit(action)}>
                                    { t(lang, text).replace("{w}", &worker.to_string()) }
                                </button>
                            </li>
                        }
                    }) }
                </ul>
            }
            <details>
                <summary>{ t(lang, Text::Links) }</summary>
                <ul class="fault-links">
                    { for props.targets.links.iter().map(|(a, b, cut)| {
                        html! {
                            <li>
                                <button data-testid={format!("fault-link-{a}-{b}")}
                                    onclick={emit(link_toggle((*a, *b), *cut))}>
                                    { link_label(lang, (*a, *b), *cut) }
                                </button>
                            </li>
                        }
                    }) }
                </ul>
            </details>
            <DirectedFaultForm targets={props.targets.clone()} on_fault={props.on_fault.clone()} />
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct TopicPartitionsProps {
    current: u32,
    on_fault: Callback<Action>,
}

/// Alter the topic's partition count (CreatePartitions): the engine adds partitions, or refuses
/// fewer with Kafka's reason.
#[function_component(TopicPartitions)]
fn topic_partitions(props: &TopicPartitionsProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or(Lang::En);
    let wanted = use_state(|| props.current + 1);
    let on_input = {
        let wanted = wanted.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(v) = input.value().parse::<u32>() {
                wanted.set(v);
            }
        })
    };
    let apply = {
        let on_fault = props.on_fault.clone();
        let count = *wanted;
        Callback::from(move |_: MouseEvent| {
            on_fault.emit(Action::CreatePartitions { count, topic: None })
        })
    };
    html! {
        <div class="fault-topic">
            <h3>{ fill(lang, Text::PartitionsNow, &[t(lang, Text::TopicPartitions), &props.current.to_string()]) }</h3>
            <label>{ t(lang, Text::Partitions) }
                <input type="number" min="1" max="12" value={wanted.to_string()}
                    data-testid="partition-count" oninput={on_input} />
            </label>
            <button data-testid="change-partitions" onclick={apply}>{ t(lang, Text::ChangePartitions) }</button>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ConsumerFaultsProps {
    consumers: Vec<(NodeId, bool)>,
    on_fault: Callback<Action>,
}

/// Kill or restart each consumer, or stall it for a chosen time (a GC pause).
#[function_component(ConsumerFaults)]
fn consumer_faults(props: &ConsumerFaultsProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or(Lang::En);
    let pause_s = use_state(|| 10u64);
    let on_pause_input = {
        let pause_s = pause_s.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(v) = input.value().parse::<u64>() {
                pause_s.set(v.min(3600));
            }
        })
    };
    html! {
        <div class="fault-consumers">
            <h3>{ t(lang, Text::ConsumerFaults) }</h3>
            <label>{ t(lang, Text::PauseSeconds) }
                <input type="number" min="1" max="3600" value={pause_s.to_string()}
                    data-testid="pause-seconds" oninput={on_pause_input} />
            </label>
            <ul>
                { for props.consumers.iter().map(|(node, up)| {
                    let toggle = {
                        let on_fault = props.on_fault.clone();
                        let action = consumer_toggle(*node, *up);
                        Callback::from(move |_: MouseEvent| on_fault.emit(action.clone()))
                    };
                    let pause = {
                        let on_fault = props.on_fault.clone();
                        let consumer = *node;
                        let by_ms = *pause_s * 1000;
                        Callback::from(move |_: MouseEvent| {
                            on_fault.emit(Action::PauseConsumer { consumer, by_ms })
                        })
                    };
                    html! {
                        <li>
                            <button data-testid={format!("fault-{node}")} onclick={toggle}>
                                { toggle_label(lang, Text::Consumer, *node, *up, Text::KillAction) }
                            </button>
                            <button data-testid={format!("pause-{node}")} onclick={pause} disabled={!*up}>
                                { t(lang, Text::PauseAction) }
                            </button>
                        </li>
                    }
                }) }
            </ul>
        </div>
    }
}

/// The faults a reader can aim at one direction of one link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DirectedFault {
    CutOneWay,
    HealOneWay,
    DropNext,
    DelayNext,
    SlowFollower,
}

const DIRECTED_FAULTS: [(DirectedFault, Text); 5] = [
    (DirectedFault::CutOneWay, Text::CutOneWay),
    (DirectedFault::HealOneWay, Text::HealOneWay),
    (DirectedFault::DropNext, Text::DropNextMessage),
    (DirectedFault::DelayNext, Text::DelayNextMessage),
    (DirectedFault::SlowFollower, Text::SlowFollowerFetches),
];

/// The message kinds a directed fault can pick, named in words.
const MESSAGE_KINDS: [(MessageKind, Text); 23] = [
    (MessageKind::ProduceRequest, Text::ProduceRequest),
    (MessageKind::ProduceResponse, Text::ProduceResponse),
    (MessageKind::FetchRequest, Text::FetchRequest),
    (MessageKind::FetchResponse, Text::FetchResponse),
    (
        MessageKind::ReplicaFetchRequest,
        Text::KindReplicaFetchRequest,
    ),
    (
        MessageKind::ReplicaFetchResponse,
        Text::KindReplicaFetchResponse,
    ),
    (
        MessageKind::OffsetCommitRequest,
        Text::KindOffsetCommitRequest,
    ),
    (
        MessageKind::OffsetCommitResponse,
        Text::KindOffsetCommitResponse,
    ),
    (MessageKind::HeartbeatRequest, Text::KindHeartbeatRequest),
    (MessageKind::HeartbeatResponse, Text::KindHeartbeatResponse),
    (MessageKind::BrokerHeartbeat, Text::KindBrokerHeartbeat),
    (MessageKind::UpdateMetadata, Text::KindUpdateMetadata),
    (
        MessageKind::AddPartitionsToTxnRequest,
        Text::KindAddPartitionsRequest,
    ),
    (
        MessageKind::AddPartitionsToTxnResponse,
        Text::KindAddPartitionsResponse,
    ),
    (MessageKind::EndTxnRequest, Text::KindEndTxnRequest),
    (MessageKind::EndTxnResponse, Text::KindEndTxnResponse),
    (
        MessageKind::WriteTxnMarkersRequest,
        Text::KindMarkersRequest,
    ),
    (
        MessageKind::WriteTxnMarkersResponse,
        Text::KindMarkersResponse,
    ),
    (
        MessageKind::AddOffsetsToTxnRequest,
        Text::KindAddOffsetsRequest,
    ),
    (
        MessageKind::TxnOffsetCommitRequest,
        Text::KindTxnOffsetCommitRequest,
    ),
    (
        MessageKind::TxnOffsetCommitResponse,
        Text::KindTxnOffsetCommitResponse,
    ),
    (MessageKind::DbRequest, Text::KindDbRequest),
    (MessageKind::DbResponse, Text::KindDbResponse),
];

#[derive(Properties, PartialEq)]
pub struct DirectedFaultFormProps {
    pub targets: FaultTargets,
    pub on_fault: Callback<Action>,
}

/// One-way cuts, dropping or delaying the next message of a kind, and slow follower fetches:
/// the scenario-file faults, injectable live.
#[function_component(DirectedFaultForm)]
pub fn directed_fault_form(props: &DirectedFaultFormProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or(Lang::En);
    // Both directions of every drawn link.
    let directions: Vec<(NodeId, NodeId)> = props
        .targets
        .links
        .iter()
        .flat_map(|(a, b, _)| [(*a, *b), (*b, *a)])
        .collect();
    let direction = use_state(|| 0usize);
    let fault = use_state(|| 0usize);
    let kind = use_state(|| 0usize);
    let ms = use_state(|| 500u64);
    let select = |state: &UseStateHandle<usize>| {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(i) = select.value().parse() {
                state.set(i);
            }
        })
    };
    let on_ms = {
        let ms = ms.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(v) = input.value().trim().parse() {
                ms.set(v);
            }
        })
    };
    let inject = {
        let on_fault = props.on_fault.clone();
        let directions = directions.clone();
        let (direction, fault, kind, ms) = (*direction, *fault, *kind, *ms);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(&(from, to)) = directions.get(direction) else {
                return;
            };
            let kind = MESSAGE_KINDS[kind.min(MESSAGE_KINDS.len() - 1)].0;
            let action = match DIRECTED_FAULTS[fault.min(DIRECTED_FAULTS.len() - 1)].0 {
                DirectedFault::CutOneWay => Action::CutLink {
                    from,
                    to,
                    one_way: true,
                },
                DirectedFault::HealOneWay => Action::HealLink {
                    from,
                    to,
                    one_way: true,
                },
                DirectedFault::DropNext => Action::DropNext { from, to, kind },
                DirectedFault::DelayNext => Action::DelayNext {
                    from,
                    to,
                    kind,
                    by_ms: ms,
                },
                DirectedFault::SlowFollower => match from {
                    NodeId::Broker(_) => Action::SlowFollower {
                        broker: from,
                        by_ms: ms,
                    },
                    _ => return,
                },
            };
            on_fault.emit(action);
        })
    };
    html! {
        <details class="more-faults">
            <summary>{ t(lang, Text::MoreFaults) }</summary>
            <form onsubmit={inject}>
                <label>{ t(lang, Text::FaultDirection) }
                    <select data-testid="fault-direction" onchange={select(&direction)}>
                        { for directions.iter().enumerate().map(|(i, (a, b))| html! {
                            <option value={i.to_string()} selected={i == *direction}>{ format!("{a} → {b}") }</option>
                        }) }
                    </select>
                </label>
                <label>{ t(lang, Text::FaultKind) }
                    <select data-testid="fault-kind" onchange={select(&fault)}>
                        { for DIRECTED_FAULTS.iter().enumerate().map(|(i, (_, text))| html! {
                            <option value={i.to_string()} selected={i == *fault}>{ t(lang, *text) }</option>
                        }) }
                    </select>
                </label>
                <label>{ t(lang, Text::FaultMessageKind) }
                    <select data-testid="fault-message" onchange={select(&kind)}>
                        { for MESSAGE_KINDS.iter().enumerate().map(|(i, (_, name))| html! {
                            <option value={i.to_string()} selected={i == *kind}>{ t(lang, *name) }</option>
                        }) }
                    </select>
                </label>
                <label>{ t(lang, Text::FaultMs) }
                    <input type="number" min="0" data-testid="fault-ms" value={ms.to_string()} oninput={on_ms} />
                </label>
                <button type="submit" data-testid="fault-inject">{ t(lang, Text::DoIt) }</button>
            </form>
        </details>
    }
}
