//! Profiling a file in bounded memory: polars' streaming engine hands over record batches,
//! and each column's [`ColumnBuilder`] folds them in as they arrive. Memory depends on the
//! batch size and the number of columns, not on the number of rows (JSON Lines files are
//! the exception: they are read whole, see `data::Source::scan`).

use std::num::NonZeroUsize;
use std::sync::mpsc::sync_channel;

use anyhow::{Context, Result};
use polars::prelude::*;
use rayon::prelude::*;

use super::{ColumnBuilder, PROFILE_VERSION, Profile, ProfileSource};
use crate::data::Source;

/// Rows per batch handed to the builders.
pub const BATCH_ROWS: usize = 256 * 1024;

/// Profiles `src` (only `columns`, when given) in one streaming pass.
pub fn profile_source(src: &Source, columns: Option<&[String]>) -> Result<Profile> {
    let mut lf = src.scan(Some(10_000))?;
    let schema = lf.collect_schema().map_err(|e| src.read_error(e))?;
    let names: Vec<String> = match columns {
        Some(c) => {
            let refs: Vec<&str> = c.iter().map(String::as_str).collect();
            crate::data::require_columns(&schema, &refs, src, "to profile")?;
            c.to_vec()
        }
        None => schema.iter_names().map(|n| n.to_string()).collect(),
    };
    let mut builders: Vec<ColumnBuilder> =
        names.iter().map(|n| ColumnBuilder::new(n, schema.get(n.as_str()).expect("checked above"))).collect();
    let lf = lf.select(names.iter().map(|n| col(n.as_str())).collect::<Vec<_>>());

    let (tx, rx) = sync_channel::<DataFrame>(2);
    let sink = lf
        .sink_batches(
            PlanCallback::new(move |df: DataFrame| {
                // `true` asks polars to stop: the receiver is gone.
                Ok(tx.send(df).is_err())
            }),
            true,
            NonZeroUsize::new(BATCH_ROWS),
        )
        .map_err(|e| src.read_error(e))?;
    let runner = std::thread::spawn(move || sink.collect_with_engine(Engine::Streaming).map(|_| ()));
    // Hash the file for the profile's provenance while it is being read.
    let hasher = {
        let path = src.path.clone();
        std::thread::spawn(move || crate::provenance::sha256_file(&path))
    };
    // polars fills short CSV rows with nulls; check field counts alongside the read.
    let csv_check = matches!(src.format, crate::data::Format::Csv | crate::data::Format::Tsv).then(|| {
        let path = src.path.clone();
        let sep = if src.format == crate::data::Format::Tsv { b'\t' } else { b',' };
        std::thread::spawn(move || crate::data::diagnose::csv_problem(&path, sep))
    });
    let mut failed: Option<anyhow::Error> = None;
    for df in rx {
        if failed.is_some() {
            continue; // drain so the producer can finish
        }
        let cols = df.columns();
        let res: Result<()> =
            builders.par_iter_mut().zip(cols.par_iter()).try_for_each(|(b, c)| b.add(c.as_materialized_series()));
        if let Err(e) = res {
            failed = Some(e);
        }
    }
    let outcome = runner.join().map_err(|_| anyhow::anyhow!("the polars reader thread panicked"))?;
    if let Some(e) = failed {
        return Err(e).context(format!("profiling {}", src.display));
    }
    outcome.map_err(|e| src.read_error(e))?;
    if let Some(Ok(Some(problem))) = csv_check.map(|h| h.join()) {
        return Err(crate::error::user(format!(
            "data file {} ({}) is not valid CSV: {problem}",
            crate::error::quoted(&src.display),
            src.name
        ))
        .hint(format!(
            "every row needs as many fields as the header; was the file truncated? (given in {})",
            src.origin
        ))
        .into());
    }
    let columns: Vec<_> = builders.into_iter().map(ColumnBuilder::finish).collect();
    let rows = columns.first().map(|c| c.rows).unwrap_or(0);
    if rows == 0 {
        return Err(crate::error::user(format!(
            "data file {} ({}) has no data rows",
            crate::error::quoted(&src.display),
            src.name
        ))
        .hint("the file has a header or schema but no records; check the export that wrote it")
        .into());
    }
    Ok(Profile {
        profile_version: PROFILE_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").into(),
        sources: vec![ProfileSource {
            path: src.display.clone(),
            format: src.format.as_str().into(),
            sha256: hasher.join().map_err(|_| anyhow::anyhow!("hashing {} panicked", src.display))??,
            rows,
        }],
        rows,
        columns,
    })
}
