//! `mlgate score --explain TEST` and `--explain automation`: one test's reasoning, or the
//! automation graph the scorer followed, as plain text for a person.

use anyhow::Result;

use crate::error::{quoted, user};
use crate::render::terminal::safe;
use crate::rubric::Rubric;
use crate::rubric::graph::Reach;
use crate::rubric::scan::RepoIndex;
use crate::rubric::score::RubricResult;

/// Lines of the automation listing at most.
const MAX_LINES: usize = 200;

/// One test: level, evidence (with chains), why not higher, the cheapest step up.
pub fn test(id: &str, spec: &Rubric, r: &RubricResult) -> Result<String> {
    let Some(t) = r.tests.iter().find(|t| t.id == id) else {
        let ids = r.tests.iter().map(|t| t.id.as_str());
        let hint = crate::diag::closest(id, ids).map(|s| format!("did you mean {}? ", quoted(s))).unwrap_or_default();
        return Err(user(format!("--explain {}: the rubric has no such test", quoted(id)))
            .hint(format!(
                "{hint}test ids look like data.1 … monitoring.7; `--explain automation` shows the automation graph"
            ))
            .into());
    };
    let how = spec.tests.iter().find(|s| s.id == id).map(|s| s.how.as_str()).unwrap_or("");
    let mut out = format!(
        "{} {} — {} of 1 ({})\n\n{}\n",
        t.id,
        safe(&t.title),
        crate::text::num(t.points),
        t.level.as_str(),
        safe(&t.reason)
    );
    if !t.evidence.is_empty() {
        out.push_str("\nEvidence:\n");
        for e in &t.evidence {
            out.push_str(&format!("  - {}: {}\n", e.kind, safe(&e.detail)));
        }
    }
    if t.points < 1.0 {
        out.push_str("\nWhy not higher:\n");
        if t.hints.is_empty() {
            out.push_str("  - nothing in the repository shows this test\n");
        }
        for h in &t.hints {
            out.push_str(&format!("  - {}\n", safe(h)));
        }
        out.push_str(&format!("\nCheapest step up: {}\n", safe(how)));
    }
    Ok(out)
}

/// The jobs and what they reach, shortest chain per file.
pub fn automation(index: &RepoIndex, reach: &Reach) -> String {
    let auto = index.jobs.iter().filter(|j| j.automatic()).count();
    let mut lines = vec![format!("{} jobs and schedules, {auto} of them start without a person:", index.jobs.len())];
    for j in &index.jobs {
        let trig = if j.automatic() { j.automatic_triggers().join(", ") } else { "only by hand".into() };
        let paths = if j.paths.is_empty() { String::new() } else { format!(" (changes to {})", j.paths.join(", ")) };
        lines.push(format!("  {} {} — {trig}{paths}", j.system, safe(&j.id)));
    }
    lines.push(String::new());
    lines.push(format!("{} files reached by automation:", reach.files.len()));
    for (f, routes) in &reach.files {
        if let Some(r) = routes.first() {
            let lost = r.ignored.as_ref().map(|w| format!(" [exit status thrown away: {w}]")).unwrap_or_default();
            lines.push(format!("  {} ← {}{lost}", safe(f), safe(&r.describe())));
        }
    }
    for n in index.notes.iter().chain(&reach.notes) {
        lines.push(format!("note: {}", safe(n)));
    }
    let total = lines.len();
    if total > MAX_LINES {
        lines.truncate(MAX_LINES);
        lines.push(format!("… and {} more lines", total - MAX_LINES));
    }
    lines.join("\n") + "\n"
}
