//! The canary gate's settings: the one place their defaults live, and its reviewable knobs.

use crate::gates::knobs::{Knob, KnobValue, Looser, Reviewed};
use crate::results::Levels;

/// How the two files relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Both models scored the same requests: rows pair (on the key, or by position).
    Shadow,
    /// Traffic was split at random: two independent samples.
    Canary,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Shadow => "shadow",
            Mode::Canary => "canary",
        }
    }
}

/// Everything the gate needs besides the two files.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub mode: Mode,
    /// The request id shadow rows pair on; `None` in shadow mode pairs by position.
    pub key: Option<String>,
    /// Column names in both files.
    pub score: String,
    pub label: Option<String>,
    pub latency: Option<String>,
    pub error: Option<String>,
    /// A score at or above it is a positive decision.
    pub threshold: f64,
    /// Error rate of every test and interval (two-sided intervals at 1 − alpha).
    pub alpha: f64,
    /// Always-valid intervals (confidence sequences) for repeated looks.
    pub sequential: bool,
    /// Rows per arm the confidence sequences are tightest at.
    pub planned: u64,
    /// Under `sequential`, the looks the fixed-sample tests (KS, ECE, AUC, latency) share
    /// alpha over (Bonferroni).
    pub looks: u64,
    /// PSI levels of the score distribution, applied when KS is significant.
    pub psi: Levels,
    pub bins: usize,
    /// Allowed harm of the candidate against the champion, per check.
    pub max_disagreement: f64,
    pub max_decision_rate_change: f64,
    pub max_brier_increase: f64,
    pub max_ece_increase: f64,
    pub max_auc_drop: f64,
    pub max_accuracy_drop: f64,
    /// Allowed relative increase of p99 latency (0.2: 20% slower).
    pub max_latency_increase: f64,
    pub max_error_rate_increase: f64,
    /// Largest share of shadow rows without a partner.
    pub max_unpaired: Levels,
    /// Below this many rows (per arm, or labelled rows) a check waits.
    pub min_rows: u64,
    /// Warn when the outcome coverage of one decision is below this share of the other's
    /// (a feedback loop); 0 turns the check off.
    pub min_coverage_ratio: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            mode: Mode::Shadow,
            key: None,
            score: "score".into(),
            label: None,
            latency: None,
            error: None,
            threshold: 0.5,
            alpha: 0.05,
            sequential: false,
            planned: 100_000,
            looks: 20,
            psi: Levels::new(Some(0.1), Some(0.25)),
            bins: 10,
            max_disagreement: 0.1,
            max_decision_rate_change: 0.05,
            max_brier_increase: 0.005,
            max_ece_increase: 0.02,
            max_auc_drop: 0.01,
            max_accuracy_drop: 0.01,
            max_latency_increase: 0.2,
            max_error_rate_increase: 0.005,
            max_unpaired: Levels::new(Some(0.01), Some(0.05)),
            min_rows: 100,
            min_coverage_ratio: 0.5,
        }
    }
}

impl Settings {
    /// What `thresholds.values` records in the results.
    pub fn record(&self) -> serde_json::Value {
        serde_json::json!({
            "mode": self.mode.as_str(),
            "threshold": self.threshold,
            "alpha": self.alpha,
            "sequential": self.sequential,
            "planned": self.planned,
            "looks": self.looks,
            "psi": self.psi,
            "max_disagreement": self.max_disagreement,
            "max_decision_rate_change": self.max_decision_rate_change,
            "max_brier_increase": self.max_brier_increase,
            "max_ece_increase": self.max_ece_increase,
            "max_auc_drop": self.max_auc_drop,
            "max_accuracy_drop": self.max_accuracy_drop,
            "max_latency_increase": self.max_latency_increase,
            "max_error_rate_increase": self.max_error_rate_increase,
            "max_unpaired": self.max_unpaired,
            "min_rows": self.min_rows,
            "min_coverage_ratio": self.min_coverage_ratio,
        })
    }
}

impl Reviewed for Settings {
    fn knobs(&self) -> Vec<Knob> {
        let mut k = vec![
            Knob::text("mode", self.mode.as_str(), Looser::Unranked),
            Knob::num("threshold", Some(self.threshold), Looser::Unranked),
            // A larger alpha decides sooner with more false alarms both ways: unranked.
            Knob::num("alpha", Some(self.alpha), Looser::Unranked),
            // Fixed-sample intervals checked at every step alarm and promote too easily.
            Knob::new("sequential", KnobValue::Flag(self.sequential), Looser::When(false)),
            Knob::num("planned", Some(self.planned as f64), Looser::Unranked),
            Knob::num("looks", Some(self.looks as f64), Looser::Lower),
        ];
        k.extend(Knob::levels("psi", &self.psi));
        for (key, v) in [
            ("max_disagreement", self.max_disagreement),
            ("max_decision_rate_change", self.max_decision_rate_change),
            ("max_brier_increase", self.max_brier_increase),
            ("max_ece_increase", self.max_ece_increase),
            ("max_auc_drop", self.max_auc_drop),
            ("max_accuracy_drop", self.max_accuracy_drop),
            ("max_latency_increase", self.max_latency_increase),
            ("max_error_rate_increase", self.max_error_rate_increase),
        ] {
            k.push(Knob::num(key, Some(v), Looser::Higher));
        }
        k.extend(Knob::levels("max_unpaired", &self.max_unpaired));
        k.push(Knob::num("min_rows", Some(self.min_rows as f64), Looser::Unranked));
        k.push(Knob::num("min_coverage_ratio", Some(self.min_coverage_ratio), Looser::Lower));
        k
    }
}
