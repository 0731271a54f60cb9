//! The checker: what happened to every record, and whether Kafka's invariants held.
//!
//! - [`claims`]: a lesson step's claims, checked against what the page draws at its moment;
//! - [`fates`]: one index of every record's fate, updated as the run goes (the one truth the
//!   report and the page read);
//! - [`history`]: what the final state cannot tell (time offline);
//! - [`report`]: the outcome report, Jepsen-style, read off the fates;
//! - [`invariants`]: Kafka's invariants, checked after every step by tests and by
//!   `kafkascope-sim run --check`.

pub mod claims;
pub mod fates;
pub mod history;
pub mod invariants;
pub mod report;
