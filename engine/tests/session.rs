//! A session is a scenario plus what the reader did: live actions injected into a timeline
//! become part of its scenario (marked as the reader's), so that running that scenario anew —
//! from its TOML, as the page's download or `kafkascope-sim run` would — gives the same trace.

use kafkascope_engine::run::run_scenario;
use kafkascope_engine::{trace_hash, Action, NodeId, Scenario, SimTime, Timeline};

fn timeline_of(name: &str) -> Timeline {
    let path = format!("{}/../scenarios/{name}.toml", env!("CARGO_MANIFEST_DIR"));
    Timeline::record(&Scenario::from_toml(&std::fs::read_to_string(path).unwrap()).unwrap())
}

fn replayed_hash(timeline: &Timeline) -> String {
    let text = timeline.scenario().to_toml();
    let replayed = Scenario::from_toml(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(&replayed, timeline.scenario(), "the TOML round-trips");
    // The page saves sessions as JSON: that round-trips too.
    let json = timeline.scenario().to_json();
    assert_eq!(
        &Scenario::from_json(&json).unwrap_or_else(|e| panic!("{e}\n{json}")),
        timeline.scenario()
    );
    run_scenario(&replayed, true).trace_hash.unwrap()
}

#[test]
fn a_session_with_live_actions_replays_to_the_same_trace() {
    let mut timeline = timeline_of("acks-1-failover-loss");
    timeline.inject(
        SimTime(2_345_678),
        Action::CrashBroker {
            broker: NodeId::Broker(3),
        },
    );
    timeline.inject(
        SimTime(4_000_000),
        Action::RestartBroker {
            broker: NodeId::Broker(3),
        },
    );
    let readers: Vec<u64> = timeline
        .scenario()
        .reader_actions()
        .map(|s| s.at_ms)
        .collect();
    assert_eq!(readers, vec![2_345, 4_000], "to the millisecond, in order");
    assert_eq!(
        format!("{:016x}", trace_hash(timeline.trace())),
        replayed_hash(&timeline)
    );
}

#[test]
fn rewinding_and_acting_again_drops_the_undone_future_from_the_session() {
    let mut timeline = timeline_of("consumers-4-partitions");
    timeline.inject(
        SimTime::from_ms(9_000),
        Action::KillConsumer {
            consumer: NodeId::Consumer(1),
        },
    );
    timeline.inject(
        SimTime::from_ms(3_000),
        Action::PauseConsumer {
            consumer: NodeId::Consumer(3),
            by_ms: 2_000,
        },
    );
    let readers: Vec<&Action> = timeline
        .scenario()
        .reader_actions()
        .map(|s| &s.action)
        .collect();
    assert_eq!(
        readers,
        vec![&Action::PauseConsumer {
            consumer: NodeId::Consumer(3),
            by_ms: 2_000
        }],
        "the kill at 9 s belonged to the history the rewind replaced"
    );
    assert_eq!(
        format!("{:016x}", trace_hash(timeline.trace())),
        replayed_hash(&timeline)
    );
}

#[test]
fn a_scenario_file_marks_the_readers_actions() {
    let mut timeline = timeline_of("hello-kafka");
    timeline.inject(
        SimTime::from_ms(50),
        Action::CrashBroker {
            broker: NodeId::Broker(1),
        },
    );
    let text = timeline.scenario().to_toml();
    assert!(text.contains("by_reader = true"), "{text}");
}

#[test]
fn a_readers_setting_change_is_marked_in_the_session_and_replays_to_the_same_trace() {
    let path = format!(
        "{}/../scenarios/acks-1-failover-loss.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut scenario = Scenario::from_toml(&std::fs::read_to_string(path).unwrap()).unwrap();
    // What the page's settings panel does: the new value in the scenario, the change noted.
    for p in &mut scenario.producers {
        p.acks = kafkascope_engine::message::Acks::All;
    }
    scenario.note_reader_setting("acks", "1".into(), "all".into());
    let timeline = Timeline::record(&scenario);
    let text = timeline.scenario().to_toml();
    assert!(
        text.contains("reader_settings = [\"acks: 1 → all\"]"),
        "{text}"
    );
    assert_eq!(
        replayed_hash(&timeline),
        run_scenario(&scenario, true).trace_hash.unwrap()
    );
    // The note is only a record: the same settings without it run to the same trace.
    let mut unmarked = scenario.clone();
    unmarked.reader_settings.clear();
    assert_eq!(
        run_scenario(&unmarked, true).trace_hash,
        run_scenario(&scenario, true).trace_hash
    );
}
