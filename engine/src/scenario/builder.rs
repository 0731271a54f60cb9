//! Building a scenario in code (tests, benches, the page's session), with Kafka's defaults for
//! everything not set — the same defaults a scenario file gets — instead of editing TOML text.
//!
//! ```
//! use kafkascope_engine::scenario::ScenarioBuilder;
//! use kafkascope_engine::message::Acks;
//! let scenario = ScenarioBuilder::new("acks-1")
//!     .brokers(3)
//!     .topic(|t| t.replication_factor = 3)
//!     .producer(10, |p| p.acks = Acks::Leader)
//!     .consumer("billing", |c| c.session_timeout_ms = 10_000)
//!     .build()
//!     .expect("a valid scenario");
//! assert_eq!(scenario.producers[0].acks, Acks::Leader);
//! ```

use super::{ConsumerConfig, ProducerConfig, Scenario, ScenarioError, ScriptedAction, TopicConfig};
use crate::action::Action;

/// A scenario under construction; [`ScenarioBuilder::build`] validates it as a file would be.
#[derive(Clone, Debug)]
pub struct ScenarioBuilder {
    scenario: Scenario,
}

impl ScenarioBuilder {
    pub fn new(name: &str) -> Self {
        ScenarioBuilder {
            scenario: Scenario {
                name: name.to_string(),
                ..Scenario::default()
            },
        }
    }

    pub fn seed(mut self, seed: u64) -> Self {
        self.scenario.seed = seed;
        self
    }

    pub fn brokers(mut self, brokers: u32) -> Self {
        self.scenario.cluster.brokers = brokers;
        self
    }

    /// Changes cluster-wide settings.
    pub fn cluster(mut self, change: impl FnOnce(&mut super::ClusterConfig)) -> Self {
        change(&mut self.scenario.cluster);
        self
    }

    /// Changes the (first) topic's settings.
    pub fn topic(mut self, change: impl FnOnce(&mut TopicConfig)) -> Self {
        change(self.scenario.first_topic_mut());
        self
    }

    /// Adds another topic named `name` (the scenario then lists its topics as `[[topics]]`).
    pub fn add_topic(mut self, name: &str, change: impl FnOnce(&mut TopicConfig)) -> Self {
        if self.scenario.topics.is_empty() {
            let first = self.scenario.topic.take().unwrap_or_default();
            self.scenario.topics.push(first);
        }
        let mut t = TopicConfig {
            name: name.to_string(),
            ..TopicConfig::default()
        };
        change(&mut t);
        self.scenario.topics.push(t);
        self
    }

    /// Changes the network's latency and jitter.
    pub fn network(mut self, latency_us: u64, jitter_us: u64) -> Self {
        self.scenario.network.latency_us = latency_us;
        self.scenario.network.jitter_us = jitter_us;
        self
    }

    /// Adds a producer that sends `records`, with Kafka's defaults changed by `change`.
    pub fn producer(mut self, records: u32, change: impl FnOnce(&mut ProducerConfig)) -> Self {
        let mut p = ProducerConfig::sending(records);
        change(&mut p);
        self.scenario.producers.push(p);
        self
    }

    /// Adds a consumer in `group`, with Kafka's defaults changed by `change`.
    pub fn consumer(mut self, group: &str, change: impl FnOnce(&mut ConsumerConfig)) -> Self {
        let mut c = ConsumerConfig::in_group(group);
        change(&mut c);
        self.scenario.consumers.push(c);
        self
    }

    /// Changes the `i`th producer added so far (0-based).
    pub fn change_producer(mut self, i: usize, change: impl FnOnce(&mut ProducerConfig)) -> Self {
        if let Some(p) = self.scenario.producers.get_mut(i) {
            change(p);
        }
        self
    }

    /// Changes the `i`th consumer added so far (0-based).
    pub fn change_consumer(mut self, i: usize, change: impl FnOnce(&mut ConsumerConfig)) -> Self {
        if let Some(c) = self.scenario.consumers.get_mut(i) {
            change(c);
        }
        self
    }

    /// Schedules an action at `at_ms`.
    pub fn at(mut self, at_ms: u64, action: Action) -> Self {
        self.scenario.script.push(ScriptedAction {
            at_ms,
            action,
            by_reader: false,
        });
        self
    }

    pub fn max_time_ms(mut self, max_time_ms: u64) -> Self {
        self.scenario.simulation.max_time_ms = max_time_ms;
        self
    }

    /// The scenario, validated as a file would be.
    pub fn build(self) -> Result<Scenario, ScenarioError> {
        self.scenario.validate()?;
        Ok(self.scenario)
    }
}
