//! A Kafka consumer in a consumer group: the poll loop, processing, and offset commits.
//!
//! On start the consumer asks its group coordinator for the group's committed offsets
//! (OffsetFetch); a partition with none starts at `auto.offset.reset` (ListOffsets EARLIEST or
//! LATEST). A committed offset is the *next* offset to read (Kafka documentation, Consumer
//! Position). The poll loop then fetches from each partition leader, hands at most
//! `max.poll.records` records to the application, which processes them one after another
//! (`processing_ms` each) inside the loop, and polls again.
//!
//! Commits:
//! - `enable.auto.commit=true`: inside `poll()`, once `auto.commit.interval.ms` has passed since
//!   the last commit, the consumer commits the positions of the records returned by *earlier*
//!   polls (they were processed, since processing happens in the loop): at-least-once.
//! - `enable.auto.commit=false`: the application commits the positions after processing each
//!   batch, waiting for the answer (`commitSync`) before polling again: at-least-once.
//!
//! This version is the single-member group: the member owns every partition of the topic.
//! Membership (JoinGroup/SyncGroup, generations, rebalances) belongs to the group coordinator model.

use crate::client_metadata::ClientMetadata;
use crate::effect::{Out, Timer};
use crate::ids::{NodeId, RecordId, TopicPartition};
use crate::log::LogRecord;
use crate::message::FetchPosition;
use crate::message::{Message, OffsetSpec};
use crate::placement::group_coordinator;
use crate::scenario::{ConsumerConfig, OffsetReset};
use crate::time::{SimDuration, SimTime};
use crate::trace::TraceKind;
use std::collections::{BTreeMap, VecDeque};

/// What the consumer is doing now (drawn on the consumer).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsumerPhase {
    /// Before `start_ms`.
    NotStarted,
    /// Finding its starting positions (OffsetFetch, then ListOffsets for partitions without one).
    Initializing,
    /// Waiting for fetch responses.
    Fetching,
    /// The application is processing a record.
    Processing,
    /// `commitSync` after processing: waiting for the coordinator's answer.
    Committing,
}

#[derive(Clone, Debug)]
pub struct ProcessedRecord {
    pub partition: TopicPartition,
    pub offset: u64,
    pub record: RecordId,
    pub at: SimTime,
}

#[derive(Clone, Debug)]
enum Pending {
    OffsetFetch,
    ListOffsets,
    Fetch { broker: u32 },
    Commit { sync: bool, started: SimTime },
    Metadata,
}

/// `default.api.timeout.ms`: how long `commitSync` keeps retrying before it throws.
pub const DEFAULT_API_TIMEOUT_MS: u64 = 60_000;

#[derive(Clone, Debug)]
pub struct Consumer {
    id: NodeId,
    config: ConsumerConfig,
    coordinator: NodeId,
    metadata: ClientMetadata,
    assignment: Vec<TopicPartition>,
    phase: ConsumerPhase,
    positions: BTreeMap<TopicPartition, u64>,
    committed: BTreeMap<TopicPartition, u64>,
    /// Where each partition's reading started (from a committed offset or auto.offset.reset).
    start_positions: BTreeMap<TopicPartition, u64>,
    /// Highest high watermark each fetch response reported.
    known_high_watermark: BTreeMap<TopicPartition, u64>,
    fetched: VecDeque<(TopicPartition, LogRecord)>,
    /// Records returned by the current poll, being processed in order.
    processing: VecDeque<(TopicPartition, LogRecord)>,
    pending: BTreeMap<u64, Pending>,
    next_correlation: u64,
    last_auto_commit: SimTime,
    processed: Vec<ProcessedRecord>,
}

impl Consumer {
    pub fn new(id: NodeId, config: ConsumerConfig, partitions: u32, brokers: u32) -> Self {
        let coordinator = NodeId::Broker(group_coordinator(&config.group_id, brokers));
        let assignment = (0..partitions)
            .map(|p| TopicPartition {
                topic: 0,
                partition: p as u16,
            })
            .collect();
        Consumer {
            id,
            config,
            coordinator,
            metadata: ClientMetadata::new(partitions, brokers),
            assignment,
            phase: ConsumerPhase::NotStarted,
            positions: BTreeMap::new(),
            committed: BTreeMap::new(),
            start_positions: BTreeMap::new(),
            known_high_watermark: BTreeMap::new(),
            fetched: VecDeque::new(),
            processing: VecDeque::new(),
            pending: BTreeMap::new(),
            next_correlation: 0,
            last_auto_commit: SimTime::ZERO,
            processed: Vec::new(),
        }
    }

    pub fn id(&self) -> NodeId {
        self.id
    }
    pub fn group(&self) -> &str {
        &self.config.group_id
    }
    pub fn config(&self) -> &ConsumerConfig {
        &self.config
    }
    pub fn coordinator(&self) -> NodeId {
        self.coordinator
    }
    pub fn phase(&self) -> ConsumerPhase {
        self.phase
    }
    pub fn assignment(&self) -> &[TopicPartition] {
        &self.assignment
    }
    /// The next offset the consumer will read, per partition.
    pub fn positions(&self) -> &BTreeMap<TopicPartition, u64> {
        &self.positions
    }
    /// Offsets the coordinator confirmed as committed for this group.
    pub fn committed(&self) -> &BTreeMap<TopicPartition, u64> {
        &self.committed
    }
    pub fn processed(&self) -> &[ProcessedRecord] {
        &self.processed
    }
    /// Nothing buffered, nothing being processed, no request outstanding but the long-poll fetch,
    /// and every position it moved by processing committed: the consumer has nothing left to do
    /// until new data arrives.
    pub fn is_idle(&self) -> bool {
        matches!(self.phase, ConsumerPhase::Fetching)
            && self.fetched.is_empty()
            && self.processing.is_empty()
            && self
                .pending
                .values()
                .all(|p| matches!(p, Pending::Fetch { .. }))
            && self.positions.iter().all(|(tp, pos)| {
                self.start_positions.get(tp) == Some(pos)
                    || self.committed.get(tp).is_some_and(|c| c >= pos)
            })
    }

    pub fn on_start(&mut self, out: &mut Out) {
        out.set_timer(
            SimDuration::from_ms(self.config.start_ms),
            Timer::StartConsumer,
        );
    }

    pub fn on_timer(&mut self, now: SimTime, timer: Timer, out: &mut Out) {
        match timer {
            Timer::StartConsumer => {
                self.phase = ConsumerPhase::Initializing;
                self.last_auto_commit = now;
                let correlation = self.request(Pending::OffsetFetch, out);
                out.send(
                    self.coordinator,
                    Message::OffsetFetchRequest {
                        correlation,
                        group: self.config.group_id.clone(),
                        partitions: self.assignment.clone(),
                    },
                );
            }
            Timer::RecordProcessed => self.finish_record(now, out),
            Timer::RequestTimeout { correlation } => {
                self.metadata.refresh_timed_out(correlation);
                if let Some(p) = self.pending.remove(&correlation) {
                    self.on_request_timeout(now, p, out);
                }
            }
            _ => {}
        }
    }

    pub fn on_message(&mut self, now: SimTime, message: Message, out: &mut Out) {
        let correlation = match &message {
            Message::FetchResponse { correlation, .. }
            | Message::MetadataResponse { correlation, .. }
            | Message::ListOffsetsResponse { correlation, .. }
            | Message::OffsetCommitResponse { correlation, .. }
            | Message::OffsetFetchResponse { correlation, .. } => *correlation,
            _ => return,
        };
        // Late answers to requests that already timed out are dropped.
        let Some(pending) = self.pending.remove(&correlation) else {
            return;
        };
        match (pending, message) {
            (Pending::OffsetFetch, Message::OffsetFetchResponse { offsets, .. }) => {
                let mut missing = Vec::new();
                for (tp, offset) in offsets {
                    match offset {
                        Some(o) => {
                            self.positions.insert(tp, o);
                            self.start_positions.insert(tp, o);
                            self.committed.insert(tp, o);
                        }
                        None => missing.push(tp),
                    }
                }
                if missing.is_empty() {
                    self.poll(now, out);
                } else {
                    self.list_offsets(missing, out);
                }
            }
            (Pending::ListOffsets, Message::ListOffsetsResponse { offsets, .. }) => {
                for (tp, offset) in offsets {
                    self.positions.insert(tp, offset);
                    self.start_positions.insert(tp, offset);
                }
                self.poll(now, out);
            }
            (Pending::Metadata, Message::MetadataResponse { partitions, .. }) => {
                self.metadata.on_response(correlation, &partitions);
                self.resume_after_metadata(out);
            }
            (Pending::Fetch { .. }, Message::FetchResponse { partitions, .. }) => {
                for p in partitions {
                    if p.error.is_some_and(|e| e.needs_metadata_refresh()) {
                        self.metadata.forget_leader(p.partition);
                        continue;
                    }
                    let hw = self.known_high_watermark.entry(p.partition).or_default();
                    *hw = (*hw).max(p.high_watermark);
                    let position = self.positions.get(&p.partition).copied().unwrap_or(0);
                    // Only records at the current position are taken (a stale response is ignored).
                    if p.records.first().is_some_and(|r| r.offset == position) {
                        let tp = p.partition;
                        self.fetched.extend(p.records.into_iter().map(|r| (tp, r)));
                    }
                }
                if self.phase == ConsumerPhase::Fetching {
                    self.poll(now, out);
                }
            }
            (Pending::Commit { sync, .. }, Message::OffsetCommitResponse { offsets, .. }) => {
                for (tp, offset) in offsets {
                    let c = self.committed.entry(tp).or_default();
                    *c = (*c).max(offset);
                }
                if sync && self.phase == ConsumerPhase::Committing {
                    self.poll(now, out);
                }
            }
            _ => {}
        }
    }

    fn request(&mut self, pending: Pending, out: &mut Out) -> u64 {
        let correlation = self.next_correlation;
        self.next_correlation += 1;
        self.pending.insert(correlation, pending);
        out.set_timer(
            SimDuration::from_ms(self.config.request_timeout_ms),
            Timer::RequestTimeout { correlation },
        );
        correlation
    }

    fn refresh_metadata(&mut self, out: &mut Out) {
        if self.metadata.is_refreshing() {
            return;
        }
        let correlation = self.request(Pending::Metadata, out);
        if let Some((to, request)) = self.metadata.refresh(correlation) {
            out.send(to, request);
        }
    }

    /// Assigned partitions whose starting position is not known yet.
    fn partitions_without_position(&self) -> Vec<TopicPartition> {
        self.assignment
            .iter()
            .filter(|tp| !self.positions.contains_key(tp))
            .copied()
            .collect()
    }

    /// Picks up where the loop waited for a leader: starting positions, or fetching.
    fn resume_after_metadata(&mut self, out: &mut Out) {
        match self.phase {
            ConsumerPhase::Initializing => {
                let missing = self.partitions_without_position();
                if !missing.is_empty()
                    && !self
                        .pending
                        .values()
                        .any(|p| matches!(p, Pending::ListOffsets))
                {
                    self.list_offsets(missing, out);
                }
            }
            ConsumerPhase::Fetching => self.send_fetches(out),
            _ => {}
        }
    }

    fn list_offsets(&mut self, partitions: Vec<TopicPartition>, out: &mut Out) {
        let spec = match self.config.auto_offset_reset {
            OffsetReset::Earliest => OffsetSpec::Earliest,
            OffsetReset::Latest => OffsetSpec::Latest,
        };
        // Partitions of one topic are spread over leaders; ask each leader for its own.
        let mut by_leader: BTreeMap<Option<u32>, Vec<TopicPartition>> = BTreeMap::new();
        for tp in partitions {
            by_leader
                .entry(self.metadata.leader(tp))
                .or_default()
                .push(tp);
        }
        for (broker, partitions) in by_leader {
            let Some(broker) = broker else {
                // No known leader: find one, then ask again (on the metadata answer).
                self.refresh_metadata(out);
                continue;
            };
            let correlation = self.request(Pending::ListOffsets, out);
            out.send(
                NodeId::Broker(broker),
                Message::ListOffsetsRequest {
                    correlation,
                    partitions,
                    spec,
                },
            );
        }
    }

    /// `poll()`: auto-commit if due, then return buffered records or fetch more.
    fn poll(&mut self, now: SimTime, out: &mut Out) {
        if self.positions.len() < self.assignment.len() {
            // Still waiting for some ListOffsets answers.
            return;
        }
        if self.config.enable_auto_commit
            && now.since(self.last_auto_commit)
                >= SimDuration::from_ms(self.config.auto_commit_interval_ms)
        {
            self.last_auto_commit = now;
            self.commit(now, now, false, out);
        }
        if self.fetched.is_empty() {
            self.phase = ConsumerPhase::Fetching;
            self.send_fetches(out);
            return;
        }
        let n = (self.config.max_poll_records as usize).min(self.fetched.len());
        self.processing.extend(self.fetched.drain(..n));
        self.start_next_record(out);
    }

    fn send_fetches(&mut self, out: &mut Out) {
        let mut by_leader: BTreeMap<u32, Vec<FetchPosition>> = BTreeMap::new();
        let mut leaderless = false;
        for (tp, pos) in &self.positions {
            match self.metadata.leader(*tp) {
                Some(leader) => by_leader.entry(leader).or_default().push(FetchPosition {
                    partition: *tp,
                    offset: *pos,
                    current_leader_epoch: None,
                }),
                None => leaderless = true,
            }
        }
        if leaderless {
            self.refresh_metadata(out);
        }
        for (broker, partitions) in by_leader {
            // One fetch in flight per broker, as the Kafka consumer's fetcher does.
            if self
                .pending
                .values()
                .any(|p| matches!(p, Pending::Fetch { broker: b } if *b == broker))
            {
                continue;
            }
            let correlation = self.request(Pending::Fetch { broker }, out);
            out.send(
                NodeId::Broker(broker),
                Message::FetchRequest {
                    correlation,
                    replica: None,
                    partitions,
                    max_wait_ms: self.config.fetch_max_wait_ms,
                    max_records: self.config.max_poll_records,
                },
            );
        }
    }

    fn start_next_record(&mut self, out: &mut Out) {
        if self.processing.is_empty() {
            return;
        }
        self.phase = ConsumerPhase::Processing;
        out.set_timer(
            SimDuration::from_ms(self.config.processing_ms),
            Timer::RecordProcessed,
        );
    }

    fn finish_record(&mut self, now: SimTime, out: &mut Out) {
        let Some((tp, record)) = self.processing.pop_front() else {
            return;
        };
        self.positions.insert(tp, record.offset + 1);
        self.processed.push(ProcessedRecord {
            partition: tp,
            offset: record.offset,
            record: record.id,
            at: now,
        });
        out.trace(TraceKind::Processed {
            consumer: self.id,
            group: self.config.group_id.clone(),
            partition: tp,
            offset: record.offset,
            record: record.id,
        });
        if !self.processing.is_empty() {
            self.start_next_record(out);
        } else if !self.config.enable_auto_commit {
            self.phase = ConsumerPhase::Committing;
            self.commit(now, now, true, out);
        } else {
            self.poll(now, out);
        }
    }

    /// Sends the positions not yet committed; `started` is when a `commitSync` began (for retries).
    fn commit(&mut self, now: SimTime, started: SimTime, sync: bool, out: &mut Out) {
        let offsets: Vec<(TopicPartition, u64)> = self
            .positions
            .iter()
            .filter(|(tp, pos)| self.committed.get(tp) != Some(pos))
            .map(|(tp, pos)| (*tp, *pos))
            .collect();
        if offsets.is_empty() {
            if sync {
                self.poll(now, out);
            }
            return;
        }
        let correlation = self.request(Pending::Commit { sync, started }, out);
        out.send(
            self.coordinator,
            Message::OffsetCommitRequest {
                correlation,
                group: self.config.group_id.clone(),
                offsets,
            },
        );
    }

    fn on_request_timeout(&mut self, now: SimTime, pending: Pending, out: &mut Out) {
        match pending {
            // The request (or its answer) was lost: ask again.
            Pending::OffsetFetch => {
                self.phase = ConsumerPhase::NotStarted;
                self.on_timer(now, Timer::StartConsumer, out);
            }
            Pending::ListOffsets => {
                let missing = self.partitions_without_position();
                self.list_offsets(missing, out);
            }
            Pending::Fetch { broker } => {
                // The leader may be gone: look again before fetching.
                for tp in self.assignment.clone() {
                    if self.metadata.leader(tp) == Some(broker) {
                        self.metadata.forget_leader(tp);
                    }
                }
                if self.phase == ConsumerPhase::Fetching {
                    self.send_fetches(out);
                }
            }
            Pending::Metadata => {
                // Unanswered: ask the next broker (through the loop that needs a leader).
                self.resume_after_metadata(out);
            }
            // A commit that got no answer is not known to have happened. commitSync retries it
            // until default.api.timeout.ms, then throws and the loop goes on; an async (auto)
            // commit is simply carried again by the next one.
            Pending::Commit { sync, started } => {
                if sync && self.phase == ConsumerPhase::Committing {
                    if now.since(started) < SimDuration::from_ms(DEFAULT_API_TIMEOUT_MS) {
                        self.commit(now, started, true, out);
                    } else {
                        self.poll(now, out);
                    }
                }
            }
        }
    }
}
