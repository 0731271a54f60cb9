//! The scenario's title and what it shows, in the reader's language.

use crate::i18n::Lang;
use kafkascope_engine::Scenario;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ScenarioInfoProps {
    pub title: AttrValue,
    pub description: AttrValue,
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
    html! {
        <section class="scenario-info">
            <h2 data-testid="scenario-title">{ props.title.clone() }</h2>
            if !props.description.is_empty() {
                <p>{ props.description.clone() }</p>
            }
        </section>
    }
}
