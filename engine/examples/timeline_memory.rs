//! How much a recorded timeline holds for a scenario with N records (trace entries, checkpoints,
//! live heap): `cargo run --release -p kafkascope-engine --example timeline_memory -- FILE [N]`.
use kafkascope_engine::{Scenario, Simulation, Timeline};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        LIVE.fetch_add(l.size(), Ordering::Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
        unsafe { System.dealloc(p, l) }
    }
}
#[global_allocator]
static A: Counting = Counting;

fn mb(n: usize) -> f64 {
    n as f64 / 1e6
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let text = std::fs::read_to_string(&args[1]).unwrap();
    let mut s = Scenario::from_toml(&text).unwrap();
    if let Some(n) = args.get(2) {
        for p in &mut s.producers {
            p.records = n.parse().unwrap();
        }
    }
    let before = LIVE.load(Ordering::Relaxed);
    let start = std::time::Instant::now();
    let t = Timeline::record(&s);
    let after = LIVE.load(Ordering::Relaxed);
    // One more clone of the final world: what a checkpoint adds on top of what it shares.
    let mut w = Simulation::new(&s);
    while w.step() {
        w.discard_trace();
    }
    let base = LIVE.load(Ordering::Relaxed);
    let c = w.clone();
    let one = LIVE.load(Ordering::Relaxed) - base;
    drop(c);
    let measure = |name: &str, f: &dyn Fn() -> Box<dyn std::any::Any>| {
        let b = LIVE.load(Ordering::Relaxed);
        let x = f();
        eprintln!("  {name}: {:.3} MB", mb(LIVE.load(Ordering::Relaxed) - b));
        drop(x);
    };
    if std::env::var("PARTS").is_ok() {
        let fresh = Simulation::new(&s);
        measure("fresh world", &|| Box::new(fresh.clone()));
        let mut mid = Simulation::new(&s);
        for _ in 0..20_000 {
            mid.step();
        }
        mid.discard_trace();
        measure("world after 20k events", &|| Box::new(mid.clone()));
        eprintln!("  queued events: {}", mid.queued_events());
        measure("its report", &|| {
            Box::new(kafkascope_engine::OutcomeReport::from_simulation(
                &mid, "", 0,
            ))
        });
        measure("producers", &|| Box::new(w.producers().to_vec()));
        measure("consumers", &|| Box::new(w.consumer_processes().to_vec()));
        measure("brokers", &|| Box::new(w.brokers().to_vec()));
        measure("fates", &|| Box::new(w.fates().clone()));
        measure("controller", &|| Box::new(w.controller().clone()));
        measure("groups", &|| Box::new(w.groups().clone()));
        measure("network", &|| Box::new(w.network().clone()));
    }
    println!(
        "{} events, trace {} entries, {} checkpoints, recorded in {:?}; timeline holds {:.1} MB; one unshared world clone {:.2} MB",
        t.report().events,
        t.trace().len(),
        t.checkpoint_count(),
        start.elapsed(),
        mb(after - before),
        mb(one)
    );
}
