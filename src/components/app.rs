//! The root: language (remembered in `localStorage`), which scenario plays (kept in the URL for
//! built-in ones), and the player — or, for a scenario that cannot run, the error panel; with no
//! scenario named in the address, the start screen.

use crate::components::error_panel::ErrorPanel;
use crate::components::player::Player;
use crate::components::scenario_info::{localized, ScenarioInfo};
use crate::components::scenario_picker::ScenarioPicker;
use crate::components::settings::SettingsPanel;
use crate::components::start_screen::StartScreen;
use crate::i18n::{t, Lang, Text};
use crate::scenarios::{load, ScenarioSource};
use crate::url_state;
use gloo::storage::{LocalStorage, Storage};
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

/// What the address names (`?scenario=`), or nothing: the start screen.
fn initial_source() -> Option<ScenarioSource> {
    url_state::scenario_param().map(ScenarioSource::Builtin)
}

#[function_component(App)]
pub fn app() -> Html {
    let lang = use_state(initial_lang);
    {
        let lang = *lang;
        use_effect_with(lang, move |lang| {
            let _ = LocalStorage::set(LANG_KEY, lang.tag());
            if let Some(root) = gloo::utils::document().document_element() {
                let _ = root.set_attribute("lang", lang.tag());
            }
        });
    }
    let chosen = use_state(initial_source);
    let on_pick = {
        let chosen = chosen.clone();
        Callback::from(move |picked: ScenarioSource| {
            url_state::set_scenario_param(match &picked {
                ScenarioSource::Builtin(name) => Some(name.as_str()),
                ScenarioSource::File { .. } | ScenarioSource::Edited { .. } => None,
            });
            chosen.set(Some(picked));
        })
    };
    // Kept here, so the panels stay open when a settings change plays a new run.
    let panels_open = use_state(|| false);
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
                match &*chosen {
                    None => html! {
                        <div class="app start-app">
                            <header class="app-header">
                                <h1>{ t(l, Text::AppTitle) }</h1>
                                <button class="lang" data-testid="lang" title={t(l, Text::LanguageSwitchTitle)}
                                    onclick={switch_lang}>{ t(l, Text::LanguageSwitch) }</button>
                            </header>
                            <StartScreen {on_pick} />
                        </div>
                    },
                    Some(source) => html! {
                        <ScenarioView source={source.clone()} {on_pick} {switch_lang}
                            panels_open={*panels_open} {on_toggle_panels} />
                    },
                }
            }
        </ContextProvider<Lang>>
    }
}

#[derive(Properties, PartialEq)]
struct ScenarioViewProps {
    source: ScenarioSource,
    on_pick: Callback<ScenarioSource>,
    switch_lang: Callback<MouseEvent>,
    panels_open: bool,
    on_toggle_panels: Callback<()>,
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
    // A lesson (a scenario with steps) gets the lesson view: caption and scene on one screen.
    let lesson = loaded
        .as_ref()
        .as_ref()
        .is_ok_and(|timeline| !timeline.scenario().steps.is_empty());
    html! {
        <div class={classes!("app", lesson.then_some("lesson-app"))}>
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
                <button class="lang" data-testid="lang" title={t(l, Text::LanguageSwitchTitle)}
                    onclick={props.switch_lang.clone()}>{ t(l, Text::LanguageSwitch) }</button>
            </header>
            if !lesson {
                <p class="tagline">{ t(l, Text::Tagline) }</p>
            }
            {
                match &*loaded {
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
                                <Player key={format!("{:p}", Rc::as_ptr(timeline))}
                                    timeline={timeline.clone()} panels_open={props.panels_open}
                                    on_toggle_panels={props.on_toggle_panels.clone()}
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
