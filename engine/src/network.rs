//! The network between nodes: latency, per-connection ordering, and faults.
//!
//! Kafka clients and brokers talk over TCP, so messages on one connection arrive in the order they
//! were sent; Kafka's ordering guarantees rely on it. The model keeps that: each directed link
//! delivers FIFO, with a latency drawn from the world's seeded RNG (`latency_ms` ± `jitter_ms`).
//!
//! Faults are named for what they do (turmoil's verbs): a link can be **cut** (one way or both;
//! everything sent over it is lost until it is **healed**), and the **next** message of a given
//! kind can be **dropped** or **delayed**.
//!
//! A message dropped between a producer and a broker stands for what TCP makes of a lost message:
//! a **broken connection**. TCP never delivers a later message of a connection without the earlier
//! one, so everything after it on that connection, both ways, is lost too, until the producer
//! notices — a request timeout, on which Kafka's `NetworkClient` closes the connection and fails
//! every request in flight on it — and reconnects. (Other links keep the simpler rule: only the
//! dropped message is lost.) They arrive as [`crate::action::Action`] events in the
//! same queue as protocol messages, whether a scenario file scripted them or a user clicked.

use crate::flat::FlatMap;
use crate::ids::NodeId;
use crate::message::MessageKind;
use crate::rng::SimRng;
use crate::time::{SimDuration, SimTime};

/// What happens to one message put on the network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// It arrives at this time.
    Arrives(SimTime),
    /// It is lost; the renderer lets it fade out at this time.
    Lost(SimTime),
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct LinkFaults {
    cut: bool,
    drop_next: Vec<MessageKind>,
    delay_next: Vec<(MessageKind, SimDuration)>,
}

#[derive(Clone, Debug)]
pub struct Network {
    latency: SimDuration,
    jitter: SimDuration,
    /// Producer–broker connections broken by a dropped message, until the producer reconnects.
    broken: crate::flat::FlatSet<(NodeId, NodeId)>,
    /// Last arrival time per directed link, to keep each connection FIFO.
    last_arrival: FlatMap<(NodeId, NodeId), SimTime>,
    faults: FlatMap<(NodeId, NodeId), LinkFaults>,
}

impl Network {
    pub fn new(latency: SimDuration, jitter: SimDuration) -> Self {
        Network {
            latency,
            jitter,
            last_arrival: FlatMap::new(),
            faults: FlatMap::new(),
            broken: crate::flat::FlatSet::new(),
        }
    }

    /// The producer–broker connection a message between `a` and `b` travels on, if it is one.
    fn producer_connection(a: NodeId, b: NodeId) -> Option<(NodeId, NodeId)> {
        match (a, b) {
            (NodeId::Producer(_), NodeId::Broker(_)) => Some((a, b)),
            (NodeId::Broker(_), NodeId::Producer(_)) => Some((b, a)),
            _ => None,
        }
    }

    /// The producer closed its connection to `broker` and opened a new one.
    pub fn reconnect(&mut self, producer: NodeId, broker: NodeId) {
        self.broken.remove(&(producer, broker));
    }

    /// A restarted process opens new connections: none of its old ones is broken.
    pub fn forget_connections_of(&mut self, node: NodeId) {
        self.broken.retain(|(producer, _)| *producer != node);
    }

    /// Decides when (or whether) a message sent now from `from` to `to` arrives.
    pub fn route(
        &mut self,
        now: SimTime,
        from: NodeId,
        to: NodeId,
        kind: MessageKind,
        answered: bool,
        rng: &mut SimRng,
    ) -> Delivery {
        let lo = self
            .latency
            .as_micros()
            .saturating_sub(self.jitter.as_micros());
        let hi = self.latency.as_micros() + self.jitter.as_micros();
        let mut latency = SimDuration::from_micros(rng.in_range(lo.max(1), hi.max(1)));
        let connection = Self::producer_connection(from, to);
        if connection.is_some_and(|c| self.broken.contains(&c)) {
            return Delivery::Lost(now + SimDuration(latency.0 / 2));
        }
        if let Some(f) = self.faults.get_mut(&(from, to)) {
            if f.cut {
                return Delivery::Lost(now + SimDuration(latency.0 / 2));
            }
            if let Some(i) = f.drop_next.iter().position(|k| *k == kind) {
                f.drop_next.remove(i);
                // (An acks=0 request awaits no answer, so no timeout would ever reveal a broken
                // connection; the model loses that request alone.)
                if let (Some(c), true) = (connection, answered) {
                    self.broken.insert(c);
                }
                return Delivery::Lost(now + SimDuration(latency.0 / 2));
            }
            if let Some(i) = f.delay_next.iter().position(|(k, _)| *k == kind) {
                let (_, extra) = f.delay_next.remove(i);
                latency = SimDuration(latency.0 + extra.0);
            }
        }
        let link = self.last_arrival.entry((from, to)).or_insert(SimTime::ZERO);
        let arrives = (now + latency).max(*link);
        *link = arrives;
        Delivery::Arrives(arrives)
    }

    pub fn cut(&mut self, from: NodeId, to: NodeId) {
        self.faults.entry((from, to)).or_default().cut = true;
    }

    pub fn heal(&mut self, from: NodeId, to: NodeId) {
        if let Some(f) = self.faults.get_mut(&(from, to)) {
            f.cut = false;
        }
    }

    /// Every (from, to) direction that is cut now.
    pub fn cut_links(&self) -> Vec<(NodeId, NodeId)> {
        self.faults
            .iter()
            .filter(|(_, f)| f.cut)
            .map(|(link, _)| *link)
            .collect()
    }

    pub fn is_cut(&self, from: NodeId, to: NodeId) -> bool {
        self.faults.get(&(from, to)).is_some_and(|f| f.cut)
    }

    pub fn drop_next(&mut self, from: NodeId, to: NodeId, kind: MessageKind) {
        self.faults
            .entry((from, to))
            .or_default()
            .drop_next
            .push(kind);
    }

    pub fn delay_next(&mut self, from: NodeId, to: NodeId, kind: MessageKind, by: SimDuration) {
        self.faults
            .entry((from, to))
            .or_default()
            .delay_next
            .push((kind, by));
    }
}
