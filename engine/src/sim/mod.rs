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

mod actors;
mod faults;
mod observe;
pub mod processes;
mod settle;
mod step;
mod tables;

pub use processes::{Process, Processes};

use crate::action::Action;
use crate::app::consumer_process::ConsumerProcess;
use crate::broker::{Broker, BrokerConfig, TopicSettings};
use crate::check::fates::{ProducerView, RecordFates};
use crate::check::history::History;
use crate::consumer::Consumer;
use crate::controller::Controller;
use crate::effect::{Effect, Out, Timer};
use crate::group_coordinator::GroupCoordinators;
use crate::ids::{NodeId, RecordId, TopicPartition};
use crate::message::Message;
use crate::metadata::{assign_replicas, PartitionMeta};
use crate::network::{Delivery, Network};
use crate::ordered::CollectByInsert;
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
        flight: u32,
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
    /// A call between the two clients of one process, handled at the time it was made.
    Call {
        to: NodeId,
        to_incarnation: u32,
        call: Box<crate::effect::LocalCall>,
    },
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
    /// Every node's process: running or not, incarnation, stalled until when.
    processes: Processes,
    producers: Vec<Producer>,
    consumers: Vec<ConsumerProcess>,
    /// The database outside Kafka, if the scenario has one (`database-1`).
    databases: Vec<crate::database::Database>,
    groups: GroupCoordinators,
    txns: crate::coordinator::txn::TxnCoordinators,
    /// The controller fenced or unfenced a broker during this step: coordinators may move.
    fencing_changed: bool,
    /// Processes with two clients (a consume-transform-produce application's consumer and its
    /// producer): crashed, restarted and paused together.
    two_client_processes: Vec<(NodeId, NodeId)>,
    partitions: Vec<TopicPartition>,
    /// Topic names, by topic index.
    topic_names: Vec<String>,
    replication_factor: u32,
    /// The KRaft quorum's size (drawn; the active controller's decisions are simulated).
    controller_quorum: u32,
    events_processed: u64,
    next_flight: u32,
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
        let topics = scenario.topic_configs();
        // Kafka places each topic's replicas from its own start index; here topic `t` starts `t`
        // brokers further on (deterministic, and topic 0 as a one-topic scenario always had).
        let metas: Vec<PartitionMeta> = topics
            .iter()
            .enumerate()
            .flat_map(|(ti, t)| {
                (0..t.partitions).map(move |p| {
                    let replicas = assign_replicas(p + ti as u32, brokers_n, t.replication_factor);
                    PartitionMeta {
                        partition: TopicPartition {
                            topic: ti as u16,
                            partition: p as u16,
                        },
                        leader: Some(replicas[0]),
                        leader_epoch: 0,
                        partition_epoch: 0,
                        isr: replicas.iter().copied().collect_by_insert(),
                        replicas,
                    }
                })
            })
            .collect();
        let partitions: Vec<TopicPartition> = metas.iter().map(|m| m.partition).collect();
        let cluster = &scenario.cluster;
        let broker_config = BrokerConfig {
            replica_lag_time_max: SimDuration::from_ms(cluster.replica_lag_time_max_ms),
            topics: topics
                .iter()
                .map(|t| TopicSettings {
                    min_insync_replicas: t.min_insync_replicas,
                    replication_factor: t.replication_factor,
                    retention: SimDuration::from_ms(t.retention_ms),
                })
                .collect(),
            heartbeat_interval: SimDuration::from_ms(cluster.broker_heartbeat_interval_ms),
            replica_fetch_wait_max_ms: cluster.replica_fetch_wait_max_ms,
            replica_fetch_max_records: 500,
            retention_check_interval: SimDuration::from_ms(cluster.log_retention_check_interval_ms),
        };
        let brokers = (1..=brokers_n)
            .map(|b| Broker::new(NodeId::Broker(b), broker_config.clone(), &metas))
            .collect();
        let controller = Controller::new(
            brokers_n,
            metas.clone(),
            SimDuration::from_ms(cluster.broker_session_timeout_ms),
            topics
                .iter()
                .map(|t| t.unclean_leader_election_enable)
                .collect(),
        );
        let two_client_processes = scenario.processes_with_two_clients();
        let all_producers = scenario.all_producers();
        let producers = all_producers
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let id = NodeId::Producer(i as u32 + 1);
                let producer =
                    Producer::new(id, c.clone(), scenario.producer_topic(c), &metas, brokers_n);
                match two_client_processes.iter().find(|(_, p)| *p == id) {
                    Some(&(application, _)) => producer.driven_by(application),
                    None => producer,
                }
            })
            .collect::<Vec<_>>();
        let consumers = scenario
            .consumers
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let client = Consumer::new(
                    NodeId::Consumer(i as u32 + 1),
                    c.clone(),
                    scenario.consumer_topics(c),
                    &metas,
                    brokers_n,
                );
                let id = NodeId::Consumer(i as u32 + 1);
                let producer = two_client_processes
                    .iter()
                    .find(|(consumer, _)| *consumer == id)
                    .map(|&(_, p)| p);
                ConsumerProcess::new(client, c, producer)
            })
            .collect::<Vec<_>>();
        let groups = GroupCoordinators::new(
            scenario.consumers.iter().map(|c| c.group_id.as_str()),
            brokers_n,
            SimDuration::from_ms(cluster.group_initial_rebalance_delay_ms),
        );
        let txns = crate::coordinator::txn::TxnCoordinators::new(
            all_producers
                .iter()
                .filter_map(|p| p.transactional_id.as_deref()),
            brokers_n,
        );
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
            processes: Processes::new(scenario.nodes()),
            producers,
            consumers,
            databases: scenario
                .database
                .iter()
                .map(|d| crate::database::Database::new(NodeId::Database(1), d))
                .collect(),
            groups,
            txns,
            fencing_changed: false,
            two_client_processes,
            partitions,
            topic_names: topics.iter().map(|t| t.name.clone()).collect(),
            replication_factor: topics
                .iter()
                .map(|t| t.replication_factor)
                .max()
                .unwrap_or(1),
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
                all_producers.len(),
                group_names_in_order(scenario.consumers.iter().map(|c| c.group_id.as_str()))
                    .into_iter()
                    .map(|g| (g.to_string(), group_topics(scenario, g)))
                    .collect(),
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
        for node in scenario.nodes() {
            sim.queue.push(SimTime::ZERO, Event::Start(node));
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
        self.processes.is_up(NodeId::Broker(n))
    }
    /// Every node's process (running, incarnation, stalled).
    pub fn processes(&self) -> &Processes {
        &self.processes
    }
    /// Whether `node` is running.
    pub fn is_running(&self, node: NodeId) -> bool {
        self.processes.is_up(node)
    }
    /// Until when `node` is stalled, if it is now.
    pub fn paused_until(&self, node: NodeId) -> Option<SimTime> {
        self.processes.paused_until(node, self.now)
    }
    pub fn producers(&self) -> &[Producer] {
        &self.producers
    }
    /// The consumer clients (membership, positions, commits).
    pub fn consumers(&self) -> impl ExactSizeIterator<Item = &Consumer> + '_ {
        self.consumers.iter().map(ConsumerProcess::client)
    }
    /// The consumer processes: each client with the application that drives it.
    pub fn consumer_processes(&self) -> &[ConsumerProcess] {
        &self.consumers
    }
    /// Whether consumer `n` (1-based) is running (not killed).
    pub fn consumer_is_up(&self, n: u32) -> bool {
        self.processes.is_up(NodeId::Consumer(n))
    }
    /// Until when consumer `n` (1-based) is stalled, if it is at the current time.
    pub fn consumer_paused_until(&self, n: u32) -> Option<SimTime> {
        self.paused_until(NodeId::Consumer(n))
    }
    /// The group coordinators' state (membership, generations, committed offsets).
    /// Every transactional id's coordinator state.
    pub fn transactions(&self) -> &crate::coordinator::txn::TxnCoordinators {
        &self.txns
    }

    pub fn groups(&self) -> &GroupCoordinators {
        &self.groups
    }

    /// The records `group`'s running members hold (poll() returned them) and have not processed
    /// yet: not yet processed, whatever the committed offset says (see
    /// [`crate::check::fates`]). A B-tree, not a [`crate::flat::FlatSet`]: a slow worker's queue
    /// grows with the run, and records from several producers arrive out of key order.
    pub fn in_progress(&self, group: &str) -> std::collections::BTreeSet<RecordId> {
        self.consumers
            .iter()
            .filter(|c| c.client().group() == group && self.processes.is_up(c.id()))
            .flat_map(|c| c.app().queued())
            .collect_by_insert()
    }

    /// The consumer groups, in the order their first member appears in the scenario.
    pub fn group_names(&self) -> Vec<&str> {
        group_names_in_order(self.consumers().map(Consumer::group))
    }

    /// A group's lag now, summed over partitions: the high watermark of the log that counts
    /// (see [`crate::check::fates`]) minus where the group stands — its committed offset, else
    /// the owning member's position (where `auto.offset.reset` put it), else the log start.
    pub fn group_lag(&self, group: &str) -> u64 {
        let offsets = self.groups.group(group).map(|g| &g.offsets);
        let topics = self.group_topics(group);
        self.partitions
            .iter()
            .filter(|tp| topics.contains(&tp.topic))
            .filter_map(|tp| {
                let (log_start, hw) = self.fates.counted_log_bounds(*tp)?;
                let stands_at = offsets
                    .and_then(|o| o.get(tp).copied())
                    .or_else(|| {
                        self.consumers()
                            .filter(|c| c.group() == group)
                            .filter_map(|c| c.positions().get(tp).copied())
                            .max()
                    })
                    .unwrap_or(log_start);
                Some(hw.saturating_sub(stands_at))
            })
            .sum()
    }

    /// The topics `group`'s members subscribe to (by index).
    pub fn group_topics(&self, group: &str) -> Vec<u16> {
        distinct_topics(
            self.consumers()
                .filter(|c| c.group() == group)
                .flat_map(|c| c.topics().iter().copied()),
        )
    }

    /// The groups whose members are consume-transform-produce applications, in order.
    pub fn transform_groups(&self) -> Vec<&str> {
        group_names_in_order(
            self.consumers
                .iter()
                .filter(|c| {
                    matches!(
                        c.app(),
                        crate::app::consumer_process::Application::Transform(_)
                    )
                })
                .map(|c| c.client().group()),
        )
    }

    /// What became of each input record of the consume-transform-produce application `group`
    /// (see [`RecordFates::transform_results`]).
    pub fn transform_results(&self, group: &str) -> Vec<crate::check::fates::JudgedInput> {
        let members: Vec<NodeId> = self
            .consumers()
            .filter(|c| c.group() == group)
            .map(Consumer::id)
            .collect();
        let outputs = self
            .producers
            .iter()
            .filter(|p| p.application().is_some_and(|a| members.contains(&a)))
            .flat_map(|p| {
                let producer = p.id().number();
                p.sources().iter().enumerate().map(move |(seq, source)| {
                    (
                        RecordId {
                            producer,
                            seq: seq as u32,
                        },
                        *source,
                    )
                })
            });
        let empty = crate::flat::FlatMap::new();
        let committed = self.groups.group(group).map_or(&empty, |g| &g.offsets);
        self.fates
            .transform_results(&self.group_topics(group), outputs, committed)
    }

    /// The counts of [`Simulation::transform_results`].
    pub fn transform_counts(&self, group: &str) -> crate::check::fates::InputCounts {
        let mut c = crate::check::fates::InputCounts::default();
        for (_, _, _, result) in self.transform_results(group) {
            c.add(result);
        }
        c
    }

    /// The database outside Kafka (none, or `database-1`).
    pub fn databases(&self) -> &[crate::database::Database] {
        &self.databases
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
    /// The first topic's name.
    pub fn topic_name(&self) -> &str {
        &self.topic_names[0]
    }
    /// Every topic's name, by topic index.
    pub fn topic_names(&self) -> &[String] {
        &self.topic_names
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

    /// The checker's history, for what the final state cannot tell.
    pub fn history(&self) -> &History {
        &self.history
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

/// The topics a group's members subscribe to (by index).
fn group_topics(scenario: &Scenario, group: &str) -> Vec<u16> {
    distinct_topics(
        scenario
            .consumers
            .iter()
            .filter(|c| c.group_id == group)
            .flat_map(|c| scenario.consumer_topics(c)),
    )
}

/// Each topic of `topics` once, in ascending order.
fn distinct_topics(topics: impl Iterator<Item = u16>) -> Vec<u16> {
    let mut topics: Vec<u16> = topics.collect();
    crate::ordered::sort_stable(&mut topics);
    topics.dedup();
    topics
}
