//! Publishing inside a GitHub Actions step, no API needed: the job summary
//! (`$GITHUB_STEP_SUMMARY`), workflow-command annotations (`::error::` / `::warning::`) for
//! failing checks, and the step outputs (`$GITHUB_OUTPUT`). A publisher decides nothing: it
//! writes what the results and the rendered Markdown already say.

use std::io::Write;

use crate::results::{Results, Status};

/// Escapes a workflow-command message (`%`, CR, LF).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a workflow-command property value (also `:` and `,`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Annotation lines for the checks that warn, fail or error (at most 50, as GitHub shows
/// only the first annotations of a step anyway).
pub fn annotations(r: &Results, file: Option<&str>) -> Vec<String> {
    let mut out = Vec::new();
    for g in &r.gates {
        for c in &g.checks {
            let kind = match c.status {
                Status::Fail | Status::Error => "error",
                Status::Warn => "warning",
                _ => continue,
            };
            let title = format!("mlgate {} {} [{}]", g.id, c.code, c.subject);
            let file = file.map(|f| format!("file={},", escape_property(f))).unwrap_or_default();
            out.push(format!("::{kind} {file}title={}::{}", escape_property(&title), escape_data(&c.message)));
        }
    }
    out.sort_by_key(|l| !l.starts_with("::error"));
    out.truncate(50);
    out
}

/// In GitHub Actions: appends the Markdown report to the job summary and prints the
/// annotations. Outside Actions it does nothing.
pub fn publish_step(r: &Results, markdown: &str, config: Option<&str>) -> anyhow::Result<()> {
    if std::env::var("GITHUB_ACTIONS").as_deref() != Ok("true") {
        return Ok(());
    }
    if let Ok(path) = std::env::var("GITHUB_STEP_SUMMARY")
        && !path.is_empty()
    {
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| anyhow::anyhow!("appending to GITHUB_STEP_SUMMARY ({path}): {e}"))?;
        writeln!(f, "{markdown}")?;
    }
    let mut stdout = std::io::stdout().lock();
    for line in annotations(r, config) {
        writeln!(stdout, "{line}")?;
    }
    Ok(())
}

/// Step outputs (`verdict`, `exit-code`, `score`, `report-dir`, `results`, `report-md`,
/// `report-html`) as `key=value` lines for `$GITHUB_OUTPUT`. Values holding a line break
/// are left out rather than allowed to forge another output.
pub fn output_lines(r: &Results, out_dir: Option<&std::path::Path>, written: &[std::path::PathBuf]) -> Vec<String> {
    let mut kv: Vec<(&str, String)> =
        vec![("verdict", r.verdict.status.as_str().to_string()), ("exit-code", r.verdict.exit_code.to_string())];
    if let Some(ru) = &r.rubric {
        kv.push(("score", crate::text::num(ru.final_score)));
    }
    if let Some(d) = out_dir {
        kv.push(("report-dir", d.display().to_string()));
    }
    for p in written {
        let key = match p.file_name().and_then(|n| n.to_str()) {
            Some("results.json") => "results",
            Some("report.md") => "report-md",
            Some("report.html") => "report-html",
            Some("junit.xml") => "junit",
            _ => continue,
        };
        kv.push((key, p.display().to_string()));
    }
    kv.into_iter().filter(|(_, v)| !v.contains(['\n', '\r'])).map(|(k, v)| format!("{k}={v}")).collect()
}

/// In GitHub Actions, appends [`output_lines`] to `$GITHUB_OUTPUT`.
pub fn write_outputs(
    r: &Results,
    out_dir: Option<&std::path::Path>,
    written: &[std::path::PathBuf],
) -> anyhow::Result<()> {
    if std::env::var("GITHUB_ACTIONS").as_deref() != Ok("true") {
        return Ok(());
    }
    let Ok(path) = std::env::var("GITHUB_OUTPUT") else { return Ok(()) };
    if path.is_empty() {
        return Ok(());
    }
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|e| anyhow::anyhow!("appending to GITHUB_OUTPUT ({path}): {e}"))?;
    for line in output_lines(r, out_dir, written) {
        writeln!(f, "{line}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_commands_cannot_be_injected() {
        assert_eq!(escape_data("50%\n::error::x"), "50%25%0A::error::x");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
