//! Comparing one column between reference and current: every drift statistic, its check,
//! and the row the reports chart.

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

use super::column::{CatData, ColumnData, NumValues, NumericData};
pub use crate::results::series::{BinSeries, ColumnKind, FeatureRow, HistSeries, Role};
use crate::results::{Check, Interval, Status};
use crate::stats::hist;
use crate::stats::psi::{self, EmptyBins};
use crate::stats::{chi2, ks, wasserstein};
use crate::text;

/// Check codes of the drift gate.
pub mod code {
    pub const PSI: &str = "drift.psi";
    pub const KS: &str = "drift.ks";
    pub const CHI2: &str = "drift.chi2";
    pub const JS: &str = "drift.js";
    pub const WASSERSTEIN: &str = "drift.wasserstein";
    pub const NULL_RATE: &str = "drift.null-rate";
    pub const UNSEEN: &str = "drift.unseen-category";
    pub const TYPE_MISMATCH: &str = "drift.type-mismatch";
    pub const MISSING_COLUMN: &str = "drift.missing-column";
    pub const NOT_COMPARABLE: &str = "drift.not-comparable";
    pub const SAMPLE_SIZE: &str = "drift.sample-size";
    pub const IMPORTANCE: &str = "drift.importance";
}

pub use crate::results::Levels;

/// Thresholds applied to one column.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FeatureThresholds {
    pub psi: Levels,
    pub ks: Levels,
    pub wasserstein: Levels,
    pub js: Levels,
    pub chi2: Levels,
    pub null_rate: Levels,
    pub unseen: Levels,
}

impl Default for FeatureThresholds {
    fn default() -> Self {
        FeatureThresholds {
            psi: Levels::new(Some(0.1), Some(0.2)),
            ks: Levels::default(),
            wasserstein: Levels::default(),
            js: Levels::default(),
            chi2: Levels::default(),
            null_rate: Levels::new(Some(0.05), Some(0.10)),
            unseen: Levels::new(Some(0.01), Some(0.05)),
        }
    }
}

/// Statistic settings shared by every column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CompareSettings {
    pub bins: usize,
    pub empty_bins: EmptyBins,
    pub epsilon: f64,
    /// Reproduce Evidently's PSI, JS and Wasserstein exactly.
    pub evidently: bool,
}

/// The outcome for one column before multiple-testing correction.
#[derive(Debug, Clone)]
pub struct FeatureOutcome {
    pub row: FeatureRow,
    pub checks: Vec<Check>,
    /// Index in `checks` of the significance-tested check (KS or χ²), its raw p-value,
    /// effect size and levels; finished by [`finish_significance`].
    pub test: Option<(usize, f64, f64, Levels)>,
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// Compares one column.
pub fn compare(
    name: &str,
    role: Role,
    reference: Option<&ColumnData>,
    current: Option<&ColumnData>,
    th: &FeatureThresholds,
    s: &CompareSettings,
) -> FeatureOutcome {
    let mut row = FeatureRow { feature: name.to_string(), role, ..Default::default() };
    let mut checks = Vec::new();
    let (r, c) = match (reference, current) {
        (Some(r), Some(c)) => (r, c),
        (Some(_), None) | (None, Some(_)) | (None, None) => {
            let side = if reference.is_none() { "reference" } else { "current" };
            row.kind = ColumnKind::Missing;
            row.status = Status::Fail;
            row.note = Some(format!("not comparable: column is missing from {side}"));
            checks.push(Check::new(
                code::MISSING_COLUMN,
                name,
                Status::Fail,
                format!("not comparable: the column is missing from the {side} data"),
            ));
            return FeatureOutcome { row, checks, test: None };
        }
    };
    row.rows_reference = r.rows();
    row.rows_current = c.rows();
    row.missing_reference = share(r.missing(), r.rows());
    row.missing_current = share(c.missing(), c.rows());

    // Missing values first: they change even when the values that remain do not.
    let change = row.missing_current - row.missing_reference;
    checks.push(
        Check::new(
            code::NULL_RATE,
            name,
            th.null_rate.judge(change.abs()),
            format!(
                "missing {} → {} ({}{} points)",
                text::pct(row.missing_reference),
                text::pct(row.missing_current),
                if change >= 0.0 { "+" } else { "−" },
                text::num((change * 100.0).abs())
            ),
        )
        .with_value("missing_share_change", change.abs())
        .with_threshold(th.null_rate.threshold())
        .with_detail("reference", row.missing_reference)
        .with_detail("current", row.missing_current),
    );

    let mut test = None;
    match (r, c) {
        (ColumnData::Numeric(a), ColumnData::Numeric(b)) => {
            row.kind = ColumnKind::Numeric;
            test = numeric(name, a, b, th, s, &mut row, &mut checks);
        }
        (ColumnData::Categorical(a), ColumnData::Categorical(b)) => {
            row.kind = ColumnKind::Categorical;
            test = categorical(name, a, b, th, s, &mut row, &mut checks);
        }
        (ColumnData::Other { dtype, .. }, ColumnData::Other { .. }) => {
            row.kind = ColumnKind::Other;
            let lower = dtype.to_ascii_lowercase();
            let msg = if lower.contains("date") || lower.contains("time") {
                format!(
                    "not comparable: dates and timestamps ({dtype}) are not compared; they move with time by design"
                )
            } else {
                format!("not comparable: {dtype} columns are not compared")
            };
            row.note = Some(msg.clone());
            checks.push(Check::new(code::NOT_COMPARABLE, name, Status::Skipped, msg));
        }
        _ => {
            row.kind = ColumnKind::Mismatch;
            let msg = format!("not comparable: {} in reference, {} in current", r.kind_label(), c.kind_label());
            row.note = Some(msg.clone());
            checks.push(
                Check::new(code::TYPE_MISMATCH, name, Status::Fail, msg)
                    .with_detail("reference", r.kind_label())
                    .with_detail("current", c.kind_label()),
            );
        }
    }
    row.status = Status::worst(checks.iter().map(|c| c.status));
    FeatureOutcome { row, checks, test }
}

fn share(n: u64, d: u64) -> f64 {
    if d == 0 { 0.0 } else { n as f64 / d as f64 }
}

fn skip(name: &str, checks: &mut Vec<Check>, row: &mut FeatureRow, why: String) {
    row.note = Some(why.clone());
    checks.push(Check::new(code::NOT_COMPARABLE, name, Status::Skipped, why));
}

fn psi_check(name: &str, value: f64, th: &FeatureThresholds, bins: usize, top: Option<&str>) -> Check {
    let status = th.psi.judge(value);
    let mut msg = format!("PSI {} over {bins} bins", text::num(value));
    if let Some(t) = top {
        msg.push_str(&format!("; largest contribution from {t}"));
    }
    Check::new(code::PSI, name, status, msg).with_value("psi", value).with_threshold(th.psi.threshold())
}

fn info_or(levels: &Levels, v: f64) -> Status {
    levels.judge(v)
}

/// Bin shares on both sides, PSI with the empty-bin rule, JS on the raw shares.
fn bin_stats(labels: Vec<String>, rc: &[u64], cc: &[u64], s: &CompareSettings) -> (f64, f64, BinSeries) {
    let rule = if s.evidently { EmptyBins::Evidently } else { s.empty_bins };
    let rs = psi::shares(rc, rule, s.epsilon);
    let cs = psi::shares(cc, rule, s.epsilon);
    let (value, contribution) = psi::psi(&rs, &cs);
    let raw_r: Vec<f64> = rc.iter().map(|&x| x as f64).collect();
    let raw_c: Vec<f64> = cc.iter().map(|&x| x as f64).collect();
    let js = psi::js_distance(&raw_r, &raw_c);
    let nr: u64 = rc.iter().sum();
    let nc: u64 = cc.iter().sum();
    let series = BinSeries {
        labels,
        reference: rc.iter().map(|&x| share(x, nr)).collect(),
        current: cc.iter().map(|&x| share(x, nc)).collect(),
        contribution,
    };
    (value, js, series)
}

fn top_bin(series: &BinSeries) -> Option<String> {
    series.contribution.iter().enumerate().filter(|(_, c)| c.is_finite()).max_by(|a, b| a.1.total_cmp(b.1)).map(
        |(i, _)| {
            format!("bin {} ({} → {})", series.labels[i], text::pct(series.reference[i]), text::pct(series.current[i]))
        },
    )
}

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

#[allow(clippy::too_many_arguments)]
fn numeric(
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
    let exact = matches!((&a.values, &b.values), (NumValues::Sorted(_), NumValues::Sorted(_)));
    let (_, std_ref) = a.mean_std();

    // --- PSI and JS over bins -----------------------------------------------------------
    let (psi_value, js_value, series, nbins) = if exact {
        let (NumValues::Sorted(ra), NumValues::Sorted(cb)) = (&a.values, &b.values) else { unreachable!() };
        exact_bins(ra, cb, a, b, s)
    } else {
        binned_bins(a, b, s)
    };
    row.psi = finite(psi_value);
    row.js = finite(js_value);
    let top = top_bin(&series);
    checks.push(psi_check(name, psi_value, th, nbins, top.as_deref()));
    checks.push(
        Check::new(
            code::JS,
            name,
            info_or(&th.js, js_value),
            format!("Jensen–Shannon distance {}", text::num(js_value)),
        )
        .with_value("js_distance", js_value)
        .with_threshold(th.js.threshold()),
    );
    row.bins = Some(series);

    // --- Wasserstein, normalised by the reference's spread ------------------------------
    let w = if exact {
        let (NumValues::Sorted(ra), NumValues::Sorted(cb)) = (&a.values, &b.values) else { unreachable!() };
        wasserstein::w1_sorted(ra, cb)
    } else {
        hist::align(&a.hist(), &b.hist()).wasserstein()
    };
    let norm = if s.evidently { std_ref.max(0.001) } else { std_ref };
    if norm > 0.0 && norm.is_finite() {
        let wn = w / norm;
        row.wasserstein = finite(wn);
        checks.push(
            Check::new(
                code::WASSERSTEIN,
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
            .with_detail("reference_std", std_ref),
        );
    } else {
        checks.push(Check::new(
            code::WASSERSTEIN,
            name,
            Status::Skipped,
            format!(
                "not comparable: the reference is constant, so the distance cannot be normalised (raw distance {})",
                text::num(w)
            ),
        ));
    }

    // --- Kolmogorov–Smirnov --------------------------------------------------------------
    let (n1, n2) = (a.finite() as usize, b.finite() as usize);
    let (d, p, method, interval) = if exact {
        let (NumValues::Sorted(ra), NumValues::Sorted(cb)) = (&a.values, &b.values) else { unreachable!() };
        let r = ks::ks_2samp_sorted(ra, cb);
        (r.statistic, r.p_value, r.method, None)
    } else {
        let (lo, hi) = hist::align(&a.hist(), &b.hist()).ks_bounds();
        let (p, m) = ks::p_value(lo, n1, n2);
        (lo, p, m, Some(Interval { low: lo, high: hi, level: None, method: "bound".into() }))
    };
    row.ks = finite(d);
    row.p_value = finite(p);
    let mut c = Check::new(code::KS, name, Status::Pass, String::new())
        .with_value("ks_statistic", d)
        .with_threshold(th.ks.threshold())
        .with_detail("p_method", method)
        .with_detail("n_reference", n1)
        .with_detail("n_current", n2);
    c.p_value = finite(p);
    c.interval = interval;
    checks.push(c);
    row.histogram = Some(display_hist(a, b));
    Some((checks.len() - 1, p, d, th.ks))
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

#[allow(clippy::too_many_arguments)]
fn categorical(
    name: &str,
    a: &CatData,
    b: &CatData,
    th: &FeatureThresholds,
    s: &CompareSettings,
    row: &mut FeatureRow,
    checks: &mut Vec<Check>,
) -> Option<(usize, f64, f64, Levels)> {
    if a.capped || b.capped {
        skip(
            name,
            checks,
            row,
            format!(
                "not comparable: more than {} distinct values (an identifier or free text?); exclude the column or bucket it",
                text::int(crate::profile::STREAM_CATEGORY_CAP as u64)
            ),
        );
        return None;
    }
    let na: u64 = a.counts.values().sum::<u64>() + a.other;
    let nb: u64 = b.counts.values().sum::<u64>() + b.other;
    if a.counts.len() > 100 && a.counts.len() as f64 > 0.5 * na as f64 {
        skip(
            name,
            checks,
            row,
            format!(
                "not comparable: {} of {} reference values are distinct (an identifier or free text?); exclude the column or bucket it",
                text::int(a.counts.len() as u64),
                text::int(na)
            ),
        );
        return None;
    }
    if na == 0 || nb == 0 {
        let side = if na == 0 { "reference" } else { "current" };
        skip(name, checks, row, format!("not comparable: the {side} has no non-null values"));
        return None;
    }
    // Categories in a stable order: by reference frequency, then current-only by frequency.
    let mut keys: Vec<&String> = a.counts.keys().chain(b.counts.keys()).collect::<BTreeSet<_>>().into_iter().collect();
    keys.sort_by(|x, y| {
        let (ax, ay) = (a.counts.get(*x).copied().unwrap_or(0), a.counts.get(*y).copied().unwrap_or(0));
        let (bx, by) = (b.counts.get(*x).copied().unwrap_or(0), b.counts.get(*y).copied().unwrap_or(0));
        ay.cmp(&ax).then(by.cmp(&bx)).then(x.cmp(y))
    });
    let rc: Vec<u64> = keys.iter().map(|k| a.counts.get(*k).copied().unwrap_or(0)).collect();
    let cc: Vec<u64> = keys.iter().map(|k| b.counts.get(*k).copied().unwrap_or(0)).collect();
    let labels: Vec<String> = keys.iter().map(|k| text::clip(k, 60)).collect();
    let (psi_value, js_value, series) = bin_stats(labels, &rc, &cc, s);
    row.psi = finite(psi_value);
    row.js = finite(js_value);
    let top = top_bin(&series);
    checks.push(psi_check(name, psi_value, th, keys.len(), top.as_deref()));
    checks.push(
        Check::new(
            code::JS,
            name,
            info_or(&th.js, js_value),
            format!("Jensen–Shannon distance {}", text::num(js_value)),
        )
        .with_value("js_distance", js_value)
        .with_threshold(th.js.threshold()),
    );

    // Categories the model never saw in training.
    let unseen: HashMap<&String, u64> =
        b.counts.iter().filter(|(k, _)| !a.counts.contains_key(*k)).map(|(k, v)| (k, *v)).collect();
    let unseen_n: u64 = unseen.values().sum();
    let unseen_share = share(unseen_n, nb);
    row.unseen = Some(unseen_share);
    let mut top_unseen: Vec<(&String, u64)> = unseen.into_iter().collect();
    top_unseen.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(y.0)));
    let msg = if unseen_n == 0 {
        "every current value was seen in the reference".to_string()
    } else {
        let shown: Vec<String> = top_unseen
            .iter()
            .take(3)
            .map(|(k, n)| format!("{} ×{}", crate::error::quoted(&text::clip(k, 40)), text::int(*n)))
            .collect();
        format!(
            "{} of current values ({} in {} categories) were never seen in the reference: {}",
            text::pct(unseen_share),
            text::int(unseen_n),
            top_unseen.len(),
            shown.join(", ")
        )
    };
    checks.push(
        Check::new(code::UNSEEN, name, th.unseen.judge(unseen_share), msg)
            .with_value("unseen_share", unseen_share)
            .with_threshold(th.unseen.threshold())
            .with_counts(unseen_n, nb)
            .with_detail(
                "top_unseen",
                top_unseen
                    .iter()
                    .take(10)
                    .map(|(k, n)| serde_json::json!({"value": text::clip(k, 200), "count": n}))
                    .collect::<Vec<_>>(),
            ),
    );
    row.bins = Some(series);

    // χ² homogeneity with Cramér's V as the effect size.
    let mut rc2 = rc.clone();
    let mut cc2 = cc.clone();
    if a.other + b.other > 0 {
        rc2.push(a.other);
        cc2.push(b.other);
    }
    match chi2::homogeneity(&rc2, &cc2) {
        Some(r) => {
            row.cramers_v = finite(r.cramers_v);
            row.p_value = finite(r.p_value);
            let mut c = Check::new(code::CHI2, name, Status::Pass, String::new())
                .with_value("cramers_v", r.cramers_v)
                .with_threshold(th.chi2.threshold())
                .with_detail("chi2", r.statistic)
                .with_detail("dof", r.dof);
            c.p_value = finite(r.p_value);
            checks.push(c);
            Some((checks.len() - 1, r.p_value, r.cramers_v, th.chi2))
        }
        None => {
            checks.push(Check::new(
                code::CHI2,
                name,
                Status::Skipped,
                "not comparable: a χ² test needs at least two categories with values",
            ));
            None
        }
    }
}

/// Sets the status and message of each significance-tested check once adjusted p-values
/// are known: the effect size is judged against its levels only when the difference is
/// significant at `alpha` after correction; without levels the check is informational.
pub fn finish_significance(o: &mut FeatureOutcome, adjusted: f64, alpha: f64, correction: &str) {
    let Some((idx, p, effect, levels)) = o.test else { return };
    o.row.p_adjusted = finite(adjusted);
    let c = &mut o.checks[idx];
    let significant = adjusted < alpha;
    let (what, effect_name) = if c.code == code::KS { ("KS statistic", "D") } else { ("Cramér's V", "V") };
    let sig_text = if significant {
        format!("significant (p = {}, {correction}-adjusted {}) ", fmt_p(p), fmt_p(adjusted))
    } else {
        format!("not significant at α = {alpha} (p = {}, {correction}-adjusted {}) ", fmt_p(p), fmt_p(adjusted))
    };
    c.status = if significant { levels.judge(effect) } else { Status::Pass };
    c.message = format!("{what} {effect_name} = {}; {sig_text}", text::num(effect)).trim_end().to_string();
    if !levels.is_set() {
        c.message.push_str("; informational (no threshold set)");
    }
    c.details.insert("p_adjusted".into(), serde_json::json!(finite(adjusted)));
    c.details.insert("alpha".into(), serde_json::json!(alpha));
    o.row.status = Status::worst(o.checks.iter().map(|c| c.status));
}

/// p-values for messages: scientific below 0.001.
pub fn fmt_p(p: f64) -> String {
    if !p.is_finite() {
        "n/a".into()
    } else if p == 0.0 {
        "< 1e-300".into()
    } else if p < 0.001 {
        format!("{p:.2e}")
    } else {
        format!("{p:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(v: &[f64]) -> ColumnData {
        let mut s = v.to_vec();
        s.sort_by(f64::total_cmp);
        ColumnData::Numeric(NumericData {
            rows: v.len() as u64,
            nulls: 0,
            nan: 0,
            pos_inf: 0,
            neg_inf: 0,
            integer: false,
            dtype: "f64".into(),
            values: NumValues::Sorted(s),
        })
    }

    const S: CompareSettings =
        CompareSettings { bins: 10, empty_bins: EmptyBins::Replace, epsilon: 1e-4, evidently: false };

    #[test]
    fn identical_columns_do_not_drift() {
        let v: Vec<f64> = (0..500).map(|i| (i as f64 * 0.37).sin()).collect();
        let o = compare("x", Role::Feature, Some(&num(&v)), Some(&num(&v)), &FeatureThresholds::default(), &S);
        assert_eq!(o.row.psi, Some(0.0));
        assert_eq!(o.row.ks, Some(0.0));
        assert_eq!(o.row.wasserstein, Some(0.0));
        assert_eq!(o.row.status, Status::Pass);
    }

    #[test]
    fn shifted_column_fails_psi() {
        let a: Vec<f64> = (0..2000).map(|i| (i as f64 * 0.618).fract()).collect();
        let b: Vec<f64> = a.iter().map(|x| x + 0.3).collect();
        let o = compare("x", Role::Feature, Some(&num(&a)), Some(&num(&b)), &FeatureThresholds::default(), &S);
        assert!(o.row.psi.unwrap() > 0.2, "{:?}", o.row.psi);
        assert_eq!(o.row.status, Status::Fail);
        let (_, p, d, _) = o.test.unwrap();
        assert!(p < 1e-10 && (d - 0.3).abs() < 0.01);
    }

    #[test]
    fn type_mismatch_and_missing_column() {
        let c = ColumnData::Categorical(CatData {
            rows: 3,
            nulls: 0,
            dtype: "str".into(),
            counts: [("a".to_string(), 3)].into_iter().collect(),
            other: 0,
            capped: false,
        });
        let o = compare("x", Role::Feature, Some(&num(&[1.0, 2.0])), Some(&c), &FeatureThresholds::default(), &S);
        assert!(o.checks.iter().any(|c| c.code == code::TYPE_MISMATCH && c.status == Status::Fail));
        assert!(o.row.note.unwrap().starts_with("not comparable: numeric (f64) in reference, categorical (str)"));
        let o = compare("x", Role::Feature, Some(&num(&[1.0])), None, &FeatureThresholds::default(), &S);
        assert_eq!(o.checks[0].code, code::MISSING_COLUMN);
    }

    #[test]
    fn all_null_current_is_a_null_rate_failure_not_a_nan() {
        let empty = ColumnData::Numeric(NumericData {
            rows: 10,
            nulls: 10,
            nan: 0,
            pos_inf: 0,
            neg_inf: 0,
            integer: false,
            dtype: "f64".into(),
            values: NumValues::Sorted(vec![]),
        });
        let o =
            compare("x", Role::Feature, Some(&num(&[1.0, 2.0, 3.0])), Some(&empty), &FeatureThresholds::default(), &S);
        let nr = o.checks.iter().find(|c| c.code == code::NULL_RATE).unwrap();
        assert_eq!(nr.status, Status::Fail);
        assert!(o.checks.iter().any(|c| c.code == code::NOT_COMPARABLE && c.message.contains("no finite values")));
        assert!(o.row.psi.is_none());
    }
}
