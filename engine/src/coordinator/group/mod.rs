//! The group coordinator: consumer group membership, generations, rebalances and committed offsets.
//!
//! Kafka's classic group protocol (the `GroupCoordinator` / `GroupMetadata` state machine):
//!
//! - **Where**: a group is coordinated by the broker leading partition
//!   `abs(hash(group.id)) mod 50` of `__consumer_offsets` ([`crate::placement::group_coordinator`]).
//!   When that broker is fenced by the controller, leadership of the offsets partition — and with
//!   it the group — moves to the next replica; members that get `NOT_COORDINATOR` or no answer
//!   look it up again with FindCoordinator.
//! - **States**: `Empty` → (a JoinGroup) `PreparingRebalance` → (every known member rejoined, or
//!   the rebalance timeout = the largest `max.poll.interval.ms` passed and the missing members were
//!   removed) `CompletingRebalance`, generation + 1, JoinGroup answered, the leader member receives
//!   the member list → (the leader's SyncGroup with the assignment) `Stable`. A new group waits
//!   `group.initial.rebalance.delay.ms` (3 s) for more members before completing the first join.
//! - **Liveness**: a member that sends nothing for `session.timeout.ms` is removed and the group
//!   rebalances; heartbeats during a rebalance are answered `REBALANCE_IN_PROGRESS` (rejoin).
//! - **Offsets**: OffsetCommit is accepted only from a current member in the current generation;
//!   otherwise `UNKNOWN_MEMBER_ID` / `ILLEGAL_GENERATION` (the client's `CommitFailedException`),
//!   and `REBALANCE_IN_PROGRESS` while the group awaits its assignment. A committed offset is the
//!   next offset to read.
//!
//! Placement, moving on fencing and `NOT_COORDINATOR` are what every coordinator shares
//! ([`super`]).
//!
//! Simplifications of scale, not rules: `__consumer_offsets` (replication factor 3 by default,
//! written with acks=all) is not drawn; an offset the coordinator acknowledged is durable and the
//! next coordinator has it. On a coordinator move the new coordinator restarts every member's
//! session timer, as Kafka's does when it loads a group; a rebalance that was in progress starts
//! over.

use crate::assignor::{Assignment, AssignmentStrategy, MemberSubscription};
use crate::effect::{Out, Timer};
use crate::ids::{MemberId, NodeId, TopicPartition};
use crate::message::{JoinGroupResult, KafkaError, Message};
use crate::ordered::CollectByInsert;
mod rebalance;
mod replies;
mod txn_offsets;

use super::{follow_fencing, Coordinated, InternalTopic, Outs};
use crate::flat::{FlatMap, FlatSet};
use crate::time::{SimDuration, SimTime};
use crate::trace::{RebalanceReason, TraceKind};
use rebalance::{
    complete_join, complete_sync, extend_initial_delay, prepare_rebalance, remove_member,
};
use replies::{member_check, not_coordinator};
use serde::Serialize;

/// `GroupState` of Kafka's classic coordinator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupState {
    Empty,
    PreparingRebalance,
    CompletingRebalance,
    Stable,
}

#[derive(Clone, Debug)]
pub struct GroupMember {
    pub id: MemberId,
    pub client: NodeId,
    session_timeout: SimDuration,
    rebalance_timeout: SimDuration,
    last_heard: SimTime,
    /// When the next scheduled session check runs.
    next_session_check: SimTime,
    /// A JoinGroup waiting for the rebalance to complete (its correlation id).
    pending_join: Option<u64>,
    /// A SyncGroup waiting for the leader's assignment.
    pending_sync: Option<u64>,
    owned: Vec<TopicPartition>,
    /// The topics it subscribes to (by index).
    topics: Vec<u16>,
}

/// One consumer group as its coordinator keeps it.
#[derive(Clone, Debug)]
pub struct Group {
    pub name: String,
    /// The broker coordinating the group now (`None`: every replica of its offsets partition is
    /// fenced).
    pub coordinator: Option<u32>,
    pub state: GroupState,
    pub generation: u32,
    pub leader: Option<MemberId>,
    pub strategy: AssignmentStrategy,
    pub members: FlatMap<MemberId, GroupMember>,
    /// The current generation's assignment (from the leader's SyncGroup).
    pub assignment: Assignment,
    /// Committed offsets: the next offset to read, per partition.
    pub offsets: FlatMap<TopicPartition, u64>,
    /// Transactional offsets (TxnOffsetCommit) waiting for their transaction's marker, per
    /// producer id (see [`txn_offsets`]).
    pub pending_txn_offsets: FlatMap<i64, FlatMap<TopicPartition, u64>>,
    /// The newest epoch seen per producer id, from its TxnOffsetCommits and markers (the offsets
    /// partition's producer state): an older epoch's TxnOffsetCommit is refused.
    pub producer_epochs: FlatMap<i64, i16>,
    /// Joins per consumer so far, for new member ids.
    joins: FlatMap<u32, u32>,
    /// Identifies the current rebalance's timers.
    round: u32,
    /// A new group's `group.initial.rebalance.delay.ms` is running (until the given time at most).
    initial_delay_cap: Option<SimTime>,
}

impl Group {
    fn new(name: &str, coordinator: Option<u32>) -> Self {
        Group {
            name: name.to_string(),
            coordinator,
            state: GroupState::Empty,
            generation: 0,
            leader: None,
            strategy: AssignmentStrategy::default(),
            members: FlatMap::new(),
            assignment: Assignment::new(),
            offsets: FlatMap::new(),
            pending_txn_offsets: FlatMap::new(),
            producer_epochs: FlatMap::new(),
            joins: FlatMap::new(),
            round: 0,
            initial_delay_cap: None,
        }
    }

    /// Who owns `tp` in the current generation.
    pub fn owner(&self, tp: TopicPartition) -> Option<MemberId> {
        self.assignment
            .iter()
            .find(|(_, parts)| parts.contains(&tp))
            .map(|(m, _)| *m)
    }

    fn rebalance_timeout(&self) -> SimDuration {
        self.members
            .values()
            .map(|m| m.rebalance_timeout)
            .max()
            .unwrap_or(SimDuration::ZERO)
    }

    /// Starts a new wait for the group's members: bumps the round, so that any deadline set
    /// before is stale when it fires, and sets the deadline `wait` from now.
    fn restart_rebalance_deadline(&mut self, wait: SimDuration, out: &mut Out) {
        self.round += 1;
        out.set_timer(
            wait,
            Timer::RebalanceDeadline {
                group: self.name.clone(),
                round: self.round,
            },
        );
    }

    fn all_joined(&self) -> bool {
        self.members.values().all(|m| m.pending_join.is_some())
    }
}

/// Every group's coordinator state; the simulation hands it the group-protocol messages that reach
/// a broker, with that broker as the receiver.
#[derive(Clone, Debug)]
pub struct GroupCoordinators {
    brokers: u32,
    initial_rebalance_delay: SimDuration,
    groups: FlatMap<String, Group>,
}

/// The replicas of the `__consumer_offsets` partition that holds `group` (replication factor
/// `offsets.topic.replication.factor` = 3, or the number of brokers if smaller).
pub fn offsets_partition_replicas(group: &str, brokers: u32) -> Vec<u32> {
    InternalTopic::CONSUMER_OFFSETS.replicas_for(group, brokers)
}

impl GroupCoordinators {
    pub fn new<'a>(
        groups: impl IntoIterator<Item = &'a str>,
        brokers: u32,
        initial_rebalance_delay: SimDuration,
    ) -> Self {
        let groups = groups
            .into_iter()
            .map(|g| {
                let first = offsets_partition_replicas(g, brokers)[0];
                (g.to_string(), Group::new(g, Some(first)))
            })
            .collect_by_insert();
        GroupCoordinators {
            brokers,
            initial_rebalance_delay,
            groups,
        }
    }

    pub fn groups(&self) -> &FlatMap<String, Group> {
        &self.groups
    }
    /// The broker leading `__consumer_offsets` partition `tp`: the coordinator of the groups it
    /// holds (groups follow that leadership).
    pub fn offsets_partition_leader(&self, tp: TopicPartition) -> Option<u32> {
        self.groups
            .values()
            .find(|g| TopicPartition::consumer_offsets_of(&g.name) == tp)
            .and_then(|g| g.coordinator)
    }

    pub fn group(&self, name: &str) -> Option<&Group> {
        self.groups.get(name)
    }

    /// The controller fenced or unfenced brokers: groups follow the leadership of their
    /// `__consumer_offsets` partition (see [`super::follow_fencing`]).
    pub fn fencing_changed(&mut self, now: SimTime, fenced: &FlatSet<u32>, outs: &mut Outs) {
        follow_fencing(
            self.groups.values_mut(),
            InternalTopic::CONSUMER_OFFSETS,
            self.brokers,
            now,
            fenced,
            outs,
        );
    }

    pub fn on_timer(&mut self, now: SimTime, broker: u32, timer: Timer, out: &mut Out) {
        let delay = self.initial_rebalance_delay;
        match timer {
            Timer::MemberSessionExpiry { group, member } => {
                let Some(g) = self.coordinated(&group, broker) else {
                    return;
                };
                let Some(m) = g.members.get(&member) else {
                    return;
                };
                let awaiting = m.pending_join.is_some() || m.pending_sync.is_some();
                let deadline = m.last_heard + m.session_timeout;
                if !awaiting && now >= deadline {
                    remove_member(now, g, member, RebalanceReason::SessionTimeout, delay, out);
                } else if m.next_session_check <= now {
                    // Heard from since this check was set (or waiting in a rebalance): look again
                    // at the new deadline.
                    let name = g.name.clone();
                    let m = g.members.get_mut(&member).expect("present");
                    schedule_session_check(&name, m, now, out);
                }
            }
            Timer::RebalanceDeadline { group, round } => {
                let Some(g) = self.coordinated(&group, broker) else {
                    return;
                };
                if g.round != round || g.state != GroupState::PreparingRebalance {
                    return;
                }
                if g.initial_delay_cap.take().is_some() && !g.all_joined() {
                    // The initial delay is over; now wait the rebalance timeout for the rest.
                    let wait = g.rebalance_timeout();
                    g.restart_rebalance_deadline(wait, out);
                    return;
                }
                g.initial_delay_cap = None;
                let missing: Vec<MemberId> = g
                    .members
                    .values()
                    .filter(|m| m.pending_join.is_none())
                    .map(|m| m.id)
                    .collect();
                for member in missing {
                    g.members.remove(&member);
                    out.trace(TraceKind::MemberRemoved {
                        group: g.name.clone(),
                        member,
                        reason: RebalanceReason::RebalanceTimeout,
                    });
                }
                complete_join(now, g, out);
            }
            _ => {}
        }
    }

    fn coordinated(&mut self, group: &str, broker: u32) -> Option<&mut Group> {
        self.groups
            .get_mut(group)
            .filter(|g| g.coordinator == Some(broker))
    }

    /// A group-protocol request reached `broker` from `from`.
    pub fn on_message(
        &mut self,
        now: SimTime,
        broker: u32,
        from: NodeId,
        message: Message,
        out: &mut Out,
    ) {
        let delay = self.initial_rebalance_delay;
        if let Message::FindCoordinatorRequest {
            correlation, group, ..
        } = &message
        {
            let result = self
                .groups
                .get(group)
                .and_then(|g| g.coordinator)
                .ok_or(KafkaError::CoordinatorNotAvailable);
            out.send(
                from,
                Message::FindCoordinatorResponse {
                    correlation: *correlation,
                    result,
                },
            );
            return;
        }
        if let Message::WriteTxnMarkersRequest {
            correlation,
            partition,
            producer_id,
            producer_epoch,
            control,
        } = message
        {
            let result = txn_offsets::complete(
                &mut self.groups,
                broker,
                partition,
                (producer_id, producer_epoch),
                control,
                out,
            );
            out.send(
                from,
                Message::WriteTxnMarkersResponse {
                    correlation,
                    partition,
                    result,
                },
            );
            return;
        }
        let group_name = match &message {
            Message::JoinGroupRequest { group, .. }
            | Message::TxnOffsetCommitRequest { group, .. }
            | Message::SyncGroupRequest { group, .. }
            | Message::HeartbeatRequest { group, .. }
            | Message::LeaveGroupRequest { group, .. }
            | Message::OffsetCommitRequest { group, .. }
            | Message::OffsetFetchRequest { group, .. } => group.clone(),
            _ => return,
        };
        let Some(g) = self.coordinated(&group_name, broker) else {
            out.send(from, not_coordinator(&message));
            return;
        };
        match message {
            Message::JoinGroupRequest {
                correlation,
                member,
                strategy,
                session_timeout_ms,
                rebalance_timeout_ms,
                owned,
                topics,
                ..
            } => {
                let (id, reason) = match member {
                    None => {
                        let n = g.joins.entry(from.number()).or_default();
                        *n += 1;
                        let id = MemberId {
                            consumer: from.number(),
                            join: *n,
                        };
                        g.members.insert(
                            id,
                            GroupMember {
                                id,
                                client: from,
                                session_timeout: SimDuration::from_ms(session_timeout_ms),
                                rebalance_timeout: SimDuration::from_ms(rebalance_timeout_ms),
                                last_heard: now,
                                next_session_check: SimTime::ZERO,
                                pending_join: None,
                                pending_sync: None,
                                owned: Vec::new(),
                                topics: Vec::new(),
                            },
                        );
                        (id, RebalanceReason::MemberJoined(id))
                    }
                    Some(id) if g.members.contains_key(&id) => {
                        (id, RebalanceReason::MemberRejoined(id))
                    }
                    Some(_) => {
                        out.send(
                            from,
                            Message::JoinGroupResponse {
                                correlation,
                                result: Err(KafkaError::UnknownMemberId),
                            },
                        );
                        return;
                    }
                };
                if g.members.len() == 1 {
                    g.strategy = strategy;
                }
                let m = g.members.get_mut(&id).expect("inserted or present");
                m.pending_join = Some(correlation);
                m.pending_sync = None;
                m.owned = owned;
                m.topics = topics;
                m.last_heard = now;
                match g.state {
                    GroupState::PreparingRebalance => {
                        if g.initial_delay_cap.is_some() {
                            extend_initial_delay(now, g, delay, out);
                        } else if g.all_joined() {
                            complete_join(now, g, out);
                        }
                    }
                    _ => {
                        prepare_rebalance(now, g, reason, delay, out);
                        // Kafka's DelayedJoin completes at once if nobody else is awaited.
                        if g.initial_delay_cap.is_none() && g.all_joined() {
                            complete_join(now, g, out);
                        }
                    }
                }
            }
            Message::SyncGroupRequest {
                correlation,
                generation,
                member,
                assignment,
                ..
            } => {
                let check = member_check(g, member, generation);
                let result = match (check, g.state) {
                    (Err(e), _) => Err(e),
                    (Ok(()), GroupState::PreparingRebalance) => {
                        Err(KafkaError::RebalanceInProgress)
                    }
                    (Ok(()), GroupState::Stable) => {
                        Ok(g.assignment.get(&member).cloned().unwrap_or_default())
                    }
                    (Ok(()), GroupState::CompletingRebalance) => {
                        let m = g.members.get_mut(&member).expect("checked");
                        m.pending_sync = Some(correlation);
                        m.last_heard = now;
                        if g.leader == Some(member) {
                            if let Some(assignment) = assignment {
                                complete_sync(now, g, assignment, out);
                            }
                        }
                        return;
                    }
                    (Ok(()), GroupState::Empty) => Err(KafkaError::UnknownMemberId),
                };
                out.send(
                    from,
                    Message::SyncGroupResponse {
                        correlation,
                        result,
                    },
                );
            }
            Message::HeartbeatRequest {
                correlation,
                generation,
                member,
                ..
            } => {
                let error = match member_check(g, member, generation) {
                    Err(e) => Some(e),
                    Ok(()) => {
                        let m = g.members.get_mut(&member).expect("checked");
                        m.last_heard = now;
                        schedule_session_check(&g.name, m, now, out);
                        (g.state == GroupState::PreparingRebalance)
                            .then_some(KafkaError::RebalanceInProgress)
                    }
                };
                out.send(from, Message::HeartbeatResponse { correlation, error });
            }
            Message::LeaveGroupRequest {
                correlation,
                member,
                ..
            } => {
                if g.members.contains_key(&member) {
                    remove_member(now, g, member, RebalanceReason::MemberLeft, delay, out);
                }
                out.send(from, Message::LeaveGroupResponse { correlation });
            }
            Message::OffsetCommitRequest {
                correlation,
                generation,
                member,
                offsets,
                ..
            } => {
                let result = match member_check(g, member, generation) {
                    Ok(()) if g.state == GroupState::CompletingRebalance => {
                        Err(KafkaError::RebalanceInProgress)
                    }
                    Ok(()) => {
                        for (tp, offset) in &offsets {
                            g.offsets.insert(*tp, *offset);
                            out.trace(TraceKind::OffsetCommitted {
                                coordinator: NodeId::Broker(broker),
                                group: g.name.clone(),
                                partition: *tp,
                                offset: *offset,
                            });
                        }
                        Ok(offsets)
                    }
                    Err(e) => Err(e),
                };
                if let Err(error) = result {
                    out.trace(TraceKind::OffsetCommitRejected {
                        coordinator: NodeId::Broker(broker),
                        group: g.name.clone(),
                        member,
                        generation,
                        error,
                    });
                }
                out.send(
                    from,
                    Message::OffsetCommitResponse {
                        correlation,
                        result,
                    },
                );
            }
            Message::OffsetFetchRequest {
                correlation,
                partitions,
                require_stable,
                ..
            } => {
                let result = if require_stable && txn_offsets::any_pending(g, &partitions) {
                    Err(KafkaError::UnstableOffsetCommit)
                } else {
                    Ok(partitions
                        .into_iter()
                        .map(|tp| (tp, g.offsets.get(&tp).copied()))
                        .collect())
                };
                out.send(
                    from,
                    Message::OffsetFetchResponse {
                        correlation,
                        result,
                    },
                );
            }
            Message::TxnOffsetCommitRequest {
                correlation,
                producer_id,
                producer_epoch,
                generation,
                member,
                offsets,
                ..
            } => {
                let result = txn_offsets::store(
                    g,
                    broker,
                    (producer_id, producer_epoch),
                    member,
                    generation,
                    offsets,
                    out,
                );
                out.send(
                    from,
                    Message::TxnOffsetCommitResponse {
                        correlation,
                        result,
                    },
                );
            }
            _ => {}
        }
    }
}

impl Coordinated for Group {
    fn key(&self) -> &str {
        &self.name
    }
    fn coordinator(&self) -> Option<u32> {
        self.coordinator
    }
    fn move_to(&mut self, now: SimTime, to: Option<u32>, outs: &mut Outs) {
        move_group(now, self, to, outs);
    }
}

/// Loads `g` on its new coordinator: fresh session timers for every member (Kafka schedules a
/// session expiry for each member of a group it loads); requests the old coordinator held are
/// gone; a rebalance in progress starts over.
fn move_group(now: SimTime, g: &mut Group, to: Option<u32>, outs: &mut Outs) {
    let from = g.coordinator;
    g.coordinator = to;
    let Some(to) = to else {
        let out = outs.entry(from.unwrap_or(0)).or_default();
        out.trace(TraceKind::CoordinatorMoved {
            group: g.name.clone(),
            coordinator: None,
        });
        return;
    };
    let out = outs.entry(to).or_default();
    out.trace(TraceKind::CoordinatorMoved {
        group: g.name.clone(),
        coordinator: Some(NodeId::Broker(to)),
    });
    // Loading the group: fresh session timers; requests held by the old coordinator are gone.
    for m in g.members.values_mut() {
        m.last_heard = now;
        m.pending_join = None;
        m.pending_sync = None;
        // Timers the old coordinator set are gone with it.
        m.next_session_check = SimTime::ZERO;
        schedule_session_check(&g.name, m, now, out);
    }
    if matches!(
        g.state,
        GroupState::PreparingRebalance | GroupState::CompletingRebalance
    ) {
        g.state = GroupState::PreparingRebalance;
        g.initial_delay_cap = None;
        let wait = g.rebalance_timeout();
        g.restart_rebalance_deadline(wait, out);
    }
}

/// Sets the coordinator's check for the member's session deadline (`session.timeout.ms` after it
/// was last heard from), unless one is already set for a later time.
fn schedule_session_check(group: &str, m: &mut GroupMember, now: SimTime, out: &mut Out) {
    let at = (m.last_heard + m.session_timeout).max(now + SimDuration::from_micros(1));
    if m.next_session_check > now && m.next_session_check <= at {
        // The pending check will reschedule itself if the member was heard from meanwhile.
        return;
    }
    m.next_session_check = at;
    out.set_timer(
        at.since(now),
        Timer::MemberSessionExpiry {
            group: group.to_string(),
            member: m.id,
        },
    );
}
