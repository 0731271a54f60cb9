//! A Kafka broker: partition leader or follower, and fetch server.
//!
//! **As leader** of a partition it appends produce batches and answers according to `acks`:
//! `acks=0` gets no response, `acks=1` is answered after the local append, `acks=all` once the
//! high watermark has passed the batch — refused up front with `NOT_ENOUGH_REPLICAS` when the ISR
//! is smaller than min(`min.insync.replicas`, replication factor). The HW is the minimum LEO over
//! the ISR, never moves backward, and does not advance while the ISR is smaller than that minimum
//! (Kafka 3.7+, KAFKA-15583): so an ISR that shrinks *after* the append leaves the request waiting
//! until `REQUEST_TIMED_OUT` — an indeterminate outcome, the record is in the leader's log. (Before
//! 3.7 the HW could pass the batch and the answer was `NOT_ENOUGH_REPLICAS_AFTER_APPEND`; the code
//! path is kept, but with the 3.7 rule it is not reached.) The leader tracks each follower's LEO
//! from its fetches and proposes ISR changes to the controller (AlterPartition): a follower behind
//! the leader's LEO that has not caught up for `replica.lag.time.max.ms` is dropped (one *at* the
//! LEO is in sync however long since its last fetch: Kafka's `isCaughtUp`); one that reaches the
//! HW and the start of the current leader epoch is added back. While an expansion is pending, the
//! HW is computed over the larger ISR (KIP-497's "maximal ISR").
//!
//! **As follower** it first asks the leader where its last leader epoch ends
//! (OffsetsForLeaderEpoch, KIP-101/279) and truncates everything after that point, then fetches
//! from the leader in a loop (pull, not push). The HW reaches it in fetch responses, one round
//! trip late.
//!
//! **As fetch server** for consumers it hands out records below the HW and holds a fetch with
//! nothing to read for up to `fetch.max.wait.ms` (long poll). Group-protocol requests that reach a
//! broker are handled by its group coordinator ([`crate::group_coordinator`]).
//!
//! A crash loses only volatile state: the log (with its HW checkpoint) survives a restart, as it
//! does on disk.

use crate::effect::{Out, Timer};
use crate::ids::{NodeId, RecordId, TopicPartition};
use crate::log::PartitionLog;
use crate::log::ProducerBatchHeader;
use crate::message::{
    Acks, FetchPosition, FetchedPartition, KafkaError, Message, OffsetSpec, ProducerRecord,
};
use crate::metadata::PartitionMeta;
use crate::requests::Requests;
use crate::time::{SimDuration, SimTime};
use crate::trace::TraceKind;
use std::collections::{BTreeMap, BTreeSet};

/// Broker settings that shape replication (Kafka's names and defaults in the scenario file).
#[derive(Clone, Debug)]
pub struct BrokerConfig {
    /// `replica.lag.time.max.ms`
    pub replica_lag_time_max: SimDuration,
    /// `min.insync.replicas` (topic-level)
    pub min_insync_replicas: u32,
    pub replication_factor: u32,
    /// `broker.heartbeat.interval.ms`
    pub heartbeat_interval: SimDuration,
    /// `replica.fetch.wait.max.ms`
    pub replica_fetch_wait_max_ms: u64,
    /// Records per follower fetch at most (`replica.fetch.max.bytes`, in records).
    pub replica_fetch_max_records: u32,
    /// `retention.ms` (topic-level): records older than this are deleted.
    pub retention: SimDuration,
    /// `log.retention.check.interval.ms`: how often the broker looks for expired records.
    pub retention_check_interval: SimDuration,
}

impl BrokerConfig {
    /// The ISR size acks=all needs: min(`min.insync.replicas`, replication factor), as Kafka's
    /// `Partition` computes it — a topic whose `min.insync.replicas` exceeds its replication
    /// factor still takes writes once every replica is in sync.
    pub fn effective_min_insync_replicas(&self) -> usize {
        self.min_insync_replicas.min(self.replication_factor) as usize
    }
}

/// A follower's progress as its leader sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FollowerProgress {
    /// The follower's log end offset (its last fetch offset).
    pub log_end_offset: u64,
    pub last_caught_up: SimTime,
    last_fetch: SimTime,
    leader_end_at_last_fetch: u64,
}

impl FollowerProgress {
    /// A follower a new leader knows nothing about yet: LEO unknown (0), caught up as of now,
    /// so it gets `replica.lag.time.max.ms` to show it is keeping up.
    fn new(now: SimTime) -> Self {
        FollowerProgress {
            log_end_offset: 0,
            last_caught_up: now,
            last_fetch: now,
            leader_end_at_last_fetch: 0,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeaderState {
    pub leader_epoch: u32,
    pub partition_epoch: u32,
    /// The ISR as the controller last confirmed it.
    pub isr: BTreeSet<u32>,
    /// An AlterPartition in flight: the proposed ISR.
    pub pending_isr: Option<BTreeSet<u32>>,
    pub followers: BTreeMap<u32, FollowerProgress>,
}

impl LeaderState {
    /// The ISR used for the HW: the confirmed one, plus members a pending expansion adds.
    pub fn maximal_isr(&self) -> BTreeSet<u32> {
        match &self.pending_isr {
            Some(p) => self.isr.union(p).copied().collect(),
            None => self.isr.clone(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Role {
    /// No metadata yet (just started).
    Unknown,
    Leader(LeaderState),
    Follower {
        leader: u32,
        leader_epoch: u32,
        /// Leader-epoch truncation done; fetching may begin.
        truncated: bool,
    },
    /// The partition has no leader (offline), as far as this broker knows.
    Offline,
}

#[derive(Clone, Debug)]
pub struct Replica {
    pub log: PartitionLog,
    pub role: Role,
}

impl Replica {
    pub fn is_leader(&self) -> bool {
        matches!(self.role, Role::Leader(_))
    }
}

#[derive(Clone, Debug)]
struct PendingProduce {
    client: NodeId,
    correlation: u64,
    partition: TopicPartition,
    base_offset: u64,
    end_offset: u64,
}

#[derive(Clone, Debug)]
struct ParkedFetch {
    client: NodeId,
    correlation: u64,
    replica: Option<u32>,
    partitions: Vec<FetchPosition>,
    max_records: u32,
}

#[derive(Clone, Debug)]
enum Pending {
    Truncation(TopicPartition),
    AlterPartition(TopicPartition),
    Fetch(u32),
}

/// `replica.socket.timeout.ms` / the inter-broker request timeout.
pub const INTER_BROKER_TIMEOUT_MS: u64 = 30_000;
/// `replica.fetch.backoff.ms`: the pause after a follower fetch that returned an error.
pub const REPLICA_FETCH_BACKOFF_MS: u64 = 1_000;

#[derive(Clone, Debug)]
pub struct Broker {
    id: NodeId,
    config: BrokerConfig,
    replicas: BTreeMap<TopicPartition, Replica>,
    metadata: BTreeMap<TopicPartition, PartitionMeta>,
    pending_produce: Vec<PendingProduce>,
    parked_fetches: Vec<ParkedFetch>,
    /// Leaders this broker has a follower fetch in flight to.
    fetching_from: BTreeSet<u32>,
    /// Inter-broker and controller requests awaiting an answer.
    requests: Requests<Pending>,
    registered: bool,
    incarnation: u32,
    metadata_version: u64,
    /// Extra wait before each follower fetch (the "slow follower" fault).
    fetch_delay: SimDuration,
    /// Follower partitions whose last fetch failed wait until then (`replica.fetch.backoff.ms`).
    fetch_backoff_until: BTreeMap<TopicPartition, SimTime>,
    /// The time of the event being handled.
    now: SimTime,
}

impl Broker {
    /// A broker of a cluster that is already running: it hosts the replicas `metadata` assigns
    /// to it, in the roles the metadata gives (as if it had been up before the scenario began).
    pub fn new(id: NodeId, config: BrokerConfig, metadata: &[PartitionMeta]) -> Self {
        let me = id.number();
        let replicas = metadata
            .iter()
            .filter(|m| m.is_replica(me))
            .map(|m| {
                let role = match m.leader {
                    Some(l) if l == me => Role::Leader(LeaderState {
                        leader_epoch: m.leader_epoch,
                        partition_epoch: m.partition_epoch,
                        isr: m.isr.clone(),
                        pending_isr: None,
                        followers: m
                            .replicas
                            .iter()
                            .filter(|b| **b != me)
                            .map(|b| (*b, FollowerProgress::new(SimTime::ZERO)))
                            .collect(),
                    }),
                    Some(l) => Role::Follower {
                        leader: l,
                        leader_epoch: m.leader_epoch,
                        truncated: true,
                    },
                    None => Role::Offline,
                };
                let mut log = PartitionLog::default();
                if matches!(role, Role::Leader(_)) {
                    log.start_epoch(m.leader_epoch);
                }
                (m.partition, Replica { log, role })
            })
            .collect();
        Broker {
            id,
            config,
            replicas,
            metadata: metadata.iter().map(|m| (m.partition, m.clone())).collect(),
            pending_produce: Vec::new(),
            parked_fetches: Vec::new(),
            fetching_from: BTreeSet::new(),
            requests: Requests::default(),
            registered: true,
            incarnation: 0,
            metadata_version: 0,
            fetch_delay: SimDuration::ZERO,
            fetch_backoff_until: BTreeMap::new(),
            now: SimTime::ZERO,
        }
    }

    pub fn id(&self) -> NodeId {
        self.id
    }
    fn number(&self) -> u32 {
        self.id.number()
    }
    pub fn replicas(&self) -> &BTreeMap<TopicPartition, Replica> {
        &self.replicas
    }
    pub fn replica(&self, tp: TopicPartition) -> Option<&Replica> {
        self.replicas.get(&tp)
    }
    pub fn fetch_delay(&self) -> SimDuration {
        self.fetch_delay
    }

    /// The "slow follower" fault: wait this long before every follower fetch.
    pub fn set_fetch_delay(&mut self, delay: SimDuration) {
        self.fetch_delay = delay;
    }

    /// Starts work at the beginning of the scenario: heartbeats, follower fetching, ISR checks.
    pub fn on_start(&mut self, out: &mut Out) {
        out.set_timer(self.config.retention_check_interval, Timer::RetentionCheck);
        self.heartbeat(out);
        self.ensure_fetchers(out);
        if self.replicas.values().any(Replica::is_leader) {
            out.set_timer(self.isr_check_interval(), Timer::IsrCheck);
        }
    }

    /// Starts again after a crash: volatile state is gone, the logs (with their HW checkpoint)
    /// and stored offsets remain. The first heartbeat registers anew with the controller, which
    /// then tells this broker its roles.
    pub fn restart(&mut self, now: SimTime, out: &mut Out) {
        self.now = now;
        for r in self.replicas.values_mut() {
            r.role = Role::Unknown;
        }
        self.metadata.clear();
        self.pending_produce.clear();
        self.parked_fetches.clear();
        self.fetching_from.clear();
        self.requests.clear();
        self.fetch_backoff_until.clear();
        self.registered = false;
        self.incarnation += 1;
        self.metadata_version = 0;
        out.set_timer(self.config.retention_check_interval, Timer::RetentionCheck);
        self.heartbeat(out);
    }

    /// `log.retention.check.interval.ms` passed: delete what `retention.ms` says is expired,
    /// read or not (each replica applies retention to its own log, as Kafka's log manager does).
    fn enforce_retention(&mut self, now: SimTime, out: &mut Out) {
        out.set_timer(self.config.retention_check_interval, Timer::RetentionCheck);
        let Some(cutoff) = now.0.checked_sub(self.config.retention.as_micros()) else {
            return;
        };
        for (tp, r) in self.replicas.iter_mut() {
            let upto = r.log.retention_point(SimTime(cutoff));
            if upto <= r.log.log_start_offset() {
                continue;
            }
            let deleted = r.log.delete_records_before(upto);
            out.trace(TraceKind::RetentionDeleted {
                broker: self.id,
                partition: *tp,
                log_start_offset: r.log.log_start_offset(),
                records: deleted.iter().map(|d| d.id).collect(),
            });
        }
    }

    /// Heartbeats register the broker until the controller answers with metadata (as KRaft's
    /// BrokerRegistration is retried until it succeeds).
    fn heartbeat(&mut self, out: &mut Out) {
        out.send(
            NodeId::Controller(1),
            Message::BrokerHeartbeat {
                registering: !self.registered,
                incarnation: self.incarnation,
                metadata_version: self.metadata_version,
            },
        );
        out.set_timer(self.config.heartbeat_interval, Timer::Heartbeat);
    }

    /// A new inter-broker/controller request, with its timeout set.
    fn correlation(&mut self, pending: Pending, out: &mut Out) -> u64 {
        self.requests.start(
            self.now,
            SimDuration::from_ms(INTER_BROKER_TIMEOUT_MS),
            pending,
            out,
        )
    }

    fn on_request_timeout(&mut self, pending: Pending, out: &mut Out) {
        match Some(pending) {
            Some(Pending::Truncation(tp)) => self.retry_truncation(tp, out),
            Some(Pending::AlterPartition(tp)) => {
                if let Some(Replica {
                    role: Role::Leader(state),
                    ..
                }) = self.replicas.get_mut(&tp)
                {
                    state.pending_isr = None;
                }
            }
            Some(Pending::Fetch(leader)) => {
                self.fetching_from.remove(&leader);
                self.ensure_fetchers(out);
            }
            None => {}
        }
    }

    pub fn on_timer(&mut self, now: SimTime, timer: Timer, out: &mut Out) {
        self.now = now;
        match timer {
            Timer::Truncate { partition } => self.retry_truncation(partition, out),
            Timer::Heartbeat => self.heartbeat(out),
            Timer::RetentionCheck => self.enforce_retention(now, out),
            Timer::IsrCheck => self.check_isr(now, out),
            Timer::FollowerFetch { leader } => self.send_follower_fetch(leader, out),
            Timer::RequestDeadline => {
                for (_, pending) in self.requests.expire(now, out) {
                    self.on_request_timeout(pending, out);
                }
            }
            Timer::FetchWaitExpired {
                client,
                correlation,
            } => {
                if let Some(i) = self
                    .parked_fetches
                    .iter()
                    .position(|f| f.client == client && f.correlation == correlation)
                {
                    let fetch = self.parked_fetches.remove(i);
                    self.answer_fetch(&fetch, out);
                }
            }
            _ => {}
        }
    }

    pub fn on_message(&mut self, now: SimTime, from: NodeId, message: Message, out: &mut Out) {
        self.now = now;
        match message {
            Message::ProduceRequest {
                correlation,
                partition,
                acks,
                batch,
                records,
            } => self.on_produce(from, correlation, partition, acks, batch, records, out),
            Message::FetchRequest {
                correlation,
                replica,
                partitions,
                max_wait_ms,
                max_records,
            } => self.on_fetch(
                now,
                ParkedFetch {
                    client: from,
                    correlation,
                    replica,
                    partitions,
                    max_records,
                },
                max_wait_ms,
                out,
            ),
            Message::FetchResponse {
                correlation,
                replica: Some(_),
                partitions,
            } => {
                // A response to a fetch that already timed out is dropped.
                if let Some(Pending::Fetch(_)) = self.requests.finish(correlation) {
                    self.on_follower_fetch_response(from, partitions, out);
                }
            }
            Message::ListOffsetsRequest {
                correlation,
                partitions,
                spec,
            } => {
                let offsets = partitions
                    .into_iter()
                    .filter_map(|tp| {
                        let r = self.replicas.get(&tp).filter(|r| r.is_leader())?;
                        // LATEST for a read_uncommitted consumer is the high watermark.
                        Some(match spec {
                            OffsetSpec::Earliest => (tp, r.log.log_start_offset()),
                            OffsetSpec::Latest => (tp, r.log.high_watermark()),
                        })
                    })
                    .collect();
                out.send(
                    from,
                    Message::ListOffsetsResponse {
                        correlation,
                        offsets,
                    },
                );
            }
            Message::MetadataRequest { correlation } => out.send(
                from,
                Message::MetadataResponse {
                    correlation,
                    partitions: self.metadata.values().cloned().collect(),
                },
            ),
            Message::OffsetsForLeaderEpochRequest {
                correlation,
                partition,
                leader_epoch,
            } => {
                let result = match self.replicas.get(&partition) {
                    Some(r) if r.is_leader() => Ok(r
                        .log
                        .end_offset_for_epoch(leader_epoch)
                        .unwrap_or((leader_epoch, r.log.log_start_offset()))),
                    _ => Err(KafkaError::NotLeaderOrFollower),
                };
                out.send(
                    from,
                    Message::OffsetsForLeaderEpochResponse {
                        correlation,
                        partition,
                        result,
                    },
                );
            }
            Message::OffsetsForLeaderEpochResponse {
                correlation,
                partition,
                result,
            } => {
                if let Some(Pending::Truncation(tp)) = self.requests.finish(correlation) {
                    debug_assert_eq!(tp, partition);
                    self.on_truncation_point(partition, result, out);
                }
            }
            Message::UpdateMetadata {
                version,
                partitions,
            } if version > self.metadata_version || !self.registered => {
                self.metadata_version = version;
                self.on_metadata(now, partitions, out);
            }
            Message::AlterPartitionResponse {
                correlation,
                partition,
                result,
            } => {
                if let Some(Pending::AlterPartition(_)) = self.requests.finish(correlation) {
                    self.on_alter_partition_response(partition, result, out);
                }
            }
            _ => {}
        }
    }

    // ---- metadata and roles ----

    fn on_metadata(&mut self, now: SimTime, partitions: Vec<PartitionMeta>, out: &mut Out) {
        self.registered = true;
        let me = self.number();
        for meta in partitions {
            let tp = meta.partition;
            self.metadata.insert(tp, meta.clone());
            if meta.is_replica(me) && !self.replicas.contains_key(&tp) {
                // A partition added to the topic (CreatePartitions): a new, empty replica here.
                self.replicas.insert(
                    tp,
                    Replica {
                        log: PartitionLog::default(),
                        role: Role::Unknown,
                    },
                );
            }
            let Some(replica) = self.replicas.get_mut(&tp) else {
                continue;
            };
            match meta.leader {
                Some(leader) if leader == me => match &mut replica.role {
                    Role::Leader(state) if state.leader_epoch == meta.leader_epoch => {
                        state.isr = meta.isr.clone();
                        state.partition_epoch = meta.partition_epoch;
                    }
                    _ => {
                        replica.log.start_epoch(meta.leader_epoch);
                        let followers = meta
                            .replicas
                            .iter()
                            .filter(|b| **b != me)
                            .map(|b| (*b, FollowerProgress::new(now)))
                            .collect();
                        replica.role = Role::Leader(LeaderState {
                            leader_epoch: meta.leader_epoch,
                            partition_epoch: meta.partition_epoch,
                            isr: meta.isr.clone(),
                            pending_isr: None,
                            followers,
                        });
                        out.set_timer(self.isr_check_interval(), Timer::IsrCheck);
                    }
                },
                Some(leader) => {
                    let same = matches!(replica.role,
                        Role::Follower { leader: l, leader_epoch: e, .. } if l == leader && e == meta.leader_epoch);
                    if !same {
                        replica.role = Role::Follower {
                            leader,
                            leader_epoch: meta.leader_epoch,
                            truncated: false,
                        };
                        self.fail_pending_produce(tp, out);
                        self.start_truncation(tp, leader, out);
                    }
                }
                None => {
                    if replica.role != Role::Offline {
                        replica.role = Role::Offline;
                        self.fail_pending_produce(tp, out);
                    }
                }
            }
            // A leader whose ISR shrank may now advance its HW (or answer acks=all requests).
            self.update_high_watermark(tp, out);
        }
        self.ensure_fetchers(out);
    }

    fn isr_check_interval(&self) -> SimDuration {
        SimDuration(self.config.replica_lag_time_max.as_micros() / 2)
    }

    fn fail_pending_produce(&mut self, tp: TopicPartition, out: &mut Out) {
        let (failed, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut self.pending_produce)
            .into_iter()
            .partition(|p| p.partition == tp);
        self.pending_produce = kept;
        for p in failed {
            out.send(
                p.client,
                Message::ProduceResponse {
                    correlation: p.correlation,
                    partition: tp,
                    result: Err(KafkaError::NotLeaderOrFollower),
                },
            );
        }
    }

    // ---- follower side ----

    fn start_truncation(&mut self, tp: TopicPartition, leader: u32, out: &mut Out) {
        let Some(epoch) = self.replicas[&tp].log.latest_epoch() else {
            // An empty log has nothing to truncate.
            self.mark_truncated(tp);
            return;
        };
        let correlation = self.correlation(Pending::Truncation(tp), out);
        out.send(
            NodeId::Broker(leader),
            Message::OffsetsForLeaderEpochRequest {
                correlation,
                partition: tp,
                leader_epoch: epoch,
            },
        );
    }

    /// Asks the leader for the truncation point again, if `tp` is still a follower waiting for it.
    fn retry_truncation(&mut self, tp: TopicPartition, out: &mut Out) {
        if let Some(Replica {
            role:
                Role::Follower {
                    leader,
                    truncated: false,
                    ..
                },
            ..
        }) = self.replicas.get(&tp)
        {
            let leader = *leader;
            self.start_truncation(tp, leader, out);
        }
    }

    fn mark_truncated(&mut self, tp: TopicPartition) {
        if let Some(Replica {
            role: Role::Follower { truncated, .. },
            ..
        }) = self.replicas.get_mut(&tp)
        {
            *truncated = true;
        }
    }

    fn on_truncation_point(
        &mut self,
        tp: TopicPartition,
        result: Result<(u32, u64), KafkaError>,
        out: &mut Out,
    ) {
        let Some(replica) = self.replicas.get_mut(&tp) else {
            return;
        };
        if !matches!(replica.role, Role::Follower { .. }) {
            return;
        }
        let Ok((leader_epoch, leader_end)) = result else {
            // The leader does not know it leads yet (its metadata is behind ours), or moved:
            // ask again after replica.fetch.backoff.ms.
            out.set_timer(
                SimDuration::from_ms(REPLICA_FETCH_BACKOFF_MS),
                Timer::Truncate { partition: tp },
            );
            return;
        };
        let own_epoch = replica.log.latest_epoch().unwrap_or(0);
        // KIP-279: if the leader knows an older epoch than ours, also cut at our own end of it.
        let own_end = if leader_epoch < own_epoch {
            replica
                .log
                .end_offset_for_epoch(leader_epoch)
                .map_or(replica.log.log_start_offset(), |(_, end)| end)
        } else {
            replica.log.log_end_offset()
        };
        let cut = leader_end.min(own_end);
        let removed = replica.log.truncate_to(cut);
        if !removed.is_empty() {
            out.trace(TraceKind::Truncated {
                broker: self.id,
                partition: tp,
                from_offset: cut,
                records: removed.iter().map(|r| r.id).collect(),
            });
        }
        self.mark_truncated(tp);
        self.ensure_fetchers(out);
    }

    /// Starts a fetch to every leader that has truncated follower partitions here and no fetch
    /// in flight.
    fn ensure_fetchers(&mut self, out: &mut Out) {
        let leaders: BTreeSet<u32> = self
            .replicas
            .values()
            .filter_map(|r| match r.role {
                Role::Follower {
                    leader,
                    truncated: true,
                    ..
                } => Some(leader),
                _ => None,
            })
            .collect();
        for leader in leaders {
            if !self.fetching_from.contains(&leader) {
                self.fetching_from.insert(leader);
                self.schedule_follower_fetch(leader, out);
            }
        }
    }

    fn schedule_follower_fetch(&mut self, leader: u32, out: &mut Out) {
        if self.fetch_delay > SimDuration::ZERO {
            out.set_timer(self.fetch_delay, Timer::FollowerFetch { leader });
        } else {
            self.send_follower_fetch(leader, out);
        }
    }

    fn send_follower_fetch(&mut self, leader: u32, out: &mut Out) {
        let now = self.now;
        self.fetch_backoff_until.retain(|_, until| *until > now);
        let backoff = &self.fetch_backoff_until;
        let waiting: Option<SimTime> = self
            .replicas
            .iter()
            .filter(|(tp, r)| {
                matches!(r.role, Role::Follower { leader: l, truncated: true, .. } if l == leader)
                    && backoff.contains_key(tp)
            })
            .map(|(tp, _)| backoff[tp])
            .min();
        let partitions: Vec<FetchPosition> = self
            .replicas
            .iter()
            .filter(|(tp, _)| !backoff.contains_key(tp))
            .filter_map(|(tp, r)| match r.role {
                Role::Follower {
                    leader: l,
                    leader_epoch,
                    truncated: true,
                } if l == leader => Some(FetchPosition {
                    partition: *tp,
                    offset: r.log.log_end_offset(),
                    current_leader_epoch: Some(leader_epoch),
                }),
                _ => None,
            })
            .collect();
        if partitions.is_empty() {
            match waiting {
                // Every partition from this leader is backing off: fetch again when one is done.
                Some(until) => {
                    out.set_timer(until.since(now), Timer::FollowerFetch { leader });
                }
                None => {
                    self.fetching_from.remove(&leader);
                }
            }
            return;
        }
        let correlation = self.correlation(Pending::Fetch(leader), out);
        out.send(
            NodeId::Broker(leader),
            Message::FetchRequest {
                correlation,
                replica: Some(self.number()),
                partitions,
                max_wait_ms: self.config.replica_fetch_wait_max_ms,
                max_records: self.config.replica_fetch_max_records,
            },
        );
    }

    fn on_follower_fetch_response(
        &mut self,
        from: NodeId,
        partitions: Vec<FetchedPartition>,
        out: &mut Out,
    ) {
        let NodeId::Broker(leader) = from else {
            return;
        };
        for p in partitions {
            if p.error.is_some() {
                // Only this partition waits; the others keep fetching (Kafka's fetcher delays
                // a failed partition, not the whole session).
                self.fetch_backoff_until.insert(
                    p.partition,
                    self.now + SimDuration::from_ms(REPLICA_FETCH_BACKOFF_MS),
                );
            }
            let Some(replica) = self.replicas.get_mut(&p.partition) else {
                continue;
            };
            let fetching_here = matches!(replica.role,
                Role::Follower { leader: l, truncated: true, .. } if l == leader);
            if fetching_here
                && p.error == Some(KafkaError::OffsetOutOfRange)
                && p.log_start_offset > replica.log.log_end_offset()
            {
                // The leader's retention deleted what this follower needs next: start over at
                // the leader's log start (KIP-107). Fetched again after the backoff.
                replica.log.reset_to(p.log_start_offset);
                continue;
            }
            if !fetching_here || p.error.is_some() {
                continue;
            }
            if !p.records.is_empty() {
                let base = replica.log.log_end_offset();
                replica.log.append_replicated(&p.batches, &p.records);
                let added: Vec<RecordId> = replica
                    .log
                    .read_from(base, usize::MAX)
                    .iter()
                    .map(|r| r.id)
                    .collect();
                if !added.is_empty() {
                    out.trace(TraceKind::Appended {
                        broker: self.id,
                        partition: p.partition,
                        base_offset: base,
                        records: added,
                    });
                }
            }
            let hw = p.high_watermark.min(replica.log.log_end_offset());
            if replica.log.advance_high_watermark(hw) {
                out.trace(TraceKind::HighWatermark {
                    broker: self.id,
                    partition: p.partition,
                    high_watermark: replica.log.high_watermark(),
                });
            }
        }
        // The fetch loop goes on for as long as this broker follows that leader.
        self.fetching_from.remove(&leader);
        if self.replicas.values().any(
            |r| matches!(r.role, Role::Follower { leader: l, truncated: true, .. } if l == leader),
        ) {
            self.fetching_from.insert(leader);
            self.schedule_follower_fetch(leader, out);
        }
    }

    // ---- leader side ----

    #[allow(clippy::too_many_arguments)]
    fn on_produce(
        &mut self,
        client: NodeId,
        correlation: u64,
        partition: TopicPartition,
        acks: Acks,
        batch: ProducerBatchHeader,
        records: Vec<ProducerRecord>,
        out: &mut Out,
    ) {
        let min_isr = self.config.effective_min_insync_replicas();
        let refuse = |error: KafkaError, out: &mut Out| {
            if acks != Acks::None {
                out.send(
                    client,
                    Message::ProduceResponse {
                        correlation,
                        partition,
                        result: Err(error),
                    },
                );
            }
        };
        let Some(replica) = self.replicas.get_mut(&partition) else {
            return refuse(KafkaError::NotLeaderOrFollower, out);
        };
        let Role::Leader(state) = &replica.role else {
            return refuse(KafkaError::NotLeaderOrFollower, out);
        };
        if acks == Acks::All && state.isr.len() < min_isr {
            return refuse(KafkaError::NotEnoughReplicas, out);
        }
        let ids: Vec<RecordId> = records.iter().map(|r| r.id).collect();
        let epoch = state.leader_epoch;
        let base_offset = replica.log.append(
            epoch,
            self.now,
            batch,
            records.iter().map(|r| (r.id, r.key)),
        );
        let end_offset = replica.log.log_end_offset();
        out.trace(TraceKind::Appended {
            broker: self.id,
            partition,
            base_offset,
            records: ids,
        });
        match acks {
            Acks::None => {}
            Acks::Leader => out.send(
                client,
                Message::ProduceResponse {
                    correlation,
                    partition,
                    result: Ok(base_offset),
                },
            ),
            Acks::All => self.pending_produce.push(PendingProduce {
                client,
                correlation,
                partition,
                base_offset,
                end_offset,
            }),
        }
        self.wake_follower_fetches(partition, out);
        self.update_high_watermark(partition, out);
    }

    /// Recomputes a leader's HW from its ISR's LEOs, then completes what waited for it.
    fn update_high_watermark(&mut self, tp: TopicPartition, out: &mut Out) {
        let me = self.number();
        let gate = self.config.effective_min_insync_replicas();
        let Some(replica) = self.replicas.get_mut(&tp) else {
            return;
        };
        let Role::Leader(state) = &replica.role else {
            return;
        };
        let isr = state.maximal_isr();
        let leo = replica.log.log_end_offset();
        let candidate = isr
            .iter()
            .map(|b| {
                if *b == me {
                    leo
                } else {
                    state.followers.get(b).map_or(0, |f| f.log_end_offset)
                }
            })
            .min()
            .unwrap_or(leo);
        let isr_size = state.isr.len();
        if isr_size >= gate && replica.log.advance_high_watermark(candidate) {
            out.trace(TraceKind::HighWatermark {
                broker: self.id,
                partition: tp,
                high_watermark: replica.log.high_watermark(),
            });
            self.complete_produce(tp, out);
            self.wake_consumer_fetches(tp, out);
        }
    }

    fn complete_produce(&mut self, tp: TopicPartition, out: &mut Out) {
        let Some(replica) = self.replicas.get(&tp) else {
            return;
        };
        let Role::Leader(state) = &replica.role else {
            return;
        };
        let hw = replica.log.high_watermark();
        let enough = state.isr.len() >= self.config.effective_min_insync_replicas();
        let (done, waiting): (Vec<_>, Vec<_>) = std::mem::take(&mut self.pending_produce)
            .into_iter()
            .partition(|p| p.partition == tp && p.end_offset <= hw);
        self.pending_produce = waiting;
        for p in done {
            let result = if enough {
                Ok(p.base_offset)
            } else {
                Err(KafkaError::NotEnoughReplicasAfterAppend)
            };
            out.send(
                p.client,
                Message::ProduceResponse {
                    correlation: p.correlation,
                    partition: tp,
                    result,
                },
            );
        }
    }

    fn check_isr(&mut self, now: SimTime, out: &mut Out) {
        let me = self.number();
        let lag_max = self.config.replica_lag_time_max;
        let mut proposals = Vec::new();
        let mut any_leader = false;
        for (tp, replica) in &self.replicas {
            let Role::Leader(state) = &replica.role else {
                continue;
            };
            let leo = replica.log.log_end_offset();
            any_leader = true;
            if state.pending_isr.is_some() {
                continue;
            }
            let lagging: BTreeSet<u32> = state
                .isr
                .iter()
                .filter(|b| **b != me)
                .filter(|b| {
                    // Kafka's `isCaughtUp`: a follower at the leader's LEO is in sync however
                    // long ago it last fetched (an idle partition keeps its ISR); only a
                    // follower behind the leader is judged by `replica.lag.time.max.ms`.
                    state.followers.get(b).is_none_or(|f| {
                        f.log_end_offset < leo && now.since(f.last_caught_up) > lag_max
                    })
                })
                .copied()
                .collect();
            if !lagging.is_empty() {
                let isr: BTreeSet<u32> = state.isr.difference(&lagging).copied().collect();
                proposals.push((*tp, isr));
            }
        }
        for (tp, isr) in proposals {
            self.propose_isr(tp, isr, out);
        }
        if any_leader {
            out.set_timer(self.isr_check_interval(), Timer::IsrCheck);
        }
    }

    fn propose_isr(&mut self, tp: TopicPartition, isr: BTreeSet<u32>, out: &mut Out) {
        let correlation = self.correlation(Pending::AlterPartition(tp), out);
        let Some(Replica {
            role: Role::Leader(state),
            ..
        }) = self.replicas.get_mut(&tp)
        else {
            return;
        };
        state.pending_isr = Some(isr.clone());
        out.send(
            NodeId::Controller(1),
            Message::AlterPartitionRequest {
                correlation,
                partition: tp,
                leader_epoch: state.leader_epoch,
                partition_epoch: state.partition_epoch,
                isr,
            },
        );
    }

    fn on_alter_partition_response(
        &mut self,
        tp: TopicPartition,
        result: Result<PartitionMeta, KafkaError>,
        out: &mut Out,
    ) {
        let Some(Replica {
            role: Role::Leader(state),
            ..
        }) = self.replicas.get_mut(&tp)
        else {
            return;
        };
        state.pending_isr = None;
        if let Ok(meta) = result {
            if meta.leader_epoch == state.leader_epoch {
                state.isr = meta.isr;
                state.partition_epoch = meta.partition_epoch;
            }
        }
        self.update_high_watermark(tp, out);
        // A produce that waited while the ISR changed may now be answered. Since Kafka 3.7
        // (KAFKA-15583) the HW does not advance while the ISR is below min.insync.replicas, so a
        // shrink after the append leaves the request waiting until REQUEST_TIMED_OUT; before 3.7
        // it was answered NOT_ENOUGH_REPLICAS_AFTER_APPEND. The engine follows 3.7+; the check
        // in `complete_produce` keeps Kafka's code path for an HW that passed the batch first.
        self.complete_produce(tp, out);
    }

    fn on_fetch(&mut self, now: SimTime, fetch: ParkedFetch, max_wait_ms: u64, out: &mut Out) {
        if let Some(follower) = fetch.replica {
            for pos in &fetch.partitions {
                self.record_follower_fetch(now, follower, pos, out);
            }
        }
        if self.has_data(&fetch) || max_wait_ms == 0 {
            self.answer_fetch(&fetch, out);
        } else {
            let (client, correlation) = (fetch.client, fetch.correlation);
            self.parked_fetches.push(fetch);
            out.set_timer(
                SimDuration::from_ms(max_wait_ms),
                Timer::FetchWaitExpired {
                    client,
                    correlation,
                },
            );
        }
    }

    /// A follower's fetch tells the leader its LEO: update progress, maybe expand the ISR,
    /// maybe advance the HW.
    fn record_follower_fetch(
        &mut self,
        now: SimTime,
        follower: u32,
        pos: &FetchPosition,
        out: &mut Out,
    ) {
        let tp = pos.partition;
        let Some(replica) = self.replicas.get_mut(&tp) else {
            return;
        };
        let leo = replica.log.log_end_offset();
        let hw = replica.log.high_watermark();
        let epoch_start = replica
            .log
            .epoch_starts()
            .last()
            .map_or(0, |(_, start)| *start);
        let Role::Leader(state) = &mut replica.role else {
            return;
        };
        if pos.current_leader_epoch != Some(state.leader_epoch) {
            return;
        }
        let Some(progress) = state.followers.get_mut(&follower) else {
            return;
        };
        progress.log_end_offset = pos.offset.min(leo);
        // Kafka's rule: caught up if it fetched to our end now, or to where our end was at its
        // previous fetch (then it was caught up as of that fetch).
        if pos.offset >= leo {
            progress.last_caught_up = now;
        } else if pos.offset >= progress.leader_end_at_last_fetch {
            progress.last_caught_up = progress.last_caught_up.max(progress.last_fetch);
        }
        progress.last_fetch = now;
        progress.leader_end_at_last_fetch = leo;
        let rejoin = !state.isr.contains(&follower)
            && state.pending_isr.is_none()
            && pos.offset >= hw
            && pos.offset >= epoch_start;
        let expanded: BTreeSet<u32> = state.isr.iter().copied().chain([follower]).collect();
        if rejoin {
            self.propose_isr(tp, expanded, out);
        }
        self.update_high_watermark(tp, out);
    }

    fn has_data(&self, fetch: &ParkedFetch) -> bool {
        fetch.partitions.iter().any(|pos| {
            let Some(r) = self.replicas.get(&pos.partition) else {
                return true; // an error answer is data
            };
            let Role::Leader(state) = &r.role else {
                return true;
            };
            if pos
                .current_leader_epoch
                .is_some_and(|e| e != state.leader_epoch)
            {
                return true;
            }
            let log = &r.log;
            let limit = if fetch.replica.is_some() {
                log.log_end_offset()
            } else {
                log.high_watermark()
            };
            pos.offset < log.log_start_offset()
                || pos.offset > log.log_end_offset()
                || pos.offset < limit
        })
    }

    fn wake_follower_fetches(&mut self, tp: TopicPartition, out: &mut Out) {
        self.wake(tp, out, true);
    }

    fn wake_consumer_fetches(&mut self, tp: TopicPartition, out: &mut Out) {
        self.wake(tp, out, false);
    }

    fn wake(&mut self, tp: TopicPartition, out: &mut Out, followers: bool) {
        let (ready, parked): (Vec<_>, Vec<_>) = std::mem::take(&mut self.parked_fetches)
            .into_iter()
            .partition(|f| {
                f.replica.is_some() == followers && f.partitions.iter().any(|p| p.partition == tp)
            });
        self.parked_fetches = parked;
        for fetch in ready {
            if self.has_data(&fetch) {
                self.answer_fetch(&fetch, out);
            } else {
                self.parked_fetches.push(fetch);
            }
        }
    }

    fn answer_fetch(&self, fetch: &ParkedFetch, out: &mut Out) {
        let partitions = fetch
            .partitions
            .iter()
            .map(|pos| {
                let error = |e| FetchedPartition {
                    partition: pos.partition,
                    batches: Vec::new(),
                    records: Vec::new(),
                    high_watermark: 0,
                    log_start_offset: 0,
                    error: Some(e),
                };
                let Some(r) = self.replicas.get(&pos.partition) else {
                    return error(KafkaError::UnknownTopicOrPartition);
                };
                let Role::Leader(state) = &r.role else {
                    return error(KafkaError::NotLeaderOrFollower);
                };
                match pos.current_leader_epoch {
                    Some(e) if e < state.leader_epoch => {
                        return error(KafkaError::FencedLeaderEpoch)
                    }
                    Some(e) if e > state.leader_epoch => {
                        return error(KafkaError::UnknownLeaderEpoch)
                    }
                    _ => {}
                }
                let log = &r.log;
                if pos.offset < log.log_start_offset() || pos.offset > log.log_end_offset() {
                    return FetchedPartition {
                        high_watermark: log.high_watermark(),
                        log_start_offset: log.log_start_offset(),
                        ..error(KafkaError::OffsetOutOfRange)
                    };
                }
                let records = if fetch.replica.is_some() {
                    log.read_from(pos.offset, fetch.max_records as usize)
                } else {
                    log.read_below_high_watermark(pos.offset, fetch.max_records as usize)
                };
                FetchedPartition {
                    partition: pos.partition,
                    batches: log.batches_for(&records),
                    records,
                    high_watermark: log.high_watermark(),
                    log_start_offset: log.log_start_offset(),
                    error: None,
                }
            })
            .collect();
        out.send(
            fetch.client,
            Message::FetchResponse {
                correlation: fetch.correlation,
                replica: fetch.replica,
                partitions,
            },
        );
    }
}
