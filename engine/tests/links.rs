//! Shared links (`kafkascope_engine::session::link`): a session turned into a link and back is
//! the same session, and `kafkascope-sim run --link` replays it to the trace the page recorded —
//! for a built-in scenario with the reader's faults, and for a changed one carried whole.

mod common;

use kafkascope_engine::session::{link, Session, SessionScenario};
use kafkascope_engine::{trace_hash, Action, NodeId, Scenario, SimTime, Timeline};

fn builtin_text(name: &str) -> Option<String> {
    std::fs::read_to_string(format!(
        "{}/../scenarios/{name}.toml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .ok()
}

fn builtin(name: &str) -> Scenario {
    Scenario::from_toml(&builtin_text(name).unwrap()).unwrap()
}

/// What the page does: the session of `timeline` (a run of `name`, perhaps changed).
fn page_link(name: &str, timeline: &Timeline, time: SimTime) -> String {
    let original = builtin(name);
    let session = Session {
        scenario: Session::scenario_for(timeline.scenario(), Some((name, &original))),
        time_us: Some(time.as_micros()),
        ..Session::builtin(name)
    };
    format!("http://127.0.0.1:8080/?{}", link::query(&session))
}

fn cli_hash(link: &str) -> String {
    let (code, out, err) = common::cli(&["run", "--link", link, "--trace-hash"]);
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    report["trace_hash"].as_str().unwrap().to_string()
}

#[test]
fn a_builtin_scenario_with_the_readers_faults_travels_by_name_and_replays_to_the_same_trace() {
    let mut timeline = Timeline::record(&builtin("acks-1-failover-loss"));
    timeline.inject(
        SimTime(2_345_678),
        Action::CrashBroker {
            broker: NodeId::Broker(3),
        },
    );
    let url = page_link("acks-1-failover-loss", &timeline, SimTime(3_000_000));
    let session = link::parse(&url).unwrap();
    match &session.scenario {
        SessionScenario::Builtin { name, actions } => {
            assert_eq!(name, "acks-1-failover-loss");
            assert_eq!(
                actions.len(),
                1,
                "the reader's crash, not the author's script"
            );
        }
        SessionScenario::Full(_) => panic!("an unchanged built-in goes by name"),
    }
    assert!(url.len() < 300, "a compact link: {url}");
    assert_eq!(session.time_us, Some(3_000_000));
    let replayed = Timeline::record(
        &session
            .scenario(|name| builtin_text(name).map(|text| Scenario::from_toml(&text)))
            .unwrap(),
    );
    let hash = format!("{:016x}", trace_hash(timeline.trace()));
    assert_eq!(format!("{:016x}", trace_hash(replayed.trace())), hash);
    assert_eq!(cli_hash(&url), hash, "the runner replays the link");
}

#[test]
fn a_changed_scenario_travels_whole_and_replays_to_the_same_trace() {
    let mut scenario = builtin("acks-1-failover-loss");
    for p in &mut scenario.producers {
        p.acks = kafkascope_engine::message::Acks::All;
    }
    scenario.note_reader_setting("acks", "1".into(), "all".into());
    let timeline = Timeline::record(&scenario);
    let url = page_link("acks-1-failover-loss", &timeline, SimTime::ZERO);
    let session = link::parse(&url).unwrap();
    assert!(matches!(&session.scenario, SessionScenario::Full(s) if **s == scenario));
    assert!(
        url.len() < 4_000,
        "compressed, a whole scenario still fits a link: {} characters",
        url.len()
    );
    assert_eq!(
        cli_hash(&url),
        format!("{:016x}", trace_hash(timeline.trace()))
    );
}

#[test]
fn the_runner_names_what_is_wrong_with_a_bad_link() {
    let good = format!(
        "/?scenario=hello-kafka&session={}",
        link::encode(&Session::builtin("hello-kafka"))
    );
    let cut = &good[..good.len() - 6];
    let (code, _, err) = common::cli(&["run", "--link", cut]);
    assert_eq!(code, 2);
    assert!(err.contains("cut short"), "{err}");
    assert!(err.contains("`hello-kafka`"), "offers what it names: {err}");
    let future = good.replace("session=1.", "session=2.");
    let (code, _, err) = common::cli(&["run", "--link", &future]);
    assert_eq!(code, 2);
    assert!(err.contains("newer Kafkascope"), "{err}");
    let unknown = format!(
        "/?session={}",
        link::encode(&Session::builtin("no-such-lesson"))
    );
    let (code, _, err) = common::cli(&["run", "--link", &unknown]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no built-in scenario named `no-such-lesson`"),
        "{err}"
    );
}

/// A session as links of this format version write it, built field by field.
fn golden_session() -> Session {
    Session {
        scenario: SessionScenario::Builtin {
            name: "acks-1-failover-loss".into(),
            actions: vec![kafkascope_engine::scenario::ScriptedAction {
                at_ms: 2_345,
                action: Action::CrashBroker {
                    broker: NodeId::Broker(3),
                },
                by_reader: true,
            }],
        },
        time_us: Some(3_000_000),
        step: Some(2),
        lang: Some("ko".into()),
        speed: Some(2.0),
        ..Session::builtin("acks-1-failover-loss")
    }
}

/// A link as Kafkascope wrote it on 2026-11-28 (format version 1: a built-in scenario, a
/// reader's crash, the instant, the lesson step, Korean, 2× speed). Releases that keep version 1
/// must open it as written; when the format changes, this link must still open.
const GOLDEN_LINK: &str = "https://example.org/kafkascope/?scenario=acks-1-failover-loss&session=1.XY5NDoMgEIX3noKwlsbWduNVmoaMOG2JCAawSWO8ewGVxM5q3vve_MwFIdQJ1GCloQ2Zgw5OO0nlpc5GsDQMGDQF0Tt2Zk-QynzQMmWco-WeAuGl0S4E75tF8oo14PkQ8aW-3soDSJPxgrDg3ry1pkdLD5nNa_aO1X_8yy1ClyLeTpjZsnWPYldLHKReDsin-E9dpUqu8zjGF5NQoF_xYm_oCkfELtJTVSw_";

#[test]
fn a_link_written_by_an_earlier_release_of_this_version_opens_as_written() {
    let session = link::parse(GOLDEN_LINK).unwrap_or_else(|p| panic!("{:?}", p.error));
    assert_eq!(session, golden_session());
    // And the runner replays it: the run of the scenario with the reader's crash.
    let scenario = session
        .scenario(|name| builtin_text(name).map(|text| Scenario::from_toml(&text)))
        .unwrap();
    let recorded = format!("{:016x}", trace_hash(Timeline::record(&scenario).trace()));
    assert_eq!(cli_hash(GOLDEN_LINK), recorded);
}
