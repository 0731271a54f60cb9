//! Applications: the code that drives Kafka's clients — what it sends and when, how it processes
//! what it reads, when it commits — kept apart from the clients themselves (`producer`,
//! `consumer`), which implement Kafka's protocol. A new kind of application (a
//! consume-transform-produce processor, a database writer, a Connect sink task) is a new module
//! here driving the same clients.
//!
//! - [`send_loop`]: the producer application of every scenario so far — `records` records, one
//!   every `interval_ms` from `start_ms`, keyed `k0 … k(keys−1)` in turn — and what it does after a
//!   crash (send again what it never saw answered).

pub mod send_loop;
