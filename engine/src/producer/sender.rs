//! The producer's accumulator and sender (Kafka's `RecordAccumulator` and `Sender`): `send()`
//! adds a record to its partition's newest batch; the sender ships each partition's oldest ready
//! batch to its leader while fewer than `max.in.flight.requests.per.connection` requests are
//! outstanding to that broker; an answer acknowledges the batch's records.

use super::*;

impl Producer {
    /// The application's `send()`: the record joins its partition's batch in the accumulator.
    pub(super) fn send(&mut self, now: SimTime, send: Send, out: &mut Out) {
        let Send { seq, key } = send;
        let partition = match key {
            Some(k) => partition_for_key(&key_bytes(k), self.partitions),
            None => self.next_keyless_partition,
        };
        let tp = TopicPartition {
            topic: self.topic,
            partition: partition as u16,
        };
        let id = RecordId {
            producer: self.id.number(),
            seq,
        };
        self.records.push((RecordState::Queued, tp));
        out.trace(TraceKind::RecordCreated {
            producer: self.id,
            record: id,
            partition: tp,
        });
        self.enqueue(now, tp, ProducerRecord { id, key }, out);
    }

    /// Appends a record to its partition's newest batch in the accumulator, or starts a batch.
    pub(super) fn enqueue(
        &mut self,
        now: SimTime,
        tp: TopicPartition,
        record: ProducerRecord,
        out: &mut Out,
    ) {
        let queue = self.accumulator.entry(tp).or_default();
        match queue.back_mut() {
            Some(b) if b.attempts == 0 && (b.records.len() as u32) < self.config.batch_records => {
                b.records.push(record)
            }
            _ => {
                queue.push_back(Batch {
                    records: vec![record],
                    created_at: now,
                    ready_at: now,
                    attempts: 0,
                    sequence: None,
                });
                if self.config.linger_ms > 0 {
                    out.set_timer(
                        SimDuration::from_ms(self.config.linger_ms),
                        Timer::LingerElapsed,
                    );
                }
            }
        }
    }

    /// The sender: ship every ready batch the in-flight limit allows, oldest first per partition.
    /// Batches for a partition without a known leader wait for a metadata refresh.
    pub(super) fn drain(&mut self, now: SimTime, out: &mut Out) {
        self.expire_batches(now, out);
        if self
            .idempotence
            .as_ref()
            .is_some_and(|i| i.producer_id().is_none())
        {
            // No batch leaves before the producer has its id.
            self.obtain_producer_id(out);
            return;
        }
        // A transactional batch leaves once its partition is in the transaction.
        self.add_partitions_to_txn(out);
        self.send_txn_offsets(out);
        self.maybe_end_transaction(out);
        let partitions: Vec<TopicPartition> = self.accumulator.keys().copied().collect();
        let mut leaderless = false;
        for tp in partitions {
            if self.transactions.as_ref().is_some_and(|t| !t.may_send(tp)) {
                continue;
            }
            let Some(broker) = self.metadata.leader(tp) else {
                leaderless = true;
                continue;
            };
            loop {
                let in_flight = self.in_flight_per_broker.get(&broker).copied().unwrap_or(0);
                if in_flight >= self.config.max_in_flight {
                    break;
                }
                let Some(queue) = self.accumulator.get_mut(&tp) else {
                    break;
                };
                let linger = SimDuration::from_ms(self.config.linger_ms);
                let batch_records = self.config.batch_records;
                if queue
                    .front()
                    .is_none_or(|b| !b.is_sendable(now, linger, batch_records))
                {
                    break;
                }
                let mut batch = queue.pop_front().expect("front checked above");
                if queue.is_empty() {
                    self.accumulator.remove(&tp);
                }
                batch.attempts += 1;
                self.send_batch(tp, broker, batch, out);
            }
        }
        if leaderless && !self.refresh_scheduled && !self.metadata.is_refreshing() {
            self.refresh_scheduled = true;
            out.set_timer(
                SimDuration::from_ms(self.config.retry_backoff_ms),
                Timer::MetadataRefresh,
            );
        }
    }

    pub(super) fn send_batch(
        &mut self,
        tp: TopicPartition,
        broker: u32,
        mut batch: Batch,
        out: &mut Out,
    ) {
        let mut header = match &mut self.idempotence {
            Some(idempotence) => {
                idempotence.header(tp, &mut batch.sequence, batch.records.len() as u32)
            }
            None => crate::log::ProducerBatchHeader::PLAIN,
        };
        header.transactional = self.transactions.is_some();
        // Sticky partitioning for keyless records: move on once the sticky partition's batch leaves.
        if self.config.keys == 0 && u32::from(tp.partition) == self.next_keyless_partition {
            self.next_keyless_partition = (self.next_keyless_partition + 1) % self.partitions;
        }
        let records = batch.records.clone();
        let correlation = if self.config.acks == Acks::None {
            self.requests.untracked()
        } else {
            for r in &batch.records {
                self.set_state(r.id.seq, RecordState::InFlight);
            }
            *self.in_flight_per_broker.entry(broker).or_default() += 1;
            self.start_request(
                broker,
                ProducerRequest::Produce(InFlight {
                    partition: tp,
                    broker,
                    batch: batch.clone(),
                }),
                out,
            )
        };
        out.send(
            NodeId::Broker(broker),
            Message::ProduceRequest {
                correlation,
                partition: tp,
                acks: self.config.acks,
                batch: header,
                records,
            },
        );
        if self.config.acks == Acks::None {
            // No response will come: the send completes as soon as the request is written.
            self.acknowledge(tp, &batch, None, out);
        }
    }

    /// The produce request `correlation` is answered: what it carried, if still awaited.
    pub(super) fn finish_request(&mut self, correlation: u64) -> Option<InFlight> {
        match self.requests.get(correlation) {
            Some(ProducerRequest::Produce(_)) => {}
            _ => return None,
        }
        let Some(ProducerRequest::Produce(done)) = self.answered(correlation) else {
            return None;
        };
        self.release_slot(done.broker);
        Some(done)
    }

    /// One fewer request in flight to `broker`.
    pub(super) fn release_slot(&mut self, broker: u32) {
        if let Some(n) = self.in_flight_per_broker.get_mut(&broker) {
            *n -= 1;
        }
    }

    pub(super) fn acknowledge(
        &mut self,
        tp: TopicPartition,
        batch: &Batch,
        base: Option<u64>,
        out: &mut Out,
    ) {
        if let Some(idempotence) = &mut self.idempotence {
            idempotence.acknowledged(tp, batch.sequence, batch.records.len() as u32);
        }
        for (i, r) in batch.records.iter().enumerate() {
            self.set_state(
                r.id.seq,
                match base {
                    Some(b) => RecordState::Acknowledged {
                        offset: Some(b + i as u64),
                    },
                    None => RecordState::Sent,
                },
            );
        }
        if base.is_some() {
            self.acknowledged += batch.records.len() as u32;
        } else {
            self.sent_unacknowledged += batch.records.len() as u32;
        }
        out.trace(TraceKind::Acknowledged {
            producer: self.id,
            partition: tp,
            base_offset: base,
            records: batch.records.iter().map(|r| r.id).collect(),
        });
    }
}
