//! # Kafkascope (the Yew app)
//!
//! Plays back a run of [`kafkascope_engine`] as an animated SVG: message dots moving between
//! producers, brokers and consumers, partition logs with their offsets, high watermark and
//! committed offsets, and the outcome counters. The app never decides what Kafka does; it asks the
//! engine for the world at the playback time.

pub mod compare;
pub mod components;
pub mod export;
pub mod frame_stats;
pub mod i18n;
pub mod playback;
pub mod scenarios;
pub mod scene_model;
pub mod session;
pub mod toml_reader;
