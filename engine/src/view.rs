//! The read-only view the page draws: plain data, built from the world at one instant.
//!
//! The app reads the engine through this view, the trace, the timeline and the outcome report —
//! never through the actors' internals — so an engine refactor never ripples into the page, and
//! the page never decides a protocol outcome: a record's mark (acknowledged, lost, sent, failed),
//! a group's never-processed records and its lag, a processed record's "twice" all come from the
//! one index of record fates ([`crate::check::fates`]) that the outcome report reads too.
//!
//! What the view holds: the controller quorum; each producer with its newest records and their
//! marks; each broker (running, fenced) with one row per partition replica — its role, leader
//! epoch, ISR, log start, high watermark, log end offset, the newest log cells with their fates,
//! and each group's committed offset and owner position on the leader's row; each consumer group
//! with its state, generation, coordinator, lag and never-processed records; each consumer with
//! its phase, membership, partitions, auto-commit progress and recent processed records; the cut
//! links; and the counters (the outcome report at this instant). With transactions: each
//! transactional producer's id, epoch and where its transaction stands; each transaction
//! coordinator's ids with their state; each log cell's transaction (open, committed, aborted, or
//! a COMMIT/ABORT marker) as that replica's log has it; and each leader's last stable offset.

use crate::app::consumer_process::ConsumerProcess;
use crate::check::fates::{Fate, ProducerView as FateProducerView};
pub use crate::coordinator::txn::TxnState;
use crate::group_coordinator::GroupState;
use crate::ids::{NodeId, RecordId, TopicPartition};
use crate::message::Acks;
pub use crate::producer::transactions::TxnPhase;
use crate::producer::RecordState;
use crate::report::OutcomeReport;
use crate::sim::Simulation;
use crate::time::SimTime;

pub use crate::consumer::{ConsumerPhase, MembershipState};

/// How much of each log the view copies out (the page shows a window, not the whole log).
#[derive(Clone, Copy, Debug)]
pub struct ViewOptions {
    /// The newest cells per replica.
    pub cells_per_replica: usize,
    /// The newest records per producer.
    pub records_per_producer: usize,
    /// The newest processed records per consumer.
    pub processed_per_consumer: usize,
    /// Never-processed records listed per group.
    pub never_processed_per_group: usize,
}

impl Default for ViewOptions {
    fn default() -> Self {
        ViewOptions {
            cells_per_replica: 10,
            records_per_producer: 12,
            processed_per_consumer: 7,
            never_processed_per_group: 6,
        }
    }
}

/// How a producer's record is marked on its strip.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordMark {
    Queued,
    InFlight,
    Acknowledged,
    /// acks=0: sent, never acknowledged.
    Sent,
    /// Acknowledged, then gone from the log that counts: a lost write.
    AcknowledgedButLost,
    /// acks=0, sent, and never reached the log.
    SentNotInLog,
    /// The producer gave up on it.
    Failed,
    /// Its transaction was aborted: in the log, never visible to read_committed.
    Aborted,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ProducerNode {
    pub node: NodeId,
    /// Running (not crashed).
    pub up: bool,
    /// Stalled until this time.
    pub paused_until: Option<SimTime>,
    pub created: u32,
    pub acknowledged: u32,
    pub sent: u32,
    pub total: u32,
    pub acks: Acks,
    /// The idempotent producer's id and epoch, once assigned (`None` without idempotence).
    pub producer_id: Option<(i64, i16)>,
    /// The newest records, oldest first.
    pub records: Vec<(RecordId, RecordMark)>,
    /// A transactional producer's side of its transactions.
    pub transactional: Option<ProducerTxnView>,
    /// The consume-transform-produce process it belongs to (its consumer node), if any.
    pub application: Option<NodeId>,
}

/// Where a transactional producer stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProducerTxnView {
    pub transactional_id: String,
    pub phase: TxnPhase,
    /// The current transaction's number (from 0) and how many records it holds so far.
    pub number: u32,
    pub records: u32,
    pub committed: u32,
    pub aborted: u32,
}

/// A transactional id as its coordinator has it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TxnNode {
    pub transactional_id: String,
    pub coordinator: Option<NodeId>,
    pub producer_id: i64,
    pub producer_epoch: i16,
    pub state: TxnState,
    /// The partitions in the current (or last) transaction.
    pub partitions: Vec<TopicPartition>,
}

/// The database outside Kafka, as the page draws it: its tables and their rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DatabaseNode {
    pub node: NodeId,
    pub up: bool,
    pub tables: Vec<TableView>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableView {
    pub name: String,
    pub unique_key: bool,
    /// A writer keeps its partitions' offsets here (one row per partition).
    pub holds_offsets: bool,
    /// Its rows in the order they were written.
    pub rows: Vec<RowView>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowView {
    pub key: String,
    pub value: String,
    pub record: Option<RecordId>,
    /// The consumer process that wrote it, and which instance of it.
    pub writer: NodeId,
    pub incarnation: u32,
    /// A row for a record an earlier row of this table was already written for.
    pub duplicate: bool,
}

/// A log cell's transaction, as that replica's log has it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellTxn {
    /// A transactional record whose transaction has no marker in this log yet.
    Open,
    Committed,
    Aborted,
    CommitMarker,
    AbortMarker,
}

impl CellTxn {
    /// How claims and the page's data attributes name a cell's transaction (`plain` for a cell
    /// outside any).
    pub fn name(txn: Option<CellTxn>) -> &'static str {
        match txn {
            None => "plain",
            Some(CellTxn::Open) => "open",
            Some(CellTxn::Committed) => "committed",
            Some(CellTxn::Aborted) => "aborted",
            Some(CellTxn::CommitMarker) => "commit_marker",
            Some(CellTxn::AbortMarker) => "abort_marker",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplicaRole {
    Leader,
    Follower,
    Offline,
    Unknown,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    pub offset: u64,
    pub record: RecordId,
    pub leader_epoch: u32,
    /// Below this replica's high watermark.
    pub committed: bool,
    /// The record's fate by the one definition.
    pub fate: Option<Fate>,
    /// Its transaction (`None`: not a transactional record).
    pub txn: Option<CellTxn>,
}

/// Which of a group's offsets a marker shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkerKind {
    /// The committed offset (the next offset a new owner would read).
    Committed,
    /// The owning member's position (the next offset poll() returns).
    Position,
}

#[derive(Clone, Debug, PartialEq)]
pub struct GroupMarker {
    pub group_index: usize,
    pub kind: MarkerKind,
    pub offset: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ReplicaRow {
    pub partition: TopicPartition,
    pub role: ReplicaRole,
    pub leader_epoch: u32,
    /// For a leader: its view of the ISR.
    pub isr: Vec<u32>,
    pub log_start_offset: u64,
    pub high_watermark: u64,
    pub log_end_offset: u64,
    /// What read_committed consumers may read up to (the HW when no transaction is open).
    pub last_stable_offset: u64,
    /// The newest cells, oldest first.
    pub cells: Vec<Cell>,
    /// On the leader's row: each group's committed offset and owner position.
    pub markers: Vec<GroupMarker>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct BrokerNode {
    pub node: NodeId,
    pub up: bool,
    pub fenced: bool,
    pub rows: Vec<ReplicaRow>,
}

/// A group as its coordinator has it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupStatus {
    Empty,
    /// Stopped for a rebalance (PreparingRebalance or CompletingRebalance).
    Rebalancing,
    Stable,
}

#[derive(Clone, Debug, PartialEq)]
pub struct GroupNode {
    pub name: String,
    pub status: GroupStatus,
    pub generation: u32,
    pub coordinator: Option<NodeId>,
    pub lag: u64,
    /// Records the group never processed (the first few), and how many in all.
    pub never_processed: Vec<RecordId>,
    pub never_processed_count: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ConsumerNode {
    pub node: NodeId,
    pub group: String,
    pub group_index: usize,
    pub up: bool,
    /// Stalled (a GC pause) until this time.
    pub paused_until: Option<SimTime>,
    pub phase: ConsumerPhase,
    pub membership: MembershipState,
    /// (join number, generation) once it is a member.
    pub member: Option<(u32, Option<u32>)>,
    pub partitions: Vec<TopicPartition>,
    /// A stable member that owns nothing (more members than partitions).
    pub idle: bool,
    /// How far the auto-commit interval has run (0..1), when auto-commit is on.
    pub auto_commit: Option<f64>,
    /// Records poll() returned that are not processed yet.
    pub waiting: usize,
    pub processed: usize,
    /// The newest processed records, oldest first, with whether the group processed each more
    /// than once.
    pub recent: Vec<(RecordId, bool)>,
    /// `isolation.level=read_committed`.
    pub read_committed: bool,
    /// A consume-transform-produce application: the topic its results go to.
    pub transform_output: Option<String>,
    /// A Kafka Connect sink task: its connector, worker, table and offset flushes.
    pub sink: Option<SinkTaskView>,
}

/// A Kafka Connect sink task as drawn: which connector and worker, where it writes, and its
/// offset flush (`offset.flush.interval.ms`).
#[derive(Clone, Debug, PartialEq)]
pub struct SinkTaskView {
    pub connector: String,
    pub worker: u32,
    pub table: String,
    /// `insert.mode`.
    pub insert_mode: &'static str,
    /// How far the flush interval has run (0..1), once the task has polled.
    pub flush_progress: Option<f64>,
    /// When the running instance last committed its offsets.
    pub last_flush: Option<SimTime>,
}

/// The world at one instant, for drawing.
#[derive(Clone, Debug, PartialEq)]
pub struct WorldView {
    pub now: SimTime,
    pub controller_quorum: u32,
    /// The first topic's name.
    pub topic: String,
    /// Every topic's name, by topic index.
    pub topics: Vec<String>,
    /// The first topic's partition count (what the page's partition control changes).
    pub partition_count: u32,
    pub replication_factor: u32,
    pub producers: Vec<ProducerNode>,
    pub brokers: Vec<BrokerNode>,
    pub groups: Vec<GroupNode>,
    pub consumers: Vec<ConsumerNode>,
    /// Every transactional id, as its coordinator has it.
    pub transactions: Vec<TxnNode>,
    /// The database outside Kafka (none, or one).
    pub databases: Vec<DatabaseNode>,
    /// Links cut in at least one direction.
    pub cut_links: Vec<(NodeId, NodeId)>,
    /// The outcome report at this instant: the page's counters.
    pub report: OutcomeReport,
}

impl WorldView {
    /// How the page names a partition: `P0` when the scenario has one topic, `orders-0` (Kafka's
    /// own spelling) when it has several.
    pub fn partition_label(&self, tp: TopicPartition) -> String {
        if tp.is_consumer_offsets() {
            format!("__consumer_offsets-{}", tp.partition)
        } else if self.topics.len() > 1 {
            let name = self
                .topics
                .get(usize::from(tp.topic))
                .map_or("?", String::as_str);
            format!("{name}-{}", tp.partition)
        } else {
            format!("P{}", tp.partition)
        }
    }

    pub fn of(world: &Simulation, options: &ViewOptions) -> WorldView {
        let names = world.group_names();
        let fates = world.fates();
        let producers = world
            .producers()
            .iter()
            .map(|p| {
                let number = p.id().number();
                let states = p.record_states();
                let records = fates
                    .newest_records(number, options.records_per_producer)
                    .into_iter()
                    .map(|(seq, facts)| {
                        let id = RecordId {
                            producer: number,
                            seq,
                        };
                        let mark = match (facts.fate(), facts.producer) {
                            (Fate::Lost, _) => RecordMark::AcknowledgedButLost,
                            (Fate::SentNotInLog, _) => RecordMark::SentNotInLog,
                            (Fate::Aborted, _) => RecordMark::Aborted,
                            (_, FateProducerView::Acknowledged) => RecordMark::Acknowledged,
                            (_, FateProducerView::Sent) => RecordMark::Sent,
                            (_, FateProducerView::Failed) => RecordMark::Failed,
                            (_, FateProducerView::Pending) => match states.get(seq as usize) {
                                Some((RecordState::InFlight, _)) => RecordMark::InFlight,
                                _ => RecordMark::Queued,
                            },
                        };
                        (id, mark)
                    })
                    .collect();
                ProducerNode {
                    node: p.id(),
                    up: world.is_running(p.id()),
                    paused_until: world.paused_until(p.id()),
                    created: p.created(),
                    acknowledged: p.acknowledged(),
                    sent: p.sent_unacknowledged(),
                    total: p.config().records,
                    acks: p.config().acks,
                    producer_id: p.producer_id(),
                    application: p.application(),
                    records,
                    transactional: p.transactions().map(|t| ProducerTxnView {
                        transactional_id: t.transactional_id.clone(),
                        phase: t.phase,
                        number: t.number,
                        records: t.records.len() as u32,
                        committed: t.committed,
                        aborted: t.aborted,
                    }),
                }
            })
            .collect();

        let fenced = world.controller().fenced();
        let brokers = world
            .brokers()
            .iter()
            .map(|b| BrokerNode {
                node: b.id(),
                up: world.broker_is_up(b.id().number()),
                fenced: fenced.contains(&b.id().number()),
                rows: b
                    .replicas()
                    .iter()
                    .map(|(tp, r)| replica_row(world, &names, *tp, r, options))
                    .collect(),
            })
            .collect();

        let groups = names
            .iter()
            .map(|name| {
                let coordinator_view = world.groups().group(name);
                let (status, generation, coordinator) = match coordinator_view {
                    Some(g) => (
                        match g.state {
                            GroupState::Empty => GroupStatus::Empty,
                            GroupState::Stable => GroupStatus::Stable,
                            _ => GroupStatus::Rebalancing,
                        },
                        g.generation,
                        g.coordinator.map(NodeId::Broker),
                    ),
                    None => (GroupStatus::Empty, 0, None),
                };
                let never = fates.never_processed(name, &world.in_progress(name));
                GroupNode {
                    name: name.to_string(),
                    status,
                    generation,
                    coordinator,
                    lag: world.group_lag(name),
                    never_processed_count: never.len() as u64,
                    never_processed: never
                        .into_iter()
                        .take(options.never_processed_per_group)
                        .collect(),
                }
            })
            .collect();

        let consumers = world
            .consumer_processes()
            .iter()
            .map(|c| consumer_node(world, &names, c, options))
            .collect();

        WorldView {
            now: world.now(),
            controller_quorum: world.controller_quorum(),
            topic: world.topic_name().to_string(),
            topics: world.topic_names().to_vec(),
            partition_count: world.partitions().iter().filter(|tp| tp.topic == 0).count() as u32,
            replication_factor: world.replication_factor(),
            producers,
            brokers,
            groups,
            consumers,
            transactions: world
                .transactions()
                .transactions()
                .values()
                .map(|t| TxnNode {
                    transactional_id: t.transactional_id.clone(),
                    coordinator: t.coordinator.map(NodeId::Broker),
                    producer_id: t.producer_id,
                    producer_epoch: t.producer_epoch,
                    state: t.state,
                    partitions: t.partitions.iter().copied().collect(),
                })
                .collect(),
            databases: world
                .databases()
                .iter()
                .map(|d| DatabaseNode {
                    node: d.id(),
                    up: world.is_running(d.id()),
                    tables: {
                        let offsets_tables = world.offsets_tables();
                        let mut tables: Vec<TableView> = d
                            .tables()
                            .values()
                            .map(|t| TableView {
                                name: t.name.clone(),
                                unique_key: t.unique_key,
                                holds_offsets: offsets_tables.contains(&t.name.as_str()),
                                rows: t
                                    .rows_marked()
                                    .map(|(r, duplicate)| RowView {
                                        key: r.row.key.clone(),
                                        value: r.row.value.clone(),
                                        record: r.row.record,
                                        writer: r.row.writer.node,
                                        incarnation: r.row.writer.incarnation,
                                        duplicate,
                                    })
                                    .collect(),
                            })
                            .collect();
                        // The tables of rows first, the offsets after them.
                        crate::ordered::sort_stable_by_key(&mut tables, |t| t.holds_offsets);
                        tables
                    },
                })
                .collect(),
            cut_links: world.network().cut_links(),
            report: OutcomeReport::from_simulation(world, "", 0),
        }
    }
}

fn replica_row(
    world: &Simulation,
    names: &[&str],
    tp: TopicPartition,
    replica: &crate::broker::Replica,
    options: &ViewOptions,
) -> ReplicaRow {
    use crate::broker::Role;
    let log = &replica.log;
    let (role, leader_epoch, isr) = match &replica.role {
        Role::Leader(s) => (
            ReplicaRole::Leader,
            s.leader_epoch,
            s.isr.iter().copied().collect(),
        ),
        Role::Follower { leader_epoch, .. } => (ReplicaRole::Follower, *leader_epoch, Vec::new()),
        Role::Offline => (ReplicaRole::Offline, 0, Vec::new()),
        Role::Unknown => (ReplicaRole::Unknown, 0, Vec::new()),
    };
    let cells = log
        .newest(options.cells_per_replica)
        .map(|r| Cell {
            offset: r.offset,
            record: r.id,
            leader_epoch: r.leader_epoch,
            committed: r.offset < log.high_watermark(),
            fate: world.fates().fate(r.id),
            txn: cell_txn(log, r.offset),
        })
        .collect();
    let markers = if role == ReplicaRole::Leader {
        names
            .iter()
            .enumerate()
            .flat_map(|(gi, name)| {
                let committed = world
                    .groups()
                    .group(name)
                    .and_then(|g| g.offsets.get(&tp).copied());
                let position = world
                    .consumers()
                    .filter(|c| c.group() == *name && world.consumer_is_up(c.id().number()))
                    .find(|c| c.assignment().contains(&tp))
                    .and_then(|c| c.positions().get(&tp).copied());
                let marker = move |kind, offset| GroupMarker {
                    group_index: gi,
                    kind,
                    offset,
                };
                [
                    committed.map(|o| marker(MarkerKind::Committed, o)),
                    position.map(|o| marker(MarkerKind::Position, o)),
                ]
            })
            .flatten()
            .collect()
    } else {
        Vec::new()
    };
    ReplicaRow {
        partition: tp,
        role,
        leader_epoch,
        isr,
        log_start_offset: log.log_start_offset(),
        high_watermark: log.high_watermark(),
        log_end_offset: log.log_end_offset(),
        last_stable_offset: log.last_stable_offset(),
        cells,
        markers,
    }
}

/// The transaction of the record at `offset`, as this replica's log has it: its marker's kind, or
/// (for a transactional record) whether its producer's marker after it aborted or committed it,
/// or none is there yet.
fn cell_txn(log: &crate::log::PartitionLog, offset: u64) -> Option<CellTxn> {
    use crate::log::ControlType;
    let batch = log.batch_of(offset)?;
    match batch.control {
        Some(ControlType::Commit) => return Some(CellTxn::CommitMarker),
        Some(ControlType::Abort) => return Some(CellTxn::AbortMarker),
        None if !batch.producer.transactional => return None,
        None => {}
    }
    let pid = batch.producer.producer_id;
    let index = log.transactions();
    if index
        .ongoing()
        .any(|(p, first)| p == pid && first <= offset)
    {
        return Some(CellTxn::Open);
    }
    let aborted = index.aborted();
    let from = aborted.partition_point(|a| a.last_offset < offset);
    let was_aborted = aborted[from..]
        .iter()
        .any(|a| a.producer_id == pid && a.first_offset <= offset);
    Some(if was_aborted {
        CellTxn::Aborted
    } else {
        CellTxn::Committed
    })
}

fn consumer_node(
    world: &Simulation,
    names: &[&str],
    process: &ConsumerProcess,
    options: &ViewOptions,
) -> ConsumerNode {
    let c = process.client();
    let n = c.id().number();
    let fates = world.fates();
    let processed = process.app().processed();
    let recent = processed
        .range(
            processed
                .len()
                .saturating_sub(options.processed_per_consumer),
            processed.len(),
        )
        .map(|p| (p.record, fates.times_processed(c.group(), p.record) > 1))
        .collect();
    let auto_commit = c.next_auto_commit().map(|next| {
        let interval = c.config().auto_commit_interval_ms as f64 * 1000.0;
        let left = next.0.saturating_sub(world.now().0) as f64;
        (1.0 - left / interval).clamp(0.0, 1.0)
    });
    ConsumerNode {
        node: c.id(),
        group: c.group().to_string(),
        group_index: names.iter().position(|g| *g == c.group()).unwrap_or(0),
        up: world.consumer_is_up(n),
        paused_until: world.consumer_paused_until(n),
        phase: c.phase(),
        membership: c.membership(),
        member: c.member_id().map(|m| (m.join, c.generation())),
        partitions: c.assignment().to_vec(),
        idle: c.membership() == MembershipState::Stable && c.assignment().is_empty(),
        auto_commit,
        waiting: process.app().unprocessed(),
        processed: processed.len(),
        recent,
        read_committed: c.config().isolation_level
            == crate::scenario::IsolationLevel::ReadCommitted,
        transform_output: c.config().transform.as_ref().map(|t| t.output.clone()),
        sink: match process.app() {
            crate::app::consumer_process::Application::SinkTask(task) => Some(SinkTaskView {
                connector: task.config().connector.clone(),
                worker: task.config().worker,
                table: task.table().to_string(),
                insert_mode: task.config().insert_mode.name(),
                flush_progress: task.flush_progress(world.now()),
                last_flush: task.last_flush(),
            }),
            _ => None,
        },
    }
}
