//! `mlgate profile`: a reusable, mergeable reference profile.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;

use super::common::Ui;
use crate::data::Source;
use crate::profile::Profile;

#[derive(Debug, Args)]
pub struct ProfileArgs {
    /// Data file to profile (csv, tsv, parquet, jsonl); with --merge, the profiles to merge.
    #[arg(required = true, value_name = "FILE")]
    pub inputs: Vec<PathBuf>,

    /// Write the profile here (default: stdout).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Only these columns.
    #[arg(long, value_delimiter = ',', value_name = "A,B,…")]
    pub columns: Option<Vec<String>>,

    /// Merge saved profiles (partitions of one dataset) instead of profiling data.
    #[arg(long)]
    pub merge: bool,

    /// Overwrite --output if it exists.
    #[arg(long)]
    pub force: bool,
}

pub fn run(a: ProfileArgs, ui: &Ui) -> Result<i32> {
    crate::output::refuse_overwrite(a.output.as_deref(), a.force)?;
    let progress = ui.progress();
    let profile = if a.merge {
        let mut it = a.inputs.iter();
        let first = it.next().expect("clap requires one input");
        let mut p = Profile::load(first, &first.display().to_string())?;
        for other in it {
            progress.step(&format!("merging {}", other.display()));
            let q = Profile::load(other, &other.display().to_string())?;
            p.merge(&q).with_context(|| format!("merging {}", other.display()))?;
        }
        p
    } else {
        if a.inputs.len() != 1 {
            return Err(crate::error::user("profile one data file at a time")
                .hint("profile partitions separately, then combine them with `mlgate profile --merge a.json b.json -o all.json`")
                .into());
        }
        let given = a.inputs[0].display().to_string();
        let src = Source::new("data", &given, Path::new(""), "the FILE argument")?;
        progress.step(&format!("profiling {given}"));
        crate::profile::stream::profile_source(&src, a.columns.as_deref())?
    };
    progress.finish();
    let mut text = serde_json::to_string(&profile)?;
    text.push('\n');
    match &a.output {
        Some(o) => {
            crate::output::write_atomic(o, text.as_bytes())?;
            if !ui.quiet {
                writeln!(
                    std::io::stdout().lock(),
                    "wrote {} ({} rows, {} columns, {} bytes)",
                    o.display(),
                    crate::text::int(profile.rows),
                    profile.columns.len(),
                    crate::text::int(text.len() as u64)
                )?;
            }
        }
        None => std::io::stdout().lock().write_all(text.as_bytes()).context("writing to stdout")?,
    }
    Ok(crate::exit::SUCCESS)
}
