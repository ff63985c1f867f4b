//! Model metrics on plain vectors, matching scikit-learn's definitions (tests record the
//! sklearn outputs they were checked against).
//!
//! Binary metrics take `labels` (true = positive class) and `scores` (probability of the
//! positive class); thresholded metrics predict positive when score ≥ threshold.

use serde::{Deserialize, Serialize};

use super::rank::{radix_sort_pairs, roc_auc};
use super::sort::ordered_bits;

/// Every metric mlgate computes, by its config/CLI name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
#[value(rename_all = "snake_case")]
pub enum Metric {
    Accuracy,
    Precision,
    Recall,
    F1,
    RocAuc,
    PrAuc,
    LogLoss,
    Brier,
    Ece,
    MacroF1,
    WeightedF1,
    Rmse,
    Mae,
    R2,
}

/// The kind of task a metric belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Task {
    Binary,
    Multiclass,
    Regression,
}

impl Task {
    pub fn name(self) -> &'static str {
        match self {
            Task::Binary => "binary",
            Task::Multiclass => "multiclass",
            Task::Regression => "regression",
        }
    }
}

impl Metric {
    pub fn name(self) -> &'static str {
        match self {
            Metric::Accuracy => "accuracy",
            Metric::Precision => "precision",
            Metric::Recall => "recall",
            Metric::F1 => "f1",
            Metric::RocAuc => "roc_auc",
            Metric::PrAuc => "pr_auc",
            Metric::LogLoss => "log_loss",
            Metric::Brier => "brier",
            Metric::Ece => "ece",
            Metric::MacroF1 => "macro_f1",
            Metric::WeightedF1 => "weighted_f1",
            Metric::Rmse => "rmse",
            Metric::Mae => "mae",
            Metric::R2 => "r2",
        }
    }

    /// Whether a larger value is better.
    pub fn higher_is_better(self) -> bool {
        !matches!(self, Metric::LogLoss | Metric::Brier | Metric::Ece | Metric::Rmse | Metric::Mae)
    }

    /// Whether the metric needs probabilities in [0, 1].
    pub fn needs_probabilities(self) -> bool {
        matches!(self, Metric::LogLoss | Metric::Brier | Metric::Ece)
    }

    /// Whether the metric is a proportion of a count (Wilson intervals apply).
    pub fn is_proportion(self) -> bool {
        matches!(self, Metric::Accuracy | Metric::Precision | Metric::Recall)
    }

    pub fn task(self) -> Task {
        match self {
            Metric::MacroF1 | Metric::WeightedF1 => Task::Multiclass,
            Metric::Rmse | Metric::Mae | Metric::R2 => Task::Regression,
            _ => Task::Binary,
        }
    }

    /// Metrics that also make sense for multiclass (plain accuracy).
    pub fn fits(self, task: Task) -> bool {
        self.task() == task || (self == Metric::Accuracy && task == Task::Multiclass)
    }
}

impl std::fmt::Display for Metric {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Confusion counts at a threshold.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Confusion {
    pub tp: u64,
    pub fp: u64,
    pub tn: u64,
    pub fn_: u64,
}

pub fn confusion(labels: &[bool], scores: &[f64], threshold: f64) -> Confusion {
    let mut c = Confusion::default();
    for (&y, &s) in labels.iter().zip(scores) {
        match (y, s >= threshold) {
            (true, true) => c.tp += 1,
            (false, true) => c.fp += 1,
            (false, false) => c.tn += 1,
            (true, false) => c.fn_ += 1,
        }
    }
    c
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

impl Confusion {
    pub fn n(&self) -> u64 {
        self.tp + self.fp + self.tn + self.fn_
    }
    pub fn accuracy(&self) -> f64 {
        ratio(self.tp + self.tn, self.n())
    }
    /// sklearn's `zero_division=0`: 0 when nothing is predicted positive.
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    pub fn f1(&self) -> f64 {
        ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn_)
    }
}

/// Average precision (PR AUC) as `sklearn.metrics.average_precision_score`: the sum over
/// distinct score thresholds (high to low) of precision × recall increment.
pub fn average_precision(labels: &[bool], scores: &[f64]) -> Option<f64> {
    let pos = labels.iter().filter(|&&l| l).count() as u64;
    if pos == 0 {
        return None;
    }
    let mut keys: Vec<u64> = scores.iter().map(|&s| !ordered_bits(s)).collect(); // descending
    let mut lab: Vec<u32> = labels.iter().map(|&l| l as u32).collect();
    radix_sort_pairs(&mut keys, &mut lab);
    let (mut tp, mut fp) = (0u64, 0u64);
    let mut prev_recall = 0.0;
    let mut ap = 0.0;
    let mut i = 0;
    while i < keys.len() {
        let mut j = i;
        while j < keys.len() && keys[j] == keys[i] {
            if lab[j] == 1 {
                tp += 1;
            } else {
                fp += 1;
            }
            j += 1;
        }
        let recall = tp as f64 / pos as f64;
        let precision = tp as f64 / (tp + fp) as f64;
        ap += (recall - prev_recall) * precision;
        prev_recall = recall;
        i = j;
    }
    Some(ap)
}

/// Mean binary cross-entropy with probabilities clipped to [ε, 1 − ε], ε = f64::EPSILON
/// (sklearn's `log_loss` for float64 input).
pub fn log_loss(labels: &[bool], probs: &[f64]) -> f64 {
    let eps = f64::EPSILON;
    let s: f64 = labels
        .iter()
        .zip(probs)
        .map(|(&y, &p)| {
            let p = p.clamp(eps, 1.0 - eps);
            if y { -p.ln() } else { -(1.0 - p).ln() }
        })
        .sum();
    s / labels.len() as f64
}

/// Mean squared difference between probability and outcome.
pub fn brier(labels: &[bool], probs: &[f64]) -> f64 {
    let s: f64 = labels.iter().zip(probs).map(|(&y, &p)| (p - y as u8 as f64).powi(2)).sum();
    s / labels.len() as f64
}

/// Expected calibration error over 10 equal-width bins of the predicted probability
/// (`[0, 0.1), …, [0.9, 1]`): Σ |mean outcome − mean probability| × bin share.
pub fn ece(labels: &[bool], probs: &[f64]) -> f64 {
    let mut n = [0u64; 10];
    let mut sy = [0f64; 10];
    let mut sp = [0f64; 10];
    for (&y, &p) in labels.iter().zip(probs) {
        let b = ((p * 10.0).floor().max(0.0) as usize).min(9);
        n[b] += 1;
        sy[b] += y as u8 as f64;
        sp[b] += p;
    }
    let total = labels.len() as f64;
    (0..10).filter(|&b| n[b] > 0).map(|b| (sy[b] / n[b] as f64 - sp[b] / n[b] as f64).abs() * n[b] as f64 / total).sum()
}

/// Macro- and support-weighted F1 over the classes present in labels or predictions
/// (sklearn `f1_score(average='macro' | 'weighted')`, zero_division = 0).
pub fn multiclass_f1(labels: &[u32], preds: &[u32]) -> (f64, f64) {
    let k = labels.iter().chain(preds).copied().max().map(|m| m as usize + 1).unwrap_or(0);
    let mut tp = vec![0u64; k];
    let mut fp = vec![0u64; k];
    let mut fn_ = vec![0u64; k];
    let mut support = vec![0u64; k];
    for (&y, &p) in labels.iter().zip(preds) {
        support[y as usize] += 1;
        if y == p {
            tp[y as usize] += 1;
        } else {
            fp[p as usize] += 1;
            fn_[y as usize] += 1;
        }
    }
    let present: Vec<usize> = (0..k).filter(|&c| support[c] + fp[c] > 0).collect();
    let f1 = |c: usize| ratio(2 * tp[c], 2 * tp[c] + fp[c] + fn_[c]);
    let macro_ = present.iter().map(|&c| f1(c)).sum::<f64>() / present.len().max(1) as f64;
    let n: u64 = support.iter().sum();
    let weighted = present.iter().map(|&c| f1(c) * support[c] as f64).sum::<f64>() / n.max(1) as f64;
    (macro_, weighted)
}

pub fn rmse(y: &[f64], p: &[f64]) -> f64 {
    (y.iter().zip(p).map(|(a, b)| (a - b).powi(2)).sum::<f64>() / y.len() as f64).sqrt()
}

pub fn mae(y: &[f64], p: &[f64]) -> f64 {
    y.iter().zip(p).map(|(a, b)| (a - b).abs()).sum::<f64>() / y.len() as f64
}

/// Coefficient of determination; `None` when the labels are constant.
pub fn r2(y: &[f64], p: &[f64]) -> Option<f64> {
    let mean = y.iter().sum::<f64>() / y.len() as f64;
    let ss_tot: f64 = y.iter().map(|v| (v - mean).powi(2)).sum();
    if ss_tot == 0.0 {
        return None;
    }
    let ss_res: f64 = y.iter().zip(p).map(|(a, b)| (a - b).powi(2)).sum();
    Some(1.0 - ss_res / ss_tot)
}

/// The predictions of one model on a set of rows, in the form every metric needs.
#[derive(Debug, Clone)]
pub enum Preds {
    Binary { labels: Vec<bool>, scores: Vec<f64>, threshold: f64 },
    Multiclass { labels: Vec<u32>, preds: Vec<u32> },
    Regression { labels: Vec<f64>, preds: Vec<f64> },
}

impl Preds {
    pub fn len(&self) -> usize {
        match self {
            Preds::Binary { labels, .. } => labels.len(),
            Preds::Multiclass { labels, .. } => labels.len(),
            Preds::Regression { labels, .. } => labels.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The rows at `idx` (repeats allowed, for bootstrap resamples).
    pub fn take(&self, idx: &[usize]) -> Preds {
        match self {
            Preds::Binary { labels, scores, threshold } => Preds::Binary {
                labels: idx.iter().map(|&i| labels[i]).collect(),
                scores: idx.iter().map(|&i| scores[i]).collect(),
                threshold: *threshold,
            },
            Preds::Multiclass { labels, preds } => Preds::Multiclass {
                labels: idx.iter().map(|&i| labels[i]).collect(),
                preds: idx.iter().map(|&i| preds[i]).collect(),
            },
            Preds::Regression { labels, preds } => Preds::Regression {
                labels: idx.iter().map(|&i| labels[i]).collect(),
                preds: idx.iter().map(|&i| preds[i]).collect(),
            },
        }
    }

    /// A metric on these rows; `None` when undefined (a single class for AUC, no rows, …).
    pub fn metric(&self, m: Metric) -> Option<f64> {
        if self.is_empty() {
            return None;
        }
        match (self, m) {
            (Preds::Binary { labels, scores, threshold }, _) => {
                let c = || confusion(labels, scores, *threshold);
                match m {
                    Metric::Accuracy => Some(c().accuracy()),
                    Metric::Precision => Some(c().precision()),
                    Metric::Recall => Some(c().recall()),
                    Metric::F1 => Some(c().f1()),
                    Metric::RocAuc => roc_auc(scores, labels),
                    Metric::PrAuc => average_precision(labels, scores),
                    Metric::LogLoss => Some(log_loss(labels, scores)),
                    Metric::Brier => Some(brier(labels, scores)),
                    Metric::Ece => Some(ece(labels, scores)),
                    _ => None,
                }
            }
            (Preds::Multiclass { labels, preds }, _) => match m {
                Metric::Accuracy => {
                    Some(labels.iter().zip(preds).filter(|(a, b)| a == b).count() as f64 / labels.len() as f64)
                }
                Metric::MacroF1 => Some(multiclass_f1(labels, preds).0),
                Metric::WeightedF1 => Some(multiclass_f1(labels, preds).1),
                _ => None,
            },
            (Preds::Regression { labels, preds }, _) => match m {
                Metric::Rmse => Some(rmse(labels, preds)),
                Metric::Mae => Some(mae(labels, preds)),
                Metric::R2 => r2(labels, preds),
                _ => None,
            },
        }
    }

    /// Row order by ascending score (binary predictions), computed once for weighted
    /// ranking metrics.
    pub fn order(&self) -> Option<Vec<u32>> {
        match self {
            Preds::Binary { scores, .. } => {
                let mut keys: Vec<u64> = scores.iter().map(|&s| ordered_bits(s)).collect();
                let mut idx: Vec<u32> = (0..scores.len() as u32).collect();
                radix_sort_pairs(&mut keys, &mut idx);
                Some(idx)
            }
            _ => None,
        }
    }

    /// A metric with integer row weights (a bootstrap resample is a weight per row: how
    /// often it was drawn). `order` is [`Preds::order`], needed by ROC AUC and PR AUC.
    /// Equal to `take(resample).metric(m)` without materialising the resample.
    pub fn metric_weighted(&self, m: Metric, w: &[u32], order: Option<&[u32]>) -> Option<f64> {
        let total: u64 = w.iter().map(|&x| x as u64).sum();
        if total == 0 {
            return None;
        }
        let tf = total as f64;
        match self {
            Preds::Binary { labels, scores, threshold } => match m {
                Metric::Accuracy | Metric::Precision | Metric::Recall | Metric::F1 => {
                    let c = weighted_confusion(labels, scores, *threshold, w);
                    Some(match m {
                        Metric::Accuracy => c.accuracy(),
                        Metric::Precision => c.precision(),
                        Metric::Recall => c.recall(),
                        _ => c.f1(),
                    })
                }
                Metric::LogLoss | Metric::Brier => {
                    let rows = self.per_row(m)?;
                    Some(rows.iter().zip(w).map(|(v, &k)| v * k as f64).sum::<f64>() / tf)
                }
                Metric::Ece => Some(weighted_ece(labels, scores, w, tf)),
                Metric::RocAuc | Metric::PrAuc => weighted_ranking(m, labels, scores, w, order?),
                _ => None,
            },
            Preds::Multiclass { labels, .. } => {
                let expanded: Vec<usize> =
                    (0..labels.len()).flat_map(|i| std::iter::repeat_n(i, w[i] as usize)).collect();
                self.take(&expanded).metric(m)
            }
            Preds::Regression { labels, preds } => weighted_regression(m, labels, preds, w, tf),
        }
    }

    /// Per-row values whose mean is the metric (log loss, Brier, MAE), for normal-theory
    /// intervals on large samples; `None` for metrics that are not a plain mean.
    pub fn per_row(&self, m: Metric) -> Option<Vec<f64>> {
        match (self, m) {
            (Preds::Binary { labels, scores, .. }, Metric::LogLoss) => {
                let eps = f64::EPSILON;
                Some(
                    labels
                        .iter()
                        .zip(scores)
                        .map(|(&y, &p)| {
                            let p = p.clamp(eps, 1.0 - eps);
                            if y { -p.ln() } else { -(1.0 - p).ln() }
                        })
                        .collect(),
                )
            }
            (Preds::Binary { labels, scores, .. }, Metric::Brier) => {
                Some(labels.iter().zip(scores).map(|(&y, &p)| (p - y as u8 as f64).powi(2)).collect())
            }
            (Preds::Regression { labels, preds }, Metric::Mae) => {
                Some(labels.iter().zip(preds).map(|(a, b)| (a - b).abs()).collect())
            }
            _ => None,
        }
    }

    /// Numerator and denominator of a proportion metric (for Wilson intervals).
    pub fn proportion(&self, m: Metric) -> Option<(u64, u64)> {
        match self {
            Preds::Binary { labels, scores, threshold } => {
                let c = confusion(labels, scores, *threshold);
                match m {
                    Metric::Accuracy => Some((c.tp + c.tn, c.n())),
                    Metric::Precision => Some((c.tp, c.tp + c.fp)),
                    Metric::Recall => Some((c.tp, c.tp + c.fn_)),
                    _ => None,
                }
            }
            Preds::Multiclass { labels, preds } if m == Metric::Accuracy => {
                Some((labels.iter().zip(preds).filter(|(a, b)| a == b).count() as u64, labels.len() as u64))
            }
            _ => None,
        }
    }

    /// Whether every row is correctly predicted (for McNemar); binary at the threshold.
    pub fn correct(&self) -> Option<Vec<bool>> {
        match self {
            Preds::Binary { labels, scores, threshold } => {
                Some(labels.iter().zip(scores).map(|(&y, &s)| (s >= *threshold) == y).collect())
            }
            Preds::Multiclass { labels, preds } => Some(labels.iter().zip(preds).map(|(a, b)| a == b).collect()),
            Preds::Regression { .. } => None,
        }
    }
}

/// `[start, end)` ranges of equal scores in `order`.
fn tie_groups(order: &[u32], scores: &[f64]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < order.len() {
        let s = scores[order[i] as usize];
        let mut j = i + 1;
        while j < order.len() && scores[order[j] as usize] == s {
            j += 1;
        }
        out.push((i, j));
        i = j;
    }
    out
}

/// The confusion matrix with integer row weights.
fn weighted_confusion(labels: &[bool], scores: &[f64], threshold: f64, w: &[u32]) -> Confusion {
    let mut c = Confusion::default();
    for i in 0..labels.len() {
        let k = w[i] as u64;
        if k == 0 {
            continue;
        }
        match (labels[i], scores[i] >= threshold) {
            (true, true) => c.tp += k,
            (false, true) => c.fp += k,
            (false, false) => c.tn += k,
            (true, false) => c.fn_ += k,
        }
    }
    c
}

/// Expected calibration error over 10 equal-width bins, with row weights.
fn weighted_ece(labels: &[bool], scores: &[f64], w: &[u32], tf: f64) -> f64 {
    let mut n = [0f64; 10];
    let mut sy = [0f64; 10];
    let mut sp = [0f64; 10];
    for i in 0..labels.len() {
        let k = w[i] as f64;
        if k == 0.0 {
            continue;
        }
        let b = ((scores[i] * 10.0).floor().max(0.0) as usize).min(9);
        n[b] += k;
        sy[b] += k * labels[i] as u8 as f64;
        sp[b] += k * scores[i];
    }
    (0..10).filter(|&b| n[b] > 0.0).map(|b| (sy[b] / n[b] - sp[b] / n[b]).abs() * n[b] / tf).sum()
}

/// ROC AUC or PR AUC (average precision) with row weights, walking tie groups of equal
/// score in `order`.
fn weighted_ranking(m: Metric, labels: &[bool], scores: &[f64], w: &[u32], order: &[u32]) -> Option<f64> {
    let groups = tie_groups(order, scores);
    let (mut pos, mut neg) = (0u64, 0u64);
    for &i in order {
        let k = w[i as usize] as u64;
        if labels[i as usize] { pos += k } else { neg += k }
    }
    if pos == 0 || (m == Metric::RocAuc && neg == 0) {
        return None;
    }
    let counts = |g: &(usize, usize)| {
        let (mut p, mut q) = (0u64, 0u64);
        for &i in &order[g.0..g.1] {
            let k = w[i as usize] as u64;
            if labels[i as usize] { p += k } else { q += k }
        }
        (p, q)
    };
    if m == Metric::RocAuc {
        let mut below = 0u64;
        let mut acc = 0f64;
        for g in &groups {
            let (p, q) = counts(g);
            acc += p as f64 * (below as f64 + 0.5 * q as f64);
            below += q;
        }
        return Some(acc / (pos as f64 * neg as f64));
    }
    let (mut tp, mut fp) = (0u64, 0u64);
    let mut prev = 0.0;
    let mut ap = 0.0;
    for g in groups.iter().rev() {
        let (p, q) = counts(g);
        tp += p;
        fp += q;
        if tp + fp == 0 {
            continue;
        }
        let recall = tp as f64 / pos as f64;
        ap += (recall - prev) * tp as f64 / (tp + fp) as f64;
        prev = recall;
    }
    Some(ap)
}

/// RMSE, MAE or R² with row weights.
fn weighted_regression(m: Metric, labels: &[f64], preds: &[f64], w: &[u32], tf: f64) -> Option<f64> {
    let sum = |f: &dyn Fn(f64, f64) -> f64| -> f64 {
        labels.iter().zip(preds).zip(w).map(|((a, b), &k)| k as f64 * f(*a, *b)).sum()
    };
    match m {
        Metric::Rmse => Some((sum(&|a, b| (a - b).powi(2)) / tf).sqrt()),
        Metric::Mae => Some(sum(&|a, b| (a - b).abs()) / tf),
        Metric::R2 => {
            let mean = labels.iter().zip(w).map(|(a, &k)| k as f64 * a).sum::<f64>() / tf;
            let ss_tot: f64 = labels.iter().zip(w).map(|(a, &k)| k as f64 * (a - mean).powi(2)).sum();
            if ss_tot == 0.0 {
                return None;
            }
            Some(1.0 - sum(&|a, b| (a - b).powi(2)) / ss_tot)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weighted_metrics_equal_materialised_resamples() {
        let p = Preds::Binary { labels: Y.to_vec(), scores: P.to_vec(), threshold: 0.5 };
        let order = p.order().unwrap();
        let idx = [0usize, 1, 1, 2, 3, 4, 4, 4, 6, 7, 9, 11];
        let mut w = vec![0u32; Y.len()];
        for &i in &idx {
            w[i] += 1;
        }
        for m in [
            Metric::Accuracy,
            Metric::Precision,
            Metric::Recall,
            Metric::F1,
            Metric::RocAuc,
            Metric::PrAuc,
            Metric::LogLoss,
            Metric::Brier,
            Metric::Ece,
        ] {
            let a = p.take(&idx).metric(m).unwrap();
            let b = p.metric_weighted(m, &w, Some(&order)).unwrap();
            assert!((a - b).abs() < 1e-12, "{m}: {a} vs {b}");
        }
        let r = Preds::Regression { labels: vec![3.0, -0.5, 2.0, 7.0, 4.2], preds: vec![2.5, 0.0, 2.1, 7.8, 3.9] };
        let w = [2u32, 0, 1, 1, 3];
        let idx = [0usize, 0, 2, 3, 4, 4, 4];
        for m in [Metric::Rmse, Metric::Mae, Metric::R2] {
            let a = r.take(&idx).metric(m).unwrap();
            let b = r.metric_weighted(m, &w, None).unwrap();
            assert!((a - b).abs() < 1e-12, "{m}");
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    const Y: [bool; 12] = [false, true, true, false, true, false, true, true, false, false, true, false];
    const P: [f64; 12] = [0.1, 0.8, 0.65, 0.3, 0.4, 0.4, 0.9, 0.55, 0.2, 0.7, 0.4, 0.05];

    #[test]
    fn binary_metrics_match_sklearn() {
        // sklearn 1.9.1 on y = [0,1,1,0,1,0,1,1,0,0,1,0], p as P, threshold 0.5:
        let c = confusion(&Y, &P, 0.5);
        assert!(close(c.accuracy(), 0.75));
        assert!(close(c.precision(), 0.8));
        assert!(close(c.recall(), 0.6666666666666666));
        assert!(close(c.f1(), 0.7272727272727273));
        assert!(close(roc_auc(&P, &Y).unwrap(), 0.8611111111111112));
        // average_precision_score -> 0.8416666666666666 (tied scores grouped)
        assert!(close(average_precision(&Y, &P).unwrap(), 0.8416666666666666));
        // log_loss -> 0.4700813484132222; brier_score_loss -> 0.15729166666666664
        assert!(close(log_loss(&Y, &P), 0.4700813484132222));
        assert!(close(brier(&Y, &P), 0.15729166666666664));
        // ECE, numpy: 10 equal-width bins -> 0.2708333333333333
        assert!(close(ece(&Y, &P), 0.2708333333333333));
        // log_loss([1, 0], [0.0, 0.0]) clips with float64 eps -> 18.021826694558577
        assert!((log_loss(&[true, false], &[0.0, 0.0]) - 18.021826694558577).abs() < 1e-9);
    }

    #[test]
    fn multiclass_and_regression_match_sklearn() {
        // f1_score([0,1,2,2,1,0,2,1,1,0], [0,2,2,2,1,0,1,1,0,0], average=...) -> macro 0.6984126984126983,
        // weighted 0.6857142857142857; accuracy 0.7
        let (m, w) = multiclass_f1(&[0, 1, 2, 2, 1, 0, 2, 1, 1, 0], &[0, 2, 2, 2, 1, 0, 1, 1, 0, 0]);
        assert!(close(m, 0.6984126984126983) && close(w, 0.6857142857142857), "{m} {w}");
        // y = [3, -0.5, 2, 7, 4.2], p = [2.5, 0, 2.1, 7.8, 3.9]:
        // rmse 0.49799598391954925, mae 0.44000000000000006, r2 0.9594665271966527
        let (y, p) = ([3.0, -0.5, 2.0, 7.0, 4.2], [2.5, 0.0, 2.1, 7.8, 3.9]);
        assert!(close(rmse(&y, &p), 0.49799598391954925));
        assert!(close(mae(&y, &p), 0.44000000000000006));
        assert!(close(r2(&y, &p).unwrap(), 0.9594665271966527));
        assert_eq!(r2(&[1.0, 1.0], &[1.0, 2.0]), None);
    }
}
