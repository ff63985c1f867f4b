//! The short human summary printed after a run: verdict first, one line per gate, then the
//! findings that need attention (at most 15), then where the reports are.

use crate::results::Results;
use crate::text;
use crate::ui::{bold, paint};

/// Findings listed in the terminal before "… and N more".
const MAX_LISTED: usize = 15;

/// Sanitises text for a terminal: no escape sequences or control characters from data, and
/// bidirectional or zero-width characters shown as their code points.
pub fn safe(s: &str) -> String {
    shown(s, false)
}

fn shown(s: &str, keep_newlines: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match super::escape::invisible(c) {
            Some(v) => out.push_str(&v),
            None if c == '\n' && keep_newlines => out.push(c),
            None if c.is_control() => out.push('\u{FFFD}'),
            None => out.push(c),
        }
    }
    out
}

pub fn summary(r: &Results, color: bool, written: &[String]) -> String {
    let v = super::view::build(r);
    let mut out = String::new();
    let s = r.verdict.status;
    out.push_str(&format!(
        "{} {} — {} (exit {})\n",
        bold(color, &format!("mlgate {}", safe(&r.run.command))),
        paint(color, s, super::view::status_label(s)),
        v.verdict.headline,
        r.verdict.exit_code
    ));
    let width = r.gates.iter().map(|g| g.id.chars().count()).max().unwrap_or(0).min(40);
    for g in &r.gates {
        out.push_str(&format!(
            "  {} {:<width$}  {}\n",
            paint(color, g.status, g.status.symbol()),
            safe(&g.id),
            safe(&g.summary),
        ));
    }
    if let Some(rv) = &v.rubric {
        out.push_str(&format!("\n{} {} — {}\n", bold(color, "ML Test Score"), rv.final_score, rv.band));
        for sec in &rv.sections {
            out.push_str(&format!(
                "  {:<20} {:>4} / {}{}\n",
                safe(&sec.title),
                sec.score,
                sec.max,
                if sec.weakest { "  ← weakest" } else { "" }
            ));
        }
        out.push_str(&format!("  {}\n", rv.judged));
        if !rv.runs.is_empty() {
            out.push_str(&format!("  {}\n", safe(&rv.runs)));
            for f in &rv.run_findings {
                out.push_str(&format!("    - {}\n", safe(f)));
            }
        }
        if let Some(m) = &rv.maturity {
            out.push_str(&format!("  MLOps maturity level {} ({})\n", m.level, safe(&m.name)));
            if let Some(next) = m.missing.first() {
                out.push_str(&format!("    next level needs: {}\n", safe(next)));
            }
        }
        if !rv.next_steps.is_empty() {
            out.push_str(&format!("{}\n", bold(color, "Next steps:")));
            for n in &rv.next_steps {
                out.push_str(&format!("  - {}\n", safe(n)));
            }
        }
    }
    let problems: Vec<_> = v.problems.iter().collect();
    if !problems.is_empty() {
        out.push_str(&format!("\n{}\n", bold(color, "Needs attention:")));
        for p in problems.iter().take(MAX_LISTED) {
            let st = p.check.status;
            out.push_str(&format!(
                "  {} {} {} [{}]: {}\n",
                paint(color, st, &p.check.symbol),
                safe(&p.gate),
                p.check.code,
                safe(&text::clip(&p.check.subject, 60)),
                safe(&p.check.message)
            ));
        }
        if problems.len() > MAX_LISTED {
            out.push_str(&format!("  … and {} more in the report\n", problems.len() - MAX_LISTED));
        }
    }
    if !written.is_empty() {
        out.push_str(&format!("\nReports: {}\n", written.iter().map(|w| safe(w)).collect::<Vec<_>>().join(", ")));
    }
    out
}

/// Like [`safe`] but keeps line breaks (for multi-line error messages).
pub fn safe_multiline(s: &str) -> String {
    shown(s, true)
}
