//! The rubric section of the reports, read from the `rubric` part of the results.

use serde::Serialize;

use super::charts;
use crate::results::{RubricResult, Status};
use crate::text;

#[derive(Debug, Clone, Serialize, Default)]
pub struct RubricView {
    pub version: String,
    pub final_score: String,
    pub band: String,
    pub tests: Vec<RubricTestView>,
    pub next_steps: Vec<String>,
    pub notes: Vec<String>,
    pub sections: Vec<RubricSectionView>,
    /// Tests judged only from [evidence] claims, and with no evidence at all.
    pub judged: String,
    /// SVG, built and escaped by the chart module.
    pub charts: Vec<String>,
    pub maturity: Option<MaturityView>,
    /// What the run outputs were (`--runs`), or that the score judged wiring only.
    pub runs: String,
    /// Tests whose last run failed, and points the run window took away.
    pub run_findings: Vec<String>,
}

/// The MLOps maturity level, for the reports.
#[derive(Debug, Clone, Serialize)]
pub struct MaturityView {
    pub level: String,
    pub name: String,
    pub evidence: Vec<String>,
    pub missing: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RubricSectionView {
    pub title: String,
    pub score: String,
    pub max: String,
    pub weakest: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct RubricTestView {
    pub id: String,
    pub title: String,
    pub points: String,
    pub reason: String,
    pub evidence: String,
    pub level: String,
    pub symbol: String,
    /// Leads that earned nothing, for the reader to follow up.
    pub hints: String,
    /// The runs of its check the run outputs show (`3 runs, 1 failed; last pass 2026-11-24`).
    pub runs: String,
}

pub fn build(v: &RubricResult) -> RubricView {
    let mut out = RubricView {
        version: v.version.clone(),
        final_score: text::num(v.final_score),
        band: v.band.clone(),
        maturity: v.maturity.as_ref().map(|m| MaturityView {
            level: m.level.to_string(),
            name: m.name.clone(),
            evidence: m.evidence.clone(),
            missing: m.missing.clone(),
        }),
        ..Default::default()
    };
    let max = v.section_max();
    let mut bars = Vec::new();
    for sec in &v.sections {
        out.sections.push(RubricSectionView {
            title: sec.title.clone(),
            score: text::num(sec.score),
            max: text::num(sec.max),
            weakest: sec.weakest,
        });
        let status = if sec.weakest { Status::Warn } else { Status::Pass };
        bars.push((sec.title.clone(), sec.score, status));
    }
    if !bars.is_empty() {
        out.charts.push(charts::hbars(
            "Score by section (final score = the lowest)",
            &format!("points out of {}", text::num(max)),
            &bars,
            &[],
        ));
    }
    for t in &v.tests {
        let evidence: Vec<String> = t.evidence.iter().map(|e| format!("{}: {}", e.kind, e.detail)).collect();
        out.tests.push(RubricTestView {
            symbol: t.level.symbol().into(),
            level: t.level.as_str().into(),
            id: t.id.clone(),
            title: t.title.clone(),
            points: text::num(t.points),
            reason: t.reason.clone(),
            evidence: evidence.join("; "),
            hints: t.hints.join("; "),
            runs: t.runs.as_ref().map(runs_line).unwrap_or_default(),
        });
    }
    let j = &v.judged;
    out.judged = format!(
        "{} {} judged from the repository, {} only from claims,{} {} without evidence",
        j.repository,
        if j.repository == 1 { "test" } else { "tests" },
        j.claims + j.na,
        if v.runs.is_some() { format!(" {} only from run outputs,", j.runs) } else { String::new() },
        j.none
    );
    if let Some(r) = &v.runs {
        out.runs = format!(
            "Run outputs: {} artefacts of {} runs from {}{}{}",
            r.artefacts,
            r.runs,
            r.sources.join(", "),
            if r.skipped_total > 0 { format!("; {} skipped (see the notes)", r.skipped_total) } else { String::new() },
            match r.require_runs {
                Some(n) => format!(
                    "; an automated point needs {n} {} in the last {} days",
                    if n == 1 { "run" } else { "runs" },
                    r.window_days
                ),
                None => String::new(),
            }
        );
        out.run_findings = r.findings.clone();
    }
    out.next_steps = v.next_steps.clone();
    out.notes = v.notes.clone();
    if v.history.len() >= 2 {
        let h = &v.history;
        let dates: Vec<String> = h.iter().map(|p| p.date.clone()).collect();
        let mut names: Vec<String> = Vec::new();
        for p in h {
            for k in p.sections.keys() {
                if !names.contains(k) {
                    names.push(k.clone());
                }
            }
        }
        let mut series: Vec<(String, Vec<f64>)> = names
            .iter()
            .map(|n| (n.clone(), h.iter().map(|p| p.sections.get(n).copied().unwrap_or(0.0)).collect()))
            .collect();
        series.push(("final".into(), h.iter().map(|p| p.final_score).collect()));
        out.charts.push(charts::trend("ML Test Score across audits", &dates, &series, max.max(1.0)));
    }
    out
}

/// `3 runs, 1 failed; last pass 2026-11-24 (JUnit)`.
fn runs_line(r: &crate::results::rubric::TestRuns) -> String {
    let mut s = format!("{} {}", r.seen, if r.seen == 1 { "run" } else { "runs" });
    if r.failed > 0 {
        s.push_str(&format!(", {} failed", r.failed));
    }
    if let Some(l) = &r.last {
        s.push_str(&format!("; last {}", l.outcome));
        if let Some(d) = &l.date {
            s.push_str(&format!(" {d}"));
        }
        s.push_str(&format!(" ({})", l.tool));
    }
    s
}
