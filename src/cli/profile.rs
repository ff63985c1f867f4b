//! `mlgate profile`: a reusable, mergeable reference profile, computed here or, with
//! `--sql`, by the engine that holds the data.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;

use super::common::Ui;
use crate::data::Source;
use crate::profile::Profile;
use crate::warehouse::{Dialect, Quantiles};

#[derive(Debug, Args)]
pub struct ProfileArgs {
    /// Data file to profile (csv, tsv, parquet, jsonl); with --merge, the profiles to merge.
    #[arg(required_unless_present = "sql", value_name = "FILE")]
    pub inputs: Vec<PathBuf>,

    /// Write the profile (or, with --emit-sql, the SQL) here (default: stdout).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Only these columns.
    #[arg(long, value_delimiter = ',', value_name = "A,B,…")]
    pub columns: Option<Vec<String>>,

    /// Merge saved profiles (partitions of one dataset) instead of profiling data.
    #[arg(long, conflicts_with_all = ["sql", "grid", "edges_from"])]
    pub merge: bool,

    /// Overwrite --output if it exists.
    #[arg(long)]
    pub force: bool,

    /// Also count each numeric column over cuts at its exact quantiles (a reference that
    /// profiles of current data, here or in an engine, are counted against).
    #[arg(long, conflicts_with = "edges_from")]
    pub grid: bool,

    /// Count numeric columns over the cuts of this reference profile (written with --grid
    /// or --sql): the current side of a comparison.
    #[arg(long, value_name = "PROFILE")]
    pub edges_from: Option<PathBuf>,

    /// Quantile levels of a reference's cuts: j/LEVELS for j = 1 … LEVELS − 1. The drift
    /// gate's `bins` must divide it.
    #[arg(long, default_value_t = crate::stats::grid::DEFAULT_LEVELS as u16, value_name = "N",
          value_parser = clap::value_parser!(u16).range(2..=1000))]
    pub levels: u16,

    /// Profile the result of this query in the engine instead of a file (see --dialect).
    #[arg(long, value_name = "QUERY", conflicts_with = "grid")]
    pub sql: Option<String>,

    /// The engine's SQL dialect.
    #[arg(long, value_enum, requires = "sql")]
    pub dialect: Option<Dialect>,

    /// The engine's exact percentile function, or its approximate one (cheaper on huge
    /// data). Trino and BigQuery have approximate ones only.
    #[arg(long, value_enum, default_value_t = Quantiles::Exact, requires = "sql")]
    pub quantiles: Quantiles,

    /// Print the SQL of the next pass to run (pass 1, or pass 2 once pass 1's result or a
    /// reference is given) instead of a profile.
    #[arg(long, requires = "sql")]
    pub emit_sql: bool,

    /// The engine's saved answer to pass 1 or pass 2 (JSON array, JSON Lines or CSV with a
    /// header); give both to build the profile.
    #[arg(long, value_name = "FILE", requires = "sql")]
    pub from_result: Vec<PathBuf>,

    /// Connect to PostgreSQL with the connection string in this environment variable and
    /// run both passes (the string is never printed).
    #[arg(long, value_name = "VAR", requires = "sql", conflicts_with_all = ["emit_sql", "from_result"])]
    pub url_env: Option<String>,

    /// The query's numeric columns (without a connection mlgate cannot see its types).
    #[arg(long, value_delimiter = ',', value_name = "A,B,…", requires = "sql")]
    pub numeric: Vec<String>,

    /// The query's categorical columns (text, booleans).
    #[arg(long, value_delimiter = ',', value_name = "A,B,…", requires = "sql")]
    pub categorical: Vec<String>,

    /// Columns only counted (rows, nulls): dates, timestamps.
    #[arg(long, value_delimiter = ',', value_name = "A,B,…", requires = "sql")]
    pub other: Vec<String>,
}

pub fn run(a: ProfileArgs, ui: &Ui) -> Result<i32> {
    crate::output::refuse_overwrite(a.output.as_deref(), a.force)?;
    let reference = match &a.edges_from {
        Some(p) => Some(load_reference(p)?),
        None => None,
    };
    if a.sql.is_some() {
        return super::profile_sql::run(&a, reference.as_ref(), ui);
    }
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
        let cols = a.columns.as_deref();
        match (&reference, a.grid) {
            (Some(r), _) => crate::profile::stream::profile_over(&src, cols, r)?,
            (None, true) => crate::profile::stream::profile_with_grid(&src, cols, a.levels as usize)?,
            (None, false) => crate::profile::stream::profile_source(&src, cols)?,
        }
    };
    progress.finish();
    write_profile(&profile, a.output.as_deref(), ui)
}

/// A reference profile whose numeric columns carry cuts.
pub(super) fn load_reference(path: &Path) -> Result<Profile> {
    let shown = path.display().to_string();
    let p = Profile::load(path, &shown)?;
    if p.profile_version != crate::profile::GRID_PROFILE_VERSION {
        return Err(crate::error::user(format!("{shown} holds no cuts to count against (a plain profile)"))
            .hint("write the reference with `mlgate profile DATA --grid` or `mlgate profile --sql …`")
            .into());
    }
    Ok(p)
}

pub(super) fn write_profile(profile: &Profile, output: Option<&Path>, ui: &Ui) -> Result<i32> {
    let mut text = serde_json::to_string(profile)?;
    text.push('\n');
    match output {
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
