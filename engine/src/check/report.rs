//! The outcome report: what happened to every record, and the anomalies, named.
//!
//! Like Jepsen's Kafka checker, the report names anomalies from the run's history rather than
//! leaving the viewer to infer them — and it reads them off [`super::fates`], the one index of
//! every record's fate that the page reads too, so the two can never disagree. Each record carries
//! a unique [`crate::ids::RecordId`]. The counts (definitions in [`super::fates`]):
//!
//! - **acknowledged** (acks=1/all) and **sent** (acks=0: never acknowledged, the producer cannot
//!   know) and **failed** (the producer gave up);
//! - **lost write**: acknowledged, then gone from the log that counts;
//! - **not committed at the end**: acknowledged (or sent) and in the log, but not below the high
//!   watermark when the run stopped — *indeterminate*, not lost (a run stopped by
//!   `simulation.max_time_ms` in the middle of replication);
//! - **sent, not in the log**: acks=0 records that never arrived;
//! - **duplicate**: more than one copy in the committed log;
//! - **reordering**: within a partition, a record of a producer lands after a later one of the
//!   same producer (a retried batch overtaken by the next, with several requests in flight);
//! - **committed then truncated**: once below a leader's HW, gone at the end (unclean election);
//! - **unavailable time**: partition-time with no leader;
//! - **expired**: committed records that retention deleted (not a loss of the log; a group that
//!   had not processed them yet has lost them);
//! - **aborted**: records whose transaction was aborted (never visible to `read_committed`), and
//!   records **in an open transaction** at the end; transactions committed and aborted, and
//!   **fenced producers** (a newer instance took their `transactional.id`);
//! - per consumer group: records processed, processed more than once, never processed, in
//!   progress (held by a running member, not processed yet), out of order, **aborted records
//!   read** (Jepsen's aborted read: only a `read_uncommitted` group can), and the lag;
//! - **refused actions**: scripted or live actions the cluster refused, with Kafka's reason.

use crate::check::fates::Fate;
use crate::ids::RecordId;
use crate::sim::{EndReason, RefusedAction, Simulation};
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OutcomeReport {
    pub scenario: String,
    pub seed: u64,
    /// Records the applications handed to `send()`.
    pub produced: u64,
    /// Records whose send the leader acknowledged (acks=1 or all).
    pub acknowledged: u64,
    /// acks=0 records written to the network: *sent*, never acknowledged.
    pub sent: u64,
    /// Records the producer gave up on.
    pub failed: u64,
    /// Distinct records in the committed logs.
    pub committed_in_log: u64,
    /// Extra copies of records in the committed logs (a record written twice counts once here).
    pub duplicates_in_log: u64,
    /// Acknowledged records that the log that counts no longer holds at all.
    pub lost_acknowledged: u64,
    /// Acknowledged or sent records in the log but not below the high watermark when the run
    /// stopped: not committed at the end (indeterminate), not lost.
    pub not_committed_at_end: u64,
    /// acks=0 records that never reached the log.
    pub sent_not_in_log: u64,
    /// Records that landed after a later record of the same producer in the same partition.
    pub reordered: u64,
    /// Records that were committed at some point and are not in the committed log now.
    pub committed_then_truncated: u64,
    /// Partition-time without a leader, in microseconds (summed over partitions).
    pub unavailable_us: u64,
    /// Committed records that retention (`retention.ms`) deleted — expired, not lost.
    pub expired: u64,
    /// Records whose transaction was aborted: in the log, never visible to read_committed.
    pub aborted: u64,
    /// Records below the HW in a transaction still open when the run stopped.
    pub in_open_transaction: u64,
    /// Transactions the producers committed / aborted (`commitTransaction()` returned).
    pub transactions_committed: u64,
    pub transactions_aborted: u64,
    /// Producers fenced by a newer instance with the same `transactional.id`.
    pub fenced_producers: u64,
    pub groups: Vec<GroupOutcome>,
    /// Per consume-transform-produce application (its group): each input record's committed
    /// results in the output topic — exactly once, missing, or more than once.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub processors: Vec<ProcessorOutcome>,
    /// Per database table a consumer application writes: its rows, judged per input record.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tables: Vec<TableOutcome>,
    /// Actions the cluster refused, with Kafka's reason.
    pub refused_actions: Vec<RefusedAction>,
    /// Simulated time at which the run ended (or stood, for a report taken mid-run), in
    /// microseconds.
    pub end_time_us: u64,
    pub end_reason: EndReason,
    /// Events the engine processed.
    pub events: u64,
    /// FNV-1a digest of the whole trace, when the runner computed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace_hash: Option<String>,
    /// Per-record outcomes, when asked for (`kafkascope-sim run --records`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub records: Option<Vec<RecordOutcome>>,
}

/// One consumer group's outcome, over every member it ever had.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GroupOutcome {
    pub group: String,
    /// Distinct records the group processed.
    pub consumed: u64,
    /// Records the group processed more than once (each counted once): **duplicate processing**.
    pub processed_more_than_once: u64,
    /// Records the group never processed though its reach passed them (its committed offset, or
    /// a later record it processed), or that retention deleted first: **lost** for this group.
    /// Records the group could not have reached yet are in `lag` instead.
    pub not_processed: u64,
    /// Records a running member holds (poll() returned them) and has not processed yet — even
    /// when the committed offset has passed them: *not yet processed*, until the member
    /// processes them or is gone (then they are `not_processed`).
    pub in_progress: u64,
    /// Records first processed after a later record of the same partition had been processed.
    pub out_of_order: u64,
    /// Records of aborted transactions the group processed (**aborted read**).
    pub aborted_read: u64,
    /// Records between where the group stands and the high watermarks, summed over partitions
    /// (the consumer lag).
    pub lag: u64,
}

/// One consume-transform-produce application's inputs, by their committed results.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProcessorOutcome {
    pub group: String,
    #[serde(flatten)]
    pub results: crate::check::fates::InputCounts,
}

/// A database table a consumer application writes, judged from its rows (not from the
/// application's settings).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TableOutcome {
    pub table: String,
    /// The group whose application writes it.
    pub group: String,
    /// How that application writes it.
    pub style: WriteStyle,
    /// Rows in the table.
    pub rows: u64,
    /// Rows written for a record that already had one (each extra row counted): **duplicate
    /// rows**.
    pub duplicate_rows: u64,
    /// Requests the database refused (a duplicate key, a stale compare-and-set).
    pub refused_writes: u64,
    /// The input records, by their rows: `exactly_once`, `missing` (committed past, no row),
    /// `more_than_once`, `not_yet`.
    #[serde(flatten)]
    pub inputs: crate::check::fates::InputCounts,
    /// The delivery the application achieved end to end, judged from the rows.
    pub delivery: Delivery,
}

/// How an application writes its table: the story's plain writer and its three fixes (and the
/// fix without its upsert).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WriteStyle {
    /// `INSERT`, then commit the offsets (no unique key).
    Insert,
    /// `INSERT` into a table with a unique key (the second insert is refused).
    InsertUniqueKey,
    /// An upsert on the record's id.
    Upsert,
    /// The row and the partition's next offset in one database transaction.
    OffsetsInDatabase,
    /// A Kafka Connect sink with `insert.mode=insert`.
    ConnectSinkInsert,
    /// A Kafka Connect sink with `insert.mode=upsert` on the record's key.
    ConnectSinkUpsert,
}

impl WriteStyle {
    pub fn name(self) -> &'static str {
        match self {
            WriteStyle::Insert => "insert",
            WriteStyle::InsertUniqueKey => "insert_unique_key",
            WriteStyle::Upsert => "upsert",
            WriteStyle::OffsetsInDatabase => "offsets_in_database",
            WriteStyle::ConnectSinkInsert => "connect_sink_insert",
            WriteStyle::ConnectSinkUpsert => "connect_sink_upsert",
        }
    }
}

/// End-to-end delivery, as the rows show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// Every input has exactly one row.
    ExactlyOnce,
    /// Some input has two rows or more, none is missing.
    AtLeastOnce,
    /// Some input is missing, none has two rows.
    AtMostOnce,
    /// Both: rows missing and rows twice.
    Neither,
    /// Inputs still without a row that the application has not passed: no verdict yet.
    NotYet,
}

impl Delivery {
    pub fn of(c: &crate::check::fates::InputCounts) -> Self {
        match (c.missing > 0, c.more_than_once > 0) {
            (true, true) => Delivery::Neither,
            (true, false) => Delivery::AtMostOnce,
            (false, true) => Delivery::AtLeastOnce,
            (false, false) if c.not_yet > 0 => Delivery::NotYet,
            (false, false) => Delivery::ExactlyOnce,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Delivery::ExactlyOnce => "exactly_once",
            Delivery::AtLeastOnce => "at_least_once",
            Delivery::AtMostOnce => "at_most_once",
            Delivery::Neither => "neither",
            Delivery::NotYet => "not_yet",
        }
    }
}

/// One record's fate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RecordOutcome {
    pub record: String,
    pub partition: u16,
    pub fate: Fate,
    pub acknowledged: bool,
    /// Copies in the committed log.
    pub copies_in_log: u64,
}

impl OutcomeReport {
    /// The report as of the simulation's current time (its end, once it has ended).
    pub fn from_simulation(sim: &Simulation, scenario: &str, seed: u64) -> Self {
        let fates = sim.fates();
        let c = fates.counts();
        let groups = sim
            .group_names()
            .into_iter()
            .map(|name| {
                let g = fates.group_counts(name, &sim.in_progress(name));
                GroupOutcome {
                    group: name.to_string(),
                    consumed: g.consumed,
                    processed_more_than_once: g.processed_more_than_once,
                    not_processed: g.never_processed,
                    in_progress: g.in_progress,
                    out_of_order: g.out_of_order,
                    aborted_read: g.aborted_read,
                    lag: sim.group_lag(name),
                }
            })
            .collect();
        let processors = sim
            .transform_groups()
            .into_iter()
            .map(|group| ProcessorOutcome {
                group: group.to_string(),
                results: sim.transform_counts(group),
            })
            .collect();
        let tables = sim
            .written_tables()
            .into_iter()
            .map(|(table, group)| {
                let mut inputs = crate::check::fates::InputCounts::default();
                for (_, _, _, result) in sim.table_results(&table, &group) {
                    inputs.add(result);
                }
                let rows: u64 = sim
                    .databases()
                    .iter()
                    .filter_map(|d| d.tables().get(&table))
                    .map(|t| t.rows.len() as u64)
                    .sum();
                TableOutcome {
                    style: sim
                        .write_style(&table, &group)
                        .unwrap_or(WriteStyle::Insert),
                    duplicate_rows: sim.duplicate_rows(&table),
                    refused_writes: sim
                        .databases()
                        .iter()
                        .map(|d| d.refused_writes(&table))
                        .sum(),
                    delivery: Delivery::of(&inputs),
                    inputs,
                    rows,
                    table,
                    group,
                }
            })
            .collect();
        let transactional: Vec<_> = sim
            .producers()
            .iter()
            .filter_map(|p| p.transactions())
            .collect();
        let (end, end_reason) = sim.ended().unwrap_or((sim.now(), EndReason::TimeLimit));
        OutcomeReport {
            scenario: scenario.to_string(),
            seed,
            produced: c.produced,
            acknowledged: c.acknowledged,
            sent: c.sent,
            failed: c.failed,
            committed_in_log: c.committed_in_log,
            duplicates_in_log: c.duplicates_in_log,
            lost_acknowledged: c.lost_acknowledged,
            not_committed_at_end: c.not_committed,
            sent_not_in_log: c.sent_not_in_log,
            reordered: c.reordered,
            committed_then_truncated: c.committed_then_truncated,
            unavailable_us: sim.history().unavailable_us(end),
            expired: c.expired,
            aborted: c.aborted,
            in_open_transaction: c.in_open_transaction,
            transactions_committed: transactional.iter().map(|t| u64::from(t.committed)).sum(),
            transactions_aborted: transactional.iter().map(|t| u64::from(t.aborted)).sum(),
            fenced_producers: transactional
                .iter()
                .filter(|t| t.phase == crate::producer::transactions::TxnPhase::Fenced)
                .count() as u64,
            groups,
            processors,
            tables,
            refused_actions: sim.refused_actions().to_vec(),
            end_time_us: end.as_micros(),
            end_reason,
            events: sim.events_processed(),
            trace_hash: None,
            records: None,
        }
    }

    /// Adds the per-record listing.
    pub fn with_records(mut self, sim: &Simulation) -> Self {
        let mut outcomes = Vec::new();
        for p in sim.producers() {
            let producer = p.id().number();
            for (seq, facts) in sim.fates().producer_records(producer).enumerate() {
                let id = RecordId {
                    producer,
                    seq: seq as u32,
                };
                outcomes.push(RecordOutcome {
                    record: id.to_string(),
                    partition: facts.partition.partition,
                    fate: facts.fate(),
                    acknowledged: facts.producer == crate::check::fates::ProducerView::Acknowledged,
                    copies_in_log: u64::from(facts.committed_copies()),
                });
            }
        }
        self.records = Some(outcomes);
        self
    }
}
