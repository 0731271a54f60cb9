//! Scenario files: the cluster, the clients, and a timed script of faults.
//!
//! A scenario is TOML (or JSON with the same shape). Kafka's own settings are written with their
//! real names, quoted because they contain dots (`"acks" = "all"`, `"enable.auto.commit" = false`),
//! so what a reader learns here carries over to a real cluster; the defaults are Kafka's (3.x/4.x)
//! defaults. Settings that describe the *application* rather than Kafka (`records`, `interval_ms`,
//! `processing_ms`) use plain snake_case.
//!
//! Parsing rejects unknown fields and values of the wrong type with the field's name and position;
//! [`Scenario::validate`] then rejects impossible combinations with the field's path. Neither ever
//! panics. See `docs/scenario-format.md` for a commented example.

mod builder;
mod clients;
mod cluster;
mod connect;
mod database;
pub mod highlight;
mod validate;

pub use builder::ScenarioBuilder;
pub use clients::{
    ConsumerConfig, Idempotence, IsolationLevel, ManualCommit, OffsetReset, ProcessingStyle,
    ProducerConfig, TransformConfig,
};
pub use cluster::{ClusterConfig, NetworkConfig, TopicConfig};
pub use connect::{PkMode, SinkTaskConfig};
pub use database::{DatabaseConfig, DbWriterConfig, TableConfig, WriteMode};
pub use highlight::{Highlight, LogMarkerKind};

use crate::action::Action;
use crate::action_file::ActionRecord;
use crate::ids::NodeId;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The most of anything a scenario may ask for (the view and the engine are sized for these).
pub const MAX_BROKERS: u32 = 7;
pub const MAX_PARTITIONS: u32 = 12;
/// Topics per scenario at most.
pub const MAX_TOPICS: usize = 4;
pub const MAX_RECORDS_PER_PRODUCER: u32 = 10_000_000;
pub const MAX_CLIENTS: usize = 16;
/// The playback speeds the page offers.
pub const PLAYBACK_SPEEDS: [f64; 6] = [0.25, 0.5, 1.0, 2.0, 4.0, 8.0];

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// The scenario's identifier (file-name-like; used in URLs and reports).
    #[serde(default)]
    pub name: String,
    /// The title shown to readers, in each language.
    #[serde(default)]
    pub title: LocalizedText,
    /// What the scenario shows, in each language.
    #[serde(default)]
    pub description: LocalizedText,
    /// Seeds the world's one RNG.
    #[serde(default)]
    pub seed: u64,
    #[serde(default)]
    pub cluster: ClusterConfig,
    /// The topic of a scenario with one (`[topic]`; Kafka's defaults when neither this nor
    /// `topics` is given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<TopicConfig>,
    /// The topics of a scenario with several (`[[topics]]`). Producers and consumers name the
    /// topics they write and read; the first is the default.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<TopicConfig>,
    #[serde(default)]
    pub network: NetworkConfig,
    #[serde(default)]
    pub producers: Vec<ProducerConfig>,
    #[serde(default)]
    pub consumers: Vec<ConsumerConfig>,
    /// A database outside Kafka that consumer applications write to (`[database]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database: Option<DatabaseConfig>,
    #[serde(default)]
    pub script: Vec<ScriptedAction>,
    /// A guided lesson's narration: each step tells what the scene shows at its time.
    #[serde(default)]
    pub steps: Vec<LessonStep>,
    #[serde(default)]
    pub simulation: SimulationConfig,
    /// Settings the reader changed in the page, each as `setting: author's value → reader's`
    /// (`"acks: 1 → all"`): the session's record of what was the reader's. The new values are in
    /// the scenario itself, so a run never depends on this list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reader_settings: Vec<String>,
}

/// A scenario's name, title and description (see [`Scenario::heading_from_toml`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct ScenarioHeading {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub title: LocalizedText,
    #[serde(default)]
    pub description: LocalizedText,
}

impl Scenario {
    /// Notes that the reader set `setting` from `was` to `now`. A second change of the same
    /// setting keeps the author's value; a change back to it forgets the entry.
    pub fn note_reader_setting(&mut self, setting: &str, was: String, now: String) {
        if was == now {
            return;
        }
        let prefix = format!("{setting}: ");
        let known = self
            .reader_settings
            .iter()
            .position(|r| r.starts_with(&prefix));
        let authors = match known {
            Some(i) => {
                let entry = self.reader_settings.remove(i);
                let rest = &entry[prefix.len()..];
                rest.split(" → ").next().unwrap_or(rest).to_string()
            }
            None => was,
        };
        if authors != now {
            self.reader_settings
                .push(format!("{prefix}{authors} → {now}"));
        }
    }
}

/// One step of a lesson: the reader is taken to `at_ms` and reads the text; the step's claims
/// hold there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LessonStep {
    pub at_ms: u64,
    pub en: String,
    pub ko: String,
    /// What the text claims is true on screen at `at_ms`, as assertions the engine checks
    /// (`leader P0 = broker-2`, `report.lost_acknowledged = 3`; see [`crate::check::claims`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub claims: Vec<String>,
    /// What the step points at, drawn highlighted while the rest dims (`broker-2`, `p1#3-5`,
    /// `hw P0`; see [`highlight`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub highlight: Vec<String>,
    /// How much simulated time before `at_ms` the page's Next plays, so the reader sees the
    /// step's moment happen (an election, a truncation, an auto-commit); 2 ms when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead_ms: Option<u64>,
}

/// Text a scenario shows to readers, in English and Korean (scenario files are content, so their
/// prose lives with them rather than in the app's string table).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LocalizedText {
    pub en: String,
    pub ko: String,
}

/// One timed entry of the script: `at_ms`, the action's table (see [`crate::action_file`]), and
/// whether the reader did it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ActionRecord", into = "ActionRecord")]
pub struct ScriptedAction {
    pub at_ms: u64,
    pub action: Action,
    /// Done by the reader in the page (a click, a fault from the panel), not by the scenario's
    /// author: a session is the scenario plus these, so the page can hand its run to anyone.
    pub by_reader: bool,
}

impl TryFrom<ActionRecord> for ScriptedAction {
    type Error = String;
    fn try_from(r: ActionRecord) -> Result<ScriptedAction, String> {
        let at_ms = r.at_ms.ok_or("a script entry needs `at_ms`")?;
        Ok(ScriptedAction {
            at_ms,
            by_reader: r.by_reader,
            action: Action::try_from(&r)?,
        })
    }
}

impl From<ScriptedAction> for ActionRecord {
    fn from(s: ScriptedAction) -> ActionRecord {
        let mut r = ActionRecord::from(s.action);
        r.at_ms = Some(s.at_ms);
        r.by_reader = s.by_reader;
        r
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SimulationConfig {
    /// The run stops here even if clients are still busy.
    pub max_time_ms: u64,
    /// The page's starting playback speed for this scenario (a view setting: busy scenarios
    /// start faster, since messages in flight are shown in slow motion).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub playback_speed: Option<PlaybackSpeed>,
}

/// A playback speed multiplier (validated to be one the page offers, so never NaN).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PlaybackSpeed(pub f64);

impl Eq for PlaybackSpeed {}

impl Default for SimulationConfig {
    fn default() -> Self {
        SimulationConfig {
            max_time_ms: 600_000,
            playback_speed: None,
        }
    }
}

/// Why a scenario was rejected: where, and what is wrong. Serializable, so the page's TOML reader
/// (a Web Worker) can hand it over as it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ScenarioError {
    /// The text is not a valid scenario (syntax, unknown field, wrong type); the message names the
    /// field and its line.
    Parse(String),
    /// The scenario parses but asks for something impossible.
    Invalid { field: String, problem: String },
    /// The file holds no settings at all (empty, or only comments).
    Empty,
    /// The run would not fit in a browser tab (see `Timeline::estimate`): refused up front.
    TooLarge {
        records: u64,
        trace_entries: u64,
        limit: u64,
        records_that_fit: u64,
    },
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScenarioError::Parse(msg) => write!(f, "the scenario file could not be read: {msg}"),
            ScenarioError::Invalid { field, problem } => {
                write!(f, "the scenario's `{field}` is invalid: {problem}")
            }
            ScenarioError::TooLarge {
                records,
                trace_entries,
                limit,
                records_that_fit,
            } => write!(
                f,
                "this run is too large to play in the page: its {records} records would make about \
                 {trace_entries} trace entries, and a browser tab holds about {limit}. Lower \
                 `records` to about {records_that_fit} in all, or run it headlessly with \
                 `kafkascope-sim run FILE`, which keeps nothing in memory"
            ),
            ScenarioError::Empty => write!(
                f,
                "the scenario file is empty: it names no brokers, topic, producers or consumers \
                 (see docs/scenario-format.md for an example)"
            ),
        }
    }
}

impl std::error::Error for ScenarioError {}

fn invalid(field: impl Into<String>, problem: impl Into<String>) -> ScenarioError {
    ScenarioError::Invalid {
        field: field.into(),
        problem: problem.into(),
    }
}

impl Scenario {
    /// Parses TOML and validates it. A file with nothing in it (or only comments) is refused
    /// as empty rather than run as a scenario without brokers' work (feature `toml-in`).
    #[cfg(feature = "toml-in")]
    pub fn from_toml(text: &str) -> Result<Scenario, ScenarioError> {
        let nothing_but_comments = text.lines().all(|line| {
            let line = line.trim();
            line.is_empty() || line.starts_with('#')
        });
        if nothing_but_comments {
            return Err(ScenarioError::Empty);
        }
        let scenario: Scenario =
            toml::from_str(text).map_err(|e| ScenarioError::Parse(e.to_string().trim().into()))?;
        scenario.validate()?;
        Ok(scenario)
    }

    /// Only the heading of a scenario file — its name, title and description — without building
    /// or validating the rest: what a list of scenarios needs (cheaper than [`Self::from_toml`]).
    #[cfg(feature = "toml-in")]
    pub fn heading_from_toml(text: &str) -> Result<ScenarioHeading, ScenarioError> {
        toml::from_str(text).map_err(|e| ScenarioError::Parse(e.to_string().trim().into()))
    }

    /// Parses JSON and validates it.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        if text.trim().is_empty() || text.trim() == "{}" {
            return Err(ScenarioError::Empty);
        }
        let scenario: Scenario =
            serde_json::from_str(text).map_err(|e| ScenarioError::Parse(e.to_string()))?;
        scenario.validate()?;
        Ok(scenario)
    }

    /// The scenario as a TOML file (the CLI replays it; feature `toml-out`).
    #[cfg(feature = "toml-out")]
    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("a scenario always serializes")
    }

    /// The scenario as a JSON file (what the page's "download" gives; the CLI reads `.json` as
    /// JSON and replays it).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a scenario always serializes")
    }

    /// The reader's own actions, in the order they were done.
    pub fn reader_actions(&self) -> impl Iterator<Item = &ScriptedAction> + '_ {
        self.script.iter().filter(|s| s.by_reader)
    }

    /// Parses by file name: `.json` is JSON, anything else TOML.
    #[cfg(feature = "toml-in")]
    pub fn from_file_text(file_name: &str, text: &str) -> Result<Scenario, ScenarioError> {
        if file_name.ends_with(".json") {
            Scenario::from_json(text)
        } else {
            Scenario::from_toml(text)
        }
    }

    /// Every topic, in order (topic index = position): `[[topics]]`, or the one `[topic]`, or
    /// one topic with Kafka's defaults.
    pub fn topic_configs(&self) -> Vec<TopicConfig> {
        if !self.topics.is_empty() {
            self.topics.clone()
        } else {
            vec![self.topic.clone().unwrap_or_default()]
        }
    }

    /// The first topic (the default for producers and consumers that name none).
    pub fn first_topic(&self) -> TopicConfig {
        self.topic_configs().remove(0)
    }

    /// The first topic, to change (settings in the page).
    pub fn first_topic_mut(&mut self) -> &mut TopicConfig {
        if self.topics.is_empty() {
            self.topic.get_or_insert_with(TopicConfig::default)
        } else {
            &mut self.topics[0]
        }
    }

    /// The index of the topic named `name`.
    pub fn topic_index(&self, name: &str) -> Option<u16> {
        self.topic_configs()
            .iter()
            .position(|t| t.name == name)
            .map(|i| i as u16)
    }

    /// The topic a producer writes: the one it names, else the first.
    pub fn producer_topic(&self, producer: &ProducerConfig) -> u16 {
        producer
            .topic
            .as_deref()
            .and_then(|name| self.topic_index(name))
            .unwrap_or(0)
    }

    /// The topics a consumer subscribes to: the ones it names, else the first.
    pub fn consumer_topics(&self, consumer: &ConsumerConfig) -> Vec<u16> {
        if consumer.topics.is_empty() {
            vec![0]
        } else {
            consumer
                .topics
                .iter()
                .filter_map(|name| self.topic_index(name))
                .collect()
        }
    }

    /// Every producer the scenario runs: its own `[[producers]]`, then the transactional producer
    /// embedded in each consume-transform-produce consumer (in consumer order). Node
    /// `producer-N` is the N-th of this list.
    pub fn all_producers(&self) -> Vec<ProducerConfig> {
        self.producers
            .iter()
            .cloned()
            .chain(
                self.consumers
                    .iter()
                    .filter_map(|c| c.transform.as_ref().map(TransformConfig::producer_config)),
            )
            .collect()
    }

    /// Each consume-transform-produce process: its consumer node and its producer node (the two
    /// clients of one process, crashed, restarted and paused together).
    pub fn processes_with_two_clients(&self) -> Vec<(NodeId, NodeId)> {
        let mut next_producer = self.producers.len() as u32;
        self.consumers
            .iter()
            .enumerate()
            .filter(|(_, c)| c.transform.is_some())
            .map(|(i, _)| {
                next_producer += 1;
                (
                    NodeId::Consumer(i as u32 + 1),
                    NodeId::Producer(next_producer),
                )
            })
            .collect()
    }

    /// Every node the scenario runs, in start-up order: the active controller, the brokers, the
    /// producers (with the processors' embedded ones), the consumers, the database. The one list
    /// of nodes: the simulation's process table, its start-up and the validation of scripted
    /// actions all read it.
    pub fn nodes(&self) -> Vec<NodeId> {
        let numbered = |count: usize, kind: fn(u32) -> NodeId| (1..=count as u32).map(kind);
        std::iter::once(NodeId::Controller(1))
            .chain(numbered(self.cluster.brokers as usize, NodeId::Broker))
            .chain(numbered(self.all_producers().len(), NodeId::Producer))
            .chain(numbered(self.consumers.len(), NodeId::Consumer))
            .chain(numbered(
                usize::from(self.database.is_some()),
                NodeId::Database,
            ))
            .collect()
    }

    pub fn has_node(&self, node: NodeId) -> bool {
        self.nodes().contains(&node)
    }
}
