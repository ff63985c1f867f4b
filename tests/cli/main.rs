//! The integration tests: one test binary (so polars is linked once), one module per area.
//! Each module drives the real `mlgate` binary in a sandbox folder (see `common`).

mod common;

mod action;
mod architecture;
mod automation;
mod bad_input;
mod canary;
mod drift;
mod drift_kinds;
mod engines;
mod example;
mod fuzz;
mod fuzz_targets;
mod github;
mod golden;
mod install;
mod leakage;
mod model_gates;
mod pushdown;
mod readme;
mod release;
mod reports;
mod rubric;
mod runs;
mod skew;
mod thresholds;
