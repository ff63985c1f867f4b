//! Numeric columns: PSI over reference-quantile bins (or Evidently's Sturges bins), the
//! normalised Wasserstein distance and the two-sample KS test — exactly on sorted values,
//! or from histogram buckets when a side is a profile.

use super::codes::Code;
use super::column::{NumValues, NumericData};
use super::compare::{bin_stats, finite, info_or, js_check, psi_check, share, skip, top_bin};
use super::settings::{CompareSettings, FeatureThresholds};
use crate::results::series::{BinSeries, FeatureRow, HistSeries};
use crate::results::{Check, Interval, Levels, Status};
use crate::stats::{hist, ks, psi, wasserstein};
use crate::text;

fn edge_labels(edges: &[f64]) -> Vec<String> {
    let mut out = Vec::with_capacity(edges.len() + 1);
    if edges.is_empty() {
        return vec!["all".into()];
    }
    out.push(format!("< {}", text::num(edges[0])));
    for w in edges.windows(2) {
        out.push(format!("[{}, {})", text::num(w[0]), text::num(w[1])));
    }
    out.push(format!("≥ {}", text::num(edges[edges.len() - 1])));
    out
}

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
) -> Option<(usize, f64, f64, Levels)> {
    if a.finite() == 0 || b.finite() == 0 {
        let side = if a.finite() == 0 { "reference" } else { "current" };
        skip(name, checks, row, format!("not comparable: the {side} has no finite values (all null, NaN or infinite)"));
        return None;
    }
    let sorted = match (&a.values, &b.values) {
        (NumValues::Sorted(ra), NumValues::Sorted(cb)) => Some((ra.as_slice(), cb.as_slice())),
        _ => None,
    };
    // PSI and JS over bins.
    let (psi_value, js_value, series, nbins) = match sorted {
        Some((ra, cb)) => exact_bins(ra, cb, a, b, s),
        None => binned_bins(a, b, s),
    };
    row.psi = finite(psi_value);
    row.js = finite(js_value);
    let top = top_bin(&series);
    checks.push(psi_check(name, psi_value, th, nbins, top.as_deref()));
    checks.push(js_check(name, js_value, th));
    row.bins = Some(series);
    checks.push(wasserstein_check(name, a, b, sorted, th, s, row));
    checks.push(ks_check(name, a, b, sorted, th, row));
    row.histogram = Some(display_hist(a, b));
    let (p, d) = (row.p_value.unwrap_or(f64::NAN), row.ks.unwrap_or(f64::NAN));
    Some((checks.len() - 1, p, d, th.ks))
}

/// The Wasserstein distance, normalised by the reference's spread.
fn wasserstein_check(
    name: &str,
    a: &NumericData,
    b: &NumericData,
    sorted: Option<(&[f64], &[f64])>,
    th: &FeatureThresholds,
    s: &CompareSettings,
    row: &mut FeatureRow,
) -> Check {
    let (_, std_ref) = a.mean_std();
    let w = match sorted {
        Some((ra, cb)) => wasserstein::w1_sorted(ra, cb),
        None => hist::align(&a.hist(), &b.hist()).wasserstein(),
    };
    let norm = if s.evidently { std_ref.max(0.001) } else { std_ref };
    if !(norm > 0.0 && norm.is_finite()) {
        return Check::new(
            Code::Wasserstein,
            name,
            Status::Skipped,
            format!(
                "not comparable: the reference is constant, so the distance cannot be normalised (raw distance {})",
                text::num(w)
            ),
        );
    }
    let wn = w / norm;
    row.wasserstein = finite(wn);
    Check::new(
        Code::Wasserstein,
        name,
        info_or(&th.wasserstein, wn),
        format!(
            "Wasserstein distance {} reference standard deviations ({} in the column's units)",
            text::num(wn),
            text::num(w)
        ),
    )
    .with_value("wasserstein_norm", wn)
    .with_threshold(th.wasserstein.threshold())
    .with_detail("wasserstein", w)
    .with_detail("reference_std", std_ref)
}

/// The two-sample KS test: exact on sorted values, or bounded from histogram buckets.
/// Its status is set once p-values are corrected across columns.
fn ks_check(
    name: &str,
    a: &NumericData,
    b: &NumericData,
    sorted: Option<(&[f64], &[f64])>,
    th: &FeatureThresholds,
    row: &mut FeatureRow,
) -> Check {
    let (n1, n2) = (a.finite() as usize, b.finite() as usize);
    let (d, p, method, interval) = match sorted {
        Some((ra, cb)) => {
            let r = ks::ks_2samp_sorted(ra, cb);
            (r.statistic, r.p_value, r.method, None)
        }
        None => {
            let (lo, hi) = hist::align(&a.hist(), &b.hist()).ks_bounds();
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

/// PSI bins from sorted exact data.
fn exact_bins(
    ra: &[f64],
    cb: &[f64],
    a: &NumericData,
    b: &NumericData,
    s: &CompareSettings,
) -> (f64, f64, BinSeries, usize) {
    let distinct_ref = count_distinct_up_to(ra, 21);
    if s.evidently {
        if distinct_ref > 20 {
            let lo = ra[0].min(cb[0]);
            let hi = ra[ra.len() - 1].max(cb[cb.len() - 1]);
            // pandas keeps an integer dtype only when the column had no missing values.
            let integer = a.integer && b.integer && a.nulls + b.nulls == 0;
            let edges = psi::sturges_edges(lo, hi, ra.len() + cb.len(), integer);
            let rc = psi::numpy_hist_counts(ra, &edges);
            let cc = psi::numpy_hist_counts(cb, &edges);
            let mut labels: Vec<String> =
                edges.windows(2).map(|w| format!("[{}, {})", text::num(w[0]), text::num(w[1]))).collect();
            if let Some(l) = labels.last_mut() {
                *l = l.replace(')', "]");
            }
            let n = rc.len();
            let (p, j, series) = bin_stats(labels, &rc, &cc, s);
            return (p, j, series, n);
        }
        // One bin per value seen on either side.
        let mut values: Vec<f64> = ra.iter().chain(cb.iter()).copied().collect();
        values.sort_by(f64::total_cmp);
        values.dedup();
        let count = |v: &[f64], x: f64| (v.partition_point(|y| *y <= x) - v.partition_point(|y| *y < x)) as u64;
        let rc: Vec<u64> = values.iter().map(|&x| count(ra, x)).collect();
        let cc: Vec<u64> = values.iter().map(|&x| count(cb, x)).collect();
        let labels = values.iter().map(|v| text::num(*v)).collect();
        let n = rc.len();
        let (p, j, series) = bin_stats(labels, &rc, &cc, s);
        return (p, j, series, n);
    }
    let edges = if distinct_ref <= 20 {
        let mut v = ra.to_vec();
        v.dedup();
        v
    } else {
        psi::quantile_edges(ra, s.bins)
    };
    let rc = psi::count_left_closed(ra, &edges);
    let cc = psi::count_left_closed(cb, &edges);
    let n = rc.len();
    let (p, j, series) = bin_stats(edge_labels(&edges), &rc, &cc, s);
    (p, j, series, n)
}

fn count_distinct_up_to(sorted: &[f64], cap: usize) -> usize {
    let mut n = 0;
    let mut prev: Option<f64> = None;
    for &v in sorted {
        if prev != Some(v) {
            n += 1;
            if n >= cap {
                return n;
            }
            prev = Some(v);
        }
    }
    n
}

/// PSI bins from histograms: edges on bucket boundaries so both sides' counts are exact.
fn binned_bins(a: &NumericData, b: &NumericData, s: &CompareSettings) -> (f64, f64, BinSeries, usize) {
    let mut ha = a.hist();
    let mut hb = b.hist();
    let level = ha.level().max(hb.level());
    ha.coarsen_to(level);
    hb.coarsen_to(level);
    let sorted = ha.sorted();
    let edges: Vec<f64> = if level == 0 && sorted.len() <= 20 {
        sorted.iter().map(|(k, _)| ha.lower(*k)).collect()
    } else {
        let n: u64 = sorted.iter().map(|(_, c)| c).sum();
        let mut cum = Vec::with_capacity(sorted.len());
        let mut acc = 0u64;
        for (_, c) in &sorted {
            acc += c;
            cum.push(acc);
        }
        let mut edges = Vec::new();
        for i in 1..s.bins {
            let target = n as f64 * i as f64 / s.bins as f64;
            // The bucket boundary whose cumulative count is closest to the target rank.
            let j = cum.partition_point(|&c| (c as f64) < target);
            let cand = [j.saturating_sub(1), j.min(cum.len() - 1)];
            let best = cand
                .iter()
                .min_by(|x, y| ((cum[**x] as f64) - target).abs().total_cmp(&((cum[**y] as f64) - target).abs()))
                .copied()
                .unwrap_or(0);
            if best + 1 < sorted.len() {
                edges.push(ha.upper(sorted[best].0));
            }
        }
        edges.sort_by(f64::total_cmp);
        edges.dedup();
        edges
    };
    let rc = ha.count_left_closed(&edges);
    let cc = hb.count_left_closed(&edges);
    let n = rc.len();
    let (p, j, series) = bin_stats(edge_labels(&edges), &rc, &cc, s);
    (p, j, series, n)
}

/// 20 equal-width bins over the central 99% of both sides, ends open.
fn display_hist(a: &NumericData, b: &NumericData) -> HistSeries {
    let lo = a.quantile(0.005).min(b.quantile(0.005));
    let hi = a.quantile(0.995).max(b.quantile(0.995));
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
        let mut counts = vec![0u64; bins];
        match &d.values {
            NumValues::Sorted(v) => v.iter().for_each(|&x| counts[place(x)] += 1),
            NumValues::Profile(p) => {
                for (k, c) in p.hist.sorted() {
                    let mid = (p.hist.lower(k) + p.hist.upper(k)) / 2.0;
                    counts[place(mid)] += c;
                }
            }
        }
        let n: u64 = counts.iter().sum();
        counts.iter().map(|&c| share(c, n)).collect()
    };
    HistSeries { edges, reference: fill(a), current: fill(b) }
}
