//! `[gates.slices]` as written, its validation and its conversion into [`Settings`].
//! `mlgate gate slices` builds the same table from flags.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::settings::{Settings, SliceBy};
use crate::diag::Problems;
use crate::gates::cfg::{Cx, Spans, check_confidence, check_finite, check_non_negative, get, span};
use crate::gates::knobs::{Knob, Reviewed};
use crate::gates::model;
use crate::stats::metrics::{Metric, Task};

/// The table name problems are reported under.
pub const TABLE: &str = "[gates.slices]";

/// A slice definition: one column, or a list of two columns to cross.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum SliceSpec {
    One(String),
    Cross(Vec<String>),
}

/// `[gates.slices]`: the metric on every important slice.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    #[serde(default = "crate::gates::cfg::on")]
    pub enabled: bool,
    /// The predictions to evaluate (a [predictions] or [data] name).
    pub predictions: Spanned<String>,
    /// Columns to slice by; a list of two columns slices by their cross.
    #[serde(default)]
    pub by: Vec<Spanned<SliceSpec>>,
    /// Numeric columns cut at fixed edges: `tenure_months = [12, 24, 48]`.
    #[serde(default)]
    pub bins: BTreeMap<String, Spanned<Vec<f64>>>,
    /// Numeric columns cut into k quantile groups: `income = 4`.
    #[serde(default)]
    pub quantiles: BTreeMap<String, Spanned<u64>>,
    /// Metric (default: roc_auc, macro_f1 or rmse by task).
    pub metric: Option<Metric>,
    /// Absolute bound per slice (minimum; maximum for lower-is-better metrics).
    pub min: Option<Spanned<f64>>,
    /// Largest allowed distance from the overall metric.
    pub max_gap: Option<Spanned<f64>>,
    /// Slices with fewer rows are "too small to judge".
    pub min_rows: Option<u64>,
    /// Confidence level of the intervals.
    pub confidence: Option<Spanned<f64>>,
    /// Bootstrap resamples.
    pub bootstrap: Option<usize>,
    /// Bootstrap seed.
    pub seed: Option<u64>,
    /// Largest number of slices evaluated per column.
    pub max_slices: Option<usize>,
    /// Classification threshold on the score.
    pub threshold: Option<Spanned<f64>>,
    /// The positive class when the label is not 0/1, true/false or yes/no.
    pub positive: Option<String>,
    /// Force the task instead of inferring it from the label.
    pub task: Option<Task>,
}

/// A validated `[gates.slices]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    pub predictions: Spanned<String>,
    pub settings: Settings,
    pub spans: Spans,
}

impl Raw {
    pub fn validate(&self, cx: &Cx<'_>, p: &mut Problems) -> Spec {
        cx.check_input(p, "predictions", &self.predictions);
        let mut s = Settings {
            predictions: model::pred_spec(cx, span(&self.predictions), &self.threshold, &self.positive, self.task, p),
            ..Default::default()
        };
        let mut spans = cx.role_spans();
        if self.by.is_empty() && self.bins.is_empty() && self.quantiles.is_empty() {
            p.add(
                span(&self.predictions),
                "",
                "defines no slices",
                Some("add by = [\"region\"], bins = { age = [30, 50] } or quantiles = { income = 4 }".into()),
            );
        }
        for b in &self.by {
            match b.get_ref() {
                SliceSpec::One(c) => {
                    spans.record(TABLE, "by", &Spanned::new(b.span(), c.clone()));
                    s.by.push(SliceBy::Column(c.clone()));
                }
                SliceSpec::Cross(v) if v.len() == 2 => {
                    for c in v {
                        spans.record(TABLE, "by", &Spanned::new(b.span(), c.clone()));
                    }
                    s.by.push(SliceBy::Cross(v[0].clone(), v[1].clone()));
                }
                SliceSpec::Cross(v) => p.add(
                    span(b),
                    "by",
                    format!("a cross needs exactly two columns, got {}", v.len()),
                    Some("write [\"region\", \"plan\"] to slice by both at once".into()),
                ),
            }
        }
        for (k, e) in &self.bins {
            let edges = e.get_ref();
            if edges.is_empty() || edges.windows(2).any(|w| w[0] >= w[1]) || edges.iter().any(|x| !x.is_finite()) {
                p.add(span(e), &format!("bins.{k}"), "edges must be increasing numbers", None);
            }
            spans.record(TABLE, "bins", &Spanned::new(e.span(), k.clone()));
            s.by.push(SliceBy::Bins(k.clone(), edges.clone()));
        }
        for (k, q) in &self.quantiles {
            if !(2..=100).contains(q.get_ref()) {
                p.add(
                    span(q),
                    &format!("quantiles.{k}"),
                    format!("must be between 2 and 100, not {}", q.get_ref()),
                    None,
                );
            }
            spans.record(TABLE, "quantiles", &Spanned::new(q.span(), k.clone()));
            s.by.push(SliceBy::Quantiles(k.clone(), *q.get_ref() as usize));
        }
        check_confidence(p, "confidence", &self.confidence);
        check_non_negative(p, "max_gap", &self.max_gap);
        check_finite(p, "min", &self.min);
        s.metric = self.metric;
        s.min = get(&self.min);
        if let Some(g) = get(&self.max_gap) {
            s.max_gap = Some(g);
        }
        for (v, f) in [(self.min_rows, &mut s.min_rows), (self.seed, &mut s.seed)] {
            if let Some(v) = v {
                *f = v;
            }
        }
        if let Some(v) = get(&self.confidence) {
            s.level = v;
        }
        if let Some(v) = self.bootstrap {
            s.bootstrap = v;
        }
        if let Some(v) = self.max_slices {
            s.max_slices = v;
        }
        Spec { predictions: self.predictions.clone(), settings: s, spans }
    }
}

impl Reviewed for Spec {
    fn knobs(&self) -> Vec<Knob> {
        self.settings.knobs()
    }
}
