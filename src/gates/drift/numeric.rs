//! Numeric columns: PSI over reference-quantile bins (or Evidently's Sturges bins), the
//! normalised Wasserstein distance and the two-sample KS test — exactly on sorted values,
//! or from histogram buckets when a side is a profile.

use super::codes::Code;
use super::column::{NumValues, NumericData};
use super::compare::{Tested, bin_stats, finite, info_or, js_check, psi_check, share, skip, top_bin};
use super::settings::{CompareSettings, FeatureThresholds};
use crate::results::series::{FeatureRow, HistSeries};
use crate::results::{Check, Interval, Levels, Status};
use crate::stats::ecdf::Distances;
use crate::stats::{grid, hist, ks};
use crate::text;

/// Compares a numeric column; returns the KS test for the significance step.
#[allow(clippy::too_many_arguments)]
pub(super) fn numeric(
    name: &str,
    a: &NumericData,
    b: &NumericData,
    th: &FeatureThresholds,
    s: &CompareSettings,
    row: &mut FeatureRow,
    checks: &mut Vec<Check>,
) -> Option<Tested> {
    if a.finite() == 0 || b.finite() == 0 {
        let side = if a.finite() == 0 { "reference" } else { "current" };
        skip(name, checks, row, format!("not comparable: the {side} has no finite values (all null, NaN or infinite)"));
        return None;
    }
    let sorted = a.exact().zip(b.exact());
    let grids = a.grid().zip(b.grid());
    if sorted.is_none()
        && let Some(why) = not_paired(a, b, grids)
    {
        skip(name, checks, row, why);
        return None;
    }
    let paired = grids.map(|(ga, gb)| {
        let (a0, a1) = a.min_max().unwrap_or((f64::NAN, f64::NAN));
        let (b0, b1) = b.min_max().unwrap_or((f64::NAN, f64::NAN));
        grid::Paired { a: ga, b: gb, min: a0.min(b0), max: a1.max(b1) }
    });
    // PSI and JS over bins.
    let bins = match (sorted, grids) {
        (Some((ra, cb)), _) => super::bins::exact(ra, cb, a, b, s),
        (None, Some((ga, gb))) => match super::bins::grid(ga, gb, s) {
            Ok(b) => b,
            Err(why) => {
                skip(name, checks, row, why);
                return None;
            }
        },
        (None, None) => super::bins::binned(a, b, s),
    };
    let nbins = bins.reference.len();
    let (psi_value, js_value, series) = bin_stats(bins.labels, &bins.reference, &bins.current, &bins.outer, s);
    row.psi = finite(psi_value);
    row.js = finite(js_value);
    let top = top_bin(&series);
    checks.push(psi_check(name, psi_value, th, nbins, top.as_deref()));
    checks.push(js_check(name, js_value, th));
    row.bins = Some(series);
    // Exact KS and Wasserstein come out of one merge of the sorted values.
    let exact = sorted.map(|(ra, cb)| ra.distances(&cb));
    let w1 = match (&exact, &paired) {
        (Some(d), _) => d.w1,
        (None, Some(p)) => p.wasserstein(),
        (None, None) => hist::align(&a.hist(), &b.hist()).wasserstein(),
    };
    let w = wasserstein_check(name, a, b, w1, th, s, row);
    // The distance is an effect size of the same difference KS tests: judged only when the
    // test finds the difference significant, so small samples do not fail on noise.
    let also: Vec<(usize, f64, Levels)> = match (w.status, w.value) {
        (Status::Skipped, _) | (_, None) => vec![],
        (_, Some(v)) => vec![(checks.len(), v, th.wasserstein)],
    };
    checks.push(w);
    checks.push(ks_check(name, a, b, exact, paired.as_ref(), th, row));
    row.histogram = Some(display_hist(a, b));
    let (p, d) = (row.p_value.unwrap_or(f64::NAN), row.ks.unwrap_or(f64::NAN));
    Some(Tested { idx: checks.len() - 1, p, effect: d, levels: th.ks, also })
}

/// The Wasserstein distance `w`, normalised by the reference's spread.
fn wasserstein_check(
    name: &str,
    a: &NumericData,
    b: &NumericData,
    w: f64,
    th: &FeatureThresholds,
    s: &CompareSettings,
    row: &mut FeatureRow,
) -> Check {
    let (mean_ref, std_ref) = a.mean_std();
    // A constant reference has no spread to measure by: the spread of both samples
    // together stands in, so a feature that was constant in training and now varies is
    // still judged.
    let (norm, unit) = if s.evidently {
        (std_ref.max(0.001), "reference standard deviations")
    } else if std_ref > 0.0 {
        (std_ref, "reference standard deviations")
    } else {
        let (mean_cur, std_cur) = b.mean_std();
        let pooled = pooled_std((a.finite(), mean_ref, std_ref), (b.finite(), mean_cur, std_cur));
        (pooled, "standard deviations of both samples together (the reference is constant)")
    };
    if !(norm > 0.0 && norm.is_finite()) {
        return Check::new(
            Code::Wasserstein,
            name,
            Status::Pass,
            format!("Wasserstein distance {}: both samples hold the same single value", text::num(w)),
        )
        .with_value("wasserstein_norm", 0.0)
        .with_threshold(th.wasserstein.threshold());
    }
    let wn = w / norm;
    row.wasserstein = finite(wn);
    Check::new(
        Code::Wasserstein,
        name,
        info_or(&th.wasserstein, wn),
        format!("Wasserstein distance {} {unit} ({} in the column's units)", text::num(wn), text::num(w)),
    )
    .with_value("wasserstein_norm", wn)
    .with_threshold(th.wasserstein.threshold())
    .with_detail("wasserstein", w)
    .with_detail("reference_std", std_ref)
}

/// The population standard deviation of two samples taken together, from each one's
/// `(count, mean, population std)`.
fn pooled_std((n1, m1, s1): (u64, f64, f64), (n2, m2, s2): (u64, f64, f64)) -> f64 {
    let (n1, n2) = (n1 as f64, n2 as f64);
    let n = n1 + n2;
    if n == 0.0 {
        return f64::NAN;
    }
    let m = (n1 * m1 + n2 * m2) / n;
    ((n1 * (s1 * s1 + (m1 - m).powi(2)) + n2 * (s2 * s2 + (m2 - m).powi(2))) / n).sqrt()
}

/// The two-sample KS test: exact on sorted values, or bounded from histogram buckets.
/// Its status is set once p-values are corrected across columns.
fn ks_check(
    name: &str,
    a: &NumericData,
    b: &NumericData,
    exact: Option<Distances>,
    paired: Option<&grid::Paired>,
    th: &FeatureThresholds,
    row: &mut FeatureRow,
) -> Check {
    let (n1, n2) = (a.finite() as usize, b.finite() as usize);
    let (d, p, method, interval) = match exact {
        Some(dist) => {
            let (p, method) = ks::p_value(dist.ks, n1, n2);
            (dist.ks, p, method, None)
        }
        None => {
            let (lo, hi) = match paired {
                Some(p) => p.ks_bounds(),
                None => hist::align(&a.hist(), &b.hist()).ks_bounds(),
            };
            let (p, m) = ks::p_value(lo, n1, n2);
            (lo, p, m, Some(Interval { low: lo, high: hi, level: None, method: "bound".into() }))
        }
    };
    row.ks = finite(d);
    row.p_value = finite(p);
    let mut c = Check::new(Code::Ks, name, Status::Pass, String::new())
        .with_value("ks_statistic", d)
        .with_threshold(th.ks.threshold())
        .with_detail("p_method", method)
        .with_detail("n_reference", n1)
        .with_detail("n_current", n2);
    c.p_value = finite(p);
    c.interval = interval;
    c
}

/// 20 equal-width bins over the central 99% of both sides, ends open.
fn display_hist(a: &NumericData, b: &NumericData) -> HistSeries {
    let (qa, qb) = (a.quantiles(&[0.005, 0.995]), b.quantiles(&[0.005, 0.995]));
    let lo = qa[0].min(qb[0]);
    let hi = qa[1].max(qb[1]);
    let bins = if hi > lo { 20 } else { 1 };
    let width = if hi > lo { (hi - lo) / bins as f64 } else { 1.0 };
    let edges: Vec<f64> = (0..=bins).map(|i| lo + width * i as f64).collect();
    let place = |x: f64| -> usize {
        if hi <= lo || hi.is_nan() || lo.is_nan() {
            return 0;
        }
        (((x - lo) / width).floor().max(0.0) as usize).min(bins - 1)
    };
    let fill = |d: &NumericData| -> Vec<f64> {
        let counts = match (&d.values, d.exact()) {
            // `place` never decreases along sorted values.
            (_, Some(e)) => e.count_monotone(bins, place),
            (NumValues::Profile(p), None) if p.hist.is_empty() => {
                let mut counts = vec![0u64; bins];
                if let (Some(g), Some(lo), Some(hi)) = (&p.grid, p.min, p.max) {
                    for ((a, b), &c) in g.spans(lo, hi).into_iter().zip(&g.counts) {
                        counts[place((a + b) / 2.0)] += c;
                    }
                }
                counts
            }
            (NumValues::Profile(p), None) => {
                let mut counts = vec![0u64; bins];
                for (k, c) in p.hist.sorted() {
                    let mid = (p.hist.lower(k) + p.hist.upper(k)) / 2.0;
                    counts[place(mid)] += c;
                }
                counts
            }
            _ => vec![0u64; bins],
        };
        let n: u64 = counts.iter().sum();
        counts.iter().map(|&c| share(c, n)).collect()
    };
    HistSeries { edges, reference: fill(a), current: fill(b) }
}

/// Why two profiled sides cannot be compared bin for bin: one was counted over a
/// reference's cuts and the other was not, or they were counted over different cuts.
fn not_paired(a: &NumericData, b: &NumericData, grids: Option<(&grid::Grid, &grid::Grid)>) -> Option<String> {
    match grids {
        Some((ga, gb)) if !ga.same_cuts(gb) => Some(
            "not comparable: the two profiles were counted over different cuts; profile the current data against this reference (`mlgate profile DATA --edges-from REFERENCE`, or --sql with --edges-from)".into(),
        ),
        Some(_) => None,
        None if a.grid().is_some() || b.grid().is_some() => Some(
            "not comparable: one side was counted over a reference's cuts (a pushed-down or --edges-from profile) and the other was not; profile the other side with `mlgate profile DATA --edges-from REFERENCE`".into(),
        ),
        None => None,
    }
}
