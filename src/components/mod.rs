//! The Yew components. They draw and drive; none of them decides what Kafka does.

pub mod app;
pub mod compare;
pub mod controls;
pub mod database_view;
pub mod embed;
pub mod error_panel;
pub mod events;
pub mod faults;
pub mod frame_description;
pub mod group_view;
pub mod icons;
pub mod keys;
pub mod legend;
pub mod lesson;
pub mod link_trouble;
pub mod outcome;
pub mod outcome_line;
pub mod player;
pub mod qr;
pub mod scenario_info;
pub mod scenario_picker;
pub mod scene;
pub mod settings;
pub mod share;
pub mod start_screen;
pub mod tables_side_by_side;
