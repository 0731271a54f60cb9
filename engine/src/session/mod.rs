//! A reader's session: what a shared link reproduces. The scenario (a built-in one by name plus
//! the reader's own actions — faults injected from the page — or, for one opened from a file or
//! changed in the settings panel, the whole scenario), the instant on screen, the lesson step,
//! the language, the playback speed and the view.
//!
//! The session is data only; the page builds it from what is on screen and opens it again, and
//! the CLI (`kafkascope-sim run --link URL`) replays its scenario to the same trace. Both turn
//! it into a [`Scenario`] through [`Session::scenario`], so a link means the same run everywhere.
//! The wire form is in [`link`].

pub mod link;

use crate::scenario::{Scenario, ScenarioError, ScriptedAction};
use serde::{Deserialize, Serialize};

/// Which scenario a session plays.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionScenario {
    /// A built-in scenario, unchanged, plus the reader's actions (at their times). Compact: the
    /// link names the file instead of carrying it.
    Builtin {
        name: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        actions: Vec<ScriptedAction>,
    },
    /// A whole scenario: one opened from a file, or a built-in one whose settings the reader
    /// changed (its `reader_settings` say which). Its script holds the reader's actions.
    Full(Box<Scenario>),
}

/// How the scenario is shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionView {
    /// The animated scene (the default).
    #[default]
    Scene,
    /// The tables side by side (a scenario writing several database tables).
    Tables,
}

/// How the page is laid out around the scene.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// The whole page: header, lesson caption, side panels (the default).
    #[default]
    Full,
    /// Just the scene and compact controls, for an `<iframe>` in a blog post (docs/embed.md).
    Embed,
    /// For a projector in a classroom: the scene and the narration in large type, high contrast,
    /// panels hidden until asked for, clicker keys and keys that break things.
    Present,
}

/// Everything a link reproduces. Fields beyond the scenario are optional, so a link written by
/// hand (`{"scenario":{"builtin":{"name":"hello-kafka"}}}`) is a valid session.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Session {
    pub scenario: SessionScenario,
    /// The simulated instant on screen, in microseconds (`None`: where the scenario opens — a
    /// lesson at its first step, anything else at 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_us: Option<u64>,
    /// The lesson step on screen (0-based), when there is no `time_us`: the page opens at that
    /// step's moment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<usize>,
    /// `en` or `ko` (`None`: the reader's own language).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// The playback speed multiplier (one of `PLAYBACK_SPEEDS`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speed: Option<f64>,
    /// The view on screen (`None`: the scenario's own — the tables side by side for one that
    /// writes four tables or more, the scene otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view: Option<SessionView>,
    /// Whether the settings and fault panels are open.
    #[serde(default, skip_serializing_if = "is_default")]
    pub panels: bool,
    /// Whether playback starts at once (an embed may ask for it); a shared link opens paused.
    #[serde(default, skip_serializing_if = "is_default")]
    pub playing: bool,
    #[serde(default, skip_serializing_if = "is_default")]
    pub layout: Layout,
    /// In an embed: whether a lesson's narration shows under the scene.
    #[serde(default = "shown", skip_serializing_if = "is_shown")]
    pub narration: bool,
    /// In an embed: the lesson stays at `step` — playback runs from the step's moment up to the
    /// next step's and stops there, and the lesson is not stepped on. Ignored without `step`.
    #[serde(default, skip_serializing_if = "is_default")]
    pub fixed_step: bool,
    /// The compare view's two sides, while comparing: each side's whole scenario (its settings
    /// and the reader's faults). `scenario` stays what the page shows outside the comparison.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compare: Option<CompareSides>,
}

/// Two configurations of one scenario, compared side by side (the page's compare view).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompareSides {
    pub a: Box<Scenario>,
    pub b: Box<Scenario>,
}

fn shown() -> bool {
    true
}

fn is_shown(value: &bool) -> bool {
    *value
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

impl Session {
    /// A session at the start of the built-in scenario `name`.
    pub fn builtin(name: &str) -> Session {
        Session {
            scenario: SessionScenario::Builtin {
                name: name.into(),
                actions: Vec::new(),
            },
            time_us: None,
            step: None,
            lang: None,
            speed: None,
            view: None,
            panels: false,
            playing: false,
            layout: Layout::Full,
            narration: true,
            fixed_step: false,
            compare: None,
        }
    }

    /// The built-in scenario's name, if the session plays one (unchanged or not: a changed
    /// built-in keeps its name, which a damaged link can still offer).
    pub fn builtin_name(&self) -> Option<&str> {
        match &self.scenario {
            SessionScenario::Builtin { name, .. } => Some(name),
            SessionScenario::Full(_) => None,
        }
    }

    /// The scenario this session plays, validated. `builtin` reads a built-in scenario by name
    /// (`None`: there is none so named; the page embeds them, the CLI reads `scenarios/`); the
    /// reader's actions are added to its script as the reader's.
    pub fn scenario(
        &self,
        builtin: impl FnOnce(&str) -> Option<Result<Scenario, ScenarioError>>,
    ) -> Result<Scenario, ScenarioError> {
        match &self.scenario {
            SessionScenario::Builtin { name, actions } => {
                let mut scenario = builtin(name).ok_or_else(|| ScenarioError::Invalid {
                    field: "scenario".into(),
                    problem: format!("there is no built-in scenario named `{name}`"),
                })??;
                scenario
                    .script
                    .extend(actions.iter().cloned().map(|mut action| {
                        action.by_reader = true;
                        action
                    }));
                scenario.validate()?;
                Ok(scenario)
            }
            SessionScenario::Full(scenario) => {
                scenario.validate()?;
                Ok((**scenario).clone())
            }
        }
    }

    /// How a page playing `scenario` shares it: by name when it is the built-in scenario `name`
    /// (`builtin`, parsed from its file) with only the reader's actions added, whole otherwise.
    pub fn scenario_for(
        scenario: &Scenario,
        builtin: Option<(&str, &Scenario)>,
    ) -> SessionScenario {
        if let Some((name, original)) = builtin {
            let mut without_reader = scenario.clone();
            without_reader.script.retain(|s| !s.by_reader);
            if without_reader == *original {
                return SessionScenario::Builtin {
                    name: name.into(),
                    actions: scenario.reader_actions().cloned().collect(),
                };
            }
        }
        SessionScenario::Full(Box::new(scenario.clone()))
    }
}
