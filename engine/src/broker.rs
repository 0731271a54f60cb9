//! A Kafka broker: partition leader, fetch server, and group offset store.
//!
//! As partition **leader** it appends produce batches to the log and answers according to `acks`:
//! `acks=0` gets no response, `acks=1` is answered after the local append, and `acks=all` once the
//! high watermark has passed the batch (Kafka documentation, Design: Replication). With the
//! in-sync replica set holding only the leader (replication.factor = 1) the HW follows the LEO at
//! once; the acks=all path already waits on the HW, so followers slot in without changing it.
//!
//! As **fetch server** it hands out committed records (below the HW) and, when there is nothing to
//! read, holds the request up to `fetch.max.wait.ms` (`fetch.min.bytes=1`), answering early as soon
//! as the HW moves: Kafka's long poll.
//!
//! As **group coordinator** it stores each group's committed offsets (the *next* offset to read),
//! the role of the `__consumer_offsets` partition's leader (see [`crate::placement`]).

use crate::effect::{Out, Timer};
use crate::ids::{NodeId, RecordId, TopicPartition};
use crate::log::PartitionLog;
use crate::message::{Acks, FetchedPartition, KafkaError, Message, OffsetSpec};
use crate::time::{SimDuration, SimTime};
use crate::trace::TraceKind;
use std::collections::BTreeMap;

#[derive(Clone, Debug)]
pub struct Replica {
    pub log: PartitionLog,
    pub leader_epoch: u32,
    pub is_leader: bool,
}

/// An acks=all produce request waiting for the HW to pass its batch.
#[derive(Clone, Debug)]
struct PendingProduce {
    client: NodeId,
    correlation: u64,
    partition: TopicPartition,
    base_offset: u64,
    end_offset: u64,
}

/// A fetch held until data is readable or `fetch.max.wait.ms` passes.
#[derive(Clone, Debug)]
struct ParkedFetch {
    client: NodeId,
    correlation: u64,
    partitions: Vec<(TopicPartition, u64)>,
    max_records: u32,
}

#[derive(Clone, Debug)]
pub struct Broker {
    id: NodeId,
    replicas: BTreeMap<TopicPartition, Replica>,
    pending_produce: Vec<PendingProduce>,
    parked_fetches: Vec<ParkedFetch>,
    /// Committed offsets per (group, partition), for groups this broker coordinates.
    group_offsets: BTreeMap<(String, TopicPartition), u64>,
}

impl Broker {
    pub fn new(id: NodeId, leads: impl IntoIterator<Item = TopicPartition>) -> Self {
        let replicas = leads
            .into_iter()
            .map(|tp| {
                (
                    tp,
                    Replica {
                        log: PartitionLog::default(),
                        leader_epoch: 0,
                        is_leader: true,
                    },
                )
            })
            .collect();
        Broker {
            id,
            replicas,
            pending_produce: Vec::new(),
            parked_fetches: Vec::new(),
            group_offsets: BTreeMap::new(),
        }
    }

    pub fn id(&self) -> NodeId {
        self.id
    }

    pub fn replicas(&self) -> &BTreeMap<TopicPartition, Replica> {
        &self.replicas
    }

    pub fn replica(&self, tp: TopicPartition) -> Option<&Replica> {
        self.replicas.get(&tp)
    }

    pub fn committed_offset(&self, group: &str, tp: TopicPartition) -> Option<u64> {
        self.group_offsets.get(&(group.to_string(), tp)).copied()
    }

    pub fn group_offsets(&self) -> &BTreeMap<(String, TopicPartition), u64> {
        &self.group_offsets
    }

    pub fn on_message(&mut self, now: SimTime, from: NodeId, message: Message, out: &mut Out) {
        let _ = now;
        match message {
            Message::ProduceRequest {
                correlation,
                partition,
                acks,
                records,
            } => self.on_produce(from, correlation, partition, acks, records, out),
            Message::FetchRequest {
                correlation,
                partitions,
                max_wait_ms,
                max_records,
            } => self.on_fetch(from, correlation, partitions, max_wait_ms, max_records, out),
            Message::ListOffsetsRequest {
                correlation,
                partitions,
                spec,
            } => {
                let offsets = partitions
                    .into_iter()
                    .filter_map(|tp| {
                        let log = &self.replicas.get(&tp)?.log;
                        // LATEST for a read_uncommitted consumer is the high watermark.
                        Some(match spec {
                            OffsetSpec::Earliest => (tp, log.log_start_offset()),
                            OffsetSpec::Latest => (tp, log.high_watermark()),
                        })
                    })
                    .collect();
                out.send(
                    from,
                    Message::ListOffsetsResponse {
                        correlation,
                        offsets,
                    },
                );
            }
            Message::OffsetCommitRequest {
                correlation,
                group,
                offsets,
            } => {
                for (tp, offset) in &offsets {
                    self.group_offsets.insert((group.clone(), *tp), *offset);
                    out.trace(TraceKind::OffsetCommitted {
                        coordinator: self.id,
                        group: group.clone(),
                        partition: *tp,
                        offset: *offset,
                    });
                }
                out.send(
                    from,
                    Message::OffsetCommitResponse {
                        correlation,
                        offsets,
                    },
                );
            }
            Message::OffsetFetchRequest {
                correlation,
                group,
                partitions,
            } => {
                let offsets = partitions
                    .into_iter()
                    .map(|tp| (tp, self.committed_offset(&group, tp)))
                    .collect();
                out.send(
                    from,
                    Message::OffsetFetchResponse {
                        correlation,
                        offsets,
                    },
                );
            }
            // Responses are never addressed to a broker in this model.
            Message::ProduceResponse { .. }
            | Message::FetchResponse { .. }
            | Message::ListOffsetsResponse { .. }
            | Message::OffsetCommitResponse { .. }
            | Message::OffsetFetchResponse { .. } => {}
        }
    }

    pub fn on_timer(&mut self, _now: SimTime, timer: Timer, out: &mut Out) {
        if let Timer::FetchWaitExpired {
            client,
            correlation,
        } = timer
        {
            if let Some(i) = self
                .parked_fetches
                .iter()
                .position(|f| f.client == client && f.correlation == correlation)
            {
                let fetch = self.parked_fetches.remove(i);
                self.answer_fetch(&fetch, out);
            }
        }
    }

    fn on_produce(
        &mut self,
        client: NodeId,
        correlation: u64,
        partition: TopicPartition,
        acks: Acks,
        records: Vec<crate::message::ProducerRecord>,
        out: &mut Out,
    ) {
        let Some(replica) = self.replicas.get_mut(&partition).filter(|r| r.is_leader) else {
            if acks != Acks::None {
                out.send(
                    client,
                    Message::ProduceResponse {
                        correlation,
                        partition,
                        result: Err(KafkaError::NotLeaderOrFollower),
                    },
                );
            }
            return;
        };
        let ids: Vec<RecordId> = records.iter().map(|r| r.id).collect();
        let base_offset = replica
            .log
            .append(replica.leader_epoch, records.iter().map(|r| (r.id, r.key)));
        let end_offset = replica.log.log_end_offset();
        out.trace(TraceKind::Appended {
            broker: self.id,
            partition,
            base_offset,
            records: ids,
        });
        match acks {
            Acks::None => {}
            Acks::Leader => out.send(
                client,
                Message::ProduceResponse {
                    correlation,
                    partition,
                    result: Ok(base_offset),
                },
            ),
            Acks::All => self.pending_produce.push(PendingProduce {
                client,
                correlation,
                partition,
                base_offset,
                end_offset,
            }),
        }
        // The ISR is the leader alone: the HW is the minimum LEO over {leader}.
        self.advance_high_watermark(partition, end_offset, out);
    }

    fn advance_high_watermark(&mut self, partition: TopicPartition, hw: u64, out: &mut Out) {
        let Some(replica) = self.replicas.get_mut(&partition) else {
            return;
        };
        if !replica.log.advance_high_watermark(hw) {
            return;
        }
        let hw = replica.log.high_watermark();
        out.trace(TraceKind::HighWatermark {
            broker: self.id,
            partition,
            high_watermark: hw,
        });
        // Answer in the order the requests arrived (which is offset order on one partition).
        let (done, waiting): (Vec<_>, Vec<_>) = std::mem::take(&mut self.pending_produce)
            .into_iter()
            .partition(|p| p.partition == partition && p.end_offset <= hw);
        self.pending_produce = waiting;
        for p in done {
            out.send(
                p.client,
                Message::ProduceResponse {
                    correlation: p.correlation,
                    partition,
                    result: Ok(p.base_offset),
                },
            );
        }
        let (ready, parked): (Vec<_>, Vec<_>) = std::mem::take(&mut self.parked_fetches)
            .into_iter()
            .partition(|f| {
                f.partitions
                    .iter()
                    .any(|(tp, offset)| *tp == partition && *offset < hw)
            });
        self.parked_fetches = parked;
        for fetch in ready {
            self.answer_fetch(&fetch, out);
        }
    }

    fn on_fetch(
        &mut self,
        client: NodeId,
        correlation: u64,
        partitions: Vec<(TopicPartition, u64)>,
        max_wait_ms: u64,
        max_records: u32,
        out: &mut Out,
    ) {
        let fetch = ParkedFetch {
            client,
            correlation,
            partitions,
            max_records,
        };
        let readable = fetch.partitions.iter().any(|(tp, offset)| {
            self.replicas.get(tp).is_none_or(|r| {
                !r.is_leader
                    || *offset < r.log.log_start_offset()
                    || *offset > r.log.log_end_offset()
                    || *offset < r.log.high_watermark()
            })
        });
        if readable || max_wait_ms == 0 {
            self.answer_fetch(&fetch, out);
        } else {
            self.parked_fetches.push(fetch);
            out.set_timer(
                SimDuration::from_ms(max_wait_ms),
                Timer::FetchWaitExpired {
                    client,
                    correlation,
                },
            );
        }
    }

    fn answer_fetch(&self, fetch: &ParkedFetch, out: &mut Out) {
        let partitions = fetch
            .partitions
            .iter()
            .map(|(tp, offset)| match self.replicas.get(tp) {
                None => FetchedPartition {
                    partition: *tp,
                    records: Vec::new(),
                    high_watermark: 0,
                    error: Some(KafkaError::UnknownTopicOrPartition),
                },
                Some(r) if !r.is_leader => FetchedPartition {
                    partition: *tp,
                    records: Vec::new(),
                    high_watermark: 0,
                    error: Some(KafkaError::NotLeaderOrFollower),
                },
                Some(r) => {
                    let log = &r.log;
                    let error = (*offset < log.log_start_offset()
                        || *offset > log.log_end_offset())
                    .then_some(KafkaError::OffsetOutOfRange);
                    FetchedPartition {
                        partition: *tp,
                        records: log
                            .read_committed_from(*offset, fetch.max_records as usize)
                            .to_vec(),
                        high_watermark: log.high_watermark(),
                        error,
                    }
                }
            })
            .collect();
        out.send(
            fetch.client,
            Message::FetchResponse {
                correlation: fetch.correlation,
                partitions,
            },
        );
    }
}
