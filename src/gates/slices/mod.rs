//! Slices gate: is the model good enough on every important slice, not only on average?
//!
//! For each slice (a value of a categorical column, a numeric bin or quantile, or a cross of
//! two columns) the gate computes the metric with a confidence interval — Wilson for
//! proportions (accuracy, precision, recall), otherwise a percentile bootstrap with a fixed
//! seed (DeLong's normal interval for ROC AUC on slices above 5,000 rows, where it is
//! accurate and a bootstrap would be slow) — and compares it with the bound
//! `max(min, overall − max_gap)` (mirrored for lower-is-better metrics):
//! - **fail** only when the whole interval is past the bound (clearly worse),
//! - **warn** when the interval straddles it (could be noise, could be real),
//! - **pass** otherwise; slices below `min_rows` are "too small to judge", never failed.

pub mod cfg;
pub mod codes;
pub mod settings;

use std::collections::HashMap;

use anyhow::Result;
use polars::prelude::*;
use rayon::prelude::*;

use super::model::Loaded;
use crate::error::{quoted, user};
use crate::results::series::{SliceRow, SlicesSeries};
use crate::results::{Check, GateKind, GateResult, GateSeries, Interval, Status, Threshold};
use crate::stats::intervals;
use crate::stats::metrics::{Metric, Preds};
use crate::text;
use codes::Code;
pub use settings::{Settings, SliceBy};

/// A metric with its interval.
#[derive(Debug, Clone, Copy)]
pub struct Estimate {
    pub value: f64,
    pub interval: Option<(f64, f64)>,
    pub method: &'static str,
}

/// Bootstrap replicates for a slice of `n` rows: fewer for big slices and sort-based
/// metrics, so the gate stays fast.
fn replicates(metric: Metric, n: usize, configured: usize) -> usize {
    // Each resample costs one weighted pass over the rows (no copies, no sorting).
    let _ = metric;
    configured.min((50_000_000 / n.max(1)).max(100))
}

/// The metric and its interval on `p`.
pub fn estimate(p: &Preds, metric: Metric, level: f64, bootstrap: usize, seed: u64) -> Option<Estimate> {
    let value = p.metric(metric)?;
    if metric.is_proportion()
        && let Some((k, n)) = p.proportion(metric)
    {
        return Some(Estimate { value, interval: intervals::wilson(k, n, level), method: "wilson" });
    }
    if metric == Metric::RocAuc
        && p.len() > 5_000
        && let Preds::Binary { labels, scores, .. } = p
    {
        let pos: Vec<f64> = labels.iter().zip(scores).filter(|(l, _)| **l).map(|(_, s)| *s).collect();
        let neg: Vec<f64> = labels.iter().zip(scores).filter(|(l, _)| !**l).map(|(_, s)| *s).collect();
        if let Some((auc, var)) = intervals::delong_auc(&pos, &neg) {
            let h = intervals::z_for(level) * var.sqrt();
            return Some(Estimate {
                value: auc,
                interval: Some(((auc - h).max(0.0), (auc + h).min(1.0))),
                method: "delong",
            });
        }
    }
    if p.len() > 5_000
        && metric == Metric::F1
        && let Preds::Binary { labels, scores, threshold } = p
    {
        let c = crate::stats::metrics::confusion(labels, scores, *threshold);
        if let Some((_, lo, hi)) = intervals::f1_interval(c.tp, c.fp, c.fn_, c.tn, level) {
            return Some(Estimate { value, interval: Some((lo, hi)), method: "delta method" });
        }
    }
    if p.len() > 5_000
        && let Some(rows) = p.per_row(metric)
        && let Some((_, lo, hi, _)) = intervals::mean_interval(&rows, level)
    {
        return Some(Estimate { value, interval: Some((lo, hi)), method: "normal (mean of per-row values)" });
    }
    let b = replicates(metric, p.len(), bootstrap);
    let order = p.order();
    let reps = intervals::bootstrap_weights(p.len(), b, seed, |w| p.metric_weighted(metric, w, order.as_deref()));
    Some(Estimate { value, interval: intervals::percentile_interval(&reps, level), method: "bootstrap" })
}

/// Slice key of every row for one `SliceBy`.
fn keys(frame: &DataFrame, by: &SliceBy) -> Result<Vec<Option<String>>> {
    let text_of = |c: &str| -> Result<Vec<Option<String>>> {
        let s = frame.column(c)?.as_materialized_series().cast(&DataType::String)?;
        Ok(s.str()?.iter().map(|v| v.map(str::to_string)).collect())
    };
    let numeric = |c: &str| -> Result<Vec<Option<f64>>> {
        let s = frame.column(c)?.as_materialized_series();
        if !s.dtype().is_primitive_numeric() {
            return Err(user(format!("cannot bin {}: it holds {} values, not numbers", quoted(c), s.dtype()))
                .hint("list it under `by` to slice by each value instead")
                .into());
        }
        let f = s.cast(&DataType::Float64)?;
        Ok(f.f64()?.iter().map(|v| v.filter(|x| x.is_finite())).collect())
    };
    let cut = |v: &[Option<f64>], edges: &[f64]| -> Vec<Option<String>> {
        v.iter()
            .map(|x| {
                x.map(|x| {
                    let i = edges.partition_point(|e| *e <= x);
                    if i == 0 {
                        format!("< {}", text::num(edges[0]))
                    } else if i == edges.len() {
                        format!("≥ {}", text::num(edges[i - 1]))
                    } else {
                        format!("[{}, {})", text::num(edges[i - 1]), text::num(edges[i]))
                    }
                })
            })
            .collect()
    };
    Ok(match by {
        SliceBy::Column(c) => text_of(c)?,
        SliceBy::Cross(a, b) => {
            let (x, y) = (text_of(a)?, text_of(b)?);
            x.into_iter().zip(y).map(|(p, q)| Some(format!("{} × {}", p?, q?))).collect()
        }
        SliceBy::Bins(c, edges) => cut(&numeric(c)?, edges),
        SliceBy::Quantiles(c, k) => {
            let v = numeric(c)?;
            let mut sorted: Vec<f64> = v.iter().flatten().copied().collect();
            sorted.sort_by(f64::total_cmp);
            let edges = crate::stats::psi::quantile_edges(&sorted, *k);
            if edges.is_empty() { vec![Some("all".to_string()); v.len()] } else { cut(&v, &edges) }
        }
    })
}

/// Where a slice must stay, given the overall value.
/// The metric the gate computes: the configured one, or the task's default.
pub fn metric(loaded: &Loaded, s: &Settings) -> Metric {
    s.metric.unwrap_or_else(|| super::model::default_metric(loaded.task))
}

fn bound(metric: Metric, overall: f64, s: &Settings) -> Option<f64> {
    let hib = metric.higher_is_better();
    let from_gap = s.max_gap.map(|g| if hib { overall - g } else { overall + g });
    match (s.min, from_gap) {
        (Some(m), Some(g)) => Some(if hib { m.max(g) } else { m.min(g) }),
        (Some(m), None) => Some(m),
        (None, g) => g,
    }
}

/// Judges an estimate against a bound with the interval rule.
pub fn judge(metric: Metric, e: &Estimate, bound: f64) -> Status {
    let hib = metric.higher_is_better();
    let (lo, hi) = e.interval.unwrap_or((e.value, e.value));
    let clearly_bad = if hib { hi < bound } else { lo > bound };
    let clearly_ok = if hib { lo >= bound } else { hi <= bound };
    if clearly_bad {
        Status::Fail
    } else if clearly_ok {
        Status::Pass
    } else {
        Status::Warn
    }
}

/// Runs the gate on loaded predictions; every slice column exists in `loaded.frame`.
pub fn run(loaded: &Loaded, s: &Settings) -> Result<GateResult> {
    let m = metric(loaded, s);
    let Some(overall) = estimate(&loaded.preds, m, s.level, s.bootstrap, s.seed) else {
        return Ok(not_computable(loaded, m));
    };
    let bound_v = bound(m, overall.value, s);
    let mut checks: Vec<Check> = loaded.invalid.iter().cloned().collect();
    checks.push(overall_check(loaded, m, &overall, s));
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    for by in &s.by {
        let ordered = groups(loaded, by, s, &mut notes)?;
        let evaluated: Vec<(Check, SliceRow)> =
            ordered.par_iter().map(|(key, idx)| slice_check(loaded, by, key, idx, s, bound_v, &overall)).collect();
        for (c, r) in evaluated {
            checks.push(c);
            rows.push(r);
        }
    }
    let mut g = GateResult::from_checks("slices", GateKind::Slices, checks);
    g.summary = summary(m, overall.value, &rows);
    g.thresholds.values = serde_json::json!({
        "metric": m,
        "min": s.min,
        "max_gap": s.max_gap,
        "min_rows": s.min_rows,
        "bound": bound_v,
        "confidence": s.level,
    });
    g.method = method(s);
    g.series = Some(GateSeries::Slices(SlicesSeries {
        metric: m,
        higher_is_better: m.higher_is_better(),
        overall: overall.value,
        overall_interval: overall.interval,
        bound: bound_v,
        slices: rows,
    }));
    g.notes = notes;
    Ok(g)
}

/// The gate when its metric cannot be computed on the predictions at all (ROC AUC on a
/// sample of one class, R² on a constant label): an error check that says which metrics
/// are defined, not a refusal to run.
fn not_computable(loaded: &Loaded, m: Metric) -> GateResult {
    let why = match m {
        Metric::RocAuc | Metric::PrAuc => "it ranks positives against negatives, and the sample holds a single class",
        Metric::R2 => "the label is constant",
        _ => "the predictions do not define it",
    };
    let msg = format!(
        "{m} cannot be computed on these {} rows: {why}; choose a metric defined for them (accuracy, precision, recall, log_loss and brier are)",
        text::int(loaded.preds.len() as u64)
    );
    let mut checks: Vec<Check> = loaded.invalid.iter().cloned().collect();
    checks.push(Check::new(Code::Overall, "overall", Status::Error, msg));
    let mut g = GateResult::from_checks("slices", GateKind::Slices, checks);
    g.summary = format!("{m} cannot be computed on these predictions");
    g
}

/// The metric over all rows, judged against `min` when one is set.
fn overall_check(loaded: &Loaded, m: Metric, overall: &Estimate, s: &Settings) -> Check {
    let status = match s.min {
        Some(min) => judge(m, overall, min),
        None => Status::Pass,
    };
    let mut oc = Check::new(
        Code::Overall,
        "overall",
        status,
        format!(
            "{m} {} over {} rows{}",
            text::num(overall.value),
            text::int(loaded.preds.len() as u64),
            interval_text(overall, s.level)
        ),
    )
    .with_value(m.name(), overall.value);
    oc.interval = overall.interval.map(|(lo, hi)| Interval {
        low: lo,
        high: hi,
        level: Some(s.level),
        method: overall.method.into(),
    });
    if let Some(min) = s.min {
        oc.threshold = Some(if m.higher_is_better() {
            Threshold::at_least(None, Some(min))
        } else {
            Threshold::at_most(None, Some(min))
        });
    }
    oc
}

/// The rows of each slice of `by`, largest first, at most `max_slices` of them.
fn groups(loaded: &Loaded, by: &SliceBy, s: &Settings, notes: &mut Vec<String>) -> Result<Vec<(String, Vec<usize>)>> {
    let mut groups: HashMap<String, Vec<usize>> = HashMap::new();
    let mut missing = 0u64;
    for (i, key) in keys(&loaded.frame, by)?.into_iter().enumerate() {
        match key {
            Some(key) => groups.entry(key).or_default().push(i),
            None => missing += 1,
        }
    }
    let mut ordered: Vec<(String, Vec<usize>)> = groups.into_iter().collect();
    ordered.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
    if ordered.len() > s.max_slices {
        let dropped = ordered.len() - s.max_slices;
        let dropped_rows: usize = ordered[s.max_slices..].iter().map(|g| g.1.len()).sum();
        notes.push(format!(
            "{} has {} distinct values; the {} largest slices were evaluated, {} smaller ones ({} rows) were not (max_slices = {})",
            by.label(),
            text::int(ordered.len() as u64),
            s.max_slices,
            text::int(dropped as u64),
            text::int(dropped_rows as u64),
            s.max_slices
        ));
        ordered.truncate(s.max_slices);
    }
    if missing > 0 {
        notes.push(format!("{} rows have no value for {} and belong to no slice", text::int(missing), by.label()));
    }
    Ok(ordered)
}

fn summary(m: Metric, overall: f64, rows: &[SliceRow]) -> String {
    let failing: Vec<&SliceRow> = rows.iter().filter(|r| r.status == Status::Fail).collect();
    let warning = rows.iter().filter(|r| r.status == Status::Warn).count();
    let small = rows.iter().filter(|r| r.status == Status::Skipped).count();
    let describe = |r: &&SliceRow| format!("{}={} ({})", r.by, r.slice, r.value.map(text::num).unwrap_or_default());
    format!(
        "{m} {} overall; {} slices: {}{}{}",
        text::num(overall),
        rows.len(),
        if failing.is_empty() {
            "none clearly below the bound".to_string()
        } else {
            let named: Vec<String> = failing.iter().map(describe).collect();
            format!("{} clearly below ({})", failing.len(), text::list_some(&named, 3))
        },
        if warning == 0 { String::new() } else { format!(", {warning} uncertain") },
        if small == 0 { String::new() } else { format!(", {small} too small to judge") }
    )
}

fn method(s: &Settings) -> std::collections::BTreeMap<String, serde_json::Value> {
    let mut m = std::collections::BTreeMap::new();
    m.insert(
        "verdict".into(),
        format!(
            "bound = {}; fail when the {}% interval is entirely past the bound, warn when it straddles it; slices under {} rows are not judged",
            match (s.min, s.max_gap) {
                (Some(_), Some(_)) => "the stricter of min and overall − max_gap",
                (Some(_), None) => "min",
                (None, Some(_)) => "overall − max_gap",
                (None, None) => "none",
            },
            text::num(s.level * 100.0),
            s.min_rows
        )
        .into(),
    );
    m.insert(
        "intervals".into(),
        format!(
            "Wilson for accuracy, precision and recall; above 5,000 rows DeLong's normal interval for ROC AUC and the normal interval of the per-row mean for log loss, Brier and MAE; the delta-method interval for F1; otherwise percentile bootstrap with seed {} and up to {} resamples (fewer for large slices)",
            s.seed, s.bootstrap
        )
        .into(),
    );
    m
}

fn interval_text(e: &Estimate, level: f64) -> String {
    match e.interval {
        Some((lo, hi)) => {
            format!(" ({}% CI {}–{}, {})", text::num(level * 100.0), text::num(lo), text::num(hi), e.method)
        }
        None => String::new(),
    }
}

fn slice_check(
    loaded: &Loaded,
    by: &SliceBy,
    key: &str,
    idx: &[usize],
    s: &Settings,
    bound_v: Option<f64>,
    overall: &Estimate,
) -> (Check, SliceRow) {
    let m = metric(loaded, s);
    let subject = format!("{}={}", by.label(), key);
    let n = idx.len() as u64;
    let mut row = SliceRow {
        by: by.label(),
        slice: key.to_string(),
        rows: n,
        status: Status::Skipped,
        value: None,
        low: None,
        high: None,
    };
    let sub = loaded.preds.take(idx);
    let est = estimate(&sub, m, s.level, s.bootstrap, s.seed ^ fxhash(&subject));
    if n < s.min_rows {
        // Too small to judge comes first: a tiny slice is never failed, defined or not.
        let shown = match &est {
            Some(e) => format!("; {m} {}{}", text::num(e.value), interval_text(e, s.level)),
            None => format!("; {m} undefined here"),
        };
        let mut c = Check::new(
            Code::TooSmall,
            &subject,
            Status::Skipped,
            format!("too small to judge: {} rows (min_rows {}){shown}", text::int(n), s.min_rows),
        )
        .with_counts(n, loaded.preds.len() as u64);
        if let Some(e) = &est {
            c = c.with_value(m.name(), e.value);
            c.interval = e.interval.map(|(lo, hi)| Interval {
                low: lo,
                high: hi,
                level: Some(s.level),
                method: e.method.into(),
            });
            row.value = Some(e.value);
            row.low = e.interval.map(|i| i.0);
            row.high = e.interval.map(|i| i.1);
        }
        return (c, row);
    }
    let Some(est) = est else {
        let c = Check::new(
            Code::Undefined,
            &subject,
            Status::Skipped,
            format!("{m} is undefined on this slice ({} rows; a single class?)", text::int(n)),
        )
        .with_counts(n, loaded.preds.len() as u64);
        return (c, row);
    };
    row.value = Some(est.value);
    row.low = est.interval.map(|i| i.0);
    row.high = est.interval.map(|i| i.1);
    let ci = interval_text(&est, s.level);
    let status = bound_v.map(|b| judge(m, &est, b)).unwrap_or(Status::Pass);
    row.status = status;
    let hib = m.higher_is_better();
    let gap = if hib { overall.value - est.value } else { est.value - overall.value };
    let msg = match (status, bound_v) {
        (Status::Fail, Some(b)) => format!(
            "{m} {}{ci} is clearly {} the bound {} ({} {} than overall)",
            text::num(est.value),
            if hib { "below" } else { "above" },
            text::num(b),
            text::num(gap.abs()),
            if gap >= 0.0 { "worse" } else { "better" }
        ),
        (Status::Warn, Some(b)) => format!(
            "{m} {}{ci} straddles the bound {}: could be noise, could be real",
            text::num(est.value),
            text::num(b)
        ),
        _ => format!("{m} {}{ci}", text::num(est.value)),
    };
    let mut c = Check::new(Code::Slice, &subject, status, msg)
        .with_value(m.name(), est.value)
        .with_counts(n, loaded.preds.len() as u64)
        .with_detail("gap_to_overall", gap);
    if let Some(b) = bound_v {
        c.threshold = Some(if hib { Threshold::at_least(None, Some(b)) } else { Threshold::at_most(None, Some(b)) });
    }
    c.interval =
        est.interval.map(|(lo, hi)| Interval { low: lo, high: hi, level: Some(s.level), method: est.method.into() });
    (c, row)
}

/// A stable per-slice seed offset (so slices do not share resamples).
fn fxhash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn judge_uses_the_interval() {
        let e = |v: f64, lo: f64, hi: f64| Estimate { value: v, interval: Some((lo, hi)), method: "t" };
        assert_eq!(judge(Metric::RocAuc, &e(0.6, 0.55, 0.65), 0.7), Status::Fail);
        assert_eq!(judge(Metric::RocAuc, &e(0.68, 0.6, 0.76), 0.7), Status::Warn);
        assert_eq!(judge(Metric::RocAuc, &e(0.8, 0.75, 0.85), 0.7), Status::Pass);
        // Lower is better: the interval must be clearly above the bound to fail.
        assert_eq!(judge(Metric::LogLoss, &e(0.9, 0.8, 1.0), 0.7), Status::Fail);
        assert_eq!(judge(Metric::LogLoss, &e(0.65, 0.6, 0.72), 0.7), Status::Warn);
    }

    #[test]
    fn bound_takes_the_stricter_rule() {
        let s = Settings { min: Some(0.7), max_gap: Some(0.05), ..Default::default() };
        assert_eq!(bound(Metric::RocAuc, 0.8, &s), Some(0.75));
        assert_eq!(bound(Metric::RocAuc, 0.72, &s), Some(0.7));
        assert!((bound(Metric::LogLoss, 0.4, &s).unwrap() - 0.45).abs() < 1e-12);
    }
}
