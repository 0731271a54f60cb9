//! The root: language choice (remembered in `localStorage`), the scenario, and the player.

use crate::components::error_panel::ErrorPanel;
use crate::components::player::Player;
use crate::i18n::{t, Lang, Text};
use crate::scenarios::load_builtin;
use gloo::storage::{LocalStorage, Storage};
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
            gloo::utils::document().set_title(&format!(
                "{} — {}",
                t(*lang, Text::AppTitle),
                t(*lang, Text::Scenario)
            ));
        });
    }
    let switch_lang = {
        let lang = lang.clone();
        Callback::from(move |_| lang.set(lang.other()))
    };
    let loaded = use_memo((), |_| load_builtin(crate::scenarios::DEFAULT_SCENARIO));
    let l = *lang;
    html! {
        <ContextProvider<Lang> context={l}>
            <div class="app">
                <header class="app-header">
                    <h1>{ t(l, Text::AppTitle) }</h1>
                    <p class="tagline">{ t(l, Text::Tagline) }</p>
                    <button class="lang" data-testid="lang" title={t(l, Text::LanguageSwitchTitle)}
                        onclick={switch_lang}>{ t(l, Text::LanguageSwitch) }</button>
                </header>
                {
                    match &*loaded {
                        Ok(timeline) => html! { <Player timeline={timeline.clone()} /> },
                        Err(error) => html! { <ErrorPanel message={error.to_string()} /> },
                    }
                }
            </div>
        </ContextProvider<Lang>>
    }
}
