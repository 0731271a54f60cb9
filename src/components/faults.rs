//! Breaking things on purpose: crash or restart a broker, cut or heal a link — the keyboard- and
//! test-friendly twin of clicking the picture. Each button injects the action at the current
//! playback time; the engine re-simulates everything after it.

use crate::components::scene::{broker_toggle, link_toggle};
use crate::i18n::{t, Lang, Text};
use crate::scene_model::SceneModel;
use kafkascope_engine::Action;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FaultPanelProps {
    pub model: Rc<SceneModel>,
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
                { for props.model.brokers.iter().map(|b| {
                    let label = if b.up { t(lang, Text::CrashAction) } else { t(lang, Text::RestartAction) };
                    html! {
                        <li>
                            <button data-testid={format!("fault-{}", b.node)} onclick={emit(broker_toggle(b))}>
                                { format!("{label} {} {}", t(lang, Text::Broker), b.node.number()) }
                            </button>
                        </li>
                    }
                }) }
            </ul>
            <details>
                <summary>{ t(lang, Text::Links) }</summary>
                <ul class="fault-links">
                    { for props.model.edges.iter().map(|e| {
                        let label = if e.cut { t(lang, Text::HealAction) } else { t(lang, Text::CutAction) };
                        html! {
                            <li>
                                <button data-testid={format!("fault-link-{}-{}", e.ends.0, e.ends.1)}
                                    onclick={emit(link_toggle(e))}>
                                    { format!("{label}: {} ↔ {}", e.ends.0, e.ends.1) }
                                </button>
                            </li>
                        }
                    }) }
                </ul>
            </details>
        </section>
    }
}
