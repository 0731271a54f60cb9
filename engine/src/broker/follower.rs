//! The broker as a partition **follower**: on a new leader it asks where its last leader epoch
//! ends (OffsetsForLeaderEpoch, KIP-101/279) and truncates everything after it, then fetches from
//! the leader in a loop (pull, not push), appending what it gets — batch headers included — and
//! learning the high watermark one round trip late. A fetch below the leader's log start resets
//! the replica to it (KIP-107).

use super::*;
use crate::ordered::CollectByInsert;

impl Broker {
    pub(super) fn start_truncation(&mut self, tp: TopicPartition, leader: u32, out: &mut Out) {
        let Some(epoch) = self.replicas[&tp].log.latest_epoch() else {
            // An empty log has nothing to truncate.
            self.mark_truncated(tp);
            return;
        };
        let correlation = self.correlation(Pending::Truncation(tp), out);
        out.send(
            NodeId::Broker(leader),
            Message::OffsetsForLeaderEpochRequest {
                correlation,
                partition: tp,
                leader_epoch: epoch,
            },
        );
    }

    /// Asks the leader for the truncation point again, if `tp` is still a follower waiting for it.
    pub(super) fn retry_truncation(&mut self, tp: TopicPartition, out: &mut Out) {
        if let Some(Replica {
            role:
                Role::Follower {
                    leader,
                    truncated: false,
                    ..
                },
            ..
        }) = self.replicas.get(&tp)
        {
            let leader = *leader;
            self.start_truncation(tp, leader, out);
        }
    }

    pub(super) fn mark_truncated(&mut self, tp: TopicPartition) {
        if let Some(Replica {
            role: Role::Follower { truncated, .. },
            ..
        }) = self.replicas.get_mut(&tp)
        {
            *truncated = true;
        }
    }

    pub(super) fn on_truncation_point(
        &mut self,
        tp: TopicPartition,
        result: Result<(u32, u64), KafkaError>,
        out: &mut Out,
    ) {
        let Some(replica) = self.replicas.get_mut(&tp) else {
            return;
        };
        if !matches!(replica.role, Role::Follower { .. }) {
            return;
        }
        let Ok((leader_epoch, leader_end)) = result else {
            // The leader does not know it leads yet (its metadata is behind ours), or moved:
            // ask again after replica.fetch.backoff.ms.
            out.set_timer(
                SimDuration::from_ms(REPLICA_FETCH_BACKOFF_MS),
                Timer::Truncate { partition: tp },
            );
            return;
        };
        let own_epoch = replica.log.latest_epoch().unwrap_or(0);
        // KIP-279: if the leader knows an older epoch than ours, also cut at our own end of it.
        let own_end = if leader_epoch < own_epoch {
            replica
                .log
                .end_offset_for_epoch(leader_epoch)
                .map_or(replica.log.log_start_offset(), |(_, end)| end)
        } else {
            replica.log.log_end_offset()
        };
        let cut = leader_end.min(own_end);
        let removed = replica.log.truncate_to(cut);
        if !removed.is_empty() {
            out.trace(TraceKind::Truncated {
                broker: self.id,
                partition: tp,
                from_offset: cut,
                records: removed.iter().map(|r| r.id).collect(),
            });
        }
        self.mark_truncated(tp);
        self.ensure_fetchers(out);
    }

    /// Starts a fetch to every leader that has truncated follower partitions here and no fetch
    /// in flight.
    pub(super) fn ensure_fetchers(&mut self, out: &mut Out) {
        let leaders: FlatSet<u32> = self
            .replicas
            .values()
            .filter_map(|r| match r.role {
                Role::Follower {
                    leader,
                    truncated: true,
                    ..
                } => Some(leader),
                _ => None,
            })
            .collect_by_insert();
        for leader in leaders {
            if !self.fetching_from.contains(&leader) {
                self.fetching_from.insert(leader);
                self.schedule_follower_fetch(leader, out);
            }
        }
    }

    pub(super) fn schedule_follower_fetch(&mut self, leader: u32, out: &mut Out) {
        if self.fetch_delay > SimDuration::ZERO {
            out.set_timer(self.fetch_delay, Timer::FollowerFetch { leader });
        } else {
            self.send_follower_fetch(leader, out);
        }
    }

    pub(super) fn send_follower_fetch(&mut self, leader: u32, out: &mut Out) {
        let now = self.now;
        self.fetch_backoff_until.retain(|_, until| *until > now);
        let backoff = &self.fetch_backoff_until;
        let waiting: Option<SimTime> = self
            .replicas
            .iter()
            .filter(|(tp, r)| {
                matches!(r.role, Role::Follower { leader: l, truncated: true, .. } if l == leader)
                    && backoff.contains_key(tp)
            })
            .map(|(tp, _)| backoff[tp])
            .min();
        let partitions: Vec<FetchPosition> = self
            .replicas
            .iter()
            .filter(|(tp, _)| !backoff.contains_key(tp))
            .filter_map(|(tp, r)| match r.role {
                Role::Follower {
                    leader: l,
                    leader_epoch,
                    truncated: true,
                } if l == leader => Some(FetchPosition {
                    partition: *tp,
                    offset: r.log.log_end_offset(),
                    current_leader_epoch: Some(leader_epoch),
                }),
                _ => None,
            })
            .collect();
        if partitions.is_empty() {
            match waiting {
                // Every partition from this leader is backing off: fetch again when one is done.
                Some(until) => {
                    out.set_timer(until.since(now), Timer::FollowerFetch { leader });
                }
                None => {
                    self.fetching_from.remove(&leader);
                }
            }
            return;
        }
        let correlation = self.correlation(Pending::Fetch(leader), out);
        out.send(
            NodeId::Broker(leader),
            Message::FetchRequest {
                isolation: IsolationLevel::ReadUncommitted,
                correlation,
                replica: Some(self.number()),
                partitions,
                max_wait_ms: self.config.replica_fetch_wait_max_ms,
                max_records: self.config.replica_fetch_max_records,
            },
        );
    }

    pub(super) fn on_follower_fetch_response(
        &mut self,
        from: NodeId,
        partitions: Vec<FetchedPartition>,
        out: &mut Out,
    ) {
        let NodeId::Broker(leader) = from else {
            return;
        };
        for p in partitions {
            if p.error.is_some() {
                // Only this partition waits; the others keep fetching (Kafka's fetcher delays
                // a failed partition, not the whole session).
                self.fetch_backoff_until.insert(
                    p.partition,
                    self.now + SimDuration::from_ms(REPLICA_FETCH_BACKOFF_MS),
                );
            }
            let Some(replica) = self.replicas.get_mut(&p.partition) else {
                continue;
            };
            let fetching_here = matches!(replica.role,
                Role::Follower { leader: l, truncated: true, .. } if l == leader);
            if fetching_here
                && p.error == Some(KafkaError::OffsetOutOfRange)
                && p.log_start_offset > replica.log.log_end_offset()
            {
                // The leader's retention deleted what this follower needs next: start over at
                // the leader's log start (KIP-107). Fetched again after the backoff.
                replica.log.reset_to(p.log_start_offset);
                continue;
            }
            if !fetching_here || p.error.is_some() {
                continue;
            }
            if !p.records.is_empty() {
                let base = replica.log.log_end_offset();
                replica.log.append_replicated(&p.batches, &p.records);
                let added: Vec<RecordId> = replica
                    .log
                    .read_from(base, usize::MAX)
                    .iter()
                    .map(|r| r.id)
                    .collect();
                if !added.is_empty() {
                    out.trace(TraceKind::Appended {
                        broker: self.id,
                        partition: p.partition,
                        base_offset: base,
                        records: added,
                    });
                }
            }
            let hw = p.high_watermark.min(replica.log.log_end_offset());
            if replica.log.advance_high_watermark(hw) {
                out.trace(TraceKind::HighWatermark {
                    broker: self.id,
                    partition: p.partition,
                    high_watermark: replica.log.high_watermark(),
                });
            }
        }
        // The fetch loop goes on for as long as this broker follows that leader.
        self.fetching_from.remove(&leader);
        if self.replicas.values().any(
            |r| matches!(r.role, Role::Follower { leader: l, truncated: true, .. } if l == leader),
        ) {
            self.fetching_from.insert(leader);
            self.schedule_follower_fetch(leader, out);
        }
    }
}
