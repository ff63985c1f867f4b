//! `mlgate profile --sql`: the engine computes the profile; mlgate prints its SQL, reads
//! its saved answers, or (PostgreSQL) connects and runs both passes.

use std::io::Write;

use anyhow::{Context, Result};

use super::common::Ui;
use super::profile::{ProfileArgs, write_profile};
use crate::error::{quoted, user};
use crate::profile::Profile;
use crate::warehouse::result::{self, Row};
use crate::warehouse::{Dialect, Job, postgres};

pub fn run(a: &ProfileArgs, reference: Option<&Profile>, ui: &Ui) -> Result<i32> {
    let query = a.sql.clone().expect("caller checked");
    if query.trim().is_empty() {
        return Err(user("--sql is empty")
            .hint("pass the query whose result to profile, e.g. --sql \"SELECT * FROM train\"")
            .into());
    }
    let dialect = a.dialect.ok_or_else(|| {
        user("--sql needs --dialect").hint("one of postgres, duckdb, spark, trino, bigquery, snowflake")
    })?;
    if !a.inputs.is_empty() {
        return Err(user("--sql profiles a query, not files").hint("drop the FILE arguments, or drop --sql").into());
    }
    let mut job = Job {
        dialect,
        query,
        columns: crate::warehouse::declared(&a.numeric, &a.categorical, &a.other),
        levels: a.levels as usize,
        quantiles: a.quantiles,
        reference,
    };
    check_declared(&job, a)?;
    if let Some(var) = &a.url_env {
        if dialect != Dialect::Postgres {
            return Err(user(format!("mlgate connects to PostgreSQL only, not {}", dialect.name()))
                .hint("for other engines run the SQL of --emit-sql there and pass its results with --from-result")
                .into());
        }
        let target = postgres::Target::from_env(var)?;
        let progress = ui.progress();
        progress.step("profiling in PostgreSQL (two scans)");
        let profile = postgres::profile(&target, &mut job, a.columns.as_deref())?;
        progress.finish();
        return write_profile(&profile, a.output.as_deref(), ui);
    }
    if job.columns.is_empty() {
        return Err(user("without a connection mlgate cannot see the query's columns")
            .hint("declare them: --numeric a,b --categorical c (--other for dates); or connect with --url-env VAR (PostgreSQL)")
            .into());
    }
    let (pass1, pass2) = read_results(&a.from_result)?;
    if pass1.is_some() && !job.needs_pass1() {
        return Err(user("a pass-1 result was given, but this profile has no pass 1")
            .hint(if reference.is_some() {
                "with --edges-from, the reference's cuts replace pass 1"
            } else {
                "pass 1 is for numeric columns only"
            })
            .into());
    }
    if a.emit_sql {
        let sql = if job.needs_pass1() && pass1.is_none() {
            job.pass1_sql()
        } else {
            let cuts = job.cuts(pass1.as_ref().map(|(r, _)| r.as_slice()), &shown(&pass1))?;
            job.pass2_sql(&cuts)
        };
        return emit(&sql, a.output.as_deref());
    }
    if job.needs_pass1() && pass1.is_none() {
        return Err(user("no pass-1 result to build the reference profile from")
            .hint("run the SQL of `--emit-sql` in the engine, save the answer, and pass it with --from-result; then the same for pass 2")
            .into());
    }
    let Some((rows2, shown2)) = pass2 else {
        return Err(user("no pass-2 result to build the profile from")
            .hint("print pass 2's SQL with --emit-sql (and pass 1's result, or --edges-from), run it, and pass its answer with --from-result")
            .into());
    };
    let cuts = job.cuts(pass1.as_ref().map(|(r, _)| r.as_slice()), &shown(&pass1))?;
    let profile = job.profile(&cuts, &rows2, &shown2)?;
    write_profile(&profile, a.output.as_deref(), ui)
}

fn shown(p: &Option<(Vec<Row>, String)>) -> String {
    p.as_ref().map(|(_, s)| s.clone()).unwrap_or_default()
}

/// Declared columns: no name twice; a reference must know every numeric one.
fn check_declared(job: &Job, a: &ProfileArgs) -> Result<()> {
    let mut seen = std::collections::BTreeSet::new();
    for c in &job.columns {
        if !seen.insert(c.name.as_str()) {
            return Err(user(format!("column {} is declared twice", quoted(&c.name)))
                .hint("name each column once across --numeric, --categorical and --other")
                .into());
        }
    }
    if a.columns.is_some() && a.url_env.is_none() {
        return Err(user(
            "--columns picks from a file's or a connection's columns; with --sql and no connection, declare them",
        )
        .hint("use --numeric / --categorical / --other")
        .into());
    }
    if let Some(r) = job.reference {
        for c in job.columns.iter().filter(|c| c.kind == crate::profile::ColumnKind::Numeric) {
            if r.column(&c.name).is_none() {
                return Err(user(format!("numeric column {} is not in the reference profile", quoted(&c.name)))
                    .hint("profile the same columns as the reference")
                    .into());
            }
        }
    }
    Ok(())
}

/// Result files, sorted into pass 1 and pass 2 by their columns.
type Answer = Option<(Vec<Row>, String)>;

fn read_results(files: &[std::path::PathBuf]) -> Result<(Answer, Answer)> {
    let (mut p1, mut p2): (Answer, Answer) = (None, None);
    for f in files {
        let shown = f.display().to_string();
        let rows = result::read_file(f, &shown)?;
        if rows.is_empty() {
            return Err(user(format!("{} holds no rows: the engine's answer was empty", quoted(&shown)))
                .hint("a profile query always answers with rows; an empty source makes pass 1 count 0 rows, so check the file was saved whole")
                .into());
        }
        let slot = match result::pass_of(&rows) {
            Some(1) => &mut p1,
            Some(_) => &mut p2,
            None => {
                return Err(user(format!("{} is not the answer to a profile query", quoted(&shown)))
                    .hint("pass 1 answers with a column mlgate_rows, pass 2 with column_index and bin; save the whole result with its column names")
                    .into());
            }
        };
        if slot.is_some() {
            return Err(user(format!("two results of the same pass (the second: {})", quoted(&shown))).into());
        }
        *slot = Some((rows, shown));
    }
    Ok((p1, p2))
}

fn emit(sql: &str, output: Option<&std::path::Path>) -> Result<i32> {
    match output {
        Some(o) => crate::output::write_atomic(o, sql.as_bytes())?,
        None => std::io::stdout().lock().write_all(sql.as_bytes()).context("writing to stdout")?,
    }
    Ok(crate::exit::SUCCESS)
}
