//! `mlgate check`: run the configured gates, write the reports, exit with the verdict.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::ReportArgs;
use super::common::{self, Origin, Ui};
use crate::config::{Config, DEFAULT_CONFIG};
use crate::review;
use crate::run::{self, RunCtx};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Configuration file.
    #[arg(long, short, value_name = "FILE", default_value = DEFAULT_CONFIG)]
    pub config: PathBuf,

    /// Compare thresholds with this base commit or branch (a pull request's target).
    ///
    /// Loosened thresholds, and thresholds changed together with the candidate's
    /// predictions or model files, block unless approved. In a GitHub Actions pull request
    /// the base defaults to `origin/$GITHUB_BASE_REF` (check out with `fetch-depth: 0`).
    #[arg(long, value_name = "REF")]
    pub base: Option<String>,

    /// Record an approval of threshold changes: "who: why". Repeatable; shown in the report.
    ///
    /// Counts only outside a pull request (a release job, a manual run): in a pull request's
    /// own run it is shown as requested and the gate keeps failing, because the change
    /// would approve itself. `[[review.approvals]]` count once they are on the base branch.
    #[arg(long, value_name = "WHO: WHY")]
    pub approve: Vec<String>,

    /// Let paths named in mlgate.toml (data, schemas, profiles) point outside the
    /// repository, or through symbolic links that leave it. Off by default: a pull request
    /// writes that file.
    #[arg(long)]
    pub allow_outside_repo: bool,

    #[command(flatten)]
    pub report: ReportArgs,
}

/// The base to compare thresholds with: the flag, or the PR's base branch in Actions.
fn base_ref(flag: Option<String>) -> Option<String> {
    flag.or_else(|| {
        let in_actions = std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true");
        let base = std::env::var("GITHUB_BASE_REF").ok().filter(|b| !b.trim().is_empty())?;
        in_actions.then(|| format!("origin/{base}"))
    })
}

/// Whether this run checks a pull (or merge) request, whose own workflow may not approve it:
/// a GitHub Actions `pull_request*` event, or a GitLab merge-request pipeline.
fn in_pull_request() -> bool {
    let var = common::env;
    var("GITHUB_EVENT_NAME").is_some_and(|e| e.starts_with("pull_request"))
        || var("GITHUB_HEAD_REF").is_some()
        || var("CI_MERGE_REQUEST_IID").is_some()
}

pub fn run(mut args: CheckArgs, ui: &Ui) -> Result<i32> {
    crate::paths::allow_outside(args.allow_outside_repo);
    let cfg = Config::load(&args.config)?;
    if let (Some(out), None) = (&cfg.raw.report.out, &args.report.out) {
        crate::paths::relative_inside(out, &format!("[report].out in {}", args.config.display()))?;
    }
    let mut approvals = Vec::new();
    for a in &args.approve {
        approvals.push(review::parse_approval(a)?);
    }
    args.report.load_key(ui)?;
    let base = base_ref(args.base.clone());
    // Cheap and independent of the data: fail fast on a missing base before reading data.
    let mut given = review::Given { flags: approvals, flags_count: !in_pull_request(), ..Default::default() };
    let threshold_gate = match &base {
        Some(b) => {
            let mut g = review::run(&cfg, b, &given, &cfg.raw.review.model_paths)?;
            // Only a change that needs an approval asks GitHub for the pull request's reviews.
            if g.status == crate::results::Status::Fail
                && in_pull_request()
                && std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true")
            {
                (given.reviews, given.review_notes) = super::reviews::approvals();
                g = review::run(&cfg, b, &given, &cfg.raw.review.model_paths)?;
            }
            Some(g)
        }
        None => None,
    };
    let progress = ui.progress();
    let mut ctx = RunCtx::default();
    let mut results_gates = run::configured(&cfg, &mut ctx, &progress)?;
    progress.step("threshold history");
    let changes = review::history::threshold_changes(&cfg);
    for g in &mut results_gates {
        g.thresholds.last_changed = changes.get(&g.kind).cloned();
    }
    if let Some(g) = threshold_gate {
        results_gates.push(g);
    } else if !args.approve.is_empty() {
        ui.warn("--approve has no effect without --base (there is no change to approve)");
    }
    progress.finish();
    let fail_on = common::fail_on(args.report.fail_on, Some(&cfg));
    let mut results = common::assemble(
        Origin { command: "check".into(), git_dir: &cfg.dir, config: Some(&cfg) },
        ctx,
        results_gates,
        fail_on,
    )?;
    results.release = super::verify::release_history(&cfg)?;
    let mut report = args.report.clone();
    if report.format.is_empty()
        && let Some(f) = &cfg.raw.report.formats
    {
        report.format = f.clone();
    }
    let default_out = PathBuf::from(cfg.raw.report.out.clone().unwrap_or_else(|| "mlgate-report".into()));
    common::finish(&results, &report, Some(default_out), ui)
}
