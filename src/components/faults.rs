//! Breaking things on purpose: crash or restart a broker, cut or heal a link — the keyboard- and
//! test-friendly twin of clicking the picture. Each button injects the action at the current
//! playback time; the engine re-simulates everything after it.

use crate::components::scene::{broker_toggle, link_toggle};
use crate::i18n::{t, Lang, Text};
use crate::scene_model::SceneModel;
use kafkascope_engine::{Action, NodeId};
use yew::prelude::*;

/// What the panel offers: each broker (up or down) and each link (cut or whole). Changes rarely,
/// so the panel does not re-render every frame.
#[derive(Clone, Debug, PartialEq)]
pub struct FaultTargets {
    pub brokers: Vec<(NodeId, bool)>,
    pub links: Vec<(NodeId, NodeId, bool)>,
}

impl FaultTargets {
    pub fn of(model: &SceneModel) -> Self {
        FaultTargets {
            brokers: model.brokers.iter().map(|b| (b.node, b.up)).collect(),
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
                    let label = if *up { t(lang, Text::CrashAction) } else { t(lang, Text::RestartAction) };
                    html! {
                        <li>
                            <button data-testid={format!("fault-{node}")} onclick={emit(broker_toggle(*node, *up))}>
                                { match lang {
                                    Lang::En => format!("{label} {} {}", t(lang, Text::Broker), node.number()),
                                    Lang::Ko => format!("{} {} {label}", t(lang, Text::Broker), node.number()),
                                } }
                            </button>
                        </li>
                    }
                }) }
            </ul>
            <details>
                <summary>{ t(lang, Text::Links) }</summary>
                <ul class="fault-links">
                    { for props.targets.links.iter().map(|(a, b, cut)| {
                        let label = if *cut { t(lang, Text::HealAction) } else { t(lang, Text::CutAction) };
                        html! {
                            <li>
                                <button data-testid={format!("fault-link-{a}-{b}")}
                                    onclick={emit(link_toggle((*a, *b), *cut))}>
                                    { format!("{label}: {a} ↔ {b}") }
                                </button>
                            </li>
                        }
                    }) }
                </ul>
            </details>
        </section>
    }
}
