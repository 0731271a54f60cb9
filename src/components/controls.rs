//! Play / pause, step, speed, the time slider and the clock.

use crate::components::icons;
use crate::i18n::{t, Lang, Text};
use crate::playback::{Playback, PlaybackAction, SPEEDS};
use kafkascope_engine::SimTime;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    pub playback: Playback,
    pub dispatcher: UseReducerDispatcher<Playback>,
    /// Whether the share panel is open, and the button that opens or closes it.
    #[prop_or_default]
    pub share_open: bool,
    #[prop_or_default]
    pub on_share: Callback<()>,
}

/// Simulated time as the clock shows it: milliseconds with microsecond precision.
pub fn format_clock(t: SimTime) -> String {
    let us = t.as_micros();
    format!("{}.{:03} ms", us / 1000, us % 1000)
}

#[function_component(Controls)]
pub fn controls(props: &ControlsProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or(Lang::En);
    let p = &props.playback;
    let d = props.dispatcher.clone();
    let on = |action: PlaybackAction| {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(action.clone()))
    };
    let on_speed = {
        let d = d.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(i) = select.value().parse::<usize>() {
                d.dispatch(PlaybackAction::SetSpeed(i));
            }
        })
    };
    let on_seek = {
        let d = d.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(us) = input.value().parse::<u64>() {
                d.dispatch(PlaybackAction::Seek(SimTime(us)));
            }
        })
    };
    let on_download = {
        let timeline = p.timeline.clone();
        Callback::from(move |_: MouseEvent| download_session(timeline.scenario()))
    };
    let end = p.timeline.end();
    html! {
        <div class="controls" role="toolbar">
            if p.playing {
                <button data-testid="pause" class="primary" onclick={on(PlaybackAction::Pause)}>
                    { icons::pause() }{ t(lang, Text::Pause) }</button>
            } else {
                <button data-testid="play" class="primary" onclick={on(PlaybackAction::Play)}>
                    { icons::play() }{ t(lang, Text::Play) }</button>
            }
            <button data-testid="step" title={t(lang, Text::StepTitle)} onclick={on(PlaybackAction::Step)}>
                { icons::step() }{ t(lang, Text::Step) }</button>
            <label class="speed">
                { t(lang, Text::Speed) }
                <select data-testid="speed" onchange={on_speed}>
                    { for SPEEDS.iter().enumerate().map(|(i, s)| html! {
                        <option value={i.to_string()} selected={i == p.speed}>{ format!("{s}×") }</option>
                    }) }
                </select>
            </label>
            <input type="range" class="timeline" data-testid="timeline"
                aria-label={t(lang, Text::Timeline)}
                min="0" max={end.as_micros().to_string()} step="1"
                value={p.time.as_micros().to_string()} oninput={on_seek} />
            <span class="clock" data-testid="clock" aria-label={t(lang, Text::Clock)}>
                { format_clock(p.time) }
                if p.fast_forwarding {
                    <span class="ff">{ " · " }{ t(lang, Text::FastForward) }</span>
                }
                if p.at_end() {
                    <span class="ended">{ " · " }{ t(lang, Text::Ended) }</span>
                }
            </span>
            <button data-testid="share" title={t(lang, Text::ShareTitle)}
                aria-expanded={props.share_open.to_string()}
                onclick={props.on_share.reform(|_: MouseEvent| ())}>{ t(lang, Text::Share) }</button>
            <button data-testid="download-session" title={t(lang, Text::DownloadSessionTitle)}
                onclick={on_download}>{ t(lang, Text::DownloadSession) }</button>
        </div>
    }
}

/// Saves the session — the scenario plus the reader's live actions and settings — as a JSON
/// scenario file that `kafkascope-sim run` replays to the same trace. Made in the page (a Blob),
/// so no request leaves it.
fn download_session(scenario: &kafkascope_engine::Scenario) {
    use wasm_bindgen::JsCast;
    let text = scenario.to_json();
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(&text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let document = gloo::utils::document();
    if let Some(a) = document
        .create_element("a")
        .ok()
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        let name = if scenario.name.is_empty() {
            "session".to_string()
        } else {
            scenario.name.clone()
        };
        a.set_href(&url);
        a.set_download(&format!("{name}.session.json"));
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}
