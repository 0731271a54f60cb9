//! Faults and user actions: things done *to* the cluster rather than by it.
//!
//! A scenario file's timed script and a click in the page both become an [`Action`] event in the
//! engine's queue, so a fault injected live follows exactly the path a scripted one does.
//! Consumer faults: a killed consumer process stops without leaving its group (its coordinator
//! notices after `session.timeout.ms`); a restarted one joins as a new member; a paused one (a
//! long GC stall) does nothing at all — not even heartbeats — for the given time, then carries on
//! as if no time had passed. Producers crash, restart (the application sends again what it had
//! not seen acknowledged) and pause the same way.

use crate::action_file::ActionRecord;
use crate::ids::NodeId;
use crate::message::MessageKind;
use serde::{Deserialize, Serialize};

/// Written in files (and in the trace) as a flat table, `action = "cut_link"` with the fields
/// the action takes (see [`crate::action_file`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ActionRecord", into = "ActionRecord")]
pub enum Action {
    /// Everything sent from `from` to `to` (and back, unless `one_way`) is lost until healed.
    CutLink {
        from: NodeId,
        to: NodeId,
        one_way: bool,
    },
    /// Undoes `cut_link` (both directions unless `one_way`).
    HealLink {
        from: NodeId,
        to: NodeId,
        one_way: bool,
    },
    /// The next message of `kind` from `from` to `to` is lost.
    DropNext {
        from: NodeId,
        to: NodeId,
        kind: MessageKind,
    },
    /// The next message of `kind` from `from` to `to` takes `by_ms` longer.
    DelayNext {
        from: NodeId,
        to: NodeId,
        kind: MessageKind,
        by_ms: u64,
    },
    /// The broker stops: it sends nothing and what reaches it is lost. Its log survives.
    CrashBroker { broker: NodeId },
    /// A crashed broker starts again and re-registers with the controller.
    RestartBroker { broker: NodeId },
    /// The broker waits `by_ms` before each of its follower fetches (0 undoes it).
    SlowFollower { broker: NodeId, by_ms: u64 },
    /// The consumer process dies: no LeaveGroup, its memory (buffers, worker queue) is gone.
    KillConsumer { consumer: NodeId },
    /// A killed consumer starts again, as a new member of its group.
    RestartConsumer { consumer: NodeId },
    /// The consumer process stalls (a GC pause) for `by_ms`: no processing, no heartbeats.
    PauseConsumer { consumer: NodeId, by_ms: u64 },
    /// The producer process dies: what it had not sent (its accumulator) and what it awaited an
    /// answer for is gone with it.
    CrashProducer { producer: NodeId },
    /// A crashed producer application starts again (a new producer process) and sends again the
    /// records it had not seen acknowledged — the application's own resend after a crash.
    RestartProducer { producer: NodeId },
    /// The producer process stalls for `by_ms` (a GC pause): nothing it would do runs meanwhile.
    PauseProducer { producer: NodeId, by_ms: u64 },
    /// The topic (the first, unless named) is altered to `count` partitions (CreatePartitions);
    /// fewer than it has is refused, as Kafka refuses it.
    CreatePartitions { count: u32, topic: Option<String> },
    /// The database process stops: requests it had not executed are lost, committed rows stay.
    CrashDatabase { database: NodeId },
    /// A crashed database starts again.
    RestartDatabase { database: NodeId },
    /// The database stalls for `by_ms` (a lock wait, a checkpoint): it executes nothing meanwhile.
    PauseDatabase { database: NodeId, by_ms: u64 },
    /// A Kafka Connect worker process dies: every sink task it runs stops at once, without
    /// committing (their consumers are given up after `session.timeout.ms`).
    KillWorker { worker: u32 },
    /// A killed Connect worker starts again, and its tasks with it (each a new consumer that
    /// joins the connector's group and starts from the committed offsets).
    RestartWorker { worker: u32 },
}

impl Action {
    /// The nodes an action names, for validation against the scenario's cluster.
    pub fn nodes(&self) -> Vec<NodeId> {
        match self {
            Action::CutLink { from, to, .. }
            | Action::HealLink { from, to, .. }
            | Action::DropNext { from, to, .. }
            | Action::DelayNext { from, to, .. } => vec![*from, *to],
            Action::CrashBroker { broker }
            | Action::RestartBroker { broker }
            | Action::SlowFollower { broker, .. } => vec![*broker],
            Action::KillConsumer { consumer }
            | Action::RestartConsumer { consumer }
            | Action::PauseConsumer { consumer, .. } => vec![*consumer],
            Action::CrashProducer { producer }
            | Action::RestartProducer { producer }
            | Action::PauseProducer { producer, .. } => vec![*producer],
            Action::CrashDatabase { database }
            | Action::RestartDatabase { database }
            | Action::PauseDatabase { database, .. } => vec![*database],
            Action::CreatePartitions { .. }
            | Action::KillWorker { .. }
            | Action::RestartWorker { .. } => Vec::new(),
        }
    }

    /// For an action on one node: why that node is the wrong kind, if it is.
    pub fn target_problem(&self) -> Option<&'static str> {
        match self {
            Action::CrashBroker { broker }
            | Action::RestartBroker { broker }
            | Action::SlowFollower { broker, .. } => (!matches!(broker, NodeId::Broker(_)))
                .then_some(
                    "crash_broker, restart_broker and slow_follower name a broker (broker-N)",
                ),
            Action::KillConsumer { consumer }
            | Action::RestartConsumer { consumer }
            | Action::PauseConsumer { consumer, .. } => (!matches!(consumer, NodeId::Consumer(_)))
                .then_some(
                "kill_consumer, restart_consumer and pause_consumer name a consumer (consumer-N)",
            ),
            Action::CrashProducer { producer }
            | Action::RestartProducer { producer }
            | Action::PauseProducer { producer, .. } => (!matches!(producer, NodeId::Producer(_)))
                .then_some(
                "crash_producer, restart_producer and pause_producer name a producer (producer-N)",
            ),
            Action::CrashDatabase { database }
            | Action::RestartDatabase { database }
            | Action::PauseDatabase { database, .. } => (!matches!(database, NodeId::Database(_)))
                .then_some(
                "crash_database, restart_database and pause_database name a database (database-N)",
            ),
            _ => None,
        }
    }

    /// The link an action is about, if it is a link action.
    pub fn link(&self) -> Option<(NodeId, NodeId)> {
        match self {
            Action::CutLink { from, to, .. }
            | Action::HealLink { from, to, .. }
            | Action::DropNext { from, to, .. }
            | Action::DelayNext { from, to, .. } => Some((*from, *to)),
            _ => None,
        }
    }
}
