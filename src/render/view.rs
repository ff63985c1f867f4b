//! The view model templates format: every number already turned into text, every ordering
//! and every verdict decided here, so the Markdown and HTML templates hold no logic that
//! could diverge between them.

use serde::Serialize;

use crate::results::{Check, GateKind, GateResult, Results, Status, Threshold};
use crate::text;

#[derive(Debug, Clone, Serialize)]
pub struct View {
    pub title: String,
    pub verdict: VerdictView,
    pub gates: Vec<GateView>,
    /// Checks that warn, fail or error, worst first, across gates.
    pub problems: Vec<ProblemView>,
    pub problems_total: usize,
    pub inputs: Vec<InputView>,
    pub provenance: ProvenanceView,
    /// Notes about what was left out to fit a size limit.
    pub cut_notes: Vec<String>,
    /// The ML Test Score part, when the run scored the repository.
    pub rubric: Option<super::rubric_view::RubricView>,
    /// The model's promotion history, in a release report.
    pub release: Option<super::release_view::ReleaseView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct VerdictView {
    pub status: Status,
    pub symbol: String,
    pub label: String,
    pub headline: String,
    pub exit_code: i32,
}

#[derive(Debug, Clone, Serialize)]
pub struct GateView {
    pub id: String,
    pub kind: GateKind,
    pub status: Status,
    pub symbol: String,
    pub summary: String,
    pub counts: String,
    pub thresholds_changed: String,
    pub checks: Vec<CheckView>,
    pub hidden_checks: usize,
    pub notes: Vec<String>,
    pub method: Vec<(String, String)>,
    /// SVG charts (HTML only), built and escaped by the chart module.
    pub charts: Vec<String>,
    /// A table the gate kind adds (the skew gate's features), from its series.
    pub table: Option<super::tables::TableView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckView {
    pub status: Status,
    pub symbol: String,
    pub code: String,
    pub subject: String,
    pub value: String,
    pub threshold: String,
    pub interval: String,
    pub message: String,
    pub examples: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProblemView {
    pub gate: String,
    pub check: CheckView,
}

#[derive(Debug, Clone, Serialize)]
pub struct InputView {
    pub name: String,
    pub path: String,
    pub format: String,
    pub sha256: String,
    pub sha256_short: String,
    pub rows: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProvenanceView {
    pub tool: String,
    pub version: String,
    pub schema_version: String,
    pub command: String,
    pub timestamp: String,
    pub config_path: String,
    pub config_digest: String,
    pub commit: String,
    pub branch: String,
    pub dirty: bool,
}

pub fn status_label(s: Status) -> &'static str {
    match s {
        Status::Pass => "PASS",
        Status::Warn => "WARN",
        Status::Fail => "FAIL",
        Status::Error => "ERROR",
        Status::Skipped => "SKIPPED",
    }
}

/// Text for a threshold: `≤ 0.1 warn · ≤ 0.2 fail`.
pub fn threshold_text(t: &Threshold) -> String {
    let sym = t.comparison.symbol();
    match (t.warn, t.fail) {
        (Some(w), Some(f)) => format!("{sym} {} warn · {sym} {} fail", text::num(w), text::num(f)),
        (Some(w), None) => format!("{sym} {} warn", text::num(w)),
        (None, Some(f)) => format!("{sym} {}", text::num(f)),
        (None, None) => String::new(),
    }
}

pub fn check_view(c: &Check) -> CheckView {
    let value = match (c.value, c.count, c.total) {
        (Some(v), _, _) => text::num(v),
        (None, Some(n), Some(t)) => format!("{} / {}", text::int(n), text::int(t)),
        (None, Some(n), None) => text::int(n),
        _ => String::new(),
    };
    let interval = c
        .interval
        .as_ref()
        .map(|i| {
            let level = i.level.map(|l| format!("{}% ", text::num(l * 100.0))).unwrap_or_default();
            format!("{level}[{}, {}]", text::num(i.low), text::num(i.high))
        })
        .unwrap_or_default();
    let examples = c
        .examples
        .iter()
        .map(|e| match &e.value {
            Some(v) => format!("row {}: {}", e.row, text::clip(v, 60)),
            None => format!("row {}", e.row),
        })
        .collect::<Vec<_>>()
        .join("; ");
    CheckView {
        status: c.status,
        symbol: c.status.symbol().into(),
        code: c.code.clone(),
        subject: c.subject.clone(),
        value,
        threshold: c.threshold.as_ref().map(threshold_text).unwrap_or_default(),
        interval,
        message: c.message.clone(),
        examples,
    }
}

fn gate_view(g: &GateResult) -> GateView {
    let mut counts = crate::results::StatusCounts::default();
    for c in &g.checks {
        counts.add(c.status);
    }
    let mut parts = Vec::new();
    for (n, label) in [
        (counts.fail, "fail"),
        (counts.error, "error"),
        (counts.warn, "warn"),
        (counts.pass, "pass"),
        (counts.skipped, "skipped"),
    ] {
        if n > 0 {
            parts.push(format!("{} {label}", text::int(n)));
        }
    }
    // Worst first; within a status, the gate's own order.
    let mut checks: Vec<&Check> = g.checks.iter().collect();
    checks.sort_by_key(|c| std::cmp::Reverse(c.status));
    GateView {
        id: g.id.clone(),
        kind: g.kind,
        status: g.status,
        symbol: g.status.symbol().into(),
        summary: g.summary.clone(),
        counts: parts.join(", "),
        thresholds_changed: g
            .thresholds
            .last_changed
            .as_ref()
            .map(|c| format!("thresholds last changed in {} on {}", short(&c.commit), c.date))
            .unwrap_or_default(),
        checks: checks.into_iter().map(check_view).collect(),
        hidden_checks: 0,
        notes: g.notes.clone(),
        method: g
            .method
            .iter()
            .map(|(k, v)| {
                let v = match v {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                (k.clone(), v)
            })
            .collect(),
        charts: Vec::new(),
        table: super::tables::of(g),
    }
}

fn short(commit: &str) -> String {
    commit.chars().take(12).collect()
}

pub fn build(r: &Results) -> View {
    let failing_gates = r.gates.iter().filter(|g| g.status >= Status::Fail).count();
    let warning_gates = r.gates.iter().filter(|g| g.status == Status::Warn).count();
    let n = r.gates.len();
    let headline = match r.verdict.status {
        Status::Fail | Status::Error => format!(
            "{} of {} failed{}",
            failing_gates,
            text::plural(n as u64, "gate", "gates"),
            if warning_gates > 0 { format!(", {warning_gates} warned") } else { String::new() }
        ),
        Status::Warn => format!("{} of {} warned", warning_gates, text::plural(n as u64, "gate", "gates")),
        Status::Pass => format!("all {} passed", text::plural(n as u64, "gate", "gates")),
        Status::Skipped => "nothing was evaluated".to_string(),
    };
    let rubric = r.rubric.as_ref().map(super::rubric_view::build);
    let headline = match (&rubric, r.gates.is_empty()) {
        (Some(rv), true) => format!("ML Test Score {} — {}", rv.final_score, rv.band),
        (Some(rv), false) => format!("{headline}; ML Test Score {}", rv.final_score),
        (None, _) => headline,
    };
    let mut problems: Vec<ProblemView> = Vec::new();
    for g in &r.gates {
        for c in &g.checks {
            if c.status >= Status::Warn {
                problems.push(ProblemView { gate: g.id.clone(), check: check_view(c) });
            }
        }
    }
    problems.sort_by_key(|p| std::cmp::Reverse(p.check.status));
    let git = r.run.git.as_ref();
    View {
        title: "mlgate report".into(),
        verdict: VerdictView {
            status: r.verdict.status,
            symbol: r.verdict.status.symbol().into(),
            label: status_label(r.verdict.status).into(),
            headline,
            exit_code: r.verdict.exit_code,
        },
        gates: r.gates.iter().map(gate_view).collect(),
        problems_total: problems.len(),
        problems,
        inputs: r
            .inputs
            .iter()
            .map(|i| InputView {
                name: i.name.clone(),
                path: i.path.clone(),
                format: i.format.clone(),
                sha256: i.sha256.clone(),
                sha256_short: short(&i.sha256),
                rows: i.rows.map(text::int).unwrap_or_default(),
            })
            .collect(),
        provenance: ProvenanceView {
            tool: r.tool.name.clone(),
            version: r.tool.version.clone(),
            schema_version: r.schema_version.clone(),
            command: r.run.command.clone(),
            timestamp: r.run.timestamp.clone(),
            config_path: r.run.config_path.clone().unwrap_or_default(),
            config_digest: r.run.config_digest.clone().unwrap_or_default(),
            commit: git.map(|g| g.commit.clone()).unwrap_or_default(),
            branch: git.and_then(|g| g.branch.clone()).unwrap_or_default(),
            dirty: git.is_some_and(|g| g.dirty),
        },
        cut_notes: Vec::new(),
        rubric,
        release: r.release.as_ref().map(super::release_view::build),
    }
}
