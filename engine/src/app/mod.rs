//! Applications: the code that drives Kafka's clients — what it sends and when, how it processes
//! what it reads, when it commits — kept apart from the clients themselves (`producer`,
//! `consumer`), which implement Kafka's protocol. A new kind of application (a
//! consume-transform-produce processor, a database writer, a Connect sink task) is a new module
//! here driving the same clients.
//!
//! - [`process_loop`]: the consumer application of every scenario so far — process what `poll()`
//!   returned in the loop or on a worker thread, and commit (auto, or `commitSync`/`commitAsync`
//!   after processing); [`consumer_process`] puts it together with its consumer client as one
//!   node.
//! - [`transform_loop`]: the consume-transform-produce loop (exactly-once processing: results
//!   and consumed offsets in one transaction), driving a consumer and a transactional producer.
//! - [`db_writer`]: write each record as a row of a database table, then commit — where
//!   exactly-once ends, and the unique key or upsert that mends it.
//! - [`sink_task`]: a Kafka Connect sink task — a consumer in the connector's group that puts
//!   batches into a database table and commits every `offset.flush.interval.ms`: at-least-once,
//!   made harmless by an upsert on the record's key.
//! - [`send_loop`]: the producer application of every scenario so far — `records` records, one
//!   every `interval_ms` from `start_ms`, keyed `k0 … k(keys−1)` in turn — and what it does after a
//!   crash (send again what it never saw answered).

pub mod consumer_process;
pub mod db_writer;
pub mod inbox;
pub mod process_loop;
pub mod send_loop;
pub mod sink_task;
pub mod transform_loop;
