//! Prints a scenario's trace (without heartbeats) and final replica states: a debugging aid.
//! `cargo run -p kafkascope-engine --example trace_dump -- FILE [FROM_MS] [TO_MS]`
use kafkascope_engine::{Scenario, Simulation, TraceKind};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let text = std::fs::read_to_string(&args[0]).expect("read");
    let from: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(0);
    let to: u64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(u64::MAX);
    let scenario = Scenario::from_toml(&text).expect("valid");
    let mut sim = Simulation::new(&scenario);
    while sim.step() {
        for e in sim.take_trace() {
            let ms = e.at.as_micros() / 1000;
            if ms < from || ms > to {
                continue;
            }
            match &e.what {
                TraceKind::Flight { kind, .. }
                    if kind.is_background() && std::env::var_os("SHOW_ALL").is_none() => {}
                other => println!("{:>10} {:?}", e.at.to_string(), other),
            }
        }
    }
    println!("ended {:?}", sim.ended());
    for b in sim.brokers() {
        for (tp, r) in b.replicas() {
            println!(
                "{} P{} {:?} LEO {} HW {}",
                b.id(),
                tp.partition,
                r.role,
                r.log.log_end_offset(),
                r.log.high_watermark()
            );
        }
    }
    for m in sim.controller().partitions().values() {
        println!("controller: {m:?}");
    }
}
