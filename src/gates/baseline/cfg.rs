//! `[gates.baseline]` as written, its validation and its conversion into [`Settings`].
//! `mlgate gate baseline` builds the same table from flags.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::settings::Settings;
use crate::diag::Problems;
use crate::gates::cfg::{Cx, Spans, check_confidence, check_non_negative, get, metric, span};
use crate::gates::knobs::{Knob, Reviewed};
use crate::gates::model;
use crate::stats::metrics::{Metric, Task};

/// The table name problems are reported under.
pub const TABLE: &str = "[gates.baseline]";

/// The value of `baseline` that compares with a trivial model instead of a champion.
pub const TRIVIAL: &str = "trivial";

/// `[gates.baseline]`: the candidate against the champion (or a trivial model).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    #[serde(default = "crate::gates::cfg::on")]
    pub enabled: bool,
    /// The candidate's predictions (a [predictions] name).
    pub candidate: Spanned<String>,
    /// The champion's predictions, or "trivial" (class prior / majority / mean).
    pub baseline: Spanned<String>,
    /// Metrics to compare (default: roc_auc, macro_f1 or rmse by task).
    pub metrics: Option<Vec<Metric>>,
    /// Required improvement per metric: `{ roc_auc = 0.005 }`.
    #[serde(default)]
    pub min_improvement: BTreeMap<String, Spanned<f64>>,
    /// Accepted regression per metric: `{ log_loss = 0.01 }`.
    #[serde(default)]
    pub max_regression: BTreeMap<String, Spanned<f64>>,
    /// Confidence level of the intervals.
    pub confidence: Option<Spanned<f64>>,
    /// Bootstrap resamples.
    pub bootstrap: Option<usize>,
    /// Bootstrap seed.
    pub seed: Option<u64>,
    /// Also check the candidate beats a trivial model.
    pub trivial: Option<bool>,
    /// How much better than the trivial model the candidate must be shown to be.
    pub trivial_margin: Option<Spanned<f64>>,
    /// Classification threshold on the score.
    pub threshold: Option<Spanned<f64>>,
    /// The positive class when the label is not 0/1, true/false or yes/no.
    pub positive: Option<String>,
    /// Force the task instead of inferring it from the label.
    pub task: Option<Task>,
}

/// A validated `[gates.baseline]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    pub candidate: Spanned<String>,
    /// `None`: a trivial baseline.
    pub baseline: Option<Spanned<String>>,
    pub settings: Settings,
    pub spans: Spans,
}

impl Raw {
    pub fn validate(&self, cx: &Cx<'_>, p: &mut Problems) -> Spec {
        cx.check_input(p, "candidate", &self.candidate);
        let trivial = self.baseline.get_ref() == TRIVIAL;
        if !trivial {
            cx.check_input(p, "baseline", &self.baseline);
        }
        let mut s = Settings {
            predictions: model::pred_spec(cx, span(&self.candidate), &self.threshold, &self.positive, self.task, p),
            entity: cx.columns.entity().map(str::to_string),
            metrics: self.metrics.clone().unwrap_or_default(),
            ..Default::default()
        };
        s.min_improvement = requirements(p, "min_improvement", &self.min_improvement);
        s.max_regression = requirements(p, "max_regression", &self.max_regression);
        for (k, v) in &self.min_improvement {
            if self.max_regression.contains_key(k) {
                p.add(
                    span(v),
                    &format!("min_improvement.{k}"),
                    "is set together with max_regression",
                    Some("give one requirement per metric".into()),
                );
            }
        }
        check_confidence(p, "confidence", &self.confidence);
        if let Some(v) = get(&self.confidence) {
            s.level = v;
        }
        if let Some(v) = self.bootstrap {
            s.bootstrap = v;
        }
        if let Some(v) = self.seed {
            s.seed = v;
        }
        if let Some(v) = self.trivial {
            s.trivial_check = v;
        }
        check_non_negative(p, "trivial_margin", &self.trivial_margin);
        if let Some(m) = get(&self.trivial_margin) {
            s.trivial_margin = m;
        }
        Spec {
            candidate: self.candidate.clone(),
            baseline: (!trivial).then(|| self.baseline.clone()),
            settings: s,
            spans: cx.role_spans(),
        }
    }
}

/// A table of metric → non-negative number.
fn requirements(p: &mut Problems, table: &str, map: &BTreeMap<String, Spanned<f64>>) -> BTreeMap<Metric, f64> {
    let mut out = BTreeMap::new();
    for (k, v) in map {
        let key = format!("{table}.{k}");
        if !v.get_ref().is_finite() || *v.get_ref() < 0.0 {
            p.add(span(v), &key, format!("must be a non-negative number, not {}", v.get_ref()), None);
        }
        if let Some(m) = metric(p, &key, k, span(v)) {
            out.insert(m, *v.get_ref());
        }
    }
    out
}

impl Reviewed for Spec {
    fn knobs(&self) -> Vec<Knob> {
        self.settings.knobs()
    }
}
