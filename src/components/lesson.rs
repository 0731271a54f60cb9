//! A guided lesson: the scenario's narration steps, with back, next and jump-to-step.
//!
//! The current step is the last one whose time the playback has reached, so scrubbing the time
//! slider moves through the story too. "Next" plays the simulation up to the next step's time
//! and pauses there; "Back" and the step dots seek straight to a step — the engine restores that
//! instant's state (checkpoint plus re-simulation), it does not re-tell it. After the last step
//! the reader is free to play.

use crate::i18n::{t, Lang, Text};
use crate::playback::{Playback, PlaybackAction};
use crate::scene_model::current_step;
use kafkascope_engine::SimTime;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LessonPanelProps {
    pub playback: Playback,
    pub dispatcher: UseReducerDispatcher<Playback>,
}

#[function_component(LessonPanel)]
pub fn lesson_panel(props: &LessonPanelProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or(Lang::En);
    let steps = &props.playback.timeline.scenario().steps;
    if steps.is_empty() {
        return html! {};
    }
    let current = current_step(steps, props.playback.time);
    let step = &steps[current];
    let at = |i: usize| SimTime::from_ms(steps[i].at_ms);
    let d = props.dispatcher.clone();
    let back = {
        let d = d.clone();
        let target = at(current.saturating_sub(1));
        Callback::from(move |_| {
            d.dispatch(PlaybackAction::Pause);
            d.dispatch(PlaybackAction::Seek(target));
        })
    };
    let next = (current + 1 < steps.len()).then(|| {
        let d = d.clone();
        let target = at(current + 1);
        Callback::from(move |_| d.dispatch(PlaybackAction::PlayUntil(target)))
    });
    let last_reached = current + 1 == steps.len() && props.playback.time >= at(current);
    let text = match lang {
        Lang::En => &step.en,
        Lang::Ko => &step.ko,
    };
    html! {
        <section class="lesson" data-testid="lesson" aria-live="polite">
            <div class="lesson-head">
                <strong>{ t(lang, Text::Lesson) }</strong>
                <span data-testid="lesson-position">{ t(lang, Text::LessonStepOf)
                    .replace("{i}", &(current + 1).to_string())
                    .replace("{n}", &steps.len().to_string()) }</span>
                <ol class="lesson-dots">
                    { for (0..steps.len()).map(|i| {
                        let d = d.clone();
                        let target = at(i);
                        html! {
                            <li>
                                <button class={classes!((i == current).then_some("current"))}
                                    data-testid={format!("lesson-step-{}", i + 1)}
                                    aria-label={(i + 1).to_string()}
                                    onclick={Callback::from(move |_| {
                                        d.dispatch(PlaybackAction::Pause);
                                        d.dispatch(PlaybackAction::Seek(target));
                                    })}>{ i + 1 }</button>
                            </li>
                        }
                    }) }
                </ol>
            </div>
            <p class="lesson-text" data-testid="lesson-text">{ text.clone() }</p>
            if last_reached {
                <p class="free-play" data-testid="free-play">{ t(lang, Text::FreePlay) }</p>
            }
            <div class="lesson-nav">
                <button data-testid="lesson-back" onclick={back} disabled={current == 0}>
                    { "← " }{ t(lang, Text::LessonBack) }</button>
                if let Some(next) = next {
                    <button class="primary" data-testid="lesson-next" onclick={next}
                        disabled={props.playback.playing}>
                        { t(lang, Text::LessonNext) }{ " →" }</button>
                }
            </div>
        </section>
    }
}
