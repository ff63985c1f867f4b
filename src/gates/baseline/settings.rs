//! The baseline gate's settings: the one place their defaults live, and its reviewable
//! knobs.

use std::collections::BTreeMap;

use crate::gates::knobs::{Knob, KnobValue, Looser, Reviewed};
use crate::gates::model::PredSpec;
use crate::stats::metrics::Metric;

/// Everything the gate needs besides the predictions.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Metrics to compare; empty: the task's default metric.
    pub metrics: Vec<Metric>,
    /// Required improvement per metric (`min_improvement`).
    pub min_improvement: BTreeMap<Metric, f64>,
    /// Accepted regression per metric (`max_regression`).
    pub max_regression: BTreeMap<Metric, f64>,
    /// Confidence level of the intervals.
    pub level: f64,
    /// Bootstrap resamples.
    pub bootstrap: usize,
    /// Bootstrap seed.
    pub seed: u64,
    /// Also check the candidate beats a trivial baseline.
    pub trivial_check: bool,
    /// How much better than the trivial model the candidate must be shown to be (the
    /// interval's lower bound must exceed it).
    pub trivial_margin: f64,
    /// Entity column pairing candidate and baseline rows (default: by row number).
    pub entity: Option<String>,
    pub predictions: PredSpec,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            metrics: vec![],
            min_improvement: BTreeMap::new(),
            max_regression: BTreeMap::new(),
            level: 0.95,
            bootstrap: 1000,
            seed: 42,
            trivial_check: true,
            trivial_margin: 0.0,
            entity: None,
            predictions: PredSpec::default(),
        }
    }
}

impl Settings {
    /// The minimum improvement required on `m` (negative: the regression accepted); 0 by
    /// default, so the candidate must not be worse.
    pub fn requirement(&self, m: Metric) -> f64 {
        match (self.min_improvement.get(&m), self.max_regression.get(&m)) {
            (Some(v), _) => *v,
            (None, Some(r)) => -*r,
            (None, None) => 0.0,
        }
    }
}

impl Reviewed for Settings {
    fn knobs(&self) -> Vec<Knob> {
        use clap::ValueEnum;
        let mut k = vec![
            Knob::new(
                "metrics",
                KnobValue::List(Some(if self.metrics.is_empty() {
                    vec![crate::gates::model::TASK_DEFAULT.to_string()]
                } else {
                    self.metrics.iter().map(|m| m.name().to_string()).collect()
                })),
                Looser::Fewer,
            ),
            Knob::num("confidence", Some(self.level), Looser::Higher),
            Knob::new("trivial", KnobValue::Flag(self.trivial_check), Looser::When(false)),
            Knob::num("trivial_margin", Some(self.trivial_margin), Looser::Lower),
        ];
        // Every metric, so an unset requirement compares as its default of 0.
        for m in Metric::value_variants() {
            let (imp, reg) = (self.min_improvement.get(m).copied(), self.max_regression.get(m).copied());
            k.push(Knob::num(format!("min_improvement.{}", m.name()), Some(imp.unwrap_or(0.0)), Looser::Lower));
            k.push(Knob::num(format!("max_regression.{}", m.name()), Some(reg.unwrap_or(0.0)), Looser::Higher));
        }
        k.extend(self.predictions.knobs());
        k
    }
}
