//! Transactional offset commits at the group coordinator (KIP-98, KIP-447): the offsets a
//! consume-transform-produce application sends with `sendOffsetsToTransaction()`.
//!
//! - **TxnOffsetCommit** is checked like an OffsetCommit — a known member of the current
//!   generation (KIP-447's group metadata: a member that missed a rebalance is refused with
//!   `ILLEGAL_GENERATION` / `UNKNOWN_MEMBER_ID`, and its transaction must abort) — and the offsets
//!   are kept **pending** under the producer id, not committed.
//! - The transaction's **marker** for the group's `__consumer_offsets` partition completes them:
//!   COMMIT makes them the group's committed offsets, ABORT drops them (Kafka's
//!   `GroupCoordinator.scheduleHandleTxnCompletion`). Every group of that offsets partition that
//!   this broker coordinates is completed.
//! - **OffsetFetch with `require_stable`** (read_committed consumers) for a partition with pending
//!   offsets is answered `UNSTABLE_OFFSET_COMMIT`: a new instance does not start from offsets
//!   that the previous instance's transaction may still commit.

use super::member_check;
use super::Group;
use crate::effect::Out;
use crate::ids::{MemberId, NodeId, TopicPartition};
use crate::log::ControlType;
use crate::message::KafkaError;
use crate::trace::TraceKind;
use std::collections::BTreeMap;

/// TxnOffsetCommit: keep `offsets` pending for `producer_id`, if the member may commit.
pub(super) fn store(
    g: &mut Group,
    broker: u32,
    producer_id: i64,
    member: MemberId,
    generation: u32,
    offsets: Vec<(TopicPartition, u64)>,
    out: &mut Out,
) -> Result<(), KafkaError> {
    if let Err(error) = member_check(g, member, generation) {
        out.trace(TraceKind::OffsetCommitRejected {
            coordinator: NodeId::Broker(broker),
            group: g.name.clone(),
            member,
            generation,
            error,
        });
        return Err(error);
    }
    out.trace(TraceKind::TxnOffsetsPending {
        coordinator: NodeId::Broker(broker),
        group: g.name.clone(),
        producer_id,
        offsets: offsets.clone(),
    });
    g.pending_txn_offsets
        .entry(producer_id)
        .or_default()
        .extend(offsets);
    Ok(())
}

/// Whether any of `partitions` has transactional offsets waiting for a marker.
pub(super) fn any_pending(g: &Group, partitions: &[TopicPartition]) -> bool {
    g.pending_txn_offsets
        .values()
        .any(|offsets| partitions.iter().any(|tp| offsets.contains_key(tp)))
}

/// A transaction marker for `partition` of `__consumer_offsets` reached `broker`: complete the
/// pending offsets of `producer_id` in every group of that partition this broker coordinates.
/// `NOT_COORDINATOR` if it coordinates none of them (the coordinator moved; the transaction
/// coordinator writes the marker again to the new one).
pub(super) fn complete(
    groups: &mut BTreeMap<String, Group>,
    broker: u32,
    partition: TopicPartition,
    producer_id: i64,
    control: ControlType,
    out: &mut Out,
) -> Result<u64, KafkaError> {
    let mut coordinated = false;
    for g in groups.values_mut() {
        if g.coordinator != Some(broker)
            || TopicPartition::consumer_offsets_of(&g.name) != partition
        {
            continue;
        }
        coordinated = true;
        let Some(offsets) = g.pending_txn_offsets.remove(&producer_id) else {
            continue;
        };
        let committed = control == ControlType::Commit;
        out.trace(TraceKind::TxnOffsetsCompleted {
            coordinator: NodeId::Broker(broker),
            group: g.name.clone(),
            producer_id,
            committed,
        });
        if committed {
            for (tp, offset) in offsets {
                g.offsets.insert(tp, offset);
                out.trace(TraceKind::OffsetCommitted {
                    coordinator: NodeId::Broker(broker),
                    group: g.name.clone(),
                    partition: tp,
                    offset,
                });
            }
        }
    }
    if coordinated {
        // (The offsets partition's own log is not drawn: no offset to report.)
        Ok(0)
    } else {
        Err(KafkaError::NotCoordinator)
    }
}
