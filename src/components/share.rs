//! The share panel: the link to what is on screen, a button that copies it, the snippet that
//! embeds it in a blog post (docs/embed.md) with its options, and the run's trace hash — the
//! fingerprint `kafkascope-sim run --link '…' --trace-hash` prints too, so anyone can check that
//! a link replays the very same run.

use crate::components::scenario_info::localized;
use crate::i18n::{t, Lang, Text};
use crate::session::address_of;
use kafkascope_engine::session::{link, Layout, Session};
use kafkascope_engine::{Scenario, Timeline};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties)]
pub struct ShareProps {
    /// The session on screen.
    pub session: Rc<Session>,
    pub timeline: Rc<Timeline>,
}

impl PartialEq for ShareProps {
    fn eq(&self, other: &Self) -> bool {
        self.session == other.session && Rc::ptr_eq(&self.timeline, &other.timeline)
    }
}

/// How an embed made from the share panel starts (docs/embed.md, "Get the snippet").
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EmbedOptions {
    /// Playing as soon as it is on screen (paused otherwise).
    pub playing: bool,
    /// A lesson's narration under the scene.
    pub narration: bool,
    /// The embed's language (the page's when the panel opens).
    pub lang: Lang,
    /// Only the lesson step on screen: from its moment to the next step's, not stepped on
    /// (`Session::fixed_step`). Ignored outside a lesson.
    pub fixed_step: bool,
}

/// The `<iframe>` that embeds `session` as `options` say, titled for screen readers in the
/// embed's language.
pub fn embed_snippet(session: &Session, scenario: &Scenario, options: EmbedOptions) -> String {
    let fixed_step = options.fixed_step && session.step.is_some();
    let embedded = Session {
        layout: Layout::Embed,
        playing: options.playing,
        narration: options.narration,
        lang: Some(options.lang.tag().to_string()),
        fixed_step,
        // A fixed step opens at the step's moment.
        time_us: if fixed_step { None } else { session.time_us },
        panels: false,
        ..session.clone()
    };
    let src = address_of(&link::query(&embedded));
    let (title, _) = localized(scenario, options.lang);
    let title = format!("Kafkascope: {title}")
        .replace('&', "&amp;")
        .replace('"', "&quot;");
    format!(
        "<iframe src=\"{src}\" width=\"640\" height=\"360\" loading=\"lazy\" \
         style=\"border:0;max-width:100%\" title=\"{title}\"></iframe>"
    )
}

/// Whether the last copy worked.
#[derive(Clone, Copy, PartialEq)]
enum Copied {
    Not,
    Done,
    Refused,
}

#[function_component(SharePanel)]
pub fn share_panel(props: &ShareProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or(Lang::En);
    let link = AttrValue::from(address_of(&link::query(&props.session)));
    let copied = use_state(|| Copied::Not);
    {
        let copied = copied.clone();
        use_effect_with(link.clone(), move |_| copied.set(Copied::Not));
    }
    let embed_playing = use_state(|| false);
    let embed_narration = use_state(|| true);
    let embed_lang = use_state(|| lang);
    let embed_fixed_step = use_state(|| false);
    let snippet = embed_snippet(
        &props.session,
        props.timeline.scenario(),
        EmbedOptions {
            playing: *embed_playing,
            narration: *embed_narration,
            lang: *embed_lang,
            fixed_step: *embed_fixed_step,
        },
    );
    let toggle = |state: &UseStateHandle<bool>| {
        let state = state.clone();
        Callback::from(move |_: Event| state.set(!*state))
    };
    let on_embed_lang = {
        let embed_lang = embed_lang.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Some(chosen) = Lang::from_tag(&select.value()) {
                embed_lang.set(chosen);
            }
        })
    };
    // The step on screen, for "only this step" (a lesson only).
    let steps = props.timeline.scenario().steps.len();
    let step_on_screen = props.session.step.filter(|_| steps > 0);
    // Hashing serializes the whole trace: once per recorded run, only while the panel is open.
    let hash = {
        let timeline = props.timeline.clone();
        use_memo(Rc::as_ptr(&props.timeline) as usize, move |_| {
            format!("{:016x}", kafkascope_engine::trace_hash(timeline.trace()))
        })
    };
    let on_copy = {
        let copied = copied.clone();
        let link = link.to_string();
        Callback::from(move |_: MouseEvent| {
            let copied = copied.clone();
            let promise = gloo::utils::window()
                .navigator()
                .clipboard()
                .write_text(&link);
            wasm_bindgen_futures::spawn_local(async move {
                let done = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
                copied.set(if done { Copied::Done } else { Copied::Refused });
            });
        })
    };
    let select_all = Callback::from(|e: FocusEvent| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        input.select();
    });
    let on_download = {
        let timeline = props.timeline.clone();
        Callback::from(move |_: MouseEvent| download_session(timeline.scenario()))
    };
    let on_export_svg = {
        let name = props.timeline.scenario().name.clone();
        let time_us = props.session.time_us.unwrap_or(0);
        Callback::from(move |_: MouseEvent| {
            if let Some(svg) = crate::export::scene_svg() {
                crate::export::save_file(
                    &format!("{name}-{}ms.svg", time_us / 1000),
                    "image/svg+xml",
                    &svg,
                );
            }
        })
    };
    let on_export_png = {
        let name = props.timeline.scenario().name.clone();
        let time_us = props.session.time_us.unwrap_or(0);
        Callback::from(move |_: MouseEvent| {
            crate::export::save_scene_png(format!("{name}-{}ms.png", time_us / 1000))
        })
    };
    // Saved through the scenario-file worker (the TOML writer and the trace's JSON writer are not
    // in the page's first download); a failure is said under the buttons.
    let export_error = use_state(|| None::<String>);
    let via_worker = |suffix: &'static str, mime: &'static str, as_json: bool| {
        let scenario = props.timeline.scenario().clone();
        let export_error = export_error.clone();
        Callback::from(move |_: MouseEvent| {
            let scenario = scenario.clone();
            let export_error = export_error.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let text = if as_json {
                    crate::toml_reader::trace_as_json(&scenario).await
                } else {
                    crate::toml_reader::scenario_as_toml(&scenario).await
                };
                match text {
                    Ok(text) => {
                        export_error.set(None);
                        let name = if scenario.name.is_empty() {
                            "session"
                        } else {
                            scenario.name.as_str()
                        };
                        crate::export::save_file(&format!("{name}{suffix}"), mime, &text);
                    }
                    Err(why) => export_error.set(Some(why)),
                }
            });
        })
    };
    let on_save_toml = via_worker(".session.toml", "application/toml", false);
    let on_save_trace = via_worker(".trace.json", "application/json", true);
    let select_snippet = Callback::from(|e: FocusEvent| {
        let area: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
        area.select();
    });
    html! {
        <section class="share-panel" data-testid="share-panel" aria-label={t(lang, Text::ShareHeading)}>
            <h3>{ t(lang, Text::ShareHeading) }</h3>
            <div class="share-row">
                <input type="text" readonly=true data-testid="share-link" value={link.clone()}
                    aria-label={t(lang, Text::ShareHeading)} onfocus={select_all} />
                <button class="primary" data-testid="copy-link" onclick={on_copy}>
                    { t(lang, Text::CopyLink) }</button>
                {
                    match *copied {
                        Copied::Not => html! {},
                        Copied::Done => html! {
                            <span class="copied" role="status">{ t(lang, Text::LinkCopied) }</span> },
                        Copied::Refused => html! {
                            <span class="copy-failed" role="status">{ t(lang, Text::CopyFailed) }</span> },
                    }
                }
            </div>
            <crate::components::qr::Qr text={link.clone()} />
            <p class="share-row">
                <button data-testid="download-session" title={t(lang, Text::DownloadSessionTitle)}
                    onclick={on_download}>{ t(lang, Text::DownloadSession) }</button>
                <button data-testid="export-svg" title={t(lang, Text::ExportSvgTitle)}
                    onclick={on_export_svg}>{ t(lang, Text::ExportSvg) }</button>
                <button data-testid="export-png" title={t(lang, Text::ExportPngTitle)}
                    onclick={on_export_png}>{ t(lang, Text::ExportPng) }</button>
                <button data-testid="download-toml" title={t(lang, Text::DownloadTomlTitle)}
                    onclick={on_save_toml}>{ t(lang, Text::DownloadToml) }</button>
                <button data-testid="download-trace" title={t(lang, Text::DownloadTraceTitle)}
                    onclick={on_save_trace}>{ t(lang, Text::DownloadTrace) }</button>
            </p>
            if let Some(why) = &*export_error {
                <p class="settings-error" role="alert" data-testid="export-error">
                    { t(lang, Text::ExportFailed) }{ " " }{ why.clone() }</p>
            }
            <h3>{ t(lang, Text::EmbedHeading) }</h3>
            <div class="share-row embed-options">
                <label><input type="checkbox" data-testid="embed-playing" checked={*embed_playing}
                    onchange={toggle(&embed_playing)} />{ t(lang, Text::EmbedStartPlaying) }</label>
                <label><input type="checkbox" data-testid="embed-narration" checked={*embed_narration}
                    onchange={toggle(&embed_narration)} />{ t(lang, Text::EmbedNarration) }</label>
                <label>{ t(lang, Text::EmbedLanguage) }
                    <select data-testid="embed-lang" onchange={on_embed_lang}>
                        { for [Lang::En, Lang::Ko].into_iter().map(|l| html! {
                            <option value={l.tag()} selected={*embed_lang == l}>{ crate::i18n::autonym(l) }</option>
                        }) }
                    </select></label>
                if let Some(step) = step_on_screen {
                    <label><input type="checkbox" data-testid="embed-fixed-step" checked={*embed_fixed_step}
                        onchange={toggle(&embed_fixed_step)} />
                        { crate::i18n::fill(lang, Text::EmbedFixedStep, &[&(step + 1).to_string(), &steps.to_string()]) }</label>
                }
            </div>
            <textarea readonly=true rows="3" data-testid="embed-snippet" aria-label={t(lang, Text::EmbedHeading)}
                value={snippet} onfocus={select_snippet} />
            <p class="trace-hash" title={t(lang, Text::TraceFingerprintHint)}>
                { t(lang, Text::TraceFingerprint) }{ " " }
                <code data-testid="trace-hash">{ (*hash).clone() }</code>
            </p>
        </section>
    }
}

/// Saves the session — the scenario plus the reader's live actions and settings — as a JSON
/// scenario file that `kafkascope-sim run` replays to the same trace.
fn download_session(scenario: &kafkascope_engine::Scenario) {
    let name = if scenario.name.is_empty() {
        "session"
    } else {
        scenario.name.as_str()
    };
    crate::export::save_file(
        &format!("{name}.session.json"),
        "application/json",
        &scenario.to_json(),
    );
}
