//! The embed's small `postMessage` interface for its host page (docs/embed.md): the host sends
//! commands — play, pause, seek, step, a lesson's next or previous step — and the embed tells the
//! host when the lesson step on screen changes.
//!
//! Commands are objects with a `kafkascope` field naming the command (`{kafkascope: "seek", ms:
//! 45}`); anything else is ignored, so other scripts' messages pass by. Commands only move the
//! playback the reader could move with the controls, so they are taken from any origin. The
//! embed's own messages carry only the step's number, and go to the parent frame only.

use crate::playback::PlaybackAction;
use gloo::events::EventListener;
use js_sys::Reflect;
use kafkascope_engine::SimTime;
use wasm_bindgen::{JsCast, JsValue};

/// The playback action a host's message asks for, if it is a Kafkascope command.
pub fn command(data: &JsValue) -> Option<PlaybackAction> {
    let field = |name: &str| Reflect::get(data, &JsValue::from_str(name)).ok();
    let name = field("kafkascope")?.as_string()?;
    Some(match name.as_str() {
        "play" => PlaybackAction::Play,
        "pause" => PlaybackAction::Pause,
        "step" => PlaybackAction::Step,
        "next-step" => PlaybackAction::NextStep,
        "previous-step" => PlaybackAction::PreviousStep,
        "seek" => {
            let ms = field("ms")?
                .as_f64()
                .filter(|ms| ms.is_finite() && *ms >= 0.0)?;
            PlaybackAction::Seek(SimTime((ms * 1000.0).round() as u64))
        }
        _ => return None,
    })
}

/// Listens for the host's commands; dropping it stops listening.
pub fn listen(on_command: impl Fn(PlaybackAction) + 'static) -> EventListener {
    EventListener::new(&gloo::utils::window(), "message", move |event| {
        if let Some(action) = event
            .dyn_ref::<web_sys::MessageEvent>()
            .and_then(|message| command(&message.data()))
        {
            on_command(action);
        }
    })
}

/// Tells the host page that lesson step `step` (counted from 0) of `of` is on screen. Nothing is
/// sent when the page is not in a frame.
pub fn announce_step(step: usize, of: usize) {
    let window = gloo::utils::window();
    let Ok(Some(parent)) = window.parent() else {
        return;
    };
    if parent == window {
        return;
    }
    let message = js_sys::Object::new();
    let _ = Reflect::set(&message, &"kafkascope".into(), &"step".into());
    let _ = Reflect::set(&message, &"step".into(), &(step as f64).into());
    let _ = Reflect::set(&message, &"steps".into(), &(of as f64).into());
    let _ = parent.post_message(&message, "*");
}
