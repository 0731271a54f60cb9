//! What an actor may ask of the world.
//!
//! Actors (brokers, producers, consumers, and later the controller, coordinators, the database
//! and a connector) never touch the event queue, the network or the trace directly. Each handler
//! receives the current time and an [`Out`] to which it adds effects *as data* — send a message,
//! set a timer, note something in the trace — and the engine alone applies them (the shape of
//! stateright's `Out<Command>`). That keeps actors pure, testable in isolation, and cloneable for
//! checkpoints.
//!
//! Timers are not cancelled: a handler that no longer cares about a timer ignores it when it fires
//! (for example a request timeout whose request has already been answered).

use crate::ids::NodeId;
use crate::message::Message;
use crate::time::SimDuration;
use crate::trace::TraceKind;

/// A timer an actor sets on itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Timer {
    /// Producer: the application creates its next record.
    CreateRecord,
    /// Producer: a retry's backoff passed; re-send what waited for it.
    RetryBackoffElapsed,
    /// Producer: a new batch has waited `linger.ms`; send it if nothing sent it earlier.
    LingerElapsed,
    /// Any caller of requests: its earliest request deadline has come
    /// ([`crate::requests::Requests`] keeps one such timer armed per caller).
    RequestDeadline,
    /// Broker: a parked fetch reached `fetch.max.wait.ms`.
    FetchWaitExpired { client: NodeId, correlation: u64 },
    /// Consumer: the application finished processing the record it was working on.
    RecordProcessed,
    /// Consumer: start the group membership (at the scenario's start time).
    StartConsumer,
    /// Broker: time for the next heartbeat to the controller.
    Heartbeat,
    /// Controller: look for brokers whose session expired.
    SessionCheck,
    /// Partition leader: look for followers lagging past `replica.lag.time.max.ms`.
    IsrCheck,
    /// Follower: send the next fetch to this leader (after a slow-follower delay).
    FollowerFetch { leader: u32 },
    /// Follower: ask the leader for the truncation point again.
    Truncate {
        partition: crate::ids::TopicPartition,
    },
    /// Client: ask for fresh metadata (after `retry.backoff.ms`).
    MetadataRefresh,
    /// Client: `metadata.max.age.ms` passed; refresh metadata even without an error (this is
    /// how clients learn of partitions added to a topic).
    MetadataMaxAge,
    /// Broker: `log.retention.check.interval.ms` passed; delete expired records.
    RetentionCheck,
    /// Consumer: the heartbeat thread's turn (every `heartbeat.interval.ms`).
    ConsumerHeartbeat,
    /// Consumer (hand-off style): the worker finished the record it was processing.
    WorkerRecordProcessed,
    /// Consumer: look for the group coordinator again (after `retry.backoff.ms`).
    FindCoordinatorRetry,
    /// Group coordinator: has this member been silent for `session.timeout.ms`?
    MemberSessionExpiry {
        group: String,
        member: crate::ids::MemberId,
    },
    /// Group coordinator: the wait for members to (re)join is over.
    RebalanceDeadline { group: String, round: u32 },
    /// Transaction coordinator: `transaction.timeout.ms` of the transaction begun in `round`.
    TxnTimeout { txn: String, round: u32 },
    /// Transaction coordinator: write again the markers not written yet — those whose request
    /// failed, or (`timed_out`) every one not answered within the inter-broker request timeout.
    TxnMarkerRetry {
        txn: String,
        round: u32,
        timed_out: bool,
    },
    /// Transactional producer: ask the coordinator again (after `retry.backoff.ms`).
    TxnRetry,
    /// Consumer: ask for the committed offsets again after `UNSTABLE_OFFSET_COMMIT`.
    OffsetFetchRetry,
    /// Database: the request being executed is done.
    DbRequestExecuted,
    /// Database writer: no answer to request `correlation` within its timeout.
    DbAnswerTimeout { correlation: u64 },
    /// Connect sink task: deliver the failed batch to `put` again (after `retry.backoff.ms`).
    SinkPutRetry,
    /// Connect sink task: `offset.flush.interval.ms` has passed — commit the delivered offsets.
    SinkOffsetFlush,
}

impl Timer {
    /// A timer of the application that drives a client (processing a record), not of the client.
    pub fn is_application(&self) -> bool {
        matches!(
            self,
            Timer::RecordProcessed
                | Timer::WorkerRecordProcessed
                | Timer::DbAnswerTimeout { .. }
                | Timer::SinkPutRetry
                | Timer::SinkOffsetFlush
        )
    }

    /// Who on the node handles this timer (see [`crate::message::Family`]).
    pub fn family(&self) -> crate::message::Family {
        match self {
            Timer::MemberSessionExpiry { .. } | Timer::RebalanceDeadline { .. } => {
                crate::message::Family::GroupCoordinator
            }
            Timer::TxnTimeout { .. } | Timer::TxnMarkerRetry { .. } => {
                crate::message::Family::TxnCoordinator
            }
            _ => crate::message::Family::Node,
        }
    }
}

/// A call between the two clients of one process — a consume-transform-produce application
/// and its transactional producer ([`crate::app::transform_loop`]): in-process and immediate,
/// never on the network, and gone with the process if it crashes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LocalCall {
    /// Application → producer: `send()` the result of input record `source`.
    Send {
        key: Option<u32>,
        source: crate::ids::RecordId,
    },
    /// Application → producer: `sendOffsetsToTransaction(offsets, consumer.groupMetadata())`.
    SendOffsetsToTransaction {
        group: String,
        generation: u32,
        member: crate::ids::MemberId,
        offsets: Vec<(crate::ids::TopicPartition, u64)>,
    },
    /// Application → producer: `commitTransaction()` or `abortTransaction()`.
    EndTransaction { commit: bool },
    /// Producer → application: the commit or abort returned (a failed commit returns as an
    /// abort: the application learns of the error and aborts).
    TransactionEnded { committed: bool },
    /// Producer → application: fenced by a newer instance (fatal).
    Fenced,
}

#[derive(Clone, Debug)]
pub enum Effect {
    Send {
        to: NodeId,
        message: Message,
    },
    /// A [`LocalCall`] to the other client of the same process.
    Call {
        to: NodeId,
        call: LocalCall,
    },
    /// The application gives up after a fatal error and its process exits (both clients of it):
    /// it is down until restarted, like a crashed one.
    Exit,
    /// A client closed its connection to a node (after a request timeout) and opens a new one.
    Reconnect {
        to: NodeId,
    },
    SetTimer {
        after: SimDuration,
        timer: Timer,
    },
    Trace(TraceKind),
}

/// The effects one handler invocation produced, applied by the engine in order.
#[derive(Clone, Debug, Default)]
pub struct Out {
    effects: Vec<Effect>,
}

impl Out {
    pub fn send(&mut self, to: NodeId, message: Message) {
        self.effects.push(Effect::Send { to, message });
    }
    pub fn reconnect(&mut self, to: NodeId) {
        self.effects.push(Effect::Reconnect { to });
    }
    pub fn exit(&mut self) {
        self.effects.push(Effect::Exit);
    }
    pub fn call(&mut self, to: NodeId, call: LocalCall) {
        self.effects.push(Effect::Call { to, call });
    }
    pub fn set_timer(&mut self, after: SimDuration, timer: Timer) {
        self.effects.push(Effect::SetTimer { after, timer });
    }
    pub fn trace(&mut self, what: TraceKind) {
        self.effects.push(Effect::Trace(what));
    }
    pub fn drain(&mut self) -> std::vec::Drain<'_, Effect> {
        self.effects.drain(..)
    }
    pub fn is_empty(&self) -> bool {
        self.effects.is_empty()
    }
}
