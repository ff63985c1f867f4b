//! Publishing to GitHub: the sticky pull-request comment and the commit status (API), and
//! the job summary, annotations and step outputs of an Actions step (`step`).
//!
//! Nothing else leaves the machine: no telemetry, no image hosting (charts in comments are
//! text; the HTML report travels as a workflow artifact).

pub mod api;
pub mod artifacts;
pub mod context;
pub mod publish;
pub mod reviews;
pub mod step;
