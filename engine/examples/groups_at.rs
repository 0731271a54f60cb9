//! Prints each consumer group's state, generation, committed offsets and lag at chosen times: a
//! debugging aid for writing lessons.
//! `cargo run -p kafkascope-engine --example groups_at -- FILE MS [MS ...]`
use kafkascope_engine::{Scenario, SimTime, Timeline};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let text = std::fs::read_to_string(&args[0]).expect("read");
    let scenario = Scenario::from_toml(&text).expect("valid");
    let timeline = Timeline::record(&scenario);
    for ms in args[1..].iter().filter_map(|a| a.parse::<u64>().ok()) {
        let t = SimTime::from_ms(ms);
        let world = timeline.world_at(t);
        for (name, g) in world.groups().groups() {
            let lag = world.group_lag(name);
            println!(
                "{ms:>7} ms {name:<16} {:?} gen {} members {:?} lag {lag} offsets {:?}",
                g.state,
                g.generation,
                g.members.keys().map(|m| m.to_string()).collect::<Vec<_>>(),
                g.offsets.values().collect::<Vec<_>>()
            );
        }
        for process in world.consumer_processes() {
            let c = process.client();
            println!(
                "{ms:>7} ms   {} up {} {:?} {:?} member {:?} gen {:?} owns {:?} positions {:?} committed {:?} unprocessed {}",
                c.id(),
                world.consumer_is_up(c.id().number()),
                c.phase(),
                c.membership(),
                c.member_id().map(|m| m.to_string()),
                c.generation(),
                c.assignment().iter().map(|tp| tp.partition).collect::<Vec<_>>(),
                c.positions().values().collect::<Vec<_>>(),
                c.committed().values().collect::<Vec<_>>(),
                process.app().unprocessed()
            );
        }
    }
}
