//! `sendOffsetsToTransaction()` (KIP-98, with KIP-447's consumer group metadata) and the rest of
//! a transactional producer that an application drives call by call — Kafka's exactly-once
//! processing loop ([`crate::app::transform_loop`]).
//!
//! The consumed offsets become part of the transaction in two requests:
//!
//! 1. **AddOffsetsToTxn** to the transaction coordinator: the group's `__consumer_offsets`
//!    partition joins the transaction (its marker will complete the offsets).
//! 2. **TxnOffsetCommit** to the group coordinator (found with FindCoordinator), carrying the
//!    consumer's generation and member id: a member that missed a rebalance is refused
//!    (`ILLEGAL_GENERATION` / `UNKNOWN_MEMBER_ID`, Kafka's `CommitFailedException`) — an abortable
//!    error: the transaction must abort, and the application rewinds.
//!
//! `commitTransaction()` waits for both, like for every send of the transaction.

use super::transactions::TxnPhase;
use super::{Producer, ProducerRequest, RecordState};
use crate::effect::{Out, Timer};
use crate::ids::{MemberId, NodeId, TopicPartition};
use crate::message::{CoordinatorType, KafkaError, Message};
use crate::time::SimDuration;
use crate::trace::TraceKind;

/// The offsets of the current transaction, and how far sending them has come.
#[derive(Clone, Debug)]
pub struct TxnOffsets {
    group: String,
    generation: u32,
    member: MemberId,
    offsets: Vec<(TopicPartition, u64)>,
    stage: OffsetsStage,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum OffsetsStage {
    AddOffsets,
    Commit,
    Sent,
}

impl TxnOffsets {
    /// TxnOffsetCommit was accepted: commitTransaction() may go on.
    pub fn is_sent(&self) -> bool {
        self.stage == OffsetsStage::Sent
    }

    /// AddOffsetsToTxn was accepted: the coordinator has the group's offsets partition in the
    /// transaction (so the transaction must be ended there).
    pub fn is_registered(&self) -> bool {
        self.stage != OffsetsStage::AddOffsets
    }
}

impl Producer {
    /// The application called `sendOffsetsToTransaction()`.
    pub(super) fn send_offsets_to_transaction(
        &mut self,
        group: String,
        generation: u32,
        member: MemberId,
        offsets: Vec<(TopicPartition, u64)>,
    ) {
        let Some(txn) = &mut self.transactions else {
            return;
        };
        if matches!(txn.phase, TxnPhase::Ending { .. } | TxnPhase::Fenced) {
            return;
        }
        txn.offsets = Some(TxnOffsets {
            group,
            generation,
            member,
            offsets,
            stage: OffsetsStage::AddOffsets,
        });
    }

    /// The application called `commitTransaction()` or `abortTransaction()`.
    pub(super) fn end_transaction_called(&mut self, commit: bool, _out: &mut Out) {
        let Some(txn) = &mut self.transactions else {
            return;
        };
        match txn.phase {
            TxnPhase::Ready => txn.phase = TxnPhase::Ending { commit },
            TxnPhase::Initializing => txn.end_requested = Some(commit),
            TxnPhase::Ending { .. } | TxnPhase::Fenced => {}
        }
    }

    /// Sends the next request of `sendOffsetsToTransaction()`, if one is due.
    pub(super) fn send_txn_offsets(&mut self, out: &mut Out) {
        if self.txn_request_in_flight() {
            return;
        }
        let Some(txn) = &self.transactions else {
            return;
        };
        // (An aborting transaction sends no more offsets.)
        if !matches!(
            txn.phase,
            TxnPhase::Ready | TxnPhase::Ending { commit: true }
        ) || txn.failed
        {
            return;
        }
        let (Some(offsets), Some((producer_id, producer_epoch))) =
            (txn.offsets.clone(), self.producer_id())
        else {
            return;
        };
        let transactional_id = txn.transactional_id.clone();
        match offsets.stage {
            OffsetsStage::AddOffsets => {
                let Some(coordinator) = txn.coordinator else {
                    return;
                };
                let correlation = self.start_request(coordinator, ProducerRequest::AddOffsets, out);
                out.send(
                    NodeId::Broker(coordinator),
                    Message::AddOffsetsToTxnRequest {
                        correlation,
                        transactional_id,
                        producer_id,
                        producer_epoch,
                        group: offsets.group,
                    },
                );
            }
            OffsetsStage::Commit => match txn.group_coordinator {
                None => {
                    let broker = self.metadata.next_broker();
                    let correlation =
                        self.start_request(broker, ProducerRequest::FindGroupCoordinator, out);
                    out.send(
                        NodeId::Broker(broker),
                        Message::FindCoordinatorRequest {
                            correlation,
                            group: offsets.group,
                            key_type: CoordinatorType::Group,
                        },
                    );
                }
                Some(coordinator) => {
                    let correlation =
                        self.start_request(coordinator, ProducerRequest::TxnOffsetCommit, out);
                    out.send(
                        NodeId::Broker(coordinator),
                        Message::TxnOffsetCommitRequest {
                            correlation,
                            transactional_id,
                            group: offsets.group,
                            producer_id,
                            producer_epoch,
                            generation: offsets.generation,
                            member: offsets.member,
                            offsets: offsets.offsets,
                        },
                    );
                }
            },
            OffsetsStage::Sent => {}
        }
    }

    /// An answer to AddOffsetsToTxn, FindCoordinator (for the group) or TxnOffsetCommit.
    pub(super) fn on_offsets_response(
        &mut self,
        request: &ProducerRequest,
        message: Message,
        out: &mut Out,
    ) {
        let result = match (request, message) {
            (ProducerRequest::AddOffsets, Message::AddOffsetsToTxnResponse { result, .. }) => {
                if result.is_ok() {
                    self.set_offsets_stage(OffsetsStage::Commit);
                }
                result
            }
            (
                ProducerRequest::FindGroupCoordinator,
                Message::FindCoordinatorResponse { result, .. },
            ) => match result {
                Ok(broker) => {
                    if let Some(txn) = &mut self.transactions {
                        txn.group_coordinator = Some(broker);
                    }
                    Ok(())
                }
                Err(_) => {
                    self.group_coordinator_lost(out);
                    return;
                }
            },
            (ProducerRequest::TxnOffsetCommit, Message::TxnOffsetCommitResponse { result, .. }) => {
                match result {
                    Ok(()) => {
                        self.set_offsets_stage(OffsetsStage::Sent);
                        Ok(())
                    }
                    Err(
                        KafkaError::NotCoordinator
                        | KafkaError::CoordinatorNotAvailable
                        | KafkaError::RequestTimedOut,
                    ) => {
                        self.group_coordinator_lost(out);
                        return;
                    }
                    Err(error @ (KafkaError::IllegalGeneration | KafkaError::UnknownMemberId)) => {
                        // CommitFailedException: the consumer is no longer the member these
                        // offsets were read by (KIP-447); the transaction aborts.
                        self.transaction_failed(error, out);
                        return;
                    }
                    Err(error) => Err(error),
                }
            }
            _ => return,
        };
        if let Err(error) = result {
            self.on_txn_error(error, out);
        }
    }

    fn set_offsets_stage(&mut self, stage: OffsetsStage) {
        if let Some(offsets) = self.transactions.as_mut().and_then(|t| t.offsets.as_mut()) {
            offsets.stage = stage;
        }
    }

    /// The group coordinator did not answer or moved: look it up again after
    /// `retry.backoff.ms`.
    pub(super) fn group_coordinator_lost(&mut self, out: &mut Out) {
        let backoff = SimDuration::from_ms(self.config.retry_backoff_ms);
        if let Some(txn) = &mut self.transactions {
            txn.group_coordinator = None;
            txn.retry_at = self.now + backoff;
        }
        out.set_timer(backoff, Timer::TxnRetry);
    }

    /// A driven producer's process restarted (with its application): a new instance calls
    /// `initTransactions()` — which has the coordinator abort what the old one left open — and
    /// sends nothing of the old one's; the application reprocesses from the committed offsets.
    pub(super) fn restart_driven(&mut self, out: &mut Out) {
        let lost: Vec<(u32, TopicPartition)> = self
            .records
            .iter()
            .enumerate()
            .filter(|(_, (state, _))| matches!(state, RecordState::Queued | RecordState::InFlight))
            .map(|(seq, (_, tp))| (seq as u32, *tp))
            .collect();
        for (seq, tp) in lost {
            // Gone with the process: the producer never learns what became of them.
            self.set_state(seq, RecordState::Failed);
            self.failed += 1;
            out.trace(TraceKind::ProduceFailed {
                producer: self.id,
                partition: tp,
                error: KafkaError::RequestTimedOut,
                records: vec![crate::ids::RecordId {
                    producer: self.id.number(),
                    seq,
                }],
                retrying: false,
            });
        }
        if let Some(txn) = &mut self.transactions {
            // A new instance, even of a fenced one: it fences the old epoch in turn.
            let mut fresh = super::transactions::Transactions::new(&txn.transactional_id);
            fresh.number = txn.number;
            fresh.committed = txn.committed;
            fresh.aborted = txn.aborted;
            *txn = fresh;
        }
        self.obtain_producer_id(out);
        out.set_timer(
            SimDuration::from_ms(self.config.metadata_max_age_ms),
            Timer::MetadataMaxAge,
        );
    }
}
