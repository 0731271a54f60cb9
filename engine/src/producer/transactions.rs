//! The transactional producer's side of KIP-98 (Kafka's `TransactionManager`).
//!
//! A producer with a `transactional.id`:
//!
//! 1. **`initTransactions()`**: finds its transaction coordinator (FindCoordinator with the
//!    transactional id) and asks it for a producer id (InitProducerId). The coordinator bumps the
//!    epoch, fencing every older instance with the same id, and aborts that instance's open
//!    transaction first (the answer is `CONCURRENT_TRANSACTIONS` until then: retried).
//! 2. **In a transaction**, before the first batch to a partition leaves, the partition is
//!    registered with the coordinator (AddPartitionsToTxn — Kafka's explicit add; KIP-890's
//!    implicit add is not modelled). Batches carry the transactional flag.
//! 3. **`commitTransaction()`** waits for every send of the transaction to be answered (a flush),
//!    then sends EndTxn(commit); if a send failed, the application aborts instead (Kafka's
//!    `commitTransaction` throws then). **`abortTransaction()`** sends EndTxn(abort). The
//!    coordinator writes the markers; the producer goes on with the next transaction once EndTxn
//!    is answered.
//! 4. **Abortable errors**: a send that fails for good (`INVALID_PRODUCER_EPOCH` included, since
//!    Kafka 2.7) puts the transaction in error: waiting batches are dropped, the application
//!    aborts, and after the abort the producer asks for an epoch bump (KIP-360).
//! 5. **Fenced**: `PRODUCER_FENCED` from the coordinator means another instance took the id over.
//!    Fatal: the producer stops, and what it had not finished fails.
//!
//! The application here ([`crate::app::send_loop`] with `records_per_transaction` and
//! `abort_transactions`) sends that many records per transaction and aborts the transactions the
//! scenario names. After a crash the restarted process redoes its unfinished transaction: it sends
//! every record of it again (the coordinator aborted the first attempt when the new instance
//! called `initTransactions()`).

use super::{Idempotence, Producer, ProducerRequest, RecordState};
use crate::effect::{LocalCall, Out, Timer};
use crate::flat::FlatSet;
use crate::ids::{NodeId, TopicPartition};
use crate::message::{CoordinatorType, KafkaError, Message};
use crate::ordered::CollectByInsert;
use crate::time::{SimDuration, SimTime};
use crate::trace::TraceKind;

/// Where the transactional producer stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TxnPhase {
    /// `initTransactions()` not finished: no producer id and epoch yet.
    Initializing,
    /// Between transactions, or in one (records being sent).
    Ready,
    /// `commitTransaction()` / `abortTransaction()` called: flushing, then EndTxn.
    Ending { commit: bool },
    /// Fenced by a newer instance: stopped for good.
    Fenced,
}

#[derive(Clone, Debug)]
pub struct Transactions {
    pub transactional_id: String,
    pub phase: TxnPhase,
    pub(super) coordinator: Option<u32>,
    /// Partitions registered in the current transaction.
    added: FlatSet<TopicPartition>,
    /// The current transaction's number (from 0) and its records (by sequence).
    pub number: u32,
    pub records: Vec<u32>,
    pub committed: u32,
    pub aborted: u32,
    /// No request to the coordinator before then (`retry.backoff.ms` after an error).
    pub(super) retry_at: SimTime,
    /// The current transaction hit an abortable error: it can only be aborted, and then the
    /// producer asks for an epoch bump before the next one (KIP-360).
    pub(super) failed: bool,
    /// The producer id and epoch to have bumped after this abort.
    bump: Option<(i64, i16)>,
    /// `sendOffsetsToTransaction()` of the current transaction, while it is being sent.
    pub(super) offsets: Option<super::txn_offsets::TxnOffsets>,
    /// The consumer group's coordinator, as FindCoordinator named it.
    pub(super) group_coordinator: Option<u32>,
    /// A driven producer's application called commit/abort before `initTransactions()` had
    /// returned: the end follows once it has.
    pub(super) end_requested: Option<bool>,
}

impl Transactions {
    pub fn new(transactional_id: &str) -> Self {
        Transactions {
            transactional_id: transactional_id.to_string(),
            phase: TxnPhase::Initializing,
            coordinator: None,
            added: FlatSet::new(),
            number: 0,
            records: Vec::new(),
            committed: 0,
            aborted: 0,
            retry_at: SimTime::ZERO,
            failed: false,
            bump: None,
            offsets: None,
            group_coordinator: None,
            end_requested: None,
        }
    }

    /// Whether a batch for `tp` may leave (its partition is registered in the transaction).
    pub fn may_send(&self, tp: TopicPartition) -> bool {
        self.phase != TxnPhase::Fenced && self.added.contains(&tp)
    }
}

impl Producer {
    /// A request to the coordinator is out, or the backoff after an error still runs.
    pub(super) fn txn_request_in_flight(&self) -> bool {
        self.transactions
            .as_ref()
            .is_some_and(|t| self.now < t.retry_at)
            || self.requests.any(|r| {
                matches!(
                    r,
                    ProducerRequest::FindTxnCoordinator
                        | ProducerRequest::InitProducerId
                        | ProducerRequest::AddPartitions(_)
                        | ProducerRequest::AddOffsets
                        | ProducerRequest::FindGroupCoordinator
                        | ProducerRequest::TxnOffsetCommit
                        | ProducerRequest::EndTxn { .. }
                )
            })
    }

    /// Asks for the coordinator, then for a producer id — `initTransactions()`.
    pub(super) fn init_transactions(&mut self, out: &mut Out) {
        let Some(txn) = &self.transactions else {
            return;
        };
        if txn.phase != TxnPhase::Initializing || self.txn_request_in_flight() {
            return;
        }
        let id = txn.transactional_id.clone();
        match txn.coordinator {
            None => self.find_txn_coordinator(out),
            Some(coordinator) => {
                let current = txn.bump;
                let correlation =
                    self.start_request(coordinator, ProducerRequest::InitProducerId, out);
                out.send(
                    NodeId::Broker(coordinator),
                    Message::InitProducerIdRequest {
                        correlation,
                        transactional_id: Some(id),
                        transaction_timeout_ms: self.config.transaction_timeout_ms,
                        current,
                    },
                );
            }
        }
    }

    /// Registers the partitions that have batches waiting and are not in the transaction yet.
    pub(super) fn add_partitions_to_txn(&mut self, out: &mut Out) {
        let Some(txn) = &self.transactions else {
            return;
        };
        // (commitTransaction() flushes: what waits is still sent, so its partitions are added.)
        if !matches!(txn.phase, TxnPhase::Ready | TxnPhase::Ending { .. })
            || self.txn_request_in_flight()
        {
            return;
        }
        let Some(coordinator) = txn.coordinator else {
            return;
        };
        let missing: FlatSet<TopicPartition> = self
            .accumulator
            .keys()
            .filter(|tp| !txn.added.contains(tp))
            .copied()
            .collect_by_insert();
        if missing.is_empty() {
            return;
        }
        let Some((producer_id, producer_epoch)) = self.producer_id() else {
            return;
        };
        let id = txn.transactional_id.clone();
        let correlation = self.start_request(
            coordinator,
            ProducerRequest::AddPartitions(missing.clone()),
            out,
        );
        out.send(
            NodeId::Broker(coordinator),
            Message::AddPartitionsToTxnRequest {
                correlation,
                transactional_id: id,
                producer_id,
                producer_epoch,
                partitions: missing.into_iter().collect(),
            },
        );
    }

    /// The application created record `seq` in the current transaction; returns whether the
    /// application goes on creating (false: it called commit or abort and waits for it).
    pub(super) fn record_in_transaction(&mut self, seq: u32, last: bool) -> bool {
        let per = self.config.records_per_transaction;
        let Some(txn) = &mut self.transactions else {
            return true;
        };
        txn.records.push(seq);
        let full = txn.records.len() as u32 >= per || last;
        // (Still in initTransactions(): the end follows once it returns.)
        if full && txn.phase == TxnPhase::Ready {
            let commit = !self.config.abort_transactions.contains(&txn.number);
            txn.phase = TxnPhase::Ending { commit };
        }
        !full
    }

    /// `commitTransaction()` / `abortTransaction()`: once every send of the transaction is
    /// answered, EndTxn.
    pub(super) fn maybe_end_transaction(&mut self, out: &mut Out) {
        let Some(txn) = &self.transactions else {
            return;
        };
        let TxnPhase::Ending { commit } = txn.phase else {
            return;
        };
        if self.txn_request_in_flight() {
            return;
        }
        let states = self.record_states();
        let settled = txn.records.iter().all(|seq| {
            states.get(*seq as usize).is_some_and(|(s, _)| {
                matches!(s, RecordState::Acknowledged { .. } | RecordState::Failed)
            })
        });
        if !settled {
            return;
        }
        let any_failed = txn.records.iter().any(|seq| {
            states
                .get(*seq as usize)
                .is_some_and(|(s, _)| *s == RecordState::Failed)
        });
        // A failed send makes commitTransaction() throw: the application aborts.
        let commit = commit && !any_failed && !txn.failed;
        // A commit waits for sendOffsetsToTransaction() to be done; an abort does not.
        if commit && txn.offsets.as_ref().is_some_and(|o| !o.is_sent()) {
            return;
        }
        if txn.added.is_empty() && !txn.offsets.as_ref().is_some_and(|o| o.is_registered()) {
            // No partition was registered: the coordinator has no transaction to end, so the
            // client completes it locally (Kafka's TransactionManager sends no EndTxn then).
            self.transaction_ended(commit, out);
            return;
        }
        let (Some(coordinator), Some((producer_id, producer_epoch))) =
            (txn.coordinator, self.producer_id())
        else {
            return;
        };
        let id = txn.transactional_id.clone();
        let correlation = self.start_request(coordinator, ProducerRequest::EndTxn { commit }, out);
        out.send(
            NodeId::Broker(coordinator),
            Message::EndTxnRequest {
                correlation,
                transactional_id: id,
                producer_id,
                producer_epoch,
                commit,
            },
        );
    }

    /// An answer from the transaction coordinator (or to the lookup of it).
    pub(super) fn on_txn_response(
        &mut self,
        request: ProducerRequest,
        message: Message,
        out: &mut Out,
    ) {
        let result: Result<(), KafkaError> = match (&request, message) {
            (
                ProducerRequest::FindTxnCoordinator,
                Message::FindCoordinatorResponse { result, .. },
            ) => result.map(|broker| {
                if let Some(txn) = &mut self.transactions {
                    txn.coordinator = Some(broker);
                }
            }),
            (ProducerRequest::InitProducerId, Message::InitProducerIdResponse { result, .. }) => {
                result.map(|(producer_id, producer_epoch)| {
                    if let Some(idempotence) = &mut self.idempotence {
                        idempotence.assigned(producer_id, producer_epoch);
                    }
                    let per = self.config.records_per_transaction;
                    let app_done = self.app.is_done();
                    let driven = self.driven_by.is_some();
                    if let Some(txn) = &mut self.transactions {
                        if driven {
                            // The application decides when a transaction ends.
                            txn.phase = match txn.end_requested.take() {
                                Some(commit) => TxnPhase::Ending { commit },
                                None => TxnPhase::Ready,
                            };
                        } else {
                            // A restarted instance that had finished sending its transaction's
                            // records goes straight on to ending it.
                            let full = txn.records.len() as u32 >= per
                                || (app_done && !txn.records.is_empty());
                            txn.phase = if full {
                                TxnPhase::Ending {
                                    commit: !self.config.abort_transactions.contains(&txn.number),
                                }
                            } else {
                                TxnPhase::Ready
                            };
                        }
                    }
                    out.trace(TraceKind::ProducerIdAssigned {
                        producer: self.id,
                        producer_id,
                        producer_epoch,
                    });
                })
            }
            (
                ProducerRequest::AddPartitions(partitions),
                Message::AddPartitionsToTxnResponse { result, .. },
            ) => result.map(|()| {
                if let Some(txn) = &mut self.transactions {
                    txn.added.extend(partitions.iter().copied());
                }
            }),
            (ProducerRequest::EndTxn { commit }, Message::EndTxnResponse { result, .. }) => {
                result.map(|()| self.transaction_ended(*commit, out))
            }
            (
                ProducerRequest::AddOffsets
                | ProducerRequest::FindGroupCoordinator
                | ProducerRequest::TxnOffsetCommit,
                message,
            ) => {
                self.on_offsets_response(&request, message, out);
                return;
            }
            _ => return,
        };
        if let Err(error) = result {
            self.on_txn_error(error, out);
        }
    }

    /// EndTxn was answered: the next transaction may begin.
    fn transaction_ended(&mut self, committed: bool, out: &mut Out) {
        let Some(txn) = &mut self.transactions else {
            return;
        };
        out.trace(TraceKind::TransactionEnded {
            producer: self.id,
            committed,
            records: txn.records.len() as u32,
        });
        if committed {
            txn.committed += 1;
        } else {
            txn.aborted += 1;
        }
        txn.number += 1;
        txn.records.clear();
        txn.added.clear();
        txn.offsets = None;
        txn.phase = TxnPhase::Ready;
        if std::mem::take(&mut txn.failed) {
            // After an abortable error the epoch is bumped before the next transaction
            // (KIP-360: InitProducerId with the current id and epoch; sequences restart at 0).
            txn.bump = self.idempotence.as_ref().and_then(Idempotence::producer_id);
            txn.phase = TxnPhase::Initializing;
            if let Some(idempotence) = &mut self.idempotence {
                idempotence.reset();
            }
        }
        if let Some(application) = self.driven_by {
            out.call(application, LocalCall::TransactionEnded { committed });
        } else if !self.app.is_done() {
            out.set_timer(
                SimDuration::from_ms(self.config.interval_ms),
                Timer::CreateRecord,
            );
        }
    }

    /// A coordinator request failed (or timed out): fenced is fatal; otherwise look the
    /// coordinator up again if it moved, and retry after `retry.backoff.ms`.
    pub(super) fn on_txn_error(&mut self, error: KafkaError, out: &mut Out) {
        if matches!(
            error,
            KafkaError::ProducerFenced
                | KafkaError::InvalidProducerEpoch
                | KafkaError::InvalidTxnState
        ) {
            // Fatal (Kafka's ProducerFencedException, or an invalid state): the producer stops.
            self.fenced(error, out);
            return;
        }
        if matches!(
            error,
            KafkaError::NotCoordinator
                | KafkaError::CoordinatorNotAvailable
                | KafkaError::RequestTimedOut
        ) {
            if let Some(txn) = &mut self.transactions {
                txn.coordinator = None;
                if txn.phase != TxnPhase::Initializing {
                    // Only the lookup is redone; the producer id stays.
                    self.find_txn_coordinator(out);
                    return;
                }
            }
        }
        let backoff = SimDuration::from_ms(self.config.retry_backoff_ms);
        if let Some(txn) = &mut self.transactions {
            txn.retry_at = self.now + backoff;
        }
        out.set_timer(backoff, Timer::TxnRetry);
    }

    /// FindCoordinator for the transactional id, to any broker.
    fn find_txn_coordinator(&mut self, out: &mut Out) {
        let Some(txn) = &self.transactions else {
            return;
        };
        let id = txn.transactional_id.clone();
        let broker = self.metadata.next_broker();
        let correlation = self.start_request(broker, ProducerRequest::FindTxnCoordinator, out);
        out.send(
            NodeId::Broker(broker),
            Message::FindCoordinatorRequest {
                correlation,
                group: id,
                key_type: CoordinatorType::Transaction,
            },
        );
    }

    /// `Timer::TxnRetry`: carry on with whatever the transactional producer was doing.
    pub(super) fn txn_retry(&mut self, out: &mut Out) {
        self.init_transactions(out);
        self.add_partitions_to_txn(out);
        self.send_txn_offsets(out);
        self.maybe_end_transaction(out);
    }

    /// A send of the current transaction failed for good (an abortable error: Kafka's
    /// `TransactionManager.maybeTransitionToErrorState`): the batches still waiting are dropped
    /// (`abortUndrainedBatches`), and the application, learning of it, aborts the transaction
    /// without sending the rest of it.
    pub(super) fn transaction_failed(&mut self, error: KafkaError, out: &mut Out) {
        if error == KafkaError::ProducerFenced {
            self.fenced(error, out);
            return;
        }
        let Some(txn) = &mut self.transactions else {
            return;
        };
        if txn.phase == TxnPhase::Fenced {
            return;
        }
        txn.failed = true;
        if matches!(txn.phase, TxnPhase::Ready | TxnPhase::Ending { .. }) {
            txn.phase = TxnPhase::Ending { commit: false };
        }
        self.fail_undrained(error, out);
    }

    /// Fails every batch still in the accumulator.
    pub(super) fn fail_undrained(&mut self, error: KafkaError, out: &mut Out) {
        let batches: Vec<_> = std::mem::take(&mut self.accumulator).into_iter().collect();
        for (tp, queue) in batches {
            for batch in queue {
                out.trace(TraceKind::ProduceFailed {
                    producer: self.id,
                    partition: tp,
                    error,
                    records: batch.records.iter().map(|r| r.id).collect(),
                    retrying: false,
                });
                for r in &batch.records {
                    self.set_state(r.id.seq, RecordState::Failed);
                }
                self.failed += batch.records.len() as u32;
            }
        }
    }

    /// Fenced by a newer instance: stop for good. Everything not yet acknowledged fails.
    pub(super) fn fenced(&mut self, error: KafkaError, out: &mut Out) {
        let Some(txn) = &mut self.transactions else {
            return;
        };
        if txn.phase == TxnPhase::Fenced {
            return;
        }
        txn.phase = TxnPhase::Fenced;
        out.trace(TraceKind::ProducerFenced {
            producer: self.id,
            error,
        });
        self.app.stop();
        self.fail_undrained(error, out);
        if let Some(application) = self.driven_by {
            out.call(application, LocalCall::Fenced);
        }
    }
}
