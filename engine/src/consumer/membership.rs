//! The consumer's side of the classic group protocol (Kafka's `AbstractCoordinator` /
//! `ConsumerCoordinator`): finding the coordinator, JoinGroup and SyncGroup, the heartbeat thread,
//! and leaving on a poll timeout.
//!
//! - FindCoordinator goes to any broker; `NOT_COORDINATOR`, `COORDINATOR_NOT_AVAILABLE` or an
//!   unanswered request mark the coordinator unknown and the consumer looks again.
//! - Before rejoining, an eager member auto-commits synchronously (when `enable.auto.commit`) and
//!   revokes all its partitions (`onJoinPrepare`); a cooperative member keeps them and reports
//!   them in JoinGroup. A member that was already thrown out (its generation reset) has lost its
//!   partitions and commits nothing (`onPartitionsLost`).
//! - The leader member runs the assignor on the member list from JoinGroup and sends the result
//!   in SyncGroup. After SyncGroup a cooperative member revokes what it no longer owns and, if it
//!   revoked anything, rejoins at once (KIP-429's second rebalance).
//! - The heartbeat thread sends a Heartbeat every `heartbeat.interval.ms`, whatever the
//!   application is doing. `REBALANCE_IN_PROGRESS` makes the next poll() rejoin;
//!   `ILLEGAL_GENERATION` / `UNKNOWN_MEMBER_ID` mean the member was removed. If the application
//!   has not called poll() for `max.poll.interval.ms`, the thread sends LeaveGroup ("consumer poll
//!   timeout has expired") and the consumer is out of the group until its next poll.

use super::{Consumer, ConsumerPhase, Pending};
use crate::assignor::assign;
use crate::effect::{Out, Timer};
use crate::ids::{MemberId, NodeId, TopicPartition};
use crate::message::{JoinGroupResult, KafkaError, Message};
use crate::ordered::CollectByInsert;
use crate::time::{SimDuration, SimTime};
use crate::trace::TraceKind;

/// Where the consumer is in its group (the client's `MemberState`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MembershipState {
    #[default]
    Unjoined,
    /// JoinGroup sent, waiting for the rebalance to complete.
    Joining,
    /// JoinGroup answered, SyncGroup sent.
    Syncing,
    Stable,
}

#[derive(Clone, Debug, Default)]
pub(super) struct Membership {
    pub state: MembershipState,
    pub member: Option<MemberId>,
    /// `None` once the coordinator said the member's generation is over.
    pub generation: Option<u32>,
    /// The next poll() must rejoin.
    pub rejoin_needed: bool,
    /// The auto-commit before this rejoin has been done (or given up).
    pub committed_before_join: bool,
    /// This member computed the current assignment (the group's leader member).
    pub is_leader: bool,
}

impl Membership {
    pub fn needs_join(&self) -> bool {
        self.state == MembershipState::Unjoined
            || (self.state == MembershipState::Stable && self.rejoin_needed)
    }

    /// The coordinator no longer knows this generation (and, with `forget_member`, the member).
    pub fn reset(&mut self, forget_member: bool) {
        self.state = MembershipState::Unjoined;
        self.generation = None;
        if forget_member {
            self.member = None;
        }
    }
}

impl Consumer {
    pub(super) fn find_coordinator(&mut self, out: &mut Out) {
        if self.is_pending(|p| matches!(p, Pending::FindCoordinator)) {
            return;
        }
        let broker = self.metadata.next_broker();
        let correlation = self.request(
            Pending::FindCoordinator,
            self.config.request_timeout_ms,
            out,
        );
        out.send(
            NodeId::Broker(broker),
            Message::FindCoordinatorRequest {
                correlation,
                group: self.config.group_id.clone(),
                key_type: crate::message::CoordinatorType::Group,
            },
        );
    }

    pub(super) fn on_find_coordinator(
        &mut self,
        now: SimTime,
        result: Result<u32, KafkaError>,
        out: &mut Out,
    ) {
        match result {
            Ok(broker) => {
                self.coordinator = Some(broker);
                if self.phase == ConsumerPhase::Committing {
                    self.retry_sync_commit(now, out);
                } else {
                    self.resume_poll(now, out);
                }
            }
            Err(_) => out.set_timer(
                SimDuration::from_ms(super::RETRY_BACKOFF_MS),
                Timer::FindCoordinatorRetry,
            ),
        }
    }

    /// Whether the positions are committed before a rejoin gives partitions up: auto-commit does
    /// it in `onJoinPrepare`; a Connect sink task's rebalance listener does it in
    /// `onPartitionsRevoked` (`WorkerSinkTask.HandleRebalance`, a synchronous commit of what `put`
    /// has taken — every record poll() returned, since the task polls only between puts).
    fn commits_before_rebalance(&self) -> bool {
        self.config.enable_auto_commit || self.config.sink.is_some()
    }

    /// `onJoinPrepare`, then JoinGroup. True if it first has to wait for a synchronous commit.
    pub(super) fn start_join(&mut self, now: SimTime, out: &mut Out) -> bool {
        let Some(coordinator) = self.coordinator else {
            return false;
        };
        let in_group = self.membership.generation.is_some();
        if self.commits_before_rebalance() && in_group && !self.membership.committed_before_join {
            let offsets = self.uncommitted_positions();
            if !offsets.is_empty()
                && self.membership.state == MembershipState::Stable
                && self.send_commit(now, super::CommitKind::BeforeRebalance, now, offsets, out)
            {
                self.phase = ConsumerPhase::Committing;
                return true;
            }
        }
        self.membership.committed_before_join = false;
        if !self.config.assignment_strategy.is_cooperative() || !in_group {
            let all = self.assignment.clone();
            self.revoke(&all, !in_group, out);
        }
        let correlation = self.request(
            Pending::Join,
            // Kafka's JoinGroup waits up to the rebalance timeout, plus a margin.
            self.config.max_poll_interval_ms + 5_000,
            out,
        );
        out.send(
            NodeId::Broker(coordinator),
            Message::JoinGroupRequest {
                correlation,
                group: self.config.group_id.clone(),
                member: self.membership.member,
                strategy: self.config.assignment_strategy,
                session_timeout_ms: self.config.session_timeout_ms,
                rebalance_timeout_ms: self.config.max_poll_interval_ms,
                owned: if self.config.assignment_strategy.is_cooperative() {
                    self.assignment.clone()
                } else {
                    Vec::new()
                },
                topics: self.topics.clone(),
            },
        );
        self.membership.state = MembershipState::Joining;
        self.membership.rejoin_needed = false;
        false
    }

    /// LeaveGroup to the coordinator, if one is known: the member's partitions are handed on
    /// without waiting for `session.timeout.ms` (`close()`, or a poll overdue past
    /// `max.poll.interval.ms`).
    pub(super) fn send_leave_group(&mut self, member: MemberId, out: &mut Out) {
        let Some(coordinator) = self.coordinator else {
            return;
        };
        let correlation = self.request(Pending::Leave, self.config.request_timeout_ms, out);
        out.send(
            NodeId::Broker(coordinator),
            Message::LeaveGroupRequest {
                correlation,
                group: self.config.group_id.clone(),
                member,
            },
        );
    }

    /// Gives partitions up: positions, buffered records and known commits for them are dropped.
    fn revoke(&mut self, partitions: &[TopicPartition], lost: bool, out: &mut Out) {
        if partitions.is_empty() {
            return;
        }
        self.assignment.retain(|tp| !partitions.contains(tp));
        // Offsets kept outside Kafka: a partition assigned again is asked for again.
        self.positions_asked.clear();
        self.reset_by_policy.clear();
        for tp in partitions {
            self.forget_position(*tp);
            self.start_positions.remove(tp);
            self.committed.remove(tp);
        }
        for tp in partitions {
            self.drop_buffered(*tp);
        }
        out.trace(TraceKind::PartitionsRevoked {
            consumer: self.id,
            group: self.config.group_id.clone(),
            partitions: partitions.iter().map(|tp| tp.partition).collect(),
            lost,
        });
    }

    pub(super) fn on_join_response(
        &mut self,
        now: SimTime,
        result: Result<JoinGroupResult, KafkaError>,
        out: &mut Out,
    ) {
        let joined = match result {
            Ok(joined) => joined,
            Err(error) => {
                self.membership_error(now, error, out);
                return;
            }
        };
        let Some(coordinator) = self.coordinator else {
            // The coordinator was given up on meanwhile: join again once it is found.
            self.membership.member = Some(joined.member);
            self.membership.state = MembershipState::Unjoined;
            self.resume_poll(now, out);
            return;
        };
        self.membership.member = Some(joined.member);
        self.membership.is_leader = joined.leader == joined.member;
        self.membership.generation = Some(joined.generation);
        self.membership.state = MembershipState::Syncing;
        let assignment = (joined.leader == joined.member).then(|| {
            // The leader assigns every partition of every topic a member subscribes to.
            let subscribed: crate::flat::FlatSet<u16> = joined
                .members
                .iter()
                .flat_map(|m| m.topics.iter().copied())
                .collect_by_insert();
            let partitions: Vec<TopicPartition> = self
                .metadata
                .partitions()
                .filter(|tp| subscribed.contains(&tp.topic))
                .collect();
            assign(joined.strategy, &partitions, &joined.members)
        });
        let correlation = self.request(Pending::Sync, self.config.request_timeout_ms, out);
        out.send(
            NodeId::Broker(coordinator),
            Message::SyncGroupRequest {
                correlation,
                group: self.config.group_id.clone(),
                generation: joined.generation,
                member: joined.member,
                assignment,
            },
        );
    }

    pub(super) fn on_sync_response(
        &mut self,
        now: SimTime,
        result: Result<Vec<TopicPartition>, KafkaError>,
        out: &mut Out,
    ) {
        let partitions = match result {
            Ok(p) => p,
            Err(error) => {
                self.membership_error(now, error, out);
                return;
            }
        };
        self.membership.state = MembershipState::Stable;
        let revoked: Vec<TopicPartition> = self
            .assignment
            .iter()
            .filter(|tp| !partitions.contains(tp))
            .copied()
            .collect();
        if !revoked.is_empty() {
            // Cooperative: give up what moves, then rejoin so it can be handed over.
            self.revoke(&revoked, false, out);
            self.membership.rejoin_needed = true;
        }
        let added: Vec<TopicPartition> = partitions
            .iter()
            .filter(|tp| !self.assignment.contains(tp))
            .copied()
            .collect();
        if !added.is_empty() || !self.config.assignment_strategy.is_cooperative() {
            out.trace(TraceKind::PartitionsAssigned {
                consumer: self.id,
                group: self.config.group_id.clone(),
                partitions: added.iter().map(|tp| tp.partition).collect(),
            });
        }
        self.assignment.extend(added);
        crate::ordered::sort_stable(&mut self.assignment);
        self.resume_poll(now, out);
    }

    /// An error answer to JoinGroup, SyncGroup or a commit that concerns membership.
    pub(super) fn membership_error(&mut self, now: SimTime, error: KafkaError, out: &mut Out) {
        match error {
            KafkaError::UnknownMemberId => self.membership.reset(true),
            KafkaError::IllegalGeneration => self.membership.reset(false),
            KafkaError::NotCoordinator | KafkaError::CoordinatorNotAvailable => {
                self.membership.state = MembershipState::Unjoined;
                self.coordinator_lost(out);
            }
            _ => {
                // REBALANCE_IN_PROGRESS and the rest: join again.
                self.membership.state = MembershipState::Unjoined;
            }
        }
        self.resume_poll(now, out);
    }

    /// JoinGroup or SyncGroup went unanswered: the coordinator may be gone.
    pub(super) fn membership_request_lost(&mut self, now: SimTime, out: &mut Out) {
        self.membership.state = MembershipState::Unjoined;
        self.coordinator_lost(out);
        self.resume_poll(now, out);
    }

    /// The heartbeat thread's turn.
    pub(super) fn heartbeat_tick(&mut self, now: SimTime, out: &mut Out) {
        out.set_timer(
            SimDuration::from_ms(self.config.heartbeat_interval_ms),
            Timer::ConsumerHeartbeat,
        );
        let (Some(member), Some(generation)) = (self.membership.member, self.membership.generation)
        else {
            return;
        };
        if !matches!(
            self.membership.state,
            MembershipState::Stable | MembershipState::Syncing
        ) {
            return;
        }
        let poll_overdue = !self.waiting_in_poll()
            && now.since(self.last_poll) > SimDuration::from_ms(self.config.max_poll_interval_ms);
        if poll_overdue {
            out.trace(TraceKind::PollTimeoutExpired {
                consumer: self.id,
                group: self.config.group_id.clone(),
            });
            self.send_leave_group(member, out);
            self.membership.reset(true);
            return;
        }
        let Some(coordinator) = self.coordinator else {
            return;
        };
        if self.is_pending(|p| matches!(p, Pending::Heartbeat)) {
            return;
        }
        let correlation = self.request(Pending::Heartbeat, self.config.request_timeout_ms, out);
        out.send(
            NodeId::Broker(coordinator),
            Message::HeartbeatRequest {
                correlation,
                group: self.config.group_id.clone(),
                generation,
                member,
            },
        );
    }

    pub(super) fn on_heartbeat_response(
        &mut self,
        now: SimTime,
        error: Option<KafkaError>,
        out: &mut Out,
    ) {
        match error {
            None => {}
            Some(KafkaError::RebalanceInProgress)
                if self.membership.state == MembershipState::Stable =>
            {
                self.membership.rejoin_needed = true;
                self.resume_poll(now, out);
            }
            // Already rejoining: nothing more to do.
            Some(KafkaError::RebalanceInProgress) => {}
            Some(error) => self.membership_error(now, error, out),
        }
    }
}

impl Consumer {
    /// The coordinator did not answer or said it is not the coordinator: look it up again.
    pub(super) fn coordinator_lost(&mut self, out: &mut Out) {
        if self.coordinator.take().is_some()
            || !self.is_pending(|p| matches!(p, Pending::FindCoordinator))
        {
            self.find_coordinator(out);
        }
    }

    /// The topic has more partitions than the group's assignment was made for: the leader member
    /// asks for a rebalance (Kafka's ConsumerCoordinator compares its metadata snapshot with the
    /// one it assigned from).
    pub(super) fn notice_partition_count(&mut self) {
        let count = self.metadata.partitions().count();
        if count <= self.known_partitions {
            return;
        }
        self.known_partitions = count;
        if self.membership.is_leader && self.membership.state == MembershipState::Stable {
            self.membership.rejoin_needed = true;
        }
    }
}
