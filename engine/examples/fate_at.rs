//! Prints every record's facts in the fate index at a time: `fate_at FILE.toml MS`.
use kafkascope_engine::{Scenario, SimTime, Simulation};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let text = std::fs::read_to_string(&args[0]).expect("scenario file");
    let s = Scenario::from_toml(&text).expect("valid scenario");
    let ms: f64 = args[1].parse().expect("time in ms");
    let mut sim = Simulation::new(&s);
    sim.run_until(SimTime((ms * 1000.0) as u64));
    for p in sim.producers() {
        for (seq, f) in sim.fates().producer_records(p.id().number()).enumerate() {
            println!("p{}#{seq}: {:?} fate {:?}", p.id().number(), f, f.fate());
        }
    }
    for tp in sim.partitions() {
        if let Some((b, log)) = sim.counted_log(*tp) {
            println!(
                "{tp:?} counted on broker {b}: hw {} lso {} leo {}",
                log.high_watermark(),
                log.last_stable_offset(),
                log.log_end_offset()
            );
        }
    }
}
