//! Renderers: pure functions of [`Results`]. They compute nothing and decide nothing.
//!
//! Templates live in `templates/`, are embedded in the binary, and run under strict
//! undefined-variable rules so a typo fails loudly. In Markdown templates every printed
//! value is escaped by the environment's formatter ([`escape::md_text`]); HTML templates
//! use minijinja's HTML auto-escaping.

pub mod charts;
pub mod escape;
pub mod html;
pub mod junit;
pub mod release_view;
pub mod rubric_view;
pub mod tables;
pub mod terminal;
pub mod view;

use anyhow::{Context, Result};
use minijinja::value::{Value, ValueKind};
use minijinja::{Environment, UndefinedBehavior};

use crate::results::{Results, Status};

/// GitHub's limit on a comment body, in characters.
pub const GITHUB_COMMENT_LIMIT: usize = 65_536;

pub use crate::output::ReportFormat;

/// Templates, by name, embedded at compile time.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("report.md.j2", include_str!("../../templates/report.md.j2")),
    ("report.html.j2", include_str!("../../templates/report.html.j2")),
];

fn environment() -> Result<Environment<'static>> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html.j2") || name.ends_with(".xml.j2") {
            minijinja::AutoEscape::Html
        } else {
            minijinja::AutoEscape::None
        }
    });
    env.set_formatter(|out, state, value| {
        if state.name().ends_with(".md.j2") {
            if value.is_safe() {
                return minijinja::escape_formatter(out, state, value);
            }
            let s = match value.kind() {
                ValueKind::None | ValueKind::Undefined => String::new(),
                _ => value.to_string(),
            };
            out.write_str(&escape::md_text(&s)).map_err(minijinja::Error::from)
        } else {
            minijinja::escape_formatter(out, state, value)
        }
    });
    env.add_filter("code", |v: Value| Value::from_safe_string(escape::md_code(&v.to_string())));
    env.add_filter("in_html", |v: Value| Value::from_safe_string(escape::md_html(&v.to_string())));
    for (name, src) in TEMPLATES {
        env.add_template(name, src).with_context(|| format!("template {name}"))?;
    }
    Ok(env)
}

fn render_template(name: &str, view: &view::View, digest: &str) -> Result<String> {
    let env = environment()?;
    let t = env.get_template(name)?;
    t.render(minijinja::context! { digest => digest, ..Value::from(minijinja::value::Serde(view)) })
        .with_context(|| format!("rendering {name}"))
}

/// Renders the HTML template with its extra context.
pub(crate) fn render_html_template(
    v: &view::View,
    digest: &str,
    embedded: &str,
    counts: &str,
    rubric: Option<rubric_view::RubricView>,
) -> Result<String> {
    let env = environment()?;
    let t = env.get_template("report.html.j2")?;
    t.render(minijinja::context! {
        digest => digest,
        embedded => embedded,
        counts => counts,
        rubric => minijinja::value::Serde(rubric),
        ..Value::from(minijinja::value::Serde(v))
    })
    .context("rendering report.html.j2")
}

/// The Markdown report, cut to fit `limit` characters: passing checks go first, then
/// the per-gate details, then the list of problems, each cut announced in the report.
pub fn markdown(r: &Results, limit: usize, digest: &str) -> Result<String> {
    let mut v = view::build(r);
    let out = render_template("report.md.j2", &v, digest)?;
    if out.chars().count() <= limit {
        return Ok(out);
    }
    // 1. Drop passing/skipped checks from details.
    for g in &mut v.gates {
        let before = g.checks.len();
        g.checks.retain(|c| c.status >= Status::Warn);
        g.hidden_checks = before - g.checks.len();
        if let Some(t) = g.table.as_mut() {
            t.keep_problems();
        }
    }
    v.cut_notes.push(
        "Passing checks were left out to fit GitHub's comment limit; the HTML and JSON reports have every check."
            .into(),
    );
    let out = render_template("report.md.j2", &v, digest)?;
    if out.chars().count() <= limit {
        return Ok(out);
    }
    // 2. Drop the per-gate check tables entirely (the problems table stays).
    for g in &mut v.gates {
        g.hidden_checks += g.checks.len();
        g.checks.clear();
        g.table = None;
    }
    v.cut_notes
        .push("Per-gate details were left out; the problems table above lists every warning and failure.".into());
    let out = render_template("report.md.j2", &v, digest)?;
    if out.chars().count() <= limit {
        return Ok(out);
    }
    // 3. Keep as many problems (worst first) as fit.
    let (mut lo, mut hi) = (0usize, v.problems.len());
    let all = v.problems.clone();
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        v.problems = all[..mid].to_vec();
        if render_template("report.md.j2", &v, digest)?.chars().count() <= limit {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    v.problems = all[..lo].to_vec();
    v.cut_notes.push(format!(
        "Only the {} most severe of {} findings fit in this comment; see the full report.",
        lo,
        all.len()
    ));
    let out = render_template("report.md.j2", &v, digest)?;
    if out.chars().count() <= limit {
        Ok(out)
    } else {
        // The fixed parts alone exceed the limit (thousands of gates): hard cut on a char
        // boundary with a visible marker.
        let keep = limit.saturating_sub(200);
        let mut s: String = out.chars().take(keep).collect();
        s.push_str("\n\n> ✂ Report cut at GitHub's comment limit; see the full report.\n");
        Ok(s)
    }
}

/// `results.json`: pretty-printed, keys in model order, with a trailing newline.
pub fn json(r: &Results) -> Result<String> {
    let mut s = serde_json::to_string_pretty(r)?;
    s.push('\n');
    Ok(s)
}

/// SHA-256 of the results text, as embedded in every report.
pub fn digest(results_json: &str) -> String {
    crate::provenance::sha256_hex(results_json.as_bytes())
}

/// Renders one format; `results_json` is `json(r)`, computed once by the caller.
pub fn render_with(r: &Results, f: ReportFormat, results_json: &str) -> Result<String> {
    let d = digest(results_json);
    match f {
        ReportFormat::Md => markdown(r, GITHUB_COMMENT_LIMIT, &d),
        ReportFormat::Json => Ok(results_json.to_string()),
        ReportFormat::Html => html::render(r, results_json, &d),
        ReportFormat::Junit => Ok(junit::render(r, &d)),
    }
}

/// Renders one format.
pub fn render(r: &Results, f: ReportFormat) -> Result<String> {
    render_with(r, f, &json(r)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_file_is_registered() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        for entry in std::fs::read_dir(dir).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if !name.ends_with(".j2") {
                continue; // templates/gitlab-ci.yml is a CI template for users, not a report
            }
            assert!(TEMPLATES.iter().any(|(n, _)| *n == name), "templates/{name} is not registered in TEMPLATES");
        }
        environment().expect("every template compiles");
    }
}
