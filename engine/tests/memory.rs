//! Memory that grows with the run, not with the run times its state: checkpoints share the
//! world's unchanged chunks, their number is capped (the spacing doubles instead), timers for
//! requests do not pile up in the queue, and the page can tell up front whether a run fits.

use kafkascope_engine::scenario::ScenarioBuilder;
use kafkascope_engine::timeline::{MAX_CHECKPOINTS, MAX_TRACE_ENTRIES};
use kafkascope_engine::{trace_hash, Scenario, SimTime, Simulation, Timeline};

fn shipped(name: &str) -> Scenario {
    let path = format!("{}/../scenarios/{name}.toml", env!("CARGO_MANIFEST_DIR"));
    Scenario::from_toml(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn a_long_run_keeps_at_most_the_cap_of_checkpoints_and_still_seeks_exactly() {
    let s = ScenarioBuilder::new("long")
        .producer(60_000, |p| p.interval_ms = 1)
        .consumer("g", |c| {
            c.auto_offset_reset = kafkascope_engine::scenario::OffsetReset::Earliest;
            c.processing_ms = 0;
        })
        .build()
        .unwrap();
    let timeline = Timeline::record(&s);
    assert!(timeline.checkpoint_count() <= MAX_CHECKPOINTS);
    assert!(
        timeline.checkpoint_count() > MAX_CHECKPOINTS / 4,
        "{} checkpoints",
        timeline.checkpoint_count()
    );
    for k in [1u64, 7, 13] {
        let t = SimTime(timeline.end().0 * k / 17);
        let mut straight = Simulation::new(&s);
        straight.run_until(t);
        let restored = timeline.world_at(t);
        assert_eq!(restored.events_processed(), straight.events_processed());
        assert_eq!(
            kafkascope_engine::OutcomeReport::from_simulation(&restored, "", 0),
            kafkascope_engine::OutcomeReport::from_simulation(&straight, "", 0)
        );
    }
    let straight = kafkascope_engine::run::run_scenario(&s, true);
    assert_eq!(
        format!("{:016x}", trace_hash(timeline.trace())),
        straight.trace_hash.unwrap()
    );
}

#[test]
fn request_timeouts_do_not_pile_up_in_the_event_queue() {
    let mut world = Simulation::new(&shipped("hello-kafka"));
    let mut most = 0;
    while world.step() {
        world.discard_trace();
        most = most.max(world.queued_events());
    }
    assert!(most < 40, "at most {most} events queued");
}

#[test]
fn a_checkpoint_shares_the_logs_it_did_not_change() {
    let s = shipped("bench-500-in-flight");
    let mut world = Simulation::new(&s);
    world.run_until(SimTime::from_ms(2_000));
    world.discard_trace();
    let snapshot = world.clone();
    world.run_until(SimTime::from_ms(2_050));
    let (tp, replica) = world.brokers()[0].replicas().iter().next().unwrap();
    let before = &snapshot.brokers()[0].replica(*tp).unwrap().log;
    let chunks = before.len() / kafkascope_engine::chunked::CHUNK;
    assert!(chunks >= 4, "{} records", before.len());
    assert!(replica.log.len() > before.len(), "the log grew");
    assert!(
        replica.log.shared_chunks_with(before) >= chunks - 1,
        "only the chunk being appended to was copied"
    );
}

#[test]
fn the_page_can_tell_up_front_what_fits() {
    let small = Timeline::estimate(&shipped("hello-kafka"));
    assert!(small.fits(), "{small:?}");
    let big = Timeline::estimate(&shipped("bench-300k"));
    assert!(big.fits(), "{big:?}");
    let huge = Timeline::estimate(&shipped("bench-1m"));
    assert!(!huge.fits(), "{huge:?}");
    assert!(huge.trace_entries > MAX_TRACE_ENTRIES);
    assert!(huge.records_that_fit() < 1_000_000);
    assert!(
        huge.records_that_fit() > 50_000,
        "{}",
        huge.records_that_fit()
    );
    // Small runs fit without a sample being simulated.
    assert_eq!(
        Timeline::estimate(&shipped("consumers-4-partitions")).trace_entries,
        0
    );
    // For a large one the projection is close to what recording really holds.
    let s = ScenarioBuilder::new("projected")
        .brokers(3)
        .topic(|t| {
            t.partitions = 3;
            t.replication_factor = 2;
        })
        .producer(15_000, |p| {
            p.interval_ms = 1;
            p.keys = 9;
        })
        .consumer("g", |c| c.processing_ms = 0)
        .build()
        .unwrap();
    let projected = Timeline::estimate(&s).trace_entries as f64;
    let real = Timeline::record(&s).trace().len() as f64;
    assert!(
        (projected / real - 1.0).abs() < 0.5,
        "projected {projected}, recorded {real}"
    );
}
