//! The run outputs `mlgate score` reads (`--runs DIR`, `[evidence] runs`, and
//! `--runs-from-github`): gathered into one [`RunSet`], with the policy they are judged by.
//! Reading never fails the score on a bad artefact (it is skipped with the reason); a
//! missing folder, a bad option or a GitHub API that refuses is the user's to fix (exit 2).

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;
use clap::Args;

use super::common::env;
use crate::config::Config;
use crate::error::user;
use crate::github::api::{Api, scrub};
use crate::github::artifacts;
use crate::rubric::ran::Policy;
use crate::rubric::runs::{self, Origin, RunSet};

/// Bytes of one downloaded artefact at most.
const MAX_DOWNLOAD: u64 = 256 * 1024 * 1024;

#[derive(Debug, Args, Default)]
pub struct RunsArgs {
    /// A folder of run outputs (or one artefact): downloaded CI artefacts (zip archives are opened), JUnit XML,
    /// earlier mlgate results.json, Great Expectations validations, Evidently reports, TFDV
    /// anomalies, dvc.lock, MLflow mlruns folders, TFX blessings. Repeatable; read
    /// recursively. Each run of a check becomes that test's evidence that it actually ran.
    #[arg(long = "runs", value_name = "DIR")]
    pub dirs: Vec<PathBuf>,

    /// An automated point needs at least N runs within --window (failing runs count: the
    /// check ran); a test with fewer gets the manual half point and a finding.
    #[arg(long, value_name = "N")]
    pub require_runs: Option<u32>,

    /// The window --require-runs counts runs in, ending now (`SOURCE_DATE_EPOCH` if set):
    /// days (`30d`) or weeks (`4w`).
    #[arg(long, value_name = "SPAN", default_value = "30d", value_parser = parse_window)]
    pub window: u32,

    /// Download the artefacts of --workflow's last runs through the GitHub REST API
    /// (token from $GITHUB_TOKEN, or --token-env; never printed) and read them as run outputs.
    #[arg(long, requires = "workflow")]
    pub runs_from_github: bool,

    /// A workflow --runs-from-github reads: its name, file name (`monitor.yml`) or id.
    /// Repeatable (`--workflow ci --workflow monitor`).
    #[arg(long, value_name = "NAME")]
    pub workflow: Vec<String>,

    /// How many of each workflow's most recent completed runs to read.
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub last: u32,

    /// The repository the workflow belongs to (default: $GITHUB_REPOSITORY).
    #[arg(long, value_name = "OWNER/NAME")]
    pub github_repo: Option<String>,

    /// The environment variable holding the token for --runs-from-github.
    #[arg(long, value_name = "VAR", default_value = "GITHUB_TOKEN")]
    pub token_env: String,
}

/// `30d` → 30, `4w` → 28.
fn parse_window(s: &str) -> Result<u32, String> {
    let t = s.trim();
    let (num, per) = match t.char_indices().last() {
        Some((i, 'd')) => (&t[..i], 1),
        Some((i, 'w')) => (&t[..i], 7),
        _ => (t, 1),
    };
    match num.parse::<u32>().ok().and_then(|n| n.checked_mul(per)) {
        Some(n) if (1..=3660).contains(&n) => Ok(n),
        _ => Err(format!("{s:?} is not a window: write days like 30d or weeks like 4w (1 day to 10 years)")),
    }
}

impl RunsArgs {
    fn any(&self, config: Option<&Config>) -> bool {
        let configured = config.and_then(|c| c.raw.evidence.get("runs")).is_some();
        !self.dirs.is_empty() || self.runs_from_github || configured
    }
}

/// `[evidence] runs = ["ci-runs", …]`, resolved against the configuration's folder. A pull
/// request writes mlgate.toml: the folders must stay inside the repository (as data paths
/// must), so a report never lists what another folder of the runner holds.
fn config_dirs(c: &Config) -> Result<Vec<(PathBuf, String)>> {
    let Some(v) = c.raw.evidence.get("runs") else { return Ok(Vec::new()) };
    let origin = format!("[evidence].runs at {}", c.at(&v.span()));
    let mut out = Vec::new();
    for d in v.get_ref().as_array().into_iter().flatten().filter_map(|d| d.as_str()) {
        let path = c.resolve(d);
        crate::paths::inside(&c.root, &path, d, &origin)?;
        out.push((path, d.to_string()));
    }
    Ok(out)
}

/// Checks `[evidence] runs`'s shape: a list of folder names.
pub fn check_config(c: &Config) -> Result<()> {
    let Some(v) = c.raw.evidence.get("runs") else { return Ok(()) };
    let ok = v.get_ref().as_array().is_some_and(|a| a.iter().all(|d| d.as_str().is_some_and(|s| !s.trim().is_empty())));
    if ok {
        return Ok(());
    }
    Err(user(format!("{}: [evidence].runs must be a list of folders of run outputs", c.at(&v.span())))
        .hint("write runs = [\"ci-runs\"], folders relative to mlgate.toml")
        .into())
}

/// The run outputs and policy, or `None` when none were given (the score then judges the
/// wiring only).
pub fn gather(a: &RunsArgs, config: Option<&Config>, notes: &mut Vec<String>) -> Result<Option<(RunSet, Policy)>> {
    if !a.any(config) {
        if a.require_runs.is_some() {
            return Err(user("--require-runs needs run outputs to count")
                .hint("add --runs DIR (a folder of downloaded CI artefacts), [evidence] runs = [\"DIR\"], or --runs-from-github --workflow NAME")
                .into());
        }
        return Ok(None);
    }
    if a.require_runs == Some(0) {
        return Err(user("--require-runs 0 asks for nothing").hint("pass 1 or more, or leave it out").into());
    }
    let stamp = crate::provenance::timestamp()?;
    let now = runs::parse_time(&stamp).unwrap_or(0);
    let mut set = RunSet::default();
    let mut dirs: Vec<(PathBuf, String)> = a.dirs.iter().map(|d| (d.clone(), d.display().to_string())).collect();
    if let Some(c) = config {
        dirs.extend(config_dirs(c)?);
    }
    for (dir, shown) in &dirs {
        set.read_dir(dir, shown, now).map_err(|why| {
            user(format!("run outputs {why}"))
                .hint("pass --runs a folder of downloaded artefacts (it is read recursively)")
        })?;
    }
    if a.runs_from_github {
        from_github(a, &mut set, now, notes)?;
    }
    Ok(Some((set, Policy { require: a.require_runs, window_days: a.window, now })))
}

fn from_github(a: &RunsArgs, set: &mut RunSet, now: i64, notes: &mut Vec<String>) -> Result<()> {
    let token = env(&a.token_env).ok_or_else(|| {
        user(format!("--runs-from-github needs a token in ${}", a.token_env)).hint(
            "in a workflow give the step `env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}` and `permissions: actions: read`; locally export a token that can read Actions",
        )
    })?;
    let repo = super::common::github_repository(a.github_repo.as_deref(), "--github-repo")?;
    let url = super::common::github_api_url(None, "GITHUB_API_URL")?;
    // A refusal (bad token, no such repository or workflow) is the user's to fix (exit 2);
    // an API that cannot be reached or fails on its side is a runtime failure (exit 3).
    let fail = |m: String, hint: Option<String>, status: Option<u16>| -> anyhow::Error {
        let (m, hint) = (scrub(&m, &token), hint.map(|h| scrub(&h, &token)));
        if status.is_none_or(|s| s >= 500) {
            return anyhow::anyhow!(match hint {
                Some(h) => format!("{m} ({h})"),
                None => m,
            });
        }
        let e = user(m);
        match hint {
            Some(h) => e.hint(h).into(),
            None => e.into(),
        }
    };
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let _entered = rt.enter();
    let api = Api::new(&url, &token, &a.token_env, Duration::from_secs(120))
        .map_err(|e| fail(e.to_string(), Some("check GITHUB_API_URL".into()), Some(400)))?;
    // All downloads together stay within what the run outputs may hold in memory.
    let mut budget = runs::MAX_TOTAL_BYTES.saturating_sub(set.bytes);
    for workflow in &a.workflow {
        let mut got = Vec::new();
        let recent = rt
            .block_on(artifacts::recent(&api, &repo.0, &repo.1, workflow, a.last, MAX_DOWNLOAD, &mut budget, &mut got))
            .map_err(|e| fail(e.message, e.hint, e.status))?;
        set.sources.push(format!("GitHub {}/{} workflow {workflow:?}, last {} runs", repo.0, repo.1, recent.len()));
        for n in got {
            set.skipped.push(scrub(&n, &token));
        }
        if recent.is_empty() {
            notes
                .push(format!("--runs-from-github: {}/{} workflow {workflow:?} has no completed runs", repo.0, repo.1));
        }
        read_runs(set, &recent, now, notes);
    }
    Ok(())
}

/// Each downloaded artefact of each run, read with what GitHub knows of the run.
fn read_runs(set: &mut RunSet, recent: &[artifacts::WorkflowRun], now: i64, notes: &mut Vec<String>) {
    for r in recent {
        let origin = Origin {
            label: format!("GitHub run {}", r.id),
            run: Some(format!("github:{}", r.id)),
            at: runs::parse_time(&r.started),
            scheduled: Some(r.event == "schedule"),
        };
        if r.artifacts.is_empty() {
            notes.push(format!("GitHub run {} ({}, {}) uploaded no artefacts", r.id, r.event, r.conclusion));
        }
        for (name, bytes) in &r.artifacts {
            set.bytes += bytes.len() as u64;
            set.read_archive(bytes, name, now, &origin);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_window;

    #[test]
    fn windows() {
        assert_eq!(parse_window("30d"), Ok(30));
        assert_eq!(parse_window("4w"), Ok(28));
        assert_eq!(parse_window("7"), Ok(7));
        assert!(parse_window("0d").is_err());
        assert!(parse_window("30m").is_err());
        assert!(parse_window("").is_err());
        assert!(parse_window("99999999w").is_err());
        assert!(parse_window("999999999w").is_err());
    }
}
