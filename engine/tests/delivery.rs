//! Delivery outcomes of the producer → broker → consumer flow, asserted exactly.

mod common;

use common::{basic, basic_builder, run, run_built, scenario};
use kafkascope_engine::consumer::ConsumerPhase;
use kafkascope_engine::message::{Acks, MessageKind};
use kafkascope_engine::producer::RecordState;
use kafkascope_engine::scenario::OffsetReset;
use kafkascope_engine::sim::EndReason;
use kafkascope_engine::{Action, NodeId};
use kafkascope_engine::{Simulation, TopicPartition, TraceKind};

const P0: TopicPartition = TopicPartition {
    topic: 0,
    partition: 0,
};

#[test]
fn every_record_is_acknowledged_committed_and_consumed_once_without_faults() {
    let report = run(&basic(12, ""));
    assert_eq!(report.produced, 12);
    assert_eq!(report.acknowledged, 12);
    assert_eq!(report.failed, 0);
    assert_eq!(report.committed_in_log, 12);
    assert_eq!(report.duplicates_in_log, 0);
    assert_eq!(report.lost_acknowledged, 0);
    assert_eq!(report.groups.len(), 1);
    let g = &report.groups[0];
    assert_eq!(
        (
            g.consumed,
            g.processed_more_than_once,
            g.not_processed,
            g.lag
        ),
        (12, 0, 0, 0)
    );
    assert_eq!(report.end_reason, EndReason::Settled);
}

#[test]
fn log_offsets_are_contiguous_and_follow_send_order_with_one_request_in_flight() {
    let s = basic_builder(20)
        .change_producer(0, |p| p.max_in_flight = 1)
        .build()
        .unwrap();
    let mut sim = Simulation::new(&s);
    sim.run_to_end();
    let log = &sim.brokers()[0].replica(P0).unwrap().log;
    assert_eq!(log.log_end_offset(), 20);
    assert_eq!(log.high_watermark(), 20);
    for (i, r) in log.records().enumerate() {
        assert_eq!(r.offset, i as u64);
        assert_eq!(r.id.seq, i as u32, "records land in send order");
    }
    let consumer = sim.consumers().next().unwrap();
    assert_eq!(
        consumer.committed().get(&P0),
        Some(&20),
        "committed offset is the next to read"
    );
    assert_eq!(consumer.phase(), ConsumerPhase::Fetching);
}

#[test]
fn consumer_reads_only_below_the_high_watermark_and_processes_in_offset_order() {
    let mut sim = Simulation::new(&scenario(&basic(30, "")));
    let mut checked = 0;
    while sim.step() {
        for c in sim.consumer_processes() {
            for p in c.app().processed() {
                let hw = sim.brokers()[0].replica(P0).unwrap().log.high_watermark();
                assert!(
                    p.offset < hw,
                    "processed offset {} at or above HW {hw}",
                    p.offset
                );
            }
            let offsets: Vec<u64> = c.app().processed().iter().map(|p| p.offset).collect();
            assert!(
                offsets.windows(2).all(|w| w[1] == w[0] + 1),
                "in order: {offsets:?}"
            );
            checked += 1;
        }
    }
    assert!(checked > 30);
}

#[test]
fn acks_zero_loses_a_record_whose_request_is_dropped_but_counts_it_as_sent() {
    let report = run_built(
        basic_builder(5)
            .change_producer(0, |p| p.acks = Acks::None)
            .at(
                3,
                Action::DropNext {
                    from: NodeId::Producer(1),
                    to: NodeId::Broker(1),
                    kind: MessageKind::ProduceRequest,
                },
            ),
    );
    assert_eq!(report.produced, 5);
    assert_eq!(
        report.sent, 5,
        "acks=0 never hears back, so every send counts as sent"
    );
    assert_eq!(report.acknowledged, 0, "and none as acknowledged");
    assert_eq!(report.committed_in_log, 4);
    assert_eq!(report.sent_not_in_log, 1, "the dropped one never arrived");
    assert_eq!(report.lost_acknowledged, 0);
}

/// Three records, acks=all, the first produce response lost; idempotence as given.
fn first_response_lost(idempotence: bool) -> kafkascope_engine::Scenario {
    basic_builder(3)
        .change_producer(0, |p| {
            p.request_timeout_ms = 1000;
            p.enable_idempotence = Some(idempotence);
        })
        .at(
            0,
            Action::DropNext {
                from: NodeId::Broker(1),
                to: NodeId::Producer(1),
                kind: MessageKind::ProduceResponse,
            },
        )
        .build()
        .unwrap()
}

#[test]
fn acks_all_retry_after_a_lost_response_writes_a_duplicate_without_idempotence() {
    let s = first_response_lost(false);
    let mut sim = Simulation::new(&s);
    sim.run_to_end();
    let trace = sim.take_trace();
    let timed_out = trace.iter().any(|e| {
        matches!(
            &e.what,
            TraceKind::ProduceFailed { error, retrying: true, .. }
                if *error == kafkascope_engine::message::KafkaError::RequestTimedOut
        )
    });
    assert!(timed_out, "the producer saw REQUEST_TIMED_OUT and retried");
    let report = kafkascope_engine::OutcomeReport::from_simulation(&sim, "t", 1);
    assert_eq!(report.acknowledged, 3);
    assert_eq!(report.lost_acknowledged, 0);
    assert_eq!(
        report.duplicates_in_log, 1,
        "the first batch is in the log twice"
    );
    assert_eq!(report.committed_in_log, 3);
    assert_eq!(
        report.groups[0].processed_more_than_once, 1,
        "and the consumer processes it twice"
    );
}

#[test]
fn a_cut_link_delays_delivery_until_healed_and_retries_then_succeed() {
    let link = |heal| {
        let (from, to) = (NodeId::Producer(1), NodeId::Broker(1));
        if heal {
            Action::HealLink {
                from,
                to,
                one_way: false,
            }
        } else {
            Action::CutLink {
                from,
                to,
                one_way: false,
            }
        }
    };
    let s = basic_builder(4)
        .change_producer(0, |p| p.request_timeout_ms = 500)
        .at(0, link(false))
        .at(2000, link(true))
        .build()
        .unwrap();
    let mut sim = Simulation::new(&s);
    sim.run_until(kafkascope_engine::SimTime::from_ms(1900));
    assert_eq!(
        sim.brokers()[0].replica(P0).unwrap().log.log_end_offset(),
        0
    );
    assert!(sim.producers()[0]
        .record_states()
        .iter()
        .all(|(s, _)| !matches!(s, RecordState::Acknowledged { .. })));
    sim.run_to_end();
    let report = kafkascope_engine::OutcomeReport::from_simulation(&sim, "t", 1);
    assert_eq!(report.acknowledged, 4);
    assert_eq!(report.committed_in_log, 4);
    assert_eq!(
        report.duplicates_in_log, 0,
        "nothing reached the broker before the heal"
    );
}

#[test]
fn delivery_timeout_fails_records_that_never_get_through() {
    let report = run_built(
        basic_builder(2)
            .change_producer(0, |p| {
                p.request_timeout_ms = 1000;
                p.delivery_timeout_ms = 3000;
            })
            .at(
                0,
                Action::CutLink {
                    from: NodeId::Producer(1),
                    to: NodeId::Broker(1),
                    one_way: false,
                },
            ),
    );
    assert_eq!(report.produced, 2);
    assert_eq!(report.acknowledged, 0);
    assert_eq!(report.failed, 2);
    assert_eq!(report.committed_in_log, 0);
}

#[test]
fn auto_commit_commits_processed_positions_after_the_interval() {
    let s = basic_builder(6)
        .change_consumer(0, |c| c.enable_auto_commit = true)
        .build()
        .unwrap();
    let mut sim = Simulation::new(&s);
    sim.run_until(kafkascope_engine::SimTime::from_ms(4_000));
    let c = sim.consumers().next().unwrap();
    assert_eq!(
        sim.consumer_processes()[0].app().processed().len(),
        6,
        "processed within the first poll loops"
    );
    assert_eq!(
        c.committed().get(&P0),
        None,
        "nothing committed before auto.commit.interval.ms"
    );
    let (end, reason) = sim.run_to_end();
    assert_eq!(reason, EndReason::Settled);
    assert_eq!(
        sim.consumers().next().unwrap().committed().get(&P0),
        Some(&6)
    );
    assert!(
        end >= kafkascope_engine::SimTime::from_ms(5_000),
        "first auto-commit after 5 s, ended {end}"
    );
}

#[test]
fn a_late_consumer_with_auto_offset_reset_latest_skips_what_came_before() {
    let report = run_built(basic_builder(5).change_consumer(0, |c| {
        c.auto_offset_reset = OffsetReset::Latest;
        c.start_ms = 1000;
    }));
    assert_eq!(report.committed_in_log, 5);
    assert_eq!(report.groups[0].consumed, 0);
    assert_eq!(report.groups[0].not_processed, 5);
}

#[test]
fn two_groups_each_read_every_record_independently() {
    let report = run_built(basic_builder(8).consumer("analytics", |c| {
        c.auto_offset_reset = OffsetReset::Earliest;
        c.processing_ms = 7;
    }));
    assert_eq!(report.groups.len(), 2);
    for g in &report.groups {
        assert_eq!(g.consumed, 8, "group {}", g.group);
        assert_eq!(g.not_processed, 0);
    }
}

#[test]
fn records_with_the_same_key_share_a_partition_and_keep_their_order() {
    let s = basic_builder(40)
        .brokers(2)
        .topic(|t| t.partitions = 4)
        .change_producer(0, |p| p.keys = 5)
        .build()
        .unwrap();
    let mut sim = Simulation::new(&s);
    sim.run_to_end();
    let mut partition_of_key = std::collections::BTreeMap::new();
    for b in sim.brokers() {
        for (tp, replica) in b.replicas() {
            let mut last_seq_per_key = std::collections::BTreeMap::new();
            for r in replica.log.records() {
                let key = r.key.expect("keyed");
                assert_eq!(
                    *partition_of_key.entry(key).or_insert(*tp),
                    *tp,
                    "key {key} in one partition"
                );
                if let Some(prev) = last_seq_per_key.insert(key, r.id.seq) {
                    assert!(prev < r.id.seq, "key {key} out of order");
                }
            }
        }
    }
    assert_eq!(partition_of_key.len(), 5);
    let report = kafkascope_engine::OutcomeReport::from_simulation(&sim, "t", 1);
    assert_eq!(report.committed_in_log, 40);
    assert_eq!(report.groups[0].consumed, 40);
}

/// The same lost response with the idempotent producer (KIP-98): the retry carries the batch's
/// producer id and sequence, the leader recognises it and answers with the original offset, and
/// nothing is written twice.
#[test]
fn with_the_idempotent_producer_the_retry_is_recognised_and_not_written_twice() {
    let s = first_response_lost(true);
    let mut sim = Simulation::new(&s);
    sim.run_to_end();
    let trace = sim.take_trace();
    let assigned = trace
        .iter()
        .find_map(|e| match &e.what {
            TraceKind::ProducerIdAssigned { producer_id, .. } => Some(*producer_id),
            _ => None,
        })
        .expect("the producer asked for a producer id before sending");
    let duplicate = trace
        .iter()
        .find_map(|e| match &e.what {
            TraceKind::DuplicateBatch {
                producer_id,
                base_sequence,
                base_offset,
                ..
            } => Some((*producer_id, *base_sequence, *base_offset)),
            _ => None,
        })
        .expect("the leader recognised the retried batch");
    assert_eq!(
        duplicate,
        (assigned, 0, 0),
        "the first batch, at its original offset"
    );
    let report = kafkascope_engine::OutcomeReport::from_simulation(&sim, "t", 1);
    assert_eq!(report.acknowledged, 3);
    assert_eq!(report.duplicates_in_log, 0, "no second copy");
    assert_eq!(report.committed_in_log, 3);
    assert_eq!(report.groups[0].processed_more_than_once, 0);
}
