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
pub mod canary;
pub mod cfg;
pub mod columns;
pub mod drift;
pub mod feedback;
pub mod knobs;
pub mod leakage;
pub mod model;
pub mod model_codes;
pub mod schema;
pub mod skew;
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
    Skew(skew::cfg::Spec),
    Canary(canary::cfg::Spec),
}

impl GateSpec {
    pub fn kind(&self) -> GateKind {
        match self {
            GateSpec::Schema(_) => GateKind::Schema,
            GateSpec::Leakage(_) => GateKind::Leakage,
            GateSpec::Slices(_) => GateKind::Slices,
            GateSpec::Baseline(_) => GateKind::Baseline,
            GateSpec::Drift(_) => GateKind::Drift,
            GateSpec::Skew(_) => GateKind::Skew,
            GateSpec::Canary(_) => GateKind::Canary,
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
            GateSpec::Skew(s) => knobs::with_defaults(s.knobs(), &skew::Settings::default().knobs()),
            GateSpec::Canary(s) => knobs::with_defaults(s.knobs(), &canary::Settings::default().knobs()),
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
    out.extend(listing::<skew::codes::Code>());
    out.extend(listing::<canary::codes::Code>());
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
        GateKind::Skew => has::<skew::codes::Code>(code),
        GateKind::Canary => has::<canary::codes::Code>(code),
        GateKind::Thresholds => false,
    }
}

/// The default of every reviewable setting, as the Markdown table the README shows (a
/// test keeps the two equal). Keys that repeat per metric are folded into one row.
pub fn defaults_table() -> String {
    use knobs::{KnobValue, Looser};
    let gates: [(GateKind, Vec<Knob>); 6] = [
        (GateKind::Leakage, leakage::Settings::default().knobs()),
        (GateKind::Slices, slices::Settings::default().knobs()),
        (GateKind::Baseline, baseline::Settings::default().knobs()),
        (GateKind::Drift, drift::Settings::default().knobs()),
        (GateKind::Skew, skew::Settings::default().knobs()),
        (GateKind::Canary, canary::Settings::default().knobs()),
    ];
    let mut out = String::from("| gate | key | default | looser when |\n|---|---|---|---|\n");
    for (kind, knobs) in gates {
        let mut seen: Vec<String> = Vec::new();
        for k in &knobs {
            let prefix = k.key.split('.').next().unwrap_or(&k.key);
            let family: Vec<&Knob> = knobs.iter().filter(|o| o.key.starts_with(&format!("{prefix}."))).collect();
            let folded = family.len() > 4 && family.iter().all(|o| o.value == k.value);
            let key = if folded { format!("{prefix}.<metric>") } else { k.key.clone() };
            if seen.contains(&key) {
                continue;
            }
            seen.push(key.clone());
            let value = match &k.value {
                KnobValue::Num(None) | KnobValue::Text(None) => "none".to_string(),
                KnobValue::List(None) => "all".to_string(),
                KnobValue::List(Some(v)) if v.is_empty() => "none".to_string(),
                v => v.show(),
            };
            let looser = match k.looser {
                Looser::Higher => "higher".to_string(),
                Looser::Lower => "lower".to_string(),
                Looser::When(b) => format!("`{b}`"),
                Looser::Fewer => "fewer entries".to_string(),
                Looser::More => "more entries".to_string(),
                Looser::Order(o) => format!("later in {}", o.join(" → ")),
                Looser::Unranked => "any change".to_string(),
            };
            out.push_str(&format!("| {kind} | `{key}` | {value} | {looser} |\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_well_formed_and_named_by_their_gate() {
        let mut all = codes();
        all.extend(listing::<crate::review::codes::Code>());
        let mut seen = std::collections::HashSet::new();
        let shape = regex::Regex::new(r"^[a-z]+\.[a-z0-9-]+$").unwrap();
        for (c, d) in &all {
            assert!(seen.insert(*c), "duplicate code {c}");
            assert!(shape.is_match(c), "{c}");
            assert!(d.ends_with('.'), "{c}: the description should be a sentence");
        }
        for kind in GateKind::CONFIGURED {
            for (c, _) in codes().iter().filter(|(c, _)| c.starts_with(&format!("{kind}."))) {
                assert!(code_of_kind(kind, c), "{c} is not in the {kind} gate's enum");
            }
        }
    }

    #[test]
    fn knob_keys_are_unique_per_gate() {
        let text = "[data]\nt = \"t.csv\"\n[columns]\nlabel = \"y\"\n\
                    [gates.schema]\nschema = \"s.json\"\n[gates.drift]\nreference = \"t\"\ncurrent = \"t\"\n\
                    [gates.leakage]\ntrain = \"t\"\n[gates.slices]\npredictions = \"t\"\nby = [\"a\"]\n\
                    [gates.baseline]\ncandidate = \"t\"\nbaseline = \"trivial\"\n\
                    [gates.skew]\noffline = \"t\"\nonline = \"t\"\nkey = \"id\"\n\
                    [gates.canary]\nchampion = \"t\"\ncandidate = \"t\"\nkey = \"id\"\n";
        let specs = crate::config::gates_of_text(text).unwrap();
        assert_eq!(specs.len(), 7);
        for (kind, spec) in specs {
            let knobs = spec.unwrap().knobs();
            let mut keys = std::collections::HashSet::new();
            for k in &knobs {
                assert!(keys.insert(k.key.clone()), "{kind}: knob {} listed twice", k.key);
            }
        }
    }
}
