//! The slices gate's settings: the one place their defaults live, and its reviewable knobs.

use serde::{Deserialize, Serialize};

use crate::gates::knobs::{Knob, KnobValue, Looser, Reviewed};
use crate::gates::model::PredSpec;
use crate::stats::metrics::Metric;

/// How to cut the rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SliceBy {
    /// One slice per value.
    Column(String),
    /// One slice per pair of values.
    Cross(String, String),
    /// Numeric column cut at the given edges: `< e0`, `[e0, e1)`, …, `≥ e_last`.
    Bins(String, Vec<f64>),
    /// Numeric column cut at its own quantiles into `k` groups.
    Quantiles(String, usize),
}

impl SliceBy {
    pub fn label(&self) -> String {
        match self {
            SliceBy::Column(c) | SliceBy::Bins(c, _) | SliceBy::Quantiles(c, _) => c.clone(),
            SliceBy::Cross(a, b) => format!("{a} × {b}"),
        }
    }

    pub fn columns(&self) -> Vec<&str> {
        match self {
            SliceBy::Column(c) | SliceBy::Bins(c, _) | SliceBy::Quantiles(c, _) => vec![c],
            SliceBy::Cross(a, b) => vec![a, b],
        }
    }
}

/// Everything the gate needs besides the predictions.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// The metric; `None`: the task's default (roc_auc, macro_f1 or rmse).
    pub metric: Option<Metric>,
    pub by: Vec<SliceBy>,
    /// Absolute bound on the metric per slice (a minimum, or a maximum for lower-is-better).
    pub min: Option<f64>,
    /// Largest allowed distance from the overall metric, in the bad direction.
    pub max_gap: Option<f64>,
    /// Slices with fewer rows are "too small to judge".
    pub min_rows: u64,
    /// Confidence level of the intervals.
    pub level: f64,
    /// Bootstrap resamples.
    pub bootstrap: usize,
    /// Bootstrap seed.
    pub seed: u64,
    /// Largest number of slices evaluated per column (the biggest ones).
    pub max_slices: usize,
    /// Which columns hold the label, score and prediction.
    pub predictions: PredSpec,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            metric: None,
            by: vec![],
            min: None,
            max_gap: Some(0.05),
            min_rows: 200,
            level: 0.95,
            bootstrap: 1000,
            seed: 42,
            max_slices: 50,
            predictions: PredSpec::default(),
        }
    }
}

impl Reviewed for Settings {
    fn knobs(&self) -> Vec<Knob> {
        let mut k = vec![
            Knob::text(
                "metric",
                self.metric.map(|m| m.name()).unwrap_or(crate::gates::model::TASK_DEFAULT),
                Looser::Unranked,
            ),
            // `min` is a floor for higher-is-better metrics.
            Knob::num("min", self.min, Looser::Lower),
            Knob::num("max_gap", self.max_gap, Looser::Higher),
            Knob::num("min_rows", Some(self.min_rows as f64), Looser::Higher),
            Knob::num("confidence", Some(self.level), Looser::Higher),
        ];
        let (mut listed, mut cut) = (Vec::new(), Vec::new());
        for b in &self.by {
            match b {
                SliceBy::Column(_) | SliceBy::Cross(..) => listed.push(b.label()),
                SliceBy::Bins(c, e) => cut.push(Knob::text(format!("bins.{c}"), format!("{e:?}"), Looser::Unranked)),
                SliceBy::Quantiles(c, q) => {
                    cut.push(Knob::num(format!("quantiles.{c}"), Some(*q as f64), Looser::Unranked))
                }
            }
        }
        k.push(Knob::new("by", KnobValue::List(Some(listed)), Looser::Fewer));
        k.extend(cut);
        k.extend(self.predictions.knobs());
        k
    }
}
