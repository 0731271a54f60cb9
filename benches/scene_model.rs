//! The scene model's cost per frame with about 500 messages in flight (native; the browser
//! figure comes from `scripts/bench.sh`'s frame-time step).

use criterion::{criterion_group, criterion_main, Criterion};
use kafkascope::scene_model::SceneModel;
use kafkascope_engine::{Scenario, SimTime, Timeline};
use std::hint::black_box;

fn scene_model(c: &mut Criterion) {
    let text = include_str!("../scenarios/bench-500-in-flight.toml");
    let timeline = Timeline::record(&Scenario::from_toml(text).unwrap());
    let mut world = timeline.world_at(SimTime::from_ms(1000));
    let mut t = 1_000_000u64;
    c.bench_function("scene model, ~500 in flight", |b| {
        b.iter(|| {
            t += 40; // a frame's worth of simulated time at 1x
            timeline.seek(&mut world, SimTime(t));
            black_box(SceneModel::build(&world, &timeline, SimTime(t)))
        })
    });
}

criterion_group!(benches, scene_model);
criterion_main!(benches);
