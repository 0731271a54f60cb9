//! A consumer process: the application ([`ProcessLoop`], or the consume-transform-produce
//! [`TransformLoop`]) and the Kafka consumer client it drives (`crate::consumer::Consumer`), as
//! one node of the simulation.
//!
//! The client never calls the application. When its `poll()` returns (records, nothing, or a
//! `commitSync` that finished), it leaves that return in its outbox; after every event the process
//! hands each return to the application, which decides what to do next and calls the client
//! (`poll`, `commitSync`, `commitAsync`). The application's own timers (processing a record) go
//! to the application, every other one to the client; calls from the process's other client (a
//! transform loop's producer) go to the application, and so do the database's answers to a
//! [`DbWriter`]. A new consumer application is a new [`Application`] variant driven the same way;
//! the client does not change.

use super::db_writer::DbWriter;
use super::inbox::{Inbox, ProcessedRecord};
use super::process_loop::ProcessLoop;
use super::sink_task::SinkTask;
use super::transform_loop::TransformLoop;
use crate::chunked::ChunkedVec;
use crate::consumer::{Consumer, PollReturn};
use crate::effect::{LocalCall, Out, Timer};
use crate::ids::{NodeId, RecordId};
use crate::message::Message;
use crate::scenario::ConsumerConfig;
use crate::time::SimTime;

/// The application a consumer process runs.
#[derive(Clone, Debug)]
pub enum Application {
    /// Process and commit (every consumer scenario before transactions).
    ProcessLoop(ProcessLoop),
    /// Consume, transform, produce — in transactions with the consumed offsets.
    Transform(TransformLoop),
    /// Write each record as a database row, then commit.
    DbWriter(DbWriter),
    /// A Kafka Connect sink task: put batches into a table, commit every flush interval.
    SinkTask(SinkTask),
}

impl Application {
    /// The records it holds and the ones it finished (every application keeps them alike).
    fn inbox(&self) -> &Inbox {
        match self {
            Application::ProcessLoop(a) => a.inbox(),
            Application::Transform(a) => a.inbox(),
            Application::DbWriter(a) => a.inbox(),
            Application::SinkTask(a) => a.inbox(),
        }
    }

    /// What this application processed, over its life (the checker's history).
    pub fn processed(&self) -> &ChunkedVec<ProcessedRecord> {
        self.inbox().processed()
    }

    /// Records poll() returned that are not processed yet.
    pub fn unprocessed(&self) -> usize {
        self.inbox().len()
    }

    /// The records poll() returned that are not processed yet.
    pub fn queued(&self) -> impl Iterator<Item = RecordId> + '_ {
        self.inbox().queued()
    }

    /// The database table this application writes, if it writes one.
    pub fn table(&self) -> Option<&str> {
        match self {
            Application::DbWriter(a) => Some(a.table()),
            Application::SinkTask(a) => Some(a.table()),
            _ => None,
        }
    }

    /// How it writes its table, as the report names it (`unique_key`: the table has one).
    pub fn write_style(&self, unique_key: bool) -> Option<crate::check::report::WriteStyle> {
        use crate::check::report::WriteStyle;
        use crate::scenario::WriteMode;
        Some(match self {
            Application::DbWriter(a) if a.offsets_table().is_some() => {
                WriteStyle::OffsetsInDatabase
            }
            Application::DbWriter(a) => match (a.write_mode(), unique_key) {
                (WriteMode::Upsert, _) => WriteStyle::Upsert,
                (WriteMode::Insert, true) => WriteStyle::InsertUniqueKey,
                (WriteMode::Insert, false) => WriteStyle::Insert,
            },
            Application::SinkTask(a) => match a.config().insert_mode {
                WriteMode::Upsert => WriteStyle::ConnectSinkUpsert,
                WriteMode::Insert => WriteStyle::ConnectSinkInsert,
            },
            _ => return None,
        })
    }

    /// The table its offsets are kept in, when a database writer keeps them in the database.
    pub fn offsets_table(&self) -> Option<&str> {
        match self {
            Application::DbWriter(a) => a.offsets_table(),
            _ => None,
        }
    }

    pub fn is_idle(&self) -> bool {
        match self {
            Application::ProcessLoop(a) => a.is_idle(),
            Application::Transform(a) => a.is_idle(),
            Application::DbWriter(a) => a.is_idle(),
            Application::SinkTask(a) => a.is_idle(),
        }
    }

    fn restart(&mut self) {
        match self {
            Application::ProcessLoop(a) => a.restart(),
            Application::Transform(a) => a.restart(),
            Application::DbWriter(a) => a.restart(),
            Application::SinkTask(a) => a.restart(),
        }
    }

    fn on_poll(&mut self, now: SimTime, polled: PollReturn, client: &mut Consumer, out: &mut Out) {
        match self {
            Application::ProcessLoop(a) => a.on_poll(now, polled, client, out),
            Application::Transform(a) => a.on_poll(now, polled, client, out),
            Application::DbWriter(a) => a.on_poll(now, polled, client, out),
            Application::SinkTask(a) => a.on_poll(now, polled, client, out),
        }
    }

    fn on_timer(&mut self, now: SimTime, timer: Timer, client: &mut Consumer, out: &mut Out) {
        match self {
            Application::ProcessLoop(a) => a.on_timer(now, timer, client, out),
            Application::Transform(a) => a.on_timer(now, timer, client, out),
            Application::DbWriter(a) => a.on_timer(now, timer, client, out),
            Application::SinkTask(a) => a.on_timer(now, timer, client, out),
        }
    }
}

#[derive(Clone, Debug)]
pub struct ConsumerProcess {
    client: Consumer,
    app: Application,
}

impl ConsumerProcess {
    /// The process of `config`; `producer` is the node of its transactional producer when it is
    /// a consume-transform-produce application.
    pub fn new(client: Consumer, config: &ConsumerConfig, producer: Option<NodeId>) -> Self {
        let app = match (&config.transform, producer, &config.database, &config.sink) {
            (Some(transform), Some(producer), _, _) => {
                Application::Transform(TransformLoop::new(client.id(), config, transform, producer))
            }
            (_, _, Some(writes), _) => {
                Application::DbWriter(DbWriter::new(client.id(), config, writes))
            }
            (_, _, _, Some(sink)) => {
                Application::SinkTask(SinkTask::new(client.id(), config, sink))
            }
            _ => Application::ProcessLoop(ProcessLoop::new(client.id(), config)),
        };
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
    pub fn app(&self) -> &Application {
        &self.app
    }

    /// Nothing left to do until new data arrives: the client idle in a stable group, the
    /// application with nothing waiting.
    pub fn is_idle(&self) -> bool {
        // A sink task with offsets still to flush is not done: its flush timer will commit them.
        let flushed = !matches!(self.app, Application::SinkTask(_))
            || self.client.uncommitted_positions().is_empty();
        self.client.is_idle() && self.app.is_idle() && flushed
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
        match (&mut self.app, message) {
            (Application::DbWriter(app), answer @ Message::DbResponse { .. }) => {
                app.on_message(now, answer, &mut self.client, out)
            }
            (Application::SinkTask(app), answer @ Message::DbResponse { .. }) => {
                app.on_message(now, answer, &mut self.client, out)
            }
            (_, message) => self.client.on_message(now, message, out),
        }
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

    /// A call from the process's other client (a transform loop's producer).
    pub fn on_call(&mut self, now: SimTime, call: LocalCall, out: &mut Out) {
        if let Application::Transform(app) = &mut self.app {
            app.on_call(now, call, &mut self.client, out);
        }
        self.hand_returns_to_app(now, out);
    }

    fn hand_returns_to_app(&mut self, now: SimTime, out: &mut Out) {
        while let Some(polled) = self.client.take_poll_return() {
            self.app.on_poll(now, polled, &mut self.client, out);
        }
    }
}
