//! The built-in scenarios: their names in the order the picker lists them, their titles, and
//! their JSON text (converted from `scenarios/*.toml` by `build.rs`).
//!
//! Where the text comes from:
//! - in the page (wasm32), each file is fetched when it is first opened, from `scenarios/NAME.json`
//!   beside the page (same origin; Trunk's post-build hook puts the files there), and kept for the
//!   rest of the visit. The first frame then downloads one scenario, not all of them (issue 12).
//!   The one a link names (`?scenario=NAME`) is fetched by the page's loader (`static/boot.js`)
//!   while the wasm downloads, and taken from it here.
//!   [`when_builtin_ready`] runs what opens a built-in scenario once its text is here;
//! - natively (the app's tests and benches), every file is embedded and always ready.
//!
//! Titles are embedded everywhere (`BUILTIN_TITLES`, a few hundred bytes per file), so the picker,
//! the start screen and the tour name every scenario without fetching it.

use crate::i18n::Lang;
use kafkascope_engine::{Scenario, ScenarioError};

include!(concat!(env!("OUT_DIR"), "/builtin_titles.rs"));

/// Every built-in scenario the page offers, in the order the picker lists them: chapter by
/// chapter (`super::CHAPTERS`).
pub fn builtin_names() -> impl Iterator<Item = &'static str> {
    super::CHAPTERS
        .iter()
        .flat_map(|(_, names)| names.iter().copied())
}

/// Whether `name` is a built-in scenario the page offers.
pub fn is_builtin(name: &str) -> bool {
    builtin_names().any(|n| n == name)
}

/// Every built-in scenario's name and its title in `lang` (its name when the file has no title).
pub fn builtin_titles(lang: Lang) -> Vec<(&'static str, String)> {
    builtin_names()
        .map(|name| {
            let title = BUILTIN_TITLES
                .iter()
                .find(|(n, _, _)| *n == name)
                .map(|(_, en, ko)| match lang {
                    Lang::En => *en,
                    Lang::Ko => *ko,
                })
                .filter(|title| !title.is_empty())
                .unwrap_or(name);
            (name, title.to_string())
        })
        .collect()
}

/// The JSON text of the built-in scenario `name`, if there is one and (in the page) it has been
/// fetched.
pub fn builtin_text(name: &str) -> Option<&'static str> {
    text::get(name)?.ok()
}

/// The built-in scenario `name`, read and validated (`None`: there is none so named, or it has
/// not been fetched).
pub fn builtin_scenario(name: &str) -> Option<Result<Scenario, ScenarioError>> {
    builtin_text(name).map(Scenario::from_json)
}

/// The built-in scenario `name`, read and validated; an error names what went wrong: no such
/// scenario (and the ones there are), or a file the page could not fetch.
pub(super) fn read(name: &str) -> Result<Scenario, ScenarioError> {
    let invalid = |problem: String| ScenarioError::Invalid {
        field: "scenario".into(),
        problem,
    };
    if !is_builtin(name) {
        return Err(invalid(format!(
            "there is no built-in scenario named `{name}`; the built-in ones are {}",
            builtin_names()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    match text::get(name) {
        Some(Ok(text)) => Scenario::from_json(text),
        Some(Err(why)) => Err(invalid(format!(
            "the built-in scenario `{name}` could not be fetched from scenarios/{name}.json: {why}"
        ))),
        None => Err(invalid(format!(
            "the built-in scenario `{name}` has not been fetched yet"
        ))),
    }
}

/// Runs `then` once the built-in scenario `name` (if it is one) can be read: at once when its
/// file is here, else after fetching it. A failed fetch is kept as the reason [`read`] gives, and
/// tried again the next time the scenario is opened. Whatever opens a built-in scenario goes
/// through here.
pub fn when_builtin_ready(name: Option<&str>, then: impl FnOnce() + 'static) {
    let here = |n: &str| text::get(n).is_some_and(|text| text.is_ok());
    match name.filter(|n| is_builtin(n) && !here(n)) {
        None => then(),
        Some(name) => text::fetch_then(name.to_string(), then),
    }
}

/// Keeps `text` as the built-in scenario `name`'s file, as if fetched: for a page that already
/// has it (the app's wasm component tests, whose test server has no `scenarios/` folder, embed it).
pub fn supply_builtin_text(name: &str, text: &'static str) {
    text::supply(name, text);
}

/// Natively: every file embedded.
#[cfg(not(target_arch = "wasm32"))]
mod text {
    include!(concat!(env!("OUT_DIR"), "/builtin_json.rs"));

    pub fn get(name: &str) -> Option<Result<&'static str, String>> {
        BUILTIN_JSON
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, text)| Ok(*text))
    }

    pub fn fetch_then(_name: String, then: impl FnOnce() + 'static) {
        then()
    }

    /// Every file is here already.
    pub fn supply(_name: &str, _text: &'static str) {}
}

/// In the page: fetched on demand and kept for the visit.
#[cfg(target_arch = "wasm32")]
mod text {
    use std::cell::RefCell;
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    thread_local! {
        /// Each fetched file's text (leaked: at most one per built-in scenario, kept for the
        /// visit, so readers get `&'static str` as natively), or why it could not be fetched.
        static FETCHED: RefCell<Vec<(String, Result<&'static str, String>)>> = const { RefCell::new(Vec::new()) };
    }

    pub fn get(name: &str) -> Option<Result<&'static str, String>> {
        FETCHED.with_borrow(|fetched| {
            fetched
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, text)| text.clone())
        })
    }

    pub fn supply(name: &str, text: &'static str) {
        FETCHED.with_borrow_mut(|fetched| {
            fetched.retain(|(n, _)| n != name);
            fetched.push((name.to_string(), Ok(text)));
        });
    }

    pub fn fetch_then(name: String, then: impl FnOnce() + 'static) {
        wasm_bindgen_futures::spawn_local(async move {
            let text = fetch_text(&format!("scenarios/{name}.json"))
                .await
                .map(|text| &*Box::leak(text.into_boxed_str()));
            FETCHED.with_borrow_mut(|fetched| {
                // A file fetched meanwhile stays; a failure is replaced by this answer.
                match fetched.iter_mut().find(|(n, _)| *n == name) {
                    Some((_, kept)) if kept.is_ok() => {}
                    Some((_, kept)) => *kept = text,
                    None => fetched.push((name, text)),
                }
            });
            then();
        });
    }

    #[wasm_bindgen::prelude::wasm_bindgen]
    extern "C" {
        /// `static/boot.js`: the response to the GET of `url` it started while the wasm
        /// downloaded, if it asked for `url`. Any call discards it, so a later fetch of the same
        /// file asks the server again. Throws where the page was not started by it (the wasm
        /// tests).
        #[wasm_bindgen(js_name = kafkascopeTakePrefetched, catch)]
        fn take_prefetched(url: &str) -> Result<wasm_bindgen::JsValue, wasm_bindgen::JsValue>;
    }

    /// The body of a same-origin GET of `url` (relative to the page), as text: the loader's, if
    /// it started one.
    async fn fetch_text(url: &str) -> Result<String, String> {
        let describe = |e: wasm_bindgen::JsValue| {
            e.as_string()
                .or_else(|| {
                    e.dyn_ref::<js_sys::Error>()
                        .map(|e| String::from(e.message()))
                })
                .unwrap_or_else(|| "the request failed".to_string())
        };
        let request = take_prefetched(url)
            .ok()
            .and_then(|response| response.dyn_into::<js_sys::Promise>().ok())
            .unwrap_or_else(|| gloo::utils::window().fetch_with_str(url));
        let response = JsFuture::from(request).await.map_err(describe)?;
        let response: web_sys::Response = response.dyn_into().map_err(describe)?;
        if !response.ok() {
            return Err(format!("HTTP {}", response.status()));
        }
        let text = JsFuture::from(response.text().map_err(describe)?)
            .await
            .map_err(describe)?;
        text.as_string()
            .ok_or_else(|| "the response is not text".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_picker_offers_every_scenario_file_but_the_benchmark_only_ones_and_each_has_a_title() {
        let files: Vec<&str> = BUILTIN_TITLES.iter().map(|(n, _, _)| *n).collect();
        for name in builtin_names() {
            assert!(files.contains(&name), "{name}: no scenarios/{name}.toml");
        }
        for name in files {
            assert!(
                is_builtin(name) != BENCHMARK_ONLY.contains(&name),
                "scenarios/{name}.toml is in the picker or among the benchmark-only files, and in only one"
            );
        }
        for (name, title) in builtin_titles(Lang::Ko) {
            assert_ne!(name, title, "{name} has a Korean title");
        }
    }
}
