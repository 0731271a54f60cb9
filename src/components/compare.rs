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
use crate::playback::{EngineCursor, PlaybackAction};
use crate::scenarios::{load, ScenarioSource};
use crate::scene_model::SceneModel;
use gloo::render::request_animation_frame;
use kafkascope_engine::{Scenario, Timeline};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties)]
pub struct CompareViewProps {
    /// The run on screen when the reader asked to compare: both sides start from it.
    pub timeline: Rc<Timeline>,
    pub on_exit: Callback<()>,
}

impl PartialEq for CompareViewProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.timeline, &other.timeline) && self.on_exit == other.on_exit
    }
}

#[function_component(CompareView)]
pub fn compare_view(props: &CompareViewProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or(Lang::En);
    let a = use_state(|| without_lesson(&props.timeline));
    let b = use_state(|| (*a).clone());
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
                    scenario={Rc::new(run.scenario().clone())} {on_apply} />
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
                a={(*a).clone()} b={(*b).clone()} />
        </section>
    }
}

#[derive(Properties)]
struct ComparePlayerProps {
    a: Rc<Timeline>,
    b: Rc<Timeline>,
}

impl PartialEq for ComparePlayerProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.a, &other.a) && Rc::ptr_eq(&self.b, &other.b)
    }
}

/// The two scenes, their outcome lines and one set of controls for both.
#[function_component(ComparePlayer)]
fn compare_player(props: &ComparePlayerProps) -> Html {
    let pair = use_reducer({
        let (a, b) = (props.a.clone(), props.b.clone());
        move || ComparePlayback::new(a, b)
    });
    let cursor_a = use_mut_ref(|| EngineCursor::new(&props.a));
    let cursor_b = use_mut_ref(|| EngineCursor::new(&props.b));
    // One animation frame per playing render, as in the player; none while paused.
    {
        let dispatcher = pair.dispatcher();
        let lead = pair.lead();
        use_effect_with((lead.playing, lead.frame), move |(playing, _)| {
            let frame = playing.then(|| {
                request_animation_frame(move |timestamp| {
                    dispatcher.dispatch(PlaybackAction::Frame(timestamp))
                })
            });
            move || drop(frame)
        });
    }
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
