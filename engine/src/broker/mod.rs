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

mod config;
mod fetch;
mod follower;
mod leader;
mod replica;

pub use config::{BrokerConfig, TopicSettings};
pub use replica::{FollowerProgress, LeaderState, Replica, Role};

use crate::effect::{Out, Timer};
use crate::flat::{FlatMap, FlatSet};
use crate::ids::{NodeId, RecordId, TopicPartition};
use crate::log::PartitionLog;
use crate::log::ProducerBatchHeader;
use crate::message::{
    Acks, FetchPosition, FetchedPartition, KafkaError, Message, OffsetSpec, ProducerRecord,
};
use crate::metadata::PartitionMeta;
use crate::ordered::CollectByInsert;
use crate::requests::Requests;
use crate::scenario::IsolationLevel;
use crate::time::{SimDuration, SimTime};
use crate::trace::TraceKind;

#[derive(Clone, Debug)]
struct PendingProduce {
    client: NodeId,
    correlation: u64,
    partition: TopicPartition,
    base_offset: u64,
    end_offset: u64,
    /// A transaction marker the coordinator asked for (answered WriteTxnMarkers), not a
    /// producer's batch.
    marker: bool,
}

impl PendingProduce {
    /// The answer to the request, with `result`.
    fn answer(&self, result: Result<u64, KafkaError>) -> Message {
        if self.marker {
            Message::WriteTxnMarkersResponse {
                correlation: self.correlation,
                partition: self.partition,
                result,
            }
        } else {
            Message::ProduceResponse {
                correlation: self.correlation,
                partition: self.partition,
                result,
            }
        }
    }
}

#[derive(Clone, Debug)]
struct ParkedFetch {
    client: NodeId,
    correlation: u64,
    replica: Option<u32>,
    partitions: Vec<FetchPosition>,
    max_records: u32,
    isolation: IsolationLevel,
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
    replicas: FlatMap<TopicPartition, Replica>,
    metadata: FlatMap<TopicPartition, PartitionMeta>,
    pending_produce: Vec<PendingProduce>,
    parked_fetches: Vec<ParkedFetch>,
    /// Leaders this broker has a follower fetch in flight to.
    fetching_from: FlatSet<u32>,
    /// Inter-broker and controller requests awaiting an answer.
    requests: Requests<Pending>,
    registered: bool,
    incarnation: u32,
    /// The next producer id this broker hands out (see [`Broker::producer_id_block`]).
    next_producer_id: i64,
    metadata_version: u64,
    /// Extra wait before each follower fetch (the "slow follower" fault).
    fetch_delay: SimDuration,
    /// Follower partitions whose last fetch failed wait until then (`replica.fetch.backoff.ms`).
    fetch_backoff_until: FlatMap<TopicPartition, SimTime>,
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
                            .collect_by_insert(),
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
            .collect_by_insert();
        Broker {
            id,
            config,
            replicas,
            metadata: metadata
                .iter()
                .map(|m| (m.partition, m.clone()))
                .collect_by_insert(),
            pending_produce: Vec::new(),
            parked_fetches: Vec::new(),
            fetching_from: FlatSet::new(),
            requests: Requests::default(),
            registered: true,
            incarnation: 0,
            next_producer_id: Broker::producer_id_block(id.number(), 0),
            metadata_version: 0,
            fetch_delay: SimDuration::ZERO,
            fetch_backoff_until: FlatMap::new(),
            now: SimTime::ZERO,
        }
    }

    /// The first producer id of the block a broker hands out in its `incarnation`. Kafka's
    /// brokers get blocks of 1,000 ids from the controller (`AllocateProducerIds`, KIP-730),
    /// never reused; the controller's round trip is not modelled: broker N's block in its k-th
    /// run starts at (100·k + N)·1000, so ids are unique across brokers and restarts (for fewer
    /// than 100 brokers and 1,000 producers per run).
    pub fn producer_id_block(broker: u32, incarnation: u32) -> i64 {
        (100 * i64::from(incarnation) + i64::from(broker)) * 1000
    }

    pub fn id(&self) -> NodeId {
        self.id
    }
    pub(crate) fn number(&self) -> u32 {
        self.id.number()
    }
    pub fn replicas(&self) -> &FlatMap<TopicPartition, Replica> {
        &self.replicas
    }
    pub fn replica(&self, tp: TopicPartition) -> Option<&Replica> {
        self.replicas.get(&tp)
    }
    pub fn fetch_delay(&self) -> SimDuration {
        self.fetch_delay
    }

    /// The leader of `tp` as this broker's metadata cache has it.
    pub fn leader_of(&self, tp: TopicPartition) -> Option<u32> {
        self.metadata.get(&tp).and_then(|m| m.leader)
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
        self.next_producer_id = Broker::producer_id_block(self.number(), self.incarnation);
        self.metadata_version = 0;
        out.set_timer(self.config.retention_check_interval, Timer::RetentionCheck);
        self.heartbeat(out);
    }

    /// `log.retention.check.interval.ms` passed: delete what `retention.ms` says is expired,
    /// read or not (each replica applies retention to its own log, as Kafka's log manager does).
    fn enforce_retention(&mut self, now: SimTime, out: &mut Out) {
        out.set_timer(self.config.retention_check_interval, Timer::RetentionCheck);
        for (tp, r) in self.replicas.iter_mut() {
            let Some(cutoff) = now.0.checked_sub(self.config.retention(*tp).as_micros()) else {
                continue;
            };
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
                isolation,
            } => self.on_fetch(
                now,
                ParkedFetch {
                    client: from,
                    correlation,
                    replica,
                    partitions,
                    max_records,
                    isolation,
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
            Message::InitProducerIdRequest { correlation, .. } => {
                // (A transactional one goes to the transaction coordinator: `Message::family`.)
                let producer_id =
                    crate::coordinator::txn::CoordinatorHost::allocate_producer_id(self);
                out.send(
                    from,
                    Message::InitProducerIdResponse {
                        correlation,
                        result: Ok((producer_id, 0)),
                    },
                );
            }
            Message::WriteTxnMarkersRequest {
                correlation,
                partition,
                producer_id,
                producer_epoch,
                control,
            } => self.on_write_marker(
                from,
                correlation,
                partition,
                ProducerBatchHeader {
                    producer_id,
                    producer_epoch,
                    base_sequence: crate::log::batch::NO_SEQUENCE,
                    transactional: true,
                },
                control,
                out,
            ),
            Message::ListOffsetsRequest {
                correlation,
                partitions,
                spec,
                isolation,
            } => {
                let offsets = partitions
                    .into_iter()
                    .filter_map(|tp| {
                        let r = self.replicas.get(&tp).filter(|r| r.is_leader())?;
                        // LATEST is the high watermark for read_uncommitted, the last stable
                        // offset for read_committed.
                        Some(match (spec, isolation) {
                            (OffsetSpec::Earliest, _) => (tp, r.log.log_start_offset()),
                            (OffsetSpec::Latest, IsolationLevel::ReadUncommitted) => {
                                (tp, r.log.high_watermark())
                            }
                            (OffsetSpec::Latest, IsolationLevel::ReadCommitted) => {
                                (tp, r.log.last_stable_offset())
                            }
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
                            .collect_by_insert();
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
}

/// The broker lends its transaction coordinator its metadata cache and its producer-id block.
impl crate::coordinator::txn::CoordinatorHost for Broker {
    fn leader_of(&self, tp: TopicPartition) -> Option<u32> {
        Broker::leader_of(self, tp)
    }
    fn allocate_producer_id(&mut self) -> i64 {
        let id = self.next_producer_id;
        self.next_producer_id += 1;
        id
    }
}
