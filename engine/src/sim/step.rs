//! The simulation loop: pop the earliest event, hand it to the actor it concerns (the table in
//! [`super::actors`] maps the node and the message's or timer's family to it), apply the effects
//! the actor returned — messages onto the network (traced as flights), timers into the queue,
//! trace entries stamped with the time — and end the run when it has settled or reached
//! `simulation.max_time_ms`.

use super::*;
use crate::message::Family;

impl Simulation {
    /// Runs the next event. Returns false when the run has ended.
    pub fn step(&mut self) -> bool {
        let Some(at) = self.next_event_time() else {
            self.end_now();
            return false;
        };
        let (_, event) = self.queue.pop().expect("peeked above");
        self.now = at;
        self.events_processed += 1;
        if let Some(until) = self.stalled_target(&event) {
            // A stalled consumer handles nothing until the pause ends; then everything that
            // reached it, in order.
            self.queue.push(until, event);
            return true;
        }
        let mut out = std::mem::take(&mut self.scratch);
        let actor = match event {
            Event::Start(node) => self
                .with_actor(node, Family::Node, |a| a.on_start(at, &mut out))
                .map(|()| node),
            Event::Deliver {
                flight,
                from,
                to,
                to_incarnation,
                message,
            } => {
                if !self.is_up(to) || to_incarnation != self.incarnation(to) {
                    self.record(TraceKind::Undelivered { flight, to });
                    self.scratch = out;
                    return true;
                }
                let family = message.family();
                self.with_actor(to, family, |a| a.on_message(at, from, *message, &mut out))
                    .map(|()| to)
            }
            Event::Timer {
                node,
                incarnation,
                timer,
            } => {
                if !self.is_up(node) || incarnation != self.incarnation(node) {
                    self.scratch = out;
                    return true;
                }
                let family = timer.family();
                self.with_actor(node, family, |a| a.on_timer(at, timer, &mut out))
                    .map(|()| node)
            }
            Event::Call {
                to,
                to_incarnation,
                call,
            } => {
                if !self.is_up(to) || to_incarnation != self.incarnation(to) {
                    self.scratch = out;
                    return true;
                }
                self.with_actor(to, Family::Node, |a| a.on_call(at, *call, &mut out))
                    .map(|()| to)
            }
            Event::Action(action) => {
                self.pending_actions -= 1;
                // The action first, then what it caused (a refusal, a restart's effects).
                self.record(TraceKind::Action {
                    action: action.clone(),
                });
                self.apply_action(&action);
                None
            }
        };
        if let Some(node) = actor {
            self.apply_effects(node, &mut out);
        }
        self.scratch = out;
        if std::mem::take(&mut self.fencing_changed) {
            self.move_coordinators();
        }
        self.sync_dirty_fates(actor);
        if self.is_settled() {
            self.ended = Some((self.now, EndReason::Settled));
        }
        true
    }

    /// Runs every event up to and including `t`, then stands at `t` (or where the run ended).
    pub fn run_until(&mut self, t: SimTime) {
        while self.next_event_time().is_some_and(|next| next <= t) {
            self.step();
        }
        if self.ended.is_none() && t >= self.max_time {
            self.end_now();
        }
        let stop = self.ended.map_or(t, |(end, _)| end.min(t).max(self.now));
        self.now = self.now.max(stop);
    }

    /// Runs until the scenario settles, the queue runs dry, or the time limit.
    pub fn run_to_end(&mut self) -> (SimTime, EndReason) {
        while self.step() {}
        self.ended
            .expect("step returns false only once the run has ended")
    }

    pub(super) fn end_now(&mut self) {
        if self.ended.is_some() {
            return;
        }
        self.ended = Some(match self.queue.peek_time() {
            Some(_) => {
                self.now = self.now.max(self.max_time);
                (self.now, EndReason::TimeLimit)
            }
            None => (self.now, EndReason::NothingLeft),
        });
    }

    pub(super) fn record(&mut self, what: TraceKind) {
        self.observe(&what);
        self.trace.push(TraceEvent { at: self.now, what });
    }

    pub(super) fn apply_effects(&mut self, node: NodeId, out: &mut Out) {
        for effect in out.drain() {
            match effect {
                Effect::Send { to, message } => {
                    let kind = message.kind();
                    let records = message.record_count();
                    let first_record = message.first_record();
                    let id = self.next_flight;
                    self.next_flight = self.next_flight.wrapping_add(1);
                    let answered = !matches!(
                        message,
                        Message::ProduceRequest {
                            acks: crate::message::Acks::None,
                            ..
                        }
                    );
                    let delivery =
                        self.network
                            .route(self.now, node, to, kind, answered, &mut self.rng);
                    let (arrives, lost) = match delivery {
                        Delivery::Arrives(t) => (t, false),
                        Delivery::Lost(t) => (t, true),
                    };
                    self.trace.push(TraceEvent {
                        at: self.now,
                        what: TraceKind::Flight {
                            id,
                            from: node,
                            to,
                            kind,
                            records,
                            first_record,
                            arrives,
                            lost,
                        },
                    });
                    if !lost {
                        let to_incarnation = self.incarnation(to);
                        self.queue.push(
                            arrives,
                            Event::Deliver {
                                flight: id,
                                from: node,
                                to,
                                to_incarnation,
                                message: Box::new(message),
                            },
                        );
                    }
                }
                Effect::SetTimer { after, timer } => {
                    let incarnation = self.incarnation(node);
                    self.queue.push(
                        self.now + after,
                        Event::Timer {
                            node,
                            incarnation,
                            timer,
                        },
                    );
                }
                Effect::Trace(what) => self.record(what),
                Effect::Reconnect { to } => self.network.reconnect(node, to),
                Effect::Exit => {
                    self.record(TraceKind::ProcessExited { node });
                    for n in self.same_process(node) {
                        self.processes.crash(n);
                    }
                }
                Effect::Call { to, call } => {
                    // In-process: handled next, at the same time, never on the network.
                    let to_incarnation = self.incarnation(to);
                    self.queue.push(
                        self.now,
                        Event::Call {
                            to,
                            to_incarnation,
                            call: Box::new(call),
                        },
                    );
                }
            }
        }
    }

    pub(super) fn is_up(&self, node: NodeId) -> bool {
        self.processes.is_up(node)
    }

    pub(super) fn incarnation(&self, node: NodeId) -> u32 {
        self.processes.incarnation(node)
    }
}
