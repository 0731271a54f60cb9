//! A consumer process: the application ([`ProcessLoop`]) and the Kafka consumer client it drives
//! (`crate::consumer::Consumer`), as one node of the simulation.
//!
//! The client never calls the application. When its `poll()` returns (records, nothing, or a
//! `commitSync` that finished), it leaves that return in its outbox; after every event the process
//! hands each return to the application, which decides what to do next and calls the client
//! (`poll`, `commitSync`, `commitAsync`). The application's own timers (processing a record) go
//! to the application, every other one to the client. A new consumer application (a
//! consume-transform-produce processor, a database writer) is a new application type driven the
//! same way; the client does not change.

use super::process_loop::ProcessLoop;
use crate::consumer::Consumer;
use crate::effect::{Out, Timer};
use crate::ids::NodeId;
use crate::message::Message;
use crate::scenario::ConsumerConfig;
use crate::time::SimTime;

#[derive(Clone, Debug)]
pub struct ConsumerProcess {
    client: Consumer,
    app: ProcessLoop,
}

impl ConsumerProcess {
    pub fn new(client: Consumer, config: &ConsumerConfig) -> Self {
        let app = ProcessLoop::new(client.id(), config);
        ConsumerProcess { client, app }
    }

    pub fn id(&self) -> NodeId {
        self.client.id()
    }

    /// The Kafka consumer client (membership, positions, commits).
    pub fn client(&self) -> &Consumer {
        &self.client
    }

    /// The application (what it is processing and has processed).
    pub fn app(&self) -> &ProcessLoop {
        &self.app
    }

    /// Nothing left to do until new data arrives: the client idle in a stable group, the
    /// application with nothing waiting.
    pub fn is_idle(&self) -> bool {
        self.client.is_idle() && self.app.is_idle()
    }

    pub fn on_start(&mut self, out: &mut Out) {
        self.client.on_start(out);
    }

    /// A killed consumer starts again: a new process, with only the application's history kept.
    pub fn restart(&mut self, now: SimTime, out: &mut Out) {
        self.app.restart();
        self.client.restart(out);
        self.hand_returns_to_app(now, out);
    }

    pub fn on_message(&mut self, now: SimTime, message: Message, out: &mut Out) {
        self.client.on_message(now, message, out);
        self.hand_returns_to_app(now, out);
    }

    pub fn on_timer(&mut self, now: SimTime, timer: Timer, out: &mut Out) {
        if timer.is_application() {
            self.app.on_timer(now, timer, &mut self.client, out);
        } else {
            self.client.on_timer(now, timer, out);
        }
        self.hand_returns_to_app(now, out);
    }

    fn hand_returns_to_app(&mut self, now: SimTime, out: &mut Out) {
        while let Some(polled) = self.client.take_poll_return() {
            self.app.on_poll(now, polled, &mut self.client, out);
        }
    }
}
