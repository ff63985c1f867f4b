//! `mlgate schema infer`: propose a schema from data.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Args, Subcommand};

use super::common::Ui;
use crate::data::Source;
use crate::gates::schema::infer::{InferOptions, infer};

#[derive(Debug, Args)]
pub struct SchemaArgs {
    #[command(subcommand)]
    pub cmd: SchemaCmd,
}

#[derive(Debug, Subcommand)]
pub enum SchemaCmd {
    /// Propose a schema from data: types, observed ranges with a margin, categories when
    /// cardinality is low, null rates, unique ids and their shape.
    #[command(after_long_help = "\
Infer from the training set, review, commit, then check other sets against it:
  mlgate schema infer data/train.csv -o schema.json
  mlgate gate schema --schema schema.json --data data/test.csv")]
    Infer(InferArgs),
}

#[derive(Debug, Args)]
pub struct InferArgs {
    /// Data file (csv, tsv, parquet, jsonl).
    pub data: PathBuf,

    /// Write the schema here instead of stdout (refuses to overwrite without --force).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Overwrite --output if it exists.
    #[arg(long)]
    pub force: bool,

    /// Widen observed numeric ranges by this share of (max − min) on each side.
    #[arg(long, default_value_t = InferOptions::default().range_margin, value_name = "SHARE")]
    pub range_margin: f64,

    /// Text columns with at most this many distinct values get a categories list.
    #[arg(long, default_value_t = InferOptions::default().max_categories, value_name = "N")]
    pub max_categories: usize,

    /// Mark the schema strict: columns not listed fail the gate.
    #[arg(long)]
    pub strict: bool,
}

pub fn run(a: SchemaArgs, _ui: &Ui) -> Result<i32> {
    match a.cmd {
        SchemaCmd::Infer(i) => run_infer(i),
    }
}

fn run_infer(a: InferArgs) -> Result<i32> {
    if !(a.range_margin.is_finite() && a.range_margin >= 0.0) {
        return Err(
            crate::error::user(format!("--range-margin {} must be a non-negative number", a.range_margin)).into()
        );
    }
    crate::output::refuse_overwrite(a.output.as_deref(), a.force)?;
    let shown = a.data.display().to_string();
    let src = Source::new("data", &shown, Path::new(""), "the DATA argument")?;
    let df = src.load()?;
    let opts = InferOptions { range_margin: a.range_margin, max_categories: a.max_categories, strict: a.strict };
    let description = format!(
        "Inferred by mlgate {} from {} ({} rows). Review every entry before committing.",
        env!("CARGO_PKG_VERSION"),
        shown,
        df.height()
    );
    let schema = infer(&df, &opts, description)?;
    let mut text = serde_json::to_string_pretty(&schema)?;
    text.push('\n');
    match &a.output {
        Some(o) => {
            crate::output::write_atomic(o, text.as_bytes())?;
            eprintln_safe(&format!("wrote {} ({} columns)", o.display(), schema.columns.len()));
        }
        None => std::io::stdout().lock().write_all(text.as_bytes()).context("writing to stdout")?,
    }
    Ok(crate::exit::SUCCESS)
}

fn eprintln_safe(s: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{s}");
}
