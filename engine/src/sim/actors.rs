//! The table of actors: which part of the world handles what happens to a node. Every node kind
//! (the KRaft controller, brokers, producers, consumer processes, the database) and every coordinator hosted on
//! a broker (the group coordinator; the transaction coordinator next) is an [`Actor`]: it starts,
//! handles a message or a timer, and restarts after a crash, returning effects as data.
//!
//! [`Simulation::with_actor`] is the one place that maps a node, and the
//! [`Family`] of what reaches it, to its actor. The loop, fault application and
//! start-up ask it and never match on node kinds, so a new kind of node (a database, a Connect
//! worker) or a new coordinator is one entry here.

use super::Simulation;
use crate::app::consumer_process::ConsumerProcess;
use crate::broker::Broker;
use crate::controller::Controller;
use crate::coordinator::group::GroupCoordinators;
use crate::coordinator::txn::{CoordinatorHost, TxnCoordinators};
use crate::effect::{LocalCall, Out, Timer};
use crate::ids::{NodeId, TopicPartition};
use crate::message::{Family, Message};
use crate::producer::Producer;
use crate::time::SimTime;

/// A process, or a role hosted in one, as the simulation loop drives it.
pub(super) trait Actor {
    /// The process starts (at time zero).
    fn on_start(&mut self, now: SimTime, out: &mut Out);
    /// A message from `from` arrives.
    fn on_message(&mut self, now: SimTime, from: NodeId, message: Message, out: &mut Out);
    /// A timer it set fires.
    fn on_timer(&mut self, now: SimTime, timer: Timer, out: &mut Out);
    /// The process starts again after a crash, as a new incarnation.
    fn restart(&mut self, now: SimTime, out: &mut Out);
    /// The other client of the same process calls it (see [`LocalCall`]).
    fn on_call(&mut self, _now: SimTime, _call: LocalCall, _out: &mut Out) {}
}

impl Actor for Controller {
    fn on_start(&mut self, _now: SimTime, out: &mut Out) {
        Controller::on_start(self, out);
    }
    fn on_message(&mut self, now: SimTime, from: NodeId, message: Message, out: &mut Out) {
        Controller::on_message(self, now, from, message, out);
    }
    fn on_timer(&mut self, now: SimTime, timer: Timer, out: &mut Out) {
        Controller::on_timer(self, now, timer, out);
    }
    /// The active controller is not crashed in any scenario (a quorum stands behind it).
    fn restart(&mut self, _now: SimTime, _out: &mut Out) {}
}

impl Actor for Broker {
    fn on_start(&mut self, _now: SimTime, out: &mut Out) {
        Broker::on_start(self, out);
    }
    fn on_message(&mut self, now: SimTime, from: NodeId, message: Message, out: &mut Out) {
        Broker::on_message(self, now, from, message, out);
    }
    fn on_timer(&mut self, now: SimTime, timer: Timer, out: &mut Out) {
        Broker::on_timer(self, now, timer, out);
    }
    fn restart(&mut self, now: SimTime, out: &mut Out) {
        Broker::restart(self, now, out);
    }
}

impl Actor for Producer {
    fn on_start(&mut self, _now: SimTime, out: &mut Out) {
        Producer::on_start(self, out);
    }
    fn on_message(&mut self, now: SimTime, _from: NodeId, message: Message, out: &mut Out) {
        Producer::on_message(self, now, message, out);
    }
    fn on_timer(&mut self, now: SimTime, timer: Timer, out: &mut Out) {
        Producer::on_timer(self, now, timer, out);
    }
    fn restart(&mut self, now: SimTime, out: &mut Out) {
        Producer::restart(self, now, out);
    }
    fn on_call(&mut self, now: SimTime, call: LocalCall, out: &mut Out) {
        Producer::on_call(self, now, call, out);
    }
}

impl Actor for ConsumerProcess {
    fn on_start(&mut self, _now: SimTime, out: &mut Out) {
        ConsumerProcess::on_start(self, out);
    }
    fn on_message(&mut self, now: SimTime, _from: NodeId, message: Message, out: &mut Out) {
        ConsumerProcess::on_message(self, now, message, out);
    }
    fn on_timer(&mut self, now: SimTime, timer: Timer, out: &mut Out) {
        ConsumerProcess::on_timer(self, now, timer, out);
    }
    fn restart(&mut self, now: SimTime, out: &mut Out) {
        ConsumerProcess::restart(self, now, out);
    }
    fn on_call(&mut self, now: SimTime, call: LocalCall, out: &mut Out) {
        ConsumerProcess::on_call(self, now, call, out);
    }
}

impl Actor for crate::database::Database {
    fn on_start(&mut self, _now: SimTime, _out: &mut Out) {}
    fn on_message(&mut self, now: SimTime, from: NodeId, message: Message, out: &mut Out) {
        crate::database::Database::on_message(self, now, from, message, out);
    }
    fn on_timer(&mut self, now: SimTime, timer: Timer, out: &mut Out) {
        crate::database::Database::on_timer(self, now, timer, out);
    }
    fn restart(&mut self, _now: SimTime, _out: &mut Out) {
        crate::database::Database::restart(self);
    }
}

/// The group coordinator role of one broker (its state lives in [`GroupCoordinators`], which
/// moves coordinators between brokers as leadership of `__consumer_offsets` moves).
struct HostedGroupCoordinator<'a> {
    groups: &'a mut GroupCoordinators,
    broker: u32,
}

impl Actor for HostedGroupCoordinator<'_> {
    /// Coordinators load their groups when they become leaders, not when the broker starts.
    fn on_start(&mut self, _now: SimTime, _out: &mut Out) {}
    fn on_message(&mut self, now: SimTime, from: NodeId, message: Message, out: &mut Out) {
        self.groups.on_message(now, self.broker, from, message, out);
    }
    fn on_timer(&mut self, now: SimTime, timer: Timer, out: &mut Out) {
        self.groups.on_timer(now, self.broker, timer, out);
    }
    /// The broker's restart covers it (coordinators move on fencing).
    fn restart(&mut self, _now: SimTime, _out: &mut Out) {}
}

/// The transaction coordinator role of one broker (its state lives in [`TxnCoordinators`]; the
/// broker lends it partition leaders and producer ids).
struct HostedTxnCoordinator<'a> {
    txns: &'a mut TxnCoordinators,
    host: TxnHost<'a>,
}

/// What a broker lends its transaction coordinator: its metadata cache for partition leaders —
/// for a `__consumer_offsets` partition, the broker leading it is the coordinator of its groups —
/// and its producer-id block.
struct TxnHost<'a> {
    broker: &'a mut Broker,
    groups: &'a GroupCoordinators,
}

impl CoordinatorHost for TxnHost<'_> {
    fn leader_of(&self, tp: TopicPartition) -> Option<u32> {
        if tp.is_consumer_offsets() {
            self.groups.offsets_partition_leader(tp)
        } else {
            CoordinatorHost::leader_of(&*self.broker, tp)
        }
    }
    fn allocate_producer_id(&mut self) -> i64 {
        self.broker.allocate_producer_id()
    }
}

impl Actor for HostedTxnCoordinator<'_> {
    fn on_start(&mut self, _now: SimTime, _out: &mut Out) {}
    fn on_message(&mut self, now: SimTime, from: NodeId, message: Message, out: &mut Out) {
        let n = self.host.broker.number();
        self.txns
            .on_message(now, n, &mut self.host, from, message, out);
    }
    fn on_timer(&mut self, now: SimTime, timer: Timer, out: &mut Out) {
        let n = self.host.broker.number();
        self.txns.on_timer(now, n, &mut self.host, timer, out);
    }
    fn restart(&mut self, _now: SimTime, _out: &mut Out) {}
}

impl Simulation {
    /// Runs `f` with the actor that handles `family` on `node` — the one table of actors. None
    /// if the scenario has no such node.
    pub(super) fn with_actor<R>(
        &mut self,
        node: NodeId,
        family: Family,
        f: impl FnOnce(&mut dyn Actor) -> R,
    ) -> Option<R> {
        let i = (node.number() as usize).checked_sub(1)?;
        match (node, family) {
            (NodeId::Controller(_), _) => Some(f(&mut self.controller)),
            (NodeId::Broker(n), Family::GroupCoordinator) => (i < self.brokers.len()).then(|| {
                f(&mut HostedGroupCoordinator {
                    groups: &mut self.groups,
                    broker: n,
                })
            }),
            (NodeId::Broker(_), Family::TxnCoordinator) => {
                let broker = self.brokers.get_mut(i)?;
                Some(f(&mut HostedTxnCoordinator {
                    txns: &mut self.txns,
                    host: TxnHost {
                        broker,
                        groups: &self.groups,
                    },
                }))
            }
            (NodeId::Broker(_), Family::Node) => Some(f(self.brokers.get_mut(i)?)),
            (NodeId::Producer(_), _) => Some(f(self.producers.get_mut(i)?)),
            (NodeId::Consumer(_), _) => Some(f(self.consumers.get_mut(i)?)),
            (NodeId::Database(_), _) => Some(f(self.databases.get_mut(i)?)),
        }
    }
}
