//! Partition assignors: how a consumer group's leader member divides the partitions.
//!
//! In Kafka's classic group protocol the *leader member* (not the coordinator) computes the
//! assignment after JoinGroup and sends it in its SyncGroup request. The strategy is
//! `partition.assignment.strategy`; this model implements the three built-in ones, each following
//! its Kafka class:
//!
//! - **Range** (`RangeAssignor`, the strategy that runs by default): members sorted by member id;
//!   with `n` partitions and `m` members, each gets `n / m` consecutive partitions and the first
//!   `n mod m` members one more. Eager: every rebalance first revokes everything.
//! - **RoundRobin** (`RoundRobinAssignor`): partitions dealt one by one to the sorted members.
//! - **CooperativeSticky** (`CooperativeStickyAssignor`, KIP-429): a balanced assignment that keeps
//!   as many partitions as possible where they were (each member reports its owned partitions in
//!   JoinGroup). Incremental: a partition that must move from one live member to another is left
//!   *unassigned* in this generation; its old owner revokes it and rejoins, and the follow-up
//!   rebalance gives it to the new owner, so no partition ever has two owners and the others keep
//!   consuming throughout.
//!
//! Every member is subscribed to the scenario's one topic.

use crate::flat::{FlatMap, FlatSet};
use crate::ids::{MemberId, TopicPartition};
use crate::ordered::{sort_stable, sort_stable_by_key, CollectByInsert};
use serde::{Deserialize, Serialize};

/// `partition.assignment.strategy`, by the protocol names the assignors register.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum AssignmentStrategy {
    #[default]
    #[serde(rename = "range")]
    Range,
    #[serde(rename = "roundrobin")]
    RoundRobin,
    #[serde(rename = "cooperative-sticky")]
    CooperativeSticky,
}

impl AssignmentStrategy {
    /// Kafka's protocol name (`range`, `roundrobin`, `cooperative-sticky`).
    pub fn name(self) -> &'static str {
        match self {
            AssignmentStrategy::Range => "range",
            AssignmentStrategy::RoundRobin => "roundrobin",
            AssignmentStrategy::CooperativeSticky => "cooperative-sticky",
        }
    }

    /// Whether the protocol is incremental (KIP-429): members keep their partitions across a
    /// rebalance and revoke only what moves.
    pub fn is_cooperative(self) -> bool {
        self == AssignmentStrategy::CooperativeSticky
    }
}

/// What a member told the coordinator in its JoinGroup request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberSubscription {
    pub member: MemberId,
    /// Partitions the member owns now (sent only by cooperative members).
    pub owned: Vec<TopicPartition>,
    /// The topics the member subscribes to (by index).
    pub topics: Vec<u16>,
}

pub type Assignment = FlatMap<MemberId, Vec<TopicPartition>>;

/// The assignment the leader member computes for `members` (every member appears, possibly with
/// no partitions).
/// The assignment `strategy` makes of `partitions` over `members`, each member getting only
/// partitions of topics it subscribes to. Range works topic by topic (Kafka's `RangeAssignor`);
/// RoundRobin deals every topic-partition in order, skipping members not subscribed to its topic
/// (`RoundRobinAssignor`); CooperativeSticky balances each topic among its subscribers, keeping
/// what members own (a simplification of `CooperativeStickyAssignor`'s whole-group balance for
/// members with different subscriptions; the same when all subscribe to the same topics).
pub fn assign(
    strategy: AssignmentStrategy,
    partitions: &[TopicPartition],
    members: &[MemberSubscription],
) -> Assignment {
    let mut sorted: Vec<&MemberSubscription> = members.iter().collect();
    sort_stable_by_key(&mut sorted, |m| m.member);
    let mut partitions = partitions.to_vec();
    sort_stable(&mut partitions);
    let topics: FlatSet<u16> = partitions.iter().map(|tp| tp.topic).collect_by_insert();
    let subscribers = |topic: u16| -> Vec<&MemberSubscription> {
        sorted
            .iter()
            .filter(|m| m.topics.contains(&topic))
            .copied()
            .collect()
    };
    let of_topic = |topic: u16| -> Vec<TopicPartition> {
        partitions
            .iter()
            .filter(|tp| tp.topic == topic)
            .copied()
            .collect()
    };
    let mut out: Assignment = sorted
        .iter()
        .map(|m| (m.member, Vec::new()))
        .collect_by_insert();
    match strategy {
        AssignmentStrategy::Range => {
            for topic in topics {
                merge(&mut out, range(&of_topic(topic), &subscribers(topic)));
            }
        }
        AssignmentStrategy::RoundRobin => {
            let mut next = 0usize;
            for tp in &partitions {
                for k in 0..sorted.len() {
                    let m = sorted[(next + k) % sorted.len()];
                    if m.topics.contains(&tp.topic) {
                        out.entry(m.member).or_default().push(*tp);
                        next = (next + k + 1) % sorted.len();
                        break;
                    }
                }
            }
        }
        AssignmentStrategy::CooperativeSticky => {
            for topic in topics {
                merge(&mut out, sticky(&of_topic(topic), &subscribers(topic)));
            }
            remove_transfers(&mut out, &sorted);
        }
    }
    for owned in out.values_mut() {
        sort_stable(owned);
    }
    out
}

fn merge(into: &mut Assignment, part: Assignment) {
    for (member, tps) in part {
        into.entry(member).or_default().extend(tps);
    }
}

fn range(partitions: &[TopicPartition], members: &[&MemberSubscription]) -> Assignment {
    let mut out = Assignment::new();
    let m = members.len();
    if m == 0 {
        return out;
    }
    let per = partitions.len() / m;
    let extra = partitions.len() % m;
    for (i, member) in members.iter().enumerate() {
        let start = i * per + i.min(extra);
        let len = per + usize::from(i < extra);
        out.insert(member.member, partitions[start..start + len].to_vec());
    }
    out
}

fn sticky(partitions: &[TopicPartition], members: &[&MemberSubscription]) -> Assignment {
    let mut out: Assignment = members
        .iter()
        .map(|m| (m.member, Vec::new()))
        .collect_by_insert();
    let m = members.len();
    if m == 0 {
        return out;
    }
    let n = partitions.len();
    let min_quota = n / m;
    // How many members may hold one more than `min_quota`.
    let mut max_quota_slots = n % m;
    let valid: FlatSet<TopicPartition> = partitions.iter().copied().collect_by_insert();
    let mut taken: FlatSet<TopicPartition> = FlatSet::new();
    for member in members {
        let mut keep: Vec<TopicPartition> = member
            .owned
            .iter()
            .filter(|tp| valid.contains(tp) && !taken.contains(tp))
            .copied()
            .collect();
        sort_stable(&mut keep);
        let mut quota = min_quota;
        if keep.len() > min_quota && max_quota_slots > 0 {
            quota += 1;
            max_quota_slots -= 1;
        }
        keep.truncate(quota);
        taken.extend(keep.iter().copied());
        out.insert(member.member, keep);
    }
    for tp in partitions.iter().filter(|tp| !taken.contains(tp)) {
        // The member with the fewest partitions that is still under its quota (ties: member id).
        let target = out
            .iter()
            .filter(|(_, owned)| {
                owned.len() < min_quota || (owned.len() == min_quota && max_quota_slots > 0)
            })
            .min_by_key(|(id, owned)| (owned.len(), **id))
            .map(|(id, _)| *id)
            .or_else(|| {
                out.iter()
                    .min_by_key(|(id, owned)| (owned.len(), **id))
                    .map(|(id, _)| *id)
            })
            .expect("at least one member");
        let owned = out.get_mut(&target).expect("target is a member");
        if owned.len() == min_quota {
            max_quota_slots = max_quota_slots.saturating_sub(1);
        }
        owned.push(*tp);
    }
    for owned in out.values_mut() {
        sort_stable(owned);
    }
    out
}

/// KIP-429's rule: a partition that another live member still owns is not handed to its new owner
/// until the old owner has revoked it (the follow-up rebalance).
fn remove_transfers(assignment: &mut Assignment, members: &[&MemberSubscription]) {
    let owner: FlatMap<TopicPartition, MemberId> = members
        .iter()
        .flat_map(|m| m.owned.iter().map(move |tp| (*tp, m.member)))
        .collect_by_insert();
    for (member, partitions) in assignment.iter_mut() {
        partitions.retain(|tp| owner.get(tp).is_none_or(|old| old == member));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tps(n: u16) -> Vec<TopicPartition> {
        (0..n)
            .map(|p| TopicPartition {
                topic: 0,
                partition: p,
            })
            .collect()
    }
    fn member(consumer: u32, owned: &[u16]) -> MemberSubscription {
        MemberSubscription {
            topics: vec![0],
            member: MemberId { consumer, join: 1 },
            owned: owned
                .iter()
                .map(|p| TopicPartition {
                    topic: 0,
                    partition: *p,
                })
                .collect(),
        }
    }
    fn numbers(a: &Assignment) -> Vec<Vec<u16>> {
        a.values()
            .map(|v| v.iter().map(|tp| tp.partition).collect())
            .collect()
    }

    #[test]
    fn range_gives_the_first_members_the_extra_partitions() {
        let a = assign(
            AssignmentStrategy::Range,
            &tps(5),
            &[member(2, &[]), member(1, &[]), member(3, &[])],
        );
        assert_eq!(numbers(&a), vec![vec![0, 1], vec![2, 3], vec![4]]);
    }

    #[test]
    fn more_members_than_partitions_leaves_members_idle() {
        let a = assign(
            AssignmentStrategy::Range,
            &tps(2),
            &[member(1, &[]), member(2, &[]), member(3, &[])],
        );
        assert_eq!(numbers(&a), vec![vec![0], vec![1], vec![]]);
    }

    #[test]
    fn round_robin_deals_partitions_in_turn() {
        let a = assign(
            AssignmentStrategy::RoundRobin,
            &tps(5),
            &[member(1, &[]), member(2, &[])],
        );
        assert_eq!(numbers(&a), vec![vec![0, 2, 4], vec![1, 3]]);
    }

    #[test]
    fn cooperative_sticky_keeps_owned_partitions_and_defers_transfers() {
        // Member 1 owned everything; member 2 joins. Sticky balance moves 2 partitions to member
        // 2, but they are still owned by member 1, so this generation leaves them unassigned.
        let first = assign(
            AssignmentStrategy::CooperativeSticky,
            &tps(4),
            &[member(1, &[0, 1, 2, 3]), member(2, &[])],
        );
        assert_eq!(numbers(&first), vec![vec![0, 1], vec![]]);
        // Member 1 revoked 2 and 3 and rejoined: now they go to member 2.
        let second = assign(
            AssignmentStrategy::CooperativeSticky,
            &tps(4),
            &[member(1, &[0, 1]), member(2, &[])],
        );
        assert_eq!(numbers(&second), vec![vec![0, 1], vec![2, 3]]);
    }

    #[test]
    fn cooperative_sticky_hands_out_a_departed_members_partitions_at_once() {
        let a = assign(
            AssignmentStrategy::CooperativeSticky,
            &tps(4),
            &[member(1, &[0, 1]), member(3, &[])],
        );
        assert_eq!(numbers(&a), vec![vec![0, 1], vec![2, 3]]);
    }

    #[test]
    fn every_partition_has_exactly_one_owner_in_every_strategy() {
        for strategy in [
            AssignmentStrategy::Range,
            AssignmentStrategy::RoundRobin,
            AssignmentStrategy::CooperativeSticky,
        ] {
            for n in 1..=7u16 {
                for m in 1..=4u32 {
                    let members: Vec<_> = (1..=m).map(|c| member(c, &[])).collect();
                    let a = assign(strategy, &tps(n), &members);
                    let mut all: Vec<u16> = numbers(&a).into_iter().flatten().collect();
                    all.sort();
                    assert_eq!(all, (0..n).collect::<Vec<_>>(), "{strategy:?} n={n} m={m}");
                    let sizes: Vec<usize> = a.values().map(Vec::len).collect();
                    let spread = sizes.iter().max().unwrap() - sizes.iter().min().unwrap();
                    assert!(spread <= 1, "{strategy:?} unbalanced: {sizes:?}");
                }
            }
        }
    }
}
