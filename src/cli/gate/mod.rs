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
use crate::gates::{baseline::cfg as baseline, drift::cfg as drift, leakage::cfg as leakage};
use crate::gates::{canary::cfg as canary, schema::cfg as schema, skew::cfg as skew, slices::cfg as slices};
use crate::run::{FlagResolver, RunCtx};
pub use defs::{GateArgs, GateKind};

pub fn run(args: GateArgs, ui: &Ui) -> Result<i32> {
    let (kind, spec, files, report) = match &args.kind {
        GateKind::Schema(a) => {
            let names = names_for(&a.data);
            let raw = convert::schema(a, &names);
            let columns = Columns::default();
            let spec = validated(schema::TABLE, |cx, p| GateSpec::Schema(raw.validate(cx, p)), &columns)?;
            let files = names.iter().cloned().zip(a.data.iter().map(|d| (d.clone(), "--data"))).collect();
            ("schema", spec, files, &a.report)
        }
        GateKind::Drift(a) => {
            let (raw, columns) = convert::drift(a)?;
            let spec = validated(drift::TABLE, |cx, p| GateSpec::Drift(raw.validate(cx, p)), &columns)?;
            let mut files = vec![
                ("reference".to_string(), (a.reference.clone(), "--reference")),
                ("current".to_string(), (a.current.clone(), "--current")),
            ];
            if let Some(s) = &a.score_reference {
                files.push(("score_reference".into(), (s.clone(), "--score-reference")));
            }
            if let Some(l) = &a.labels {
                files.push(("labels".into(), (l.clone(), "--labels")));
            }
            ("drift", spec, files, &a.report)
        }
        GateKind::Leakage(a) => {
            let (raw, columns) = convert::leakage(a)?;
            let spec = validated(leakage::TABLE, |cx, p| GateSpec::Leakage(raw.validate(cx, p)), &columns)?;
            let mut files = vec![("train".to_string(), (a.train.clone(), "--train"))];
            if let Some(t) = &a.test {
                files.push(("test".into(), (t.clone(), "--test")));
            }
            ("leakage", spec, files, &a.report)
        }
        GateKind::Slices(a) => {
            let (raw, columns) = convert::slices(a)?;
            let spec = validated(slices::TABLE, |cx, p| GateSpec::Slices(raw.validate(cx, p)), &columns)?;
            ("slices", spec, vec![("predictions".to_string(), (a.predictions.clone(), "--predictions"))], &a.report)
        }
        GateKind::Skew(a) => {
            let raw = convert::skew(a)?;
            let columns = Columns::default();
            let spec = validated(skew::TABLE, |cx, p| GateSpec::Skew(raw.validate(cx, p)), &columns)?;
            let files = vec![
                ("offline".to_string(), (a.offline.clone(), "--offline")),
                ("online".to_string(), (a.online.clone(), "--online")),
            ];
            ("skew", spec, files, &a.report)
        }
        GateKind::Canary(a) => {
            let raw = convert::canary(a);
            let columns = Columns::default();
            let spec = validated(canary::TABLE, |cx, p| GateSpec::Canary(raw.validate(cx, p)), &columns)?;
            let files = vec![
                ("champion".to_string(), (a.champion.clone(), "--champion")),
                ("candidate".to_string(), (a.candidate.clone(), "--candidate")),
            ];
            ("canary", spec, files, &a.report)
        }
        GateKind::Baseline(a) => {
            let (raw, columns) = convert::baseline(a)?;
            let spec = validated(baseline::TABLE, |cx, p| GateSpec::Baseline(raw.validate(cx, p)), &columns)?;
            let mut files = vec![("candidate".to_string(), (a.candidate.clone(), "--candidate"))];
            if a.baseline != baseline::TRIVIAL {
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

/// Validates a table built from flags like one read from mlgate.toml; problems in the
/// flags are usage errors, all reported at once.
fn validated(
    table: &str,
    validate: impl FnOnce(&Cx<'_>, &mut Problems) -> GateSpec,
    columns: &Columns,
) -> Result<GateSpec> {
    let mut p = Problems::new(table);
    let spec = validate(&Cx::ad_hoc(columns), &mut p);
    if p.is_empty() {
        return Ok(spec);
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
    // A key that cannot sign stops the run before the gate reads any data.
    let mut report = report.clone();
    report.load_key(ui)?;
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
    common::finish(&results, &report, None, ui)
}

/// A dataset's logical name for ad hoc runs: its file stem with anything but letters,
/// digits, `_` and `-` replaced by `_` (at most 48 characters), made unique. The name
/// becomes part of a gate id, so a file name cannot carry markup into a report.
fn names_for(paths: &[PathBuf]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in paths {
        let stem: String = p
            .file_stem()
            .map(|s| s.to_string_lossy())
            .unwrap_or_default()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '_' })
            .take(48)
            .collect();
        let stem = if stem.is_empty() { "data".to_string() } else { stem };
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
