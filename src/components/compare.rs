//! The compare view: two configurations of the scenario on screen side by side, in step — say
//! `acks=1` and `acks=all` through the same crash — with their outcome lines next to each other
//! and every figure that differs marked.
//!
//! Each side has its own settings (any setting can be the one that differs) and its own run,
//! recorded by the engine; [`crate::compare::ComparePlayback`] keeps the two clocks together, and
//! a click on a broker or a link breaks it on both sides at the same instant. Nothing about the
//! outcome is worked out here: each side's figures are its own engine report.

use crate::compare::{setting_differences, ComparePlayback};
use crate::components::controls::Controls;
use crate::components::outcome_line::OutcomeLine;
use crate::components::player::shown_report;
use crate::components::scene::Scene;
use crate::components::settings::SettingsPanel;
use crate::i18n::{t, Lang, Text};
use crate::playback::{use_frame_loop, EngineCursor, PlaybackAction};
use crate::scenarios::{load, ScenarioSource};
use crate::scene_model::SceneModel;
use crate::session::{write_address, Start};
use kafkascope_engine::session::{link, CompareSides, Session, SessionScenario};
use kafkascope_engine::{Scenario, Timeline};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties)]
pub struct CompareViewProps {
    /// The run on screen when the reader asked to compare: both sides start from it, unless a
    /// link says what each side runs (`start.compare`) and when.
    pub timeline: Rc<Timeline>,
    #[prop_or_default]
    pub start: Start,
    /// The built-in scenario on screen, by name (what the link names).
    #[prop_or_default]
    pub builtin: Option<AttrValue>,
    pub on_exit: Callback<()>,
}

impl PartialEq for CompareViewProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.timeline, &other.timeline)
            && self.start == other.start
            && self.builtin == other.builtin
            && self.on_exit == other.on_exit
    }
}

/// The run of one side a link names, or (none, or one that cannot run) the run on screen.
fn side_from(scenario: Option<&Rc<Scenario>>, timeline: &Rc<Timeline>) -> Rc<Timeline> {
    scenario
        .and_then(|scenario| {
            load(&ScenarioSource::Edited {
                name: scenario.name.clone(),
                scenario: scenario.clone(),
            })
            .ok()
        })
        .unwrap_or_else(|| without_lesson(timeline))
}

/// A side's scenario from the file the reader picks: given to `on_apply` without its lesson
/// steps (they tell one configuration's story), or what is wrong with it shown in `error`.
fn side_file(
    on_apply: Callback<Scenario>,
    error: UseStateHandle<Option<String>>,
) -> Callback<Event> {
    Callback::from(move |e: Event| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        let (on_apply, error) = (on_apply.clone(), error.clone());
        crate::toml_reader::read_scenario_file(file, move |name, scenario| match scenario {
            Ok(mut scenario) => {
                scenario.steps.clear();
                on_apply.emit(scenario);
            }
            Err(e) => error.set(Some(format!("{name}: {e}"))),
        });
        input.set_value("");
    })
}

#[function_component(CompareView)]
pub fn compare_view(props: &CompareViewProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or(Lang::En);
    let linked = props.start.compare.clone();
    let a = use_state(|| side_from(linked.as_ref().map(|(a, _)| a), &props.timeline));
    let b = use_state(|| match &linked {
        Some((_, b)) => side_from(Some(b), &props.timeline),
        None => (*a).clone(),
    });
    // The session the link names outside the comparison: the run on screen.
    let shared_scenario = use_memo(Rc::as_ptr(&props.timeline) as usize, {
        let timeline = props.timeline.clone();
        let builtin = props.builtin.clone();
        move |_| crate::session::shared_scenario(timeline.scenario(), builtin.as_deref())
    });
    let error = use_state(|| None::<String>);
    let differences = use_memo((Rc::as_ptr(&*a) as usize, Rc::as_ptr(&*b) as usize), {
        let (a, b) = (a.clone(), b.clone());
        move |_| setting_differences(a.scenario(), b.scenario())
    });
    let side =
        |run: &UseStateHandle<Rc<Timeline>>, name: Text, testid: &'static str, is_a: bool| {
            let on_apply = {
                let run = run.clone();
                let error = error.clone();
                let name = run.scenario().name.clone();
                Callback::from(move |scenario: Scenario| {
                    let source = ScenarioSource::Edited {
                        name: name.clone(),
                        scenario: Rc::new(scenario),
                    };
                    match load(&source) {
                        Ok(timeline) => {
                            error.set(None);
                            run.set(timeline);
                        }
                        Err(e) => error.set(Some(e.to_string())),
                    }
                })
            };
            html! {
                <div class="compare-head" data-testid={testid}>
                    <h2>{ t(lang, name) }</h2>
                    <ul class="compare-differences" aria-label={t(lang, Text::CompareDiffers)}>
                        { for differences.iter().map(|d| html! {
                            <li title={d.path.clone()} data-setting={d.path.clone()}>
                                { format!("{} = {}", d.key, if is_a { &d.a } else { &d.b }) }
                            </li>
                        }) }
                    </ul>
                    // Keyed by the run: applied settings close the panel over the new run.
                <SettingsPanel key={format!("{:p}", Rc::as_ptr(&**run))}
                    scenario={Rc::new(run.scenario().clone())} on_apply={on_apply.clone()} />
                    // Any other change: this side from a scenario file (the session saved as
                    // TOML from the share panel, edited), its lesson steps left out.
                    <label class="open-file" title={t(lang, Text::CompareOpenFileTitle)}>
                        { t(lang, Text::OpenFile) }
                        <input type="file" data-testid="compare-open-file" accept=".toml,.json"
                            onchange={side_file(on_apply, error.clone())} />
                    </label>
                </div>
            }
        };
    html! {
        <section class="compare" data-testid="compare" aria-label={t(lang, Text::CompareTitle)}>
            <div class="compare-bar">
                <p class="hint">
                    { t(lang, if differences.is_empty() { Text::CompareSame } else { Text::CompareHint }) }
                </p>
                <button data-testid="compare-exit" onclick={props.on_exit.reform(|_: MouseEvent| ())}>
                    { t(lang, Text::CompareExit) }</button>
            </div>
            if let Some(message) = &*error {
                <p class="settings-error" role="alert" data-testid="compare-error">{ message.clone() }</p>
            }
            { side(&a, Text::CompareSideA, "compare-a", true) }
            { side(&b, Text::CompareSideB, "compare-b", false) }
            // New settings on either side: a new comparison from the start.
            <ComparePlayer key={format!("{:p}-{:p}", Rc::as_ptr(&*a), Rc::as_ptr(&*b))}
                a={(*a).clone()} b={(*b).clone()} shared={(*shared_scenario).clone()}
                start={if props.start.compare.is_some() { props.start.clone() } else { Start::default() }} />
        </section>
    }
}

#[derive(Properties)]
struct ComparePlayerProps {
    a: Rc<Timeline>,
    b: Rc<Timeline>,
    /// The session's scenario outside the comparison (for the link).
    shared: SessionScenario,
    /// Where a link starts the two clocks (its time and speed).
    start: Start,
}

impl PartialEq for ComparePlayerProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.a, &other.a)
            && Rc::ptr_eq(&self.b, &other.b)
            && self.shared == other.shared
            && self.start == other.start
    }
}

/// The two scenes, their outcome lines and one set of controls for both.
#[function_component(ComparePlayer)]
fn compare_player(props: &ComparePlayerProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or(Lang::En);
    let pair = use_reducer({
        let (a, b) = (props.a.clone(), props.b.clone());
        let start = props.start.clone();
        move || {
            let pair = ComparePlayback::new(a, b);
            let pair = match start.speed {
                Some(speed) => pair.apply(PlaybackAction::SetSpeed(speed)),
                None => pair,
            };
            match start.time {
                Some(time) => pair.apply(PlaybackAction::Seek(time)),
                None => pair,
            }
        }
    });
    // The comparison's first frame ends the load marks, as the player's does.
    use_effect_with((), |_| crate::frame_stats::first_frame_shown());
    // While paused, the address holds the comparison (both sides whole): the first write adds a
    // history entry (unless the address already said this), later ones replace it.
    {
        let lead = pair.lead();
        let paused_at = (!lead.playing).then_some(lead.time);
        let session = paused_at.map(|time| Session {
            time_us: Some(time.as_micros()),
            lang: Some(lang.tag().to_string()),
            speed: Some(crate::playback::SPEEDS[lead.speed]),
            compare: Some(CompareSides {
                a: Box::new(pair.a.timeline.scenario().clone()),
                b: Box::new(pair.b.timeline.scenario().clone()),
            }),
            scenario: props.shared.clone(),
            ..Session::builtin("")
        });
        let written = use_mut_ref(|| props.start.from_address && props.start.compare.is_some());
        use_effect_with((paused_at, lead.speed, lang), move |_| {
            if let Some(session) = session {
                let mut written = written.borrow_mut();
                write_address(&link::query(&session), !*written);
                *written = true;
            }
        });
    }
    let cursor_a = use_mut_ref(|| EngineCursor::new(&props.a));
    let cursor_b = use_mut_ref(|| EngineCursor::new(&props.b));
    use_frame_loop(pair.lead(), pair.dispatcher().to_callback());
    let model_a = Rc::new(SceneModel::build(
        cursor_a.borrow_mut().at(&pair.a),
        &pair.a.timeline,
        pair.a.time,
    ));
    let model_b = Rc::new(SceneModel::build(
        cursor_b.borrow_mut().at(&pair.b),
        &pair.b.timeline,
        pair.b.time,
    ));
    let on_action = pair.dispatcher().to_callback();
    let on_fault = use_callback(pair.dispatcher(), |action, dispatcher| {
        dispatcher.dispatch(PlaybackAction::Inject(action))
    });
    let (report_a, report_b) = (shown_report(&model_a.report), shown_report(&model_b.report));
    html! {
        <>
            <div class="scene-box" data-testid="compare-scene-a">
                <Scene model={model_a.clone()} on_fault={on_fault.clone()} />
            </div>
            <div class="scene-box" data-testid="compare-scene-b">
                <Scene model={model_b.clone()} {on_fault} />
            </div>
            <div data-testid="compare-line-a">
                <OutcomeLine report={report_a.clone()} other={Some(report_b.clone())} />
            </div>
            <div data-testid="compare-line-b">
                <OutcomeLine report={report_b} other={Some(report_a)} />
            </div>
            <div class="controls-wrap compare-controls">
                <Controls playback={pair.lead().clone()} {on_action} />
            </div>
        </>
    }
}

/// The run without its lesson steps. A step's text and highlights tell one configuration's story,
/// so the compare view shows neither side's; the run is the same (steps only narrate).
fn without_lesson(timeline: &Rc<Timeline>) -> Rc<Timeline> {
    if timeline.scenario().steps.is_empty() {
        return timeline.clone();
    }
    let mut scenario = timeline.scenario().clone();
    scenario.steps.clear();
    Rc::new(Timeline::record(&scenario))
}
