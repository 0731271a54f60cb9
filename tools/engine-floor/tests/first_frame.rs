//! The measured module really does the engine's part of a first frame: a link to a built-in
//! scenario at a moment opens, and a broken link or scenario stops at the message the page shows.

use kafkascope_engine::session::{link, Session};
use kafkascope_engine_floor::first_frame;

/// A built-in scenario's file as the page fetches it: its TOML, as JSON (build.rs does the same).
fn builtin_json(name: &str) -> String {
    let path = format!("{}/../../scenarios/{name}.toml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let value: serde_json::Value = toml::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    value.to_string()
}

#[test]
fn a_link_to_a_moment_of_a_builtin_scenario_opens() {
    let json = builtin_json("acks-1-failover-loss");
    let mut session = Session::builtin("acks-1-failover-loss");
    session.time_us = Some(40_000);
    let address = format!("https://example.org/?{}", link::query(&session));
    assert_eq!(first_frame(&address, &json), "");
    assert_eq!(
        first_frame("https://example.org/?scenario=acks-1-failover-loss", &json),
        ""
    );
}

#[test]
fn a_broken_link_or_scenario_stops_with_its_message() {
    let json = builtin_json("acks-1-failover-loss");
    let cut_short = format!(
        "https://example.org/?{}",
        link::query(&Session::builtin("acks-1-failover-loss"))
    );
    let cut_short = &cut_short[..cut_short.len() - 6];
    assert_ne!(first_frame(cut_short, &json), "", "a truncated link");
    assert_ne!(first_frame("https://example.org/", &json), "", "no session");
    let message = first_frame(
        "https://example.org/?scenario=acks-1-failover-loss",
        "{\"name\": 5}",
    );
    assert!(
        message.contains("expected a string"),
        "the scenario's error says what is wrong: {message}"
    );
}
