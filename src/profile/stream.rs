//! Profiling a file in bounded memory: polars' streaming engine hands over record batches,
//! and each column's [`ColumnBuilder`] folds them in as they arrive. Memory depends on the
//! batch size and the number of columns, not on the number of rows (JSON Lines files are
//! the exception: they are read whole, see `data::Source::scan`).

use std::num::NonZeroUsize;
use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

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
    Ok(stream_source(src, columns, None, None)?.0)
}

/// Profiles `src` in one streaming pass, counting each numeric column over the cuts of the
/// same column in `reference` (a profile with grids): the current side of a pushed-down
/// comparison, computed here.
pub fn profile_over(src: &Source, columns: Option<&[String]>, reference: &Profile) -> Result<Profile> {
    let mut p = stream_source(src, columns, None, Some(reference))?.0;
    p.profile_version = super::GRID_PROFILE_VERSION;
    Ok(p)
}

/// Profiles `src` with a grid per numeric column at its exact quantiles `j / levels`
/// (values sorted in memory or, when large, on disk in a temporary folder).
pub fn profile_with_grid(src: &Source, columns: Option<&[String]>, levels: usize) -> Result<Profile> {
    let dir = tempfile::Builder::new().prefix("mlgate-grid-").tempdir().map_err(|e| {
        crate::error::user(format!("cannot create a temporary folder to sort values in: {e}"))
            .hint("set TMPDIR to a writable folder with room for 8 bytes per numeric value")
    })?;
    let _removed_if_interrupted = crate::cleanup::register(dir.path());
    let (mut p, kept) = stream_source(src, columns, Some(dir.path()), None)?;
    for (c, values) in p.columns.iter_mut().zip(kept) {
        let (Some(n), Some(v)) = (c.numeric.as_mut(), values) else { continue };
        n.grid = match &v {
            Spilled::Memory(v) => crate::stats::grid::Grid::from_exact(crate::stats::exact::Exact::Slice(v), levels),
            Spilled::File(f) => {
                let g = crate::stats::grid::Grid::from_exact(crate::stats::exact::Exact::Stream(f), levels);
                if let Some(e) = f.error() {
                    return Err(crate::error::user(format!("cannot read back sorted values: {e}"))
                        .hint("the temporary folder must stay readable while mlgate runs; set TMPDIR to another folder")
                        .into());
                }
                g
            }
        };
    }
    // Kept values were capped at the streaming category cap; a saved profile keeps fewer.
    for c in &mut p.columns {
        if let Some(cat) = c.categorical.take() {
            let map = cat.counts.into_iter().collect();
            c.categorical = Some(super::CategoricalProfile::from_map(map, cat.other, cat.capped, super::CATEGORY_CAP));
        }
    }
    p.profile_version = super::GRID_PROFILE_VERSION;
    Ok(p)
}

/// Profiles `src`'s `columns` in one streaming pass and keeps every numeric column's
/// finite values, sorted, in `dir` (see [`super::spill`]): an exact comparison in bounded
/// memory. Categories are tracked up to [`super::STREAM_CATEGORY_CAP`], as an exact read
/// does.
pub fn profile_keeping_values(src: &Source, columns: &[String], dir: &Path) -> Result<(Profile, Vec<Option<Spilled>>)> {
    stream_source(src, Some(columns), Some(dir), None)
}

fn stream_source(
    src: &Source,
    columns: Option<&[String]>,
    keep: Option<&Path>,
    over: Option<&Profile>,
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
            let grid = over.and_then(|r| r.column(n)).and_then(|c| c.numeric.as_ref()).and_then(|x| x.grid.as_ref());
            let b = ColumnBuilder::new(n, schema.get(n.as_str()).expect("checked above")).counting_over(grid);
            match keep {
                Some(dir) => b.keeping_values(dir, &format!("{}-{i}", src.name)),
                None => b,
            }
        })
        .collect();
    let lf = lf.select(names.iter().map(|n| col(n.as_str())).collect::<Vec<_>>());
    let (rx, runner) = start_reading(src, lf, &names, schema.clone())?;
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
/// Large Parquet files are read in row-group chunks ([`parquet_chunks`]), large CSV files in
/// pieces ([`super::csv_pieces`]), so the pages polars maps do not pile up.
fn start_reading(
    src: &Source,
    lf: LazyFrame,
    columns: &[String],
    schema: SchemaRef,
) -> Result<(Receiver<DataFrame>, Reader)> {
    let (tx, rx) = sync_channel::<DataFrame>(2);
    if csv_in_pieces(src) {
        let (src, columns) = (src.clone(), columns.to_vec());
        let runner =
            std::thread::spawn(move || read_csv_pieces(&src, schema, &columns, &tx, super::csv_pieces::PIECE_BYTES));
        return Ok((rx, runner));
    }
    let plans: Vec<LazyFrame> = match parquet_chunks(src)? {
        Some(chunks) => chunks.into_iter().map(|(offset, len)| lf.clone().slice(offset, len)).collect(),
        None => vec![lf],
    };
    let sinks = plans
        .into_iter()
        .map(|plan| sink(plan, tx.clone()))
        .collect::<PolarsResult<Vec<_>>>()
        .map_err(|e| src.read_error(e))?;
    // One scan after another, feeding the same channel.
    let runner = std::thread::spawn(move || {
        sinks.into_iter().try_for_each(|sink| sink.collect_with_engine(Engine::Streaming).map(|_| ()))
    });
    Ok((rx, runner))
}

/// `plan` streamed in batches into `tx`.
fn sink(plan: LazyFrame, tx: SyncSender<DataFrame>) -> PolarsResult<LazyFrame> {
    plan.sink_batches(
        PlanCallback::new(move |df: DataFrame| {
            // `true` asks polars to stop: the receiver is gone.
            Ok(tx.send(df).is_err())
        }),
        true,
        NonZeroUsize::new(BATCH_ROWS),
    )
}

/// Whether `src` is a CSV file large enough to read in pieces (each read with the types
/// inferred from the start of the file, as a whole-file scan reads it).
fn csv_in_pieces(src: &Source) -> bool {
    matches!(src.format, crate::data::Format::Csv | crate::data::Format::Tsv)
        && std::fs::metadata(&src.path).map(|m| m.len()).unwrap_or(0) > 2 * super::csv_pieces::PIECE_BYTES as u64
}

/// Streams a CSV file piece by piece into `tx`, reusing one buffer when polars has let
/// go of it.
fn read_csv_pieces(
    src: &Source,
    schema: SchemaRef,
    columns: &[String],
    tx: &SyncSender<DataFrame>,
    piece_bytes: usize,
) -> PolarsResult<()> {
    /// A piece polars can hold, and give back by dropping every copy.
    struct Piece(Arc<Vec<u8>>);
    impl AsRef<[u8]> for Piece {
        fn as_ref(&self) -> &[u8] {
            &self.0
        }
    }
    let mut pieces = super::csv_pieces::Pieces::open(&src.path, src.separator(), piece_bytes)?;
    let select: Vec<Expr> = columns.iter().map(|n| col(n.as_str())).collect();
    let (mut buf, mut first) = (Vec::new(), true);
    while pieces.next_piece(&mut buf)? {
        let shared = Arc::new(std::mem::take(&mut buf));
        let piece = polars_buffer::Buffer::from_owner(Piece(shared.clone()));
        let plan = src.scan_csv_piece(piece, first, schema.clone())?.select(select.clone());
        sink(plan, tx.clone())?.collect_with_engine(Engine::Streaming)?;
        buf = Arc::try_unwrap(shared).unwrap_or_default();
        first = false;
    }
    Ok(())
}

/// polars fills short CSV rows with nulls; field counts are checked alongside the read.
pub fn start_csv_check(src: &Source) -> Option<std::thread::JoinHandle<Option<String>>> {
    matches!(src.format, crate::data::Format::Csv | crate::data::Format::Tsv).then(|| {
        let path = src.path.clone();
        let sep = if src.format == crate::data::Format::Tsv { b'\t' } else { b',' };
        std::thread::spawn(move || crate::data::diagnose::csv_problem(&path, sep))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A CSV file read in small pieces gives the frame a whole-file scan gives: quoted
    /// separators and newlines, doubled quotes, missing values and a final record without
    /// a newline included.
    #[test]
    fn csv_in_pieces_reads_as_the_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut text = String::from("id,name,x\n");
        for i in 0..500 {
            let name = match i % 4 {
                0 => format!("\"a,{i}\nb\""),
                1 => format!("\"said \"\"{i}\"\"\""),
                2 => String::new(),
                _ => format!("plain{i}"),
            };
            let x = if i % 7 == 0 { String::new() } else { format!("{}", i as f64 / 3.0) };
            text.push_str(&format!("{i},{name},{x}\n"));
        }
        text.push_str("500,last,1.5");
        std::fs::write(dir.path().join("t.csv"), &text).unwrap();
        let src = Source::new("t", "t.csv", dir.path(), "the test").unwrap();
        let mut lf = src.scan(Some(10_000)).unwrap();
        let schema = lf.collect_schema().unwrap();
        let whole = lf.collect().unwrap();
        let columns: Vec<String> = schema.iter_names().map(|n| n.to_string()).collect();
        for piece_bytes in [40, 1000, 1 << 20] {
            let (tx, rx) = sync_channel::<DataFrame>(100_000);
            read_csv_pieces(&src, schema.clone(), &columns, &tx, piece_bytes).unwrap();
            drop(tx);
            let mut got = DataFrame::empty_with_schema(&schema);
            for df in rx {
                got.vstack_mut(&df).unwrap();
            }
            assert!(got.equals_missing(&whole), "pieces of {piece_bytes} bytes:\n{got}\n{whole}");
        }
    }
}
