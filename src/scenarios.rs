//! The scenarios the page can play: the built-in files (the same ones the CLI and the tests run),
//! or a file the reader opens. Loading parses, validates and records the run; a bad scenario is an
//! error value that names the problem, shown in place of the scene.

use kafkascope_engine::{Scenario, ScenarioError, Timeline};
use std::rc::Rc;

pub const DEFAULT_SCENARIO: &str = "hello-kafka";

/// (name, TOML text) of every built-in scenario, in the order the picker lists them.
pub const BUILTIN: &[(&str, &str)] = &[
    ("hello-kafka", include_str!("../scenarios/hello-kafka.toml")),
    (
        "lesson-1-replication",
        include_str!("../scenarios/lesson-1-replication.toml"),
    ),
    (
        "acks-1-failover-loss",
        include_str!("../scenarios/acks-1-failover-loss.toml"),
    ),
    (
        "min-isr-not-enough-replicas",
        include_str!("../scenarios/min-isr-not-enough-replicas.toml"),
    ),
    (
        "acks-all-failover-safe",
        include_str!("../scenarios/acks-all-failover-safe.toml"),
    ),
    (
        "unclean-election-loss",
        include_str!("../scenarios/unclean-election-loss.toml"),
    ),
    (
        "clean-election-offline",
        include_str!("../scenarios/clean-election-offline.toml"),
    ),
    (
        "retry-duplicate",
        include_str!("../scenarios/retry-duplicate.toml"),
    ),
    ("two-groups", include_str!("../scenarios/two-groups.toml")),
    (
        "bench-500-in-flight",
        include_str!("../scenarios/bench-500-in-flight.toml"),
    ),
];

/// Where the scenario being played comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum ScenarioSource {
    Builtin(String),
    /// A file the reader opened: its name and text.
    File {
        name: String,
        text: Rc<str>,
    },
}

impl ScenarioSource {
    /// How the source is named in messages (`hello-kafka`, `my-cluster.toml`).
    pub fn label(&self) -> &str {
        match self {
            ScenarioSource::Builtin(name) => name,
            ScenarioSource::File { name, .. } => name,
        }
    }
}

/// Parses, validates and records the scenario a source names.
pub fn load(source: &ScenarioSource) -> Result<Rc<Timeline>, ScenarioError> {
    let scenario = match source {
        ScenarioSource::Builtin(name) => {
            let text = BUILTIN
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, text)| *text)
                .ok_or_else(|| ScenarioError::Invalid {
                    field: "scenario".into(),
                    problem: format!(
                        "there is no built-in scenario named `{name}`; the built-in ones are {}",
                        BUILTIN
                            .iter()
                            .map(|(n, _)| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                })?;
            Scenario::from_toml(text)?
        }
        ScenarioSource::File { name, text } => Scenario::from_file_text(name, text)?,
    };
    Ok(Rc::new(Timeline::record(&scenario)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_scenario_loads_and_settles() {
        for (name, _) in BUILTIN {
            let timeline = load(&ScenarioSource::Builtin(name.to_string()))
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            // A run ends settled, or (min.insync.replicas) at its stated time limit.
            assert!(
                timeline.end_reason() == kafkascope_engine::EndReason::Settled
                    || timeline.scenario().simulation.max_time_ms < 60_000,
                "{name} ended {:?}",
                timeline.end_reason()
            );
            for step in &timeline.scenario().steps {
                assert!(
                    kafkascope_engine::SimTime::from_ms(step.at_ms) <= timeline.end(),
                    "{name}: a step after the run's end"
                );
            }
            let s = timeline.scenario();
            assert_eq!(s.name, *name, "the file's name field matches its id");
            assert!(
                !s.title.en.is_empty() && !s.title.ko.is_empty(),
                "{name} has a title"
            );
        }
    }

    #[test]
    fn an_unknown_builtin_name_is_an_error_naming_it_and_the_choices() {
        let err = load(&ScenarioSource::Builtin("nope".into()))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`nope`") && err.contains("`hello-kafka`"),
            "{err}"
        );
    }

    #[test]
    fn a_malformed_file_is_an_error_naming_the_field() {
        let source = ScenarioSource::File {
            name: "mine.toml".into(),
            text: "[topic]\npartitions = \"many\"\n".into(),
        };
        let err = load(&source).unwrap_err().to_string();
        assert!(err.contains("partitions"), "{err}");
    }
}
