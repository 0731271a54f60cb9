//! The outcome counters at the current instant.

use crate::i18n::{t, Lang, Text};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct OutcomeProps {
    pub produced: u64,
    pub acknowledged: u64,
    pub consumed: u64,
    pub lost_acknowledged: u64,
}

#[function_component(Outcome)]
pub fn outcome(props: &OutcomeProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or(Lang::En);
    let row = |label: Text, testid: &'static str, value: u64| {
        html! {
            <div class="counter">
                <dt>{ t(lang, label) }</dt>
                <dd data-testid={testid}>{ value }</dd>
            </div>
        }
    };
    html! {
        <section class="outcome" aria-live="polite">
            <h2>{ t(lang, Text::Outcome) }</h2>
            <dl>
                { row(Text::Produced, "produced", props.produced) }
                { row(Text::Acknowledged, "acked", props.acknowledged) }
                { row(Text::Consumed, "consumed", props.consumed) }
                { row(Text::LostAcknowledged, "lost", props.lost_acknowledged) }
            </dl>
        </section>
    }
}
