//! Kafka's settings as a scenario writes them: accepted spellings, Kafka's own refusals, and the
//! behaviour of the producer settings added with the exactly-once groundwork (`linger.ms`, KIP-580
//! backoff), plus what the report says of a run stopped by its time limit.

use kafkascope_engine::message::{Acks, MessageKind};
use kafkascope_engine::producer::retry_backoff;
use kafkascope_engine::run::run_scenario;
use kafkascope_engine::scenario::{Idempotence, IsolationLevel, ScenarioBuilder};
use kafkascope_engine::{Action, NodeId, Scenario, SimDuration, Simulation, TraceKind};

fn producer_toml(settings: &str) -> String {
    format!("[topic]\nname = \"t\"\n[[producers]]\nrecords = 3\n{settings}\n")
}

fn acks_of(value: &str) -> Result<Acks, String> {
    Scenario::from_toml(&producer_toml(&format!("\"acks\" = {value}")))
        .map(|s| s.producers[0].acks)
        .map_err(|e| e.to_string())
}

#[test]
fn acks_is_written_as_kafka_properties_write_it() {
    assert_eq!(acks_of("0"), Ok(Acks::None));
    assert_eq!(acks_of("1"), Ok(Acks::Leader));
    assert_eq!(acks_of("-1"), Ok(Acks::All));
    assert_eq!(acks_of("\"-1\""), Ok(Acks::All));
    assert_eq!(acks_of("\"all\""), Ok(Acks::All));
    assert_eq!(acks_of("\"1\""), Ok(Acks::Leader));
    let two = acks_of("2").unwrap_err();
    assert!(two.contains("acks = 2"), "{two}");
    assert!(two.contains("0, 1, -1 or \"all\""), "{two}");
    let word = acks_of("\"leader\"").unwrap_err();
    assert!(word.contains("\"leader\""), "{word}");
}

#[test]
fn an_empty_file_is_refused_as_empty() {
    for text in ["", "   \n\n", "# only a comment\n  # and another\n"] {
        let e = Scenario::from_toml(text).unwrap_err().to_string();
        assert!(e.contains("empty"), "{e}");
    }
    let e = Scenario::from_json(" ").unwrap_err().to_string();
    assert!(e.contains("empty"), "{e}");
}

#[test]
fn idempotence_follows_kafkas_rule_for_unset_and_explicit_values() {
    let s = Scenario::from_toml(&producer_toml("\"acks\" = 1")).unwrap();
    assert_eq!(
        s.producers[0].kafka_idempotence(),
        Idempotence::OffSilently("acks"),
        "unset: silently off with acks=1"
    );
    let s = Scenario::from_toml(&producer_toml("")).unwrap();
    assert_eq!(s.producers[0].kafka_idempotence(), Idempotence::On);
    let s = Scenario::from_toml(&producer_toml("\"enable.idempotence\" = false")).unwrap();
    assert_eq!(s.producers[0].kafka_idempotence(), Idempotence::OffByChoice);
    // An explicit true that conflicts is Kafka's configuration error, naming both fields.
    let e = Scenario::from_toml(&producer_toml(
        "\"enable.idempotence\" = true\n\"acks\" = 1",
    ))
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("enable.idempotence") && e.contains("acks = 1"),
        "{e}"
    );
    let e = Scenario::from_toml(&producer_toml(
        "\"enable.idempotence\" = true\n\"max.in.flight.requests.per.connection\" = 6",
    ))
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("max.in.flight.requests.per.connection = 6"),
        "{e}"
    );
    // Without a conflict, true is accepted: the producer runs idempotent.
    let s = Scenario::from_toml(&producer_toml("\"enable.idempotence\" = true")).unwrap();
    assert_eq!(s.producers[0].enable_idempotence, Some(true));
}

#[test]
fn isolation_level_defaults_to_read_uncommitted_and_names_the_accepted_values() {
    let consumer = |extra: &str| {
        format!("[topic]\nname = \"t\"\n[[consumers]]\n\"group.id\" = \"g\"\n{extra}\n")
    };
    let s = Scenario::from_toml(&consumer("")).unwrap();
    assert_eq!(
        s.consumers[0].isolation_level,
        IsolationLevel::ReadUncommitted
    );
    let s = Scenario::from_toml(&consumer("\"isolation.level\" = \"read_committed\"")).unwrap();
    assert_eq!(
        s.consumers[0].isolation_level,
        IsolationLevel::ReadCommitted
    );
    let e = Scenario::from_toml(&consumer("\"isolation.level\" = \"committed\""))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("isolation.level")
            && e.contains("read_committed")
            && e.contains("read_uncommitted"),
        "{e}"
    );
}

/// What Kafka refuses of a transactional producer's settings, refused by name.
#[test]
fn transactional_settings_kafka_refuses_are_refused_with_the_field_named() {
    let producer = |extra: &str| {
        format!("[topic]\nname = \"t\"\n[[producers]]\nrecords = 4\n\"transactional.id\" = \"tx\"\n{extra}\n")
    };
    assert!(Scenario::from_toml(&producer("")).is_ok());
    let refused = |extra: &str, needle: &str| {
        let e = Scenario::from_toml(&producer(extra))
            .unwrap_err()
            .to_string();
        assert!(e.contains(needle), "{extra}: {e}");
    };
    refused("\"enable.idempotence\" = false", "transactional.id");
    refused("acks = 1", "acks");
    refused("retries = 0", "retries");
    refused(
        "\"max.in.flight.requests.per.connection\" = 6",
        "max.in.flight",
    );
    refused(
        "\"transaction.timeout.ms\" = 900001",
        "transaction.max.timeout.ms",
    );
    refused("records_per_transaction = 0", "records_per_transaction");
    let e = Scenario::from_toml(
        "[topic]\nname = \"t\"\n[[producers]]\nrecords = 4\n\"transactional.id\" = \" \"\n",
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("transactional.id"), "{e}");
    // A lower broker maximum is honoured too.
    let e = Scenario::from_toml(&format!(
        "[cluster]\n\"transaction.max.timeout.ms\" = 30000\n{}",
        producer("")
    ))
    .unwrap_err()
    .to_string();
    assert!(e.contains("60000") && e.contains("30000"), "{e}");
}

#[test]
fn delivery_timeout_must_cover_linger_and_request_timeout() {
    let e = ScenarioBuilder::new("t")
        .producer(1, |p| {
            p.linger_ms = 1_000;
            p.request_timeout_ms = 30_000;
            p.delivery_timeout_ms = 30_500;
        })
        .build()
        .unwrap_err()
        .to_string();
    assert!(e.contains("linger.ms + request.timeout.ms"), "{e}");
}

#[test]
fn retry_backoff_doubles_up_to_its_maximum() {
    let ms = |n| retry_backoff(100, 1_000, n).as_micros() / 1000;
    assert_eq!(
        [ms(1), ms(2), ms(3), ms(4), ms(5), ms(9)],
        [100, 200, 400, 800, 1000, 1000]
    );
    assert_eq!(retry_backoff(100, 50, 3), SimDuration::from_ms(100));
}

/// With every response lost, a batch's attempts are spaced 100, 200, 400 … ms after each
/// timeout (request.timeout.ms 50 here), as KIP-580 says.
#[test]
fn a_failing_batch_is_retried_with_exponential_backoff() {
    let s = ScenarioBuilder::new("backoff")
        .producer(1, |p| {
            p.request_timeout_ms = 50;
            p.delivery_timeout_ms = 3_000;
            // Only the produce retries are timed here: no InitProducerId exchange before them.
            p.enable_idempotence = Some(false);
        })
        .at(
            0,
            Action::CutLink {
                from: NodeId::Broker(1),
                to: NodeId::Producer(1),
                one_way: true,
            },
        )
        .max_time_ms(5_000)
        .build()
        .unwrap();
    let mut sim = Simulation::new(&s);
    let mut sends = Vec::new();
    while sim.step() {
        for e in sim.take_trace() {
            if let TraceKind::Flight {
                kind: MessageKind::ProduceRequest,
                ..
            } = e.what
            {
                sends.push(e.at.as_micros() / 1000);
            }
        }
    }
    let gaps: Vec<u64> = sends.windows(2).map(|w| w[1] - w[0]).collect();
    // Each gap is the request timeout (50) plus the backoff; the first also waits for the
    // metadata refresh a timeout triggers (its answer is cut too, so it takes a few tries).
    assert!(gaps[0] >= 150, "sends at {sends:?}");
    assert_eq!(&gaps[1..4], &[250, 450, 850], "sends at {sends:?}");
    assert!(gaps[4..].iter().all(|g| *g == 1050), "{gaps:?}");
}

/// `linger.ms`: a new batch waits for more records before it is sent (Kafka's
/// `RecordAccumulator.ready`), so records sent within the linger share one request.
#[test]
fn linger_batches_records_sent_close_together() {
    let produce_requests = |linger_ms| {
        let s = ScenarioBuilder::new("linger")
            .producer(10, |p| {
                p.interval_ms = 1;
                p.linger_ms = linger_ms;
            })
            .build()
            .unwrap();
        let mut sim = Simulation::new(&s);
        let mut n = 0;
        while sim.step() {
            n += sim
                .take_trace()
                .iter()
                .filter(|e| {
                    matches!(
                        e.what,
                        TraceKind::Flight {
                            kind: MessageKind::ProduceRequest,
                            ..
                        }
                    )
                })
                .count();
        }
        n
    };
    assert!(produce_requests(0) >= 5, "{}", produce_requests(0));
    assert_eq!(produce_requests(20), 1, "all ten wait in one batch");
}

/// A run stopped by its time limit in the middle of replication: acknowledged records not yet
/// below the high watermark are *not committed at the end* (indeterminate), not lost.
#[test]
fn a_time_limit_mid_replication_leaves_records_uncommitted_not_lost() {
    let s = ScenarioBuilder::new("time-limit")
        .brokers(3)
        .topic(|t| t.replication_factor = 3)
        .producer(200, |p| {
            p.acks = Acks::Leader;
            p.interval_ms = 1;
        })
        .max_time_ms(50)
        .build()
        .unwrap();
    let r = run_scenario(&s, false);
    assert_eq!(r.lost_acknowledged, 0, "{r:?}");
    assert!(r.not_committed_at_end > 0, "{r:?}");
}

#[test]
fn the_busiest_bench_scenario_loses_nothing_acknowledged() {
    let text = include_str!("../../scenarios/bench-500-in-flight.toml");
    let r = run_scenario(&Scenario::from_toml(text).unwrap(), false);
    assert_eq!(r.lost_acknowledged, 0, "{r:?}");
}

/// A refused action is in the report with Kafka's reason, and in the trace right after the
/// action itself.
#[test]
fn a_refused_partition_change_is_reported_after_the_action_with_kafkas_reason() {
    let s = ScenarioBuilder::new("refused")
        .topic(|t| t.partitions = 3)
        .producer(3, |_| {})
        .at(
            100,
            Action::CreatePartitions {
                count: 2,
                topic: None,
            },
        )
        .build()
        .unwrap();
    let mut sim = Simulation::new(&s);
    let mut trace = Vec::new();
    while sim.step() {
        trace.extend(sim.take_trace());
    }
    let r = kafkascope_engine::OutcomeReport::from_simulation(&sim, "refused", 0);
    assert_eq!(r.refused_actions.len(), 1);
    assert_eq!(
        r.refused_actions[0].action,
        Action::CreatePartitions {
            count: 2,
            topic: None
        }
    );
    assert!(
        r.refused_actions[0]
            .reason
            .contains("Topic currently has 3 partitions, which is higher than the requested 2"),
        "{:?}",
        r.refused_actions
    );
    let action = trace
        .iter()
        .position(|e| matches!(e.what, TraceKind::Action { .. }))
        .unwrap();
    let refusal = trace
        .iter()
        .position(|e| matches!(e.what, TraceKind::PartitionChangeRefused { .. }))
        .unwrap();
    assert!(action < refusal, "the action, then its refusal");
}
