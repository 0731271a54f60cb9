//! A Kafka producer: the application's `send()` calls, the record accumulator, and the sender.
//!
//! Records are appended to a per-partition queue of batches (Kafka's `RecordAccumulator`); the
//! sender ships a partition's oldest ready batch to that partition's leader whenever fewer than
//! `max.in.flight.requests.per.connection` requests are outstanding to that broker. A batch is
//! ready when it is full (`batch_records`) or has waited `linger.ms` (0 by default, Kafka 3.x; 4.0
//! made it 5 ms, KIP-1030): with `linger.ms=0` a batch leaves as soon as it can, so batches only
//! grow while the in-flight limit holds them back — as in Kafka.
//!
//! Retries follow Kafka's rules: a retriable error or a `request.timeout.ms` expiry puts the batch
//! back at the *front* of its queue after a backoff, until `retries` or `delivery.timeout.ms` runs
//! out. The backoff grows exponentially (KIP-580, Kafka 3.7+): `retry.backoff.ms` × 2^(attempt−1),
//! capped at `retry.backoff.max.ms`. (Kafka adds ±20% random jitter; the model leaves it out so
//! that a retry's timing reads off the settings.) A timed-out request may still have been appended, so without
//! idempotence a retry can write a **duplicate**, and with several requests in flight a retried
//! batch can land **after** a later one (reordering). `acks=0` requests get no response: the
//! producer counts them as sent, offset unknown.
//!
//! The *application* — what is sent, with which key, when, and what is sent again after a crash —
//! is [`crate::app::send_loop`]; this module is the client: `send()`, the accumulator, the sender,
//! retries and metadata.
//!
//! The producer sends each batch to the partition's leader as its metadata cache names it; after
//! `NOT_LEADER_OR_FOLLOWER` or a timeout it refreshes the metadata and retries at the new leader
//! (see [`crate::client_metadata`]).

pub mod idempotence;
mod retry;
mod sender;
pub mod transactions;
mod txn_offsets;

pub use retry::retry_backoff;

use crate::app::send_loop::{self, Send, SendLoop};
use crate::chunked::ChunkedVec;
use crate::client_metadata::ClientMetadata;
use crate::effect::{Out, Timer};
use crate::flat::{FlatMap, FlatSet};
use crate::ids::{NodeId, RecordId, TopicPartition};
use crate::message::{Acks, KafkaError, Message, ProducerRecord};
use crate::ordered::CollectByInsert;
use crate::placement::{key_bytes, partition_for_key};
use crate::requests::Requests;
use crate::scenario::ProducerConfig;
use crate::time::{SimDuration, SimTime};
use crate::trace::TraceKind;
use idempotence::{BatchSequence, Idempotence};
use std::collections::VecDeque;
use transactions::{Transactions, TxnPhase};

/// `retry.backoff.ms` default.
pub const RETRY_BACKOFF_MS: u64 = 100;

/// Where one record stands, from the producer's point of view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordState {
    /// In the accumulator, not sent (or waiting to be re-sent).
    Queued,
    /// Sent; no answer yet.
    InFlight,
    /// Acknowledged by the leader, at this offset (acks=1 or all).
    Acknowledged { offset: Option<u64> },
    /// acks=0: written to the connection; no answer ever comes, so the producer cannot know
    /// whether (or where) it was appended. *Sent*, never acknowledged.
    Sent,
    /// Given up on (retries or delivery.timeout.ms exhausted, or a fatal error).
    Failed,
}

#[derive(Clone, Debug)]
struct Batch {
    records: Vec<ProducerRecord>,
    created_at: SimTime,
    /// Not before this time (retry.backoff.ms after a failure).
    ready_at: SimTime,
    attempts: u32,
    /// The idempotent producer's id and first sequence for it, from its first send on.
    sequence: Option<BatchSequence>,
}

impl Batch {
    /// Kafka's `RecordAccumulator.ready`: a retry once its backoff has passed; a first attempt
    /// once it is full or has lingered `linger.ms`.
    fn is_sendable(&self, now: SimTime, linger: SimDuration, batch_records: u32) -> bool {
        if self.attempts > 0 {
            self.ready_at <= now
        } else {
            self.records.len() as u32 >= batch_records || now >= self.created_at + linger
        }
    }
}

/// What a producer awaits an answer to.
#[derive(Clone, Debug)]
enum ProducerRequest {
    Produce(InFlight),
    Metadata,
    InitProducerId,
    /// FindCoordinator for the transactional id.
    FindTxnCoordinator,
    AddPartitions(FlatSet<TopicPartition>),
    EndTxn {
        commit: bool,
    },
    /// `sendOffsetsToTransaction()`: AddOffsetsToTxn to the transaction coordinator, then
    /// FindCoordinator for the group and TxnOffsetCommit to the group coordinator.
    AddOffsets,
    FindGroupCoordinator,
    TxnOffsetCommit,
}

#[derive(Clone, Debug)]
struct InFlight {
    partition: TopicPartition,
    broker: u32,
    batch: Batch,
}

#[derive(Clone, Debug)]
pub struct Producer {
    id: NodeId,
    config: ProducerConfig,
    /// The topic it writes (index into the scenario's topics), and its partition count.
    topic: u16,
    /// The application driving this client.
    app: SendLoop,
    /// The metadata a (re)started process begins with (its bootstrap).
    bootstrap: Vec<crate::metadata::PartitionMeta>,
    partitions: u32,
    metadata: ClientMetadata,
    refresh_scheduled: bool,
    next_keyless_partition: u32,
    accumulator: FlatMap<TopicPartition, VecDeque<Batch>>,
    /// Requests awaiting an answer.
    requests: Requests<ProducerRequest>,
    /// The broker each awaited request went to: the connection it travels on, closed with every
    /// request on it when one of them times out.
    request_brokers: FlatMap<u64, u32>,
    in_flight_per_broker: FlatMap<u32, u32>,
    /// The time of the event being handled.
    now: SimTime,
    /// Per record (by sequence): its state and partition. Chunked, so checkpoints share it.
    records: ChunkedVec<(RecordState, TopicPartition)>,
    acknowledged: u32,
    /// acks=0 records written to the connection (never acknowledged).
    sent_unacknowledged: u32,
    failed: u32,
    brokers: u32,
    /// How many times the process was restarted.
    restarts: u32,
    /// The idempotent producer's id and sequences (`None`: idempotence is off).
    idempotence: Option<Idempotence>,
    /// The transactional producer's state (`None`: no `transactional.id`).
    transactions: Option<Transactions>,
    /// The consume-transform-produce application that drives this producer (it lives on that
    /// consumer node: [`crate::app::transform_loop`]), instead of a send loop of its own.
    driven_by: Option<NodeId>,
    /// Driven producers: the input record each record is the result of, by sequence.
    sources: ChunkedVec<RecordId>,
}

impl Producer {
    /// A producer writing to `topic` (an index into the scenario's topics), knowing the cluster's
    /// `initial` metadata.
    pub fn new(
        id: NodeId,
        config: ProducerConfig,
        topic: u16,
        initial: &[crate::metadata::PartitionMeta],
        brokers: u32,
    ) -> Self {
        let metadata = ClientMetadata::new(initial, &[topic], brokers);
        let partitions = metadata.partition_count(topic);
        let app = SendLoop::new(&config);
        // Kafka's rule (KIP-679, Kafka >= 3.0): idempotent unless `enable.idempotence=false`, or
        // unset with a setting that rules it out (acks other than all, retries=0, more than 5 in
        // flight) — then silently off. A transactional producer is always idempotent
        // (validation refuses the conflicts).
        let idempotent = config.transactional_id.is_some()
            || config.kafka_idempotence() == crate::scenario::Idempotence::On;
        let transactions = config.transactional_id.as_deref().map(Transactions::new);
        let bootstrap = initial
            .iter()
            .filter(|m| m.partition.topic == topic)
            .cloned()
            .collect();
        Producer {
            id,
            config,
            partitions,
            metadata,
            topic,
            bootstrap,
            app,
            refresh_scheduled: false,
            next_keyless_partition: 0,
            accumulator: FlatMap::new(),
            requests: Requests::default(),
            request_brokers: FlatMap::new(),
            in_flight_per_broker: FlatMap::new(),
            now: SimTime::ZERO,
            records: ChunkedVec::new(),
            acknowledged: 0,
            sent_unacknowledged: 0,
            failed: 0,
            brokers,
            restarts: 0,
            idempotence: idempotent.then(Idempotence::default),
            transactions,
            driven_by: None,
            sources: ChunkedVec::new(),
        }
    }

    /// This producer is the embedded client of the consume-transform-produce application on
    /// `application`: it sends what the application hands it, and nothing on its own.
    pub fn driven_by(mut self, application: NodeId) -> Self {
        self.driven_by = Some(application);
        self
    }

    /// The consume-transform-produce application driving it, if any.
    pub fn application(&self) -> Option<NodeId> {
        self.driven_by
    }

    /// Driven producers: the input record each of its records is the result of, by sequence.
    pub fn sources(&self) -> &ChunkedVec<RecordId> {
        &self.sources
    }

    /// A call from the application on the same process (see [`crate::effect::LocalCall`]).
    pub fn on_call(&mut self, now: SimTime, call: crate::effect::LocalCall, out: &mut Out) {
        use crate::effect::LocalCall;
        self.now = now;
        match call {
            LocalCall::Send { key, source } => {
                // In an abortable error (the producer is aborting on its own) or fenced,
                // send() throws: the record is never created.
                if self
                    .transactions
                    .as_ref()
                    .is_some_and(|t| matches!(t.phase, TxnPhase::Ending { .. } | TxnPhase::Fenced))
                {
                    return;
                }
                let seq = self.app.created_by_caller();
                self.sources.push(source);
                self.send(now, send_loop::Send { seq, key }, out);
                if let Some(txn) = &mut self.transactions {
                    txn.records.push(seq);
                }
            }
            LocalCall::SendOffsetsToTransaction {
                group,
                generation,
                member,
                offsets,
            } => self.send_offsets_to_transaction(group, generation, member, offsets),
            LocalCall::EndTransaction { commit } => self.end_transaction_called(commit, out),
            LocalCall::TransactionEnded { .. } | LocalCall::Fenced => {}
        }
        self.drain(now, out);
    }

    /// The transactional producer's state, if it has a `transactional.id`.
    pub fn transactions(&self) -> Option<&Transactions> {
        self.transactions.as_ref()
    }

    /// The idempotent producer's id and epoch, once assigned (`None` without idempotence).
    pub fn producer_id(&self) -> Option<(i64, i16)> {
        self.idempotence.as_ref().and_then(Idempotence::producer_id)
    }

    pub fn id(&self) -> NodeId {
        self.id
    }
    /// The topic it writes (index into the scenario's topics).
    pub fn topic(&self) -> u16 {
        self.topic
    }
    pub fn config(&self) -> &ProducerConfig {
        &self.config
    }
    /// Records the application has handed to `send()` so far.
    pub fn created(&self) -> u32 {
        self.app.created()
    }
    pub fn acknowledged(&self) -> u32 {
        self.acknowledged
    }
    /// acks=0 records sent (no acknowledgement ever comes for them).
    pub fn sent_unacknowledged(&self) -> u32 {
        self.sent_unacknowledged
    }
    pub fn failed(&self) -> u32 {
        self.failed
    }
    /// Each created record's state and partition, indexed by its sequence number.
    pub fn record_states(&self) -> &ChunkedVec<(RecordState, TopicPartition)> {
        &self.records
    }
    /// Every record created, and every one settled (acknowledged or failed).
    pub fn is_finished(&self) -> bool {
        let transactions_done = self.transactions.as_ref().is_none_or(|t| {
            t.phase == TxnPhase::Fenced || (t.phase == TxnPhase::Ready && t.records.is_empty())
        });
        self.app.is_done()
            && !self
                .requests
                .any(|r| matches!(r, ProducerRequest::Produce(_)))
            && self.accumulator.is_empty()
            && transactions_done
    }

    /// Asks for a producer id the way this producer does: from its transaction coordinator
    /// (`initTransactions()`), or from any broker (idempotent only).
    fn obtain_producer_id(&mut self, out: &mut Out) {
        if self.transactions.is_some() {
            self.init_transactions(out);
        } else {
            self.init_producer_id(out);
        }
    }

    pub fn on_start(&mut self, out: &mut Out) {
        match (&self.transactions, self.app.first_send()) {
            // The transactional application calls initTransactions() when it starts.
            (Some(_), Some(start)) if start > SimDuration::ZERO => {
                out.set_timer(start, Timer::TxnRetry)
            }
            _ => self.obtain_producer_id(out),
        }
        out.set_timer(
            SimDuration::from_ms(self.config.metadata_max_age_ms),
            Timer::MetadataMaxAge,
        );
        if let Some(first) = self.app.first_send() {
            out.set_timer(first, Timer::CreateRecord);
        }
    }

    /// A crashed producer starts again: a new process — fresh metadata, no requests in flight,
    /// an empty accumulator, new correlation ids. The application sends again every record it
    /// had not seen answered (the ones lost with the process): its own resend after a crash,
    /// which a broker cannot tell from a new record (a new producer, a new producer id), so a
    /// record that had in fact been appended lands twice. Then it goes on creating the rest.
    pub fn restart(&mut self, now: SimTime, out: &mut Out) {
        self.now = now;
        self.restarts += 1;
        self.requests = Requests::starting_at(u64::from(self.restarts) << 40);
        self.request_brokers.clear();
        self.accumulator.clear();
        self.in_flight_per_broker.clear();
        self.metadata = ClientMetadata::new(&self.bootstrap, &[self.topic], self.brokers);
        self.refresh_scheduled = false;
        // A new process is a new idempotent producer: it asks for a new producer id.
        if let Some(idempotence) = &mut self.idempotence {
            *idempotence = Idempotence::default();
        }
        if self.driven_by.is_some() {
            self.restart_driven(out);
            return;
        }
        // A transactional application redoes its unfinished transaction whole: the new
        // instance's initTransactions() has the first attempt aborted.
        let redo: FlatSet<u32> = match &mut self.transactions {
            Some(txn) if txn.phase != TxnPhase::Fenced => {
                let id = txn.transactional_id.clone();
                let (number, records) = (txn.number, std::mem::take(&mut txn.records));
                let (committed, aborted) = (txn.committed, txn.aborted);
                *txn = Transactions::new(&id);
                txn.number = number;
                txn.records = records.clone();
                txn.committed = committed;
                txn.aborted = aborted;
                records.into_iter().collect_by_insert()
            }
            _ => FlatSet::new(),
        };
        self.obtain_producer_id(out);
        let unanswered: Vec<(u32, TopicPartition)> = self
            .records
            .iter()
            .enumerate()
            .filter(|(seq, (state, _))| {
                matches!(state, RecordState::Queued | RecordState::InFlight)
                    || redo.contains(&(*seq as u32))
            })
            .map(|(seq, (_, tp))| (seq as u32, *tp))
            .collect();
        for (seq, tp) in unanswered {
            self.set_state(seq, RecordState::Queued);
            let key = self.app.key_of(seq);
            let record = ProducerRecord {
                id: RecordId {
                    producer: self.id.number(),
                    seq,
                },
                key,
            };
            self.enqueue(now, tp, record, out);
        }
        out.set_timer(
            SimDuration::from_ms(self.config.metadata_max_age_ms),
            Timer::MetadataMaxAge,
        );
        let transaction_full = self.transactions.as_ref().is_some_and(|t| {
            t.records.len() as u32 >= self.config.records_per_transaction
                || (self.app.is_done() && !t.records.is_empty())
        });
        match self.app.resume_after_restart() {
            Some(next) if !transaction_full => out.set_timer(next, Timer::CreateRecord),
            _ => {}
        }
        self.drain(now, out);
    }

    pub fn on_timer(&mut self, now: SimTime, timer: Timer, out: &mut Out) {
        self.now = now;
        match timer {
            Timer::CreateRecord => {
                if self
                    .transactions
                    .as_ref()
                    .is_some_and(|t| matches!(t.phase, TxnPhase::Ending { .. } | TxnPhase::Fenced))
                {
                    // The application is inside commitTransaction(), or stopped.
                    return;
                }
                let (send, next) = self.app.next_send();
                self.send(now, send, out);
                let go_on = self.record_in_transaction(send.seq, next.is_none());
                if let (Some(next), true) = (next, go_on) {
                    out.set_timer(next, Timer::CreateRecord);
                }
                self.drain(now, out);
            }
            Timer::TxnRetry => {
                self.txn_retry(out);
                self.drain(now, out);
            }
            Timer::RequestDeadline => {
                let expired = self.requests.expire(now, out);
                // Kafka's NetworkClient closes the connection of a timed-out request: every
                // request in flight on it fails too, and the next request opens a new connection
                // (a broken one had lost whatever followed a lost message).
                let mut failed = Vec::new();
                for (correlation, request) in expired {
                    let broker = self.request_brokers.remove(&correlation);
                    failed.push((correlation, request));
                    if let Some(broker) = broker {
                        failed.extend(self.close_connection(broker, out));
                    }
                }
                for (correlation, request) in failed {
                    self.on_request_timed_out(correlation, request, out);
                }
                self.drain(now, out);
            }
            Timer::RetryBackoffElapsed | Timer::LingerElapsed => self.drain(now, out),
            Timer::MetadataRefresh => {
                self.refresh_scheduled = false;
                self.refresh_metadata(out);
            }
            Timer::MetadataMaxAge => {
                out.set_timer(
                    SimDuration::from_ms(self.config.metadata_max_age_ms),
                    Timer::MetadataMaxAge,
                );
                self.refresh_metadata(out);
            }
            _ => {}
        }
    }

    pub fn on_message(&mut self, now: SimTime, message: Message, out: &mut Out) {
        self.now = now;
        if let Message::MetadataResponse {
            correlation,
            partitions,
        } = &message
        {
            if self.metadata.on_response(*correlation, partitions) {
                // New partitions (CreatePartitions): keys map over the new count from now on.
                self.partitions = self.metadata.partition_count(self.topic);
                self.drain(now, out);
            }
            return;
        }
        let coordinator_answer = match &message {
            Message::FindCoordinatorResponse { correlation, .. }
            | Message::AddPartitionsToTxnResponse { correlation, .. }
            | Message::AddOffsetsToTxnResponse { correlation, .. }
            | Message::TxnOffsetCommitResponse { correlation, .. }
            | Message::EndTxnResponse { correlation, .. } => Some(*correlation),
            Message::InitProducerIdResponse { correlation, .. } if self.transactions.is_some() => {
                Some(*correlation)
            }
            _ => None,
        };
        if let Some(correlation) = coordinator_answer {
            let awaited = matches!(
                self.requests.get(correlation),
                Some(
                    ProducerRequest::FindTxnCoordinator
                        | ProducerRequest::InitProducerId
                        | ProducerRequest::AddPartitions(_)
                        | ProducerRequest::AddOffsets
                        | ProducerRequest::FindGroupCoordinator
                        | ProducerRequest::TxnOffsetCommit
                        | ProducerRequest::EndTxn { .. }
                )
            );
            if let (true, Some(request)) = (awaited, self.answered(correlation)) {
                self.on_txn_response(request, message, out);
                self.drain(now, out);
            }
            return;
        }
        if let Message::InitProducerIdResponse {
            correlation,
            result: Ok((producer_id, producer_epoch)),
        } = message
        {
            let awaited = matches!(
                self.requests.get(correlation),
                Some(ProducerRequest::InitProducerId)
            );
            if awaited && self.idempotence.is_some() {
                self.answered(correlation);
            }
            if let (true, Some(idempotence)) = (awaited, &mut self.idempotence) {
                idempotence.assigned(producer_id, producer_epoch);
                out.trace(TraceKind::ProducerIdAssigned {
                    producer: self.id,
                    producer_id,
                    producer_epoch,
                });
                self.drain(now, out);
            }
            return;
        }
        let Message::ProduceResponse {
            correlation,
            partition,
            result,
        } = message
        else {
            return;
        };
        // A response to a request we already gave up on (timed out) is ignored, as in Kafka.
        let Some(done) = self.finish_request(correlation) else {
            return;
        };
        match result {
            Ok(base_offset) => self.acknowledge(partition, &done.batch, Some(base_offset), out),
            Err(error) => self.fail(now, done, error, out),
        }
        self.drain(now, out);
    }

    fn set_state(&mut self, seq: u32, state: RecordState) {
        if let Some(r) = self.records.get_mut(seq as usize) {
            r.0 = state;
        }
    }

    /// Starts awaiting an answer to `request`, sent to `broker`, which times out after
    /// `request.timeout.ms`.
    fn start_request(&mut self, broker: u32, request: ProducerRequest, out: &mut Out) -> u64 {
        let correlation = self.await_answer(request, out);
        self.request_brokers.insert(correlation, broker);
        correlation
    }

    /// Starts awaiting an answer to `request`, timed out after `request.timeout.ms`; the caller
    /// notes its broker once it is chosen.
    fn await_answer(&mut self, request: ProducerRequest, out: &mut Out) -> u64 {
        self.requests.start(
            self.now,
            SimDuration::from_ms(self.config.request_timeout_ms),
            request,
            out,
        )
    }

    /// The answer to `correlation` arrived: what the request was for, if it is still awaited.
    fn answered(&mut self, correlation: u64) -> Option<ProducerRequest> {
        self.request_brokers.remove(&correlation);
        self.requests.finish(correlation)
    }

    /// Closes the connection to `broker` (a request on it timed out): the requests still awaited
    /// on it, which fail with it, and a new connection for what is sent next.
    fn close_connection(&mut self, broker: u32, out: &mut Out) -> Vec<(u64, ProducerRequest)> {
        let on_it: Vec<u64> = self
            .request_brokers
            .iter()
            .filter(|(_, b)| **b == broker)
            .map(|(c, _)| *c)
            .collect();
        out.reconnect(NodeId::Broker(broker));
        on_it
            .into_iter()
            .filter_map(|c| self.answered(c).map(|r| (c, r)))
            .collect()
    }

    /// A request went unanswered for `request.timeout.ms` (or its connection was closed).
    fn on_request_timed_out(&mut self, correlation: u64, request: ProducerRequest, out: &mut Out) {
        match request {
            ProducerRequest::Produce(done) => {
                self.release_slot(done.broker);
                self.fail(self.now, done, KafkaError::RequestTimedOut, out);
            }
            ProducerRequest::Metadata => self.metadata.refresh_timed_out(correlation),
            ProducerRequest::InitProducerId if self.transactions.is_some() => {
                self.on_txn_error(KafkaError::RequestTimedOut, out)
            }
            ProducerRequest::InitProducerId => {
                if let Some(idempotence) = &mut self.idempotence {
                    idempotence.init_in_flight = None;
                }
                self.init_producer_id(out);
            }
            ProducerRequest::FindTxnCoordinator
            | ProducerRequest::AddPartitions(_)
            | ProducerRequest::AddOffsets
            | ProducerRequest::EndTxn { .. } => self.on_txn_error(KafkaError::RequestTimedOut, out),
            ProducerRequest::FindGroupCoordinator | ProducerRequest::TxnOffsetCommit => {
                self.group_coordinator_lost(out)
            }
        }
    }

    fn refresh_metadata(&mut self, out: &mut Out) {
        if self.metadata.is_refreshing() {
            return;
        }
        // The metadata client picks the broker to ask once it has the correlation id.
        let correlation = self.await_answer(ProducerRequest::Metadata, out);
        if let Some((to, request)) = self.metadata.refresh(correlation) {
            if let NodeId::Broker(broker) = to {
                self.request_brokers.insert(correlation, broker);
            }
            out.send(to, request);
        }
    }
}
