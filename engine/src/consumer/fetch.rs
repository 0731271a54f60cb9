//! Where the consumer reads from: starting positions of newly assigned partitions (the group's
//! committed offset via OffsetFetch, else `auto.offset.reset` via ListOffsets, also after
//! `OFFSET_OUT_OF_RANGE`), and fetching from each partition's leader (one fetch in flight per
//! broker, with the leader epoch of its metadata: KIP-320).

use super::*;

impl Consumer {
    /// Assigned partitions whose starting position is not known yet.
    pub(super) fn partitions_without_position(&self) -> Vec<TopicPartition> {
        self.assignment
            .iter()
            .filter(|tp| !self.positions.contains_key(tp))
            .copied()
            .collect()
    }

    /// Newly assigned partitions start at the group's committed offset, if it has one.
    pub(super) fn fetch_committed_offsets(
        &mut self,
        partitions: Vec<TopicPartition>,
        out: &mut Out,
    ) {
        let Some(coordinator) = self.coordinator else {
            return;
        };
        let correlation = self.request(Pending::OffsetFetch, self.config.request_timeout_ms, out);
        out.send(
            NodeId::Broker(coordinator),
            Message::OffsetFetchRequest {
                correlation,
                group: self.config.group_id.clone(),
                partitions,
                // KIP-447: a read_committed consumer does not start from offsets that a
                // transaction may still commit or abort.
                require_stable: self.config.isolation_level
                    == crate::scenario::IsolationLevel::ReadCommitted,
            },
        );
    }

    pub(super) fn on_committed_offsets(
        &mut self,
        now: SimTime,
        offsets: Vec<(TopicPartition, Option<u64>)>,
        out: &mut Out,
    ) {
        let mut missing = Vec::new();
        for (tp, offset) in offsets {
            if !self.assignment.contains(&tp) || self.positions.contains_key(&tp) {
                continue;
            }
            match offset {
                Some(o) => {
                    self.positions.insert(tp, o);
                    self.start_positions.insert(tp, o);
                    self.committed.insert(tp, o);
                }
                None => missing.push(tp),
            }
        }
        if missing.is_empty() {
            self.resume_poll(now, out);
        } else {
            self.list_offsets(missing, out);
        }
    }

    /// A fetch position outside the log (retention deleted it): start again at
    /// `auto.offset.reset`.
    pub(super) fn reset_out_of_range(&mut self, tp: TopicPartition, out: &mut Out) {
        self.forget_position(tp);
        self.drop_buffered(tp);
        self.list_offsets(vec![tp], out);
    }

    pub(super) fn list_offsets(&mut self, partitions: Vec<TopicPartition>, out: &mut Out) {
        let spec = match self.config.auto_offset_reset {
            OffsetReset::Earliest => OffsetSpec::Earliest,
            OffsetReset::Latest => OffsetSpec::Latest,
        };
        // Partitions of one topic are spread over leaders; ask each leader for its own.
        let mut by_leader: FlatMap<Option<u32>, Vec<TopicPartition>> = FlatMap::new();
        for tp in partitions {
            by_leader
                .entry(self.metadata.leader(tp))
                .or_default()
                .push(tp);
        }
        for (broker, partitions) in by_leader {
            let Some(broker) = broker else {
                // No known leader: find one, then ask again (on the metadata answer).
                self.refresh_metadata(out);
                continue;
            };
            let correlation = self.request(
                Pending::ListOffsets {
                    broker,
                    partitions: partitions.clone(),
                },
                self.config.request_timeout_ms,
                out,
            );
            out.send(
                NodeId::Broker(broker),
                Message::ListOffsetsRequest {
                    correlation,
                    partitions,
                    spec,
                    isolation: self.config.isolation_level,
                },
            );
        }
    }

    pub(super) fn send_fetches(&mut self, out: &mut Out) {
        let validating = self.positions_to_validate(out);
        let mut by_leader: FlatMap<u32, Vec<FetchPosition>> = FlatMap::new();
        let mut leaderless = false;
        for tp in &self.assignment {
            let Some(pos) = self.positions.get(tp) else {
                continue;
            };
            if validating.contains(tp) {
                continue;
            }
            match self.metadata.leader(*tp) {
                Some(leader) => by_leader.entry(leader).or_default().push(FetchPosition {
                    partition: *tp,
                    offset: *pos,
                    current_leader_epoch: Some(self.metadata.leader_epoch(*tp)),
                }),
                None => leaderless = true,
            }
        }
        if leaderless {
            self.refresh_metadata(out);
        }
        for (broker, partitions) in by_leader {
            // One fetch in flight per broker, as the Kafka consumer's fetcher does.
            if self.is_pending(|p| matches!(p, Pending::Fetch { broker: b } if *b == broker)) {
                continue;
            }
            let correlation = self.request(
                Pending::Fetch { broker },
                self.config.request_timeout_ms,
                out,
            );
            out.send(
                NodeId::Broker(broker),
                Message::FetchRequest {
                    correlation,
                    replica: None,
                    partitions,
                    max_wait_ms: self.config.fetch_max_wait_ms,
                    max_records: self.config.max_poll_records,
                    isolation: self.config.isolation_level,
                },
            );
        }
    }

    /// A leader did not answer: it may be gone, so look again before asking it anything.
    pub(super) fn forget_leader_broker(&mut self, broker: u32) {
        for tp in self.assignment.clone() {
            if self.metadata.leader(tp) == Some(broker) {
                self.metadata.forget_leader(tp);
            }
        }
    }

    pub(super) fn refresh_metadata(&mut self, out: &mut Out) {
        if self.metadata.is_refreshing() {
            return;
        }
        let correlation = self.request(Pending::Metadata, self.config.request_timeout_ms, out);
        if let Some((to, request)) = self.metadata.refresh(correlation) {
            out.send(to, request);
        }
    }
}
