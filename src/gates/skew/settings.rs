//! The skew gate's settings: the one place their defaults live, and its reviewable knobs.

use std::collections::BTreeMap;

use crate::data::time::TimeOptions;
use crate::gates::knobs::{Knob, KnobValue, Looser, Reviewed};
use crate::results::Levels;

/// How one feature's values are compared.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tolerance {
    /// Largest allowed share of joined rows whose values differ.
    pub max_mismatch: Levels,
    /// Numbers equal when |offline − online| ≤ abs + rel × max(|offline|, |online|).
    pub abs: f64,
    pub rel: f64,
}

/// A feature's own levels and tolerances (`[gates.skew.features.NAME]`); unset keys fall
/// back to the gate's.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Override {
    pub max_mismatch: Option<Levels>,
    pub abs: Option<f64>,
    pub rel: Option<f64>,
}

/// Everything the gate needs besides the two tables.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Columns joined exactly (an event or request id, or an entity id). Empty: no key, the
    /// sides are compared as distributions.
    pub key: Vec<String>,
    /// A timestamp column joined within `within_us` (with `key` as the entity).
    pub time: Option<String>,
    /// Largest time difference of a joined pair, in µs.
    pub within_us: i64,
    /// How naive timestamps and epoch numbers are read.
    pub time_options: TimeOptions,
    /// (online name, offline name): online columns renamed before matching by name.
    pub rename: Vec<(String, String)>,
    /// Explicit feature list; default: every column both sides have, roles aside.
    pub columns: Option<Vec<String>>,
    /// Columns that are never compared (roles, ignored, excluded).
    pub exclude: Vec<String>,
    /// Gate-level tolerance and mismatch levels.
    pub tolerance: Tolerance,
    pub overrides: BTreeMap<String, Override>,
    /// Largest share of online rows without an offline partner.
    pub max_unmatched_online: Levels,
    /// Largest share of offline rows without an online partner (unset: the offline table
    /// may hold more entities than were served).
    pub max_unmatched_offline: Levels,
    /// Largest share of rows (on either side) left out for an ambiguous key.
    pub max_duplicates: Levels,
    /// Distribution-level levels: L∞ distance of category shares.
    pub linf: Levels,
    /// Distribution-level levels: Jensen–Shannon distance over quantile bins.
    pub js: Levels,
    /// Quantile bins for the distribution-level comparison of numbers.
    pub bins: usize,
    /// Below this many joined rows a feature's mismatch share is not judged.
    pub min_rows: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            key: vec![],
            time: None,
            within_us: 0,
            time_options: TimeOptions::default(),
            rename: vec![],
            columns: None,
            exclude: vec![],
            // rel 1e-6 is about 17 float32 ulps: a float32 round trip passes, a real
            // difference in the sixth significant digit does not.
            tolerance: Tolerance { max_mismatch: Levels::new(None, Some(0.001)), abs: 1e-9, rel: 1e-6 },
            overrides: BTreeMap::new(),
            max_unmatched_online: Levels::new(Some(0.01), Some(0.05)),
            max_unmatched_offline: Levels::new(None, None),
            max_duplicates: Levels::new(Some(0.0), Some(0.01)),
            linf: Levels::new(Some(0.05), Some(0.1)),
            js: Levels::new(Some(0.1), Some(0.2)),
            bins: 10,
            min_rows: 1,
        }
    }
}

impl Settings {
    /// The tolerance that applies to `feature`.
    pub fn tolerance_of(&self, feature: &str) -> Tolerance {
        let t = self.tolerance;
        match self.overrides.get(feature) {
            Some(o) => Tolerance {
                max_mismatch: t.max_mismatch.overridden(o.max_mismatch.as_ref()),
                abs: o.abs.unwrap_or(t.abs),
                rel: o.rel.unwrap_or(t.rel),
            },
            None => t,
        }
    }

    /// What `thresholds.values` records in the results.
    pub fn record(&self) -> serde_json::Value {
        let t = &self.tolerance;
        let overrides: BTreeMap<&String, serde_json::Value> = self
            .overrides
            .keys()
            .map(|f| {
                let o = self.tolerance_of(f);
                (f, serde_json::json!({ "max_mismatch": o.max_mismatch, "abs": o.abs, "rel": o.rel }))
            })
            .collect();
        serde_json::json!({
            "max_mismatch": t.max_mismatch,
            "abs": t.abs,
            "rel": t.rel,
            "max_unmatched_online": self.max_unmatched_online,
            "max_unmatched_offline": self.max_unmatched_offline,
            "max_duplicates": self.max_duplicates,
            "within_seconds": self.within_us as f64 / 1e6,
            "linf": self.linf,
            "js": self.js,
            "features": overrides,
        })
    }
}

impl Reviewed for Settings {
    fn knobs(&self) -> Vec<Knob> {
        let t = &self.tolerance;
        let mut k = Vec::new();
        k.extend(Knob::levels("max_mismatch", &t.max_mismatch));
        k.push(Knob::num("abs", Some(t.abs), Looser::Higher));
        k.push(Knob::num("rel", Some(t.rel), Looser::Higher));
        k.extend(Knob::levels("max_unmatched_online", &self.max_unmatched_online));
        k.extend(Knob::levels("max_unmatched_offline", &self.max_unmatched_offline));
        k.extend(Knob::levels("max_duplicates", &self.max_duplicates));
        k.extend(Knob::levels("linf", &self.linf));
        k.extend(Knob::levels("js", &self.js));
        // A wider time window pairs rows that are further apart.
        k.push(Knob::num("within", Some(self.within_us as f64 / 1e6), Looser::Unranked));
        k.push(Knob::new("key", KnobValue::List(Some(self.key.clone())), Looser::Unranked));
        k.push(Knob::new("columns", KnobValue::List(self.columns.clone()), Looser::Fewer));
        k.push(Knob::num("min_rows", Some(self.min_rows as f64), Looser::Higher));
        for (f, o) in &self.overrides {
            if let Some(l) = o.max_mismatch {
                for (level, v) in [("warn", l.warn), ("fail", l.fail)] {
                    if v.is_some() {
                        let key = format!("max_mismatch.{level}");
                        k.push(Knob::num(format!("features.{f}.{key}"), v, Looser::Higher).fallback(key));
                    }
                }
            }
            for (key, v) in [("abs", o.abs), ("rel", o.rel)] {
                if v.is_some() {
                    k.push(Knob::num(format!("features.{f}.{key}"), v, Looser::Higher).fallback(key));
                }
            }
        }
        k
    }
}
