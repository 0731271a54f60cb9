//! Choosing what to play: a built-in scenario, or a scenario file from the reader's disk.

use crate::i18n::{t, Lang, Text};
use crate::scenarios::{builtin_names, builtin_titles, chapter_of, ScenarioSource, CHAPTERS};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ScenarioPickerProps {
    pub current: ScenarioSource,
    pub on_pick: Callback<ScenarioSource>,
}

#[function_component(ScenarioPicker)]
pub fn scenario_picker(props: &ScenarioPickerProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or(Lang::En);
    let titles = use_memo(lang, |lang| builtin_titles(*lang));
    let on_select = {
        let on_pick = props.on_pick.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            on_pick.emit(ScenarioSource::Builtin(select.value()));
        })
    };
    let on_file = {
        let on_pick = props.on_pick.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|files| files.get(0)) else {
                return;
            };
            let on_pick = on_pick.clone();
            crate::toml_reader::read_scenario_file(file, move |name, scenario| {
                on_pick.emit(ScenarioSource::File {
                    name,
                    scenario: std::rc::Rc::new(scenario),
                })
            });
            input.set_value("");
        })
    };
    let current_builtin = match &props.current {
        ScenarioSource::Builtin(name) => builtin_names().find(|n| n == name),
        ScenarioSource::File { .. } | ScenarioSource::Edited { .. } => None,
    };
    // What plays is not one of the list (a file, or an unknown name from a link): show it as a
    // disabled entry, so that picking any built-in one is a change.
    let other = match (&props.current, current_builtin) {
        (_, Some(_)) => None,
        (ScenarioSource::File { name, .. }, None) => {
            Some(format!("{} ({})", name, t(lang, Text::FromFile)))
        }
        (ScenarioSource::Edited { name, .. }, None) => {
            Some(format!("{} ({})", name, t(lang, Text::Settings)))
        }
        (ScenarioSource::Builtin(name), None) => Some(name.clone()),
    };
    html! {
        <div class="scenario-picker">
            <label>
                { t(lang, Text::ScenarioPickerLabel) }
                <select data-testid="scenario" onchange={on_select}>
                    { for CHAPTERS.iter().enumerate().map(|(chapter, (label, _))| html! {
                        <optgroup label={t(lang, *label)}>
                            { for titles.iter().filter(|(name, _)| chapter_of(name) == chapter).map(|(name, title)| html! {
                                <option value={*name} selected={current_builtin == Some(*name)}>{ title.clone() }</option>
                            }) }
                        </optgroup>
                    }) }
                    if let Some(other) = other {
                        <option value="" selected=true disabled=true>{ other }</option>
                    }
                </select>
            </label>
            <label class="open-file" title={t(lang, Text::OpenFileTitle)}>
                { t(lang, Text::OpenFile) }
                <input type="file" data-testid="open-file" accept=".toml,.json" onchange={on_file} />
            </label>
        </div>
    }
}
