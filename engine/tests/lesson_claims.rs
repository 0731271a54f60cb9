//! Every lesson step's claims hold at the step's moment: what the text says is what the page
//! draws (the view of the engine at that instant). A step that claims nothing, or highlights
//! nothing, fails too — each step of a shipped lesson says something checkable and points at it.

use kafkascope_engine::check::claims;
use kafkascope_engine::view::{ViewOptions, WorldView};
use kafkascope_engine::{Scenario, SimTime, Timeline};

fn shipped_lessons() -> Vec<Scenario> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../scenarios");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| Scenario::from_toml(&std::fs::read_to_string(p).unwrap()).unwrap())
        .filter(|s| !s.steps.is_empty())
        .collect()
}

#[test]
fn every_lesson_steps_claims_hold_at_its_moment() {
    let lessons = shipped_lessons();
    assert!(lessons.len() >= 8, "the shipped lessons");
    let mut failures = Vec::new();
    let mut checked = 0;
    for s in &lessons {
        let timeline = Timeline::record(s);
        for (i, step) in s.steps.iter().enumerate() {
            if step.claims.is_empty() {
                failures.push(format!("{} step {}: claims nothing", s.name, i + 1));
            }
            if step.highlight.is_empty() {
                failures.push(format!("{} step {}: points at nothing", s.name, i + 1));
            }
            let world = timeline.world_at(SimTime::from_ms(step.at_ms));
            let view = WorldView::of(&world, &ViewOptions::default());
            for claim in &step.claims {
                checked += 1;
                if let Err(e) = claims::check(claim, &view) {
                    failures.push(format!(
                        "{} step {} at {} ms: {e}",
                        s.name,
                        i + 1,
                        step.at_ms
                    ));
                }
            }
            for highlight in &step.highlight {
                if let Err(e) = claims::check_highlight(highlight, &view) {
                    failures.push(format!(
                        "{} step {} at {} ms: {e}",
                        s.name,
                        i + 1,
                        step.at_ms
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked > 100, "{checked} claims checked");
}

#[test]
fn a_false_or_malformed_claim_is_reported_with_what_the_engine_has() {
    let s = Scenario::from_toml(include_str!("../../scenarios/lesson-1-replication.toml")).unwrap();
    let world = Timeline::record(&s).world_at(SimTime::from_ms(0));
    let view = WorldView::of(&world, &ViewOptions::default());
    let wrong = claims::check("leader P0 = broker-3", &view).unwrap_err();
    assert!(wrong.contains("the engine has broker-1"), "{wrong}");
    let unknown = claims::check("report.no_such_count = 1", &view).unwrap_err();
    assert!(unknown.contains("no count by that name"), "{unknown}");
    let nonsense = claims::check("the moon = cheese", &view).unwrap_err();
    assert!(nonsense.contains("not a claim"), "{nonsense}");
    assert!(claims::check("hw P9 = 0", &view)
        .unwrap_err()
        .contains("no partition P9"));
}
