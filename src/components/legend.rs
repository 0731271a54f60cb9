//! What each message dot means.

use crate::i18n::{t, Lang, Text};
use yew::prelude::*;

#[function_component(Legend)]
pub fn legend() -> Html {
    let lang = use_context::<Lang>().unwrap_or(Lang::En);
    let item = |class: &'static str, text: Text| {
        html! {
            <li><svg width="16" height="16" viewBox="-8 -8 16 16" aria-hidden="true">
                <circle class={classes!("dot", class)} r="5" /></svg>{ t(lang, text) }</li>
        }
    };
    html! {
        <section class="legend">
            <h2>{ t(lang, Text::Legend) }</h2>
            <ul>
                { item("produce-request", Text::ProduceRequest) }
                { item("produce-response", Text::ProduceResponse) }
                { item("fetch-request", Text::FetchRequest) }
                { item("fetch-response", Text::FetchResponse) }
                { item("replica-fetch", Text::ReplicaFetch) }
                { item("offset-commit", Text::OffsetCommit) }
                { item("control", Text::ControlTraffic) }
                { item("other", Text::OtherMessage) }
                { item("lost", Text::LostMessage) }
            </ul>
        </section>
    }
}
