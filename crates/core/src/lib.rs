//! The domain of tiendo: agencies, directive documents, tasks, deadlines,
//! assignments, their events, and status as of any date. Pure Rust: no IO, no
//! database, no HTTP. Every rule lives here once, with its tests.

pub mod agency;
pub mod axis;
pub mod chain;
pub mod clarity;
pub mod dbquality;
pub mod deadline;
pub mod indicator;
pub mod letter;
pub mod model;
pub mod notify;
pub mod period;
pub mod policy;
pub mod printed;
pub mod ranking;
pub mod repeat;
pub mod report;
pub mod scoring;
pub mod snippet;
pub mod status;
pub mod text;
pub mod time;
