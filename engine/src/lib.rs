//! # kafkascope-engine
//!
//! A deterministic, discrete-event simulation of Apache Kafka's delivery guarantees: brokers and
//! partition logs, producers with `acks` and retries, consumers in groups with offset commits, and
//! the network between them — the rules of `docs/kafka-model.md`, executed, so that every outcome
//! the visualizer shows follows from Kafka's rules rather than from a script.
//!
//! The shape (see the README's architecture section):
//!
//! ```text
//! Scenario ──► Simulation (event queue, one seeded RNG, network, actors) ──► trace + outcome report
//!                     ▲                                                       │
//!                     └──── Timeline: checkpoints + re-simulation for seeking ┘
//! ```
//!
//! The crate has no browser, wall-clock or thread dependency and builds identically for wasm32.

pub mod action;
pub mod action_file;
pub mod app;
pub mod assignor;
pub mod broker;
pub mod check;
pub mod chunked;
pub mod client_metadata;
pub mod consumer;
pub mod controller;
pub mod coordinator;
pub mod database;
pub mod effect;
pub mod flat;
pub mod ids;
pub mod log;
pub mod message;
pub mod metadata;
pub mod network;
pub mod ordered;
pub mod placement;
pub mod producer;
pub mod queue;
pub mod requests;
pub mod rng;
pub mod run;
pub mod scenario;
pub mod session;
pub mod sim;
pub mod time;
pub mod timeline;
pub mod trace;
pub mod view;

pub use action::Action;
pub use check::{history, report};
pub use coordinator::group as group_coordinator;
pub use ids::{NodeId, RecordId, TopicPartition};
pub use report::OutcomeReport;
pub use scenario::{Scenario, ScenarioError};
pub use sim::{EndReason, Simulation};
pub use time::{SimDuration, SimTime};
pub use timeline::Timeline;
pub use trace::{trace_hash, TraceEvent, TraceHasher, TraceKind};
