//! Shown when the address holds a link that cannot be opened (damaged, cut short, from a newer
//! release, or carrying a scenario that cannot run): what is wrong, in the reader's language,
//! with the details, and a way on — the built-in scenario the link still names, or the start
//! screen. Never a blank page.

use crate::i18n::{t, Lang, Text};
use crate::scenarios::ScenarioSource;
use crate::session::LinkTrouble;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LinkTroubleProps {
    pub trouble: LinkTrouble,
    pub on_pick: Callback<ScenarioSource>,
    pub on_start_screen: Callback<()>,
}

#[function_component(LinkTroublePanel)]
pub fn link_trouble_panel(props: &LinkTroubleProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or(Lang::En);
    let trouble = &props.trouble;
    let title = trouble.recover.as_deref().map(|name| {
        crate::scenarios::builtin_titles(lang)
            .into_iter()
            .find(|(n, _)| *n == name)
            .map_or_else(|| name.to_string(), |(_, title)| title)
    });
    html! {
        <section class="error-panel link-trouble" role="alert" data-testid="link-trouble">
            <h2>{ t(lang, Text::LinkTroubleTitle) }</h2>
            <p data-testid="link-trouble-headline">{ t(lang, trouble.headline) }</p>
            <p class="engine-message">{ t(lang, Text::EngineMessage) }</p>
            <pre data-testid="link-trouble-detail">{ trouble.detail.clone() }</pre>
            <p class="link-trouble-actions">
                if let (Some(name), Some(title)) = (trouble.recover.clone(), title) {
                    <span>{ t(lang, Text::LinkOpenInstead) }{ " " }</span>
                    <button class="primary" data-testid="link-recover"
                        onclick={props.on_pick.reform(move |_: MouseEvent| ScenarioSource::Builtin(name.clone()))}>
                        { title }</button>
                    { " " }
                }
                <button data-testid="link-start-screen"
                    onclick={props.on_start_screen.reform(|_: MouseEvent| ())}>
                    { t(lang, Text::LinkStartScreen) }</button>
            </p>
        </section>
    }
}
