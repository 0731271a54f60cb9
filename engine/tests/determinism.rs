//! Same scenario and seed, same trace; seeking and live injection agree with straight runs.

mod common;

use common::basic_builder;
use kafkascope_engine::action::Action;
use kafkascope_engine::message::MessageKind;
use kafkascope_engine::run::run_scenario;
use kafkascope_engine::scenario::{OffsetReset, Scenario, ScenarioBuilder};
use kafkascope_engine::{trace_hash, NodeId, SimTime, Simulation, Timeline};
use proptest::prelude::*;

fn busy_builder() -> ScenarioBuilder {
    basic_builder(200)
        .seed(99)
        .topic(|t| t.partitions = 3)
        .change_producer(0, |p| {
            p.interval_ms = 1;
            p.keys = 7;
        })
        .consumer("analytics", |c| c.auto_offset_reset = OffsetReset::Earliest)
}

fn busy() -> Scenario {
    busy_builder().build().unwrap()
}

#[test]
fn same_seed_gives_the_same_trace_hash() {
    let s = busy();
    let a = run_scenario(&s, true);
    let b = run_scenario(&s, true);
    assert_eq!(a.trace_hash, b.trace_hash);
    assert_eq!(a, b);
}

#[test]
fn a_different_seed_changes_the_latencies_and_so_the_trace() {
    let mut s = busy();
    let a = run_scenario(&s, true);
    s.seed = 100;
    let b = run_scenario(&s, true);
    assert_ne!(
        a.trace_hash, b.trace_hash,
        "jitter comes from the seeded RNG"
    );
    assert_eq!(
        a.committed_in_log, b.committed_in_log,
        "the outcome does not depend on it here"
    );
}

#[test]
fn the_hello_scenario_has_a_pinned_trace_hash() {
    // The wasm test (tests/wasm_engine.rs at the top level) asserts the same value in Chromium.
    let text = include_str!("../../scenarios/hello-kafka.toml");
    let report = run_scenario(&kafkascope_engine::Scenario::from_toml(text).unwrap(), true);
    assert_eq!(report.trace_hash.as_deref(), Some(HELLO_TRACE_HASH));
}

/// Changes only when the engine's behaviour or trace format changes (update the file deliberately).
const HELLO_TRACE_HASH: &str = include_str!("../../scenarios/hello-kafka.trace-hash");

#[test]
fn timeline_trace_equals_a_straight_run() {
    let s = busy();
    let timeline = Timeline::record(&s);
    let straight = run_scenario(&s, true);
    assert_eq!(
        Some(format!("{:016x}", trace_hash(timeline.trace()))),
        straight.trace_hash
    );
    assert!(timeline.checkpoint_count() > 2);
}

#[test]
fn seeking_backward_and_forward_gives_the_world_a_straight_run_has() {
    let s = busy();
    let timeline = Timeline::record(&s);
    let end = timeline.end().as_micros();
    let mut cursor = timeline.world_at(SimTime::ZERO);
    for t in [end / 2, end / 5, end - 1, 3, end / 3, end / 3 + 1, end] {
        let t = SimTime(t);
        timeline.seek(&mut cursor, t);
        let mut fresh = Simulation::new(&s);
        fresh.run_until(t);
        assert_eq!(cursor.now(), fresh.now());
        assert_eq!(
            cursor.events_processed(),
            fresh.events_processed(),
            "at {t}"
        );
        for (a, b) in cursor.brokers().iter().zip(fresh.brokers()) {
            for (tp, r) in a.replicas() {
                assert_eq!(r.log, b.replica(*tp).unwrap().log, "log at {t}");
            }
        }
        for (a, b) in cursor.consumers().zip(fresh.consumers()) {
            assert_eq!(a.positions(), b.positions(), "positions at {t}");
        }
    }
}

#[test]
fn an_injected_action_replays_exactly_like_the_same_action_scripted() {
    let action = Action::DropNext {
        from: NodeId::Broker(1),
        to: NodeId::Producer(1),
        kind: MessageKind::ProduceResponse,
    };
    let at_ms = 37;
    // Without idempotence, so that the dropped response leaves a mark (a retry duplicate).
    let base = busy_builder().change_producer(0, |p| {
        p.request_timeout_ms = 400;
        p.enable_idempotence = Some(false);
    });
    let mut timeline = Timeline::record(&base.clone().build().unwrap());
    timeline.inject(SimTime::from_ms(at_ms), action.clone());
    let scripted = base.at(at_ms, action).build().unwrap();
    let straight = run_scenario(&scripted, true);
    assert_eq!(
        Some(format!("{:016x}", trace_hash(timeline.trace()))),
        straight.trace_hash
    );
    assert_eq!(timeline.report(), &{
        let mut r = straight.clone();
        r.trace_hash = None;
        r
    });
    assert!(
        straight.duplicates_in_log >= 1,
        "the dropped response caused a retry duplicate"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any seed, any latency: two runs agree, and a fault-free run delivers everything exactly once.
    #[test]
    fn any_seed_is_deterministic_and_fault_free_delivery_is_exact(
        seed in any::<u64>(),
        latency in 100u64..5000,
        records in 1u32..120,
        in_flight in 1u32..6,
        partitions in 1u32..5,
    ) {
        let s = basic_builder(records)
            .seed(seed)
            .topic(|t| t.partitions = partitions)
            .change_producer(0, |p| {
                p.interval_ms = 1;
                p.max_in_flight = in_flight;
            })
            .network(latency, latency / 2)
            .build()
            .unwrap();
        let a = run_scenario(&s, true);
        let b = run_scenario(&s, true);
        prop_assert_eq!(&a, &b);
        prop_assert_eq!(a.acknowledged, u64::from(records));
        prop_assert_eq!(a.committed_in_log, u64::from(records));
        prop_assert_eq!(a.duplicates_in_log, 0);
        prop_assert_eq!(a.groups[0].consumed, u64::from(records));
        prop_assert_eq!(a.groups[0].processed_more_than_once, 0);
    }
}
