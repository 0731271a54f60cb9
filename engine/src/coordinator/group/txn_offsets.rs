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
//! - The offsets are written to the group's `__consumer_offsets` partition as a transactional
//!   batch, so that partition's producer state fences old epochs as any partition's does: a
//!   TxnOffsetCommit from an epoch older than one its markers or commits carried is refused
//!   `INVALID_PRODUCER_EPOCH` (a zombie's late request cannot leave offsets pending that no
//!   marker will ever complete).
//! - **OffsetFetch with `require_stable`** (read_committed consumers) for a partition with pending
//!   offsets is answered `UNSTABLE_OFFSET_COMMIT`: a new instance does not start from offsets
//!   that the previous instance's transaction may still commit.

use super::member_check;
use super::Group;
use crate::effect::Out;
use crate::flat::FlatMap;
use crate::ids::{MemberId, NodeId, TopicPartition};
use crate::log::ControlType;
use crate::message::KafkaError;
use crate::trace::TraceKind;

/// TxnOffsetCommit: keep `offsets` pending for `producer_id`, if the member may commit.
pub(super) fn store(
    g: &mut Group,
    broker: u32,
    (producer_id, producer_epoch): (i64, i16),
    member: MemberId,
    generation: u32,
    offsets: Vec<(TopicPartition, u64)>,
    out: &mut Out,
) -> Result<(), KafkaError> {
    let fenced = g
        .producer_epochs
        .get(&producer_id)
        .is_some_and(|newest| producer_epoch < *newest);
    if let Err(error) = member_check(g, member, generation).and(if fenced {
        Err(KafkaError::InvalidProducerEpoch)
    } else {
        Ok(())
    }) {
        out.trace(TraceKind::OffsetCommitRejected {
            coordinator: NodeId::Broker(broker),
            group: g.name.clone(),
            member,
            generation,
            error,
        });
        return Err(error);
    }
    g.producer_epochs.insert(producer_id, producer_epoch);
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
    groups: &mut FlatMap<String, Group>,
    broker: u32,
    partition: TopicPartition,
    (producer_id, producer_epoch): (i64, i16),
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
        let newest = g
            .producer_epochs
            .entry(producer_id)
            .or_insert(producer_epoch);
        *newest = (*newest).max(producer_epoch);
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
