//! Engine throughput: simulated events per second on the 1M-record scenario
//! (`scenarios/bench-1m.toml`: 3 brokers, replication factor 3, 6 partitions, acks=all, three
//! consumer groups), and on the transactional one (`scenarios/bench-txn-100k.toml`: 100,000
//! records in transactions of 100, every tenth aborted, a read_committed and a read_uncommitted
//! group), and on the database one (`scenarios/bench-db-100k.toml`: 100,000 payments written as
//! rows by six database writers, commitSync after each poll's rows). Criterion reports it as "thrpt … elem/s", one element being one engine
//! event. Run with `cargo bench -p kafkascope-engine --bench throughput` (or scripts/bench.sh,
//! which also runs the same scenario in wasm32 for comparison).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use kafkascope_engine::run::count_events;
use kafkascope_engine::Scenario;
use std::hint::black_box;

const SCENARIOS: [(&str, &str); 3] = [
    ("bench-1m", include_str!("../../scenarios/bench-1m.toml")),
    (
        "bench-txn-100k",
        include_str!("../../scenarios/bench-txn-100k.toml"),
    ),
    (
        "bench-db-100k",
        include_str!("../../scenarios/bench-db-100k.toml"),
    ),
];

fn throughput(c: &mut Criterion) {
    for (name, text) in SCENARIOS {
        let scenario = Scenario::from_toml(text).expect("bench scenario is valid");
        let events = count_events(&scenario);
        let mut group = c.benchmark_group("engine");
        group.sample_size(10);
        group.throughput(Throughput::Elements(events));
        group.bench_function(format!("{name} ({events} events)"), |b| {
            b.iter(|| black_box(count_events(black_box(&scenario))))
        });
        group.finish();
    }
}

criterion_group!(benches, throughput);
criterion_main!(benches);
