//! Shown instead of the scene when a scenario cannot be run: which scenario, and what is wrong
//! (the engine's message names the field).

use crate::i18n::{t, Lang, Text};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ErrorPanelProps {
    /// The scenario's name or file name.
    pub source: AttrValue,
    /// The engine's description of the problem.
    pub message: AttrValue,
}

#[function_component(ErrorPanel)]
pub fn error_panel(props: &ErrorPanelProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or(Lang::En);
    html! {
        <section class="error-panel" role="alert" data-testid="scenario-error">
            <h2>{ t(lang, Text::ScenarioErrorTitle) }</h2>
            <p>{ t(lang, Text::ScenarioErrorHint) }</p>
            <p><strong>{ t(lang, Text::ErrorSource) }</strong>{ " " }<code>{ props.source.clone() }</code></p>
            <p class="engine-message">{ t(lang, Text::EngineMessage) }</p>
            <pre>{ props.message.clone() }</pre>
        </section>
    }
}
