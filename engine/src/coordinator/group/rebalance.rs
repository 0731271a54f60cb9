//! A group's rebalance, step by step (Kafka's classic `GroupCoordinator`): a member joins or
//! leaves or is removed, the group goes to PreparingRebalance (waiting
//! `group.initial.rebalance.delay.ms` for a new group's members), every member's JoinGroup is
//! answered with the new generation (the leader member gets the member list), the leader's
//! SyncGroup carries the assignment, and the group is Stable.

use super::*;
use crate::ordered::CollectByInsert;

pub(super) fn prepare_rebalance(
    now: SimTime,
    g: &mut Group,
    reason: RebalanceReason,
    initial_delay: SimDuration,
    out: &mut Out,
) {
    // Members waiting for the old assignment must rejoin instead.
    for m in g.members.values_mut() {
        if let Some(correlation) = m.pending_sync.take() {
            out.send(
                m.client,
                Message::SyncGroupResponse {
                    correlation,
                    result: Err(KafkaError::RebalanceInProgress),
                },
            );
        }
    }
    let was_empty = g.state == GroupState::Empty;
    g.state = GroupState::PreparingRebalance;
    out.trace(TraceKind::RebalanceStarted {
        group: g.name.clone(),
        generation: g.generation,
        reason,
    });
    let wait = if was_empty && initial_delay > SimDuration::ZERO {
        // group.initial.rebalance.delay.ms: a new group waits for more members, each new one
        // extending the wait, up to the rebalance timeout.
        g.initial_delay_cap = Some(now + g.rebalance_timeout());
        initial_delay
    } else {
        g.rebalance_timeout()
    };
    g.restart_rebalance_deadline(wait, out);
}

pub(super) fn extend_initial_delay(now: SimTime, g: &mut Group, delay: SimDuration, out: &mut Out) {
    let Some(cap) = g.initial_delay_cap else {
        return;
    };
    let until = (now + delay).min(cap);
    g.restart_rebalance_deadline(until.since(now), out);
}

pub(super) fn remove_member(
    now: SimTime,
    g: &mut Group,
    member: MemberId,
    reason: RebalanceReason,
    delay: SimDuration,
    out: &mut Out,
) {
    g.members.remove(&member);
    g.assignment.remove(&member);
    out.trace(TraceKind::MemberRemoved {
        group: g.name.clone(),
        member,
        reason: reason.clone(),
    });
    match g.state {
        GroupState::Stable | GroupState::CompletingRebalance => {
            if g.members.is_empty() {
                complete_join(now, g, out);
            } else {
                prepare_rebalance(now, g, reason, delay, out);
            }
        }
        GroupState::PreparingRebalance => {
            if g.initial_delay_cap.is_none() && g.all_joined() {
                complete_join(now, g, out);
            }
        }
        GroupState::Empty => {}
    }
}

/// Every member rejoined (or the rest timed out): a new generation begins.
pub(super) fn complete_join(now: SimTime, g: &mut Group, out: &mut Out) {
    g.generation += 1;
    g.round += 1;
    g.assignment.clear();
    if g.members.is_empty() {
        g.state = GroupState::Empty;
        g.leader = None;
        out.trace(TraceKind::GenerationStarted {
            group: g.name.clone(),
            generation: g.generation,
            leader: None,
            members: Vec::new(),
        });
        return;
    }
    g.state = GroupState::CompletingRebalance;
    if !g.leader.is_some_and(|l| g.members.contains_key(&l)) {
        g.leader = g.members.keys().next().copied();
    }
    let leader = g.leader.expect("a member exists");
    let subscriptions: Vec<MemberSubscription> = g
        .members
        .values()
        .map(|m| MemberSubscription {
            member: m.id,
            owned: m.owned.clone(),
            topics: m.topics.clone(),
        })
        .collect();
    out.trace(TraceKind::GenerationStarted {
        group: g.name.clone(),
        generation: g.generation,
        leader: Some(leader),
        members: g.members.keys().copied().collect(),
    });
    for m in g.members.values_mut() {
        m.last_heard = now;
        let Some(correlation) = m.pending_join.take() else {
            continue;
        };
        out.send(
            m.client,
            Message::JoinGroupResponse {
                correlation,
                result: Ok(JoinGroupResult {
                    generation: g.generation,
                    member: m.id,
                    leader,
                    strategy: g.strategy,
                    members: if m.id == leader {
                        subscriptions.clone()
                    } else {
                        Vec::new()
                    },
                }),
            },
        );
        schedule_session_check(&g.name, m, now, out);
    }
}

/// The leader's SyncGroup arrived: the group is stable with this assignment.
pub(super) fn complete_sync(now: SimTime, g: &mut Group, assignment: Assignment, out: &mut Out) {
    g.assignment = assignment
        .into_iter()
        .filter(|(m, _)| g.members.contains_key(m))
        .collect_by_insert();
    for id in g.members.keys() {
        g.assignment.entry(*id).or_default();
    }
    g.state = GroupState::Stable;
    out.trace(TraceKind::GroupStable {
        group: g.name.clone(),
        generation: g.generation,
        assignment: g
            .assignment
            .iter()
            .map(|(m, parts)| (*m, parts.iter().map(|tp| tp.partition).collect()))
            .collect(),
    });
    for m in g.members.values_mut() {
        m.last_heard = now;
        let Some(correlation) = m.pending_sync.take() else {
            continue;
        };
        out.send(
            m.client,
            Message::SyncGroupResponse {
                correlation,
                result: Ok(g.assignment.get(&m.id).cloned().unwrap_or_default()),
            },
        );
    }
}
