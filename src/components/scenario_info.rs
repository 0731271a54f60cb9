//! The scenario's title and what it shows, in the reader's language, and the settings the reader
//! changed (with the author's value), so that a changed run is never mistaken for the lesson's.

use crate::i18n::{t, Lang, Text};
use kafkascope_engine::Scenario;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ScenarioInfoProps {
    pub title: AttrValue,
    pub description: AttrValue,
    /// A lesson: the description waits behind "About" (it would give the ending away before the
    /// steps tell it).
    #[prop_or_default]
    pub collapsed: bool,
    /// The reader's setting changes, as `setting: was → now` (the scenario's `reader_settings`).
    #[prop_or_default]
    pub reader_settings: Vec<String>,
}

/// The title and description of `scenario` in `lang` (the name when it has no title).
pub fn localized(scenario: &Scenario, lang: Lang) -> (String, String) {
    let (title, description) = match lang {
        Lang::En => (&scenario.title.en, &scenario.description.en),
        Lang::Ko => (&scenario.title.ko, &scenario.description.ko),
    };
    let title = if title.is_empty() {
        scenario.name.clone()
    } else {
        title.clone()
    };
    (title, description.clone())
}

#[function_component(ScenarioInfo)]
pub fn scenario_info(props: &ScenarioInfoProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or(Lang::En);
    html! {
        <section class="scenario-info">
            <h2 data-testid="scenario-title">{ props.title.clone() }</h2>
            if !props.description.is_empty() {
                if props.collapsed {
                    <details class="about" data-testid="about">
                        <summary>{ t(lang, Text::AboutScenario) }</summary>
                        <p>{ props.description.clone() }</p>
                    </details>
                } else {
                    <p>{ props.description.clone() }</p>
                }
            }
            if !props.reader_settings.is_empty() {
                <p class="reader-settings" data-testid="reader-settings">
                    { t(lang, Text::ReaderSettings) }
                    { for props.reader_settings.iter().map(|s| html! { <> {" "}<code>{ s.clone() }</code></> }) }
                </p>
            }
        </section>
    }
}
