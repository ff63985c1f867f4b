//! What the reports draw for each gate: small tables and series, typed per gate kind.
//!
//! A gate fills the variant of its kind; renderers read the typed fields and never look
//! anything up by string key. In `results.json` the series is written as the inner object
//! (`{"features": …}` for drift); reading it back, the gate's `kind` says which variant it is.

use serde::{Deserialize, Serialize};

use super::{Levels, Status};
use crate::stats::metrics::Metric;

/// The series of one gate.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum GateSeries {
    Drift(DriftSeries),
    Slices(SlicesSeries),
    Baseline(BaselineSeries),
    Leakage(LeakageSeries),
    Skew(SkewSeries),
    Canary(CanarySeries),
}

impl GateSeries {
    /// Reads the series of a gate of `kind` from its JSON object.
    pub fn from_json(kind: super::GateKind, v: serde_json::Value) -> Result<Option<GateSeries>, serde_json::Error> {
        use super::GateKind as K;
        Ok(match kind {
            K::Drift => Some(GateSeries::Drift(serde_json::from_value(v)?)),
            K::Slices => Some(GateSeries::Slices(serde_json::from_value(v)?)),
            K::Baseline => Some(GateSeries::Baseline(serde_json::from_value(v)?)),
            K::Leakage => Some(GateSeries::Leakage(serde_json::from_value(v)?)),
            K::Skew => Some(GateSeries::Skew(serde_json::from_value(v)?)),
            K::Canary => Some(GateSeries::Canary(serde_json::from_value(v)?)),
            K::Schema | K::Thresholds => None,
        })
    }
}

/// Drift: one row per compared column, and the PSI levels the chart marks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DriftSeries {
    pub features: Vec<FeatureRow>,
    /// The gate-level PSI levels (per-column overrides are in each column's checks).
    pub psi: Levels,
    /// Which kinds of drift were found (covariate, prior, concept): present when the
    /// current rows' outcomes were known.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<DriftKindRow>,
}

/// One kind of drift: whether it was found, on what evidence, and what it usually calls for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DriftKindRow {
    /// `covariate`, `prior` or `concept`.
    pub kind: String,
    /// `present`, `possible`, `absent` or `unknown`.
    pub found: String,
    pub status: Status,
    pub evidence: String,
    /// What this kind usually calls for (empty when absent).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub calls_for: String,
}

/// Whether a compared column is a feature or the model's score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    #[default]
    Feature,
    Score,
}

/// How a column was compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnKind {
    #[default]
    Numeric,
    Categorical,
    /// Dates, booleans, nested types: not compared.
    Other,
    /// Missing from one side.
    Missing,
    /// Numeric on one side, categorical on the other.
    Mismatch,
}

/// What the reports draw and tabulate for one column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct FeatureRow {
    pub feature: String,
    pub role: Role,
    pub kind: ColumnKind,
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub importance: Option<f64>,
    pub rows_reference: u64,
    pub rows_current: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub psi: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ks: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p_value: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p_adjusted: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wasserstein: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub js: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cramers_v: Option<f64>,
    pub missing_reference: f64,
    pub missing_current: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unseen: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bins: Option<BinSeries>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub histogram: Option<HistSeries>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The bins PSI was computed over: labels, shares on each side, and each bin's contribution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BinSeries {
    pub labels: Vec<String>,
    pub reference: Vec<f64>,
    pub current: Vec<f64>,
    pub contribution: Vec<f64>,
}

impl BinSeries {
    /// At most `k` bins plus one "other (N more)" bin holding the rest: the `k` with the
    /// largest PSI contribution (then the largest share), in their original order. Shares and
    /// contributions of the rest are summed, so the series still adds up.
    pub fn capped(self, k: usize) -> BinSeries {
        let n = self.labels.len();
        if n <= k + 1 {
            return self;
        }
        let weight = |i: usize| {
            let c = self.contribution[i];
            (if c.is_finite() { c } else { f64::MAX }, self.reference[i].max(self.current[i]))
        };
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| {
            let (wa, wb) = (weight(a), weight(b));
            wb.0.total_cmp(&wa.0).then(wb.1.total_cmp(&wa.1)).then(a.cmp(&b))
        });
        let mut keep = vec![false; n];
        for &i in &order[..k] {
            keep[i] = true;
        }
        let mut out =
            BinSeries { labels: Vec::new(), reference: Vec::new(), current: Vec::new(), contribution: Vec::new() };
        let (mut r, mut c, mut d) = (0.0, 0.0, 0.0);
        for (i, &kept) in keep.iter().enumerate() {
            if kept {
                out.labels.push(self.labels[i].clone());
                out.reference.push(self.reference[i]);
                out.current.push(self.current[i]);
                out.contribution.push(self.contribution[i]);
            } else {
                (r, c, d) = (r + self.reference[i], c + self.current[i], d + self.contribution[i]);
            }
        }
        out.labels.push(format!("other ({} more)", n - k));
        out.reference.push(r);
        out.current.push(c);
        out.contribution.push(d);
        out
    }
}

/// Equal-width display histogram (shares), first and last bins open-ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistSeries {
    pub edges: Vec<f64>,
    pub reference: Vec<f64>,
    pub current: Vec<f64>,
}

/// Slices: the metric overall and per slice, with intervals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlicesSeries {
    pub metric: Metric,
    pub higher_is_better: bool,
    pub overall: f64,
    pub overall_interval: Option<(f64, f64)>,
    /// The bound every slice is judged against, when one applies.
    pub bound: Option<f64>,
    pub slices: Vec<SliceRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SliceRow {
    pub by: String,
    pub slice: String,
    pub rows: u64,
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<f64>,
}

/// Baseline: every metric comparison, including the one against a trivial model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineSeries {
    pub comparisons: Vec<MetricComparison>,
}

/// The candidate against one baseline on one metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricComparison {
    pub metric: Metric,
    /// What the candidate was compared with (the baseline's name, or `trivial`).
    pub against: String,
    pub candidate: f64,
    pub baseline: f64,
    /// candidate − baseline, sign flipped for lower-is-better metrics.
    pub improvement: f64,
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub p_value: Option<f64>,
    pub test: String,
    pub requirement: f64,
    pub status: Status,
}

/// Leakage: how well each feature alone predicts the label, and the bound.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeakageSeries {
    pub target: Vec<TargetRow>,
    /// max(AUC, 1 − AUC) bound for a class label, |Spearman ρ| bound for a numeric label.
    pub bound: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetRow {
    pub feature: String,
    pub value: f64,
    pub status: Status,
}

/// Shadow / canary: the decision and each harm check's effect, interval and margin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CanarySeries {
    /// `shadow` (paired requests) or `canary` (randomly split traffic).
    pub mode: String,
    /// `fixed` (one planned look) or `sequential` (confidence sequences).
    pub looks: String,
    /// `promote`, `continue` or `rollback`.
    pub decision: String,
    pub champion_rows: u64,
    pub candidate_rows: u64,
    /// Rows with an outcome, over both arms.
    pub labelled: u64,
    pub checks: Vec<CanaryRow>,
}

/// One harm check: candidate against champion (positive effect = worse).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CanaryRow {
    pub check: String,
    pub metric: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub champion: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub candidate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effect: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub margin: Option<f64>,
    pub status: super::Status,
    /// Rows per arm that would decide an open check at the observed effect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows_needed: Option<u64>,
}

/// Training–serving skew: how the rows paired, and each feature's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkewSeries {
    /// `join` (row by row on a key) or `distribution` (no key: weaker evidence).
    pub mode: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage: Option<SkewCoverage>,
    pub features: Vec<SkewRow>,
    /// The gate-level mismatch levels (per-feature levels are in each feature's check).
    pub max_mismatch: Levels,
}

/// How many rows of each side paired.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkewCoverage {
    pub offline_rows: u64,
    pub online_rows: u64,
    pub joined: u64,
    pub unmatched_offline: u64,
    pub unmatched_online: u64,
    pub ambiguous_offline: u64,
    pub ambiguous_online: u64,
}

/// One feature of the skew gate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkewRow {
    pub feature: String,
    /// `number`, `text`, `time`, or `-` when the feature could not be compared.
    pub kind: String,
    pub status: Status,
    /// Joined rows compared (join mode) or rows on both sides (distribution mode).
    pub compared: u64,
    pub mismatches: u64,
    pub null_offline_only: u64,
    pub null_online_only: u64,
    /// Mismatch share (join) or the distance (distribution).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// `mismatch_share`, `linf` or `js_distance`.
    pub statistic: String,
    /// The diagnosed cause's code (`timezone`, `units`, …) and evidence.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub causes: Vec<SkewCause>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<SkewExample>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkewCause {
    pub code: String,
    pub evidence: String,
}

/// A differing pair: the key and both values, as text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkewExample {
    pub key: String,
    pub offline: String,
    pub online: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capped_bins_keep_the_largest_contributions_and_sum_the_rest() {
        let n = 100;
        let b = BinSeries {
            labels: (0..n).map(|i| format!("c{i}")).collect(),
            reference: vec![0.01; n],
            current: vec![0.01; n],
            contribution: (0..n).map(|i| if i % 10 == 0 { 1.0 + i as f64 } else { 0.001 }).collect(),
        };
        let c = b.clone().capped(10);
        assert_eq!(c.labels.len(), 11);
        assert_eq!(&c.labels[..3], ["c0", "c10", "c20"]);
        assert_eq!(c.labels[10], "other (90 more)");
        assert!((c.reference.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!((c.contribution[10] - 0.09).abs() < 1e-12);
        assert_eq!(b.clone().capped(99), b, "one bin more than k is shown as is");
    }
}
