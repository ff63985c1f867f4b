//! `mlgate verify`: prove a report is what mlgate wrote, who signed its results, whether a
//! signed approval covers them for release, and whether the promotion registry is intact —
//! naming exactly what changed or who signed.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use base64::Engine;
use clap::Args;

use super::common::Ui;
use super::report::parse_results;
use super::trust::{self, Loaded, TrustArgs};
use crate::error::{quoted, user};
use crate::release::{Finding, judge, registry};
use crate::render::{self, ReportFormat};
use crate::results::{Results, Verdict};

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

    /// The results' signature (default: results.json.sig beside the results). Checked when
    /// allowed signers are given: then an unsigned or foreign-signed report fails.
    #[arg(long, value_name = "FILE")]
    pub signature: Option<PathBuf>,

    /// The results must be signed by this principal (as `ssh-keygen -Y verify -I`).
    #[arg(long, value_name = "WHO")]
    pub identity: Option<String>,

    /// Release gate: fail unless an approval record signed by an allowed signer covers
    /// these exact results, and they passed or every failing check is waived by name.
    #[arg(long)]
    pub require_approval: bool,

    /// Folder of approval records (default: `[release].approvals`, else mlgate-approvals).
    #[arg(long, value_name = "DIR")]
    pub approvals: Option<PathBuf>,

    /// Also check this promotion registry: chain, sequence, signatures and, where it is
    /// committed, that git history only ever appended to it.
    #[arg(long, value_name = "FILE")]
    pub registry: Option<PathBuf>,

    #[command(flatten)]
    pub trust: TrustArgs,
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
fn results_of(
    a: &VerifyArgs,
    format: ReportFormat,
    text: &str,
    shown: &str,
    lines: &mut Vec<Finding>,
) -> Result<(String, PathBuf)> {
    let beside = a.report.with_file_name("results.json");
    let (results_text, path) = match format {
        ReportFormat::Json => {
            let d = render::digest(text);
            lines.push(Finding::note(format!("{shown}: sha256 {d}")));
            (text.to_string(), a.report.clone())
        }
        ReportFormat::Html => {
            let (stated, embedded) = embedded_results(text).ok_or_else(|| {
                user(format!("{shown} carries no embedded mlgate results"))
                    .hint("only HTML reports written by mlgate can be verified")
            })?;
            let actual = render::digest(&embedded);
            let ok = actual == stated;
            lines.push(Finding {
                ok: Some(ok),
                text: if ok {
                    format!("embedded results match their digest sha256 {actual}")
                } else {
                    format!("embedded results were altered: digest stated {stated}, computed {actual}")
                },
            });
            (embedded, a.results.clone().unwrap_or(beside))
        }
        ReportFormat::Md | ReportFormat::Junit => {
            let stated = stated_digest(text, format).ok_or_else(|| {
                user(format!("{shown} states no results digest")).hint("only reports written by mlgate can be verified")
            })?;
            let rpath = a.results.clone().unwrap_or(beside);
            let rtext = std::fs::read_to_string(&rpath).map_err(|e| {
                user(format!("cannot read {}: {e}", rpath.display()))
                    .hint("Markdown and JUnit reports carry only the digest: pass the results.json they came from with --results")
            })?;
            let actual = render::digest(&rtext);
            let ok = actual == stated;
            lines.push(Finding {
                ok: Some(ok),
                text: if ok {
                    format!("{} matches the digest stated in the report (sha256 {actual})", rpath.display())
                } else {
                    format!("{} does not match the report: stated sha256 {stated}, computed {actual}", rpath.display())
                },
            });
            (rtext, rpath)
        }
    };
    Ok((results_text, path))
}

/// Whether each input, when it is at hand, is still the file the report read.
fn check_inputs(a: &VerifyArgs, r: &crate::results::Results, lines: &mut Vec<Finding>) -> Result<()> {
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
            lines.push(Finding::note(format!("{label}: not found at {} (not checked)", path.display())));
            continue;
        }
        let now = crate::provenance::sha256_file(&path).with_context(|| format!("hashing {}", path.display()))?;
        if now == input.sha256 {
            lines.push(Finding::pass(format!("{label}: unchanged")));
        } else {
            lines.push(Finding {
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

/// The signature of the results, checked when signers are trusted.
fn check_signature(
    a: &VerifyArgs,
    results_path: &Path,
    text: &str,
    trusted: Option<&Loaded>,
    lines: &mut Vec<Finding>,
) {
    let sig_path = a.signature.clone().unwrap_or_else(|| crate::sign::signature_path(results_path));
    let sig = std::fs::read_to_string(&sig_path).ok();
    match (trusted, sig) {
        (None, None) => {}
        (None, Some(_)) => lines
            .push(Finding::note(format!("{} exists; pass --allowed-signers to check who signed", sig_path.display()))),
        (Some(_), None) => {
            lines.push(Finding::fail(format!("the results are not signed ({} not found)", sig_path.display())))
        }
        (Some(t), Some(sig)) => {
            let at = t.trust();
            match crate::sign::verify::verify(
                at.signers,
                at.revoked,
                text.as_bytes(),
                &sig,
                a.identity.as_deref(),
                at.at,
            ) {
                Ok(who) => lines.push(Finding::pass(format!(
                    "results signed by {} (key {}, {} line {})",
                    who.principals.join(", "),
                    who.fingerprint,
                    t.signers.shown,
                    who.line
                ))),
                Err(p) => lines.push(Finding::fail(format!("results signature: {p}"))),
            }
        }
    }
}

/// The release gate: an approval record covering these results.
fn check_approval(r: &Results, text: &str, approvals: &Path, t: &Loaded, lines: &mut Vec<Finding>) -> Result<()> {
    let found = trust::candidates(approvals, None)?;
    let digest = render::digest(text);
    let valid = judge::valid_records(r, &digest, &found, &t.trust(), lines);
    let (_, finding) = judge::decide(r, &valid);
    if valid.is_empty() && found.is_empty() {
        lines.push(Finding::note(format!("no approval records in {}", approvals.display())));
    }
    lines.push(finding);
    Ok(())
}

/// The promotion registry: every entry chained, numbered and signed; history append-only.
/// Returns its entries and its text, read once.
pub fn check_registry(
    path: &Path,
    t: Option<&Loaded>,
    lines: &mut Vec<Finding>,
) -> Result<(Vec<registry::Entry>, String)> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
        user(format!("cannot read the registry {shown}: {e}"))
            .hint("pass the registry file `mlgate promote` appends to")
    })?;
    let trust = t.map(Loaded::trust);
    let (entries, mut found) = registry::check(&text, &shown, trust.as_ref());
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    if let Some(h) = crate::git::file_history(dir, name) {
        let versions: Vec<(String, Option<String>)> = h.entries.into_iter().map(|(c, _, t)| (c, t)).collect();
        found.extend(registry::check_history(&versions, &text, &shown));
    }
    if !found.iter().any(|f| f.ok == Some(false)) {
        let signed = if t.is_some() {
            "each signed by an allowed signer"
        } else {
            "signatures not checked (no allowed signers)"
        };
        found.push(Finding::pass(format!("{shown}: {} entries, chained and numbered, {signed}", entries.len())));
    }
    lines.extend(found);
    Ok((entries, text))
}

/// The configured model's promotion history for a release report (`[release] model`),
/// with whatever in the registry did not verify; none without a model or a registry.
pub fn release_history(cfg: &crate::config::Config) -> Result<Option<crate::results::release::ReleaseHistory>> {
    let release = trust::Release::of(cfg);
    let Some(model) = &release.model else { return Ok(None) };
    if !release.registry.exists() {
        return Ok(None);
    }
    let args = TrustArgs::default();
    let loaded = args.load(&release)?;
    let mut found = Vec::new();
    let (entries, text) = check_registry(&release.registry, loaded.as_ref(), &mut found)?;
    let shown = cfg.raw.release.registry.clone().unwrap_or_else(|| trust::REGISTRY.to_string());
    Ok(Some(registry::history(model, &shown, &text, &entries, &found)))
}

pub fn verify(a: VerifyArgs, ui: &Ui) -> Result<i32> {
    let shown = a.report.display().to_string();
    let format = ReportFormat::of_path(&a.report).ok_or_else(|| {
        user(format!("{} is not a report mlgate writes", quoted(&shown)))
            .hint("pass report.html, report.md, junit.xml or results.json")
    })?;
    let release = a.trust.release()?;
    let trusted = a.trust.load(&release)?;
    if (a.require_approval || a.identity.is_some()) && trusted.is_none() {
        return Err(user("--require-approval and --identity need the trusted signers")
            .hint("pass --allowed-signers FILE, or set [release].allowed_signers in mlgate.toml")
            .into());
    }
    let text = std::fs::read_to_string(&a.report)
        .map_err(|e| user(format!("cannot read {}: {e}", quoted(&shown))).hint("check the path"))?;
    let mut lines: Vec<Finding> = Vec::new();
    let (results_text, results_path) = results_of(&a, format, &text, &shown, &mut lines)?;
    let r = parse_results(&results_text, &shown)?;

    // The verdict must follow from the gates (an edited status would not).
    let fail_on = r.verdict.fail_on;
    let recomputed = Verdict::compute(&r.gates, r.rubric.as_ref(), fail_on);
    let consistent = recomputed == r.verdict;
    lines.push(Finding {
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
        lines.push(Finding {
            ok: Some(same),
            text: if same {
                "the report is exactly what its results render to".to_string()
            } else {
                format!("the report was edited after it was written: {}", first_difference(&again, &text))
            },
        });
    }

    check_inputs(&a, &r, &mut lines)?;
    check_signature(&a, &results_path, &results_text, trusted.as_ref(), &mut lines);
    if a.require_approval
        && let Some(t) = &trusted
    {
        let dir = a.approvals.clone().unwrap_or(release.approvals.clone());
        check_approval(&r, &results_text, &dir, t, &mut lines)?;
    }
    if let Some(reg) = &a.registry {
        check_registry(reg, trusted.as_ref(), &mut lines)?;
    }
    let failed = lines.iter().any(|l| l.ok == Some(false));
    if !ui.quiet || failed {
        print_findings(&shown, failed, &lines)?;
    }
    Ok(if failed { crate::exit::GATE_FAILED } else { crate::exit::SUCCESS })
}

/// The findings, one per line, under a verdict line.
pub fn print_findings(shown: &str, failed: bool, lines: &[Finding]) -> Result<()> {
    let mut o = std::io::stdout().lock();
    writeln!(
        o,
        "{} {shown}: {}",
        if failed { "✗" } else { "✓" },
        if failed { "verification FAILED" } else { "verified" }
    )?;
    for l in lines {
        let mark = match l.ok {
            Some(true) => "✓",
            Some(false) => "✗",
            None => "○",
        };
        writeln!(o, "  {mark} {}", crate::render::terminal::safe(&l.text))?;
    }
    Ok(())
}
