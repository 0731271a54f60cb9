//! The root: language (remembered in `localStorage`), which scenario plays, and the player — or,
//! for a scenario that cannot run, the error panel; with no scenario named in the address, the
//! start screen. The address is a shared link (`crate::session`): read at start and on
//! back/forward, and kept equal to the screen by the player.

use crate::components::compare::CompareView;
use crate::components::error_panel::ErrorPanel;
use crate::components::link_trouble::LinkTroublePanel;
use crate::components::player::Player;
use crate::components::scenario_info::{localized, ScenarioInfo};
use crate::components::scenario_picker::ScenarioPicker;
use crate::components::settings::SettingsPanel;
use crate::components::start_screen::StartScreen;
use crate::i18n::{t, Lang, Text};
use crate::scenarios::{load, when_builtin_ready, ScenarioSource};
use crate::session::{builtin_in_address, read_address, write_address, Opening, Start};
use gloo::events::EventListener;
use gloo::storage::{LocalStorage, Storage};
use kafkascope_engine::session::Layout;
use std::rc::Rc;
use yew::prelude::*;

const LANG_KEY: &str = "kafkascope.lang";

fn initial_lang() -> Lang {
    if let Some(lang) = LocalStorage::get::<String>(LANG_KEY)
        .ok()
        .and_then(|tag| Lang::from_tag(&tag))
    {
        return lang;
    }
    gloo::utils::window()
        .navigator()
        .language()
        .and_then(|tag| Lang::from_tag(&tag))
        .unwrap_or(Lang::En)
}

/// What the app shows, and from where playback starts. `epoch` counts openings from the address
/// (back/forward), so the player starts afresh even on the same scenario.
#[derive(Clone, PartialEq)]
struct Shown {
    opening: Opening,
    epoch: u32,
}

#[function_component(App)]
pub fn app() -> Html {
    let shown = use_state(|| Shown {
        opening: read_address(),
        epoch: 0,
    });
    let lang = use_state(|| match &shown.opening {
        Opening::Scenario {
            lang: Some(lang), ..
        } => *lang,
        _ => initial_lang(),
    });
    // Kept here, so the panels stay open when a settings change plays a new run.
    let panels_open = use_state(|| matches!(shown.opening, Opening::Scenario { panels: true, .. }));
    // Presenting (a projector): kept here, so it survives another lesson or a settings change.
    let presenting = use_state(
        || matches!(&shown.opening, Opening::Scenario { start, .. } if start.layout == Layout::Present),
    );
    // Comparing two configurations side by side (`components::compare`); a link may open it.
    let comparing = use_state(
        || matches!(&shown.opening, Opening::Scenario { start, .. } if start.compare.is_some()),
    );
    // Back and forward: open what the address now says.
    {
        let shown = shown.clone();
        let lang = lang.clone();
        let panels_open = panels_open.clone();
        let presenting = presenting.clone();
        let comparing = comparing.clone();
        use_effect_with((), move |_| {
            let listener = EventListener::new(&gloo::utils::window(), "popstate", move |_| {
                let (shown, lang, panels_open, presenting, comparing) = (
                    shown.clone(),
                    lang.clone(),
                    panels_open.clone(),
                    presenting.clone(),
                    comparing.clone(),
                );
                let named = builtin_in_address();
                when_builtin_ready(named.as_deref(), move || {
                    let opening = read_address();
                    if let Opening::Scenario {
                        lang: link_lang,
                        panels,
                        start,
                        ..
                    } = &opening
                    {
                        if let Some(l) = link_lang {
                            lang.set(*l);
                        }
                        panels_open.set(*panels);
                        presenting.set(start.layout == Layout::Present);
                        comparing.set(start.compare.is_some());
                    }
                    shown.set(Shown {
                        opening,
                        epoch: shown.epoch + 1,
                    });
                });
            });
            move || drop(listener)
        });
    }
    {
        let lang = *lang;
        use_effect_with(lang, move |lang| {
            let _ = LocalStorage::set(LANG_KEY, lang.tag());
            if let Some(root) = gloo::utils::document().document_element() {
                let _ = root.set_attribute("lang", lang.tag());
            }
        });
    }
    let on_pick = {
        let shown = shown.clone();
        Callback::from(move |picked: ScenarioSource| {
            let shown = shown.clone();
            let named = match &picked {
                ScenarioSource::Builtin(name) => Some(name.clone()),
                _ => None,
            };
            // A built-in scenario opens once fetched (at once if it was opened before).
            when_builtin_ready(named.as_deref(), move || {
                shown.set(Shown {
                    opening: Opening::Scenario {
                        source: picked,
                        start: Start::default(),
                        lang: None,
                        panels: false,
                    },
                    epoch: shown.epoch,
                })
            })
        })
    };
    let to_start_screen = {
        let shown = shown.clone();
        Callback::from(move |()| {
            write_address("", true);
            shown.set(Shown {
                opening: Opening::StartScreen,
                epoch: shown.epoch + 1,
            })
        })
    };
    let on_toggle_present = {
        let presenting = presenting.clone();
        Callback::from(move |()| presenting.set(!*presenting))
    };
    let on_toggle_compare = {
        let comparing = comparing.clone();
        Callback::from(move |()| comparing.set(!*comparing))
    };
    let on_toggle_panels = {
        let panels_open = panels_open.clone();
        Callback::from(move |()| panels_open.set(!*panels_open))
    };
    let switch_lang = {
        let lang = lang.clone();
        Callback::from(move |_: MouseEvent| lang.set(lang.other()))
    };
    let l = *lang;
    html! {
        <ContextProvider<Lang> context={l}>
            {
                match &shown.opening {
                    Opening::StartScreen => without_scenario(l, switch_lang, html! {
                        <StartScreen {on_pick} />
                    }),
                    Opening::Trouble(trouble) => without_scenario(l, switch_lang, html! {
                        <LinkTroublePanel trouble={trouble.clone()} {on_pick} on_start_screen={to_start_screen} />
                    }),
                    Opening::Scenario { source, start, .. } if start.layout == Layout::Embed => html! {
                        <EmbeddedScenario source={source.clone()} start={start.clone()} />
                    },
                    Opening::Scenario { source, start, .. } => html! {
                        <ScenarioView source={source.clone()} start={start.clone()} epoch={shown.epoch}
                            {on_pick} {switch_lang}
                            panels_open={*panels_open} {on_toggle_panels}
                            presenting={*presenting} {on_toggle_present}
                            comparing={*comparing} {on_toggle_compare} />
                    },
                }
            }
        </ContextProvider<Lang>>
    }
}

#[derive(Properties, PartialEq)]
struct EmbeddedScenarioProps {
    source: ScenarioSource,
    start: Start,
}

/// A scenario in an embed (docs/embed.md): only the player, in its compact layout, or the error
/// panel.
#[function_component(EmbeddedScenario)]
fn embedded_scenario(props: &EmbeddedScenarioProps) -> Html {
    let loaded = use_memo(props.source.clone(), load);
    match &*loaded {
        Ok(timeline) => html! {
            <Player timeline={timeline.clone()} start={props.start.clone()}
                builtin={builtin_name(&props.source)} />
        },
        Err(error) => html! {
            <ErrorPanel source={props.source.label().to_string()} message={error.to_string()} />
        },
    }
}

/// A page with no scenario playing (the start screen, a link that cannot be opened): the title,
/// the language switch and `body`.
fn without_scenario(l: Lang, switch_lang: Callback<MouseEvent>, body: Html) -> Html {
    html! {
        <div class="app start-app">
            <header class="app-header">
                <h1>{ t(l, Text::AppTitle) }</h1>
                <button class="lang" data-testid="lang" title={t(l, Text::LanguageSwitchTitle)}
                    onclick={switch_lang}>{ t(l, Text::LanguageSwitch) }</button>
            </header>
            { body }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ScenarioViewProps {
    source: ScenarioSource,
    start: Start,
    epoch: u32,
    on_pick: Callback<ScenarioSource>,
    switch_lang: Callback<MouseEvent>,
    panels_open: bool,
    on_toggle_panels: Callback<()>,
    presenting: bool,
    on_toggle_present: Callback<()>,
    comparing: bool,
    on_toggle_compare: Callback<()>,
}

/// A scenario on screen: the header with the picker, the lesson or free-play view, or the error
/// panel for a scenario that cannot run.
#[function_component(ScenarioView)]
fn scenario_view(props: &ScenarioViewProps) -> Html {
    let l = use_context::<Lang>().unwrap_or(Lang::En);
    let source = &props.source;
    let on_pick = &props.on_pick;
    let loaded = use_memo(source.clone(), load);
    {
        // The tab title follows the scenario and the language.
        let title = loaded
            .as_ref()
            .as_ref()
            .ok()
            .map(|timeline| localized(timeline.scenario(), l).0);
        use_effect_with((title, l), |(title, lang)| {
            let app = t(*lang, Text::AppTitle);
            gloo::utils::document().set_title(&match title {
                Some(title) => format!("{title} — {app}"),
                None => app.to_string(),
            });
        });
    }
    let comparing = props.comparing && loaded.is_ok();
    // A lesson (not compared) gets the lesson view: caption and scene on one screen.
    let lesson = !comparing
        && loaded
            .as_ref()
            .as_ref()
            .is_ok_and(|timeline| !timeline.scenario().steps.is_empty());
    html! {
        <div class={classes!("app", lesson.then_some("lesson-app"), comparing.then_some("compare-app"), props.presenting.then_some("present"))}>
            <header class="app-header">
                <h1>{ t(l, Text::AppTitle) }</h1>
                <ScenarioPicker current={source.clone()} on_pick={on_pick.clone()} />
                if lesson {
                    // A lesson's settings drop down from the header; its title and description
                    // are in the caption column.
                    if let Ok(timeline) = &*loaded {
                        { settings_panel(timeline, source, on_pick) }
                    }
                }
                <button data-testid="compare" aria-pressed={comparing.to_string()} title={t(l, Text::CompareTitle)}
                    onclick={props.on_toggle_compare.reform(|_: MouseEvent| ())}>{ t(l, Text::Compare) }</button>
                <button data-testid="present" title={t(l, Text::PresentTitle)}
                    onclick={props.on_toggle_present.reform(|_: MouseEvent| ())}>{ t(l, Text::Present) }</button>
                <button class="lang" data-testid="lang" title={t(l, Text::LanguageSwitchTitle)}
                    onclick={props.switch_lang.clone()}>{ t(l, Text::LanguageSwitch) }</button>
            </header>
            if !lesson && !comparing {
                <p class="tagline">{ t(l, Text::Tagline) }</p>
            }
            {
                match &*loaded {
                    Ok(timeline) if comparing => html! {
                        // Both sides start from the run on screen; another scenario starts anew.
                        <CompareView key={format!("{}-{:p}", props.epoch, Rc::as_ptr(timeline))}
                            timeline={timeline.clone()} start={props.start.clone()}
                            builtin={builtin_name(source)}
                            on_exit={props.on_toggle_compare.clone()} />
                    },
                    Ok(timeline) => {
                        let (title, description) = localized(timeline.scenario(), l);
                        html! {
                            <>
                                if !lesson {
                                    <div class="scenario-bar">
                                        <ScenarioInfo title={title} description={description}
                                            reader_settings={timeline.scenario().reader_settings.clone()} />
                                        { settings_panel(timeline, source, on_pick) }
                                    </div>
                                }
                                // A new timeline remounts the player (fresh playback state).
                                <Player key={format!("{}-{:p}", props.epoch, Rc::as_ptr(timeline))}
                                    timeline={timeline.clone()} start={props.start.clone()}
                                    builtin={builtin_name(source)}
                                    panels_open={props.panels_open}
                                    on_toggle_panels={props.on_toggle_panels.clone()}
                                    presenting={props.presenting}
                                    on_toggle_present={props.on_toggle_present.clone()}
                                    on_open_lesson={on_pick.reform(ScenarioSource::Builtin)} />
                            </>
                        }
                    }
                    Err(error) => html! {
                        <ErrorPanel source={source.label().to_string()} message={error.to_string()} />
                    },
                }
            }
        </div>
    }
}

/// The built-in scenario a source plays (perhaps changed), by name: what a link can name.
fn builtin_name(source: &ScenarioSource) -> Option<AttrValue> {
    let name = source.label();
    crate::scenarios::is_builtin(name).then(|| AttrValue::from(name.to_string()))
}

/// The settings panel for what plays now: applying it plays the edited scenario.
fn settings_panel(
    timeline: &Rc<kafkascope_engine::Timeline>,
    source: &ScenarioSource,
    on_pick: &Callback<ScenarioSource>,
) -> Html {
    let on_apply = {
        let on_pick = on_pick.clone();
        let name = source.label().to_string();
        Callback::from(move |scenario: kafkascope_engine::Scenario| {
            on_pick.emit(ScenarioSource::Edited {
                name: name.clone(),
                scenario: Rc::new(scenario),
            })
        })
    };
    html! { <SettingsPanel scenario={Rc::new(timeline.scenario().clone())} {on_apply} /> }
}
