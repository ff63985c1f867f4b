//! The gates: a closed set of kinds, each a folder with one owner for its settings.
//!
//! Every gate `<kind>/` has the same parts:
//! - `mod.rs`: the pure `run` — loaded data and settings in, a [`GateResult`] out; no file
//!   system, environment or terminal (loading is `run/`'s job);
//! - `cfg.rs`: the raw `[gates.<kind>]` table as written, its validation (every semantic
//!   problem located at file:line:col) and its conversion into a validated spec;
//! - `settings.rs`: the `Settings` type, whose `Default` is the only place a default
//!   lives, and the knobs the threshold review compares;
//! - `codes.rs`: the closed enum of the gate's check codes with their descriptions.
//!
//! The ad hoc `mlgate gate <kind>` flags build the same raw tables as mlgate.toml, so both
//! share validation and merge rules.

pub mod baseline;
pub mod cfg;
pub mod columns;
pub mod drift;
pub mod knobs;
pub mod leakage;
pub mod model;
pub mod model_codes;
pub mod schema;
pub mod slices;

use crate::codes::{CheckCode, listing};
use crate::results::GateKind;
use knobs::{Knob, Reviewed};

/// One validated, enabled gate of a configuration (or of an ad hoc run). A handful exist
/// per run, so the size difference between variants costs nothing worth boxing for.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum GateSpec {
    Schema(schema::cfg::Spec),
    Leakage(leakage::cfg::Spec),
    Slices(slices::cfg::Spec),
    Baseline(baseline::cfg::Spec),
    Drift(drift::cfg::Spec),
}

impl GateSpec {
    pub fn kind(&self) -> GateKind {
        match self {
            GateSpec::Schema(_) => GateKind::Schema,
            GateSpec::Leakage(_) => GateKind::Leakage,
            GateSpec::Slices(_) => GateKind::Slices,
            GateSpec::Baseline(_) => GateKind::Baseline,
            GateSpec::Drift(_) => GateKind::Drift,
        }
    }

    /// The settings the threshold review compares, each marked with its default.
    pub fn knobs(&self) -> Vec<Knob> {
        match self {
            GateSpec::Schema(s) => s.knobs(),
            GateSpec::Leakage(s) => knobs::with_defaults(s.knobs(), &leakage::Settings::default().knobs()),
            GateSpec::Slices(s) => knobs::with_defaults(s.knobs(), &slices::Settings::default().knobs()),
            GateSpec::Baseline(s) => knobs::with_defaults(s.knobs(), &baseline::Settings::default().knobs()),
            GateSpec::Drift(s) => knobs::with_defaults(s.knobs(), &drift::Settings::default().knobs()),
        }
    }
}

/// `(code, description)` of every check code the gates emit, gate by gate.
pub fn codes() -> Vec<(&'static str, &'static str)> {
    let mut out: Vec<(&str, &str)> = Vec::new();
    out.extend(listing::<schema::codes::Code>());
    out.extend(listing::<drift::codes::Code>());
    out.extend(listing::<leakage::codes::Code>());
    out.extend(listing::<slices::codes::Code>());
    out.extend(listing::<baseline::codes::Code>());
    out.extend(listing::<model_codes::Code>());
    out
}

/// Whether a code belongs to a gate kind's enum (for tests and docs).
pub fn code_of_kind(kind: GateKind, code: &str) -> bool {
    fn has<C: CheckCode>(code: &str) -> bool {
        C::ALL.iter().any(|c| c.as_str() == code)
    }
    match kind {
        GateKind::Schema => has::<schema::codes::Code>(code),
        GateKind::Drift => has::<drift::codes::Code>(code),
        GateKind::Leakage => has::<leakage::codes::Code>(code),
        GateKind::Slices => has::<slices::codes::Code>(code) || has::<model_codes::Code>(code),
        GateKind::Baseline => has::<baseline::codes::Code>(code) || has::<model_codes::Code>(code),
        GateKind::Thresholds => false,
    }
}
