//! Bad scenario files are rejected with a message that names the problem, never a panic.

mod common;

use common::{basic, cli};
use kafkascope_engine::scenario::ScenarioBuilder;
use kafkascope_engine::{Scenario, ScenarioError};

fn error_of(toml: &str) -> String {
    match Scenario::from_toml(toml) {
        Ok(_) => panic!("expected the scenario to be rejected:\n{toml}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn malformed_toml_names_the_line() {
    let msg = error_of("[cluster\nbrokers = 1");
    assert!(msg.contains("line 1"), "{msg}");
}

#[test]
fn unknown_field_is_named_with_the_expected_ones() {
    let msg = error_of("[[consumers]]\n\"group.id\" = \"billing\"\n\"enable.autocommit\" = true\n");
    assert!(msg.contains("unknown field `enable.autocommit`"), "{msg}");
    assert!(
        msg.contains("enable.auto.commit"),
        "lists the real name: {msg}"
    );
}

#[test]
fn unknown_field_in_a_script_entry_is_named() {
    let msg = error_of(&(basic(1, "") + "[[script]]\nat_ms = 1\naction = \"cut_link\"\nfrom = \"producer-1\"\nto = \"broker-1\"\nsevered = true\n"));
    assert!(msg.contains("severed"), "{msg}");
}

#[test]
fn negative_count_is_rejected_with_the_field() {
    let msg = error_of("[[producers]]\nrecords = -5\n");
    assert!(msg.contains("records"), "{msg}");
    assert!(msg.contains("-5"), "{msg}");
}

#[test]
fn wrong_type_is_rejected_with_the_field() {
    let msg = error_of("[[producers]]\nrecords = 1\ninterval_ms = \"fast\"\n");
    assert!(msg.contains("interval_ms"), "{msg}");
}

#[test]
fn replication_factor_above_broker_count_is_impossible() {
    let err = ScenarioBuilder::new("rf")
        .topic(|t| t.replication_factor = 4)
        .build()
        .unwrap_err();
    match err {
        ScenarioError::Invalid { field, problem } => {
            assert_eq!(field, "topic.replication.factor");
            assert!(problem.contains("brokers"), "{problem}");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn consumer_without_group_id_is_rejected() {
    let msg = error_of("[[consumers]]\n\"auto.offset.reset\" = \"earliest\"\n");
    assert!(msg.contains("group.id"), "{msg}");
}

#[test]
fn empty_group_id_is_rejected_with_its_path() {
    let msg = error_of("[[consumers]]\n\"group.id\" = \"  \"\n");
    assert!(msg.contains("consumers[0].group.id"), "{msg}");
}

#[test]
fn zero_partitions_and_too_many_brokers_are_rejected() {
    assert!(error_of("[topic]\nname = \"t\"\npartitions = 0\n").contains("topic.partitions"));
    assert!(error_of(&(basic(1, "") + "[cluster]\nbrokers = 9\n")).contains("cluster.brokers"));
}

#[test]
fn script_naming_a_missing_node_is_rejected() {
    let msg = error_of(&(basic(1, "") + "[[script]]\nat_ms = 1\naction = \"cut_link\"\nfrom = \"producer-1\"\nto = \"broker-4\"\n"));
    assert!(
        msg.contains("script[0]") && msg.contains("broker-4"),
        "{msg}"
    );
}

#[test]
fn bad_node_name_is_explained() {
    let msg = error_of(&(basic(1, "") + "[[script]]\nat_ms = 1\naction = \"cut_link\"\nfrom = \"kafka\"\nto = \"broker-1\"\n"));
    assert!(msg.contains("not a node name"), "{msg}");
}

#[test]
fn json_scenarios_are_validated_the_same_way() {
    let err = Scenario::from_json(
        r#"{"topic": {"name": "t", "partitions": 2, "replication.factor": 1}, "bogus": 1}"#,
    )
    .unwrap_err();
    assert!(err.to_string().contains("bogus"), "{err}");
}

#[test]
fn cli_prints_the_outcome_report_as_json() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../scenarios/hello-kafka.toml");
    let (code, stdout, stderr) = cli(&["run", path, "--trace-hash"]);
    assert_eq!(code, 0, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(report["produced"], 12);
    assert_eq!(report["acknowledged"], 12);
    assert_eq!(report["committed_in_log"], 12);
    assert_eq!(report["groups"][0]["consumed"], 12);
    assert!(report["events"].as_u64().unwrap() > 0);
    assert!(report["end_time_us"].as_u64().unwrap() > 0);
    assert_eq!(report["trace_hash"].as_str().unwrap().len(), 16);
}

#[test]
fn cli_rejects_a_bad_file_with_exit_code_2_and_the_field() {
    let dir = std::env::temp_dir().join(format!("kafkascope-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.toml");
    std::fs::write(&file, "[[producers]]\nrecords = -1\n").unwrap();
    let (code, stdout, stderr) = cli(&["run", file.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("bad.toml") && stderr.contains("records"),
        "{stderr}"
    );
    let (code, _, stderr) = cli(&["run", "/nonexistent/x.toml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot read"), "{stderr}");
    let (code, _, stderr) = cli(&["frobnicate"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("usage"), "{stderr}");
}

#[test]
fn cli_check_runs_the_invariants_after_every_step() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../scenarios/unclean-election-loss.toml"
    );
    let (code, stdout, stderr) = cli(&["run", path, "--check", "--records"]);
    assert_eq!(code, 0, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert!(report["committed_then_truncated"].as_u64().unwrap() > 0);
    let fates: Vec<&str> = report["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["fate"].as_str().unwrap())
        .collect();
    assert!(fates.contains(&"committed"), "{fates:?}");
    assert!(fates.contains(&"lost"), "{fates:?}");
}

#[test]
fn cli_says_an_empty_file_is_empty() {
    let dir = std::env::temp_dir().join(format!("kafkascope-cli-empty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("empty.toml");
    std::fs::write(&file, "").unwrap();
    let (code, _, stderr) = cli(&["run", file.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("empty"), "{stderr}");
}

#[test]
fn a_script_entry_names_a_missing_field_or_one_its_action_does_not_take() {
    let head = "[[producers]]\nrecords = 1\n[[script]]\nat_ms = 1\n";
    let missing = error_of(&format!(
        "{head}action = \"cut_link\"\nfrom = \"producer-1\"\n"
    ));
    assert!(missing.contains("`cut_link` needs `to`"), "{missing}");
    let foreign = error_of(&format!(
        "{head}action = \"crash_broker\"\nbroker = \"broker-1\"\nby_ms = 5\n"
    ));
    assert!(
        foreign.contains("`crash_broker` does not take `by_ms`"),
        "{foreign}"
    );
    let unknown = error_of(&format!("{head}action = \"explode\"\n"));
    assert!(unknown.contains("explode"), "{unknown}");
}

#[test]
fn a_heading_reads_the_title_without_the_rest() {
    let text = include_str!("../../scenarios/consumers-1-offsets.toml");
    let heading = kafkascope_engine::Scenario::heading_from_toml(text).unwrap();
    let full = kafkascope_engine::Scenario::from_toml(text).unwrap();
    assert_eq!(heading.name, full.name);
    assert_eq!(heading.title, full.title);
    assert_eq!(heading.description, full.description);
}
