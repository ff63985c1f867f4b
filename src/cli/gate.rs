//! `mlgate gate <kind> …`: one gate from flags, no configuration file needed.
//! Paths are relative to the current folder. Reports are written only with `--out`.

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::{Args, Subcommand};

use super::ReportArgs;
use super::common::{self, Origin, Ui};
use crate::data::Source;
use crate::gates::{RunCtx, SchemaInputs};

#[derive(Debug, Args)]
pub struct GateArgs {
    #[command(subcommand)]
    pub kind: GateKind,
}

#[derive(Debug, Subcommand)]
pub enum GateKind {
    /// Check datasets against a schema file.
    ///
    /// Example: mlgate gate schema --schema schema.json --data data/serving.jsonl
    Schema(SchemaGateArgs),
}

#[derive(Debug, Args)]
pub struct SchemaGateArgs {
    /// Schema file (JSON); `mlgate schema infer` writes one.
    #[arg(long, value_name = "FILE")]
    pub schema: PathBuf,

    /// Dataset(s) to check (csv, tsv, parquet, jsonl); repeat for several.
    #[arg(long, value_name = "FILE", required = true)]
    pub data: Vec<PathBuf>,

    /// JSON Schema every record of JSON Lines data must satisfy.
    #[arg(long, value_name = "FILE")]
    pub json_schema: Option<PathBuf>,

    #[command(flatten)]
    pub report: ReportArgs,
}

pub fn run(args: GateArgs, ui: &Ui) -> Result<i32> {
    match args.kind {
        GateKind::Schema(a) => schema(a, ui),
    }
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

fn schema(a: SchemaGateArgs, ui: &Ui) -> Result<i32> {
    let mut ctx = RunCtx::default();
    let shown = a.schema.display().to_string();
    let js = a.json_schema.as_ref().map(|p| (p.as_path(), p.to_str().unwrap_or("json schema")));
    let inputs = SchemaInputs::load(&a.schema, &shown, js, &mut ctx)?;
    let mut gates = Vec::new();
    for (path, name) in a.data.iter().zip(names_for(&a.data)) {
        let src = Source::new(&name, &path.display().to_string(), Path::new(""), "--data")?;
        gates.push(inputs.check(&src, &mut ctx)?);
    }
    let results = common::assemble(
        Origin { command: "gate schema".into(), git_dir: Path::new("."), config: None },
        ctx,
        gates,
        common::fail_on(a.report.fail_on, None),
    )?;
    common::finish(&results, &a.report, None, ui)
}
