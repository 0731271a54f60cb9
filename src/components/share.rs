//! The share panel: the link to what is on screen, a button that copies it, and the run's trace
//! hash — the fingerprint `kafkascope-sim run --link '…' --trace-hash` prints too, so anyone can
//! check that a link replays the very same run.

use crate::i18n::{t, Lang, Text};
use kafkascope_engine::Timeline;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties)]
pub struct ShareProps {
    /// The full address of the session on screen.
    pub link: AttrValue,
    pub timeline: Rc<Timeline>,
}

impl PartialEq for ShareProps {
    fn eq(&self, other: &Self) -> bool {
        self.link == other.link && Rc::ptr_eq(&self.timeline, &other.timeline)
    }
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
    let copied = use_state(|| Copied::Not);
    {
        let copied = copied.clone();
        use_effect_with(props.link.clone(), move |_| copied.set(Copied::Not));
    }
    // Hashing serializes the whole trace: once per recorded run, only while the panel is open.
    let hash = {
        let timeline = props.timeline.clone();
        use_memo(Rc::as_ptr(&props.timeline) as usize, move |_| {
            format!("{:016x}", kafkascope_engine::trace_hash(timeline.trace()))
        })
    };
    let on_copy = {
        let copied = copied.clone();
        let link = props.link.to_string();
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
    html! {
        <section class="share-panel" data-testid="share-panel" aria-label={t(lang, Text::ShareHeading)}>
            <h3>{ t(lang, Text::ShareHeading) }</h3>
            <div class="share-row">
                <input type="text" readonly=true data-testid="share-link" value={props.link.clone()}
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
            <p class="trace-hash" title={t(lang, Text::TraceFingerprintHint)}>
                { t(lang, Text::TraceFingerprint) }{ " " }
                <code data-testid="trace-hash">{ (*hash).clone() }</code>
            </p>
        </section>
    }
}
