//! The five consumer lessons: each lesson's story, asserted on what the engine simulates (the
//! narration describes these outcomes; if the engine's behaviour changes, these fail first).

use kafkascope_engine::group_coordinator::GroupState;
use kafkascope_engine::report::GroupOutcome;
use kafkascope_engine::trace::RebalanceReason;
use kafkascope_engine::{NodeId, Scenario, SimTime, Timeline, TraceKind};

fn timeline(name: &str) -> Timeline {
    let path = format!("{}/../scenarios/{name}.toml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let scenario = Scenario::from_toml(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    Timeline::record(&scenario)
}

fn group<'a>(t: &'a Timeline, name: &str) -> &'a GroupOutcome {
    t.report()
        .groups
        .iter()
        .find(|g| g.group == name)
        .unwrap_or_else(|| panic!("no group {name}"))
}

/// (consumed, never processed, processed twice, out of order, lag)
fn counts(g: &GroupOutcome) -> (u64, u64, u64, u64, u64) {
    (
        g.consumed,
        g.not_processed,
        g.processed_more_than_once,
        g.out_of_order,
        g.lag,
    )
}

fn lag_at(t: &Timeline, ms: u64, name: &str) -> u64 {
    t.world_at(SimTime::from_ms(ms)).group_lag(name)
}

#[test]
fn lesson_1_records_stay_after_reading_and_each_group_has_its_own_offset() {
    let t = timeline("consumers-1-offsets");
    assert_eq!(counts(group(&t, "billing")), (6, 0, 0, 0, 0));
    assert_eq!(counts(group(&t, "audit")), (6, 0, 0, 0, 0));
    assert_eq!(t.report().committed_in_log, 6, "reading removed nothing");
    let end = t.world_at(t.end());
    for name in ["billing", "audit"] {
        let offsets: Vec<u64> = end
            .groups()
            .group(name)
            .unwrap()
            .offsets
            .values()
            .copied()
            .collect();
        assert_eq!(offsets, vec![6], "{name} committed the next offset to read");
    }
    // `audit` started after billing had finished, and still read from offset 0.
    let first_audit = t.trace().iter().find_map(|e| match &e.what {
        TraceKind::Processed { group, offset, .. } if group == "audit" => Some((e.at, *offset)),
        _ => None,
    });
    let (at, offset) = first_audit.expect("audit processed something");
    assert_eq!(offset, 0);
    assert!(at >= SimTime::from_ms(5000));
}

#[test]
fn lesson_2_the_asynchronous_caller_is_answered_after_1_s_and_notified_after_11_s() {
    let t = timeline("consumers-2-async");
    let acked = t
        .trace()
        .iter()
        .find_map(|e| matches!(e.what, TraceKind::Acknowledged { .. }).then_some(e.at))
        .expect("acknowledged");
    let processed = t
        .trace()
        .iter()
        .find_map(|e| matches!(e.what, TraceKind::Processed { .. }).then_some(e.at))
        .expect("processed");
    let ms = |t: SimTime| t.as_micros() / 1000;
    assert!((1000..1100).contains(&ms(acked)), "answer at {acked}");
    assert!(
        (11_000..11_100).contains(&ms(processed)),
        "done at {processed}"
    );
    assert_eq!(counts(group(&t, "user-service")), (1, 0, 0, 0, 0));
}

#[test]
fn lesson_3_a_slow_group_lags_without_holding_the_others_back() {
    let t = timeline("consumers-3-many-groups");
    assert!(lag_at(&t, 5000, "recommendations") >= 25);
    assert!(lag_at(&t, 5000, "view-counter") <= 1);
    assert!(lag_at(&t, 5000, "daily-alert") <= 1);
    for name in ["view-counter", "daily-alert", "recommendations"] {
        assert_eq!(counts(group(&t, name)), (60, 0, 0, 0, 0), "{name}");
    }
    // The stall was shorter than session.timeout.ms: no group rebalanced after the first.
    let rebalances = t
        .trace()
        .iter()
        .filter(|e| matches!(e.what, TraceKind::RebalanceStarted { .. }))
        .count();
    assert_eq!(rebalances, 3, "one initial rebalance per group");
}

#[test]
fn lesson_4_one_owner_per_partition_an_idle_member_a_rebalance_and_added_partitions() {
    let t = timeline("consumers-4-partitions");
    let stable: Vec<Vec<(u32, Vec<u16>)>> = t
        .trace()
        .iter()
        .filter_map(|e| match &e.what {
            TraceKind::GroupStable { assignment, .. } => Some(
                assignment
                    .iter()
                    .map(|(m, p)| (m.consumer, p.clone()))
                    .collect(),
            ),
            _ => None,
        })
        .collect();
    assert_eq!(
        stable,
        vec![
            vec![(1, vec![0]), (2, vec![1]), (3, vec![2]), (4, vec![])],
            vec![(1, vec![0]), (3, vec![1]), (4, vec![2])],
            // After the topic grew to 4 partitions.
            vec![(1, vec![0, 1]), (3, vec![2]), (4, vec![3])],
        ]
    );
    assert!(t.trace().iter().any(|e| matches!(
        &e.what,
        TraceKind::PartitionsCreated { from: 3, to: 4, moved_keys, .. } if !moved_keys.is_empty()
    )));
    assert!(t.trace().iter().any(|e| matches!(
        &e.what,
        TraceKind::PartitionChangeRefused { requested: 3, reason, .. }
            if reason == "Topic currently has 4 partitions, which is higher than the requested 3."
    )));
    assert!(t.trace().iter().any(|e| matches!(
        &e.what,
        TraceKind::MemberRemoved { member, reason: RebalanceReason::SessionTimeout, .. }
            if member.consumer == 2
    )));
    assert_eq!(counts(group(&t, "workers")), (250, 0, 0, 0, 0));
    let end = t.world_at(t.end());
    assert_eq!(
        end.groups().group("workers").unwrap().state,
        GroupState::Stable
    );
    assert!(!end.consumer_is_up(2));
}

#[test]
fn lesson_5_auto_commit_with_hand_off_loses_and_manual_commit_duplicates() {
    let t = timeline("consumers-5-commits");
    assert_eq!(counts(group(&t, "auto-handoff")), (15, 5, 0, 0, 0));
    assert_eq!(counts(group(&t, "manual-sync")), (20, 0, 4, 0, 0));
    // Both restarted consumers rejoined as new members.
    let end = t.world_at(t.end());
    for c in end.consumers() {
        assert_eq!(c.member_id().map(|m| m.join), Some(2), "{}", c.id());
        assert!(end.consumer_is_up(c.id().number()));
    }
    assert_eq!(end.consumers().next().unwrap().id(), NodeId::Consumer(1));
}
