//! A guided lesson: the scenario's narration steps, with back, next and jump-to-step.
//!
//! The current step is the last one whose time the playback has reached, so scrubbing the time
//! slider moves through the story too. "Next" goes to the next step at once: the engine seeks to
//! just before the step's moment and plays the last moments of it, so the reader sees it happen
//! (pressed again while that plays, it jumps to the moment). "Back" and the step dots seek
//! straight to a step — the engine restores that instant's state (checkpoint plus
//! re-simulation), it does not re-tell it. After the last step the reader is free to play.
//!
//! The caption sits beside the scene (the lesson view); the side panels — counters, events,
//! faults, legend — are one click away behind its panels button.

use crate::components::scenario_info::{localized, ScenarioInfo};
use crate::i18n::{t, Lang, Text};
use crate::playback::{current_step, step_moment};
use crate::playback::{Playback, PlaybackAction};
use crate::scenarios::{builtin_titles, tour_index, tour_lessons, TOUR};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LessonPanelProps {
    pub playback: Playback,
    pub dispatcher: UseReducerDispatcher<Playback>,
    /// Whether the side panels are open, and the button that opens or closes them.
    pub panels_open: bool,
    pub on_toggle_panels: Callback<()>,
    /// Opens another built-in lesson (the tour's next, previous, or one from its contents).
    #[prop_or_default]
    pub on_open_lesson: Callback<String>,
}

/// How long a button that takes another's place (the tour's Next where the step's Next was)
/// ignores clicks: a double click meant for the last step must not open the next lesson.
const ARM_MS: f64 = 600.0;

#[derive(Properties, PartialEq)]
struct ArmedButtonProps {
    testid: &'static str,
    #[prop_or_default]
    class: Classes,
    title: AttrValue,
    onclick: Callback<MouseEvent>,
    children: Html,
}

/// A button that ignores clicks for [`ARM_MS`] after it appears (no timer: the click compares
/// the time, so a paused page still does no work). Its arrival is shown by a short fade-in.
#[function_component(ArmedButton)]
fn armed_button(props: &ArmedButtonProps) -> Html {
    let now = || gloo::utils::window().performance().map_or(0.0, |p| p.now());
    let shown_at = use_mut_ref(now);
    let onclick = {
        let onclick = props.onclick.clone();
        let shown_at = shown_at.clone();
        Callback::from(move |e: MouseEvent| {
            if now() - *shown_at.borrow() >= ARM_MS {
                onclick.emit(e);
            }
        })
    };
    html! {
        <button class={classes!("arriving", props.class.clone())} data-testid={props.testid}
            title={props.title.clone()} {onclick}>{ props.children.clone() }</button>
    }
}

#[function_component(LessonPanel)]
pub fn lesson_panel(props: &LessonPanelProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or(Lang::En);
    let titles = use_memo(lang, |lang| builtin_titles(*lang));
    let steps = &props.playback.timeline.scenario().steps;
    if steps.is_empty() {
        return html! {};
    }
    let current = current_step(steps, props.playback.time, props.playback.timeline.end());
    let step = &steps[current];
    let end = props.playback.timeline.end();
    let at = |i: usize| step_moment(&steps[i], end);
    let d = props.dispatcher.clone();
    let back = {
        let d = d.clone();
        Callback::from(move |_| d.dispatch(PlaybackAction::PreviousStep))
    };
    let next = (current + 1 < steps.len() || props.playback.time < at(current)).then(|| {
        let d = d.clone();
        Callback::from(move |_| d.dispatch(PlaybackAction::NextStep))
    });
    let last_reached = current + 1 == steps.len() && props.playback.time >= at(current);
    let text = match lang {
        Lang::En => &step.en,
        Lang::Ko => &step.ko,
    };
    let (title, description) = localized(props.playback.timeline.scenario(), lang);
    let tour = Tour::of(&props.playback.timeline.scenario().name);
    let title_of = |name: &str| {
        titles
            .iter()
            .find(|(n, _)| *n == name)
            .map_or_else(|| name.to_string(), |(_, title)| title.clone())
    };
    let open = |name: &'static str| {
        props
            .on_open_lesson
            .reform(move |_: MouseEvent| name.to_string())
    };
    html! {
        <section class="lesson" data-testid="lesson" aria-live="polite">
            <ScenarioInfo {title} {description} collapsed=true
                reader_settings={props.playback.timeline.scenario().reader_settings.clone()} />
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
            <div class="lesson-body">
                <p class="lesson-text" data-testid="lesson-text">{ with_code_spans(text) }</p>
                if last_reached {
                    <p class="free-play" data-testid="free-play">{ t(lang, Text::FreePlay) }</p>
                    if tour.as_ref().is_some_and(|tour| tour.next.is_none()) {
                        <p class="tour-end" data-testid="tour-end">{ t(lang, Text::TourEnd) }</p>
                    }
                }
            </div>
            <div class="lesson-nav">
                if let (0, Some(previous)) = (current, tour.as_ref().and_then(|tour| tour.previous)) {
                    // At a lesson's first step, back goes to the tour's previous lesson.
                    <ArmedButton key="tour-back" testid="tour-back" onclick={open(previous)} title={title_of(previous)}>
                        { "← " }{ t(lang, Text::TourPrevious) }</ArmedButton>
                } else {
                    <button key="lesson-back" data-testid="lesson-back" onclick={back} disabled={current == 0}>
                        { "← " }{ t(lang, Text::LessonBack) }</button>
                }
                if let Some(next) = next {
                    // Keyed: the step's Next and the tour's are different buttons, never one
                    // element re-labelled under the pointer (a click meant for the last step
                    // must not open the next lesson).
                    <button key="lesson-next" class="primary" data-testid="lesson-next" onclick={next}>
                        { t(lang, Text::LessonNext) }{ " →" }</button>
                } else if let Some(following) = tour.as_ref().and_then(|tour| tour.next) {
                    // After the last step: on to the tour's next lesson.
                    <ArmedButton key="tour-next" class="primary" testid="tour-next" onclick={open(following)} title={title_of(following)}>
                        { t(lang, Text::TourNext) }{ " →" }</ArmedButton>
                }
            </div>
            <p class="keys">{ t(lang, Text::LessonKeys) }</p>
            <div class="lesson-foot">
                <button class="panels-toggle" data-testid="panels-toggle"
                    aria-expanded={props.panels_open.to_string()}
                    onclick={props.on_toggle_panels.reform(|_| ())}>
                    { t(lang, if props.panels_open { Text::HidePanels } else { Text::ShowPanels }) }
                </button>
                if let Some(tour) = &tour {
                    <div class="tour-bar">
                        <span data-testid="tour-position">{ t(lang, Text::TourPosition)
                            .replace("{c}", &(tour.chapter + 1).to_string())
                            .replace("{n}", &TOUR.len().to_string()) }</span>
                        <details class="tour-contents" data-testid="tour-contents">
                            <summary>{ t(lang, Text::TourContents) }</summary>
                            <ol>
                                { for TOUR.iter().enumerate().map(|(c, (chapter, names))| html! {
                                    <li class={classes!((c == tour.chapter).then_some("current"))}>
                                        <b>{ t(lang, *chapter) }</b>
                                        <ul>
                                            { for names.iter().map(|name| html! {
                                                <li><button class={classes!("link", (*name == tour.name).then_some("current"))}
                                                    data-testid={format!("tour-lesson-{name}")}
                                                    onclick={open(name)}>{ title_of(name) }</button></li>
                                            }) }
                                        </ul>
                                    </li>
                                }) }
                            </ol>
                        </details>
                    </div>
                }
            </div>
        </section>
    }
}

/// A step's text with its `backquoted` names (groups, settings) set as code, as the scenario
/// files write them.
fn with_code_spans(text: &str) -> Html {
    html! {
        { for text.split('`').enumerate().map(|(i, part)| if i % 2 == 1 {
            html! { <code>{ part }</code> }
        } else {
            html! { { part } }
        }) }
    }
}

/// Where a lesson sits in the guided tour.
pub struct Tour {
    pub name: &'static str,
    /// Its chapter (0-based).
    pub chapter: usize,
    pub previous: Option<&'static str>,
    pub next: Option<&'static str>,
}

impl Tour {
    /// Where the lesson `name` is in the guided tour, if it is.
    pub fn of(name: &str) -> Option<Tour> {
        let at = tour_index(name)?;
        let lessons: Vec<&'static str> = tour_lessons().collect();
        Some(Tour {
            name: lessons[at],
            chapter: TOUR
                .iter()
                .position(|(_, names)| names.contains(&lessons[at]))
                .unwrap_or(0),
            previous: at.checked_sub(1).map(|i| lessons[i]),
            next: lessons.get(at + 1).copied(),
        })
    }
}
