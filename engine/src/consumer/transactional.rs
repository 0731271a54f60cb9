//! What a consume-transform-produce application needs from its consumer beyond `poll()` (the
//! exactly-once loop of KIP-98 / KIP-447): the consumer's group metadata for
//! `sendOffsetsToTransaction()`, offsets committed through a transaction, and the seek back to the
//! committed offsets after an abort.

use super::Consumer;
use crate::effect::Out;
use crate::ids::{MemberId, TopicPartition};

impl Consumer {
    /// `groupMetadata()`: the generation and member id the group coordinator checks a
    /// TxnOffsetCommit against (KIP-447). `None` outside a generation.
    pub fn group_metadata(&self) -> Option<(u32, MemberId)> {
        Some((self.generation()?, self.member_id()?))
    }

    /// The transaction that carried these offsets committed: the consumer now knows them as
    /// committed (as it does after an OffsetCommit).
    pub fn note_committed(&mut self, offsets: &[(TopicPartition, u64)]) {
        for (tp, offset) in offsets {
            self.committed.insert(*tp, *offset);
        }
    }

    /// `close()`: a member leaves its group at once (LeaveGroup), so its partitions are handed on
    /// without waiting for `session.timeout.ms`.
    pub fn close(&mut self, out: &mut Out) {
        if let Some(member) = self.member_id() {
            self.send_leave_group(member, out);
        }
    }

    /// `seek()` back to the committed offsets of every owned partition — what an exactly-once
    /// loop does after `abortTransaction()`: positions are forgotten with whatever was fetched
    /// past them, and the next poll asks the coordinator for the committed offsets (with
    /// `require_stable`, so it waits for the aborted transaction to be completed).
    pub fn rewind_to_committed(&mut self) {
        for tp in self.assignment.clone() {
            self.committed.remove(&tp);
        }
        self.forget_positions();
    }
}
