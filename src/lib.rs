//! mlgate: CI gates for ML systems.
//!
//! Data flows one way: `config` and `data` feed the `gates` (and, later, the rubric),
//! which produce one [`results::Results`]; `render` turns it into reports and the CLI
//! writes them. Gates never print; renderers never compute; the exit code comes from the
//! verdict in the results, never from a renderer.

pub mod cleanup;
pub mod cli;
pub mod codes;
pub mod config;
pub mod data;
pub mod diag;
pub mod error;
pub mod exit;
pub mod gates;
pub mod git;
pub mod github;
pub mod output;
pub mod paths;
pub mod profile;
pub mod provenance;
pub mod release;
pub mod render;
pub mod results;
pub mod review;
pub mod rubric;
pub mod run;
pub mod sign;
pub mod stats;
pub mod text;
pub mod timeparse;
pub mod ui;
pub mod warehouse;
