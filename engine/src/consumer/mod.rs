//! The Kafka consumer client in a consumer group: `poll()`, membership, positions and commits.
//!
//! The model follows the Java `KafkaConsumer` with the classic group protocol:
//!
//! - **`poll()`** (this module): joins or rejoins the group when needed, finds starting positions
//!   for newly assigned partitions (OffsetFetch; a partition without a committed offset starts at
//!   `auto.offset.reset` via ListOffsets), auto-commits when `auto.commit.interval.ms` has passed,
//!   and returns at most `max.poll.records` buffered records — moving the **position** past them
//!   — or fetches more from the partition leaders and waits. A committed offset is the *next*
//!   offset to read (Kafka documentation, Consumer Position).
//! - **The application** is not here: what it does with the records and when it commits is
//!   `crate::app` (the process-and-commit loop). The client leaves each return of `poll()` (and the
//!   end of a `commitSync`) in an outbox ([`PollReturn`]) that the consumer process hands to the
//!   application, which calls [`Consumer::poll`], [`Consumer::commit_sync`] or
//!   [`Consumer::commit_async`] in turn.
//! - **Heartbeat thread** ([`membership`], KIP-62): heartbeats every `heartbeat.interval.ms`
//!   whatever the application is doing, and leaves the group when the application has not called
//!   `poll()` within `max.poll.interval.ms`.
//! - **Commits** ([`commit`]): auto-commit, or `commitSync` / `commitAsync` when the application
//!   asks; each is an OffsetCommit to the coordinator that can be lost, delayed, or rejected.
//! - **Leader epochs** ([`validation`], KIP-320): after a leader change the position is validated
//!   with OffsetsForLeaderEpoch before fetching again.
//!
//! Eager protocols (`range`, `roundrobin`) revoke every partition before rejoining; the
//! cooperative one keeps consuming its partitions through the rebalance and revokes only those it
//! loses (KIP-429).

mod commit;
mod external_offsets;
mod fetch;
mod membership;
mod read_committed;
mod transactional;
mod validation;

use crate::client_metadata::ClientMetadata;
use crate::effect::{Out, Timer};
use crate::flat::FlatMap;
use crate::ids::{MemberId, NodeId, TopicPartition};
use crate::log::LogRecord;
use crate::message::{FetchPosition, KafkaError, Message, OffsetSpec};
use crate::ordered::CollectByInsert;
use crate::requests::Requests;
use crate::scenario::{ConsumerConfig, OffsetReset};
use crate::time::{SimDuration, SimTime};
use crate::trace::TraceKind;
use std::collections::VecDeque;

pub use membership::MembershipState;

/// What the application thread is doing now (drawn on the consumer).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsumerPhase {
    /// Before `start_ms`.
    NotStarted,
    /// Looking up the group coordinator (FindCoordinator).
    FindingCoordinator,
    /// Rebalancing: waiting for the group (JoinGroup, then SyncGroup).
    Rebalancing,
    /// Finding starting positions of newly assigned partitions.
    Initializing,
    /// Inside poll(), waiting for fetch responses.
    Fetching,
    /// The application is processing a record (in the loop).
    Processing,
    /// `commitSync`: waiting for the coordinator's answer.
    Committing,
}

/// What `poll()` (or a `commitSync`) returned to the application, left in the client's outbox.
#[derive(Clone, Debug)]
pub enum PollReturn {
    /// Records, their positions already moved past them.
    Records(Vec<(TopicPartition, LogRecord)>),
    /// Nothing buffered: the application may commit, then calls
    /// [`Consumer::wait_for_records`] (the rest of a blocking poll).
    Nothing,
    /// A `commitSync` ended (committed, failed, or timed out): the application goes on.
    CommitSyncReturned,
    /// The application keeps its offsets outside Kafka: these assigned partitions have no
    /// position yet. It reads their offsets from its store and calls [`Consumer::seek`] (or
    /// [`Consumer::seek_by_reset_policy`]), then polls again.
    PositionsNeeded(Vec<TopicPartition>),
}

/// Which commit a request belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CommitKind {
    /// Auto-commit inside poll() (asynchronous).
    Auto,
    /// `commitSync()` after processing.
    Sync,
    /// `commitAsync()` after processing (or by the hand-off worker).
    Async,
    /// The synchronous auto-commit before rejoining a group (`onJoinPrepare`).
    BeforeRebalance,
}

#[derive(Clone, Debug)]
enum Pending {
    FindCoordinator,
    Join,
    Sync,
    Heartbeat,
    Leave,
    OffsetFetch,
    ListOffsets {
        broker: u32,
        partitions: Vec<TopicPartition>,
    },
    Fetch {
        broker: u32,
    },
    /// OffsetsForLeaderEpoch for a position, after the partition's leader epoch went up.
    ValidatePosition {
        broker: u32,
        partition: TopicPartition,
        leader_epoch: u32,
    },
    Commit {
        kind: CommitKind,
        started: SimTime,
    },
    Metadata,
}

/// `default.api.timeout.ms`: how long `commitSync` keeps retrying before it throws.
pub const DEFAULT_API_TIMEOUT_MS: u64 = 60_000;
/// `retry.backoff.ms`.
const RETRY_BACKOFF_MS: u64 = 100;

#[derive(Clone, Debug)]
pub struct Consumer {
    id: NodeId,
    config: ConsumerConfig,
    /// The topics it subscribes to (indexes into the scenario's topics).
    topics: Vec<u16>,
    /// Partitions of all topics it knows of (a growth makes the group leader rebalance).
    known_partitions: usize,
    /// The metadata a (re)started process begins with.
    bootstrap: Vec<crate::metadata::PartitionMeta>,
    brokers: u32,
    metadata: ClientMetadata,
    coordinator: Option<u32>,
    membership: membership::Membership,
    /// Partitions this consumer owns now.
    assignment: Vec<TopicPartition>,
    phase: ConsumerPhase,
    positions: FlatMap<TopicPartition, u64>,
    /// The leader epoch of the record just before each position (KIP-320's offset epoch).
    position_epochs: FlatMap<TopicPartition, u32>,
    /// The leader epoch at which each position was last known good.
    validated_epochs: FlatMap<TopicPartition, u32>,
    committed: FlatMap<TopicPartition, u64>,
    /// Where each partition's reading started (from a committed offset or auto.offset.reset).
    start_positions: FlatMap<TopicPartition, u64>,
    fetched: VecDeque<(TopicPartition, LogRecord)>,
    /// Per partition, the offset after the last record fetched — including markers and aborted
    /// records that were not buffered for the application (the position steps over them).
    fetched_through: FlatMap<TopicPartition, u64>,
    /// What poll() returned, for the application to take.
    returns: VecDeque<PollReturn>,
    /// Offsets kept outside Kafka: the partitions the application was last asked to position,
    /// and those it left to `auto.offset.reset`.
    positions_asked: Vec<TopicPartition>,
    reset_by_policy: Vec<TopicPartition>,
    /// Requests awaiting an answer.
    requests: Requests<Pending>,
    /// The time of the event being handled.
    now: SimTime,
    last_poll: SimTime,
    last_auto_commit: SimTime,
    /// A `commitSync` waiting for the coordinator to be found again (when it started).
    sync_commit_started: Option<SimTime>,
    started: bool,
    /// How many times the process was restarted.
    restarts: u32,
}

impl Consumer {
    /// A consumer subscribed to `topics` (indexes into the scenario's topics), knowing the
    /// cluster's `initial` metadata (every topic's: the group leader assigns the partitions of
    /// every member's subscription).
    pub fn new(
        id: NodeId,
        config: ConsumerConfig,
        topics: Vec<u16>,
        initial: &[crate::metadata::PartitionMeta],
        brokers: u32,
    ) -> Self {
        let all_topics: Vec<u16> = initial
            .iter()
            .map(|m| m.partition.topic)
            .collect_by_insert::<crate::flat::FlatSet<_>>()
            .into_iter()
            .collect();
        let metadata = ClientMetadata::new(initial, &all_topics, brokers);
        Consumer {
            id,
            config,
            topics,
            known_partitions: metadata.partitions().count(),
            bootstrap: initial.to_vec(),
            brokers,
            metadata,
            coordinator: None,
            membership: membership::Membership::default(),
            assignment: Vec::new(),
            phase: ConsumerPhase::NotStarted,
            positions: FlatMap::new(),
            position_epochs: FlatMap::new(),
            validated_epochs: FlatMap::new(),
            committed: FlatMap::new(),
            start_positions: FlatMap::new(),
            fetched: VecDeque::new(),
            fetched_through: FlatMap::new(),
            returns: VecDeque::new(),
            positions_asked: Vec::new(),
            reset_by_policy: Vec::new(),
            requests: Requests::default(),
            now: SimTime::ZERO,
            last_poll: SimTime::ZERO,
            last_auto_commit: SimTime::ZERO,
            sync_commit_started: None,
            started: false,
            restarts: 0,
        }
    }

    pub fn id(&self) -> NodeId {
        self.id
    }
    pub fn group(&self) -> &str {
        &self.config.group_id
    }
    /// The topics it subscribes to (indexes into the scenario's topics).
    pub fn topics(&self) -> &[u16] {
        &self.topics
    }
    pub fn config(&self) -> &ConsumerConfig {
        &self.config
    }
    /// The broker this consumer believes coordinates its group.
    pub fn coordinator(&self) -> Option<NodeId> {
        self.coordinator.map(NodeId::Broker)
    }
    pub fn phase(&self) -> ConsumerPhase {
        self.phase
    }
    pub fn membership(&self) -> MembershipState {
        self.membership.state
    }
    pub fn member_id(&self) -> Option<MemberId> {
        self.membership.member
    }
    pub fn generation(&self) -> Option<u32> {
        self.membership.generation
    }
    pub fn assignment(&self) -> &[TopicPartition] {
        &self.assignment
    }
    /// The next offset poll() will return, per owned partition.
    pub fn positions(&self) -> &FlatMap<TopicPartition, u64> {
        &self.positions
    }
    /// Offsets the coordinator confirmed as committed by this consumer.
    pub fn committed(&self) -> &FlatMap<TopicPartition, u64> {
        &self.committed
    }
    /// Whether this consumer owns `tp` now.
    pub fn owns(&self, tp: TopicPartition) -> bool {
        self.assignment.contains(&tp)
    }
    /// The oldest return of `poll()` the application has not taken yet.
    pub fn take_poll_return(&mut self) -> Option<PollReturn> {
        self.returns.pop_front()
    }
    /// When the next auto-commit may happen (for drawing the timer), if auto-commit is on.
    pub fn next_auto_commit(&self) -> Option<SimTime> {
        (self.config.enable_auto_commit && self.started).then(|| {
            self.last_auto_commit + SimDuration::from_ms(self.config.auto_commit_interval_ms)
        })
    }

    /// In a stable group, nothing buffered or returned, no request outstanding but the
    /// long-poll fetch and heartbeats, and every position it moved committed (unless the
    /// application keeps its offsets outside Kafka): nothing left to do
    /// until new data arrives.
    pub fn is_idle(&self) -> bool {
        self.membership.state == MembershipState::Stable
            && !self.membership.rejoin_needed
            && matches!(self.phase, ConsumerPhase::Fetching)
            && self.fetched.is_empty()
            && self.returns.is_empty()
            && !self
                .requests
                .any(|p| !matches!(p, Pending::Fetch { .. } | Pending::Heartbeat))
            && self.assignment.iter().all(|tp| {
                let pos = self.positions.get(tp);
                // (Offsets kept outside Kafka are the application's to store: it is idle once
                // it has written what it read.)
                pos.is_some()
                    && (self.offsets_outside_kafka()
                        || self.start_positions.get(tp) == pos
                        || self.committed.get(tp) == pos)
            })
    }

    pub fn on_start(&mut self, out: &mut Out) {
        out.set_timer(
            SimDuration::from_ms(self.config.start_ms),
            Timer::StartConsumer,
        );
    }

    /// A killed consumer starts again: a new process with nothing of the old one in memory.
    pub fn restart(&mut self, out: &mut Out) {
        let restarts = self.restarts + 1;
        let mut config = self.config.clone();
        config.start_ms = 0;
        let bootstrap = std::mem::take(&mut self.bootstrap);
        *self = Consumer::new(
            self.id,
            config,
            self.topics.clone(),
            &bootstrap,
            self.brokers,
        );
        self.restarts = restarts;
        // A new process has new connections: answers to the old one's requests never match.
        self.requests = Requests::starting_at(u64::from(restarts) << 40);
        self.on_start(out);
    }

    pub fn on_timer(&mut self, now: SimTime, timer: Timer, out: &mut Out) {
        self.now = now;
        match timer {
            Timer::StartConsumer => {
                self.started = true;
                self.last_auto_commit = now;
                out.set_timer(
                    SimDuration::from_ms(self.config.heartbeat_interval_ms),
                    Timer::ConsumerHeartbeat,
                );
                out.set_timer(
                    SimDuration::from_ms(self.config.metadata_max_age_ms),
                    Timer::MetadataMaxAge,
                );
                self.poll(now, out);
            }
            Timer::MetadataMaxAge => {
                out.set_timer(
                    SimDuration::from_ms(self.config.metadata_max_age_ms),
                    Timer::MetadataMaxAge,
                );
                self.refresh_metadata(out);
            }
            Timer::ConsumerHeartbeat => self.heartbeat_tick(now, out),
            Timer::FindCoordinatorRetry => self.find_coordinator(out),
            Timer::OffsetFetchRetry => self.resume_poll(now, out),
            Timer::RequestDeadline => {
                for (correlation, p) in self.requests.expire(now, out) {
                    self.metadata.refresh_timed_out(correlation);
                    self.on_request_timeout(now, p, out);
                }
            }
            _ => {}
        }
    }

    pub fn on_message(&mut self, now: SimTime, message: Message, out: &mut Out) {
        self.now = now;
        let correlation = match &message {
            Message::FetchResponse { correlation, .. }
            | Message::MetadataResponse { correlation, .. }
            | Message::ListOffsetsResponse { correlation, .. }
            | Message::OffsetCommitResponse { correlation, .. }
            | Message::OffsetFetchResponse { correlation, .. }
            | Message::FindCoordinatorResponse { correlation, .. }
            | Message::JoinGroupResponse { correlation, .. }
            | Message::SyncGroupResponse { correlation, .. }
            | Message::HeartbeatResponse { correlation, .. }
            | Message::LeaveGroupResponse { correlation }
            | Message::OffsetsForLeaderEpochResponse { correlation, .. } => *correlation,
            _ => return,
        };
        // Late answers to requests that already timed out are dropped.
        let Some(pending) = self.requests.finish(correlation) else {
            return;
        };
        match (pending, message) {
            (Pending::FindCoordinator, Message::FindCoordinatorResponse { result, .. }) => {
                self.on_find_coordinator(now, result, out)
            }
            (Pending::Join, Message::JoinGroupResponse { result, .. }) => {
                self.on_join_response(now, result, out)
            }
            (Pending::Sync, Message::SyncGroupResponse { result, .. }) => {
                self.on_sync_response(now, result, out)
            }
            (Pending::Heartbeat, Message::HeartbeatResponse { error, .. }) => {
                self.on_heartbeat_response(now, error, out)
            }
            (Pending::Leave, _) => {}
            (Pending::Commit { kind, started }, Message::OffsetCommitResponse { result, .. }) => {
                self.on_commit_response(now, kind, started, result, out)
            }
            (Pending::OffsetFetch, Message::OffsetFetchResponse { result, .. }) => match result {
                Ok(offsets) => self.on_committed_offsets(now, offsets, out),
                Err(KafkaError::UnstableOffsetCommit) => {
                    // A transaction holding offsets for these partitions is still being
                    // completed: ask again after retry.backoff.ms (KIP-447).
                    out.trace(TraceKind::OffsetsUnstable { consumer: self.id });
                    out.set_timer(
                        SimDuration::from_ms(RETRY_BACKOFF_MS),
                        Timer::OffsetFetchRetry,
                    );
                }
                Err(_) => {
                    self.coordinator_lost(out);
                }
            },
            (
                Pending::ListOffsets { partitions, .. },
                Message::ListOffsetsResponse { offsets, .. },
            ) => {
                // A partition the broker did not answer for is one it no longer leads (Kafka's
                // NOT_LEADER_OR_FOLLOWER): find its leader again and ask after retry.backoff.ms.
                let unanswered: Vec<TopicPartition> = partitions
                    .into_iter()
                    .filter(|tp| {
                        self.assignment.contains(tp)
                            && !self.positions.contains_key(tp)
                            && !offsets.iter().any(|(answered, _)| answered == tp)
                    })
                    .collect();
                for tp in &unanswered {
                    self.metadata.forget_leader(*tp);
                }
                if !unanswered.is_empty() {
                    out.set_timer(
                        SimDuration::from_ms(RETRY_BACKOFF_MS),
                        Timer::OffsetFetchRetry,
                    );
                }
                for (tp, offset) in offsets {
                    if self.assignment.contains(&tp) && !self.positions.contains_key(&tp) {
                        self.positions.insert(tp, offset);
                        self.start_positions.insert(tp, offset);
                        out.trace(TraceKind::OffsetReset {
                            consumer: self.id,
                            partition: tp,
                            offset,
                        });
                    }
                }
                if unanswered.is_empty() {
                    self.resume_poll(now, out);
                }
            }
            (
                Pending::ValidatePosition {
                    partition,
                    leader_epoch,
                    ..
                },
                Message::OffsetsForLeaderEpochResponse { result, .. },
            ) => self.on_epoch_end_offset(now, partition, leader_epoch, result, out),
            (Pending::Metadata, Message::MetadataResponse { partitions, .. }) => {
                self.metadata.on_response(correlation, &partitions);
                self.notice_partition_count();
                self.resume_poll(now, out);
            }
            (Pending::Fetch { .. }, Message::FetchResponse { partitions, .. }) => {
                for p in partitions {
                    if p.error.is_some_and(|e| e.needs_metadata_refresh()) {
                        self.metadata.forget_leader(p.partition);
                        continue;
                    }
                    if p.error == Some(KafkaError::OffsetOutOfRange) {
                        self.reset_out_of_range(p.partition, out);
                        continue;
                    }
                    let Some(position) = self.positions.get(&p.partition).copied() else {
                        continue;
                    };
                    // Only records at the current position are taken (a stale response, or one
                    // for a partition revoked meanwhile, is ignored).
                    let buffered_to = self
                        .fetched_through
                        .get(&p.partition)
                        .copied()
                        .filter(|through| *through > position)
                        .unwrap_or(position);
                    if p.records.first().is_some_and(|r| r.offset == buffered_to) {
                        self.take_fetched(p);
                    }
                }
                self.resume_poll(now, out);
            }
            _ => {}
        }
    }

    fn request(&mut self, pending: Pending, timeout_ms: u64, out: &mut Out) -> u64 {
        self.requests
            .start(self.now, SimDuration::from_ms(timeout_ms), pending, out)
    }

    fn is_pending(&self, what: impl Fn(&Pending) -> bool) -> bool {
        self.requests.any(what)
    }

    /// Whether the application thread is inside poll(), waiting (so news should wake it).
    fn waiting_in_poll(&self) -> bool {
        matches!(
            self.phase,
            ConsumerPhase::FindingCoordinator
                | ConsumerPhase::Rebalancing
                | ConsumerPhase::Initializing
                | ConsumerPhase::Fetching
        )
    }

    /// Wakes a poll() that waits for something that just arrived.
    fn resume_poll(&mut self, now: SimTime, out: &mut Out) {
        if self.waiting_in_poll() {
            self.poll(now, out);
        }
    }

    /// `poll()`: rejoin if needed, find positions, auto-commit if due, then return buffered
    /// records, or return [`PollReturn::Nothing`] when nothing is buffered (the application then
    /// calls [`Consumer::wait_for_records`]).
    pub fn poll(&mut self, now: SimTime, out: &mut Out) {
        self.last_poll = now;
        if self.coordinator.is_none() {
            self.phase = ConsumerPhase::FindingCoordinator;
            self.find_coordinator(out);
            return;
        }
        if self.membership.needs_join() && self.start_join(now, out) {
            // Waiting for the auto-commit before the rejoin.
            return;
        }
        if self.assignment.is_empty() {
            // Eager members own nothing during a rebalance; idle members own nothing at all.
            self.phase = if self.membership.state == MembershipState::Stable {
                ConsumerPhase::Fetching
            } else {
                ConsumerPhase::Rebalancing
            };
            return;
        }
        let missing = self.partitions_without_position();
        if !missing.is_empty() && self.offsets_outside_kafka() {
            self.phase = ConsumerPhase::Initializing;
            self.position_from_outside(missing, out);
            return;
        }
        if !missing.is_empty() {
            self.phase = ConsumerPhase::Initializing;
            if !self.is_pending(|p| matches!(p, Pending::OffsetFetch | Pending::ListOffsets { .. }))
            {
                self.fetch_committed_offsets(missing, out);
            }
            return;
        }
        self.positions_asked.clear();
        self.maybe_auto_commit(now, out);
        // The application thread is out of poll() until it calls the client again.
        self.phase = ConsumerPhase::Processing;
        if self.fetched.is_empty() {
            self.step_over_skipped();
            self.returns.push_back(PollReturn::Nothing);
            return;
        }
        let n = (self.config.max_poll_records as usize).min(self.fetched.len());
        let batch: Vec<(TopicPartition, LogRecord)> = self.fetched.drain(..n).collect();
        for (tp, r) in &batch {
            self.positions.insert(*tp, r.offset + 1);
            self.position_epochs.insert(*tp, r.leader_epoch);
        }
        self.step_over_skipped();
        self.returns.push_back(PollReturn::Records(batch));
    }

    /// The rest of a poll that found nothing buffered: fetch from the partition leaders and wait
    /// (news wakes the poll again).
    pub fn wait_for_records(&mut self, out: &mut Out) {
        self.phase = ConsumerPhase::Fetching;
        self.send_fetches(out);
    }

    fn on_request_timeout(&mut self, now: SimTime, pending: Pending, out: &mut Out) {
        match pending {
            Pending::FindCoordinator => self.find_coordinator(out),
            Pending::Join | Pending::Sync => self.membership_request_lost(now, out),
            Pending::Heartbeat => self.coordinator_lost(out),
            Pending::Leave => {}
            Pending::OffsetFetch => {
                self.coordinator_lost(out);
            }
            Pending::ListOffsets { broker, .. } => {
                self.forget_leader_broker(broker);
                let missing = self.partitions_without_position();
                if !missing.is_empty() {
                    self.list_offsets(missing, out);
                }
            }
            Pending::Fetch { broker } => {
                self.forget_leader_broker(broker);
                if self.phase == ConsumerPhase::Fetching {
                    self.send_fetches(out);
                }
            }
            Pending::ValidatePosition { broker, .. } => {
                self.forget_leader_broker(broker);
                self.resume_poll(now, out);
            }
            Pending::Metadata => self.resume_poll(now, out),
            Pending::Commit { kind, started } => self.on_commit_timeout(now, kind, started, out),
        }
    }
}
