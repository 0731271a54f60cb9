//! The broker as a partition **leader**: it appends produce batches and answers by `acks`, keeps
//! the high watermark at the minimum LEO over the ISR (not advancing while the ISR is below
//! min(`min.insync.replicas`, RF): Kafka 3.7+), tracks each follower's LEO from its fetches, and
//! proposes ISR changes (AlterPartition) — dropping a follower behind the LEO for
//! `replica.lag.time.max.ms` (Kafka's `isCaughtUp`), adding back one that reached the HW and the
//! start of the current epoch.

use super::*;
use crate::log::SequenceCheck;
use crate::ordered::CollectByInsert;

impl Broker {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn on_produce(
        &mut self,
        client: NodeId,
        correlation: u64,
        partition: TopicPartition,
        acks: Acks,
        batch: ProducerBatchHeader,
        records: Vec<ProducerRecord>,
        out: &mut Out,
    ) {
        let refuse = |error: KafkaError, out: &mut Out| {
            if acks != Acks::None {
                out.send(
                    client,
                    Message::ProduceResponse {
                        correlation,
                        partition,
                        result: Err(error),
                    },
                );
            }
        };
        if let Err(error) = self.check_appendable(partition, acks == Acks::All) {
            return refuse(error, out);
        }
        let Some(replica) = self.replicas.get_mut(&partition) else {
            return;
        };
        let Role::Leader(state) = &replica.role else {
            return;
        };
        let ids: Vec<RecordId> = records.iter().map(|r| r.id).collect();
        // The idempotent producer's checks (KIP-98; `log::producer_state`).
        match replica
            .log
            .producer_state()
            .check(&batch, records.len() as u32)
        {
            SequenceCheck::Append => {}
            SequenceCheck::Refuse(error) => return refuse(error, out),
            SequenceCheck::Duplicate(original) => {
                out.trace(TraceKind::DuplicateBatch {
                    broker: self.id,
                    partition,
                    producer_id: batch.producer_id,
                    base_sequence: batch.base_sequence,
                    base_offset: original.base_offset,
                    records: ids,
                });
                // Answered as the original was: at once with acks=1, once the HW passes the
                // original batch with acks=all.
                let answer = PendingProduce {
                    client,
                    correlation,
                    partition,
                    base_offset: original.base_offset,
                    end_offset: original.end_offset(),
                    marker: false,
                };
                self.answer_by_acks(acks, answer, out);
                self.complete_produce(partition, out);
                return;
            }
        }
        let epoch = state.leader_epoch;
        let base_offset = replica.log.append(
            epoch,
            self.now,
            batch,
            records.iter().map(|r| (r.id, r.key)),
        );
        let end_offset = replica.log.log_end_offset();
        out.trace(TraceKind::Appended {
            broker: self.id,
            partition,
            base_offset,
            records: ids,
        });
        let answer = PendingProduce {
            client,
            correlation,
            partition,
            base_offset,
            end_offset,
            marker: false,
        };
        self.answer_by_acks(acks, answer, out);
        self.wake_follower_fetches(partition, out);
        self.update_high_watermark(partition, out);
    }

    /// The transaction coordinator asks this leader to write a COMMIT or ABORT marker for a
    /// producer (WriteTxnMarkers). It is appended as a control batch and answered once the HW has
    /// passed it (Kafka appends markers with acks=all). A marker of a newer producer epoch
    /// fences the older one on this partition.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn on_write_marker(
        &mut self,
        coordinator: NodeId,
        correlation: u64,
        partition: TopicPartition,
        producer: ProducerBatchHeader,
        control: crate::log::ControlType,
        out: &mut Out,
    ) {
        let refuse = |error, out: &mut Out| {
            out.send(
                coordinator,
                Message::WriteTxnMarkersResponse {
                    correlation,
                    partition,
                    result: Err(error),
                },
            )
        };
        // Markers are appended with acks=all.
        if let Err(error) = self.check_appendable(partition, true) {
            return refuse(error, out);
        }
        let Some(replica) = self.replicas.get_mut(&partition) else {
            return;
        };
        let Role::Leader(state) = &replica.role else {
            return;
        };
        // A marker of an older producer epoch than this partition has seen is refused
        // (`ProducerAppendInfo.appendEndTxnMarker`'s epoch check).
        let known_epoch = replica
            .log
            .producer_state()
            .entry(producer.producer_id)
            .map(|e| e.epoch);
        if known_epoch.is_some_and(|e| producer.producer_epoch < e) {
            return refuse(KafkaError::InvalidProducerEpoch, out);
        }
        let epoch = state.leader_epoch;
        let offset = replica
            .log
            .append_control(epoch, self.now, producer, control);
        out.trace(TraceKind::TxnMarkerWritten {
            broker: self.id,
            partition,
            producer_id: producer.producer_id,
            control,
            offset,
        });
        self.pending_produce.push(PendingProduce {
            client: coordinator,
            correlation,
            partition,
            base_offset: offset,
            end_offset: offset + 1,
            marker: true,
        });
        self.wake_follower_fetches(partition, out);
        self.update_high_watermark(partition, out);
    }

    /// Whether this broker may append to `tp` now: it leads it, and (for an acks=all append) its
    /// ISR has min(`min.insync.replicas`, RF) members — `NOT_ENOUGH_REPLICAS` otherwise.
    fn check_appendable(&self, tp: TopicPartition, acks_all: bool) -> Result<(), KafkaError> {
        let Some(Replica {
            role: Role::Leader(state),
            ..
        }) = self.replicas.get(&tp)
        else {
            return Err(KafkaError::NotLeaderOrFollower);
        };
        if acks_all && state.isr.len() < self.config.effective_min_insync_replicas(tp) {
            return Err(KafkaError::NotEnoughReplicas);
        }
        Ok(())
    }

    /// Answers an appended (or recognised) batch as `acks` asks: not at all (acks=0), at once
    /// (acks=1), or once the HW passes its end (acks=all).
    fn answer_by_acks(&mut self, acks: Acks, answer: PendingProduce, out: &mut Out) {
        match acks {
            Acks::None => {}
            Acks::Leader => out.send(
                answer.client,
                Message::ProduceResponse {
                    correlation: answer.correlation,
                    partition: answer.partition,
                    result: Ok(answer.base_offset),
                },
            ),
            Acks::All => self.pending_produce.push(answer),
        }
    }

    /// Recomputes a leader's HW from its ISR's LEOs, then completes what waited for it.
    pub(super) fn update_high_watermark(&mut self, tp: TopicPartition, out: &mut Out) {
        let me = self.number();
        let gate = self.config.effective_min_insync_replicas(tp);
        let Some(replica) = self.replicas.get_mut(&tp) else {
            return;
        };
        let Role::Leader(state) = &replica.role else {
            return;
        };
        let isr = state.maximal_isr();
        let leo = replica.log.log_end_offset();
        let candidate = isr
            .iter()
            .map(|b| {
                if *b == me {
                    leo
                } else {
                    state.followers.get(b).map_or(0, |f| f.log_end_offset)
                }
            })
            .min()
            .unwrap_or(leo);
        let isr_size = state.isr.len();
        if isr_size >= gate && replica.log.advance_high_watermark(candidate) {
            out.trace(TraceKind::HighWatermark {
                broker: self.id,
                partition: tp,
                high_watermark: replica.log.high_watermark(),
            });
            self.complete_produce(tp, out);
            self.wake_consumer_fetches(tp, out);
        }
    }

    pub(super) fn complete_produce(&mut self, tp: TopicPartition, out: &mut Out) {
        let Some(replica) = self.replicas.get(&tp) else {
            return;
        };
        let Role::Leader(state) = &replica.role else {
            return;
        };
        let hw = replica.log.high_watermark();
        let enough = state.isr.len() >= self.config.effective_min_insync_replicas(tp);
        let (done, waiting): (Vec<_>, Vec<_>) = std::mem::take(&mut self.pending_produce)
            .into_iter()
            .partition(|p| p.partition == tp && p.end_offset <= hw);
        self.pending_produce = waiting;
        for p in done {
            let result = if enough {
                Ok(p.base_offset)
            } else {
                Err(KafkaError::NotEnoughReplicasAfterAppend)
            };
            out.send(p.client, p.answer(result));
        }
    }

    pub(super) fn check_isr(&mut self, now: SimTime, out: &mut Out) {
        let me = self.number();
        let lag_max = self.config.replica_lag_time_max;
        let mut proposals = Vec::new();
        let mut any_leader = false;
        for (tp, replica) in &self.replicas {
            let Role::Leader(state) = &replica.role else {
                continue;
            };
            let leo = replica.log.log_end_offset();
            any_leader = true;
            if state.pending_isr.is_some() {
                continue;
            }
            let lagging: FlatSet<u32> = state
                .isr
                .iter()
                .filter(|b| **b != me)
                .filter(|b| {
                    // Kafka's `isCaughtUp`: a follower at the leader's LEO is in sync however
                    // long ago it last fetched (an idle partition keeps its ISR); only a
                    // follower behind the leader is judged by `replica.lag.time.max.ms`.
                    state.followers.get(b).is_none_or(|f| {
                        f.log_end_offset < leo && now.since(f.last_caught_up) > lag_max
                    })
                })
                .copied()
                .collect_by_insert();
            if !lagging.is_empty() {
                let isr: FlatSet<u32> = state.isr.difference(&lagging).copied().collect_by_insert();
                proposals.push((*tp, isr));
            }
        }
        for (tp, isr) in proposals {
            self.propose_isr(tp, isr, out);
        }
        if any_leader {
            out.set_timer(self.isr_check_interval(), Timer::IsrCheck);
        }
    }

    pub(super) fn propose_isr(&mut self, tp: TopicPartition, isr: FlatSet<u32>, out: &mut Out) {
        let correlation = self.correlation(Pending::AlterPartition(tp), out);
        let Some(Replica {
            role: Role::Leader(state),
            ..
        }) = self.replicas.get_mut(&tp)
        else {
            return;
        };
        state.pending_isr = Some(isr.clone());
        out.send(
            NodeId::Controller(1),
            Message::AlterPartitionRequest {
                correlation,
                partition: tp,
                leader_epoch: state.leader_epoch,
                partition_epoch: state.partition_epoch,
                isr,
            },
        );
    }

    pub(super) fn on_alter_partition_response(
        &mut self,
        tp: TopicPartition,
        result: Result<PartitionMeta, KafkaError>,
        out: &mut Out,
    ) {
        let Some(Replica {
            role: Role::Leader(state),
            ..
        }) = self.replicas.get_mut(&tp)
        else {
            return;
        };
        state.pending_isr = None;
        if let Ok(meta) = result {
            if meta.leader_epoch == state.leader_epoch {
                state.isr = meta.isr;
                state.partition_epoch = meta.partition_epoch;
            }
        }
        self.update_high_watermark(tp, out);
        // A produce that waited while the ISR changed may now be answered. Since Kafka 3.7
        // (KAFKA-15583) the HW does not advance while the ISR is below min.insync.replicas, so a
        // shrink after the append leaves the request waiting until REQUEST_TIMED_OUT; before 3.7
        // it was answered NOT_ENOUGH_REPLICAS_AFTER_APPEND. The engine follows 3.7+; the check
        // in `complete_produce` keeps Kafka's code path for an HW that passed the batch first.
        self.complete_produce(tp, out);
    }

    /// A follower's fetch tells the leader its LEO: update progress, maybe expand the ISR,
    /// maybe advance the HW.
    pub(super) fn record_follower_fetch(
        &mut self,
        now: SimTime,
        follower: u32,
        pos: &FetchPosition,
        out: &mut Out,
    ) {
        let tp = pos.partition;
        let Some(replica) = self.replicas.get_mut(&tp) else {
            return;
        };
        let leo = replica.log.log_end_offset();
        let hw = replica.log.high_watermark();
        let epoch_start = replica
            .log
            .epoch_starts()
            .last()
            .map_or(0, |(_, start)| *start);
        let Role::Leader(state) = &mut replica.role else {
            return;
        };
        if pos.current_leader_epoch != Some(state.leader_epoch) {
            return;
        }
        let Some(progress) = state.followers.get_mut(&follower) else {
            return;
        };
        progress.log_end_offset = pos.offset.min(leo);
        // Kafka's rule: caught up if it fetched to our end now, or to where our end was at its
        // previous fetch (then it was caught up as of that fetch).
        if pos.offset >= leo {
            progress.last_caught_up = now;
        } else if pos.offset >= progress.leader_end_at_last_fetch {
            progress.last_caught_up = progress.last_caught_up.max(progress.last_fetch);
        }
        progress.last_fetch = now;
        progress.leader_end_at_last_fetch = leo;
        let rejoin = !state.isr.contains(&follower)
            && state.pending_isr.is_none()
            && pos.offset >= hw
            && pos.offset >= epoch_start;
        let expanded: FlatSet<u32> = state
            .isr
            .iter()
            .copied()
            .chain([follower])
            .collect_by_insert();
        if rejoin {
            self.propose_isr(tp, expanded, out);
        }
        self.update_high_watermark(tp, out);
    }

    pub(super) fn isr_check_interval(&self) -> SimDuration {
        SimDuration(self.config.replica_lag_time_max.as_micros() / 2)
    }

    pub(super) fn fail_pending_produce(&mut self, tp: TopicPartition, out: &mut Out) {
        let (failed, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut self.pending_produce)
            .into_iter()
            .partition(|p| p.partition == tp);
        self.pending_produce = kept;
        for p in failed {
            out.send(p.client, p.answer(Err(KafkaError::NotLeaderOrFollower)));
        }
    }
}
