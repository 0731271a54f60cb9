//! The cluster, topic and network sections of a scenario, with Kafka's defaults.

use serde::{Deserialize, Serialize};

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
    /// The longest `transaction.timeout.ms` a producer may ask for (15 minutes by default).
    #[serde(rename = "transaction.max.timeout.ms")]
    pub transaction_max_timeout_ms: u64,
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
            transaction_max_timeout_ms: 900_000,
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
