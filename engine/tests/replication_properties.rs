//! Property tests over random fault schedules for the replication model (seeded; proptest prints
//! the failing schedule and seed).

mod common;

use common::seed_from_env;
use kafkascope_engine::check::invariants::InvariantChecker;
use kafkascope_engine::run::run_scenario;
use kafkascope_engine::sim::EndReason;
use kafkascope_engine::{OutcomeReport, Scenario, Simulation};
use proptest::prelude::*;
use proptest::strategy::ValueTree;

/// A fault in a schedule: crash a broker for a while, or cut a link for a while.
#[derive(Clone, Debug)]
enum Fault {
    Crash {
        broker: u32,
        at_ms: u64,
        for_ms: u64,
    },
    Cut {
        a: String,
        b: String,
        at_ms: u64,
        for_ms: u64,
    },
}

fn node(i: u32) -> String {
    if i == 0 {
        "controller-1".into()
    } else if i <= 3 {
        format!("broker-{i}")
    } else {
        "producer-1".into()
    }
}

fn fault() -> impl Strategy<Value = Fault> {
    prop_oneof![
        (1u32..=3, 0u64..15_000, 500u64..12_000).prop_map(|(broker, at_ms, for_ms)| Fault::Crash {
            broker,
            at_ms,
            for_ms
        }),
        (0u32..=4, 0u32..=4, 0u64..15_000, 200u64..12_000)
            .prop_filter("a link joins two nodes", |(a, b, _, _)| a != b)
            .prop_map(|(a, b, at_ms, for_ms)| Fault::Cut {
                a: node(a),
                b: node(b),
                at_ms,
                for_ms
            }),
    ]
}

/// Keeps crash windows from overlapping: at most one broker down at a time
/// (RF − min.insync.replicas = 1).
fn one_crash_at_a_time(faults: Vec<Fault>) -> Vec<Fault> {
    let mut busy_until = 0;
    let mut crashes: Vec<Fault> = faults
        .iter()
        .filter(|f| matches!(f, Fault::Crash { .. }))
        .cloned()
        .collect();
    crashes.sort_by_key(|f| match f {
        Fault::Crash { at_ms, .. } => *at_ms,
        _ => 0,
    });
    let mut kept = Vec::new();
    for f in crashes {
        if let Fault::Crash { at_ms, for_ms, .. } = f {
            if at_ms > busy_until {
                busy_until = at_ms + for_ms + 1;
                kept.push(f);
            }
        }
    }
    kept.extend(
        faults
            .into_iter()
            .filter(|f| matches!(f, Fault::Cut { .. })),
    );
    kept
}

fn scenario(seed: u64, acks: &str, min_isr: u32, faults: &[Fault]) -> Scenario {
    let mut toml = format!(
        r#"
name = "replication-property"
seed = {seed}
[cluster]
brokers = 3
"replica.lag.time.max.ms" = 3000
[topic]
name = "t"
partitions = 2
"replication.factor" = 3
"min.insync.replicas" = {min_isr}
[[producers]]
records = 40
interval_ms = 400
keys = 3
"acks" = "{acks}"
"request.timeout.ms" = 1000
"delivery.timeout.ms" = 600000
[simulation]
max_time_ms = 200000
"#
    );
    for f in faults {
        match f {
            Fault::Crash {
                broker,
                at_ms,
                for_ms,
            } => {
                toml += &format!(
                    "[[script]]\nat_ms = {at_ms}\naction = \"crash_broker\"\nbroker = \"broker-{broker}\"\n\
                     [[script]]\nat_ms = {}\naction = \"restart_broker\"\nbroker = \"broker-{broker}\"\n",
                    at_ms + for_ms
                );
            }
            Fault::Cut {
                a,
                b,
                at_ms,
                for_ms,
            } => {
                toml += &format!(
                    "[[script]]\nat_ms = {at_ms}\naction = \"cut_link\"\nfrom = \"{a}\"\nto = \"{b}\"\n\
                     [[script]]\nat_ms = {}\naction = \"heal_link\"\nfrom = \"{a}\"\nto = \"{b}\"\n",
                    at_ms + for_ms
                );
            }
        }
    }
    Scenario::from_toml(&toml).unwrap_or_else(|e| panic!("{e}\n{toml}"))
}

/// Runs a schedule, checking the HW invariants after every event.
fn run_checked(s: &Scenario) -> Result<OutcomeReport, TestCaseError> {
    let mut sim = Simulation::new(s);
    // Kafka's invariants (the engine's own checker): HW ≤ LEO, the leader's HW never moves back
    // within an epoch, and never passes an in-sync follower's LEO.
    let mut checker = InvariantChecker::default();
    while sim.step() {
        sim.discard_trace();
        if let Err(v) = checker.check(&sim) {
            prop_assert!(false, "seed {}: {v}", s.seed);
        }
    }
    prop_assert_eq!(sim.ended().map(|e| e.1), Some(EndReason::Settled));
    // At the end every ISR replica holds exactly the leader's committed records.
    for tp in sim.partitions() {
        let meta = sim.partition_meta(*tp);
        let leader = sim.leader_replica(*tp).expect("online at the end");
        let hw = leader.log.high_watermark();
        let committed = leader.log.read_below_high_watermark(0, usize::MAX);
        for m in &meta.isr {
            let r = sim.brokers()[*m as usize - 1].replica(*tp).unwrap();
            prop_assert_eq!(&r.log.read_from(0, hw as usize), &committed);
        }
    }
    Ok(OutcomeReport::from_simulation(&sim, &s.name, s.seed))
}

proptest! {
    // A fixed seed: CI explores the same 2000 schedules every run (PROPTEST_RNG_SEED overrides
    // it to explore others; a failure prints the schedule).
    #![proptest_config(ProptestConfig {
        cases: 2000,
        failure_persistence: None,
        rng_seed: seed_from_env(),
        ..ProptestConfig::default()
    })]

    /// acks=all, min.insync.replicas=2, clean elections, at most RF − min.insync = 1 broker down
    /// at once (links may be cut anywhere): no acknowledged record is ever lost.
    #[test]
    fn acks_all_with_min_isr_2_never_loses_an_acknowledged_record(
        seed in any::<u64>(),
        faults in proptest::collection::vec(fault(), 0..6),
    ) {
        let s = scenario(seed, "all", 2, &one_crash_at_a_time(faults));
        let report = run_checked(&s)?;
        prop_assert_eq!(report.lost_acknowledged, 0);
        prop_assert_eq!(report.committed_then_truncated, 0);
        prop_assert_eq!(report.acknowledged, report.produced);
    }
}

/// The unsafe setting can lose: over these schedules, acks=1 loses at least one acknowledged
/// record somewhere (a model that never loses anything is as wrong as one that always does).
#[test]
fn acks_one_under_random_crashes_does_lose_acknowledged_records() {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let schedules = proptest::collection::vec(fault(), 1..6);
    let mut losses = 0;
    for seed in 0..60u64 {
        let faults = schedules.new_tree(&mut runner).unwrap().current();
        let s = scenario(seed, "1", 1, &one_crash_at_a_time(faults));
        losses += run_scenario(&s, false).lost_acknowledged;
    }
    assert!(losses > 0, "no schedule lost an acks=1 record");
}
