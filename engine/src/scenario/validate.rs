//! What a scenario's types cannot say: ranges, cross-field rules and script targets, each refused
//! with the field's path and the reason (Kafka's own, where Kafka refuses the same thing).

use super::*;
use crate::assignor::AssignmentStrategy;
use crate::flat::FlatMap;

impl Scenario {
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
        if self.topic.is_some() && !self.topics.is_empty() {
            return Err(invalid(
                "topics",
                "give either one [topic] or a list of [[topics]], not both",
            ));
        }
        let topics = self.topic_configs();
        if topics.len() > MAX_TOPICS {
            return Err(invalid(
                "topics",
                format!(
                    "{} topics; a scenario here has 1 to {MAX_TOPICS}",
                    topics.len()
                ),
            ));
        }
        for (i, t) in topics.iter().enumerate() {
            let at = |f: &str| {
                if self.topics.is_empty() {
                    format!("topic.{f}")
                } else {
                    format!("topics[{i}].{f}")
                }
            };
            if t.name.is_empty() {
                return Err(invalid(at("name"), "a topic needs a name"));
            }
            if topics[..i].iter().any(|other| other.name == t.name) {
                return Err(invalid(
                    at("name"),
                    format!(
                        "`{}` is named twice: Kafka refuses with TOPIC_ALREADY_EXISTS",
                        t.name
                    ),
                ));
            }
            if !(1..=MAX_PARTITIONS).contains(&t.partitions) {
                return Err(invalid(
                    at("partitions"),
                    format!(
                        "{} partitions; a topic here has 1 to {MAX_PARTITIONS}",
                        t.partitions
                    ),
                ));
            }
            if t.replication_factor == 0 || t.replication_factor > brokers {
                return Err(invalid(
                    at("replication.factor"),
                    format!(
                        "{} replicas on {brokers} broker(s): Kafka needs 1 ≤ replication.factor ≤ brokers",
                        t.replication_factor
                    ),
                ));
            }
            if t.min_insync_replicas == 0 {
                return Err(invalid(at("min.insync.replicas"), "must be at least 1"));
            }
            if t.retention_ms == 0 {
                return Err(invalid(at("retention.ms"), "must be at least 1"));
            }
        }
        let topic_names = || {
            topics
                .iter()
                .map(|t| format!("`{}`", t.name))
                .collect::<Vec<_>>()
                .join(", ")
        };
        for (i, p) in self.producers.iter().enumerate() {
            if let Some(name) = &p.topic {
                if self.topic_index(name).is_none() {
                    return Err(invalid(
                        format!("producers[{i}].topic"),
                        format!(
                            "`{name}` is not a topic of this scenario; its topics are {}",
                            topic_names()
                        ),
                    ));
                }
            }
        }
        for (i, c) in self.consumers.iter().enumerate() {
            for name in &c.topics {
                if self.topic_index(name).is_none() {
                    return Err(invalid(
                        format!("consumers[{i}].topics"),
                        format!(
                            "`{name}` is not a topic of this scenario; its topics are {}",
                            topic_names()
                        ),
                    ));
                }
            }
            if let Some(t) = &c.transform {
                let at = |f: &str| format!("consumers[{i}].transform.{f}");
                if self.topic_index(&t.output).is_none() {
                    return Err(invalid(
                        at("output"),
                        format!(
                            "`{}` is not a topic of this scenario; its topics are {}",
                            t.output,
                            topic_names()
                        ),
                    ));
                }
                if self
                    .consumer_topics(c)
                    .contains(&self.topic_index(&t.output).unwrap_or(0))
                {
                    return Err(invalid(
                        at("output"),
                        format!(
                            "`{}` is also a topic this processor reads: it would read its own \
                             results",
                            t.output
                        ),
                    ));
                }
                if t.transactional_id.trim().is_empty() {
                    return Err(invalid(
                        at("transactional.id"),
                        "is empty; a consume-transform-produce processor writes in transactions",
                    ));
                }
                if c.enable_auto_commit {
                    return Err(invalid(
                        format!("consumers[{i}].enable.auto.commit"),
                        "is true, but a consume-transform-produce processor commits its offsets \
                         in its transactions (sendOffsetsToTransaction); set it to false",
                    ));
                }
                if t.transaction_timeout_ms == 0
                    || t.transaction_timeout_ms > self.cluster.transaction_max_timeout_ms
                {
                    return Err(invalid(
                        at("transaction.timeout.ms"),
                        format!(
                            "{} must be from 1 to the brokers' transaction.max.timeout.ms ({}): \
                             the coordinator would refuse InitProducerId with \
                             INVALID_TRANSACTION_TIMEOUT",
                            t.transaction_timeout_ms, self.cluster.transaction_max_timeout_ms
                        ),
                    ));
                }
            }
            if let Some(w) = &c.database {
                self.validate_db_writer(i, c, w)?;
            }
            if let Some(sink) = &c.sink {
                self.validate_sink_task(i, c, sink)?;
            }
        }
        if let Some(d) = &self.database {
            if d.tables.is_empty() {
                return Err(invalid(
                    "database.tables",
                    "is empty; a database needs a table",
                ));
            }
            for (t, table) in d.tables.iter().enumerate() {
                if table.name.trim().is_empty() {
                    return Err(invalid(format!("database.tables[{t}].name"), "is empty"));
                }
                if d.tables[..t].iter().any(|o| o.name == table.name) {
                    return Err(invalid(
                        format!("database.tables[{t}].name"),
                        format!("`{}` is named twice", table.name),
                    ));
                }
            }
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
        if self.all_producers().len() > MAX_CLIENTS || self.consumers.len() > MAX_CLIENTS {
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
            if p.enable_idempotence == Some(true) {
                if let Some(field) = p.idempotence_conflict() {
                    return Err(invalid(
                        at("enable.idempotence"),
                        format!(
                            "true, but {field} = {} rules it out: Kafka refuses this \
                             configuration (idempotence needs acks=all, retries > 0 and at most \
                             5 requests in flight)",
                            match field {
                                "acks" => p.acks.name().to_string(),
                                "retries" => p.retries.to_string(),
                                _ => p.max_in_flight.to_string(),
                            }
                        ),
                    ));
                }
            }
            if let Some(id) = &p.transactional_id {
                if id.trim().is_empty() {
                    return Err(invalid(
                        at("transactional.id"),
                        "is empty; name the producer's transactional id, or leave it out",
                    ));
                }
                if p.enable_idempotence == Some(false) {
                    return Err(invalid(
                        at("transactional.id"),
                        "is set, but enable.idempotence = false: a transactional producer is \
                         idempotent, and Kafka refuses this configuration",
                    ));
                }
                if let Some(field) = p.idempotence_conflict() {
                    return Err(invalid(
                        at("transactional.id"),
                        format!(
                            "is set, but {field} rules idempotence out: a transactional producer \
                             needs acks=all, retries > 0 and at most 5 requests in flight, and \
                             Kafka refuses this configuration"
                        ),
                    ));
                }
                if p.transaction_timeout_ms == 0 {
                    return Err(invalid(at("transaction.timeout.ms"), "must be at least 1"));
                }
                if p.transaction_timeout_ms > c.transaction_max_timeout_ms {
                    return Err(invalid(
                        at("transaction.timeout.ms"),
                        format!(
                            "{} is above the brokers' transaction.max.timeout.ms ({}): the \
                             coordinator would refuse InitProducerId with \
                             INVALID_TRANSACTION_TIMEOUT",
                            p.transaction_timeout_ms, c.transaction_max_timeout_ms
                        ),
                    ));
                }
                if p.records_per_transaction == 0 {
                    return Err(invalid(at("records_per_transaction"), "must be at least 1"));
                }
            }
            if p.retry_backoff_ms == 0 {
                return Err(invalid(at("retry.backoff.ms"), "must be at least 1"));
            }
            if p.request_timeout_ms == 0 {
                return Err(invalid(at("request.timeout.ms"), "must be at least 1"));
            }
            if p.metadata_max_age_ms == 0 {
                return Err(invalid(at("metadata.max.age.ms"), "must be at least 1"));
            }
            // Kafka's ProducerConfig rejects delivery.timeout.ms < linger.ms + request.timeout.ms.
            if p.delivery_timeout_ms < p.linger_ms.saturating_add(p.request_timeout_ms) {
                return Err(invalid(
                    at("delivery.timeout.ms"),
                    "must be at least linger.ms + request.timeout.ms (Kafka rejects it otherwise)",
                ));
            }
        }
        let mut strategies: FlatMap<&str, AssignmentStrategy> = FlatMap::new();
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
            if let Action::KillWorker { worker } | Action::RestartWorker { worker } = &s.action {
                if !self
                    .consumers
                    .iter()
                    .any(|c| c.sink.as_ref().map(|sink| sink.worker) == Some(*worker))
                {
                    return Err(invalid(
                        format!("script[{i}].worker"),
                        format!("no Connect sink task runs on worker {worker} in this scenario"),
                    ));
                }
            }
            if let Action::CreatePartitions { count, topic } = &s.action {
                let count = *count;
                if let Some(name) = topic {
                    if self.topic_index(name).is_none() {
                        return Err(invalid(
                            format!("script[{i}].topic"),
                            format!("`{name}` is not a topic of this scenario"),
                        ));
                    }
                }
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
            for (j, text) in step.highlight.iter().enumerate() {
                let at = || format!("steps[{i}].highlight[{j}]");
                let highlight = super::Highlight::parse(text).map_err(|e| invalid(at(), e))?;
                let nodes = match highlight {
                    super::Highlight::Node(n) | super::Highlight::Replica(n, _) => vec![n],
                    super::Highlight::Link(a, b) => vec![a, b],
                    _ => Vec::new(),
                };
                if let Some(n) = nodes.into_iter().find(|n| !self.has_node(*n)) {
                    return Err(invalid(at(), format!("the scenario has no {n}")));
                }
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
}

impl Scenario {
    /// A database writer (`[consumers.database]`) names a table the scenario's database has, and
    /// commits by itself.
    fn validate_db_writer(
        &self,
        i: usize,
        c: &super::ConsumerConfig,
        w: &super::DbWriterConfig,
    ) -> Result<(), ScenarioError> {
        let at = |f: &str| format!("consumers[{i}].database.{f}");
        let Some(database) = &self.database else {
            return Err(invalid(
                at("table"),
                "names a table, but the scenario has no [database]",
            ));
        };
        if !database.tables.iter().any(|t| t.name == w.table) {
            let names: Vec<&str> = database.tables.iter().map(|t| t.name.as_str()).collect();
            return Err(invalid(
                at("table"),
                format!(
                    "`{}` is not a table of the database; its tables are {}",
                    w.table,
                    names.join(", ")
                ),
            ));
        }
        if let Some(offsets) = &w.offsets_table {
            if !database.tables.iter().any(|t| t.name == *offsets) || *offsets == w.table {
                return Err(invalid(
                    at("offsets_table"),
                    format!(
                        "`{offsets}` must be another table of the database, where the partitions' \
                         offsets are kept"
                    ),
                ));
            }
        }
        if c.transform.is_some() {
            return Err(invalid(
                at("table"),
                "a consumer runs one application: it has a [consumers.transform] too",
            ));
        }
        if c.enable_auto_commit {
            return Err(invalid(
                format!("consumers[{i}].enable.auto.commit"),
                "is true, but a database writer commits after its rows are written (commitSync); \
                 set it to false",
            ));
        }
        if w.timeout_ms == 0 {
            return Err(invalid(at("timeout_ms"), "must be at least 1"));
        }
        Ok(())
    }

    /// A Connect sink task (`[consumers.sink]`): the table exists, its group is the connector's,
    /// it does not auto-commit, and upsert has a key to upsert on (the JDBC sink connector refuses
    /// `insert.mode=upsert` without a `pk.mode`), which the topic's records carry.
    fn validate_sink_task(
        &self,
        i: usize,
        c: &super::ConsumerConfig,
        sink: &super::SinkTaskConfig,
    ) -> Result<(), ScenarioError> {
        let at = |f: &str| format!("consumers[{i}].sink.{f}");
        let Some(database) = &self.database else {
            return Err(invalid(
                at("table"),
                "names a table, but the scenario has no [database]",
            ));
        };
        let Some(table) = database.tables.iter().find(|t| t.name == sink.table) else {
            let names: Vec<&str> = database.tables.iter().map(|t| t.name.as_str()).collect();
            return Err(invalid(
                at("table"),
                format!(
                    "`{}` is not a table of the database; its tables are {}",
                    sink.table,
                    names.join(", ")
                ),
            ));
        };
        if c.transform.is_some() || c.database.is_some() {
            return Err(invalid(
                at("connector"),
                "a consumer runs one application: it has a [consumers.transform] or \
                 [consumers.database] too",
            ));
        }
        if c.group_id != sink.group() {
            return Err(invalid(
                format!("consumers[{i}].group.id"),
                format!(
                    "is `{}`, but a sink task of connector `{}` is in the connector's group `{}`",
                    c.group_id,
                    sink.connector,
                    sink.group()
                ),
            ));
        }
        if c.enable_auto_commit {
            return Err(invalid(
                format!("consumers[{i}].enable.auto.commit"),
                "is true, but Connect commits a sink task's offsets itself (every \
                 offset.flush.interval.ms) and sets it to false; set it to false",
            ));
        }
        if sink.insert_mode == super::WriteMode::Upsert && sink.pk_mode == super::PkMode::None {
            return Err(invalid(
                at("pk.mode"),
                "is `none`, but insert.mode = `upsert` needs a key to upsert on: set pk.mode = \
                 `record_key`",
            ));
        }
        if sink.pk_mode == super::PkMode::RecordKey {
            if !table.unique_key {
                return Err(invalid(
                    at("pk.mode"),
                    format!(
                        "is `record_key`, which makes the record's key the primary key of `{}`; \
                         give the table one: unique_key = true",
                        sink.table
                    ),
                ));
            }
            if let Some(topic) = self
                .consumer_topics(c)
                .into_iter()
                .find(|t| self.topic_has_keyless_records(*t))
            {
                return Err(invalid(
                    at("pk.mode"),
                    format!(
                        "is `record_key`, but the records of topic `{}` have no key (its producer \
                         has keys = 0)",
                        self.topic_configs()[usize::from(topic)].name
                    ),
                ));
            }
        }
        if sink.offset_flush_interval_ms == 0 {
            return Err(invalid(
                at("offset.flush.interval.ms"),
                "must be at least 1",
            ));
        }
        if sink.timeout_ms == 0 {
            return Err(invalid(at("timeout_ms"), "must be at least 1"));
        }
        if sink.worker == 0 {
            return Err(invalid(at("worker"), "workers are numbered from 1"));
        }
        Ok(())
    }

    /// Whether a producer writes records without a key to `topic` — directly, or as the results
    /// of a consume-transform-produce application (keyed like its inputs).
    fn topic_has_keyless_records(&self, topic: u16) -> bool {
        let keyless_writer =
            |p: &super::ProducerConfig, topic: u16| p.keys == 0 && self.producer_topic(p) == topic;
        self.producers.iter().any(|p| keyless_writer(p, topic))
            || self.consumers.iter().any(|c| {
                c.transform
                    .as_ref()
                    .is_some_and(|t| self.topic_index(&t.output) == Some(topic))
                    && self
                        .consumer_topics(c)
                        .iter()
                        .any(|input| self.producers.iter().any(|p| keyless_writer(p, *input)))
            })
    }
}
