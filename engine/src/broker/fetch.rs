//! The broker as a **fetch server**: it answers follower and consumer fetches from the leader's
//! log — followers up to the log end, consumers up to the high watermark (`read_uncommitted`) or
//! the last stable offset (`read_committed`, with the aborted transactions the records overlap) —
//! checks the fetch's leader epoch (KIP-320: `FENCED_LEADER_EPOCH` / `UNKNOWN_LEADER_EPOCH`), and
//! holds a fetch with nothing to read for up to `fetch.max.wait.ms` (long poll).

use super::*;

impl Broker {
    pub(super) fn on_fetch(
        &mut self,
        now: SimTime,
        fetch: ParkedFetch,
        max_wait_ms: u64,
        out: &mut Out,
    ) {
        if let Some(follower) = fetch.replica {
            for pos in &fetch.partitions {
                self.record_follower_fetch(now, follower, pos, out);
            }
        }
        if self.has_data(&fetch) || max_wait_ms == 0 {
            self.answer_fetch(&fetch, out);
        } else {
            let (client, correlation) = (fetch.client, fetch.correlation);
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

    pub(super) fn has_data(&self, fetch: &ParkedFetch) -> bool {
        fetch.partitions.iter().any(|pos| {
            let Some(r) = self.replicas.get(&pos.partition) else {
                return true; // an error answer is data
            };
            let Role::Leader(state) = &r.role else {
                return true;
            };
            if pos
                .current_leader_epoch
                .is_some_and(|e| e != state.leader_epoch)
            {
                return true;
            }
            let log = &r.log;
            let limit = match (fetch.replica, fetch.isolation) {
                (Some(_), _) => log.log_end_offset(),
                (None, IsolationLevel::ReadUncommitted) => log.high_watermark(),
                (None, IsolationLevel::ReadCommitted) => log.last_stable_offset(),
            };
            pos.offset < log.log_start_offset()
                || pos.offset > log.log_end_offset()
                || pos.offset < limit
        })
    }

    pub(super) fn wake_follower_fetches(&mut self, tp: TopicPartition, out: &mut Out) {
        self.wake(tp, out, true);
    }

    pub(super) fn wake_consumer_fetches(&mut self, tp: TopicPartition, out: &mut Out) {
        self.wake(tp, out, false);
    }

    pub(super) fn wake(&mut self, tp: TopicPartition, out: &mut Out, followers: bool) {
        let (ready, parked): (Vec<_>, Vec<_>) = std::mem::take(&mut self.parked_fetches)
            .into_iter()
            .partition(|f| {
                f.replica.is_some() == followers && f.partitions.iter().any(|p| p.partition == tp)
            });
        self.parked_fetches = parked;
        for fetch in ready {
            if self.has_data(&fetch) {
                self.answer_fetch(&fetch, out);
            } else {
                self.parked_fetches.push(fetch);
            }
        }
    }

    pub(super) fn answer_fetch(&self, fetch: &ParkedFetch, out: &mut Out) {
        let partitions = fetch
            .partitions
            .iter()
            .map(|pos| {
                let error = |e| FetchedPartition {
                    partition: pos.partition,
                    batches: Vec::new(),
                    records: Vec::new(),
                    high_watermark: 0,
                    log_start_offset: 0,
                    last_stable_offset: 0,
                    aborted_transactions: Vec::new(),
                    error: Some(e),
                };
                let Some(r) = self.replicas.get(&pos.partition) else {
                    return error(KafkaError::UnknownTopicOrPartition);
                };
                let Role::Leader(state) = &r.role else {
                    return error(KafkaError::NotLeaderOrFollower);
                };
                match pos.current_leader_epoch {
                    Some(e) if e < state.leader_epoch => {
                        return error(KafkaError::FencedLeaderEpoch)
                    }
                    Some(e) if e > state.leader_epoch => {
                        return error(KafkaError::UnknownLeaderEpoch)
                    }
                    _ => {}
                }
                let log = &r.log;
                if pos.offset < log.log_start_offset() || pos.offset > log.log_end_offset() {
                    return FetchedPartition {
                        high_watermark: log.high_watermark(),
                        log_start_offset: log.log_start_offset(),
                        ..error(KafkaError::OffsetOutOfRange)
                    };
                }
                let max = fetch.max_records as usize;
                let records = match (fetch.replica, fetch.isolation) {
                    (Some(_), _) => log.read_from(pos.offset, max),
                    (None, IsolationLevel::ReadUncommitted) => {
                        log.read_below_high_watermark(pos.offset, max)
                    }
                    (None, IsolationLevel::ReadCommitted) => {
                        log.read_below_last_stable_offset(pos.offset, max)
                    }
                };
                // A read_committed reader is told which of these records' transactions aborted.
                let aborted_transactions = match (fetch.replica, fetch.isolation, records.last()) {
                    (None, IsolationLevel::ReadCommitted, Some(last)) => {
                        log.aborted_transactions(pos.offset, last.offset + 1)
                    }
                    _ => Vec::new(),
                };
                FetchedPartition {
                    partition: pos.partition,
                    batches: log.batches_for(&records),
                    records,
                    high_watermark: log.high_watermark(),
                    log_start_offset: log.log_start_offset(),
                    last_stable_offset: log.last_stable_offset(),
                    aborted_transactions,
                    error: None,
                }
            })
            .collect();
        out.send(
            fetch.client,
            Message::FetchResponse {
                correlation: fetch.correlation,
                replica: fetch.replica,
                partitions,
            },
        );
    }
}
