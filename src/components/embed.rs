//! The embed view: what a blog post shows in an `<iframe>` — the scene, the lesson's narration
//! (if asked for), a small outcome line and compact controls, with a link that opens the same
//! session in the full page. No header, no side panels.
//!
//! Made to be a good guest on someone else's page:
//! - the scene is an SVG that scales to whatever the frame gives it; the page never scrolls inside
//!   a frame (the layout is a column as tall as the frame), and neither does any part of it: the
//!   narration and the outcome line under the scene show as many lines as the frame spares
//!   (`style.css`), and when that cuts them short a "More" button shows them whole, the scene
//!   giving up the room;
//! - nothing takes focus or scrolls the host page (no autofocus; keys act only while the frame
//!   has focus), and nothing makes sound;
//! - the address is never written (an embed's history would be the host page's back button);
//! - a host page may drive it with `postMessage` and hear when its lesson step changes
//!   (`embed_host`);
//! - an embed that leaves the screen pauses, so a post with several embeds animates only what is
//!   in view (an `IntersectionObserver` on the scene); paused, it requests no animation frame.

use crate::components::controls::{Controls, OpenFull};
use crate::components::frame_description::FrameDescription;
use crate::components::outcome_line::OutcomeLine;
use crate::components::scene::Scene;
use crate::i18n::{t, Lang, Text};
use crate::playback::{current_step, Playback, PlaybackAction};
use crate::scene_model::SceneModel;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties)]
pub struct EmbedStageProps {
    pub model: Rc<SceneModel>,
    pub report: kafkascope_engine::OutcomeReport,
    pub playback: Playback,
    pub dispatcher: UseReducerDispatcher<Playback>,
    pub on_fault: Callback<kafkascope_engine::Action>,
    /// Whether the lesson's narration shows under the scene.
    pub narration: bool,
    /// The same session in the full page.
    pub open_full: OpenFull,
}

impl PartialEq for EmbedStageProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.model, &other.model)
            && self.report == other.report
            && self.playback == other.playback
            && self.narration == other.narration
            && self.open_full == other.open_full
    }
}

/// Pauses playback whenever the observed element leaves the screen; disconnects on drop.
struct PauseOffScreen {
    observer: web_sys::IntersectionObserver,
    _on_change: Closure<dyn FnMut(js_sys::Array)>,
}

impl Drop for PauseOffScreen {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

fn pause_off_screen(
    element: &web_sys::Element,
    dispatcher: UseReducerDispatcher<Playback>,
) -> Option<PauseOffScreen> {
    let on_change = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
        let off_screen = entries.iter().any(|entry| {
            entry
                .dyn_into::<web_sys::IntersectionObserverEntry>()
                .is_ok_and(|e| !e.is_intersecting())
        });
        if off_screen {
            dispatcher.dispatch(PlaybackAction::Pause);
        }
    });
    let observer = web_sys::IntersectionObserver::new(on_change.as_ref().unchecked_ref()).ok()?;
    observer.observe(element);
    Some(PauseOffScreen {
        observer,
        _on_change: on_change,
    })
}

/// More than this hidden at the bottom of a text is a line cut off (a line is 16 px or more; a
/// few pixels are a glyph's descent past its line box).
const CUT_PX: i32 = 6;

/// Whether a text under the scene (a child of `texts`) holds more than the lines it is given.
fn any_cut_short(texts: &web_sys::Element) -> bool {
    let children = texts.children();
    (0..children.length())
        .filter_map(|i| children.item(i))
        .any(|text| text.scroll_height() > text.client_height() + CUT_PX)
}

#[function_component(EmbedStage)]
pub fn embed_stage(props: &EmbedStageProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or(Lang::En);
    let stage = use_node_ref();
    {
        let stage = stage.clone();
        let dispatcher = props.dispatcher.clone();
        use_effect_with((), move |_| {
            let watch = stage
                .cast::<web_sys::Element>()
                .and_then(|element| pause_off_screen(&element, dispatcher));
            move || drop(watch)
        });
    }
    // The host page's commands (docs/embed.md), for as long as the embed is on the page.
    {
        let dispatcher = props.dispatcher.clone();
        use_effect_with((), move |_| {
            let listener =
                crate::components::embed_host::listen(move |action| dispatcher.dispatch(action));
            move || drop(listener)
        });
    }
    let p = &props.playback;
    let steps = &p.timeline.scenario().steps;
    // The host hears when the lesson step on screen changes.
    {
        let step = (!steps.is_empty()).then(|| current_step(steps, p.time, p.timeline.end()));
        let count = steps.len();
        use_effect_with(step, move |step| {
            if let Some(step) = *step {
                crate::components::embed_host::announce_step(step, count);
            }
        });
    }
    let narration = (props.narration && !steps.is_empty()).then(|| {
        let step = &steps[current_step(steps, p.time, p.timeline.end())];
        match lang {
            Lang::En => step.en.clone(),
            Lang::Ko => step.ko.clone(),
        }
    });
    // Whether the texts under the scene are cut short (measured after each change of them, and
    // when the frame is resized), and whether the reader asked to see them whole.
    let texts = use_node_ref();
    let texts_cut = use_state_eq(|| false);
    let texts_open = use_state_eq(|| false);
    let measure = {
        let (texts, texts_cut) = (texts.clone(), texts_cut.clone());
        move || {
            if let Some(texts) = texts.cast::<web_sys::Element>() {
                texts_cut.set(any_cut_short(&texts));
            }
        }
    };
    {
        let measure = measure.clone();
        use_effect_with(
            (narration.clone(), props.report.clone(), lang, *texts_open),
            move |_| measure(),
        );
    }
    use_effect_with((), move |_| {
        let listener =
            gloo::events::EventListener::new(&gloo::utils::window(), "resize", move |_| measure());
        move || drop(listener)
    });
    let toggle_texts = {
        let texts_open = texts_open.clone();
        Callback::from(move |_: MouseEvent| texts_open.set(!*texts_open))
    };
    let more = (*texts_cut || *texts_open).then(|| {
        html! {
            <button class="embed-more" data-testid="embed-more" aria-expanded={texts_open.to_string()}
                onclick={toggle_texts}>
                { t(lang, if *texts_open { Text::EmbedLessText } else { Text::EmbedMoreText }) }
            </button>
        }
    });
    html! {
        <main class={classes!("player", "embed", texts_open.then_some("texts-open"))}
            data-testid="embed" ref={stage}>
            <div class="scene-box">
                // A small frame shows the part the lesson step points at (legible labels).
                // Too small for the labels, compact: names only, legible (`scene_detail`).
                <Scene model={props.model.clone()} on_fault={props.on_fault.clone()}
                    zoom={props.model.focus_box()} compact_when_small={true} />
                <FrameDescription model={props.model.clone()} now={p.time} playing={p.playing} />
            </div>
            <div class="embed-texts">
                <div class="embed-text-column" ref={texts}>
                    if let Some(text) = narration {
                        <p class="embed-narration" data-testid="lesson-text" aria-live="polite">{ text }</p>
                    }
                    <OutcomeLine report={props.report.clone()} />
                </div>
                { for more }
            </div>
            <Controls playback={p.clone()} on_action={props.dispatcher.to_callback()}
                open_full={props.open_full.clone()} />
        </main>
    }
}
