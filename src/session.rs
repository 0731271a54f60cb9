//! The reader's session in the address bar: what a shared link reproduces (see
//! `kafkascope_engine::session` for the session itself and its versioned wire form).
//!
//! - Opening: the address is read once at start and again on back/forward (`popstate`); a link
//!   names a built-in scenario (with the reader's faults), or carries a whole scenario, plus the
//!   instant, the step, the language, the speed and the view. A link that cannot be opened is a
//!   [`LinkTrouble`]: what is wrong, and the built-in scenario it still names, if any.
//! - Following: while paused, the address is kept equal to what is on screen. A change of what
//!   is shown — another scenario, a fault injected, another lesson step, another view — is a new
//!   history entry (`pushState`), so back and forward move between them; moving the time or the
//!   speed within one of them only replaces the entry (`replaceState`), so the history is not
//!   flooded. Nothing is written while playing.

use crate::i18n::{Lang, Text};
use crate::playback::SPEEDS;
use crate::scenarios::{builtin_scenario, is_builtin, ScenarioSource};
use kafkascope_engine::session::link::{self, LinkError};
use kafkascope_engine::session::{Layout, Session, SessionScenario, SessionView};
use kafkascope_engine::{Scenario, SimTime};
use std::rc::Rc;

/// Where playback starts: from a link, or (all `None`) where the scenario opens.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Start {
    pub time: Option<SimTime>,
    pub step: Option<usize>,
    /// An index into [`SPEEDS`].
    pub speed: Option<usize>,
    pub view: Option<SessionView>,
    pub playing: bool,
    /// The whole page, or an embed.
    pub layout: Layout,
    /// In an embed: whether a lesson's narration shows (`Start::default()` shows it).
    pub hide_narration: bool,
    /// In an embed: the lesson stays at `step` (`Session::fixed_step`).
    pub fixed_step: bool,
    /// Opened from the address (the first load, or back/forward): the address already says
    /// this, so the first write replaces the entry instead of adding one.
    pub from_address: bool,
    /// Comparing (`components::compare`): the two sides' scenarios.
    pub compare: Option<(Rc<Scenario>, Rc<Scenario>)>,
}

/// What the address opens.
#[derive(Clone, Debug, PartialEq)]
pub enum Opening {
    /// No scenario named: the start screen.
    StartScreen,
    Scenario {
        source: ScenarioSource,
        start: Start,
        lang: Option<Lang>,
        panels: bool,
    },
    Trouble(LinkTrouble),
}

/// A link that cannot be opened.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkTrouble {
    /// What kind of problem, in the reader's language.
    pub headline: Text,
    /// The details (the engine's message, which names the position, version or field).
    pub detail: String,
    /// A built-in scenario the link still names, offered instead.
    pub recover: Option<String>,
}

/// The current address, decoded. Opening a page (and each back/forward) asks twice — which
/// built-in scenario to fetch first, then what to open — so the last address's decoding is kept
/// and the link is parsed once per address.
fn parsed_address() -> Result<Session, link::LinkProblem> {
    thread_local! {
        static LAST: std::cell::RefCell<Option<(String, Result<Session, link::LinkProblem>)>> =
            const { std::cell::RefCell::new(None) };
    }
    let href = gloo::utils::window().location().href().unwrap_or_default();
    LAST.with_borrow_mut(|last| match last {
        Some((seen, parsed)) if *seen == href => parsed.clone(),
        _ => {
            let parsed = link::parse(&href);
            *last = Some((href, parsed.clone()));
            parsed
        }
    })
}

/// What the current address opens.
pub fn read_address() -> Opening {
    match parsed_address() {
        Ok(session) => open(session),
        Err(problem) if problem.error == LinkError::Missing => Opening::StartScreen,
        Err(problem) => Opening::Trouble(LinkTrouble {
            headline: match problem.error {
                LinkError::FutureVersion(_) => Text::LinkFromNewer,
                LinkError::Truncated => Text::LinkCutShort,
                _ => Text::LinkDamaged,
            },
            detail: problem.error.to_string(),
            recover: problem.recover.filter(|name| is_builtin(name)),
        }),
    }
}

/// The built-in scenario the current address names (opened, or the base of the reader's
/// changes), which must be fetched before [`read_address`] can open it.
pub fn builtin_in_address() -> Option<String> {
    parsed_address().ok()?.builtin_name().map(str::to_string)
}

/// The scenario and start of a session that decoded.
fn open(session: Session) -> Opening {
    let lang = session.lang.as_deref().and_then(Lang::from_tag);
    let mut start = Start {
        time: session.time_us.map(SimTime),
        step: session.step,
        speed: session
            .speed
            .and_then(|s| SPEEDS.iter().position(|v| *v == s)),
        view: session.view,
        playing: session.playing,
        layout: session.layout,
        hide_narration: !session.narration,
        // Only an embed holds a step fixed (the full page's address never carries it).
        fixed_step: session.fixed_step && session.step.is_some() && session.layout == Layout::Embed,
        from_address: true,
        compare: None,
    };
    if let Some(sides) = &session.compare {
        for side in [&sides.a, &sides.b] {
            if let Err(e) = side.validate() {
                return invalid_scenario(e, session.builtin_name().map(str::to_string));
            }
        }
        start.compare = Some((Rc::new((*sides.a).clone()), Rc::new((*sides.b).clone())));
    }
    let source = match &session.scenario {
        SessionScenario::Builtin { name, actions } if actions.is_empty() => {
            ScenarioSource::Builtin(name.clone())
        }
        SessionScenario::Builtin { name, .. } => match session.scenario(builtin_scenario) {
            Ok(scenario) => ScenarioSource::Edited {
                name: name.clone(),
                scenario: Rc::new(scenario),
            },
            Err(e) => return invalid_scenario(e, Some(name.clone())),
        },
        SessionScenario::Full(scenario) => match scenario.validate() {
            Ok(()) => ScenarioSource::Edited {
                name: scenario.name.clone(),
                scenario: Rc::new((**scenario).clone()),
            },
            Err(e) => return invalid_scenario(e, Some(scenario.name.clone())),
        },
    };
    Opening::Scenario {
        source,
        start,
        lang,
        panels: session.panels,
    }
}

fn invalid_scenario(error: kafkascope_engine::ScenarioError, name: Option<String>) -> Opening {
    Opening::Trouble(LinkTrouble {
        headline: Text::LinkBadScenario,
        detail: error.to_string(),
        recover: name.filter(|name| is_builtin(name)),
    })
}

/// The address of `query` on this page (same origin and path).
pub fn address_of(query: &str) -> String {
    let location = gloo::utils::window().location();
    let origin = location.origin().unwrap_or_default();
    let path = location.pathname().unwrap_or_default();
    if query.is_empty() {
        format!("{origin}{path}")
    } else {
        format!("{origin}{path}?{query}")
    }
}

/// Puts `query` in the address bar: a new history entry (`push`), or in place of the current one.
pub fn write_address(query: &str, push: bool) {
    let address = address_of(query);
    if gloo::utils::window().location().href().ok().as_deref() == Some(address.as_str()) {
        return;
    }
    if let Ok(history) = gloo::utils::window().history() {
        let state = wasm_bindgen::JsValue::NULL;
        let _ = if push {
            history.push_state_with_url(&state, "", Some(&address))
        } else {
            history.replace_state_with_url(&state, "", Some(&address))
        };
    }
}

/// The scenario part of a link for a run of `scenario`: the built-in `builtin` by name plus the
/// reader's faults when that is all that changed, or the whole scenario.
pub fn shared_scenario(scenario: &Scenario, builtin: Option<&str>) -> SessionScenario {
    let original = builtin.and_then(|name| Some((name, builtin_scenario(name)?.ok()?)));
    Session::scenario_for(scenario, original.as_ref().map(|(name, s)| (*name, s)))
}
