//! Profiling a file in bounded memory: polars' streaming engine hands over record batches,
//! and each column's [`ColumnBuilder`] folds them in as they arrive. Memory depends on the
//! batch size and the number of columns, not on the number of rows (JSON Lines files are
//! the exception: they are read whole, see `data::Source::scan`).

use std::num::NonZeroUsize;
use std::path::Path;
use std::sync::mpsc::{Receiver, sync_channel};

use anyhow::{Context, Result};
use polars::prelude::*;
use rayon::prelude::*;

use super::spill::Spilled;
use super::{ColumnBuilder, PROFILE_VERSION, Profile, ProfileSource};
use crate::data::Source;

/// Rows per batch handed to the builders.
pub const BATCH_ROWS: usize = 256 * 1024;

/// Compressed bytes of Parquet row groups each scan reads (see [`parquet_chunks`]).
const PARQUET_CHUNK_BYTES: usize = 64 << 20;

/// A large Parquet file is read in several scans of whole row groups, about
/// [`PARQUET_CHUNK_BYTES`] each, one after another. polars memory-maps the file it scans,
/// and every page it has read stays in the process's resident memory until the scan ends:
/// one scan of a 1.2 GiB file held 1.2 GiB resident by its end. Scans of a few row groups
/// each keep that to about one chunk. `None` for other formats and files of one chunk.
fn parquet_chunks(src: &Source) -> Result<Option<Vec<(i64, IdxSize)>>> {
    if src.format != crate::data::Format::Parquet {
        return Ok(None);
    }
    let file = std::fs::File::open(&src.path).with_context(|| format!("opening {}", src.display))?;
    let mut reader = ParquetReader::new(file);
    let metadata = reader.get_metadata().map_err(|e| src.read_error(e))?;
    let mut chunks: Vec<(i64, IdxSize)> = Vec::new();
    let (mut start, mut rows, mut bytes) = (0usize, 0usize, 0usize);
    for rg in &metadata.row_groups {
        rows += rg.num_rows();
        bytes += rg.compressed_size();
        if bytes >= PARQUET_CHUNK_BYTES {
            chunks.push((start as i64, (rows - start) as IdxSize));
            (start, bytes) = (rows, 0);
        }
    }
    if rows > start {
        chunks.push((start as i64, (rows - start) as IdxSize));
    }
    Ok((chunks.len() > 1).then_some(chunks))
}

/// Profiles `src` (only `columns`, when given) in one streaming pass.
pub fn profile_source(src: &Source, columns: Option<&[String]>) -> Result<Profile> {
    Ok(stream_source(src, columns, None)?.0)
}

/// Profiles `src`'s `columns` in one streaming pass and keeps every numeric column's
/// finite values, sorted, in `dir` (see [`super::spill`]): an exact comparison in bounded
/// memory. Categories are tracked up to [`super::STREAM_CATEGORY_CAP`], as an exact read
/// does.
pub fn profile_keeping_values(src: &Source, columns: &[String], dir: &Path) -> Result<(Profile, Vec<Option<Spilled>>)> {
    stream_source(src, Some(columns), Some(dir))
}

fn stream_source(
    src: &Source,
    columns: Option<&[String]>,
    keep: Option<&Path>,
) -> Result<(Profile, Vec<Option<Spilled>>)> {
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
    let mut builders: Vec<ColumnBuilder> = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let b = ColumnBuilder::new(n, schema.get(n.as_str()).expect("checked above"));
            match keep {
                Some(dir) => b.keeping_values(dir, &format!("{}-{i}", src.name)),
                None => b,
            }
        })
        .collect();
    let lf = lf.select(names.iter().map(|n| col(n.as_str())).collect::<Vec<_>>());
    let (rx, runner) = start_reading(src, lf)?;
    // Hash the file for the profile's provenance while it is being read.
    let hasher = {
        let path = src.path.clone();
        std::thread::spawn(move || crate::provenance::sha256_file(&path))
    };
    let csv_check = start_csv_check(src);
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
    let (columns, kept): (Vec<_>, Vec<_>) = if keep.is_some() {
        builders.into_par_iter().map(ColumnBuilder::finish_keeping).collect::<Result<Vec<_>>>()?.into_iter().unzip()
    } else {
        builders.into_iter().map(|b| (b.finish(), None)).unzip()
    };
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
    let profile = Profile {
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
    };
    Ok((profile, kept))
}

type Reader = std::thread::JoinHandle<PolarsResult<()>>;

/// Starts polars' streaming read of `lf` on its own thread; batches arrive on the channel.
fn start_reading(src: &Source, lf: LazyFrame) -> Result<(Receiver<DataFrame>, Reader)> {
    let plans: Vec<LazyFrame> = match parquet_chunks(src)? {
        Some(chunks) => chunks.into_iter().map(|(offset, len)| lf.clone().slice(offset, len)).collect(),
        None => vec![lf],
    };
    let (tx, rx) = sync_channel::<DataFrame>(2);
    let sinks = plans
        .into_iter()
        .map(|plan| {
            let tx = tx.clone();
            plan.sink_batches(
                PlanCallback::new(move |df: DataFrame| {
                    // `true` asks polars to stop: the receiver is gone.
                    Ok(tx.send(df).is_err())
                }),
                true,
                NonZeroUsize::new(BATCH_ROWS),
            )
        })
        .collect::<PolarsResult<Vec<_>>>()
        .map_err(|e| src.read_error(e))?;
    // One scan after another, feeding the same channel.
    let runner = std::thread::spawn(move || {
        sinks.into_iter().try_for_each(|sink| sink.collect_with_engine(Engine::Streaming).map(|_| ()))
    });
    Ok((rx, runner))
}

/// polars fills short CSV rows with nulls; field counts are checked alongside the read.
pub fn start_csv_check(src: &Source) -> Option<std::thread::JoinHandle<Option<String>>> {
    matches!(src.format, crate::data::Format::Csv | crate::data::Format::Tsv).then(|| {
        let path = src.path.clone();
        let sep = if src.format == crate::data::Format::Tsv { b'\t' } else { b',' };
        std::thread::spawn(move || crate::data::diagnose::csv_problem(&path, sep))
    })
}
