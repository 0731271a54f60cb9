//! The scenario files built into the page (the same files the CLI and the tests run).

use kafkascope_engine::{Scenario, ScenarioError, Timeline};
use std::rc::Rc;

pub const DEFAULT_SCENARIO: &str = "hello-kafka";

/// (name, TOML text) of every built-in scenario.
pub const BUILTIN: &[(&str, &str)] =
    &[("hello-kafka", include_str!("../scenarios/hello-kafka.toml"))];

/// Parses, validates and records a built-in scenario.
pub fn load_builtin(name: &str) -> Result<Rc<Timeline>, ScenarioError> {
    let text = BUILTIN
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
        .ok_or_else(|| ScenarioError::Invalid {
            field: "scenario".into(),
            problem: format!("there is no built-in scenario named `{name}`"),
        })?;
    load_text(text)
}

/// Parses, validates and records a scenario given as TOML text.
pub fn load_text(text: &str) -> Result<Rc<Timeline>, ScenarioError> {
    let scenario = Scenario::from_toml(text)?;
    Ok(Rc::new(Timeline::record(&scenario)))
}
