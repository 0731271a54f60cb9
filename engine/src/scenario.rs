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

use crate::action::Action;
use crate::assignor::AssignmentStrategy;
use crate::ids::NodeId;
use crate::message::Acks;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The most of anything a scenario may ask for (the view and the engine are sized for these).
pub const MAX_BROKERS: u32 = 7;
pub const MAX_PARTITIONS: u32 = 12;
pub const MAX_RECORDS_PER_PRODUCER: u32 = 10_000_000;
pub const MAX_CLIENTS: usize = 16;
/// The playback speeds the page offers.
pub const PLAYBACK_SPEEDS: [f64; 6] = [0.25, 0.5, 1.0, 2.0, 4.0, 8.0];

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
    #[serde(default)]
    pub topic: TopicConfig,
    #[serde(default)]
    pub network: NetworkConfig,
    #[serde(default)]
    pub producers: Vec<ProducerConfig>,
    #[serde(default)]
    pub consumers: Vec<ConsumerConfig>,
    #[serde(default)]
    pub script: Vec<ScriptedAction>,
    /// A guided lesson's narration: each step tells what the scene shows at its time.
    #[serde(default)]
    pub steps: Vec<LessonStep>,
    #[serde(default)]
    pub simulation: SimulationConfig,
}

/// One step of a lesson: the reader is taken to `at_ms` and reads the text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LessonStep {
    pub at_ms: u64,
    pub en: String,
    pub ko: String,
}

/// Text a scenario shows to readers, in English and Korean (scenario files are content, so their
/// prose lives with them rather than in the app's string table).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LocalizedText {
    pub en: String,
    pub ko: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClusterConfig {
    pub brokers: u32,
    /// Size of the KRaft controller quorum (drawn; must be odd, as a Raft majority needs).
    pub controllers: u32,
    #[serde(rename = "replica.lag.time.max.ms")]
    pub replica_lag_time_max_ms: u64,
    #[serde(rename = "broker.session.timeout.ms")]
    pub broker_session_timeout_ms: u64,
    #[serde(rename = "broker.heartbeat.interval.ms")]
    pub broker_heartbeat_interval_ms: u64,
    #[serde(rename = "replica.fetch.wait.max.ms")]
    pub replica_fetch_wait_max_ms: u64,
    /// How often brokers look for records past `retention.ms`.
    #[serde(rename = "log.retention.check.interval.ms")]
    pub log_retention_check_interval_ms: u64,
    /// How long a new (empty) group waits for more members before its first rebalance completes.
    #[serde(rename = "group.initial.rebalance.delay.ms")]
    pub group_initial_rebalance_delay_ms: u64,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            brokers: 3,
            controllers: 3,
            replica_lag_time_max_ms: 30_000,
            broker_session_timeout_ms: 9_000,
            broker_heartbeat_interval_ms: 2_000,
            replica_fetch_wait_max_ms: 500,
            group_initial_rebalance_delay_ms: 3_000,
            log_retention_check_interval_ms: 300_000,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TopicConfig {
    pub name: String,
    pub partitions: u32,
    #[serde(rename = "replication.factor")]
    pub replication_factor: u32,
    #[serde(rename = "min.insync.replicas")]
    pub min_insync_replicas: u32,
    #[serde(rename = "unclean.leader.election.enable")]
    pub unclean_leader_election_enable: bool,
    /// How long records are kept, read or not (7 days by default).
    #[serde(rename = "retention.ms")]
    pub retention_ms: u64,
}

impl Default for TopicConfig {
    fn default() -> Self {
        TopicConfig {
            name: "events".into(),
            partitions: 1,
            replication_factor: 1,
            min_insync_replicas: 1,
            unclean_leader_election_enable: false,
            retention_ms: 604_800_000,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NetworkConfig {
    /// One-way latency of every link, in microseconds.
    pub latency_us: u64,
    /// Each message's latency is drawn uniformly from `latency_us ± jitter_us`.
    pub jitter_us: u64,
}

impl Default for NetworkConfig {
    fn default() -> Self {
        NetworkConfig {
            latency_us: 1000,
            jitter_us: 200,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProducerConfig {
    /// How many records the application sends.
    pub records: u32,
    /// Time between two `send()` calls of the application.
    #[serde(default = "default_interval_ms")]
    pub interval_ms: u64,
    #[serde(default)]
    pub start_ms: u64,
    /// Records get keys `k0 .. k{keys-1}` in turn, and the key's murmur2 hash picks the partition
    /// (Kafka's default partitioner); 0 means keyless records.
    #[serde(default)]
    pub keys: u32,
    #[serde(rename = "acks", default = "default_acks")]
    pub acks: Acks,
    #[serde(rename = "retries", default = "default_retries")]
    pub retries: u32,
    #[serde(rename = "request.timeout.ms", default = "default_request_timeout_ms")]
    pub request_timeout_ms: u64,
    #[serde(
        rename = "delivery.timeout.ms",
        default = "default_delivery_timeout_ms"
    )]
    pub delivery_timeout_ms: u64,
    #[serde(
        rename = "max.in.flight.requests.per.connection",
        default = "default_max_in_flight"
    )]
    pub max_in_flight: u32,
    /// Records per batch at most (Kafka's `batch.size` is in bytes; records are unit-sized here).
    #[serde(default = "default_batch_records")]
    pub batch_records: u32,
    #[serde(
        rename = "metadata.max.age.ms",
        default = "default_metadata_max_age_ms"
    )]
    pub metadata_max_age_ms: u64,
}

fn default_metadata_max_age_ms() -> u64 {
    300_000
}

fn default_interval_ms() -> u64 {
    10
}
fn default_acks() -> Acks {
    Acks::All
}
fn default_retries() -> u32 {
    i32::MAX as u32
}
fn default_request_timeout_ms() -> u64 {
    30_000
}
fn default_delivery_timeout_ms() -> u64 {
    120_000
}
fn default_max_in_flight() -> u32 {
    5
}
fn default_batch_records() -> u32 {
    16
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OffsetReset {
    Earliest,
    Latest,
}

/// Where the application processes the records `poll()` returns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProcessingStyle {
    /// One after another inside the poll loop; the next poll() comes after the last one.
    #[default]
    InLoop,
    /// Handed to a worker thread that processes them later; the loop polls again at once.
    HandOff,
}

/// How the application commits when `enable.auto.commit` is false (after processing).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ManualCommit {
    /// `commitSync()`: wait for the answer (retrying) before polling again.
    #[default]
    Sync,
    /// `commitAsync()`: send and poll on; a failed commit is not retried.
    Async,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsumerConfig {
    #[serde(rename = "group.id")]
    pub group_id: String,
    #[serde(default)]
    pub start_ms: u64,
    /// Time the application spends on each record.
    #[serde(default = "default_processing_ms")]
    pub processing_ms: u64,
    #[serde(rename = "auto.offset.reset", default = "default_offset_reset")]
    pub auto_offset_reset: OffsetReset,
    #[serde(rename = "enable.auto.commit", default = "default_true")]
    pub enable_auto_commit: bool,
    #[serde(
        rename = "auto.commit.interval.ms",
        default = "default_auto_commit_interval_ms"
    )]
    pub auto_commit_interval_ms: u64,
    #[serde(rename = "max.poll.records", default = "default_max_poll_records")]
    pub max_poll_records: u32,
    #[serde(rename = "fetch.max.wait.ms", default = "default_fetch_max_wait_ms")]
    pub fetch_max_wait_ms: u64,
    #[serde(rename = "request.timeout.ms", default = "default_request_timeout_ms")]
    pub request_timeout_ms: u64,
    #[serde(rename = "session.timeout.ms", default = "default_session_timeout_ms")]
    pub session_timeout_ms: u64,
    #[serde(
        rename = "heartbeat.interval.ms",
        default = "default_heartbeat_interval_ms"
    )]
    pub heartbeat_interval_ms: u64,
    #[serde(
        rename = "max.poll.interval.ms",
        default = "default_max_poll_interval_ms"
    )]
    pub max_poll_interval_ms: u64,
    #[serde(rename = "partition.assignment.strategy", default)]
    pub assignment_strategy: AssignmentStrategy,
    /// Application: in the poll loop, or handed to a worker.
    #[serde(default)]
    pub processing: ProcessingStyle,
    /// Application: `commitSync` or `commitAsync` after processing (manual commit only).
    #[serde(default)]
    pub commit: ManualCommit,
    #[serde(
        rename = "metadata.max.age.ms",
        default = "default_metadata_max_age_ms"
    )]
    pub metadata_max_age_ms: u64,
}

fn default_session_timeout_ms() -> u64 {
    45_000
}
fn default_heartbeat_interval_ms() -> u64 {
    3_000
}
fn default_max_poll_interval_ms() -> u64 {
    300_000
}

fn default_processing_ms() -> u64 {
    1
}
fn default_offset_reset() -> OffsetReset {
    OffsetReset::Latest
}
fn default_true() -> bool {
    true
}
fn default_auto_commit_interval_ms() -> u64 {
    5_000
}
fn default_max_poll_records() -> u32 {
    500
}
fn default_fetch_max_wait_ms() -> u64 {
    500
}

/// One timed entry of the script. (Unknown fields are rejected by [`Action`] itself: serde's
/// `deny_unknown_fields` cannot be combined with `flatten` on the outer struct.)
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScriptedAction {
    pub at_ms: u64,
    #[serde(flatten)]
    pub action: Action,
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

/// Why a scenario was rejected: where, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScenarioError {
    /// The text is not a valid scenario (syntax, unknown field, wrong type); the message names the
    /// field and its line.
    Parse(String),
    /// The scenario parses but asks for something impossible.
    Invalid { field: String, problem: String },
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScenarioError::Parse(msg) => write!(f, "the scenario file could not be read: {msg}"),
            ScenarioError::Invalid { field, problem } => {
                write!(f, "the scenario's `{field}` is invalid: {problem}")
            }
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
    /// Parses TOML and validates it.
    pub fn from_toml(text: &str) -> Result<Scenario, ScenarioError> {
        let scenario: Scenario =
            toml::from_str(text).map_err(|e| ScenarioError::Parse(e.to_string().trim().into()))?;
        scenario.validate()?;
        Ok(scenario)
    }

    /// Parses JSON and validates it.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        let scenario: Scenario =
            serde_json::from_str(text).map_err(|e| ScenarioError::Parse(e.to_string()))?;
        scenario.validate()?;
        Ok(scenario)
    }

    /// Parses by file name: `.json` is JSON, anything else TOML.
    pub fn from_file_text(file_name: &str, text: &str) -> Result<Scenario, ScenarioError> {
        if file_name.ends_with(".json") {
            Scenario::from_json(text)
        } else {
            Scenario::from_toml(text)
        }
    }

    /// Checks what the types cannot: ranges, cross-field rules, and script targets.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        if self.title.en.is_empty() != self.title.ko.is_empty() {
            return Err(invalid(
                "title",
                "give the title in both `en` and `ko`, or neither",
            ));
        }
        if self.description.en.is_empty() != self.description.ko.is_empty() {
            return Err(invalid(
                "description",
                "give the description in both `en` and `ko`, or neither",
            ));
        }
        let brokers = self.cluster.brokers;
        if !(1..=MAX_BROKERS).contains(&brokers) {
            return Err(invalid(
                "cluster.brokers",
                format!("{brokers} brokers; a cluster here has 1 to {MAX_BROKERS}"),
            ));
        }
        let t = &self.topic;
        if t.name.is_empty() {
            return Err(invalid("topic.name", "a topic needs a name"));
        }
        if !(1..=MAX_PARTITIONS).contains(&t.partitions) {
            return Err(invalid(
                "topic.partitions",
                format!(
                    "{} partitions; a topic here has 1 to {MAX_PARTITIONS}",
                    t.partitions
                ),
            ));
        }
        if t.replication_factor == 0 || t.replication_factor > brokers {
            return Err(invalid(
                "topic.replication.factor",
                format!(
                    "{} replicas on {brokers} broker(s): Kafka needs 1 ≤ replication.factor ≤ brokers",
                    t.replication_factor
                ),
            ));
        }
        if t.min_insync_replicas == 0 {
            return Err(invalid("topic.min.insync.replicas", "must be at least 1"));
        }
        let c = &self.cluster;
        if ![1, 3, 5].contains(&c.controllers) {
            return Err(invalid(
                "cluster.controllers",
                format!(
                    "{} controllers; a KRaft quorum has 1, 3 or 5 (an odd number, because Raft needs a majority)",
                    c.controllers
                ),
            ));
        }
        for (field, value) in [
            ("cluster.replica.lag.time.max.ms", c.replica_lag_time_max_ms),
            (
                "cluster.broker.session.timeout.ms",
                c.broker_session_timeout_ms,
            ),
            (
                "cluster.broker.heartbeat.interval.ms",
                c.broker_heartbeat_interval_ms,
            ),
            (
                "cluster.log.retention.check.interval.ms",
                c.log_retention_check_interval_ms,
            ),
            ("topic.retention.ms", t.retention_ms),
        ] {
            if value == 0 {
                return Err(invalid(field, "must be at least 1"));
            }
        }
        if c.broker_heartbeat_interval_ms >= c.broker_session_timeout_ms {
            return Err(invalid(
                "cluster.broker.heartbeat.interval.ms",
                "must be shorter than broker.session.timeout.ms, or every broker would be fenced",
            ));
        }
        if self.producers.len() > MAX_CLIENTS || self.consumers.len() > MAX_CLIENTS {
            return Err(invalid(
                "producers/consumers",
                format!("at most {MAX_CLIENTS} producers and {MAX_CLIENTS} consumers"),
            ));
        }
        if self.network.jitter_us > self.network.latency_us {
            return Err(invalid(
                "network.jitter_us",
                "jitter larger than the latency would make latencies negative",
            ));
        }
        for (i, p) in self.producers.iter().enumerate() {
            let at = |f: &str| format!("producers[{i}].{f}");
            if p.records > MAX_RECORDS_PER_PRODUCER {
                return Err(invalid(
                    at("records"),
                    format!("{} records; at most {MAX_RECORDS_PER_PRODUCER}", p.records),
                ));
            }
            if p.max_in_flight == 0 {
                return Err(invalid(
                    at("max.in.flight.requests.per.connection"),
                    "must be at least 1",
                ));
            }
            if p.batch_records == 0 {
                return Err(invalid(at("batch_records"), "must be at least 1"));
            }
            if p.request_timeout_ms == 0 {
                return Err(invalid(at("request.timeout.ms"), "must be at least 1"));
            }
            if p.metadata_max_age_ms == 0 {
                return Err(invalid(at("metadata.max.age.ms"), "must be at least 1"));
            }
            // Kafka's ProducerConfig rejects delivery.timeout.ms < linger.ms + request.timeout.ms.
            if p.delivery_timeout_ms < p.request_timeout_ms {
                return Err(invalid(
                    at("delivery.timeout.ms"),
                    "must be at least request.timeout.ms (Kafka rejects it otherwise)",
                ));
            }
        }
        let mut strategies: BTreeMap<&str, AssignmentStrategy> = BTreeMap::new();
        for (i, c) in self.consumers.iter().enumerate() {
            let at = |f: &str| format!("consumers[{i}].{f}");
            if c.group_id.trim().is_empty() {
                return Err(invalid(
                    at("group.id"),
                    "every consumer belongs to a consumer group; give it a group.id",
                ));
            }
            let strategy = *strategies
                .entry(c.group_id.as_str())
                .or_insert(c.assignment_strategy);
            if strategy != c.assignment_strategy {
                return Err(invalid(
                    at("partition.assignment.strategy"),
                    format!(
                        "`{}`, but another member of group `{}` uses `{}`: the coordinator would \
                         refuse the join with INCONSISTENT_GROUP_PROTOCOL",
                        c.assignment_strategy.name(),
                        c.group_id,
                        strategy.name()
                    ),
                ));
            }
            if c.session_timeout_ms == 0 || c.max_poll_interval_ms == 0 {
                return Err(invalid(
                    at("session.timeout.ms"),
                    "session.timeout.ms and max.poll.interval.ms must be at least 1",
                ));
            }
            if c.heartbeat_interval_ms == 0 || c.heartbeat_interval_ms >= c.session_timeout_ms {
                return Err(invalid(
                    at("heartbeat.interval.ms"),
                    "must be at least 1 and shorter than session.timeout.ms (Kafka rejects it otherwise)",
                ));
            }
            if c.max_poll_records == 0 {
                return Err(invalid(at("max.poll.records"), "must be at least 1"));
            }
            if c.enable_auto_commit && c.auto_commit_interval_ms == 0 {
                return Err(invalid(at("auto.commit.interval.ms"), "must be at least 1"));
            }
            if c.request_timeout_ms == 0 {
                return Err(invalid(at("request.timeout.ms"), "must be at least 1"));
            }
            if c.metadata_max_age_ms == 0 {
                return Err(invalid(at("metadata.max.age.ms"), "must be at least 1"));
            }
        }
        for (i, s) in self.script.iter().enumerate() {
            for node in s.action.nodes() {
                if !self.has_node(node) {
                    return Err(invalid(
                        format!("script[{i}]"),
                        format!("names {node}, which is not in this scenario"),
                    ));
                }
            }
            if let Some((from, to)) = s.action.link() {
                if from == to {
                    return Err(invalid(
                        format!("script[{i}]"),
                        "a link joins two different nodes",
                    ));
                }
            } else if let Some(problem) = s.action.target_problem() {
                return Err(invalid(format!("script[{i}]"), problem));
            }
            if let Action::CreatePartitions { count } = s.action {
                if count == 0 || count > MAX_PARTITIONS {
                    return Err(invalid(
                        format!("script[{i}].count"),
                        format!("{count} partitions; a topic here has 1 to {MAX_PARTITIONS}"),
                    ));
                }
            }
        }
        let mut previous = 0;
        for (i, step) in self.steps.iter().enumerate() {
            if step.en.trim().is_empty() || step.ko.trim().is_empty() {
                return Err(invalid(
                    format!("steps[{i}]"),
                    "every step is told in both `en` and `ko`",
                ));
            }
            if step.at_ms < previous {
                return Err(invalid(
                    format!("steps[{i}].at_ms"),
                    "steps must be in time order",
                ));
            }
            if step.at_ms > self.simulation.max_time_ms {
                return Err(invalid(
                    format!("steps[{i}].at_ms"),
                    "after simulation.max_time_ms",
                ));
            }
            previous = step.at_ms;
        }
        if let Some(PlaybackSpeed(speed)) = self.simulation.playback_speed {
            if !PLAYBACK_SPEEDS.contains(&speed) {
                return Err(invalid(
                    "simulation.playback_speed",
                    format!("{speed}; the page plays at 0.25, 0.5, 1, 2, 4 or 8"),
                ));
            }
        }
        if self.simulation.max_time_ms == 0 {
            return Err(invalid("simulation.max_time_ms", "must be at least 1"));
        }
        Ok(())
    }

    pub fn has_node(&self, node: NodeId) -> bool {
        let n = node.number() as usize;
        n >= 1
            && match node {
                NodeId::Producer(_) => n <= self.producers.len(),
                NodeId::Broker(_) => n <= self.cluster.brokers as usize,
                NodeId::Consumer(_) => n <= self.consumers.len(),
                NodeId::Controller(_) => n == 1,
            }
    }
}
