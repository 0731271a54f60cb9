//! "What just happened": the latest notable events (faults, fencing, elections, ISR changes,
//! truncations, produce errors), told in the reader's language.

use crate::components::controls::format_clock;
use crate::i18n::{describe, t, Lang, Text};
use kafkascope_engine::{SimTime, TraceKind};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct EventLogProps {
    pub events: Vec<(SimTime, TraceKind)>,
}

#[function_component(EventLog)]
pub fn event_log(props: &EventLogProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or(Lang::En);
    html! {
        <section class="events" data-testid="events" aria-live="polite">
            <h2>{ t(lang, Text::Events) }</h2>
            if props.events.is_empty() {
                <p class="hint">{ t(lang, Text::NoEventsYet) }</p>
            } else {
                <ol>
                    { for props.events.iter().filter_map(|(at, what)| {
                        describe(lang, what).map(|text| html! {
                            <li><span class="at">{ format_clock(*at) }</span>{ text }</li>
                        })
                    }) }
                </ol>
            }
        </section>
    }
}
