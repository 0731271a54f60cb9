//! What happened just before the shown instant: records a replica truncated recently (drawn as
//! fading ghost cells, so a reader sees a leader-epoch truncation — KIP-101 — happen), batches a
//! leader recognised as resends (idempotent producer), and the notable trace entries the event list names (elections, ISR changes, rebalances, faults).
//! Each frame scans only a bounded window of the trace.

use kafkascope_engine::{NodeId, RecordId, SimTime, Timeline, TopicPartition, TraceKind};

/// How long (simulated) truncated cells stay visible as ghosts.
pub const TRUNCATION_GHOST: SimTime = SimTime(3_000_000);

/// The trace entries of the last [`TRUNCATION_GHOST`] before `now` (found by binary search).
fn ghost_window(timeline: &Timeline, now: SimTime) -> &[kafkascope_engine::trace::TraceEvent] {
    let trace = timeline.trace();
    let end = trace.partition_point(|e| e.at <= now);
    let start = trace.partition_point(|e| e.at.0 + TRUNCATION_GHOST.0 < now.0);
    &trace[start..end]
}

/// A record some replica truncated recently: (broker, partition, offset, record).
pub type TruncatedRecord = (NodeId, TopicPartition, u64, RecordId);

/// A batch a leader recognised as a resend (idempotent producer): (broker, partition, its first
/// offset, its record count).
pub type RecognisedBatch = (NodeId, TopicPartition, u64, u64);

/// What the rows mark for a while after it happened: records truncated (drawn as ghosts) and
/// batches recognised as resends (their cells marked, so the reader sees the retry land on the
/// copy already in the log).
#[derive(Default)]
pub struct RecentMarks {
    pub truncated: Vec<TruncatedRecord>,
    pub recognised: Vec<RecognisedBatch>,
}

/// Both kinds of marks within the ghost window before `now`, in one scan of that window per
/// frame.
pub fn recent_marks(timeline: &Timeline, now: SimTime) -> RecentMarks {
    let mut marks = RecentMarks::default();
    for e in ghost_window(timeline, now) {
        match &e.what {
            TraceKind::Truncated {
                broker,
                partition,
                from_offset,
                records,
            } => marks.truncated.extend(
                records
                    .iter()
                    .enumerate()
                    .map(|(i, r)| (*broker, *partition, from_offset + i as u64, *r)),
            ),
            TraceKind::DuplicateBatch {
                broker,
                partition,
                base_offset,
                records,
                ..
            } => marks
                .recognised
                .push((*broker, *partition, *base_offset, records.len() as u64)),
            _ => {}
        }
    }
    marks
}

/// How many notable events the side panel lists.
pub const EVENTS_SHOWN: usize = 6;

fn is_notable(what: &TraceKind) -> bool {
    matches!(
        what,
        TraceKind::Action { .. }
            | TraceKind::BrokerFenced { .. }
            | TraceKind::BrokerUnfenced { .. }
            | TraceKind::LeaderElected { .. }
            | TraceKind::IsrChanged { .. }
            | TraceKind::Truncated { .. }
            | TraceKind::ProduceFailed { .. }
            | TraceKind::ProducerIdAssigned { .. }
            | TraceKind::DuplicateBatch { .. }
            | TraceKind::RebalanceStarted { .. }
            | TraceKind::MemberRemoved { .. }
            | TraceKind::GroupStable { .. }
            | TraceKind::CoordinatorMoved { .. }
            | TraceKind::OffsetCommitRejected { .. }
            | TraceKind::CommitFailed { .. }
            | TraceKind::PollTimeoutExpired { .. }
            | TraceKind::PartitionsRevoked { lost: true, .. }
            | TraceKind::PartitionsCreated { .. }
            | TraceKind::PartitionChangeRefused { .. }
            | TraceKind::CommittedRecordsLost { .. }
            | TraceKind::ConsumerTruncationDetected { .. }
            | TraceKind::RetentionDeleted { .. }
            | TraceKind::OffsetReset { .. }
    )
}

/// How far back (in trace entries) the event list looks, so a frame never scans a long run.
const EVENTS_LOOKBACK: usize = 4096;

/// The last notable entries at or before `now`, newest first.
pub fn recent_events(timeline: &Timeline, now: SimTime) -> Vec<(SimTime, TraceKind)> {
    let trace = timeline.trace();
    let end = trace.partition_point(|e| e.at <= now);
    trace[end.saturating_sub(EVENTS_LOOKBACK)..end]
        .iter()
        .rev()
        .filter(|e| is_notable(&e.what))
        .take(EVENTS_SHOWN)
        .map(|e| (e.at, e.what.clone()))
        .collect()
}
