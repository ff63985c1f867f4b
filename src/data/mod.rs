//! Reading datasets: CSV, Parquet and JSON Lines through polars, the format taken from the
//! file extension.
//!
//! Every failure here is the user's to fix (exit 2) and names the file, where the data came
//! from (a config key or a flag), and what to do. Scans never expand globs and never read
//! Hive partition columns from the path: a file name is a file name.

pub mod diagnose;
mod header;
pub mod jsonl;
pub mod time;
pub mod types;

use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use polars::prelude::*;

use crate::error::{quoted, user};

/// File formats mlgate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Tsv,
    Parquet,
    JsonLines,
}

impl Format {
    /// The format of a path, from its extension.
    pub fn from_path(path: &Path) -> Result<Format> {
        let ext = path.extension().and_then(|e| e.to_str()).map(|e| e.to_ascii_lowercase());
        match ext.as_deref() {
            Some("csv") => Ok(Format::Csv),
            Some("tsv") | Some("tab") => Ok(Format::Tsv),
            Some("parquet") | Some("pq") => Ok(Format::Parquet),
            Some("jsonl") | Some("ndjson") => Ok(Format::JsonLines),
            Some("json") => Err(user(format!("{}: a .json file is not a supported data format", path.display()))
                .hint(
                    "data must be JSON Lines (one JSON object per line) named .jsonl or .ndjson, \
                 or CSV (.csv, .tsv) or Parquet (.parquet)",
                )
                .into()),
            other => Err(user(format!(
                "{}: cannot tell the data format from the extension {}",
                path.display(),
                other.map(|e| format!("`.{e}`")).unwrap_or_else(|| "(none)".into())
            ))
            .hint("use .csv, .tsv, .parquet, .jsonl or .ndjson")
            .into()),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Tsv => "tsv",
            Format::Parquet => "parquet",
            Format::JsonLines => "jsonl",
        }
    }
}

/// A named tabular input and where its name came from.
#[derive(Debug, Clone)]
pub struct Source {
    /// Logical name: `train`, `current`, `candidate`, or `data` for ad hoc runs.
    pub name: String,
    /// The path as the user wrote it (used in reports: no absolute paths leak).
    pub display: String,
    /// The path resolved against the configuration file's folder.
    pub path: PathBuf,
    pub format: Format,
    /// Where the path was given, e.g. `[data].train in mlgate.toml:4:9` or `--data`.
    pub origin: String,
}

impl Source {
    /// Resolves `given` against `base` and checks that the file exists and is readable.
    pub fn new(name: &str, given: &str, base: &Path, origin: &str) -> Result<Source> {
        let path = base.join(given);
        let format = Format::from_path(&path).map_err(|e| match e.downcast::<crate::error::UserError>() {
            Ok(u) => {
                let hint = format!("{} (given in {origin})", u.hint.clone().unwrap_or_default());
                anyhow::Error::new(u.hint(hint))
            }
            Err(e) => e,
        })?;
        let meta = std::fs::metadata(&path).map_err(|e| {
            let what = if e.kind() == std::io::ErrorKind::NotFound { "not found" } else { "cannot be read" };
            user(format!("data file {} ({name}) {what}: {e}", quoted(given))).hint(format!(
                "check the path given in {origin}; relative paths are resolved from {}",
                display_dir(base)
            ))
        })?;
        if meta.is_dir() {
            return Err(user(format!("{} ({name}) is a folder, not a data file", quoted(given)))
                .hint(format!("point {origin} at a single .csv, .parquet or .jsonl file"))
                .into());
        }
        if meta.len() == 0 {
            return Err(user(format!("data file {} ({name}) is empty (0 bytes)", quoted(given)))
                .hint("regenerate or re-export the file; mlgate cannot judge data it does not have")
                .into());
        }
        Ok(Source { name: name.to_string(), display: given.to_string(), path, format, origin: origin.to_string() })
    }

    fn path_str(&self) -> Result<&str> {
        self.path.to_str().ok_or_else(|| {
            user(format!("path {} is not valid UTF-8", self.path.display()))
                .hint("rename the file or folder to use UTF-8 characters")
                .into()
        })
    }

    /// A lazy scan of the file. Parquet and CSV are scanned natively; JSON Lines is read
    /// through a buffer because polars' NDJSON scan always expands globs in the path.
    pub fn scan(&self, infer_rows: Option<usize>) -> Result<LazyFrame> {
        self.scan_with(infer_rows, &[])
    }

    /// Like [`Source::scan`], reading the named CSV columns with the given types instead of
    /// inferring them (ignored for self-describing formats).
    pub fn scan_with(&self, infer_rows: Option<usize>, overrides: &[(String, DataType)]) -> Result<LazyFrame> {
        let p = self.path_str()?;
        let lf = match self.format {
            Format::Csv | Format::Tsv => {
                self.check_header()?;
                let dtypes = if overrides.is_empty() {
                    None
                } else {
                    let header = self.csv_header()?;
                    let fields: Vec<Field> = overrides
                        .iter()
                        .filter(|(n, _)| header.iter().any(|h| h == n))
                        .map(|(n, t)| Field::new(n.as_str().into(), t.clone()))
                        .collect();
                    (!fields.is_empty()).then(|| Arc::new(Schema::from_iter(fields)))
                };
                LazyCsvReader::new(PlRefPath::new(p))
                    .with_has_header(true)
                    .with_separator(self.separator())
                    .with_infer_schema_length(infer_rows)
                    .with_dtype_overwrite(dtypes)
                    .with_glob(false)
                    .with_raise_if_empty(true)
                    .finish()
            }
            Format::Parquet => {
                let args =
                    ScanArgsParquet { glob: false, hive_options: HiveOptions::new_disabled(), ..Default::default() };
                LazyFrame::scan_parquet(PlRefPath::new(p), args)
            }
            Format::JsonLines => {
                let df = self.read_json_lines(infer_rows)?;
                return Ok(df.lazy());
            }
        };
        lf.map_err(|e| self.read_error(e))
    }

    /// A scan of `piece`, whole records of this CSV file (the first piece starts with the
    /// header), read with the file's `schema` and the same options as [`Source::scan`].
    pub fn scan_csv_piece(
        &self,
        piece: polars_buffer::Buffer<u8>,
        first: bool,
        schema: SchemaRef,
    ) -> PolarsResult<LazyFrame> {
        let sources = ScanSources::Buffers(std::sync::Arc::from([piece]));
        LazyCsvReader::new_with_sources(sources)
            .with_has_header(first)
            .with_separator(self.separator())
            .with_schema(Some(schema))
            .finish()
    }

    /// Refuses a CSV header that names two columns alike (polars would rename one).
    fn check_header(&self) -> Result<()> {
        let Some((name, a, b)) = header::fields(&self.path, self.separator()).as_deref().and_then(header::duplicate)
        else {
            return Ok(());
        };
        Err(user(format!(
            "data file {} ({}) has two columns named {} (columns {a} and {b})",
            quoted(&self.display),
            self.name,
            quoted(&name)
        ))
        .hint("rename one of them in the file's header; mlgate would otherwise judge only one of the two")
        .into())
    }

    /// The field separator of a CSV or TSV file.
    pub fn separator(&self) -> u8 {
        if self.format == Format::Tsv { b'\t' } else { b',' }
    }

    fn read_json_lines(&self, infer_rows: Option<usize>) -> Result<DataFrame> {
        jsonl::check_depth(&self.path, &self.display)?;
        let f = File::open(&self.path).with_context(|| format!("opening {}", self.path.display()))?;
        let df = JsonReader::new(f)
            .with_json_format(JsonFormat::JsonLines)
            .infer_schema_len(infer_rows.and_then(std::num::NonZeroUsize::new))
            .finish()
            .map_err(|e| self.read_error(e))?;
        jsonl::reject_nested(&df, &self.path, &self.display)?;
        Ok(df)
    }

    /// The header fields of a CSV file (read with the same quoting rules as the data).
    fn csv_header(&self) -> Result<Vec<String>> {
        let mut lf = LazyCsvReader::new(PlRefPath::new(self.path_str()?))
            .with_has_header(true)
            .with_separator(self.separator())
            .with_infer_schema_length(Some(0))
            .with_glob(false)
            .finish()
            .map_err(|e| self.read_error(e))?;
        let s = lf.collect_schema().map_err(|e| self.read_error(e))?;
        Ok(s.iter_names().map(|n| n.to_string()).collect())
    }

    /// The column names and types without reading the data (Parquet, CSV header).
    pub fn schema(&self) -> Result<Schema> {
        let mut lf = self.scan(Some(1000))?;
        let s = lf.collect_schema().map_err(|e| self.read_error(e))?;
        Ok((*s).clone())
    }

    /// Reads the whole file into memory.
    ///
    /// CSV types are inferred from the first 10,000 rows; when a later value does not fit
    /// (a word in a column of numbers), the file is read again with types inferred from all
    /// rows, so such a column arrives as text and the schema gate can count the bad values.
    pub fn load(&self) -> Result<DataFrame> {
        self.load_with(&[])
    }

    /// [`Source::load`] with CSV type overrides (see [`Source::scan_with`]).
    pub fn load_with(&self, overrides: &[(String, DataType)]) -> Result<DataFrame> {
        let first = self.scan_with(Some(10_000), overrides)?.collect();
        let df = match first {
            Ok(df) => df,
            Err(e) if matches!(self.format, Format::Csv | Format::Tsv) && is_parse_error(&e) => {
                self.scan_with(None, overrides)?.collect().map_err(|e| self.read_error(e))?
            }
            Err(e) => return Err(self.read_error(e)),
        };
        if matches!(self.format, Format::Csv | Format::Tsv) {
            // polars fills short rows with nulls; a ragged or truncated file is an error.
            let sep = if self.format == Format::Tsv { b'\t' } else { b',' };
            if let Some(problem) = diagnose::csv_problem(&self.path, sep) {
                return Err(user(format!(
                    "data file {} ({}) is not valid CSV: {problem}",
                    quoted(&self.display),
                    self.name
                ))
                .hint(format!(
                    "every row needs as many fields as the header; was the file truncated? (given in {})",
                    self.origin
                ))
                .into());
            }
        }
        if df.height() == 0 {
            return Err(user(format!("data file {} ({}) has no data rows", quoted(&self.display), self.name))
                .hint("the file has a header or schema but no records; check the export that wrote it")
                .into());
        }
        Ok(df)
    }

    /// Turns a polars error into a message that names the file and suggests the fix, using
    /// a small independent reader to find the offending line where polars does not say.
    pub fn read_error(&self, e: PolarsError) -> anyhow::Error {
        let detail = diagnose::locate_problem(&self.path, self.format);
        let (what, hint) = match self.format {
            Format::Csv | Format::Tsv => (
                "is not valid CSV",
                "check the delimiter, the quoting, and that every row has as many fields as the header",
            ),
            Format::Parquet => (
                "is not a readable Parquet file",
                "re-export the file; a Parquet file must end with the PAR1 footer (was it truncated or renamed from another format?)",
            ),
            Format::JsonLines => (
                "is not valid JSON Lines",
                "each line must be one JSON object; a JSON array or pretty-printed JSON is not JSON Lines",
            ),
        };
        let mut msg = format!("data file {} ({}) {what}", quoted(&self.display), self.name);
        if let Some(d) = detail {
            msg.push_str(&format!(": {d}"));
        }
        let polars_msg = first_line(&e.to_string());
        anyhow::Error::msg(format!("polars: {polars_msg}"))
            .context(user(msg).hint(format!("{hint} (given in {})", self.origin)))
    }
}

fn first_line(s: &str) -> String {
    let l = s.lines().next().unwrap_or("").trim();
    l.chars().take(300).collect()
}

fn is_parse_error(e: &PolarsError) -> bool {
    let s = e.to_string();
    s.contains("could not parse") || s.contains("ComputeError")
}

fn display_dir(p: &Path) -> String {
    if p.as_os_str().is_empty() { "the current folder".to_string() } else { format!("{}", p.display()) }
}

/// Checks that each named column exists, with a suggestion for near misses.
pub fn require_columns(schema: &Schema, columns: &[&str], source: &Source, role: &str) -> Result<()> {
    for c in columns {
        if !schema.contains(c) {
            let names: Vec<&str> = schema.iter_names().map(|s| s.as_str()).collect();
            let suggestion = crate::diag::closest(c, names.iter().copied())
                .map(|s| format!("did you mean {}? ", quoted(s)))
                .unwrap_or_default();
            return Err(user(format!(
                "column {} ({role}) is not in {} ({})",
                quoted(c),
                quoted(&source.display),
                source.name
            ))
            .hint(format!("{suggestion}the file has {} columns: {}", names.len(), preview_names(&names)))
            .into());
        }
    }
    Ok(())
}

/// A short, quoted list of names for messages.
pub fn preview_names(names: &[&str]) -> String {
    let mut s: Vec<String> = names.iter().take(12).map(|n| quoted(n)).collect();
    if names.len() > 12 {
        s.push(format!("… and {} more", names.len() - 12));
    }
    s.join(", ")
}

/// A column name that does not collide with any column in `schema`.
pub fn fresh_name(schema: &Schema, base: &str) -> String {
    let mut name = base.to_string();
    while schema.contains(&name) {
        name.push('_');
    }
    name
}
