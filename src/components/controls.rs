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
    /// Where the controls send what the reader asks for (a player's reducer, or the compare
    /// view's two in step).
    pub on_action: Callback<PlaybackAction>,
    /// Whether the share panel is open, and the button that opens or closes it (none in the
    /// compare view, which has no link of its own yet).
    #[prop_or_default]
    pub share_open: bool,
    #[prop_or_default]
    pub on_share: Option<Callback<()>>,
    /// In an embed: the same session in the full page. The controls are then compact: no speed,
    /// share or download, and this link instead.
    #[prop_or_default]
    pub open_full: Option<OpenFull>,
}

/// An embed's "Open in Kafkascope": a link to the same session in the full page.
#[derive(Clone, PartialEq)]
pub struct OpenFull {
    /// The address the link shows (hovering it shows it), as last encoded.
    pub href: AttrValue,
    /// The address of the moment on screen, put on the link when the reader reaches for it
    /// (pointer down, which comes before a click or a context menu; focus; click): encoding it
    /// on every frame instead would compress the whole session 60 times a second.
    pub now: Callback<(), String>,
}

/// Puts the address of the moment on screen (`now`) on the link `link`, whenever an event reaches
/// it. (Yew listens at the app's root, so the event's `currentTarget` is not the link.)
fn reach_for<E: 'static>(now: &Callback<(), String>, link: &NodeRef) -> Callback<E> {
    let (now, link) = (now.clone(), link.clone());
    Callback::from(move |_: E| {
        if let Some(link) = link.cast::<web_sys::HtmlAnchorElement>() {
            link.set_href(&now.emit(()));
        }
    })
}

/// Simulated time as the clock shows it: milliseconds with microsecond precision.
pub fn format_clock(t: SimTime) -> String {
    let us = t.as_micros();
    format!("{}.{:03} ms", us / 1000, us % 1000)
}

#[function_component(Controls)]
pub fn controls(props: &ControlsProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or(Lang::En);
    let open_full_link = use_node_ref();
    let p = &props.playback;
    let d = props.on_action.clone();
    let on = |action: PlaybackAction| {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| d.emit(action.clone()))
    };
    let on_speed = {
        let d = d.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(i) = select.value().parse::<usize>() {
                d.emit(PlaybackAction::SetSpeed(i));
            }
        })
    };
    let on_seek = {
        let d = d.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(us) = input.value().parse::<u64>() {
                d.emit(PlaybackAction::Seek(SimTime(us)));
            }
        })
    };
    // The whole run, or a fixed lesson step's span in an embed.
    let (first, end) = p.bounds();
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
            if props.open_full.is_none() {
            <label class="speed">
                { t(lang, Text::Speed) }
                <select data-testid="speed" onchange={on_speed}>
                    { for SPEEDS.iter().enumerate().map(|(i, s)| html! {
                        <option value={i.to_string()} selected={i == p.speed}>{ format!("{s}×") }</option>
                    }) }
                </select>
            </label>
            }
            <input type="range" class="timeline" data-testid="timeline"
                aria-label={t(lang, Text::Timeline)}
                min={first.as_micros().to_string()} max={end.as_micros().to_string()} step="1"
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
            if let Some(OpenFull { href, now }) = props.open_full.clone() {
                <a class="open-full" data-testid="open-full" {href} target="_blank" rel="noopener"
                    ref={open_full_link.clone()} onpointerdown={reach_for(&now, &open_full_link)}
                    onfocus={reach_for(&now, &open_full_link)} onclick={reach_for(&now, &open_full_link)}
                    title={t(lang, Text::OpenFullTitle)}>{ t(lang, Text::OpenFull) }{ " ↗" }</a>
            } else if let Some(on_share) = &props.on_share {
            <button data-testid="share" title={t(lang, Text::ShareTitle)}
                aria-expanded={props.share_open.to_string()}
                onclick={on_share.reform(|_: MouseEvent| ())}>{ t(lang, Text::Share) }</button>
            }
        </div>
    }
}
