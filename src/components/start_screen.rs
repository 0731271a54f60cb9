//! The first screen: what Kafkascope shows — can a record be delivered exactly once? — and where
//! to begin: the lessons in order, by chapter, each under its title; or free play for those who
//! know Kafka. Shown when the address names no scenario.

use crate::i18n::{t, Lang, Text};
use crate::scenarios::{builtin_titles, chapter_of, ScenarioSource, CHAPTERS, DEFAULT_SCENARIO};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct StartScreenProps {
    pub on_pick: Callback<ScenarioSource>,
}

#[function_component(StartScreen)]
pub fn start_screen(props: &StartScreenProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or(Lang::En);
    let titles = use_memo(lang, |lang| builtin_titles(*lang));
    let pick = |name: &'static str| {
        let on_pick = props.on_pick.clone();
        Callback::from(move |_: MouseEvent| on_pick.emit(ScenarioSource::Builtin(name.into())))
    };
    html! {
        <main class="start-screen" data-testid="start-screen">
            <h2>{ t(lang, Text::StartQuestion) }</h2>
            <p class="start-lead">{ t(lang, Text::StartLead) }</p>
            <div class="start-actions">
                <button class="primary" data-testid="start-first-lesson" onclick={pick("lesson-1-replication")}>
                    { t(lang, Text::StartFirstLesson) }</button>
                <button data-testid="start-free-play" onclick={pick(DEFAULT_SCENARIO)}>
                    { t(lang, Text::StartFreePlay) }</button>
            </div>
            <div class="chapters">
                { for CHAPTERS.iter().enumerate().map(|(chapter, (label, _))| html! {
                    <section class="chapter">
                        <h3>{ t(lang, *label) }</h3>
                        <ol>
                            { for titles.iter().filter(|(name, _)| chapter_of(name) == chapter).map(|(name, title)| html! {
                                <li><button class="link" data-testid={format!("start-{name}")}
                                    onclick={pick(name)}>{ title.clone() }</button></li>
                            }) }
                        </ol>
                    </section>
                }) }
            </div>
        </main>
    }
}
