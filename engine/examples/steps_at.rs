//! Prints what the page's view holds at each lesson step of a scenario file — leaders, ISRs,
//! high watermarks, processes, the report's counts, groups, owners, record marks — for writing
//! the step's claims (see `check::claims`). Usage: `cargo run --example steps_at FILE`.

use kafkascope_engine::check::claims;
use kafkascope_engine::view::{ReplicaRole, ViewOptions, WorldView};
use kafkascope_engine::{Scenario, SimTime, Timeline};

fn main() {
    let path = std::env::args().nth(1).expect("a scenario file");
    let scenario = Scenario::from_toml(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let timeline = Timeline::record(&scenario);
    // Extra arguments: instants (ms) to print instead of the steps.
    let at: Vec<u64> = std::env::args()
        .skip(2)
        .map(|a| a.parse().unwrap())
        .collect();
    let steps: Vec<kafkascope_engine::scenario::LessonStep> = if at.is_empty() {
        scenario.steps.clone()
    } else {
        at.iter()
            .map(|ms| kafkascope_engine::scenario::LessonStep {
                at_ms: *ms,
                en: String::new(),
                ko: String::new(),
                claims: Vec::new(),
                highlight: Vec::new(),
                lead_ms: None,
            })
            .collect()
    };
    for (i, step) in steps.iter().enumerate() {
        let world = timeline.world_at(SimTime::from_ms(step.at_ms));
        let view = WorldView::of(&world, &ViewOptions::default());
        println!("== step {} at {} ms: {}", i + 1, step.at_ms, step.en);
        for b in &view.brokers {
            for r in &b.rows {
                println!(
                    "  {} {} {} {:?} epoch {} isr {:?} hw {} leo {} start {}",
                    b.node,
                    if b.up { "up" } else { "DOWN" },
                    view.partition_label(r.partition),
                    r.role,
                    r.leader_epoch,
                    if r.role == ReplicaRole::Leader {
                        r.isr.clone()
                    } else {
                        vec![]
                    },
                    r.high_watermark,
                    r.log_end_offset,
                    r.log_start_offset
                );
            }
        }
        let report = serde_json::to_value(&view.report).unwrap();
        let counts: Vec<String> = report
            .as_object()
            .unwrap()
            .iter()
            .filter(|(_, v)| v.as_u64().is_some_and(|n| n > 0))
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        println!("  report: {}", counts.join(" "));
        for g in &view.report.groups {
            println!("  group {}: {}", g.group, serde_json::to_string(g).unwrap());
        }
        for g in &view.groups {
            println!(
                "  group {} {:?} generation {}",
                g.name, g.status, g.generation
            );
        }
        for c in &view.consumers {
            println!(
                "  {} {} owns {:?} processed {}",
                c.node,
                if c.up { "up" } else { "DOWN" },
                c.partitions
                    .iter()
                    .map(|tp| view.partition_label(*tp))
                    .collect::<Vec<_>>(),
                c.processed
            );
        }
        for p in &view.producers {
            let marks: Vec<String> = p
                .records
                .iter()
                .map(|(r, m)| format!("{r}:{m:?}"))
                .collect();
            println!(
                "  {} {} {}",
                p.node,
                if p.up { "up" } else { "DOWN" },
                marks.join(" ")
            );
        }
        for claim in &step.claims {
            match claims::check(claim, &view) {
                Ok(()) => println!("  ✓ {claim}"),
                Err(e) => println!("  ✗ {e}"),
            }
        }
    }
}
