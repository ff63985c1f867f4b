//! `[gates.canary]` as written, its validation (every problem located) and its conversion
//! into [`Settings`]. `mlgate gate canary` builds the same table from flags.

use serde::Deserialize;
use toml::Spanned;

use super::settings::{Mode, Settings};
use crate::diag::Problems;
use crate::gates::cfg::{
    Cx, Spans, check_count, check_finite, check_levels, check_non_negative, check_open, get, span,
};
use crate::gates::knobs::{Knob, Reviewed};
use crate::results::Levels;

/// The table name problems are reported under.
pub const TABLE: &str = "[gates.canary]";

/// `[gates.canary]`: the candidate's logged answers against the champion's.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    #[serde(default = "crate::gates::cfg::on")]
    pub enabled: bool,
    /// The champion's predictions log (a [data] or [predictions] name).
    pub champion: Spanned<String>,
    /// The candidate's predictions log.
    pub candidate: Spanned<String>,
    /// `shadow` (the same requests) or `canary` (randomly split traffic); default: shadow
    /// with a key, canary without.
    pub mode: Option<Spanned<String>>,
    /// The request id shadow rows pair on.
    pub key: Option<Spanned<String>>,
    pub score: Option<Spanned<String>>,
    pub label: Option<Spanned<String>>,
    pub latency: Option<Spanned<String>>,
    pub error: Option<Spanned<String>>,
    pub threshold: Option<Spanned<f64>>,
    pub alpha: Option<Spanned<f64>>,
    pub sequential: Option<bool>,
    pub planned: Option<Spanned<u64>>,
    pub looks: Option<Spanned<u64>>,
    pub psi: Option<Spanned<Levels>>,
    pub bins: Option<Spanned<u64>>,
    pub max_disagreement: Option<Spanned<f64>>,
    pub max_decision_rate_change: Option<Spanned<f64>>,
    pub max_brier_increase: Option<Spanned<f64>>,
    pub max_ece_increase: Option<Spanned<f64>>,
    pub max_auc_drop: Option<Spanned<f64>>,
    pub max_accuracy_drop: Option<Spanned<f64>>,
    pub max_latency_increase: Option<Spanned<f64>>,
    pub max_error_rate_increase: Option<Spanned<f64>>,
    pub max_unpaired: Option<Spanned<Levels>>,
    pub min_rows: Option<Spanned<u64>>,
    pub min_coverage_ratio: Option<Spanned<f64>>,
}

impl Raw {
    /// A table comparing `candidate` with `champion` and setting nothing else.
    pub fn new(champion: Spanned<String>, candidate: Spanned<String>) -> Raw {
        Raw {
            enabled: true,
            champion,
            candidate,
            mode: None,
            key: None,
            score: None,
            label: None,
            latency: None,
            error: None,
            threshold: None,
            alpha: None,
            sequential: None,
            planned: None,
            looks: None,
            psi: None,
            bins: None,
            max_disagreement: None,
            max_decision_rate_change: None,
            max_brier_increase: None,
            max_ece_increase: None,
            max_auc_drop: None,
            max_accuracy_drop: None,
            max_latency_increase: None,
            max_error_rate_increase: None,
            max_unpaired: None,
            min_rows: None,
            min_coverage_ratio: None,
        }
    }
}

/// A validated `[gates.canary]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    pub champion: Spanned<String>,
    pub candidate: Spanned<String>,
    pub settings: Settings,
    /// Where the columns the gate reads were named.
    pub spans: Spans,
}

impl Raw {
    fn margins(&self) -> [(&'static str, &Option<Spanned<f64>>); 8] {
        [
            ("max_disagreement", &self.max_disagreement),
            ("max_decision_rate_change", &self.max_decision_rate_change),
            ("max_brier_increase", &self.max_brier_increase),
            ("max_ece_increase", &self.max_ece_increase),
            ("max_auc_drop", &self.max_auc_drop),
            ("max_accuracy_drop", &self.max_accuracy_drop),
            ("max_latency_increase", &self.max_latency_increase),
            ("max_error_rate_increase", &self.max_error_rate_increase),
        ]
    }

    pub fn validate(&self, cx: &Cx<'_>, p: &mut Problems) -> Spec {
        cx.check_input(p, "champion", &self.champion);
        cx.check_input(p, "candidate", &self.candidate);
        let mut s =
            Settings { mode: if self.key.is_some() { Mode::Shadow } else { Mode::Canary }, ..Settings::default() };
        if let Some(m) = &self.mode {
            match m.get_ref().as_str() {
                "shadow" => s.mode = Mode::Shadow,
                "canary" => s.mode = Mode::Canary,
                other => p.add(
                    span(m),
                    "mode",
                    format!("{other:?} is not a mode"),
                    Some("\"shadow\" (the same requests) or \"canary\" (randomly split traffic)".into()),
                ),
            }
        }
        if let (Mode::Canary, Some(k)) = (s.mode, &self.key) {
            let hint = "a key pairs shadow rows; canary arms are independent samples: leave `key` out, or set mode = \"shadow\"";
            p.add(span(k), "key", "a canary's arms share no requests to pair on", Some(hint.into()));
        }
        for (k, v) in [
            ("key", &self.key),
            ("score", &self.score),
            ("label", &self.label),
            ("latency", &self.latency),
            ("error", &self.error),
        ] {
            if let Some(v) = v.as_ref().filter(|v| v.get_ref().trim().is_empty()) {
                p.add(span(v), k, "a column name cannot be empty", None);
            }
        }
        check_finite(p, "threshold", &self.threshold);
        check_open(p, "alpha", &self.alpha, 0.0, 0.5);
        check_count(p, "planned", &self.planned, 10, 1_000_000_000_000);
        check_count(p, "looks", &self.looks, 1, 10_000);
        check_count(p, "bins", &self.bins, 2, 100);
        // Zero rows would judge an empty arm.
        check_count(p, "min_rows", &self.min_rows, 1, 1_000_000_000);
        check_levels(p, "psi", &self.psi);
        check_levels(p, "max_unpaired", &self.max_unpaired);
        crate::gates::cfg::check_share(p, "min_coverage_ratio", &self.min_coverage_ratio);
        for (k, v) in self.margins() {
            check_non_negative(p, k, v);
        }
        let mut spans = cx.role_spans();
        for (k, v) in [
            ("key", &self.key),
            ("score", &self.score),
            ("label", &self.label),
            ("latency", &self.latency),
            ("error", &self.error),
        ] {
            if let Some(v) = v {
                spans.record(TABLE, k, v);
            }
        }
        self.fill(&mut s, cx);
        Spec { champion: self.champion.clone(), candidate: self.candidate.clone(), settings: s, spans }
    }

    /// Lays the table's keys and the column roles over the defaults.
    fn fill(&self, s: &mut Settings, cx: &Cx<'_>) {
        let name = |v: &Option<Spanned<String>>| v.as_ref().map(|x| x.get_ref().clone());
        s.key = name(&self.key);
        s.score = name(&self.score).or(cx.columns.score().map(str::to_string)).unwrap_or(s.score.clone());
        s.label = name(&self.label).or(cx.columns.label().map(str::to_string));
        s.latency = name(&self.latency);
        s.error = name(&self.error);
        s.threshold = get(&self.threshold).unwrap_or(s.threshold);
        s.alpha = get(&self.alpha).unwrap_or(s.alpha);
        s.sequential = self.sequential.unwrap_or(s.sequential);
        s.planned = get(&self.planned).unwrap_or(s.planned);
        s.looks = get(&self.looks).unwrap_or(s.looks);
        s.psi = s.psi.overridden(self.psi.as_ref().map(|l| l.get_ref()));
        s.bins = get(&self.bins).map(|b| b as usize).unwrap_or(s.bins);
        s.max_unpaired = s.max_unpaired.overridden(self.max_unpaired.as_ref().map(|l| l.get_ref()));
        s.min_rows = get(&self.min_rows).unwrap_or(s.min_rows);
        s.min_coverage_ratio = get(&self.min_coverage_ratio).unwrap_or(s.min_coverage_ratio);
        let d = Settings::default();
        s.max_disagreement = get(&self.max_disagreement).unwrap_or(d.max_disagreement);
        s.max_decision_rate_change = get(&self.max_decision_rate_change).unwrap_or(d.max_decision_rate_change);
        s.max_brier_increase = get(&self.max_brier_increase).unwrap_or(d.max_brier_increase);
        s.max_ece_increase = get(&self.max_ece_increase).unwrap_or(d.max_ece_increase);
        s.max_auc_drop = get(&self.max_auc_drop).unwrap_or(d.max_auc_drop);
        s.max_accuracy_drop = get(&self.max_accuracy_drop).unwrap_or(d.max_accuracy_drop);
        s.max_latency_increase = get(&self.max_latency_increase).unwrap_or(d.max_latency_increase);
        s.max_error_rate_increase = get(&self.max_error_rate_increase).unwrap_or(d.max_error_rate_increase);
    }
}

impl Reviewed for Spec {
    fn knobs(&self) -> Vec<Knob> {
        self.settings.knobs()
    }
}
