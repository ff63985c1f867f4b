//! The self-contained HTML report and the charts each gate kind gets.

use anyhow::Result;
use base64::Engine;

use super::charts;
use super::view::{self, View};
use crate::results::series::{
    BaselineSeries, CanarySeries, DriftSeries, FeatureRow, LeakageSeries, SkewSeries, SlicesSeries,
};
use crate::results::{GateResult, GateSeries, Results, Status};
use crate::text;

/// Charts for one gate, from the series it recorded.
fn gate_charts(g: &GateResult) -> Vec<String> {
    match &g.series {
        Some(GateSeries::Drift(d)) => drift_charts(d),
        Some(GateSeries::Slices(s)) => slices_charts(s),
        Some(GateSeries::Baseline(b)) => baseline_charts(b),
        Some(GateSeries::Leakage(l)) => leakage_charts(l),
        Some(GateSeries::Skew(s)) => skew_charts(s),
        Some(GateSeries::Canary(c)) => canary_charts(c),
        None => Vec::new(),
    }
}

fn drift_charts(d: &DriftSeries) -> Vec<String> {
    let mut out = Vec::new();
    let mut psi: Vec<(String, f64, Status)> =
        d.features.iter().filter_map(|r| Some((r.feature.clone(), r.psi?, r.status))).collect();
    psi.sort_by(|a, b| b.1.total_cmp(&a.1));
    psi.truncate(25);
    if !psi.is_empty() {
        let mut lines = Vec::new();
        if let Some(w) = d.psi.warn {
            lines.push((w, "warn", "#b26a00"));
        }
        if let Some(f) = d.psi.fail {
            lines.push((f, "fail", "#c62828"));
        }
        out.push(charts::hbars("PSI per column", "Population Stability Index", &psi, &lines));
    }
    // Distributions of the columns that moved most (failures first).
    let mut ranked: Vec<&FeatureRow> =
        d.features.iter().filter(|r| r.bins.is_some() || r.histogram.is_some()).collect();
    let rank = |s: Status| match s {
        Status::Fail | Status::Error => 0,
        Status::Warn => 1,
        Status::Pass | Status::Skipped => 2,
    };
    ranked.sort_by(|a, b| {
        rank(a.status).cmp(&rank(b.status)).then(b.psi.unwrap_or(0.0).total_cmp(&a.psi.unwrap_or(0.0)))
    });
    for r in ranked.into_iter().take(8) {
        let title = format!(
            "{}: reference vs current{}",
            r.feature,
            r.psi.map(|p| format!(" (PSI {})", text::num(p))).unwrap_or_default()
        );
        if let Some(h) = &r.histogram {
            out.push(charts::histogram_pair(&title, &h.edges, &h.reference, &h.current));
        } else if let Some(b) = &r.bins {
            let rows: Vec<charts::IntervalRow> = b
                .labels
                .iter()
                .zip(&b.reference)
                .zip(&b.current)
                .take(20)
                .flat_map(|((l, rv), cv)| {
                    [
                        (format!("{l} · reference"), *rv, None, Status::Skipped),
                        (format!("{l} · current"), *cv, None, Status::Pass),
                    ]
                })
                .collect();
            out.push(charts::intervals(&title, "share of rows", &rows, &[]));
        }
    }
    out
}

fn slices_charts(s: &SlicesSeries) -> Vec<String> {
    let metric = s.metric.name();
    let data: Vec<charts::IntervalRow> = s
        .slices
        .iter()
        .filter_map(|r| {
            let label = format!("{}={} (n={})", r.by, r.slice, text::int(r.rows));
            Some((label, r.value?, r.low.zip(r.high), r.status))
        })
        .collect();
    let mut lines = Vec::new();
    if let Some(b) = s.bound {
        lines.push((b, "bound", "#c62828"));
    }
    lines.push((s.overall, "overall", "#555"));
    if data.is_empty() {
        return Vec::new();
    }
    vec![charts::intervals(
        &format!("{metric} per slice with confidence intervals"),
        &format!("{metric} (grey slices are too small to judge)"),
        &data,
        &lines,
    )]
}

fn baseline_charts(b: &BaselineSeries) -> Vec<String> {
    let data: Vec<charts::IntervalRow> = b
        .comparisons
        .iter()
        .map(|c| (format!("{} vs {}", c.metric.name(), c.against), c.improvement, c.low.zip(c.high), c.status))
        .collect();
    if data.is_empty() {
        return Vec::new();
    }
    vec![charts::intervals(
        "Improvement over the baseline (right is better)",
        "candidate − baseline, sign flipped for lower-is-better metrics",
        &data,
        &[(0.0, "no change", "#555")],
    )]
}

fn skew_charts(s: &SkewSeries) -> Vec<String> {
    if s.mode != "join" {
        return Vec::new();
    }
    let mut bars: Vec<(String, f64, Status)> =
        s.features.iter().filter_map(|r| Some((r.feature.clone(), r.value?, r.status))).collect();
    bars.sort_by(|a, b| b.1.total_cmp(&a.1));
    bars.truncate(25);
    if bars.iter().all(|b| b.1 == 0.0) {
        return Vec::new();
    }
    let mut lines = Vec::new();
    if let Some(w) = s.max_mismatch.warn {
        lines.push((w, "warn", "#b26a00"));
    }
    if let Some(f) = s.max_mismatch.fail {
        lines.push((f, "fail", "#c62828"));
    }
    vec![charts::hbars("Share of joined rows that differ, per feature", "mismatch share", &bars, &lines)]
}

/// Each harm as a multiple of its margin, so metrics of different units share one axis:
/// 0 is no change, 1 is the allowed margin; the interval is the check's.
fn canary_charts(c: &CanarySeries) -> Vec<String> {
    let data: Vec<charts::IntervalRow> = c
        .checks
        .iter()
        .filter_map(|r| {
            let m = r.margin.filter(|m| *m > 0.0)?;
            let band = r.low.zip(r.high).map(|(l, h)| (l / m, h / m));
            Some((r.metric.clone(), r.effect? / m, band, r.status))
        })
        .collect();
    if data.is_empty() {
        return Vec::new();
    }
    let lines = [(0.0, "no change", "#555"), (1.0, "margin", "#c62828")];
    vec![charts::intervals(
        &format!("{}: candidate against champion, as a multiple of each margin", c.decision),
        "harm ÷ allowed margin (right of 1: worse than allowed)",
        &data,
        &lines,
    )]
}

fn leakage_charts(l: &LeakageSeries) -> Vec<String> {
    let mut rows: Vec<(String, f64, Status)> =
        l.target.iter().map(|t| (t.feature.clone(), t.value, t.status)).collect();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1));
    rows.truncate(20);
    if rows.is_empty() {
        return Vec::new();
    }
    vec![charts::hbars(
        "How well each feature alone predicts the label",
        "max(AUC, 1 − AUC), or |Spearman ρ| for a numeric label",
        &rows,
        &[(l.bound, "bound", "#c62828")],
    )]
}

/// Base64 of the results text, wrapped at 76 characters.
fn embed(text: &str) -> String {
    let b = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    b.as_bytes().chunks(76).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("\n")
}

/// Checks one gate's table shows in the HTML report, worst first.
pub const MAX_CHECKS_SHOWN: usize = 1000;

/// The HTML report of `r`, whose results.json text has the SHA-256 `digest`.
pub fn render(r: &Results, results_json: &str, digest: &str) -> Result<String> {
    let mut v: View = view::build(r);
    for (gv, g) in v.gates.iter_mut().zip(&r.gates) {
        gv.charts = gate_charts(g);
        // Worst first: what is cut is the tail of passing checks; results.json has them all.
        if gv.checks.len() > MAX_CHECKS_SHOWN {
            gv.hidden_checks = gv.checks.len() - MAX_CHECKS_SHOWN;
            gv.checks.truncate(MAX_CHECKS_SHOWN);
        }
    }
    let c = &r.verdict.check_counts;
    let counts = format!(
        "{} checks: {} failed, {} errors, {} warned, {} passed, {} skipped",
        text::int(c.pass + c.warn + c.fail + c.error + c.skipped),
        c.fail,
        c.error,
        c.warn,
        c.pass,
        c.skipped
    );
    let rubric = v.rubric.take();
    super::render_html_template(&v, digest, &embed(results_json), &counts, rubric)
}
