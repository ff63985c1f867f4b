//! `mlgate report`: re-render archived results; `mlgate verify`: prove a report is what
//! mlgate wrote, and say what changed since.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use base64::Engine;
use clap::Args;

use super::common::Ui;
use crate::error::{quoted, user};
use crate::render::{self, ReportFormat};
use crate::results::{Results, Verdict};

/// The JSON Schema of results.json, embedded.
pub const RESULTS_SCHEMA: &str = include_str!("../../schemas/results.schema.json");

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// An archived results.json.
    pub results: PathBuf,

    /// Formats to write (default: all).
    #[arg(long, value_delimiter = ',', value_enum, value_name = "FORMATS")]
    pub format: Vec<ReportFormat>,

    /// Output folder (default: the results file's folder).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// A report written by mlgate: report.html, report.md, junit.xml or results.json.
    pub report: PathBuf,

    /// The results.json a Markdown or JUnit report was made from (default: results.json
    /// next to the report).
    #[arg(long, value_name = "FILE")]
    pub results: Option<PathBuf>,

    /// Folder the recorded input paths are relative to (default: the configuration file's
    /// folder as recorded, else the current folder).
    #[arg(long, value_name = "DIR")]
    pub base: Option<PathBuf>,
}

/// Parses results text, validating it against the shipped schema first.
pub fn parse_results(text: &str, shown: &str) -> Result<Results> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        user(format!("{shown}:{}:{}: not valid JSON: {e}", e.line(), e.column()))
            .hint("pass a results.json written by mlgate")
    })?;
    let schema: serde_json::Value = serde_json::from_str(RESULTS_SCHEMA).expect("embedded schema");
    let v = jsonschema::validator_for(&schema).expect("embedded schema compiles");
    let errors: Vec<String> =
        v.iter_errors(&value).take(10).map(|e| format!("  - {}: {e}", e.instance_path())).collect();
    if !errors.is_empty() {
        return Err(user(format!("{shown} is not mlgate results:\n{}", errors.join("\n")))
            .hint("the format is described by schemas/results.schema.json")
            .into());
    }
    serde_json::from_value(value).map_err(|e| user(format!("{shown}: {e}")).into())
}

pub fn report(a: ReportArgs, ui: &Ui) -> Result<i32> {
    let shown = a.results.display().to_string();
    let text = std::fs::read_to_string(&a.results).map_err(|e| {
        user(format!("cannot read {}: {e}", quoted(&shown))).hint("pass the path of an archived results.json")
    })?;
    let r = parse_results(&text, &shown)?;
    let formats = if a.format.is_empty() { ReportFormat::all() } else { a.format.clone() };
    let out = a.out.clone().unwrap_or_else(|| a.results.parent().map(Path::to_path_buf).unwrap_or_default());
    let mut files = Vec::new();
    for f in formats {
        // Re-rendering keeps the archived text as the results of record.
        files.push((f.file_name().to_string(), render::render_with(&r, f, &text)?));
    }
    let files: Vec<(String, String)> =
        files.into_iter().filter(|(name, _)| !(name == "results.json" && out.join(name) == a.results)).collect();
    let written = crate::output::write_all(&out, &files)?;
    if !ui.quiet {
        let mut o = std::io::stdout().lock();
        for w in written {
            writeln!(o, "wrote {}", w.display())?;
        }
    }
    Ok(crate::exit::SUCCESS)
}

/// One finding of `verify`.
struct Line {
    ok: Option<bool>,
    text: String,
}

fn first_difference(a: &str, b: &str) -> String {
    for (i, (x, y)) in a.lines().zip(b.lines()).enumerate() {
        if x != y {
            // Show the neighbourhood of the first differing character.
            let xc: Vec<char> = x.chars().collect();
            let yc: Vec<char> = y.chars().collect();
            let at = xc.iter().zip(&yc).position(|(p, q)| p != q).unwrap_or(xc.len().min(yc.len()));
            let window = |c: &[char]| -> String {
                let lo = at.saturating_sub(40);
                let hi = (at + 40).min(c.len());
                let mut s: String = c[lo.min(c.len())..hi].iter().collect();
                if lo > 0 {
                    s.insert(0, '…');
                }
                if hi < c.len() {
                    s.push('…');
                }
                s
            };
            return format!(
                "line {}, column {} differs: expected {}, found {}",
                i + 1,
                at + 1,
                quoted(&window(&xc)),
                quoted(&window(&yc))
            );
        }
    }
    format!("the lengths differ ({} vs {} lines)", a.lines().count(), b.lines().count())
}

/// The results text embedded in an HTML report, with the digest stated next to it.
fn embedded_results(html: &str) -> Option<(String, String)> {
    let start = html.rfind("<!-- mlgate:results sha256=")?;
    let rest = &html[start + "<!-- mlgate:results sha256=".len()..];
    let (digest, body) = rest.split_once('\n')?;
    let body = body.split("-->").next()?;
    let b64: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = base64::engine::general_purpose::STANDARD.decode(b64).ok()?;
    Some((digest.trim().to_string(), String::from_utf8(bytes).ok()?))
}

fn stated_digest(text: &str, format: ReportFormat) -> Option<String> {
    match format {
        ReportFormat::Md => {
            let i = text.rfind("<!-- mlgate:results sha256=")?;
            let rest = &text[i + "<!-- mlgate:results sha256=".len()..];
            Some(rest.split_whitespace().next()?.to_string())
        }
        ReportFormat::Junit => {
            let key = "name=\"mlgate.results.sha256\" value=\"";
            let i = text.find(key)?;
            Some(text[i + key.len()..].split('"').next()?.to_string())
        }
        _ => None,
    }
}

/// The results a report was rendered from, checked against the digest it states.
fn results_of(a: &VerifyArgs, format: ReportFormat, text: &str, shown: &str, lines: &mut Vec<Line>) -> Result<String> {
    let (results_text, _digest) = match format {
        ReportFormat::Json => {
            let d = render::digest(text);
            lines.push(Line { ok: None, text: format!("{shown}: sha256 {d}") });
            (text.to_string(), d)
        }
        ReportFormat::Html => {
            let (stated, embedded) = embedded_results(text).ok_or_else(|| {
                user(format!("{shown} carries no embedded mlgate results"))
                    .hint("only HTML reports written by mlgate can be verified")
            })?;
            let actual = render::digest(&embedded);
            let ok = actual == stated;
            lines.push(Line {
                ok: Some(ok),
                text: if ok {
                    format!("embedded results match their digest sha256 {actual}")
                } else {
                    format!("embedded results were altered: digest stated {stated}, computed {actual}")
                },
            });
            (embedded, stated)
        }
        ReportFormat::Md | ReportFormat::Junit => {
            let stated = stated_digest(text, format).ok_or_else(|| {
                user(format!("{shown} states no results digest")).hint("only reports written by mlgate can be verified")
            })?;
            let rpath = a.results.clone().unwrap_or_else(|| a.report.with_file_name("results.json"));
            let rtext = std::fs::read_to_string(&rpath).map_err(|e| {
                user(format!("cannot read {}: {e}", rpath.display()))
                    .hint("Markdown and JUnit reports carry only the digest: pass the results.json they came from with --results")
            })?;
            let actual = render::digest(&rtext);
            let ok = actual == stated;
            lines.push(Line {
                ok: Some(ok),
                text: if ok {
                    format!("{} matches the digest stated in the report (sha256 {actual})", rpath.display())
                } else {
                    format!("{} does not match the report: stated sha256 {stated}, computed {actual}", rpath.display())
                },
            });
            (rtext, stated)
        }
    };
    Ok(results_text)
}

/// Whether each input, when it is at hand, is still the file the report read.
fn check_inputs(a: &VerifyArgs, r: &crate::results::Results, lines: &mut Vec<Line>) -> Result<()> {
    let base = match &a.base {
        Some(b) => b.clone(),
        None => r
            .run
            .config_path
            .as_deref()
            .map(|c| Path::new(c).parent().map(Path::to_path_buf).unwrap_or_default())
            .unwrap_or_default(),
    };
    for input in &r.inputs {
        let path = base.join(&input.path);
        let label = format!("input {} ({})", quoted(&input.name), input.path);
        if !path.is_file() {
            lines.push(Line { ok: None, text: format!("{label}: not found at {} (not checked)", path.display()) });
            continue;
        }
        let now = crate::provenance::sha256_file(&path).with_context(|| format!("hashing {}", path.display()))?;
        if now == input.sha256 {
            lines.push(Line { ok: Some(true), text: format!("{label}: unchanged") });
        } else {
            lines.push(Line {
                ok: Some(false),
                text: format!(
                    "{label}: changed since the report — sha256 was {}…, now {}…",
                    &input.sha256[..12],
                    &now[..12]
                ),
            });
        }
    }
    Ok(())
}

pub fn verify(a: VerifyArgs, ui: &Ui) -> Result<i32> {
    let shown = a.report.display().to_string();
    let format = ReportFormat::of_path(&a.report).ok_or_else(|| {
        user(format!("{} is not a report mlgate writes", quoted(&shown)))
            .hint("pass report.html, report.md, junit.xml or results.json")
    })?;
    let text = std::fs::read_to_string(&a.report)
        .map_err(|e| user(format!("cannot read {}: {e}", quoted(&shown))).hint("check the path"))?;
    let mut lines: Vec<Line> = Vec::new();
    let results_text = results_of(&a, format, &text, &shown, &mut lines)?;
    let r = parse_results(&results_text, &shown)?;

    // The verdict must follow from the gates (an edited status would not).
    let fail_on = r.verdict.fail_on;
    let recomputed = Verdict::compute(&r.gates, r.rubric.as_ref(), fail_on);
    let consistent = recomputed == r.verdict;
    lines.push(Line {
        ok: Some(consistent),
        text: if consistent {
            format!(
                "verdict {} (exit {}) follows from the {} gates",
                r.verdict.status,
                r.verdict.exit_code,
                r.gates.len()
            )
        } else {
            format!(
                "the verdict says {} (exit {}) but the gates give {} (exit {})",
                r.verdict.status, r.verdict.exit_code, recomputed.status, recomputed.exit_code
            )
        },
    });

    // The visible report must be exactly what these results render to.
    if format != ReportFormat::Json {
        let again = render::render_with(&r, format, &results_text)?;
        let same = again == text;
        lines.push(Line {
            ok: Some(same),
            text: if same {
                "the report is exactly what its results render to".to_string()
            } else {
                format!("the report was edited after it was written: {}", first_difference(&again, &text))
            },
        });
    }

    check_inputs(&a, &r, &mut lines)?;
    let failed = lines.iter().any(|l| l.ok == Some(false));
    if !ui.quiet || failed {
        let mut o = std::io::stdout().lock();
        writeln!(
            o,
            "{} {shown}: {}",
            if failed { "✗" } else { "✓" },
            if failed { "verification FAILED" } else { "verified" }
        )?;
        for l in &lines {
            let mark = match l.ok {
                Some(true) => "✓",
                Some(false) => "✗",
                None => "○",
            };
            writeln!(o, "  {mark} {}", crate::render::terminal::safe(&l.text))?;
        }
    }
    Ok(if failed { crate::exit::GATE_FAILED } else { crate::exit::SUCCESS })
}
