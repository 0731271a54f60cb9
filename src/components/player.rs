//! The player: owns the playback reducer, the animation-frame loop, and the engine cursor.
//!
//! The animation loop runs only while playing: each render in the playing state requests exactly
//! one animation frame, whose handle is dropped (cancelling it) when the state changes or the
//! component goes away. Paused, no frame is requested and the page does no work.
//! The engine cursor (a world seeked to the playback time) lives in a `use_mut_ref`: moving
//! forward simulates on from where it stands; moving back restores a checkpoint.

use crate::components::controls::{Controls, OpenFull};
use crate::components::embed::EmbedStage;
use crate::components::events::EventLog;
use crate::components::faults::{FaultPanel, FaultTargets};
use crate::components::frame_description::FrameDescription;
use crate::components::keys::{toggle_full_screen, KeyCommand, KeyState};
use crate::components::legend::Legend;
use crate::components::lesson::LessonPanel;
use crate::components::outcome::Outcome;
use crate::components::outcome_line::OutcomeLine;
use crate::components::scene::Scene;
use crate::components::share::SharePanel;
use crate::components::tables_side_by_side::{TablesSideBySide, TABLES_FOR_SIDE_BY_SIDE};
use crate::frame_stats::FrameStats;
use crate::i18n::{t, Text};
use crate::playback::{
    current_step, step_moment, use_frame_loop, EngineCursor, Playback, PlaybackAction, SPEEDS,
};
use crate::scene_model::SceneModel;
use crate::session::{write_address, Start};
use gloo::events::EventListener;
use kafkascope_engine::session::{link, Layout, Session, SessionView};
use kafkascope_engine::{NodeId, SimTime, Timeline};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties)]
pub struct PlayerProps {
    pub timeline: Rc<Timeline>,
    /// Where playback starts (from a link), and whether the address already shows it.
    #[prop_or_default]
    pub start: Start,
    /// The built-in scenario this run plays (perhaps changed), by name: a link names it instead
    /// of carrying it when only the reader's faults were added.
    #[prop_or_default]
    pub builtin: Option<AttrValue>,
    /// In a lesson: whether the side panels are open (kept by the app, so they stay open when a
    /// settings change plays a new run), and the button that opens or closes them.
    #[prop_or_default]
    pub panels_open: bool,
    #[prop_or_default]
    pub on_toggle_panels: Callback<()>,
    /// Opens another built-in lesson (the guided tour's navigation).
    #[prop_or_default]
    pub on_open_lesson: Callback<String>,
    /// Presenting (a projector), and the switch that stops it.
    #[prop_or_default]
    pub presenting: bool,
    #[prop_or_default]
    pub on_toggle_present: Callback<()>,
}

impl PartialEq for PlayerProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.timeline, &other.timeline)
            && self.start == other.start
            && self.builtin == other.builtin
            && self.panels_open == other.panels_open
            && self.on_toggle_panels == other.on_toggle_panels
            && self.on_open_lesson == other.on_open_lesson
            && self.presenting == other.presenting
            && self.on_toggle_present == other.on_toggle_present
    }
}

#[function_component(Player)]
pub fn player(props: &PlayerProps) -> Html {
    let playback = use_reducer({
        let timeline = props.timeline.clone();
        let start = props.start.clone();
        move || Playback::opened(timeline, &start)
    });
    // The engine cursor, tagged with the timeline generation it belongs to.
    let world = use_mut_ref(|| EngineCursor::new(&props.timeline));

    // The reader switched a many-tables scenario from the tables side by side to the scene.
    let scene_chosen = use_state(|| props.start.view == Some(SessionView::Scene));
    let lang = use_context::<crate::i18n::Lang>().unwrap_or(crate::i18n::Lang::En);

    // Frame cost: from the start of this render to its effect (after children and the DOM patch).
    let frame_stats = use_mut_ref(FrameStats::default);
    let render_started = gloo::utils::window()
        .performance()
        .map(|p| p.now())
        .unwrap_or(0.0);
    {
        let frame_stats = frame_stats.clone();
        use_effect_with(playback.frame, move |_| {
            if let Some(perf) = gloo::utils::window().performance() {
                frame_stats.borrow_mut().record(perf.now() - render_started);
            }
        });
    }

    use_frame_loop(&playback, playback.dispatcher().to_callback());

    let lesson = !props.timeline.scenario().steps.is_empty();
    let panels_open = props.panels_open;
    let on_toggle_panels = props.on_toggle_panels.clone();

    // Time from navigation to the first rendered frame, for the bench command.
    use_effect_with((), |_| {
        let now = gloo::utils::window()
            .performance()
            .map(|p| p.now())
            .unwrap_or(0.0);
        if let Some(root) = gloo::utils::document().document_element() {
            let _ = root.set_attribute("data-first-frame-ms", &format!("{now:.1}"));
        }
        crate::frame_stats::first_frame_shown();
    });

    // Each newly recorded run: when it was on screen and how much memory the page holds, for
    // the bench command (a run's size is what memory grows with).
    use_effect_with(playback.timeline.end(), |_| {
        let now = gloo::utils::window()
            .performance()
            .map(|p| p.now())
            .unwrap_or(0.0);
        let bytes = wasm_bindgen::memory()
            .dyn_into::<js_sys::WebAssembly::Memory>()
            .ok()
            .and_then(|m| m.buffer().dyn_into::<js_sys::ArrayBuffer>().ok())
            .map_or(0.0, |b| f64::from(b.byte_length()));
        if let Some(root) = gloo::utils::document().document_element() {
            let _ = root.set_attribute("data-loaded-ms", &format!("{now:.1}"));
            let _ = root.set_attribute("data-wasm-memory-bytes", &format!("{bytes}"));
        }
    });

    let timeline = playback.timeline.clone();
    crate::frame_stats::mark_load_stage("player-render");
    let model = Rc::new(SceneModel::build(
        world.borrow_mut().at(&playback),
        &timeline,
        playback.time,
    ));
    crate::frame_stats::mark_load_stage("scene-model-built");
    // One callback for the whole session (not a new one per frame), so the scene's nodes that
    // take it re-render only when what they draw changes.
    let on_fault = use_callback(
        playback.dispatcher(),
        |action: kafkascope_engine::Action, dispatcher| {
            dispatcher.dispatch(PlaybackAction::Inject(action))
        },
    );

    // Keyboard: Space plays or pauses, "." steps to the next event; in a lesson → / PageDown go
    // to the next step and ← / PageUp back (a presenter's clicker sends PageDown/PageUp), and on
    // across the guided tour's lessons past the last step or before the first; in free play →
    // steps one event too. Presenting, also: 1–9 crash or restart broker N, Shift+1–9 kill or
    // restart consumer N (the same actions as the fault panel), L / Shift+L select a link and X
    // cuts or heals it, F full screen, Esc stops.
    // The lesson step on screen (0 in free play), and what may be broken live: shared by the keys,
    // the link and the fault panel.
    let current = current_step(
        &playback.timeline.scenario().steps,
        playback.time,
        playback.timeline.end(),
    );
    let fault_targets = FaultTargets::of(&model);
    // Presenting: the QR code of the session's link, over the scene (key Q).
    let qr_open = use_state(|| false);
    // Presenting: the link L selected, which X cuts or heals.
    let selected_link = use_state(|| None::<(NodeId, NodeId)>);
    {
        let dispatcher = playback.dispatcher();
        let steps = &playback.timeline.scenario().steps;
        let last_reached = lesson
            && current + 1 == steps.len()
            && playback.time >= step_moment(&steps[current], playback.timeline.end());
        let tour = crate::components::lesson::Tour::of(&playback.timeline.scenario().name);
        let tour_next = tour.as_ref().and_then(|t| t.next).filter(|_| last_reached);
        let tour_previous = tour
            .as_ref()
            .and_then(|t| t.previous)
            .filter(|_| current == 0);
        let keys = KeyState {
            playing: playback.playing,
            presenting: props.presenting,
            tour_next,
            tour_previous,
            brokers: fault_targets.brokers.clone(),
            consumers: fault_targets.consumers.clone(),
            links: fault_targets.links.clone(),
            selected_link: *selected_link,
        };
        let on_fault = on_fault.clone();
        let on_open_lesson = props.on_open_lesson.clone();
        let on_toggle_present = props.on_toggle_present.clone();
        let qr_open = qr_open.clone();
        let select_link = selected_link.setter();
        use_effect_with(keys, move |keys| {
            let keys = keys.clone();
            let listener = EventListener::new(&gloo::utils::document(), "keydown", move |event| {
                let Some(event) = event.dyn_ref::<web_sys::KeyboardEvent>() else {
                    return;
                };
                if focus_takes_key(event) || event.ctrl_key() || event.meta_key() || event.alt_key()
                {
                    return;
                }
                match keys.command(&event.key(), &event.code(), event.shift_key(), lesson) {
                    Some(KeyCommand::Playback(action)) => dispatcher.dispatch(action),
                    Some(KeyCommand::Fault(action)) => on_fault.emit(action),
                    Some(KeyCommand::OpenLesson(name)) => on_open_lesson.emit(name.to_string()),
                    Some(KeyCommand::FullScreen) => toggle_full_screen(),
                    Some(KeyCommand::ToggleQr) => qr_open.set(!*qr_open),
                    Some(KeyCommand::StopPresenting) => on_toggle_present.emit(()),
                    Some(KeyCommand::SelectLink(ends)) => select_link.set(Some(ends)),
                    None => return,
                }
                event.prevent_default();
            });
            move || drop(listener)
        });
    }

    // Four tables or more open side by side (the scene would shrink to hold them); the reader can
    // switch to the scene and back.
    let many_tables = model.report.tables.len() >= TABLES_FOR_SIDE_BY_SIDE;
    let side_by_side = many_tables && !*scene_chosen;

    // The session on screen, as a link. The scenario part changes only with the recorded run.
    let shared_scenario = {
        let timeline = playback.timeline.clone();
        let builtin = props.builtin.clone();
        use_memo(
            (
                Rc::as_ptr(&playback.timeline) as usize,
                props.builtin.clone(),
            ),
            move |_| crate::session::shared_scenario(timeline.scenario(), builtin.as_deref()),
        )
    };
    let step = lesson.then_some(current);
    let view = many_tables.then_some(if side_by_side {
        SessionView::Tables
    } else {
        SessionView::Scene
    });
    let on_screen = OnScreen {
        scenario: shared_scenario.clone(),
        step,
        lang,
        speed: SPEEDS[playback.speed],
        view,
        panels: panels_open,
        presenting: props.presenting,
    };
    let session_at = |time: SimTime| on_screen.at(time);
    let embedded = props.start.layout == Layout::Embed;
    // The session on screen as a link's query, encoded when what it names changes, not once per
    // frame (an encoding compresses the whole session): while playing, as it was when playback
    // started or the step, speed, language or view last changed. The full page's address follows
    // it while paused; the embed's "Open in Kafkascope" shows it until the reader reaches for the
    // link, which then names the moment on screen (`OpenFull`).
    let session_query = use_memo(
        (
            Rc::as_ptr(&shared_scenario) as usize,
            (!playback.playing).then_some(playback.time),
            playback.speed,
            lang,
            view,
            panels_open,
            step,
            props.presenting,
        ),
        |_| (!playback.playing || embedded).then(|| link::query(&session_at(playback.time))),
    );
    // While paused, the address follows the screen: a new entry when what is shown changes (the
    // run, the step, the view), the same entry when only the time or speed moves. An embed never
    // writes it (its history would be the host page's).
    {
        let written = use_mut_ref(|| None::<(usize, Option<usize>, Option<SessionView>, bool)>);
        let from_address = props.start.from_address;
        let shown = (
            Rc::as_ptr(&shared_scenario) as usize,
            step,
            view,
            props.presenting,
        );
        use_effect_with(session_query.clone(), move |query| {
            if embedded {
                return;
            }
            if let Some(query) = query.as_deref() {
                let mut written = written.borrow_mut();
                let push = match *written {
                    None => !from_address,
                    Some(before) => before != shown,
                };
                write_address(query, push);
                *written = Some(shown);
            }
        });
    }
    let share_open = use_state(|| false);
    let share = share_open.then(|| {
        html! { <SharePanel session={Rc::new(session_at(playback.time))} timeline={timeline.clone()} /> }
    });
    if embedded {
        // Just the scene and compact controls; "open in Kafkascope" goes to the same session:
        // its address as last encoded, and the moment on screen once the reader reaches for it.
        let open_full = OpenFull {
            href: AttrValue::from(crate::session::address_of(
                session_query.as_deref().unwrap_or_default(),
            )),
            now: {
                let time = playback.time;
                Callback::from(move |()| {
                    crate::session::address_of(&link::query(&on_screen.at(time)))
                })
            },
        };
        return html! {
            <EmbedStage model={model.clone()} report={shown_report(&model.report)}
                playback={(*playback).clone()} dispatcher={playback.dispatcher()}
                on_fault={on_fault.clone()} narration={!props.start.hide_narration}
                {open_full} />
        };
    }
    let on_share = {
        let share_open = share_open.clone();
        Callback::from(move |()| share_open.set(!*share_open))
    };
    // What X would do to the selected link, named as the scene names it.
    let selected_link_label = selected_link
        .and_then(|ends| {
            fault_targets
                .links
                .iter()
                .find(|(a, b, _)| (*a, *b) == ends)
        })
        .map(|(a, b, cut)| crate::components::scene::link_label(lang, (*a, *b), *cut));
    let side = html! {
        <aside class="side" data-testid="side-panels">
            <Outcome report={shown_report(&model.report)} />
            <EventLog events={model.events.clone()} />
            <FaultPanel targets={fault_targets} on_fault={on_fault.clone()} />
            <Legend />
        </aside>
    };
    let qr_overlay = (props.presenting && *qr_open).then(|| {
        let link = crate::session::address_of(&link::query(&session_at(playback.time)));
        html! {
            <div class="qr-overlay" data-testid="qr-overlay">
                <crate::components::qr::Qr text={AttrValue::from(link.clone())} />
                <p class="qr-link">{ link }</p>
            </div>
        }
    });
    let stage = html! {
        <div class="stage-column">
            { qr_overlay.unwrap_or_default() }
            <div class="scene-box">
                if side_by_side {
                    <TablesSideBySide model={model.clone()} />
                } else {
                    <Scene model={model.clone()} {on_fault}
                        selected_link={selected_link.filter(|_| props.presenting)} />
                }
                <FrameDescription model={model.clone()} now={playback.time} playing={playback.playing} />
                if many_tables {
                    <button class="view-toggle" data-testid="tables-toggle"
                        onclick={let s = scene_chosen.clone(); Callback::from(move |_| s.set(!*s))}>
                        { t(lang, if side_by_side { Text::ShowScene } else { Text::ShowTables }) }
                    </button>
                }
            </div>
            if lesson {
                <OutcomeLine report={shown_report(&model.report)} />
            }
            if props.presenting {
                <p class="present-keys" data-testid="present-keys">
                    <span class="key-hint">{ t(lang, Text::PresentKeys) }</span>
                    if let Some(label) = selected_link_label {
                        <span class="selected-link" data-testid="selected-link">
                            { format!("{}: ", t(lang, Text::SelectedLink)) }<strong>{ label }</strong>
                        </span>
                    }
                    <button data-testid="present-qr" aria-expanded={qr_open.to_string()}
                        onclick={let q = qr_open.clone(); Callback::from(move |_| q.set(!*q))}>
                        { t(lang, Text::ShowQr) }</button>
                    <button data-testid="present-exit" onclick={props.on_toggle_present.reform(|_: MouseEvent| ())}>
                        { t(lang, Text::PresentExit) }</button>
                </p>
            }
            <div class="controls-wrap">
                <Controls playback={(*playback).clone()} on_action={playback.dispatcher().to_callback()}
                    share_open={*share_open} on_share={Some(on_share)} />
                { share.unwrap_or_default() }
            </div>
        </div>
    };
    if lesson {
        html! {
            <main class={classes!("player", "lesson-mode", panels_open.then_some("panels-open"))}>
                <LessonPanel playback={(*playback).clone()} dispatcher={playback.dispatcher()}
                    on_open_lesson={props.on_open_lesson.clone()}
                    {panels_open} {on_toggle_panels} />
                { stage }
                if panels_open {
                    { side }
                }
            </main>
        }
    } else {
        html! {
            <main class={classes!("player", (props.presenting && panels_open).then_some("panels-open"))}>
                { stage }
                { side }
            </main>
        }
    }
}

/// The report as the panel shows it: without the figures it does not display (the event count
/// and the time move every frame), so the panel re-renders only when a shown figure changes.
pub fn shown_report(report: &kafkascope_engine::OutcomeReport) -> kafkascope_engine::OutcomeReport {
    let mut shown = report.clone();
    shown.events = 0;
    shown.end_time_us = 0;
    shown
}

/// What a link to the session on screen carries besides its time; owned, so that a callback can
/// build the link later (the embed's "Open in Kafkascope", when the reader reaches for it).
#[derive(Clone)]
struct OnScreen {
    /// The scenario part, which changes only with the recorded run.
    scenario: Rc<kafkascope_engine::session::SessionScenario>,
    step: Option<usize>,
    lang: crate::i18n::Lang,
    speed: f64,
    view: Option<SessionView>,
    panels: bool,
    presenting: bool,
}

impl OnScreen {
    /// The session at `time`: paused, in the full page (or presenting).
    fn at(&self, time: SimTime) -> Session {
        Session {
            scenario: (*self.scenario).clone(),
            time_us: Some(time.as_micros()),
            step: self.step,
            lang: Some(self.lang.tag().to_string()),
            speed: Some(self.speed),
            view: self.view,
            panels: self.panels,
            playing: false,
            layout: if self.presenting {
                Layout::Present
            } else {
                Layout::Full
            },
            narration: true,
            fixed_step: false,
            compare: None,
        }
    }
}

/// Whether the focused element acts on this key itself, so the page's keys leave it alone: every
/// key typed into a field; Space or Enter on a button, a `<summary>` or a node drawn as a button
/// (Space there presses it, as it should, rather than playing or pausing); Enter on a link
/// (which follows it; Space on a link is the page's, as browsers give links no Space).
fn focus_takes_key(event: &web_sys::KeyboardEvent) -> bool {
    let Some(element) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return false;
    };
    let key = event.key();
    let presses = matches!(key.as_str(), " " | "Enter");
    match element.tag_name().to_ascii_uppercase().as_str() {
        "INPUT" | "SELECT" | "TEXTAREA" => true,
        "BUTTON" | "SUMMARY" => presses,
        "A" => key == "Enter",
        _ => presses && element.get_attribute("role").as_deref() == Some("button"),
    }
}
