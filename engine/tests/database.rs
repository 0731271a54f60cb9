//! Where exactly-once ends: a consumer that writes rows to a database, then commits. A lost commit
//! and a rebalance make the next owner write the rows again; a unique key or an upsert makes the
//! second write harmless; the report judges each table from its rows.

use kafkascope_engine::message::MessageKind;
use kafkascope_engine::report::{Delivery, TableOutcome};
use kafkascope_engine::run::run_scenario;
use kafkascope_engine::scenario::ScriptedAction;
use kafkascope_engine::scenario::WriteMode;
use kafkascope_engine::{Action, NodeId, Scenario};

fn lesson(name: &str) -> Scenario {
    let text = match name {
        "database-duplicate-row" => include_str!("../../scenarios/database-duplicate-row.toml"),
        "database-offsets" => include_str!("../../scenarios/database-offsets.toml"),
        _ => include_str!("../../scenarios/database-unique-key.toml"),
    };
    Scenario::from_toml(text).unwrap()
}

fn table(report: &kafkascope_engine::OutcomeReport) -> &TableOutcome {
    report
        .tables
        .iter()
        .find(|t| t.table == "payments")
        .unwrap()
}

#[test]
fn a_lost_commit_and_a_rebalance_write_the_rows_twice() {
    let report = run_scenario(&lesson("database-duplicate-row"), false);
    let t = table(&report);
    assert_eq!((t.rows, t.duplicate_rows, t.refused_writes), (12, 4, 0));
    assert_eq!(t.inputs.more_than_once, 4, "#1–#4 have two rows each");
    assert_eq!(t.inputs.missing, 0);
    assert_eq!(t.delivery, Delivery::AtLeastOnce);
}

#[test]
fn a_unique_key_refuses_the_second_insert_and_the_table_is_exactly_once() {
    let report = run_scenario(&lesson("database-unique-key"), false);
    let t = table(&report);
    assert_eq!((t.rows, t.duplicate_rows, t.refused_writes), (8, 0, 4));
    assert_eq!(t.delivery, Delivery::ExactlyOnce);
    // Kafka still delivered those four twice to the application.
    let group = report.groups.iter().find(|g| g.group == "ledger").unwrap();
    assert_eq!(group.processed_more_than_once, 4);
}

#[test]
fn an_upsert_replaces_the_row_so_the_redelivery_leaves_one_row_per_payment() {
    let mut s = lesson("database-duplicate-row");
    for c in &mut s.consumers {
        c.database.as_mut().unwrap().write = WriteMode::Upsert;
    }
    let report = run_scenario(&s, false);
    let t = table(&report);
    assert_eq!((t.rows, t.duplicate_rows, t.refused_writes), (8, 0, 0));
    assert_eq!(t.delivery, Delivery::ExactlyOnce);
}

/// Offsets stored with the rows: the new owner seeks to the offset the database holds (nothing is
/// committed to Kafka), and the stalled instance's late write is refused by the compare-and-set,
/// its row rolled back with it.
#[test]
fn offsets_in_the_database_fence_the_stale_instance_and_leave_one_row_per_payment() {
    let s = lesson("database-offsets");
    let mut sim = kafkascope_engine::Simulation::new(&s);
    sim.run_to_end();
    let report = kafkascope_engine::OutcomeReport::from_simulation(&sim, "t", 0);
    let t = table(&report);
    assert_eq!((t.rows, t.duplicate_rows, t.refused_writes), (8, 0, 1));
    assert_eq!(t.delivery, Delivery::ExactlyOnce);
    let refused: Vec<_> = sim
        .take_trace()
        .into_iter()
        .filter_map(|e| match e.what {
            kafkascope_engine::TraceKind::WriteRefused { client, error, .. } => {
                Some((client, *error))
            }
            _ => None,
        })
        .collect();
    assert!(
        matches!(refused.as_slice(), [(NodeId::Consumer(1), kafkascope_engine::message::DbError::ConditionFailed { found: Some(f), .. })] if f == "8"),
        "{refused:?}"
    );
    // The same stall with offsets committed to Kafka after the rows: the woken instance writes
    // the rows of its batch again.
    let mut plain = s.clone();
    for c in &mut plain.consumers {
        c.database.as_mut().unwrap().offsets_table = None;
    }
    let report = run_scenario(&plain, false);
    assert!(table(&report).duplicate_rows > 0, "{:?}", table(&report));
}

/// A lost answer from the database is indeterminate to the writer: after its timeout it sends the
/// INSERT again. Without a unique key that is a second row; with one, a refused write.
#[test]
fn a_lost_database_answer_makes_the_retry_a_duplicate_unless_the_key_is_unique() {
    let run = |unique_key: bool| {
        let mut s = lesson("database-duplicate-row");
        s.script.clear();
        s.database.as_mut().unwrap().tables[0].unique_key = unique_key;
        s.script.push(ScriptedAction {
            at_ms: 0,
            action: Action::DropNext {
                from: NodeId::Database(1),
                to: NodeId::Consumer(1),
                kind: MessageKind::DbResponse,
            },
            by_reader: false,
        });
        run_scenario(&s, false)
    };
    let plain = run(false);
    assert_eq!(table(&plain).duplicate_rows, 1, "{:?}", table(&plain));
    assert_eq!(table(&plain).delivery, Delivery::AtLeastOnce);
    let unique = run(true);
    assert_eq!(
        (table(&unique).duplicate_rows, table(&unique).refused_writes),
        (0, 1)
    );
    assert_eq!(table(&unique).delivery, Delivery::ExactlyOnce);
}

#[test]
fn a_writer_naming_a_table_the_database_lacks_is_refused_naming_the_field() {
    let text = include_str!("../../scenarios/database-duplicate-row.toml").replacen(
        "table = \"payments\"",
        "table = \"paymentz\"",
        1,
    );
    let error = Scenario::from_toml(&text).unwrap_err().to_string();
    assert!(error.contains("consumers[0].database.table"), "{error}");
    assert!(error.contains("paymentz"), "{error}");
    let text = include_str!("../../scenarios/database-duplicate-row.toml").replacen(
        "table = \"payments\"",
        "table = \"payments\"\nwrite = \"merge\"",
        1,
    );
    let error = Scenario::from_toml(&text).unwrap_err().to_string();
    assert!(
        error.contains("insert") && error.contains("upsert"),
        "{error}"
    );
    let text = include_str!("../../scenarios/database-duplicate-row.toml").replacen(
        "\"enable.auto.commit\" = false",
        "\"enable.auto.commit\" = true",
        1,
    );
    let error = Scenario::from_toml(&text).unwrap_err().to_string();
    assert!(error.contains("enable.auto.commit"), "{error}");
}
