//! The idempotent producer's side of KIP-98: its producer id and epoch, and a sequence number per
//! partition for every batch.
//!
//! Kafka ≥ 3.0 runs every producer idempotent unless it is configured against it (KIP-679;
//! [`crate::scenario::ProducerConfig::kafka_idempotence`]). Before its first send the producer
//! asks any broker for a producer id (`InitProducerId`). Each batch gets the next sequence
//! numbers of its partition when it is first sent, and keeps them on every retry, so a leader —
//! or a newly elected one, which rebuilt the producer's state from the replicated batches —
//! recognises a resend of a batch it already has and answers with the original offset instead of
//! appending a duplicate.
//!
//! With several requests in flight (at most 5), a batch that fails makes the ones behind it fail
//! with `OUT_OF_ORDER_SEQUENCE_NUMBER` at the broker; the producer retries those, in sequence
//! order (Kafka's `TransactionManager.canRetry` and `insertInSequenceOrder`), so the partition's
//! order holds. An out-of-order error for the very next sequence means the leader lost what came
//! before (a real gap): Kafka ≥ 2.5 bumps the producer epoch then (KIP-360); **here the producer
//! asks for a new producer id instead** (what Kafka did before 2.5), and batches not yet sent get
//! new sequence numbers under it. A batch given up on after it was sent (delivery.timeout.ms)
//! leaves its sequence unresolved; Kafka bumps the epoch once nothing is in flight, which is not
//! modelled: the batches behind it are retried until their own delivery timeout.
//!
//! A restarted producer process is a new producer with a new producer id: an application resend
//! after a crash is not recognised, and can duplicate (idempotence covers one producer session).
//!
//! Not modelled yet: a retry of a batch older than the 5 batches the leader remembers (its
//! response was lost while 5 later batches were appended) is refused as out of order here, and
//! the producer gives the batch up although the log holds it. Kafka's client treats the broker's
//! `DUPLICATE_SEQUENCE_NUMBER` for such a batch as success with an unknown offset.

use super::{Producer, ProducerRequest};
use crate::effect::Out;
use crate::flat::FlatMap;
use crate::ids::{NodeId, TopicPartition};
use crate::log::ProducerBatchHeader;
use crate::message::Message;

/// A batch's producer id and first sequence, fixed when it is first sent.
pub type BatchSequence = (i64, i32);

#[derive(Clone, Debug, Default)]
pub struct Idempotence {
    /// The producer id and epoch, once a broker has answered `InitProducerId`.
    id: Option<(i64, i16)>,
    /// The `InitProducerId` request in flight.
    pub init_in_flight: Option<u64>,
    /// Per partition: the next sequence to give a batch.
    next_sequence: FlatMap<TopicPartition, i32>,
    /// Per partition: the sequence after the last acknowledged batch.
    acknowledged_through: FlatMap<TopicPartition, i32>,
}

impl Idempotence {
    pub fn producer_id(&self) -> Option<(i64, i16)> {
        self.id
    }

    /// A broker answered `InitProducerId`: batches may be sent; sequences start at 0.
    pub fn assigned(&mut self, producer_id: i64, producer_epoch: i16) {
        self.reset();
        self.id = Some((producer_id, producer_epoch));
        self.init_in_flight = None;
    }

    /// Forgets the producer id (a new one is needed: see the module docs).
    pub fn reset(&mut self) {
        self.id = None;
        self.next_sequence.clear();
        self.acknowledged_through.clear();
    }

    /// The header for a batch of `count` records to `tp`, giving it sequences on its first send
    /// (or when the producer id changed since).
    pub fn header(
        &mut self,
        tp: TopicPartition,
        sequence: &mut Option<BatchSequence>,
        count: u32,
    ) -> ProducerBatchHeader {
        let Some((producer_id, producer_epoch)) = self.id else {
            return ProducerBatchHeader::PLAIN;
        };
        let base_sequence = match *sequence {
            Some((pid, seq)) if pid == producer_id => seq,
            _ => {
                let next = self.next_sequence.entry(tp).or_insert(0);
                let seq = *next;
                *next = next.wrapping_add(count as i32);
                *sequence = Some((producer_id, seq));
                seq
            }
        };
        ProducerBatchHeader {
            producer_id,
            producer_epoch,
            base_sequence,
            transactional: false,
        }
    }

    /// A batch was acknowledged.
    pub fn acknowledged(
        &mut self,
        tp: TopicPartition,
        sequence: Option<BatchSequence>,
        count: u32,
    ) {
        if let (Some((pid, seq)), Some((current, _))) = (sequence, self.id) {
            if pid == current {
                let through = self.acknowledged_through.entry(tp).or_insert(0);
                *through = (*through).max(seq.wrapping_add(count as i32));
            }
        }
    }

    /// Where this batch's first sequence stands against the partition's next unacknowledged
    /// one (`None`: it has no sequence under the current producer id).
    fn against_acknowledged(
        &self,
        tp: TopicPartition,
        sequence: Option<BatchSequence>,
    ) -> Option<std::cmp::Ordering> {
        match (sequence, self.id) {
            (Some((pid, seq)), Some((current, _))) if pid == current => {
                Some(seq.cmp(&self.acknowledged_through.get(&tp).copied().unwrap_or(0)))
            }
            _ => None,
        }
    }

    /// Whether this batch holds the partition's next unacknowledged sequence.
    pub fn is_next(&self, tp: TopicPartition, sequence: Option<BatchSequence>) -> bool {
        self.against_acknowledged(tp, sequence) == Some(std::cmp::Ordering::Equal)
    }

    /// Whether an `OUT_OF_ORDER_SEQUENCE_NUMBER` for this batch only means an earlier batch of
    /// its partition is still unresolved (so it is retried in order behind it).
    pub fn waits_for_earlier(&self, tp: TopicPartition, sequence: Option<BatchSequence>) -> bool {
        self.against_acknowledged(tp, sequence) == Some(std::cmp::Ordering::Greater)
    }
}

impl Producer {
    /// Asks a broker for a producer id, if idempotent and none is held or asked for.
    pub(super) fn init_producer_id(&mut self, out: &mut Out) {
        let Some(idempotence) = &self.idempotence else {
            return;
        };
        if idempotence.producer_id().is_some() || idempotence.init_in_flight.is_some() {
            return;
        }
        let broker = self.metadata.next_broker();
        let correlation = self.start_request(broker, ProducerRequest::InitProducerId, out);
        out.send(
            NodeId::Broker(broker),
            Message::InitProducerIdRequest {
                correlation,
                transactional_id: None,
                transaction_timeout_ms: self.config.transaction_timeout_ms,
                current: None,
            },
        );
        if let Some(idempotence) = &mut self.idempotence {
            idempotence.init_in_flight = Some(correlation);
        }
    }

    /// An unresolved sequence: drop the producer id and ask for a new one (see
    /// [the module docs](self)); batches not yet acknowledged get new sequences under it.
    pub(super) fn new_producer_id(&mut self, out: &mut Out) {
        if let Some(idempotence) = &mut self.idempotence {
            if idempotence.producer_id().is_some() {
                idempotence.reset();
                self.init_producer_id(out);
            }
        }
    }
}
