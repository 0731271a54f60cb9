//! Property tests over random fault schedules (seeded; proptest prints the failing case).

mod common;

use common::basic_builder;
use kafkascope_engine::message::{Acks, MessageKind};
use kafkascope_engine::run::run_scenario;
use kafkascope_engine::sim::EndReason;
use kafkascope_engine::Simulation;
use kafkascope_engine::{Action, NodeId, Scenario};
use proptest::prelude::*;

const KINDS: [MessageKind; 8] = [
    MessageKind::ProduceRequest,
    MessageKind::ProduceResponse,
    MessageKind::FetchRequest,
    MessageKind::FetchResponse,
    MessageKind::OffsetCommitRequest,
    MessageKind::OffsetCommitResponse,
    MessageKind::ListOffsetsRequest,
    MessageKind::OffsetFetchResponse,
];

fn link_for(kind: MessageKind) -> (NodeId, NodeId) {
    let (producer, broker, consumer) =
        (NodeId::Producer(1), NodeId::Broker(1), NodeId::Consumer(1));
    match kind {
        MessageKind::ProduceRequest => (producer, broker),
        MessageKind::ProduceResponse => (broker, producer),
        MessageKind::FetchRequest
        | MessageKind::OffsetCommitRequest
        | MessageKind::ListOffsetsRequest => (consumer, broker),
        _ => (broker, consumer),
    }
}

/// The basic scenario with short request timeouts and the next message of each listed kind
/// dropped at its time.
fn faulty_scenario(seed: u64, records: u32, acks: Acks, faults: &[(u64, usize)]) -> Scenario {
    faulty_scenario_with(seed, records, acks, None, faults)
}

fn faulty_scenario_with(
    seed: u64,
    records: u32,
    acks: Acks,
    idempotence: Option<bool>,
    faults: &[(u64, usize)],
) -> Scenario {
    let mut b = basic_builder(records)
        .seed(seed)
        .change_producer(0, |p| {
            p.interval_ms = 1;
            p.request_timeout_ms = 300;
            p.acks = acks;
            p.enable_idempotence = idempotence;
        })
        .change_consumer(0, |c| c.request_timeout_ms = 300);
    for (at, k) in faults {
        let kind = KINDS[*k];
        let (from, to) = link_for(kind);
        b = b.at(*at, Action::DropNext { from, to, kind });
    }
    b.build().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Message loss never loses an acknowledged acks=all record, and a consumer that commits after
    /// processing processes every committed record at least once (duplicates allowed).
    #[test]
    fn dropped_messages_never_lose_acknowledged_records_under_acks_all(
        seed in any::<u64>(),
        records in 1u32..60,
        faults in proptest::collection::vec((0u64..80, 0usize..KINDS.len()), 0..8),
    ) {
        let s = faulty_scenario(seed, records, Acks::All, &faults);
        let mut sim = Simulation::new(&s);
        while sim.step() {
            for b in sim.brokers() {
                for r in b.replicas().values() {
                    prop_assert!(r.log.high_watermark() <= r.log.log_end_offset());
                }
            }
        }
        prop_assert_eq!(sim.ended().map(|e| e.1), Some(EndReason::Settled));
        let report = kafkascope_engine::OutcomeReport::from_simulation(&sim, "p", seed);
        prop_assert_eq!(report.lost_acknowledged, 0);
        prop_assert_eq!(report.acknowledged, u64::from(records));
        prop_assert_eq!(report.committed_in_log, u64::from(records));
        prop_assert_eq!(report.groups[0].not_processed, 0);
        prop_assert_eq!(report.groups[0].consumed, u64::from(records));
    }

    /// With the idempotent producer, lost produce responses (and every other dropped message
    /// but a produce request: see `producer::idempotence`) never write a record twice or out of
    /// order, and never lose an acknowledged one; every record is acknowledged or given up (a
    /// retry older than the 5 batches a leader remembers is refused: see the same module).
    #[test]
    fn with_idempotence_lost_responses_never_duplicate_or_reorder(
        seed in any::<u64>(),
        records in 1u32..60,
        faults in proptest::collection::vec((0u64..80, 1usize..KINDS.len()), 0..8),
    ) {
        let s = faulty_scenario_with(seed, records, Acks::All, Some(true), &faults);
        let mut sim = Simulation::new(&s);
        sim.run_to_end();
        let report = kafkascope_engine::OutcomeReport::from_simulation(&sim, "p", seed);
        prop_assert_eq!(report.duplicates_in_log, 0);
        prop_assert_eq!(report.reordered, 0);
        prop_assert_eq!(report.lost_acknowledged, 0);
        prop_assert_eq!(report.acknowledged + report.failed, u64::from(records));
    }

    /// The high watermark never moves backward during a run.
    #[test]
    fn high_watermark_never_moves_backward(
        seed in any::<u64>(),
        faults in proptest::collection::vec((0u64..80, 0usize..KINDS.len()), 0..6),
    ) {
        let s = faulty_scenario(seed, 40, Acks::All, &faults);
        let mut sim = Simulation::new(&s);
        let mut last = 0;
        while sim.step() {
            let hw = sim.brokers()[0].replicas().values().next().unwrap().log.high_watermark();
            prop_assert!(hw >= last);
            last = hw;
        }
    }
}

/// The unsafe setting can lose: with acks=0 some fault schedule loses a record the producer
/// counted as sent. A model that never loses anything would be as wrong as one that always does.
#[test]
fn acks_zero_under_random_drops_does_lose_records() {
    let mut losses = 0;
    for seed in 0..20u64 {
        let s = faulty_scenario(seed, 20, Acks::None, &[(seed % 20, 0)]);
        let report = run_scenario(&s, false);
        assert_eq!(report.acknowledged, 0, "acks=0 is never acknowledged");
        assert_eq!(report.lost_acknowledged, 0);
        losses += report.sent_not_in_log;
    }
    assert_eq!(
        losses, 20,
        "each schedule drops exactly one produce request"
    );
}

/// The unsafe variant is found to fail by the same check: without idempotence, a lost produce
/// response in the same kind of run writes a duplicate.
#[test]
fn without_idempotence_the_same_check_finds_a_duplicate() {
    let response = KINDS
        .iter()
        .position(|k| *k == MessageKind::ProduceResponse)
        .unwrap();
    let found = (0..20u64).any(|seed| {
        let s = faulty_scenario_with(seed, 20, Acks::All, Some(false), &[(5, response)]);
        let mut sim = Simulation::new(&s);
        sim.run_to_end();
        kafkascope_engine::OutcomeReport::from_simulation(&sim, "p", seed).duplicates_in_log > 0
    });
    assert!(
        found,
        "a lost response without idempotence duplicates a record"
    );
}
