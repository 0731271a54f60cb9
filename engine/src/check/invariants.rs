//! Kafka's invariants, checked after every step.
//!
//! The engine checks its own world against the rules it claims to follow, so that tests and
//! `kafkascope-sim run --check` find the first step where a rule broke (and say which, with the
//! seed to reproduce it), rather than only a wrong outcome at the end:
//!
//! - every replica's high watermark is at most its log end offset;
//! - a leader's high watermark never moves backward within its leader epoch;
//! - a leader's high watermark never passes the LEO of an in-sync follower of its epoch (the HW
//!   is the minimum LEO over the ISR: Kafka documentation, Design: Replication);
//! - a leader's last stable offset is at most its HW and at most the first offset of every open
//!   transaction (KIP-98);
//! - within a generation no partition has two owners in a consumer group;
//! - a group's committed offsets never move backward, unless a consumer reset a position since
//!   (`auto.offset.reset`, or a truncation found by KIP-320 validation).

use crate::broker::Role;
use crate::flat::FlatMap;
use crate::ids::TopicPartition;
use crate::sim::Simulation;
use std::fmt;

/// The first broken rule: when, and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    pub at_us: u64,
    pub rule: &'static str,
    pub detail: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "at {:.3} ms: {} ({})",
            self.at_us as f64 / 1000.0,
            self.rule,
            self.detail
        )
    }
}

/// What the checker remembers between steps.
#[derive(Clone, Debug, Default)]
pub struct InvariantChecker {
    /// (broker, partition) → (leader epoch, HW) last seen while it led.
    leader_hw: FlatMap<(u32, TopicPartition), (u32, u64)>,
    committed: FlatMap<(String, TopicPartition), u64>,
    resets_seen: u64,
}

impl InvariantChecker {
    /// Checks the world as it stands after a step.
    pub fn check(&mut self, sim: &Simulation) -> Result<(), Violation> {
        let at_us = sim.now().as_micros();
        let violation = |rule, detail: String| Violation {
            at_us,
            rule,
            detail,
        };
        for (bi, b) in sim.brokers().iter().enumerate() {
            let me = bi as u32 + 1;
            for (tp, r) in b.replicas() {
                let hw = r.log.high_watermark();
                if hw > r.log.log_end_offset() {
                    return Err(violation(
                        "high watermark beyond log end offset",
                        format!(
                            "broker-{me} P{}: HW {hw}, LEO {}",
                            tp.partition,
                            r.log.log_end_offset()
                        ),
                    ));
                }
                let Role::Leader(state) = &r.role else {
                    continue;
                };
                // The LSO never passes the HW, nor an open transaction (KIP-98).
                let lso = r.log.last_stable_offset();
                let open_before = r
                    .log
                    .transactions()
                    .ongoing()
                    .find(|(_, first)| *first < lso);
                if lso > hw || open_before.is_some() {
                    return Err(violation(
                        "last stable offset past the HW or an open transaction",
                        format!(
                            "broker-{me} P{}: LSO {lso}, HW {hw}, open transaction {open_before:?}",
                            tp.partition
                        ),
                    ));
                }
                if let Some((epoch, previous)) =
                    self.leader_hw.insert((me, *tp), (state.leader_epoch, hw))
                {
                    if epoch == state.leader_epoch && hw < previous {
                        return Err(violation(
                            "leader's high watermark moved backward",
                            format!(
                                "broker-{me} P{} epoch {epoch}: {previous} → {hw}",
                                tp.partition
                            ),
                        ));
                    }
                }
                for m in state.isr.iter().filter(|m| **m != me) {
                    let Some(member) = sim.brokers()[*m as usize - 1].replica(*tp) else {
                        continue;
                    };
                    let following = matches!(member.role,
                        Role::Follower { leader, leader_epoch, truncated: true }
                            if leader == me && leader_epoch == state.leader_epoch);
                    if sim.broker_is_up(*m) && following && member.log.log_end_offset() < hw {
                        return Err(violation(
                            "high watermark past an in-sync replica's log end",
                            format!(
                                "P{}: leader broker-{me} HW {hw}, ISR member broker-{m} LEO {}",
                                tp.partition,
                                member.log.log_end_offset()
                            ),
                        ));
                    }
                }
            }
        }
        let mut owners: FlatMap<(&str, u32, TopicPartition), u32> = FlatMap::new();
        for c in sim.consumers() {
            let n = c.id().number();
            let Some(generation) = c.generation() else {
                continue;
            };
            if !sim.consumer_is_up(n) {
                continue;
            }
            for tp in c.assignment() {
                if let Some(other) = owners.insert((c.group(), generation, *tp), n) {
                    return Err(violation(
                        "two owners of a partition in one generation",
                        format!(
                            "group {} generation {generation}: P{} owned by consumer-{other} and consumer-{n}",
                            c.group(),
                            tp.partition
                        ),
                    ));
                }
            }
        }
        let reset = sim.offset_resets() != self.resets_seen;
        self.resets_seen = sim.offset_resets();
        for (name, g) in sim.groups().groups() {
            for (tp, offset) in &g.offsets {
                let before = self.committed.insert((name.clone(), *tp), *offset);
                if let Some(before) = before {
                    if *offset < before && !reset {
                        return Err(violation(
                            "committed offset moved backward",
                            format!("group {name} P{}: {before} → {offset}", tp.partition),
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}
