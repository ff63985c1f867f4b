//! The leakage gate's settings: the one place their defaults live, and its reviewable
//! knobs.

use crate::data::time::TimeOptions;
use crate::gates::knobs::{Knob, KnobValue, Looser, Reviewed};

/// Everything the gate needs besides the data.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub label: Option<String>,
    pub entity: Option<String>,
    pub timestamp: Option<String>,
    /// Whether the split is declared temporal.
    pub temporal: bool,
    /// Minimum time between the end of training and the start of test, in µs.
    pub gap_us: i64,
    /// (feature, column holding the time that feature's value was observed).
    pub observed_at: Vec<(String, String)>,
    pub time: TimeOptions,
    /// Explicit feature list; default: every column without a role.
    pub features: Option<Vec<String>>,
    /// Columns that are never features (ignored, prediction, …).
    pub exclude: Vec<String>,
    /// Largest allowed share of test entities also in train.
    pub max_entity_overlap: f64,
    /// Largest allowed excess of the share of test rows repeating a training row over the
    /// share of training rows repeating another training row (what coincidence gives).
    pub max_duplicate_share: f64,
    /// Largest allowed share of rows with a feature observed after the as-of time.
    pub max_point_in_time_share: f64,
    /// Bound on max(AUC, 1 − AUC) of a single feature.
    pub target_auc: f64,
    /// Bound on |Spearman ρ| for a numeric label.
    pub target_rho: f64,
    /// Confidence level of the duplicate-excess interval.
    pub level: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            label: None,
            entity: None,
            timestamp: None,
            temporal: false,
            gap_us: 0,
            observed_at: vec![],
            time: TimeOptions::default(),
            features: None,
            exclude: vec![],
            max_entity_overlap: 0.0,
            max_duplicate_share: 0.0,
            max_point_in_time_share: 0.0,
            target_auc: 0.99,
            target_rho: 0.99,
            level: 0.95,
        }
    }
}

impl Settings {
    /// What `thresholds.values` records in the results.
    pub fn record(&self) -> serde_json::Value {
        serde_json::json!({
            "target_auc": self.target_auc,
            "target_rho": self.target_rho,
            "max_entity_overlap": self.max_entity_overlap,
            "max_duplicate_share": self.max_duplicate_share,
            "max_point_in_time_share": self.max_point_in_time_share,
            "temporal": self.temporal,
            "gap_seconds": self.gap_us as f64 / 1e6,
            "confidence": self.level,
        })
    }
}

impl Reviewed for Settings {
    fn knobs(&self) -> Vec<Knob> {
        let pairs = self.observed_at.iter().map(|(f, c)| format!("{f}={c}")).collect();
        vec![
            Knob::num("max_entity_overlap", Some(self.max_entity_overlap), Looser::Higher),
            Knob::num("max_duplicate_share", Some(self.max_duplicate_share), Looser::Higher),
            Knob::num("max_point_in_time_share", Some(self.max_point_in_time_share), Looser::Higher),
            Knob::num("target_auc", Some(self.target_auc), Looser::Higher),
            Knob::num("target_rho", Some(self.target_rho), Looser::Higher),
            Knob::num("confidence", Some(self.level), Looser::Higher),
            // In seconds: a shorter gap between training and test is looser.
            Knob::num("gap", Some(self.gap_us as f64 / 1e6), Looser::Lower),
            Knob::text(
                "split",
                if self.temporal { "temporal" } else { "random" },
                Looser::Order(&["temporal", "random"]),
            ),
            Knob::new("observed_at", KnobValue::List(Some(pairs)), Looser::Fewer),
            Knob::new("features", KnobValue::List(self.features.clone()), Looser::Fewer),
        ]
    }
}
