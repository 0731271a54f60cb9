//! The transaction coordinator (KIP-98): one `transactional.id`'s producer id, epoch and
//! transaction state, and the two-phase commit that writes COMMIT or ABORT markers into every
//! partition the transaction touched.
//!
//! - **Where**: the leader of partition `abs(hash(transactional.id)) mod 50` of
//!   `__transaction_state` coordinates the id (placement and moving on fencing are shared with the
//!   group coordinator: [`super`]).
//! - **InitProducerId** with a transactional id gives the producer its producer id (the first time)
//!   and **bumps the epoch** every time: every older instance of the same id is fenced — its
//!   AddPartitionsToTxn and EndTxn get `PRODUCER_FENCED`, and its produce requests
//!   `INVALID_PRODUCER_EPOCH` once the partitions have seen a marker of the new epoch. An
//!   instance that finds the previous epoch's transaction still open has it aborted first (with
//!   the new epoch, so the markers fence the old instance at the partitions) and is told
//!   `CONCURRENT_TRANSACTIONS` until the abort is complete; it retries.
//! - **States** (Kafka's `TransactionState`): `Empty` → (AddPartitionsToTxn) `Ongoing` → (EndTxn)
//!   `PrepareCommit` / `PrepareAbort` — the commit point: from here the outcome is decided and
//!   survives a coordinator failover — → markers written to every partition leader (acks=all) →
//!   `CompleteCommit` / `CompleteAbort`.
//! - **`transaction.timeout.ms`**: a transaction left `Ongoing` longer is aborted by the
//!   coordinator with an epoch bump, which fences its producer.
//! - **Failover**: when the coordinator's broker is fenced, the next replica of the
//!   `__transaction_state` partition takes the id over, loads its state and finishes what was
//!   prepared (re-sends the markers); an open transaction's timeout runs on from when it began
//!   (Kafka persists the start time with the state).
//!
//! Simplifications (disclosed in docs/kafka-model.md): the `__transaction_state` partition is not
//! drawn or replicated record by record — a state the coordinator reached is durable, as if
//! written with acks=all, and the next coordinator has it (as for `__consumer_offsets`); the
//! timeout is
//! checked at the transaction's deadline, where Kafka checks every
//! `transaction.abort.timed.out.transaction.cleanup.interval.ms` (10 s); producer ids come from
//! the hosting broker's block (see [`crate::broker::Broker::producer_id_block`]).

use super::{follow_fencing, Coordinated, InternalTopic, Outs};
use crate::effect::{Out, Timer};
use crate::flat::{FlatMap, FlatSet};
use crate::ids::{NodeId, TopicPartition};
use crate::log::ControlType;
use crate::message::{KafkaError, Message};
use crate::ordered::CollectByInsert;
use crate::time::{SimDuration, SimTime};
use crate::trace::TraceKind;
use serde::{Deserialize, Serialize};

/// How long the coordinator waits before writing markers again after a failure or no answer
/// (the inter-broker `request.timeout.ms` for no answer).
const MARKER_RETRY_MS: u64 = 100;
const MARKER_TIMEOUT_MS: u64 = 30_000;

/// Kafka's `TransactionState`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TxnState {
    Empty,
    Ongoing,
    PrepareCommit,
    PrepareAbort,
    CompleteCommit,
    CompleteAbort,
}

impl TxnState {
    /// Kafka's name (`PrepareCommit` …).
    pub fn name(self) -> &'static str {
        match self {
            TxnState::Empty => "Empty",
            TxnState::Ongoing => "Ongoing",
            TxnState::PrepareCommit => "PrepareCommit",
            TxnState::PrepareAbort => "PrepareAbort",
            TxnState::CompleteCommit => "CompleteCommit",
            TxnState::CompleteAbort => "CompleteAbort",
        }
    }

    fn is_prepared(self) -> bool {
        matches!(self, TxnState::PrepareCommit | TxnState::PrepareAbort)
    }
}

/// Why the coordinator aborted a transaction on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AbortCause {
    /// The producer asked (`abortTransaction()`).
    Requested,
    /// A new instance with the same `transactional.id` called `initTransactions()`.
    Fenced,
    /// `transaction.timeout.ms` passed.
    TimedOut,
}

/// One transactional id as its coordinator keeps it.
#[derive(Clone, Debug)]
pub struct TxnMetadata {
    pub transactional_id: String,
    /// The broker coordinating it now (`None`: every replica of its partition is fenced).
    pub coordinator: Option<u32>,
    /// −1 until the first InitProducerId.
    pub producer_id: i64,
    pub producer_epoch: i16,
    pub state: TxnState,
    /// The partitions of the current (or last) transaction.
    pub partitions: FlatSet<TopicPartition>,
    /// `transaction.timeout.ms` the producer asked for.
    timeout: SimDuration,
    /// When the current transaction began (Kafka persists `txnStartTimestamp` with the state,
    /// so a new coordinator does not extend the transaction).
    started_at: SimTime,
    /// Counts transactions begun; a timeout timer carries the count it was set for.
    round: u32,
    /// Partitions whose marker is not written yet.
    pub pending_markers: FlatSet<TopicPartition>,
    /// Counts marker rounds; a retry timer carries the round it was set for.
    marker_round: u32,
}

impl TxnMetadata {
    fn new(id: &str, coordinator: Option<u32>) -> Self {
        TxnMetadata {
            transactional_id: id.to_string(),
            coordinator,
            producer_id: -1,
            producer_epoch: 0,
            state: TxnState::Empty,
            partitions: FlatSet::new(),
            timeout: SimDuration::from_ms(60_000),
            started_at: SimTime::ZERO,
            round: 0,
            pending_markers: FlatSet::new(),
            marker_round: 0,
        }
    }

    /// Checks a request's producer id and epoch: another epoch is a fenced producer (Kafka's
    /// `TransactionCoordinator` compares with `!=`).
    fn check_producer(&self, producer_id: i64, producer_epoch: i16) -> Result<(), KafkaError> {
        if producer_id != self.producer_id || producer_epoch != self.producer_epoch {
            Err(KafkaError::ProducerFenced)
        } else {
            Ok(())
        }
    }

    fn set_state(&mut self, state: TxnState, cause: Option<AbortCause>, out: &mut Out) {
        self.state = state;
        out.trace(TraceKind::TxnStateChanged {
            transactional_id: self.transactional_id.clone(),
            coordinator: NodeId::Broker(self.coordinator.unwrap_or(0)),
            producer_id: self.producer_id,
            producer_epoch: self.producer_epoch,
            state,
            cause,
        });
    }
}

/// What the hosting broker lends its transaction coordinator: partition leaders from its metadata
/// cache (for the markers) and new producer ids from its block.
pub trait CoordinatorHost {
    fn leader_of(&self, tp: TopicPartition) -> Option<u32>;
    fn allocate_producer_id(&mut self) -> i64;
}

/// Every transactional id's coordinator state; the simulation hands it the transaction
/// messages and timers that reach a broker, with that broker as the receiver.
#[derive(Clone, Debug)]
pub struct TxnCoordinators {
    brokers: u32,
    txns: FlatMap<String, TxnMetadata>,
    /// Marker requests in flight: correlation → (transactional id, partition).
    markers_in_flight: FlatMap<u64, (String, TopicPartition)>,
    next_correlation: u64,
}

impl TxnCoordinators {
    pub fn new<'a>(ids: impl IntoIterator<Item = &'a str>, brokers: u32) -> Self {
        let txns = ids
            .into_iter()
            .map(|id| {
                let first = InternalTopic::TRANSACTION_STATE.replicas_for(id, brokers)[0];
                (id.to_string(), TxnMetadata::new(id, Some(first)))
            })
            .collect_by_insert();
        TxnCoordinators {
            brokers,
            txns,
            markers_in_flight: FlatMap::new(),
            next_correlation: 1 << 48,
        }
    }

    /// Every transactional id's state.
    pub fn transactions(&self) -> &FlatMap<String, TxnMetadata> {
        &self.txns
    }

    /// The controller fenced or unfenced brokers: ids follow the leadership of their
    /// `__transaction_state` partition.
    pub fn fencing_changed(&mut self, now: SimTime, fenced: &FlatSet<u32>, outs: &mut Outs) {
        follow_fencing(
            self.txns.values_mut(),
            InternalTopic::TRANSACTION_STATE,
            self.brokers,
            now,
            fenced,
            outs,
        );
    }

    fn coordinated(&mut self, id: &str, broker: u32) -> Option<&mut TxnMetadata> {
        self.txns
            .get_mut(id)
            .filter(|t| t.coordinator == Some(broker))
    }

    pub fn on_timer(
        &mut self,
        _now: SimTime,
        broker: u32,
        host: &mut dyn CoordinatorHost,
        timer: Timer,
        out: &mut Out,
    ) {
        match timer {
            Timer::TxnTimeout { txn, round } => {
                let Some(t) = self.coordinated(&txn, broker) else {
                    return;
                };
                if t.round != round || t.state != TxnState::Ongoing {
                    return;
                }
                // Aborted with an epoch bump: the producer that let it run too long is fenced.
                t.producer_epoch += 1;
                self.begin_completion(&txn, false, AbortCause::TimedOut, host, out);
            }
            Timer::TxnMarkerRetry {
                txn,
                round,
                timed_out,
            } => {
                let Some(t) = self.coordinated(&txn, broker) else {
                    return;
                };
                if t.marker_round != round || !t.state.is_prepared() {
                    return;
                }
                if timed_out {
                    // No answer within the request timeout: those requests are given up.
                    self.markers_in_flight.retain(|_, (id, _)| *id != txn);
                }
                self.send_markers(&txn, host, out);
            }
            _ => {}
        }
    }

    pub fn on_message(
        &mut self,
        now: SimTime,
        broker: u32,
        host: &mut dyn CoordinatorHost,
        from: NodeId,
        message: Message,
        out: &mut Out,
    ) {
        match message {
            Message::FindCoordinatorRequest {
                correlation, group, ..
            } => {
                let result = self
                    .txns
                    .get(&group)
                    .and_then(|t| t.coordinator)
                    .ok_or(KafkaError::CoordinatorNotAvailable);
                out.send(
                    from,
                    Message::FindCoordinatorResponse {
                        correlation,
                        result,
                    },
                );
            }
            Message::InitProducerIdRequest {
                correlation,
                transactional_id: Some(id),
                transaction_timeout_ms,
                current,
            } => {
                let result = self.init_producer_id(
                    broker,
                    &id,
                    SimDuration::from_ms(transaction_timeout_ms),
                    current,
                    host,
                    out,
                );
                out.send(
                    from,
                    Message::InitProducerIdResponse {
                        correlation,
                        result,
                    },
                );
            }
            Message::AddPartitionsToTxnRequest {
                correlation,
                transactional_id,
                producer_id,
                producer_epoch,
                partitions,
            } => {
                let result = self.add_to_transaction(
                    now,
                    broker,
                    &transactional_id,
                    (producer_id, producer_epoch),
                    partitions,
                    out,
                );
                out.send(
                    from,
                    Message::AddPartitionsToTxnResponse {
                        correlation,
                        result,
                    },
                );
            }
            Message::AddOffsetsToTxnRequest {
                correlation,
                transactional_id,
                producer_id,
                producer_epoch,
                group,
            } => {
                // The group's offsets partition joins the transaction like any partition: its
                // marker completes the offsets the producer sends the group coordinator.
                let result = self.add_to_transaction(
                    now,
                    broker,
                    &transactional_id,
                    (producer_id, producer_epoch),
                    vec![TopicPartition::consumer_offsets_of(&group)],
                    out,
                );
                out.send(
                    from,
                    Message::AddOffsetsToTxnResponse {
                        correlation,
                        result,
                    },
                );
            }
            Message::EndTxnRequest {
                correlation,
                transactional_id,
                producer_id,
                producer_epoch,
                commit,
            } => {
                let decided = match self.coordinated(&transactional_id, broker) {
                    None => Err(KafkaError::NotCoordinator),
                    Some(t) => {
                        t.check_producer(producer_id, producer_epoch)
                            .and(match (t.state, commit) {
                                (TxnState::Ongoing, _) => Ok(true),
                                // A retry of an EndTxn whose answer was lost.
                                (TxnState::CompleteCommit, true)
                                | (TxnState::CompleteAbort, false) => Ok(false),
                                (TxnState::PrepareCommit | TxnState::PrepareAbort, _) => {
                                    Err(KafkaError::ConcurrentTransactions)
                                }
                                _ => Err(KafkaError::InvalidTxnState),
                            })
                    }
                };
                if decided == Ok(true) {
                    self.begin_completion(
                        &transactional_id,
                        commit,
                        AbortCause::Requested,
                        host,
                        out,
                    );
                }
                out.send(
                    from,
                    Message::EndTxnResponse {
                        correlation,
                        result: decided.map(|_| ()),
                    },
                );
            }
            Message::WriteTxnMarkersResponse {
                correlation,
                partition,
                result,
            } => {
                let Some((id, tp)) = self.markers_in_flight.remove(&correlation) else {
                    return;
                };
                debug_assert_eq!(tp, partition);
                let Some(t) = self.coordinated(&id, broker) else {
                    return;
                };
                if !t.state.is_prepared() {
                    return;
                }
                match result {
                    // (A partition that has seen a newer epoch of this producer refuses the
                    // marker: nothing is left to write there.)
                    Ok(_) | Err(KafkaError::InvalidProducerEpoch) => {
                        t.pending_markers.remove(&partition);
                        if t.pending_markers.is_empty() {
                            let done = if t.state == TxnState::PrepareCommit {
                                TxnState::CompleteCommit
                            } else {
                                TxnState::CompleteAbort
                            };
                            t.set_state(done, None, out);
                        }
                    }
                    Err(_) => {
                        // NOT_LEADER_OR_FOLLOWER and the like: this partition's marker is written
                        // again shortly, to the leader the broker's metadata then names (Kafka's
                        // TransactionMarkerRequestCompletionHandler retries only the failed ones).
                        t.marker_round += 1;
                        out.set_timer(
                            SimDuration::from_ms(MARKER_RETRY_MS),
                            Timer::TxnMarkerRetry {
                                txn: id,
                                round: t.marker_round,
                                timed_out: false,
                            },
                        );
                    }
                }
            }
            _ => {}
        }
    }

    /// AddPartitionsToTxn / AddOffsetsToTxn: `partitions` join the transaction, which begins
    /// (Ongoing, its timeout running) if none is open.
    fn add_to_transaction(
        &mut self,
        now: SimTime,
        broker: u32,
        id: &str,
        (producer_id, producer_epoch): (i64, i16),
        partitions: Vec<TopicPartition>,
        out: &mut Out,
    ) -> Result<(), KafkaError> {
        let Some(t) = self.coordinated(id, broker) else {
            return Err(KafkaError::NotCoordinator);
        };
        t.check_producer(producer_id, producer_epoch)?;
        if t.state.is_prepared() {
            return Err(KafkaError::ConcurrentTransactions);
        }
        if t.state != TxnState::Ongoing {
            t.partitions.clear();
            t.started_at = now;
            t.round += 1;
            out.set_timer(
                t.timeout,
                Timer::TxnTimeout {
                    txn: t.transactional_id.clone(),
                    round: t.round,
                },
            );
            t.partitions.extend(partitions);
            t.set_state(TxnState::Ongoing, None, out);
        } else {
            t.partitions.extend(partitions);
        }
        Ok(())
    }

    /// `initTransactions()` reached the coordinator (see the module docs).
    fn init_producer_id(
        &mut self,
        broker: u32,
        id: &str,
        timeout: SimDuration,
        current: Option<(i64, i16)>,
        host: &mut dyn CoordinatorHost,
        out: &mut Out,
    ) -> Result<(i64, i16), KafkaError> {
        let Some(t) = self.coordinated(id, broker) else {
            return Err(KafkaError::NotCoordinator);
        };
        // An epoch bump asked by a producer that is no longer the current one (KIP-360).
        if current.is_some_and(|(pid, epoch)| pid != t.producer_id || epoch != t.producer_epoch) {
            return Err(KafkaError::ProducerFenced);
        }
        t.timeout = timeout;
        match t.state {
            TxnState::PrepareCommit | TxnState::PrepareAbort => {
                Err(KafkaError::ConcurrentTransactions)
            }
            TxnState::Ongoing => {
                // The previous instance's transaction: aborted with a bumped epoch, which
                // fences that instance; the new one retries once the abort is complete.
                t.producer_epoch += 1;
                self.begin_completion(id, false, AbortCause::Fenced, host, out);
                Err(KafkaError::ConcurrentTransactions)
            }
            TxnState::Empty | TxnState::CompleteCommit | TxnState::CompleteAbort => {
                if t.producer_id < 0 {
                    t.producer_id = host.allocate_producer_id();
                    t.producer_epoch = 0;
                } else {
                    t.producer_epoch += 1;
                }
                t.partitions.clear();
                t.set_state(TxnState::Empty, None, out);
                Ok((t.producer_id, t.producer_epoch))
            }
        }
    }

    /// EndTxn, a fencing InitProducerId or a timeout decided the transaction: the prepare
    /// record (the commit point), then the markers.
    fn begin_completion(
        &mut self,
        id: &str,
        commit: bool,
        cause: AbortCause,
        host: &mut dyn CoordinatorHost,
        out: &mut Out,
    ) {
        let Some(t) = self.txns.get_mut(id) else {
            return;
        };
        let (state, cause) = if commit {
            (TxnState::PrepareCommit, None)
        } else {
            (TxnState::PrepareAbort, Some(cause))
        };
        t.set_state(state, cause, out);
        t.pending_markers = t.partitions.clone();
        if t.pending_markers.is_empty() {
            let done = if commit {
                TxnState::CompleteCommit
            } else {
                TxnState::CompleteAbort
            };
            t.set_state(done, None, out);
            return;
        }
        self.send_markers(id, host, out);
    }

    /// Sends the markers not written and not in flight to the partitions' leaders (as the
    /// hosting broker's metadata names them), and sets the retry for those without an answer.
    fn send_markers(&mut self, id: &str, host: &mut dyn CoordinatorHost, out: &mut Out) {
        let Some(t) = self.txns.get_mut(id) else {
            return;
        };
        t.marker_round += 1;
        let control = if t.state == TxnState::PrepareCommit {
            ControlType::Commit
        } else {
            ControlType::Abort
        };
        let in_flight: FlatSet<TopicPartition> = self
            .markers_in_flight
            .values()
            .filter(|(txn, _)| txn == id)
            .map(|(_, tp)| *tp)
            .collect_by_insert();
        let mut leaderless = false;
        for tp in t.pending_markers.clone() {
            if in_flight.contains(&tp) {
                continue;
            }
            let Some(leader) = host.leader_of(tp) else {
                leaderless = true;
                continue;
            };
            let correlation = self.next_correlation;
            self.next_correlation += 1;
            self.markers_in_flight
                .insert(correlation, (id.to_string(), tp));
            out.send(
                NodeId::Broker(leader),
                Message::WriteTxnMarkersRequest {
                    correlation,
                    partition: tp,
                    producer_id: t.producer_id,
                    producer_epoch: t.producer_epoch,
                    control,
                },
            );
        }
        let (wait, timed_out) = if leaderless {
            (MARKER_RETRY_MS, false)
        } else {
            (MARKER_TIMEOUT_MS, true)
        };
        out.set_timer(
            SimDuration::from_ms(wait),
            Timer::TxnMarkerRetry {
                txn: id.to_string(),
                round: t.marker_round,
                timed_out,
            },
        );
    }
}

impl Coordinated for TxnMetadata {
    fn key(&self) -> &str {
        &self.transactional_id
    }
    fn coordinator(&self) -> Option<u32> {
        self.coordinator
    }
    /// The new coordinator loads the id: a prepared transaction's markers are written again
    /// (at once), an open one's timeout runs on from its start (persisted with the state).
    fn move_to(&mut self, now: SimTime, to: Option<u32>, outs: &mut Outs) {
        self.coordinator = to;
        let out = outs.entry(to.unwrap_or(0)).or_default();
        out.trace(TraceKind::TxnCoordinatorMoved {
            transactional_id: self.transactional_id.clone(),
            coordinator: to.map(NodeId::Broker),
        });
        if to.is_none() {
            return;
        }
        if self.state.is_prepared() {
            self.marker_round += 1;
            out.set_timer(
                SimDuration::ZERO,
                Timer::TxnMarkerRetry {
                    txn: self.transactional_id.clone(),
                    round: self.marker_round,
                    timed_out: true,
                },
            );
        } else if self.state == TxnState::Ongoing {
            self.round += 1;
            let deadline = self.started_at + self.timeout;
            out.set_timer(
                SimDuration(deadline.0.saturating_sub(now.0)),
                Timer::TxnTimeout {
                    txn: self.transactional_id.clone(),
                    round: self.round,
                },
            );
        }
    }
}
