//! `mlgate gate <kind> …`: one gate from flags, no configuration file needed. The flags
//! build the gate's own table (`convert.rs`), which the gate validates like mlgate.toml;
//! then `run/` loads the files the flags name and the gate judges them. Paths are relative
//! to the current folder. Reports are written only with `--out`.

mod convert;
pub mod defs;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Result;

use super::ReportArgs;
use super::common::{self, Origin, Ui};
use crate::diag::Problems;
use crate::gates::GateSpec;
use crate::gates::cfg::Cx;
use crate::gates::columns::Columns;
use crate::run::{FlagResolver, RunCtx};
pub use defs::{GateArgs, GateKind};

pub fn run(args: GateArgs, ui: &Ui) -> Result<i32> {
    let (kind, spec, files, report) = match &args.kind {
        GateKind::Schema(a) => {
            let names = names_for(&a.data);
            let raw = convert::schema(a, &names);
            let mut p = Problems::new(crate::gates::schema::cfg::TABLE);
            let spec = GateSpec::Schema(raw.validate(&Cx::ad_hoc(&Columns::default()), &mut p));
            fail_on_problems(p)?;
            let files = names.iter().cloned().zip(a.data.iter().map(|d| (d.clone(), "--data"))).collect();
            ("schema", spec, files, &a.report)
        }
        GateKind::Drift(a) => {
            let (raw, columns) = convert::drift(a)?;
            let mut p = Problems::new(crate::gates::drift::cfg::TABLE);
            let spec = GateSpec::Drift(raw.validate(&Cx::ad_hoc(&columns), &mut p));
            fail_on_problems(p)?;
            let mut files = vec![
                ("reference".to_string(), (a.reference.clone(), "--reference")),
                ("current".to_string(), (a.current.clone(), "--current")),
            ];
            if let Some(s) = &a.score_reference {
                files.push(("score_reference".into(), (s.clone(), "--score-reference")));
            }
            ("drift", spec, files, &a.report)
        }
        GateKind::Leakage(a) => {
            let (raw, columns) = convert::leakage(a)?;
            let mut p = Problems::new(crate::gates::leakage::cfg::TABLE);
            let spec = GateSpec::Leakage(raw.validate(&Cx::ad_hoc(&columns), &mut p));
            fail_on_problems(p)?;
            let mut files = vec![("train".to_string(), (a.train.clone(), "--train"))];
            if let Some(t) = &a.test {
                files.push(("test".into(), (t.clone(), "--test")));
            }
            ("leakage", spec, files, &a.report)
        }
        GateKind::Slices(a) => {
            let (raw, columns) = convert::slices(a)?;
            let mut p = Problems::new(crate::gates::slices::cfg::TABLE);
            let spec = GateSpec::Slices(raw.validate(&Cx::ad_hoc(&columns), &mut p));
            fail_on_problems(p)?;
            ("slices", spec, vec![("predictions".to_string(), (a.predictions.clone(), "--predictions"))], &a.report)
        }
        GateKind::Baseline(a) => {
            let (raw, columns) = convert::baseline(a)?;
            let mut p = Problems::new(crate::gates::baseline::cfg::TABLE);
            let spec = GateSpec::Baseline(raw.validate(&Cx::ad_hoc(&columns), &mut p));
            fail_on_problems(p)?;
            let mut files = vec![("candidate".to_string(), (a.candidate.clone(), "--candidate"))];
            if a.baseline != crate::gates::baseline::cfg::TRIVIAL {
                files.push(("baseline".into(), (PathBuf::from(&a.baseline), "--baseline")));
            }
            ("baseline", spec, files, &a.report)
        }
    };
    let resolver = FlagResolver {
        files: files
            .into_iter()
            .map(|(name, (path, flag)): (String, (PathBuf, &str))| {
                (name, (path.display().to_string(), flag.to_string()))
            })
            .collect::<BTreeMap<_, _>>(),
        flag: convert::flag_of,
    };
    run_ad_hoc(kind, report, ui, |ctx| crate::run::gate(&spec, &resolver, ctx))
}

/// Problems in the flags are usage errors, all reported at once.
fn fail_on_problems(p: Problems) -> Result<()> {
    if p.is_empty() {
        return Ok(());
    }
    Err(crate::error::user(crate::diag::render_flags(&p.list, &convert::flag_of))
        .hint("fix the flags and run again; nothing was written")
        .into())
}

/// Runs one ad hoc gate under a progress line, then assembles, writes and summarises the
/// results like `check` does.
fn run_ad_hoc(
    kind: &str,
    report: &ReportArgs,
    ui: &Ui,
    run: impl FnOnce(&mut RunCtx) -> Result<Vec<crate::results::GateResult>>,
) -> Result<i32> {
    let mut ctx = RunCtx::default();
    let progress = ui.progress();
    progress.step(&format!("{kind} gate"));
    let gates = run(&mut ctx)?;
    progress.finish();
    let results = common::assemble(
        Origin { command: format!("gate {kind}"), git_dir: Path::new("."), config: None },
        ctx,
        gates,
        common::fail_on(report.fail_on, None),
    )?;
    common::finish(&results, report, None, ui)
}

/// A dataset's logical name for ad hoc runs: its file stem, made unique.
fn names_for(paths: &[PathBuf]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in paths {
        let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or("data").to_string();
        let mut name = stem.clone();
        let mut i = 2;
        while out.contains(&name) {
            name = format!("{stem}-{i}");
            i += 1;
        }
        out.push(name);
    }
    out
}
