//! A producer's failed sends: which are retried (after a backoff, in sequence order for the
//! idempotent producer) and which are given up — by `retries`, `delivery.timeout.ms` in the
//! accumulator, or an error that is not retried. Kafka's `Sender.completeBatch`,
//! `RecordAccumulator.expiredBatches` and, for the idempotent producer,
//! `TransactionManager.canRetry`.

use super::{InFlight, Producer, RecordState};
use crate::effect::{Out, Timer};
use crate::message::KafkaError;
use crate::time::{SimDuration, SimTime};
use crate::trace::TraceKind;

/// The wait before a batch's next attempt (KIP-580's exponential backoff without jitter):
/// `retry.backoff.ms × 2^(failed attempts − 1)`, at most `retry.backoff.max.ms` (and never less
/// than `retry.backoff.ms`, as Kafka's `ExponentialBackoff` treats a smaller maximum).
pub fn retry_backoff(base_ms: u64, max_ms: u64, failed_attempts: u32) -> SimDuration {
    let exponent = failed_attempts.saturating_sub(1).min(32);
    let grown = base_ms.saturating_mul(1u64 << exponent);
    SimDuration::from_ms(grown.min(max_ms.max(base_ms)))
}

impl Producer {
    /// Batches that waited in the accumulator past `delivery.timeout.ms` fail (Kafka expires
    /// them there too, e.g. while their partition has no leader).
    pub(super) fn expire_batches(&mut self, now: SimTime, out: &mut Out) {
        let limit = SimDuration::from_ms(self.config.delivery_timeout_ms);
        let mut expired = Vec::new();
        for (tp, queue) in self.accumulator.iter_mut() {
            while queue
                .front()
                .is_some_and(|b| now.since(b.created_at) >= limit)
            {
                expired.push((*tp, queue.pop_front().expect("front checked")));
            }
        }
        self.accumulator.retain(|_, q| !q.is_empty());
        let any_expired = !expired.is_empty();
        for (tp, batch) in expired {
            out.trace(TraceKind::ProduceFailed {
                producer: self.id,
                partition: tp,
                error: KafkaError::RequestTimedOut,
                records: batch.records.iter().map(|r| r.id).collect(),
                retrying: false,
            });
            for r in &batch.records {
                self.set_state(r.id.seq, RecordState::Failed);
            }
            self.failed += batch.records.len() as u32;
        }
        if any_expired && self.transactions.is_some() {
            // For a transaction that is an abortable error too.
            self.transaction_failed(KafkaError::RequestTimedOut, out);
        }
    }

    pub(super) fn fail(&mut self, now: SimTime, done: InFlight, error: KafkaError, out: &mut Out) {
        let InFlight {
            partition,
            mut batch,
            ..
        } = done;
        let transactional = self.transactions.is_some();
        let retries_left = batch.attempts <= self.config.retries;
        let within_delivery_timeout =
            now.since(batch.created_at) < SimDuration::from_ms(self.config.delivery_timeout_ms);
        // An out-of-order answer behind an unresolved earlier batch is retried in order.
        let behind_earlier = error == KafkaError::OutOfOrderSequenceNumber
            && self
                .idempotence
                .as_ref()
                .is_some_and(|i| i.waits_for_earlier(partition, batch.sequence));
        let retrying =
            (error.is_retriable() || behind_earlier) && retries_left && within_delivery_timeout;
        if error.needs_metadata_refresh() {
            self.metadata.forget_leader(partition);
        }
        out.trace(TraceKind::ProduceFailed {
            producer: self.id,
            partition,
            error,
            records: batch.records.iter().map(|r| r.id).collect(),
            retrying,
        });
        if retrying {
            for r in &batch.records {
                self.set_state(r.id.seq, RecordState::Queued);
            }
            let backoff = retry_backoff(
                self.config.retry_backoff_ms,
                self.config.retry_backoff_max_ms,
                batch.attempts,
            );
            batch.ready_at = now + backoff;
            let queue = self.accumulator.entry(partition).or_default();
            // Retried batches go back in sequence order (Kafka's `insertInSequenceOrder`).
            let at = match batch.sequence {
                Some((_, seq)) => queue
                    .iter()
                    .take_while(|b| b.sequence.is_some_and(|(_, s)| s < seq))
                    .count(),
                None => 0,
            };
            queue.insert(at, batch);
            out.set_timer(backoff, Timer::RetryBackoffElapsed);
        } else {
            for r in &batch.records {
                self.set_state(r.id.seq, RecordState::Failed);
            }
            self.failed += batch.records.len() as u32;
            let gap = error == KafkaError::OutOfOrderSequenceNumber
                && self
                    .idempotence
                    .as_ref()
                    .is_some_and(|i| i.is_next(partition, batch.sequence));
            if transactional {
                // An abortable error for the transaction (INVALID_PRODUCER_EPOCH included, since
                // Kafka 2.7: the EndTxn that follows finds out whether the producer is fenced).
                self.transaction_failed(error, out);
            } else if gap {
                // The very next sequence refused: the leader lost what came before (a real gap).
                // (A transactional producer cannot change its id: its transaction aborts.)
                self.new_producer_id(out);
            }
        }
    }
}
