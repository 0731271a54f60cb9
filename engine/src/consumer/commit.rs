//! Offset commits from the consumer client: auto-commit, `commitSync` and `commitAsync` (called by
//! the application), and the synchronous auto-commit before a rebalance.
//!
//! A commit is an OffsetCommit request to the group coordinator carrying the member id and
//! generation. Kafka's rules, as the Java client applies them:
//!
//! - Only a member of a *stable* group commits (`generationIfStable`); otherwise the commit fails
//!   at once, without a request: `RebalanceInProgressException` during a rebalance,
//!   `CommitFailedException` when the consumer is no longer in the group.
//! - The coordinator may reject the request: `ILLEGAL_GENERATION` or `UNKNOWN_MEMBER_ID` (the
//!   member was removed, e.g. after a stall longer than `session.timeout.ms`) — the client throws
//!   `CommitFailedException` and must rejoin; the records it processed will be processed again by
//!   the partition's next owner.
//! - `commitSync` retries retriable failures (timeouts, `NOT_COORDINATOR`) until
//!   `default.api.timeout.ms`; `commitAsync` and auto-commit do not retry (the next one carries the
//!   newer offsets anyway).

use super::membership::MembershipState;
use super::{CommitKind, Consumer, ConsumerPhase, Pending, PollReturn, DEFAULT_API_TIMEOUT_MS};
use crate::effect::Out;
use crate::ids::{NodeId, TopicPartition};
use crate::message::{KafkaError, Message};
use crate::time::{SimDuration, SimTime};
use crate::trace::TraceKind;

impl Consumer {
    /// Positions of owned partitions that differ from what this consumer knows is committed.
    pub fn uncommitted_positions(&self) -> Vec<(TopicPartition, u64)> {
        self.assignment
            .iter()
            .filter_map(|tp| {
                let pos = *self.positions.get(tp)?;
                (self.committed.get(tp) != Some(&pos)).then_some((*tp, pos))
            })
            .collect()
    }

    /// Inside poll(): commit the positions of records returned by earlier polls, once
    /// `auto.commit.interval.ms` has passed.
    pub(super) fn maybe_auto_commit(&mut self, now: SimTime, out: &mut Out) {
        let interval = SimDuration::from_ms(self.config.auto_commit_interval_ms);
        if !self.config.enable_auto_commit || now.since(self.last_auto_commit) < interval {
            return;
        }
        self.last_auto_commit = now;
        if self.membership.state != MembershipState::Stable {
            return;
        }
        let offsets = self.uncommitted_positions();
        if !offsets.is_empty() {
            self.send_commit(now, CommitKind::Auto, now, offsets, out);
        }
    }

    /// Whether a commit now would be sent: a stable member, not about to rejoin, with no commit
    /// outstanding (the process loop's commit after an empty poll asks this first).
    pub fn can_commit_now(&self) -> bool {
        self.membership.state == MembershipState::Stable
            && !self.membership.rejoin_needed
            && !self.is_pending(|p| matches!(p, Pending::Commit { .. }))
    }

    /// `commitSync(offsets)`: the application waits for the answer ([`PollReturn::CommitSyncReturned`]
    /// comes when it ends). False if there was no coordinator or membership to send it as.
    pub fn commit_sync(
        &mut self,
        now: SimTime,
        offsets: Vec<(TopicPartition, u64)>,
        out: &mut Out,
    ) -> bool {
        let sent = self.send_commit(now, CommitKind::Sync, now, offsets, out);
        if sent {
            self.phase = ConsumerPhase::Committing;
        }
        sent
    }

    /// `commitAsync(offsets)`: sent, and the application goes on at once.
    pub fn commit_async(
        &mut self,
        now: SimTime,
        offsets: Vec<(TopicPartition, u64)>,
        out: &mut Out,
    ) -> bool {
        self.send_commit(now, CommitKind::Async, now, offsets, out)
    }

    /// `generationIfStable() == null`: the client refuses to commit without asking (and says so
    /// in the trace). True when refused.
    pub fn commit_refused_locally(&mut self, out: &mut Out) -> bool {
        if self.membership.state == MembershipState::Stable
            && self.membership.generation.is_some()
            && self.coordinator.is_some()
        {
            return false;
        }
        let error = (self.membership.generation.is_some()
            && self.membership.state != MembershipState::Unjoined)
            .then_some(KafkaError::RebalanceInProgress);
        out.trace(TraceKind::CommitFailed {
            consumer: self.id,
            group: self.config.group_id.clone(),
            error,
        });
        true
    }

    /// Sends an OffsetCommit; false if the consumer has no coordinator or membership to send it as.
    pub(super) fn send_commit(
        &mut self,
        _now: SimTime,
        kind: CommitKind,
        started: SimTime,
        offsets: Vec<(TopicPartition, u64)>,
        out: &mut Out,
    ) -> bool {
        let (Some(coordinator), Some(member), Some(generation)) = (
            self.coordinator,
            self.membership.member,
            self.membership.generation,
        ) else {
            return false;
        };
        let correlation = self.request(
            Pending::Commit { kind, started },
            self.config.request_timeout_ms,
            out,
        );
        out.send(
            NodeId::Broker(coordinator),
            Message::OffsetCommitRequest {
                correlation,
                group: self.config.group_id.clone(),
                generation,
                member,
                offsets,
            },
        );
        true
    }

    pub(super) fn on_commit_response(
        &mut self,
        now: SimTime,
        kind: CommitKind,
        started: SimTime,
        result: Result<Vec<(TopicPartition, u64)>, KafkaError>,
        out: &mut Out,
    ) {
        match result {
            Ok(offsets) => {
                for (tp, offset) in offsets {
                    if self.assignment.contains(&tp) {
                        let c = self.committed.entry(tp).or_default();
                        *c = (*c).max(offset);
                    }
                }
            }
            Err(error @ (KafkaError::NotCoordinator | KafkaError::CoordinatorNotAvailable)) => {
                self.coordinator_lost(out);
                if kind == CommitKind::Sync && self.within_api_timeout(now, started) {
                    // commitSync retries once the coordinator is found again.
                    self.sync_commit_started = Some(started);
                    return;
                }
                self.report_commit_failure(Some(error), out);
            }
            Err(error) => {
                self.report_commit_failure(Some(error), out);
                match error {
                    KafkaError::RebalanceInProgress
                        if self.membership.state == MembershipState::Stable =>
                    {
                        self.membership.rejoin_needed = true;
                    }
                    KafkaError::UnknownMemberId => self.membership.reset(true),
                    KafkaError::IllegalGeneration => self.membership.reset(false),
                    _ => {}
                }
            }
        }
        self.commit_finished(now, kind, out);
    }

    pub(super) fn on_commit_timeout(
        &mut self,
        now: SimTime,
        kind: CommitKind,
        started: SimTime,
        out: &mut Out,
    ) {
        // An unanswered request marks the coordinator unknown.
        self.coordinator_lost(out);
        if kind == CommitKind::Sync && self.within_api_timeout(now, started) {
            self.sync_commit_started = Some(started);
            return;
        }
        if matches!(kind, CommitKind::Sync | CommitKind::BeforeRebalance) {
            self.report_commit_failure(Some(KafkaError::RequestTimedOut), out);
        }
        self.commit_finished(now, kind, out);
    }

    /// A `commitSync` waiting for the coordinator to be found again: send it now.
    pub(super) fn retry_sync_commit(&mut self, now: SimTime, out: &mut Out) {
        let Some(started) = self.sync_commit_started.take() else {
            self.resume_poll(now, out);
            return;
        };
        let offsets = self.uncommitted_positions();
        if offsets.is_empty()
            || !self.within_api_timeout(now, started)
            || !self.send_commit(now, CommitKind::Sync, started, offsets, out)
        {
            self.commit_finished(now, CommitKind::Sync, out);
        }
    }

    fn within_api_timeout(&self, now: SimTime, started: SimTime) -> bool {
        now.since(started) < SimDuration::from_ms(DEFAULT_API_TIMEOUT_MS)
    }

    fn report_commit_failure(&mut self, error: Option<KafkaError>, out: &mut Out) {
        out.trace(TraceKind::CommitFailed {
            consumer: self.id,
            group: self.config.group_id.clone(),
            error,
        });
    }

    /// The application thread goes on after a synchronous commit (whatever its outcome).
    fn commit_finished(&mut self, now: SimTime, kind: CommitKind, out: &mut Out) {
        match kind {
            CommitKind::Sync if self.phase == ConsumerPhase::Committing => {
                self.returns.push_back(PollReturn::CommitSyncReturned)
            }
            CommitKind::BeforeRebalance if self.phase == ConsumerPhase::Committing => {
                self.membership.committed_before_join = true;
                self.poll(now, out);
            }
            _ => {}
        }
    }
}
