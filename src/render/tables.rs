//! Tables a gate kind adds to its section, built from its typed series: text only, every
//! value already formatted, so the Markdown and HTML templates lay out the same cells.

use serde::Serialize;

use crate::results::series::{CanarySeries, DriftSeries, SkewRow, SkewSeries};
use crate::results::{GateResult, GateSeries, Status};
use crate::text;

/// A captioned table of text cells.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TableView {
    pub caption: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Each row's status, so a report cut to a size limit can keep the rows that matter.
    pub statuses: Vec<Status>,
}

impl TableView {
    /// Keeps the rows that warn, fail or error; returns how many were left out.
    pub fn keep_problems(&mut self) -> usize {
        let before = self.rows.len();
        let keep: Vec<bool> = self.statuses.iter().map(|s| *s >= Status::Warn).collect();
        let mut it = keep.iter();
        self.rows.retain(|_| *it.next().unwrap_or(&false));
        self.statuses.retain(|s| *s >= Status::Warn);
        before - self.rows.len()
    }
}

/// The table of a gate, when its kind has one.
pub fn of(g: &GateResult) -> Option<TableView> {
    match &g.series {
        Some(GateSeries::Skew(s)) => Some(skew(s)),
        Some(GateSeries::Canary(c)) => Some(canary(c)),
        Some(GateSeries::Drift(d)) if !d.kinds.is_empty() => Some(drift_kinds(d)),
        _ => None,
    }
}

fn examples(r: &SkewRow) -> String {
    r.examples
        .iter()
        .take(3)
        .map(|e| format!("{}: {} → {}", text::clip(&e.key, 64), text::clip(&e.offline, 32), text::clip(&e.online, 32)))
        .collect::<Vec<_>>()
        .join("; ")
}

fn distribution_row(r: &SkewRow) -> Vec<String> {
    let stat = match r.statistic.as_str() {
        "linf" => "L∞ of category shares",
        "js_distance" => "Jensen–Shannon distance",
        other => other,
    };
    vec![
        r.status.symbol().into(),
        r.feature.clone(),
        r.kind.clone(),
        stat.into(),
        r.value.map(text::num).unwrap_or_default(),
    ]
}

fn joined_row(r: &SkewRow) -> Vec<String> {
    let cause = if r.causes.is_empty() && r.mismatches > 0 {
        "no single cause fits".to_string()
    } else {
        r.causes.iter().map(|c| format!("{}: {}", c.code, c.evidence)).collect::<Vec<_>>().join(" · ")
    };
    let differ = if r.status == Status::Skipped && r.compared == 0 {
        String::new()
    } else {
        format!("{} / {}", text::int(r.mismatches), text::int(r.compared))
    };
    vec![
        r.status.symbol().into(),
        r.feature.clone(),
        r.kind.clone(),
        differ,
        r.value.map(text::pct).unwrap_or_default(),
        cause,
        examples(r),
    ]
}

fn skew(s: &SkewSeries) -> TableView {
    let mut rows: Vec<&SkewRow> = s.features.iter().collect();
    // Worst first; within a status, the larger share first; then the gate's order.
    rows.sort_by(|a, b| b.status.cmp(&a.status).then(b.value.unwrap_or(0.0).total_cmp(&a.value.unwrap_or(0.0))));
    let statuses = rows.iter().map(|r| r.status).collect();
    if s.mode != "join" {
        let caption = "Distribution-level skew (no key: weaker evidence than a join)".to_string();
        let headers = ["", "Feature", "Kind", "Statistic", "Value"].map(String::from).to_vec();
        return TableView { caption, headers, rows: rows.into_iter().map(distribution_row).collect(), statuses };
    }
    let caption = match &s.coverage {
        Some(c) => format!(
            "Training–serving skew: {} of {} online rows joined to {} offline rows ({} unmatched online, {} ambiguous)",
            text::int(c.joined),
            text::int(c.online_rows),
            text::int(c.offline_rows),
            text::int(c.unmatched_online),
            text::int(c.ambiguous_online + c.ambiguous_offline)
        ),
        None => "Training–serving skew".into(),
    };
    let headers = ["", "Feature", "Kind", "Differ", "Share", "Cause", "Example pairs (offline → online)"]
        .map(String::from)
        .to_vec();
    TableView { caption, headers, rows: rows.into_iter().map(joined_row).collect(), statuses }
}

fn canary(c: &CanarySeries) -> TableView {
    let decision = match c.decision.as_str() {
        "promote" => "promote",
        "rollback" => "roll back",
        _ => "continue",
    };
    let caption = format!(
        "{}: {} mode, {} intervals; {} champion and {} candidate rows, {} with outcomes",
        decision,
        c.mode,
        c.looks,
        text::int(c.champion_rows),
        text::int(c.candidate_rows),
        text::int(c.labelled)
    );
    let headers =
        ["", "Check", "Champion", "Candidate", "Change (+ worse)", "Interval", "Allowed", "Rows per arm to decide"]
            .map(String::from)
            .to_vec();
    let cell = |x: Option<f64>| x.map(text::num).unwrap_or_default();
    let rows = c
        .checks
        .iter()
        .map(|r| {
            vec![
                r.status.symbol().into(),
                r.metric.clone(),
                cell(r.champion),
                cell(r.candidate),
                cell(r.effect),
                match (r.low, r.high) {
                    (Some(l), Some(h)) => format!("{} to {}", text::num(l), text::num(h)),
                    _ => String::new(),
                },
                cell(r.margin),
                r.rows_needed.map(text::int).unwrap_or_default(),
            ]
        })
        .collect();
    TableView { caption, headers, rows, statuses: c.checks.iter().map(|r| r.status).collect() }
}

fn drift_kinds(d: &DriftSeries) -> TableView {
    let caption = "Which kind of drift (outcomes known): each calls for a different response".to_string();
    let headers = ["", "Kind", "Found", "Evidence", "What it usually calls for"].map(String::from).to_vec();
    let rows = d
        .kinds
        .iter()
        .map(|k| {
            vec![k.status.symbol().into(), k.kind.clone(), k.found.clone(), k.evidence.clone(), k.calls_for.clone()]
        })
        .collect();
    TableView { caption, headers, rows, statuses: d.kinds.iter().map(|k| k.status).collect() }
}
