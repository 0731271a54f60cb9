//! The world: event loop, network, actors, and the rules that end a run.
//!
//! [`Simulation`] owns the event queue, the one seeded RNG, the network and every actor. Each
//! [`Simulation::step`] pops the earliest event, hands it to the actor it concerns, and applies the
//! effects the actor returned: messages are routed through the network (and appear in the trace as
//! flights), timers are scheduled, trace entries are stamped with the current time. Faults and user
//! actions are events in the same queue.
//!
//! The whole world is `Clone`, which is what checkpoints are (see [`crate::timeline`]); the trace
//! buffer is drained by the caller and is never part of a checkpoint.
//!
//! A run ends when the scenario has *settled* — every producer has created all its records and
//! settled each one, every consumer has read up to the high watermark of every partition and
//! committed what it processed, and no scripted action is still to come — or at
//! `simulation.max_time_ms`.

use crate::action::Action;
use crate::broker::{Broker, BrokerConfig};
use crate::check::fates::{ProducerView, RecordFates};
use crate::check::history::History;
use crate::consumer::Consumer;
use crate::controller::Controller;
use crate::effect::{Effect, Out, Timer};
use crate::group_coordinator::GroupCoordinators;
use crate::ids::{NodeId, TopicPartition};
use crate::message::Message;
use crate::metadata::{assign_replicas, PartitionMeta};
use crate::network::{Delivery, Network};
use crate::producer::Producer;
use crate::queue::{EventQueue, Priority};
use crate::rng::SimRng;
use crate::scenario::Scenario;
use crate::time::{SimDuration, SimTime};
use crate::trace::{TraceEvent, TraceKind};

#[derive(Clone, Debug)]
enum Event {
    Start(NodeId),
    Deliver {
        flight: u64,
        from: NodeId,
        to: NodeId,
        /// The receiver's incarnation when the message was sent: a message sent to a process
        /// that has since crashed and restarted travelled on a connection that no longer exists.
        to_incarnation: u32,
        /// Boxed: queue entries move on every heap operation, so they are kept small.
        message: Box<Message>,
    },
    Timer {
        node: NodeId,
        /// Timers set before a crash do not fire after the restart.
        incarnation: u32,
        timer: Timer,
    },
    Action(Action),
}

/// Why a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// Every client finished its work and nothing else is scheduled to happen.
    Settled,
    /// `simulation.max_time_ms` was reached first.
    TimeLimit,
    /// The event queue ran dry.
    NothingLeft,
}

#[derive(Clone, Debug)]
pub struct Simulation {
    now: SimTime,
    queue: EventQueue<Event>,
    rng: SimRng,
    network: Network,
    controller: Controller,
    brokers: Vec<Broker>,
    /// Per broker: whether it is running, and how many times it has started.
    broker_up: Vec<bool>,
    incarnations: Vec<u32>,
    producers: Vec<Producer>,
    consumers: Vec<Consumer>,
    /// Per consumer: whether its process runs, how many times it started, and until when it is
    /// stalled (a pause).
    consumer_up: Vec<bool>,
    consumer_incarnations: Vec<u32>,
    consumer_paused_until: Vec<SimTime>,
    groups: GroupCoordinators,
    /// The controller fenced or unfenced a broker during this step: coordinators may move.
    fencing_changed: bool,
    partitions: Vec<TopicPartition>,
    topic_name: String,
    replication_factor: u32,
    /// The KRaft quorum's size (drawn; the active controller's decisions are simulated).
    controller_quorum: u32,
    events_processed: u64,
    next_flight: u64,
    pending_actions: u32,
    max_time: SimTime,
    ended: Option<(SimTime, EndReason)>,
    trace: Vec<TraceEvent>,
    /// Reused for every handler call, so a step does not allocate for its effects.
    scratch: Out,
    history: History,
    /// Every record's fate, kept as the run goes (the one truth the report and the page read).
    fates: RecordFates,
    /// Partitions whose log that counts may have changed in this step.
    fates_dirty: Vec<TopicPartition>,
    /// Unclean elections in this step, to be told with what they cost once the step is done.
    unclean_elections: Vec<(TopicPartition, NodeId)>,
    /// Consumers that reset a position (auto.offset.reset, or a truncation found by KIP-320
    /// validation); the invariant checker allows a committed offset to move back after one.
    offset_resets: u64,
    /// Scripted or live actions the cluster refused, with Kafka's reason.
    refused_actions: Vec<RefusedAction>,
    /// How many of the scenario's actions were the reader's (see `schedule_reader_action`).
    reader_actions: usize,
}

/// An action the cluster refused (CreatePartitions with fewer partitions than the topic has).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RefusedAction {
    /// When it was refused, in microseconds.
    pub at_us: u64,
    pub action: Action,
    /// Kafka's reason, as the error message says it.
    pub reason: String,
}

impl Simulation {
    /// Builds the world a (validated) scenario describes, with its start events and script queued.
    pub fn new(scenario: &Scenario) -> Self {
        let brokers_n = scenario.cluster.brokers;
        let rf = scenario.topic.replication_factor;
        let metas: Vec<PartitionMeta> = (0..scenario.topic.partitions)
            .map(|p| {
                let replicas = assign_replicas(p, brokers_n, rf);
                PartitionMeta {
                    partition: TopicPartition {
                        topic: 0,
                        partition: p as u16,
                    },
                    leader: Some(replicas[0]),
                    leader_epoch: 0,
                    partition_epoch: 0,
                    isr: replicas.iter().copied().collect(),
                    replicas,
                }
            })
            .collect();
        let partitions: Vec<TopicPartition> = metas.iter().map(|m| m.partition).collect();
        let cluster = &scenario.cluster;
        let broker_config = BrokerConfig {
            replica_lag_time_max: SimDuration::from_ms(cluster.replica_lag_time_max_ms),
            min_insync_replicas: scenario.topic.min_insync_replicas,
            replication_factor: rf,
            heartbeat_interval: SimDuration::from_ms(cluster.broker_heartbeat_interval_ms),
            replica_fetch_wait_max_ms: cluster.replica_fetch_wait_max_ms,
            replica_fetch_max_records: 500,
            retention: SimDuration::from_ms(scenario.topic.retention_ms),
            retention_check_interval: SimDuration::from_ms(cluster.log_retention_check_interval_ms),
        };
        let brokers = (1..=brokers_n)
            .map(|b| Broker::new(NodeId::Broker(b), broker_config.clone(), &metas))
            .collect();
        let controller = Controller::new(
            brokers_n,
            metas,
            SimDuration::from_ms(cluster.broker_session_timeout_ms),
            scenario.topic.unclean_leader_election_enable,
        );
        let producers = scenario
            .producers
            .iter()
            .enumerate()
            .map(|(i, c)| {
                Producer::new(
                    NodeId::Producer(i as u32 + 1),
                    c.clone(),
                    scenario.topic.partitions,
                    brokers_n,
                )
            })
            .collect::<Vec<_>>();
        let consumers = scenario
            .consumers
            .iter()
            .enumerate()
            .map(|(i, c)| {
                Consumer::new(
                    NodeId::Consumer(i as u32 + 1),
                    c.clone(),
                    scenario.topic.partitions,
                    brokers_n,
                )
            })
            .collect::<Vec<_>>();
        let groups = GroupCoordinators::new(
            scenario.consumers.iter().map(|c| c.group_id.as_str()),
            brokers_n,
            SimDuration::from_ms(cluster.group_initial_rebalance_delay_ms),
        );
        let consumers_n = consumers.len();
        let mut sim = Simulation {
            now: SimTime::ZERO,
            queue: EventQueue::default(),
            rng: SimRng::from_seed(scenario.seed),
            network: Network::new(
                SimDuration::from_micros(scenario.network.latency_us),
                SimDuration::from_micros(scenario.network.jitter_us),
            ),
            controller,
            brokers,
            broker_up: vec![true; brokers_n as usize],
            incarnations: vec![0; brokers_n as usize],
            producers,
            consumers,
            consumer_up: vec![true; consumers_n],
            consumer_incarnations: vec![0; consumers_n],
            consumer_paused_until: vec![SimTime::ZERO; consumers_n],
            groups,
            fencing_changed: false,
            partitions,
            topic_name: scenario.topic.name.clone(),
            replication_factor: rf,
            controller_quorum: scenario.cluster.controllers,
            events_processed: 0,
            next_flight: 0,
            pending_actions: 0,
            max_time: SimTime::from_ms(scenario.simulation.max_time_ms),
            ended: None,
            trace: Vec::new(),
            scratch: Out::default(),
            history: History::default(),
            fates: RecordFates::new(
                scenario.producers.len(),
                group_names_in_order(scenario.consumers.iter().map(|c| c.group_id.as_str())),
            ),
            fates_dirty: Vec::new(),
            unclean_elections: Vec::new(),
            offset_resets: 0,
            refused_actions: Vec::new(),
            reader_actions: 0,
        };
        for tp in sim.partitions.clone() {
            sim.sync_fates(tp);
        }
        sim.queue
            .push(SimTime::ZERO, Event::Start(NodeId::Controller(1)));
        for b in &sim.brokers {
            sim.queue.push(SimTime::ZERO, Event::Start(b.id()));
        }
        for p in &sim.producers {
            sim.queue.push(SimTime::ZERO, Event::Start(p.id()));
        }
        for c in &sim.consumers {
            sim.queue.push(SimTime::ZERO, Event::Start(c.id()));
        }
        for s in &scenario.script {
            if s.by_reader {
                sim.reader_actions += 1;
            }
            sim.schedule_action(SimTime::from_ms(s.at_ms), s.action.clone());
        }
        sim
    }

    /// Queues a reader's action (a live click) at `at`, counting it among the reader's actions
    /// this world knows (see [`crate::timeline::Timeline::inject`]).
    pub fn schedule_reader_action(&mut self, at: SimTime, action: Action) {
        self.reader_actions += 1;
        self.schedule_action(at, action);
    }

    /// How many of the reader's actions this world has been given.
    pub fn reader_actions(&self) -> usize {
        self.reader_actions
    }

    /// Queues a fault or user action at `at` (not before the current time).
    pub fn schedule_action(&mut self, at: SimTime, action: Action) {
        self.pending_actions += 1;
        self.queue
            .push_with_priority(at.max(self.now), Priority::First, Event::Action(action));
    }

    pub fn now(&self) -> SimTime {
        self.now
    }
    pub fn brokers(&self) -> &[Broker] {
        &self.brokers
    }
    pub fn controller(&self) -> &Controller {
        &self.controller
    }
    /// Whether broker `n` (1-based) is running.
    pub fn broker_is_up(&self, n: u32) -> bool {
        self.broker_up.get(n as usize - 1).copied().unwrap_or(false)
    }
    pub fn producers(&self) -> &[Producer] {
        &self.producers
    }
    pub fn consumers(&self) -> &[Consumer] {
        &self.consumers
    }
    /// Whether consumer `n` (1-based) is running (not killed).
    pub fn consumer_is_up(&self, n: u32) -> bool {
        self.consumer_up
            .get(n as usize - 1)
            .copied()
            .unwrap_or(false)
    }
    /// Until when consumer `n` (1-based) is stalled, if it is at the current time.
    pub fn consumer_paused_until(&self, n: u32) -> Option<SimTime> {
        self.consumer_paused_until
            .get(n as usize - 1)
            .copied()
            .filter(|t| *t > self.now)
    }
    /// The group coordinators' state (membership, generations, committed offsets).
    pub fn groups(&self) -> &GroupCoordinators {
        &self.groups
    }

    /// The consumer groups, in the order their first member appears in the scenario.
    pub fn group_names(&self) -> Vec<&str> {
        group_names_in_order(self.consumers.iter().map(Consumer::group))
    }

    /// A group's lag now, summed over partitions: the high watermark of the log that counts
    /// (see [`crate::check::fates`]) minus where the group stands — its committed offset, else
    /// the owning member's position (where `auto.offset.reset` put it), else the log start.
    pub fn group_lag(&self, group: &str) -> u64 {
        let offsets = self.groups.group(group).map(|g| &g.offsets);
        self.partitions
            .iter()
            .filter_map(|tp| {
                let (log_start, hw) = self.fates.counted_log_bounds(*tp)?;
                let stands_at = offsets
                    .and_then(|o| o.get(tp).copied())
                    .or_else(|| {
                        self.consumers
                            .iter()
                            .filter(|c| c.group() == group)
                            .filter_map(|c| c.positions().get(tp).copied())
                            .max()
                    })
                    .unwrap_or(log_start);
                Some(hw.saturating_sub(stands_at))
            })
            .sum()
    }

    /// Every record's fate (the one truth the report and the page read).
    pub fn fates(&self) -> &RecordFates {
        &self.fates
    }

    /// Actions the cluster refused so far, with Kafka's reasons.
    pub fn refused_actions(&self) -> &[RefusedAction] {
        &self.refused_actions
    }

    /// How many times a consumer reset a position (for the invariant checker).
    pub fn offset_resets(&self) -> u64 {
        self.offset_resets
    }

    pub fn partitions(&self) -> &[TopicPartition] {
        &self.partitions
    }
    pub fn replication_factor(&self) -> u32 {
        self.replication_factor
    }
    pub fn controller_quorum(&self) -> u32 {
        self.controller_quorum
    }
    pub fn topic_name(&self) -> &str {
        &self.topic_name
    }
    pub fn network(&self) -> &Network {
        &self.network
    }
    /// Events waiting in the queue (a checkpoint holds them all).
    pub fn queued_events(&self) -> usize {
        self.queue.len()
    }
    pub fn events_processed(&self) -> u64 {
        self.events_processed
    }
    /// When and why the run ended, once it has.
    pub fn ended(&self) -> Option<(SimTime, EndReason)> {
        self.ended
    }
    /// The time of the next event that will run, if the run has not ended.
    pub fn next_event_time(&self) -> Option<SimTime> {
        if self.ended.is_some() {
            return None;
        }
        self.queue.peek_time().filter(|t| *t <= self.max_time)
    }

    /// The controller's view of a partition.
    pub fn partition_meta(&self, tp: TopicPartition) -> &PartitionMeta {
        &self.controller.partitions()[&tp]
    }

    /// The replica of `tp` that the controller currently names leader, if the partition is online.
    pub fn leader_replica(&self, tp: TopicPartition) -> Option<&crate::broker::Replica> {
        let leader = self.partition_meta(tp).leader?;
        self.brokers[leader as usize - 1].replica(tp)
    }

    /// The partition's high watermark as its current leader has it (0 while offline).
    pub fn high_watermark(&self, tp: TopicPartition) -> u64 {
        self.leader_replica(tp)
            .map_or(0, |r| r.log.high_watermark())
    }

    /// Takes the trace entries recorded since the last call.
    pub fn take_trace(&mut self) -> Vec<TraceEvent> {
        std::mem::take(&mut self.trace)
    }

    /// Drops the trace entries recorded since the last call (re-simulation for a seek).
    pub fn discard_trace(&mut self) {
        self.trace.clear();
    }

    /// Runs the next event. Returns false when the run has ended.
    pub fn step(&mut self) -> bool {
        let Some(at) = self.next_event_time() else {
            self.end_now();
            return false;
        };
        let (_, event) = self.queue.pop().expect("peeked above");
        self.now = at;
        self.events_processed += 1;
        if let Some(until) = self.stalled_target(&event) {
            // A stalled consumer handles nothing until the pause ends; then everything that
            // reached it, in order.
            self.queue.push(until, event);
            return true;
        }
        let mut out = std::mem::take(&mut self.scratch);
        let actor = match event {
            Event::Start(node) => {
                match node {
                    NodeId::Producer(n) => self.producers[n as usize - 1].on_start(&mut out),
                    NodeId::Consumer(n) => self.consumers[n as usize - 1].on_start(&mut out),
                    NodeId::Broker(n) => self.brokers[n as usize - 1].on_start(&mut out),
                    NodeId::Controller(_) => self.controller.on_start(&mut out),
                }
                Some(node)
            }
            Event::Deliver {
                flight,
                from,
                to,
                to_incarnation,
                message,
            } => {
                if !self.is_up(to) || to_incarnation != self.incarnation(to) {
                    self.record(TraceKind::Undelivered { flight, to });
                    self.scratch = out;
                    return true;
                }
                match to {
                    NodeId::Broker(n) if GroupCoordinators::handles(&message) => {
                        self.groups.on_message(at, n, from, *message, &mut out)
                    }
                    NodeId::Broker(n) => {
                        self.brokers[n as usize - 1].on_message(at, from, *message, &mut out)
                    }
                    NodeId::Controller(_) => {
                        self.controller.on_message(at, from, *message, &mut out)
                    }
                    NodeId::Producer(n) => {
                        self.producers[n as usize - 1].on_message(at, *message, &mut out)
                    }
                    NodeId::Consumer(n) => {
                        self.consumers[n as usize - 1].on_message(at, *message, &mut out)
                    }
                }
                Some(to)
            }
            Event::Timer {
                node,
                incarnation,
                timer,
            } => {
                if !self.is_up(node) || incarnation != self.incarnation(node) {
                    self.scratch = out;
                    return true;
                }
                match node {
                    NodeId::Controller(_) => self.controller.on_timer(at, timer, &mut out),
                    NodeId::Broker(n)
                        if matches!(
                            timer,
                            Timer::MemberSessionExpiry { .. } | Timer::RebalanceDeadline { .. }
                        ) =>
                    {
                        self.groups.on_timer(at, n, timer, &mut out)
                    }
                    NodeId::Broker(n) => self.brokers[n as usize - 1].on_timer(at, timer, &mut out),
                    NodeId::Producer(n) => {
                        self.producers[n as usize - 1].on_timer(at, timer, &mut out)
                    }
                    NodeId::Consumer(n) => {
                        self.consumers[n as usize - 1].on_timer(at, timer, &mut out)
                    }
                }
                Some(node)
            }
            Event::Action(action) => {
                self.pending_actions -= 1;
                // The action first, then what it caused (a refusal, a restart's effects).
                self.record(TraceKind::Action {
                    action: action.clone(),
                });
                self.apply_action(&action);
                None
            }
        };
        if let Some(node) = actor {
            self.apply_effects(node, &mut out);
        }
        self.scratch = out;
        if std::mem::take(&mut self.fencing_changed) {
            self.move_coordinators();
        }
        self.sync_dirty_fates(actor);
        if self.is_settled() {
            self.ended = Some((self.now, EndReason::Settled));
        }
        true
    }

    /// Runs every event up to and including `t`, then stands at `t` (or where the run ended).
    pub fn run_until(&mut self, t: SimTime) {
        while self.next_event_time().is_some_and(|next| next <= t) {
            self.step();
        }
        if self.ended.is_none() && t >= self.max_time {
            self.end_now();
        }
        let stop = self.ended.map_or(t, |(end, _)| end.min(t).max(self.now));
        self.now = self.now.max(stop);
    }

    /// Runs until the scenario settles, the queue runs dry, or the time limit.
    pub fn run_to_end(&mut self) -> (SimTime, EndReason) {
        while self.step() {}
        self.ended
            .expect("step returns false only once the run has ended")
    }

    fn end_now(&mut self) {
        if self.ended.is_some() {
            return;
        }
        self.ended = Some(match self.queue.peek_time() {
            Some(_) => {
                self.now = self.now.max(self.max_time);
                (self.now, EndReason::TimeLimit)
            }
            None => (self.now, EndReason::NothingLeft),
        });
    }

    /// The checker's history, for what the final state cannot tell.
    pub fn history(&self) -> &History {
        &self.history
    }

    fn record(&mut self, what: TraceKind) {
        self.observe(&what);
        self.trace.push(TraceEvent { at: self.now, what });
    }

    /// CreatePartitions through the controller; the trace says which keys now map elsewhere.
    fn create_partitions(&mut self, count: u32) {
        let mut out = std::mem::take(&mut self.scratch);
        let before = self.partitions.len() as u32;
        match self
            .controller
            .create_partitions(count, crate::scenario::MAX_PARTITIONS, &mut out)
        {
            Ok(created) => {
                self.partitions.extend(created);
                let keys = self
                    .producers
                    .iter()
                    .map(|p| p.config().keys)
                    .max()
                    .unwrap_or(0);
                let moved_keys = (0..keys)
                    .filter_map(|k| {
                        let bytes = crate::placement::key_bytes(k);
                        let old = crate::placement::partition_for_key(&bytes, before);
                        let new = crate::placement::partition_for_key(&bytes, count);
                        (old != new).then_some((k, old as u16, new as u16))
                    })
                    .collect();
                self.record(TraceKind::PartitionsCreated {
                    from: before,
                    to: count,
                    moved_keys,
                });
            }
            Err(reason) => {
                self.refused_actions.push(RefusedAction {
                    at_us: self.now.as_micros(),
                    action: Action::CreatePartitions { count },
                    reason: reason.clone(),
                });
                self.record(TraceKind::PartitionChangeRefused {
                    requested: count,
                    reason,
                })
            }
        }
        self.apply_effects(NodeId::Controller(1), &mut out);
        self.scratch = out;
    }

    /// Group coordinators follow the leadership of their `__consumer_offsets` partitions.
    fn move_coordinators(&mut self) {
        let mut outs = crate::group_coordinator::Outs::new();
        let fenced = self.controller.fenced().clone();
        self.groups.broker_fenced(self.now, &fenced, &mut outs);
        self.groups.broker_unfenced(self.now, &fenced, &mut outs);
        for (broker, mut out) in outs {
            if broker == 0 {
                for effect in out.drain() {
                    if let Effect::Trace(what) = effect {
                        self.record(what);
                    }
                }
                continue;
            }
            self.apply_effects(NodeId::Broker(broker), &mut out);
        }
    }

    /// If `event` is for a consumer that is stalled now, when the stall ends.
    fn stalled_target(&self, event: &Event) -> Option<SimTime> {
        let node = match event {
            Event::Deliver { to, .. } => *to,
            Event::Timer { node, .. } => *node,
            _ => return None,
        };
        let NodeId::Consumer(n) = node else {
            return None;
        };
        let until = self.consumer_paused_until[n as usize - 1];
        (until > self.now).then_some(until)
    }

    fn observe(&mut self, what: &TraceKind) {
        self.observe_fates(what);
        match what {
            TraceKind::BrokerFenced { .. } | TraceKind::BrokerUnfenced { .. } => {
                self.fencing_changed = true;
            }
            TraceKind::LeaderElected {
                partition,
                leader,
                unclean,
                ..
            } => match leader {
                Some(leader) => {
                    self.history.partition_online(*partition, self.now);
                    if *unclean {
                        self.unclean_elections.push((*partition, *leader));
                    }
                }
                None => self.history.partition_offline(*partition, self.now),
            },
            _ => {}
        }
    }

    /// An unclean election: which committed records (of the log that counted until now) the new
    /// leader's log lacks. Traced only when there are some, so the election's own event need
    /// not guess.
    fn note_unclean_election_loss(&mut self, tp: TopicPartition, leader: NodeId) {
        let Some(replica) = self.brokers[leader.number() as usize - 1].replica(tp) else {
            return;
        };
        let held: std::collections::BTreeSet<_> = replica.log.records().map(|r| r.id).collect();
        let records: Vec<_> = self
            .fates
            .committed_ids(tp)
            .into_iter()
            .filter(|id| !held.contains(id))
            .collect();
        if !records.is_empty() {
            self.record(TraceKind::CommittedRecordsLost {
                partition: tp,
                leader,
                records,
            });
        }
    }

    /// Feeds the record-fate index from a trace entry.
    fn observe_fates(&mut self, what: &TraceKind) {
        match what {
            TraceKind::RecordCreated {
                record, partition, ..
            } => self.fates.created(*record, *partition),
            TraceKind::Acknowledged {
                base_offset,
                records,
                ..
            } => {
                let view = if base_offset.is_some() {
                    ProducerView::Acknowledged
                } else {
                    ProducerView::Sent
                };
                for r in records {
                    self.fates.producer_view(*r, view);
                }
            }
            TraceKind::ProduceFailed {
                records,
                retrying: false,
                ..
            } => {
                for r in records {
                    self.fates.producer_view(*r, ProducerView::Failed);
                }
            }
            TraceKind::Processed {
                group,
                partition,
                offset,
                record,
                ..
            } => {
                self.sync_fates(*partition);
                self.fates.processed(group, *partition, *offset, *record);
            }
            TraceKind::OffsetCommitted {
                group,
                partition,
                offset,
                ..
            } => {
                self.sync_fates(*partition);
                self.fates.offset_committed(group, *partition, *offset);
            }
            TraceKind::RetentionDeleted {
                broker,
                partition,
                records,
                ..
            } => {
                let leads = self.brokers[broker.number() as usize - 1]
                    .replica(*partition)
                    .is_some_and(|r| r.is_leader());
                if leads {
                    self.fates.expired(records);
                }
                self.fates_dirty.push(*partition);
            }
            TraceKind::Appended { partition, .. }
            | TraceKind::HighWatermark { partition, .. }
            | TraceKind::Truncated { partition, .. }
            | TraceKind::LeaderElected { partition, .. }
            | TraceKind::IsrChanged { partition, .. } => self.fates_dirty.push(*partition),
            TraceKind::ConsumerTruncationDetected { .. } | TraceKind::OffsetReset { .. } => {
                self.offset_resets += 1;
            }
            _ => {}
        }
    }

    /// The log that counts for `tp` now: its leader's (as the controller has it), or while it
    /// is offline, its first in-sync replica's.
    pub fn counted_log(&self, tp: TopicPartition) -> Option<(u32, &crate::log::PartitionLog)> {
        let meta = self.controller.partitions().get(&tp)?;
        let broker = match meta.leader {
            Some(leader) => leader,
            None => *meta.isr.iter().next()?,
        };
        let replica = self.brokers[broker as usize - 1].replica(tp)?;
        Some((broker, &replica.log))
    }

    /// Brings the fate index up to date with the log that counts for `tp`.
    fn sync_fates(&mut self, tp: TopicPartition) {
        let meta = self.controller.partitions().get(&tp);
        let source = meta.and_then(|m| m.leader.or_else(|| m.isr.iter().next().copied()));
        let log = source.and_then(|b| self.brokers[b as usize - 1].replica(tp).map(|r| &r.log));
        self.fates
            .sync_log(tp, source.filter(|_| log.is_some()), log);
    }

    /// After a step: the partitions whose log that counts may have changed, and (when a broker
    /// handled the step) those it holds the log that counts of — a follower's appends are not
    /// traced, and it may be the one that counts while its partition is offline.
    fn sync_dirty_fates(&mut self, actor: Option<NodeId>) {
        for (tp, leader) in std::mem::take(&mut self.unclean_elections) {
            self.note_unclean_election_loss(tp, leader);
        }
        let mut dirty = std::mem::take(&mut self.fates_dirty);
        if let Some(NodeId::Broker(b)) = actor {
            dirty.extend(
                self.partitions
                    .iter()
                    .filter(|tp| self.counted_log(**tp).is_some_and(|(src, _)| src == b)),
            );
        }
        if actor.is_none() || matches!(actor, Some(NodeId::Controller(_))) {
            dirty.extend(self.partitions.iter().copied());
        }
        dirty.sort_unstable();
        dirty.dedup();
        for tp in &dirty {
            self.sync_fates(*tp);
        }
        dirty.clear();
        self.fates_dirty = dirty;
    }

    fn apply_effects(&mut self, node: NodeId, out: &mut Out) {
        for effect in out.drain() {
            match effect {
                Effect::Send { to, message } => {
                    let kind = message.kind();
                    let records = message.record_count();
                    let id = self.next_flight;
                    self.next_flight += 1;
                    let delivery = self.network.route(self.now, node, to, kind, &mut self.rng);
                    let (arrives, lost) = match delivery {
                        Delivery::Arrives(t) => (t, false),
                        Delivery::Lost(t) => (t, true),
                    };
                    self.trace.push(TraceEvent {
                        at: self.now,
                        what: TraceKind::Flight {
                            id,
                            from: node,
                            to,
                            kind,
                            records,
                            arrives,
                            lost,
                        },
                    });
                    if !lost {
                        let to_incarnation = self.incarnation(to);
                        self.queue.push(
                            arrives,
                            Event::Deliver {
                                flight: id,
                                from: node,
                                to,
                                to_incarnation,
                                message: Box::new(message),
                            },
                        );
                    }
                }
                Effect::SetTimer { after, timer } => {
                    let incarnation = self.incarnation(node);
                    self.queue.push(
                        self.now + after,
                        Event::Timer {
                            node,
                            incarnation,
                            timer,
                        },
                    );
                }
                Effect::Trace(what) => self.record(what),
            }
        }
    }

    fn is_up(&self, node: NodeId) -> bool {
        match node {
            NodeId::Broker(n) => self.broker_up[n as usize - 1],
            NodeId::Consumer(n) => self.consumer_up[n as usize - 1],
            _ => true,
        }
    }

    fn incarnation(&self, node: NodeId) -> u32 {
        match node {
            NodeId::Broker(n) => self.incarnations[n as usize - 1],
            NodeId::Consumer(n) => self.consumer_incarnations[n as usize - 1],
            _ => 0,
        }
    }

    fn apply_action(&mut self, action: &Action) {
        match *action {
            Action::CrashBroker { broker } => {
                let i = broker.number() as usize - 1;
                self.broker_up[i] = false;
            }
            Action::RestartBroker { broker } => {
                let i = broker.number() as usize - 1;
                if !self.broker_up[i] {
                    self.broker_up[i] = true;
                    self.incarnations[i] += 1;
                    let mut out = std::mem::take(&mut self.scratch);
                    self.brokers[i].restart(self.now, &mut out);
                    self.apply_effects(broker, &mut out);
                    self.scratch = out;
                }
            }
            Action::KillConsumer { consumer } => {
                self.consumer_up[consumer.number() as usize - 1] = false;
            }
            Action::RestartConsumer { consumer } => {
                let i = consumer.number() as usize - 1;
                if !self.consumer_up[i] {
                    self.consumer_up[i] = true;
                    self.consumer_incarnations[i] += 1;
                    let mut out = std::mem::take(&mut self.scratch);
                    self.consumers[i].restart(&mut out);
                    self.apply_effects(consumer, &mut out);
                    self.scratch = out;
                }
            }
            Action::PauseConsumer { consumer, by_ms } => {
                let i = consumer.number() as usize - 1;
                let until = self.now + SimDuration::from_ms(by_ms);
                self.consumer_paused_until[i] = self.consumer_paused_until[i].max(until);
            }
            Action::CreatePartitions { count } => self.create_partitions(count),
            Action::SlowFollower { broker, by_ms } => {
                self.brokers[broker.number() as usize - 1]
                    .set_fetch_delay(SimDuration::from_ms(by_ms));
            }
            Action::CutLink { from, to, one_way } => {
                self.network.cut(from, to);
                if !one_way {
                    self.network.cut(to, from);
                }
            }
            Action::HealLink { from, to, one_way } => {
                self.network.heal(from, to);
                if !one_way {
                    self.network.heal(to, from);
                }
            }
            Action::DropNext { from, to, kind } => self.network.drop_next(from, to, kind),
            Action::DelayNext {
                from,
                to,
                kind,
                by_ms,
            } => self
                .network
                .delay_next(from, to, kind, SimDuration::from_ms(by_ms)),
        }
    }

    /// Clients done, every online partition's replicas caught up, nothing scripted to come.
    fn is_settled(&self) -> bool {
        self.pending_actions == 0
            && self.producers.iter().all(Producer::is_finished)
            && self.consumers_settled()
            && self
                .partitions
                .iter()
                .all(|tp| self.replication_settled(*tp))
    }

    /// Every running consumer idle at the high watermark of what it owns, none stalled, and every
    /// group stable with exactly its running consumers as members, owning every partition.
    fn consumers_settled(&self) -> bool {
        let live = |c: &&Consumer| self.consumer_up[c.id().number() as usize - 1];
        let consumers_idle = self.consumers.iter().filter(live).all(|c| {
            self.consumer_paused_until[c.id().number() as usize - 1] <= self.now
                && c.is_idle()
                && c.positions()
                    .iter()
                    .all(|(tp, pos)| *pos >= self.high_watermark(*tp))
        });
        consumers_idle
            && self.groups.groups().values().all(|g| {
                let mut running: Vec<_> = self
                    .consumers
                    .iter()
                    .filter(live)
                    .filter(|c| c.group() == g.name)
                    .map(|c| c.member_id())
                    .collect();
                running.sort();
                let members: Vec<_> = g.members.keys().map(|m| Some(*m)).collect();
                if running.is_empty() {
                    return members.is_empty();
                }
                let owned: usize = g.assignment.values().map(Vec::len).sum();
                g.state == crate::group_coordinator::GroupState::Stable
                    && members == running
                    && owned == self.partitions.len()
            })
    }

    /// Every live replica of an online partition holds the leader's log up to its HW, and the
    /// ISR holds every live replica (so the picture will not change any more by itself).
    fn replication_settled(&self, tp: TopicPartition) -> bool {
        let meta = self.partition_meta(tp);
        let Some(leader) = self.leader_replica(tp) else {
            // Offline: settled only if no in-sync replica is running (none can be elected).
            return meta.isr.iter().all(|b| !self.broker_up[*b as usize - 1]);
        };
        let hw = leader.log.high_watermark();
        if hw < leader.log.log_end_offset() {
            return false;
        }
        meta.replicas.iter().all(|b| {
            !self.broker_up[*b as usize - 1]
                || (meta.isr.contains(b)
                    && self.brokers[*b as usize - 1].replica(tp).is_some_and(|r| {
                        r.log.high_watermark() == hw && r.log.log_end_offset() == hw
                    }))
        })
    }
}

/// Names in first-seen order, each once.
fn group_names_in_order<'a>(names: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for n in names {
        if !out.contains(&n) {
            out.push(n);
        }
    }
    out
}
