//! What `check` and every `gate` share: assembling [`Results`], rendering, writing the
//! report files atomically, and printing the summary.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::ReportArgs;
use crate::render::{self, ReportFormat};
use crate::results::{FailOn, GateResult, Results, Run, SCHEMA_VERSION, Tool, Verdict};
use crate::run::RunCtx;

/// An environment variable that is set to something other than blanks.
pub fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The repository a GitHub command works on: `flag`'s value (named `flag_name`), else
/// `$GITHUB_REPOSITORY` (set in GitHub Actions).
pub fn github_repository(flag: Option<&str>, flag_name: &str) -> Result<(String, String)> {
    use crate::github::context::parse_repo;
    match (flag, env("GITHUB_REPOSITORY")) {
        (Some(r), _) => parse_repo(r, flag_name),
        (None, Some(r)) => parse_repo(&r, "GITHUB_REPOSITORY"),
        (None, None) => Err(crate::error::user(format!(
            "no repository: pass {flag_name} OWNER/NAME (GitHub Actions sets GITHUB_REPOSITORY)"
        ))
        .into()),
    }
}

/// The GitHub API base URL: `flag`'s value (named `flag_name`), else `$GITHUB_API_URL`, else
/// GitHub.com's; checked by `context::parse_api_url`.
pub fn github_api_url(flag: Option<&str>, flag_name: &str) -> Result<String> {
    use crate::github::context::{DEFAULT_API_URL, parse_api_url};
    match (flag, env("GITHUB_API_URL")) {
        (Some(u), _) => parse_api_url(u, flag_name),
        (None, Some(u)) => parse_api_url(&u, "GITHUB_API_URL"),
        (None, None) => Ok(DEFAULT_API_URL.to_string()),
    }
}

/// Terminal settings for a command.
pub struct Ui {
    pub color: bool,
    pub quiet: bool,
}

impl Ui {
    pub fn progress(&self) -> crate::ui::Progress {
        crate::ui::Progress::new(!self.quiet)
    }

    /// A warning on stderr (always shown: warnings are about the user's inputs).
    pub fn warn(&self, msg: &str) {
        let label = crate::ui::paint(self.color, crate::results::Status::Warn, "warning:");
        crate::ui::eprint_line(&format!("{label} {msg}"));
    }
}

/// Where the results came from, for provenance.
pub struct Origin<'a> {
    pub command: String,
    /// Folder whose git state is recorded.
    pub git_dir: &'a Path,
    pub config: Option<&'a crate::config::Config>,
}

pub fn assemble(origin: Origin<'_>, ctx: RunCtx, gates: Vec<GateResult>, fail_on: FailOn) -> Result<Results> {
    assemble_with_rubric(origin, ctx, gates, None, fail_on)
}

pub fn assemble_with_rubric(
    origin: Origin<'_>,
    ctx: RunCtx,
    gates: Vec<GateResult>,
    rubric: Option<crate::results::RubricResult>,
    fail_on: FailOn,
) -> Result<Results> {
    let verdict = Verdict::compute(&gates, rubric.as_ref(), fail_on);
    Ok(Results {
        schema_version: SCHEMA_VERSION.into(),
        tool: Tool::current(),
        run: Run {
            command: origin.command,
            timestamp: crate::provenance::timestamp()?,
            git: crate::provenance::git_info(origin.git_dir),
            config_digest: origin.config.map(|c| c.digest.clone()),
            config_path: origin.config.map(|c| c.path.display().to_string()),
        },
        inputs: ctx.into_inputs()?,
        gates,
        rubric,
        verdict,
        release: None,
    })
}

/// Renders the requested formats, writes them into the output folder (if any), prints
/// the summary (or the JSON), and returns the exit code.
pub fn finish(results: &Results, args: &ReportArgs, default_out: Option<PathBuf>, ui: &Ui) -> Result<i32> {
    let mut args = args.clone();
    args.load_key(ui)?;
    let formats: Vec<ReportFormat> = if args.format.is_empty() {
        ReportFormat::all()
    } else {
        let mut f = args.format.clone();
        f.sort();
        f.dedup();
        f
    };
    let json_to_stdout = args.format == [ReportFormat::Json];
    let out_dir = args.out.clone().or(default_out);

    // Render everything before writing anything.
    let results_json = render::json(results)?;
    let mut files = Vec::new();
    if out_dir.is_some() {
        for f in &formats {
            files.push((f.file_name().to_string(), render::render_with(results, *f, &results_json)?));
        }
        // The archive of record is always written.
        if !formats.contains(&ReportFormat::Json) {
            files.push((ReportFormat::Json.file_name().to_string(), results_json.clone()));
        }
        if let Some(key) = &args.key {
            files.push(("results.json.sig".to_string(), key.sign(results_json.as_bytes())?));
        }
    } else if args.key.is_some() {
        ui.warn("a signing key was given but no report folder is written (--out): nothing was signed");
    }
    // In GitHub Actions: the job summary and annotations.
    if std::env::var("GITHUB_ACTIONS").as_deref() == Ok("true") {
        let md = render::render_with(results, ReportFormat::Md, &results_json)?;
        crate::github::step::publish_step(results, &md, results.run.config_path.as_deref())?;
    }
    let written = match &out_dir {
        Some(dir) => crate::output::write_all(dir, &files)?,
        None => Vec::new(),
    };
    // A signature left from an earlier, signed run would sign other results.
    if let Some(dir) = &out_dir
        && args.key.is_none()
    {
        let stale = dir.join("results.json.sig");
        if stale.is_file() && std::fs::remove_file(&stale).is_ok() {
            ui.warn(&format!("removed {} from an earlier run: these results are not signed", stale.display()));
        }
    }
    crate::github::step::write_outputs(results, out_dir.as_deref(), &written)?;

    let mut stdout = std::io::stdout().lock();
    if json_to_stdout {
        stdout.write_all(results_json.as_bytes()).context("writing to stdout")?;
    } else if !ui.quiet {
        let shown: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
        stdout
            .write_all(render::terminal::summary(results, ui.color, &shown).as_bytes())
            .context("writing to stdout")?;
    }
    Ok(results.verdict.exit_code)
}

/// `--fail-on` from the flag, else the config, else `fail`.
pub fn fail_on(flag: Option<FailOn>, cfg: Option<&crate::config::Config>) -> FailOn {
    flag.or_else(|| cfg.and_then(|c| c.raw.report.fail_on)).unwrap_or_default()
}
