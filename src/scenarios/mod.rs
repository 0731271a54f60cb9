//! The scenarios the page can play: the built-in files (the same ones the CLI and the tests run,
//! converted to JSON without comments and step claims by `build.rs`, and fetched by the page when
//! opened: [`builtin`]), or a file the reader opens. Loading parses, validates and records the
//! run; a bad scenario is an error value that names the problem, shown in place of the scene.

mod builtin;

pub use builtin::{
    builtin_names, builtin_scenario, builtin_text, builtin_titles, is_builtin, supply_builtin_text,
    when_builtin_ready,
};

use crate::i18n::Text;
use kafkascope_engine::scenario::ConsumerConfig;
use kafkascope_engine::{Scenario, ScenarioError, Timeline};
use std::rc::Rc;

pub const DEFAULT_SCENARIO: &str = "hello-kafka";

/// The built-in scenarios by chapter, in the order the story tells them: every one the page
/// offers, grouped as the picker groups them (the last, "more", holds the free-play extras).
pub const CHAPTERS: &[(Text, &[&str])] = &[
    (Text::ChapterStart, &["hello-kafka"]),
    (
        Text::ChapterReplication,
        &[
            "lesson-1-replication",
            "acks-1-failover-loss",
            "min-isr-not-enough-replicas",
            "acks-all-failover-safe",
            "unclean-election-loss",
            "clean-election-offline",
            "retry-duplicate",
        ],
    ),
    (
        Text::ChapterConsumers,
        &[
            "consumers-1-offsets",
            "consumers-2-async",
            "consumers-3-many-groups",
            "consumers-4-partitions",
            "consumers-5-commits",
        ],
    ),
    (
        Text::ChapterExactlyOnce,
        &[
            "idempotent-producer",
            "transactions",
            "zombie-fencing",
            "exactly-once-processing",
            "rewind-forgotten",
            "database-duplicate-row",
            "database-unique-key",
            "database-offsets",
            "connect-sink",
            "connect-sink-insert",
            "four-applications",
        ],
    ),
    (
        Text::ChapterMore,
        &[
            "two-groups",
            "two-topics",
            "retention-deletes-unread",
            "bench-txn-in-flight",
            "bench-500-in-flight",
        ],
    ),
];

/// The guided tour: the whole story from the first record to the last fix, chapter by chapter,
/// each chapter one or more lessons (their steps, then free play). It follows the story's order —
/// Kafka's basics before its guarantees — rather than the picker's grouping. Only lessons (scenarios
/// with steps) belong here; the picker offers the free-play scenarios beside them.
pub const TOUR: &[(Text, &[&str])] = &[
    (Text::TourTrip, &["consumers-1-offsets"]),
    (Text::TourAsync, &["consumers-2-async"]),
    (Text::TourGroups, &["consumers-3-many-groups"]),
    (Text::TourReplication, &["lesson-1-replication"]),
    (
        Text::TourAcks,
        &["acks-1-failover-loss", "min-isr-not-enough-replicas"],
    ),
    (Text::TourPartitions, &["consumers-4-partitions"]),
    (Text::TourCommits, &["consumers-5-commits"]),
    (
        Text::TourExactlyOnce,
        &[
            "idempotent-producer",
            "transactions",
            "zombie-fencing",
            "exactly-once-processing",
            "rewind-forgotten",
        ],
    ),
    (Text::TourDuplicateRow, &["database-duplicate-row"]),
    (Text::TourUniqueKey, &["database-unique-key"]),
    (Text::TourOffsets, &["database-offsets"]),
    (
        Text::TourConnect,
        &["connect-sink", "connect-sink-insert", "four-applications"],
    ),
];

/// The tour's lessons in order.
pub fn tour_lessons() -> impl Iterator<Item = &'static str> {
    TOUR.iter().flat_map(|(_, names)| names.iter().copied())
}

/// Where `name` is in the tour (0-based), if it is.
pub fn tour_index(name: &str) -> Option<usize> {
    tour_lessons().position(|n| n == name)
}

/// The chapter `name` belongs to (the last one, "more", for one in none).
pub fn chapter_of(name: &str) -> usize {
    CHAPTERS
        .iter()
        .position(|(_, names)| names.contains(&name))
        .unwrap_or(CHAPTERS.len() - 1)
}

/// Where the scenario being played comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum ScenarioSource {
    Builtin(String),
    /// A file the reader opened: its name, and the scenario read from it (JSON by the page,
    /// TOML by the TOML reader worker) or why it could not be.
    File {
        name: String,
        scenario: Rc<Result<Scenario, ScenarioError>>,
    },
    /// A scenario with settings changed in the page (validated again when loaded).
    Edited {
        name: String,
        scenario: Rc<Scenario>,
    },
}

impl ScenarioSource {
    /// How the source is named in messages (`hello-kafka`, `my-cluster.toml`).
    pub fn label(&self) -> &str {
        match self {
            ScenarioSource::Builtin(name) => name,
            ScenarioSource::File { name, .. } | ScenarioSource::Edited { name, .. } => name,
        }
    }
}

/// Parses, validates and records the scenario a source names.
pub fn load(source: &ScenarioSource) -> Result<Rc<Timeline>, ScenarioError> {
    crate::frame_stats::mark_load_stage("scenario-read");
    let scenario = match source {
        ScenarioSource::Builtin(name) => builtin::read(name)?,
        ScenarioSource::File { scenario, .. } => (**scenario).clone()?,
        ScenarioSource::Edited { scenario, .. } => {
            scenario.validate()?;
            (**scenario).clone()
        }
    };
    // A run the tab could not hold is refused with the reason, before it is recorded.
    let estimate = Timeline::estimate(&scenario);
    if !estimate.fits() {
        return Err(ScenarioError::TooLarge {
            records: estimate.records,
            trace_entries: estimate.trace_entries,
            limit: kafkascope_engine::timeline::MAX_TRACE_ENTRIES,
            records_that_fit: estimate.records_that_fit(),
        });
    }
    crate::frame_stats::mark_load_stage("scenario-parsed");
    let timeline = Rc::new(Timeline::record(&scenario));
    crate::frame_stats::mark_load_stage("run-recorded");
    Ok(timeline)
}

/// The reader's changes to a scenario's settings.
#[derive(Clone, Debug, PartialEq)]
pub struct SettingsChange {
    pub brokers: u32,
    pub partitions: u32,
    pub replication_factor: u32,
    pub min_insync_replicas: u32,
    pub acks: kafkascope_engine::message::Acks,
    pub retries: u32,
    /// `enable.idempotence` as written (`None`: Kafka's default, on unless another setting rules
    /// it out).
    pub enable_idempotence: Option<bool>,
    pub unclean_leader_election: bool,
    /// Each consumer group's `isolation.level` (its first member's), in scenario order.
    pub isolation: Vec<(String, kafkascope_engine::scenario::IsolationLevel)>,
    /// Each consumer group's `enable.auto.commit` (its first member's), in scenario order.
    pub auto_commit: Vec<(String, bool)>,
    /// Each database table's unique key on the record's id (`unique_key`), in scenario order:
    /// the plain table and the one that refuses a second write can be compared.
    pub unique_keys: Vec<(String, bool)>,
}

/// Each consumer group's value of a setting, its first member's, in scenario order.
fn per_group<T>(scenario: &Scenario, value: impl Fn(&ConsumerConfig) -> T) -> Vec<(String, T)> {
    scenario.consumers.iter().fold(Vec::new(), |mut groups, c| {
        if !groups.iter().any(|(g, _)| *g == c.group_id) {
            groups.push((c.group_id.clone(), value(c)));
        }
        groups
    })
}

impl SettingsChange {
    /// The settings `scenario` has (acks and retries of its first producer).
    pub fn of(scenario: &Scenario) -> Self {
        let first = scenario.producers.first();
        SettingsChange {
            brokers: scenario.cluster.brokers,
            partitions: scenario.first_topic().partitions,
            replication_factor: scenario.first_topic().replication_factor,
            min_insync_replicas: scenario.first_topic().min_insync_replicas,
            acks: first.map_or(kafkascope_engine::message::Acks::All, |p| p.acks),
            retries: first.map_or(i32::MAX as u32, |p| p.retries),
            enable_idempotence: first.and_then(|p| p.enable_idempotence),
            unclean_leader_election: scenario.first_topic().unclean_leader_election_enable,
            isolation: per_group(scenario, |c| c.isolation_level),
            auto_commit: per_group(scenario, |c| c.enable_auto_commit),
            unique_keys: scenario.database.as_ref().map_or_else(Vec::new, |db| {
                db.tables
                    .iter()
                    .map(|t| (t.name.clone(), t.unique_key))
                    .collect()
            }),
        }
    }

    /// Each setting under Kafka's name, with its value as Kafka writes it.
    fn by_kafka_name(&self) -> Vec<(String, String)> {
        let mut settings: Vec<(String, String)> = [
            ("brokers", self.brokers.to_string()),
            ("num.partitions", self.partitions.to_string()),
            ("replication.factor", self.replication_factor.to_string()),
            ("min.insync.replicas", self.min_insync_replicas.to_string()),
            ("acks", self.acks.name().to_string()),
            ("retries", self.retries.to_string()),
            (
                "enable.idempotence",
                self.enable_idempotence
                    .map_or_else(|| "default".to_string(), |on| on.to_string()),
            ),
            (
                "unclean.leader.election.enable",
                self.unclean_leader_election.to_string(),
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        for (group, level) in &self.isolation {
            settings.push((
                format!("isolation.level ({group})"),
                level.name().to_string(),
            ));
        }
        for (group, on) in &self.auto_commit {
            settings.push((format!("enable.auto.commit ({group})"), on.to_string()));
        }
        for (table, on) in &self.unique_keys {
            settings.push((format!("unique_key ({table})"), on.to_string()));
        }
        settings
    }

    /// `scenario` with these settings (every producer gets the acks and retries), validated:
    /// an impossible combination is an error naming the field. Each setting that changed is
    /// noted in the scenario as the reader's (`reader_settings`, with the author's value).
    pub fn apply(&self, scenario: &Scenario) -> Result<Scenario, ScenarioError> {
        let mut s = scenario.clone();
        let before = SettingsChange::of(scenario).by_kafka_name();
        for ((setting, was), (_, now)) in before.into_iter().zip(self.by_kafka_name()) {
            s.note_reader_setting(&setting, was, now);
        }
        s.cluster.brokers = self.brokers;
        let topic = s.first_topic_mut();
        topic.partitions = self.partitions;
        topic.replication_factor = self.replication_factor;
        topic.min_insync_replicas = self.min_insync_replicas;
        topic.unclean_leader_election_enable = self.unclean_leader_election;
        for p in &mut s.producers {
            p.acks = self.acks;
            p.retries = self.retries;
            p.enable_idempotence = self.enable_idempotence;
        }
        for c in &mut s.consumers {
            if let Some((_, level)) = self.isolation.iter().find(|(g, _)| *g == c.group_id) {
                c.isolation_level = *level;
            }
            if let Some((_, on)) = self.auto_commit.iter().find(|(g, _)| *g == c.group_id) {
                c.enable_auto_commit = *on;
            }
        }
        if let Some(db) = &mut s.database {
            for table in &mut db.tables {
                if let Some((_, on)) = self.unique_keys.iter().find(|(t, _)| *t == table.name) {
                    table.unique_key = *on;
                }
            }
        }
        s.validate()?;
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enable_idempotence_is_kafkas_default_until_written_and_a_conflict_names_the_field() {
        let base = Scenario::from_toml(BUILTIN_IDEMPOTENT).unwrap();
        let mut change = SettingsChange::of(&base);
        assert_eq!(
            change.enable_idempotence, None,
            "the lesson runs Kafka's default"
        );
        change.enable_idempotence = Some(false);
        let off = change.apply(&base).unwrap();
        assert!(off
            .producers
            .iter()
            .all(|p| p.enable_idempotence == Some(false)));
        assert!(
            off.reader_settings
                .contains(&"enable.idempotence: default → false".to_string()),
            "{:?}",
            off.reader_settings
        );
        change.enable_idempotence = Some(true);
        change.acks = kafkascope_engine::message::Acks::Leader;
        let refused = change.apply(&base).unwrap_err().to_string();
        assert!(refused.contains("enable.idempotence"), "{refused}");
    }

    const BUILTIN_IDEMPOTENT: &str = include_str!("../../scenarios/idempotent-producer.toml");

    /// The table's duplicate rows and refused writes at the end of `scenario`'s run.
    fn table_figures(scenario: &Scenario) -> (u64, u64) {
        let timeline = Timeline::record(scenario);
        let table = &timeline.report().tables[0];
        (table.duplicate_rows, table.refused_writes)
    }

    #[test]
    fn the_plain_table_and_the_unique_key_one_are_one_setting_apart() {
        let plain =
            Scenario::from_toml(include_str!("../../scenarios/database-duplicate-row.toml"))
                .unwrap();
        let mut change = SettingsChange::of(&plain);
        assert_eq!(change.unique_keys, vec![("payments".to_string(), false)]);
        change.unique_keys[0].1 = true;
        let keyed = change.apply(&plain).unwrap();
        assert!(keyed
            .reader_settings
            .contains(&"unique_key (payments): false → true".to_string()));
        let (plain_dups, plain_refused) = table_figures(&plain);
        let (keyed_dups, keyed_refused) = table_figures(&keyed);
        assert!(
            plain_dups > 0 && plain_refused == 0,
            "{plain_dups} {plain_refused}"
        );
        assert_eq!(keyed_dups, 0, "the unique key refuses the second writes");
        assert_eq!(
            keyed_refused, plain_dups,
            "each one the plain table added twice"
        );
    }

    #[test]
    fn a_groups_auto_commit_is_a_setting() {
        let base =
            Scenario::from_toml(include_str!("../../scenarios/consumers-5-commits.toml")).unwrap();
        let mut change = SettingsChange::of(&base);
        assert!(!change.auto_commit.is_empty());
        let (group, was) = change.auto_commit[0].clone();
        change.auto_commit[0].1 = !was;
        let changed = change.apply(&base).unwrap();
        assert!(changed
            .consumers
            .iter()
            .filter(|c| c.group_id == group)
            .all(|c| c.enable_auto_commit != was));
    }

    #[test]
    fn settings_apply_to_every_producer_and_impossible_ones_name_the_field() {
        let base = builtin_scenario("acks-1-failover-loss").unwrap().unwrap();
        let mut change = SettingsChange::of(&base);
        change.acks = kafkascope_engine::message::Acks::All;
        let edited = change.apply(&base).unwrap();
        assert!(edited
            .producers
            .iter()
            .all(|p| p.acks == kafkascope_engine::message::Acks::All));
        assert_eq!(
            edited.reader_settings,
            [format!("acks: {} → all", base.producers[0].acks.name())],
            "the change is noted as the reader's, with the author's value"
        );
        // Changing it back forgets the note; the scenario is the author's again.
        let mut back = SettingsChange::of(&edited);
        back.acks = base.producers[0].acks;
        assert!(back.apply(&edited).unwrap().reader_settings.is_empty());
        change.replication_factor = 5;
        let err = change.apply(&base).unwrap_err().to_string();
        assert!(err.contains("replication.factor"), "{err}");
        let mut fewer = SettingsChange::of(&base);
        fewer.brokers = 2;
        fewer.replication_factor = 2;
        let err = fewer.apply(&base).unwrap_err().to_string();
        assert!(
            err.contains("broker-3"),
            "a script naming a removed broker: {err}"
        );
    }

    #[test]
    fn a_groups_isolation_level_can_be_changed_and_a_transactional_producer_refuses_acks_1() {
        let base = builtin_scenario("transactions").unwrap().unwrap();
        let mut change = SettingsChange::of(&base);
        use kafkascope_engine::scenario::IsolationLevel;
        assert_eq!(
            change.isolation,
            [
                ("billing".to_string(), IsolationLevel::ReadCommitted),
                ("audit".to_string(), IsolationLevel::ReadUncommitted)
            ]
        );
        change.isolation[0].1 = IsolationLevel::ReadUncommitted;
        let edited = change.apply(&base).unwrap();
        assert!(edited
            .consumers
            .iter()
            .all(|c| c.isolation_level == IsolationLevel::ReadUncommitted));
        assert_eq!(
            edited.reader_settings,
            ["isolation.level (billing): read_committed → read_uncommitted"]
        );
        // Kafka refuses a transactional producer without acks=all: named, not applied.
        let mut acks_1 = SettingsChange::of(&base);
        acks_1.acks = kafkascope_engine::message::Acks::Leader;
        let err = acks_1.apply(&base).unwrap_err().to_string();
        assert!(
            err.contains("transactional.id") && err.contains("acks"),
            "{err}"
        );
    }

    #[test]
    fn every_lesson_is_in_a_chapter_and_every_chapter_names_built_in_scenarios() {
        for (_, names) in CHAPTERS {
            for name in *names {
                assert!(is_builtin(name), "{name}");
            }
        }
        for name in builtin_names() {
            let lesson = !builtin_scenario(name).unwrap().unwrap().steps.is_empty();
            if lesson {
                assert!(
                    chapter_of(name) < CHAPTERS.len() - 1,
                    "{name} is a lesson outside the chapters"
                );
            }
        }
    }

    #[test]
    fn every_builtin_scenario_loads_and_settles() {
        for name in builtin_names() {
            let timeline = load(&ScenarioSource::Builtin(name.to_string()))
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            // A run ends settled, or (min.insync.replicas) at its stated time limit.
            assert!(
                timeline.end_reason() == kafkascope_engine::EndReason::Settled
                    || timeline.scenario().simulation.max_time_ms < 60_000,
                "{name} ended {:?}",
                timeline.end_reason()
            );
            // A step at the run's last millisecond (rounded up) shows its end.
            for step in &timeline.scenario().steps {
                assert!(
                    step.at_ms * 1000 < timeline.end().as_micros() + 1000,
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
    fn every_builtin_json_is_its_toml_file() {
        for name in builtin_names() {
            let json = builtin_text(name).unwrap();
            let path = format!("{}/scenarios/{name}.toml", env!("CARGO_MANIFEST_DIR"));
            let mut from_toml =
                Scenario::from_toml(&std::fs::read_to_string(&path).unwrap()).unwrap();
            for step in &mut from_toml.steps {
                step.claims.clear();
            }
            let from_json = Scenario::from_json(json).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(
                from_json, from_toml,
                "{name}: the page's JSON reads as the TOML file"
            );
        }
    }

    #[test]
    fn a_file_that_could_not_be_read_shows_why() {
        let source = ScenarioSource::File {
            name: "mine.json".into(),
            scenario: Rc::new(Scenario::from_json(
                "{\"topic\": {\"partitions\": \"many\"}}",
            )),
        };
        let err = load(&source).unwrap_err().to_string();
        assert!(err.contains("expected u32"), "{err}");
    }

    #[test]
    fn a_run_too_large_for_the_tab_is_refused_up_front_with_what_to_change() {
        let source = ScenarioSource::File {
            name: "bench-1m.toml".into(),
            scenario: Rc::new(Scenario::from_json(include_str!(concat!(
                env!("OUT_DIR"),
                "/bench-1m.json"
            )))),
        };
        let err = load(&source).unwrap_err().to_string();
        assert!(
            err.contains("too large") && err.contains("records") && err.contains("kafkascope-sim"),
            "{err}"
        );
    }
}
