//! `mlgate check`: run the configured gates, write the reports, exit with the verdict.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::ReportArgs;
use super::common::{self, Origin, Ui};
use crate::config::{Config, DEFAULT_CONFIG};
use crate::gates::{self, RunCtx};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Configuration file.
    #[arg(long, short, value_name = "FILE", default_value = DEFAULT_CONFIG)]
    pub config: PathBuf,

    #[command(flatten)]
    pub report: ReportArgs,
}

pub fn run(args: CheckArgs, ui: &Ui) -> Result<i32> {
    let cfg = Config::load(&args.config)?;
    let progress = ui.progress();
    let mut ctx = RunCtx::default();
    let mut results_gates = gates::run_configured(&cfg, &mut ctx, &progress)?;
    progress.step("threshold history");
    let schema = cfg.raw.gates.schema.as_ref().map(|s| std::path::PathBuf::from(s.schema.get_ref()));
    let changes = crate::git::threshold_changes(&cfg.path, &cfg.text, schema.as_deref());
    for g in &mut results_gates {
        g.thresholds.last_changed = changes.get(&g.kind).cloned();
    }
    progress.finish();
    let fail_on = common::fail_on(args.report.fail_on, Some(&cfg));
    let results = common::assemble(
        Origin { command: "check".into(), git_dir: &cfg.dir, config: Some(&cfg) },
        ctx,
        results_gates,
        fail_on,
    )?;
    let mut report = args.report.clone();
    if report.format.is_empty()
        && let Some(f) = &cfg.raw.report.formats
    {
        report.format = f.clone();
    }
    let default_out = PathBuf::from(cfg.raw.report.out.clone().unwrap_or_else(|| "mlgate-report".into()));
    common::finish(&results, &report, Some(default_out), ui)
}
