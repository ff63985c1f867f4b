//! Loading for the drift gate: which columns to compare, whether to compare exactly (all
//! values in memory) or binned (streaming profiles), reading each side, the score's own
//! reference, and the importance file. Then the pure `gates::drift::run` judges.

use std::path::Path;
use std::sync::Arc;

use anyhow::Result;
use rayon::prelude::*;

use super::RunCtx;
use super::resolve::{Resolve, SideSpec};
use crate::error::{quoted, user};
use crate::gates::drift::cfg::{Spec, TABLE};
use crate::gates::drift::column::{ColumnData, NumValues};
use crate::gates::drift::{self, Loaded, Method, Settings, Side};
use crate::profile::Profile;
use crate::profile::spill::{SortedFile, Spilled};
use crate::results::GateResult;

/// Loads both sides of a drift spec and runs the gate.
pub fn run(spec: &Spec, resolve: &dyn Resolve, ctx: &mut RunCtx) -> Result<GateResult> {
    let s = &spec.settings;
    let importance = match &spec.inputs.importance {
        Some(i) => {
            let f = resolve.file(TABLE, "importance", i)?;
            let text = std::fs::read_to_string(&f.path).map_err(|e| {
                user(format!("cannot read importance file {}: {e}", quoted(&f.shown)))
                    .hint(format!("check the path given in {}", f.origin))
            })?;
            let w = drift::importance::parse(&text, &f.shown).map_err(|e| e.context(f.origin.clone()))?;
            ctx.record_file("importance", &f.shown, &f.path, "importance", None)?;
            Some((w, f.shown))
        }
        None => None,
    };
    let reference = resolve.side("reference", &spec.inputs.reference)?;
    let current = resolve.side("current", &spec.inputs.current)?;
    let (reference, current) = super::pushdown::materialize(reference, current, ctx)?;
    let score_reference = match &spec.inputs.score_reference {
        Some(v) => Some(SideSpec::Data(resolve.source("score_reference", v)?)),
        None => None,
    };
    let wanted = select(spec, &reference, &current, score_reference.as_ref(), resolve)?;
    let exact = choose_exact(s, &reference, &current)?;
    // Exact but too large to hold: every value is sorted on disk instead.
    let sort_dir = if exact && !fits(s, &reference, &current) { Some(sort_dir()?) } else { None };
    let _removed_if_interrupted = sort_dir.as_ref().map(|d| crate::cleanup::register(d.path()));
    let reading = match (&sort_dir, exact) {
        (Some(d), _) => Reading::Sorted(d.path()),
        (None, true) => Reading::InMemory,
        (None, false) => Reading::Profiled,
    };
    let mut kept = Vec::new();
    // A side counted over a reference's cuts: the other side, read here, is counted over them too.
    let over = grid_profile(&reference)?.or(grid_profile(&current)?);
    let mut r = load_side(&reference, &wanted, reading, over.as_ref(), ctx, &mut kept)?;
    let c = load_side(&current, &wanted, reading, over.as_ref(), ctx, &mut kept)?;
    if let (Some(sr), Some(sc)) = (&score_reference, &s.selection.score) {
        let l = load_side(sr, std::slice::from_ref(sc), reading, over.as_ref(), ctx, &mut kept)?;
        match l.columns.get(sc) {
            Some(d) => {
                r.columns.insert(sc.clone(), d.clone());
            }
            None => {
                return Err(user(format!("score column {} is not in {}", quoted(sc), sr.name()))
                    .hint("set [columns].score to the column holding the model's output")
                    .into());
            }
        }
    }
    let outcomes = super::drift_labels::load(spec, &reference, &current, score_reference.as_ref(), resolve, ctx)?;
    let loaded = Loaded {
        reference: r,
        current: c,
        wanted,
        exact,
        score_reference: score_reference.as_ref().map(|s| s.name().to_string()),
        importance,
        outcomes,
    };
    let mut result = drift::run(&loaded, s);
    result.inputs.extend(spec.inputs.labels.as_ref().map(|n| n.get_ref().clone()));
    // A pass over sorted values that failed to read ended early: its statistics are wrong.
    if let Some(e) = kept.iter().find_map(|f| f.error()) {
        return Err(user(format!("cannot read back sorted values: {e}"))
            .hint("the temporary folder must stay readable while mlgate runs; set TMPDIR to another folder")
            .into());
    }
    Ok(result)
}

/// How a data file is read.
#[derive(Clone, Copy)]
enum Reading<'a> {
    /// Every value in memory.
    InMemory,
    /// Every value, sorted on disk in this folder (exact, for data over `exact_max_bytes`).
    Sorted(&'a Path),
    /// One streaming pass into a profile.
    Profiled,
}

/// A folder for sorted values, removed when dropped.
fn sort_dir() -> Result<tempfile::TempDir> {
    tempfile::Builder::new().prefix("mlgate-sorted-").tempdir().map_err(|e| {
        user(format!("cannot create a temporary folder for sorting large data: {e}"))
            .hint("set TMPDIR to a writable folder with room for 8 bytes per numeric value, or compare binned (--method binned)")
            .into()
    })
}

/// The columns to compare: the explicit list (each must exist on a side), or every
/// reference column without a role; the score column too when both sides have it.
fn select(
    spec: &Spec,
    reference: &SideSpec,
    current: &SideSpec,
    score_reference: Option<&SideSpec>,
    resolve: &dyn Resolve,
) -> Result<Vec<String>> {
    let sel = &spec.settings.selection;
    let ref_cols = available(reference)?;
    let cur_cols = available(current)?;
    let mut wanted: Vec<String> = match &sel.columns {
        Some(c) => c.clone(),
        None => ref_cols.iter().filter(|c| !sel.exclude.contains(c)).cloned().collect(),
    };
    if let Some(sc) = &sel.score
        && !wanted.contains(sc)
        && (ref_cols.contains(sc) || score_reference.is_some())
        && cur_cols.contains(sc)
    {
        wanted.push(sc.clone());
    }
    if let Some(c) = &sel.columns
        && let Some(unknown) = c.iter().find(|n| !ref_cols.contains(n) && !cur_cols.contains(n))
    {
        let names: Vec<&str> = ref_cols.iter().map(String::as_str).collect();
        let hint = format!(
            "{}reference columns: {}",
            crate::diag::did_you_mean(unknown, names.iter().copied()),
            crate::data::preview_names(&names)
        );
        let message = format!("column {} is in neither {} nor {}", quoted(unknown), reference.name(), current.name());
        return Err(resolve.locate(spec.spans.problem(unknown, (TABLE, "columns"), message, hint)));
    }
    if wanted.is_empty() {
        return Err(user("no columns to compare")
            .hint("the reference has no columns besides the label/entity/timestamp roles; list columns explicitly")
            .into());
    }
    Ok(wanted)
}

/// Exact when both sides are data files that fit `exact_max_bytes`, or when the method or
/// Evidently compatibility asks for it (larger data is then sorted on disk).
fn choose_exact(s: &Settings, reference: &SideSpec, current: &SideSpec) -> Result<bool> {
    let both_data = matches!(reference, SideSpec::Data(_)) && matches!(current, SideSpec::Data(_));
    let exact = match s.method {
        Method::Exact => both_data,
        Method::Binned => false,
        Method::Auto => both_data && (fits(s, reference, current) || s.compare.evidently),
    };
    if s.compare.evidently && !exact {
        return Err(user("Evidently compatibility needs both sides as data files, read exactly")
            .hint("pass data files (not profiles) for reference and current, and do not force --method binned")
            .into());
    }
    if s.method == Method::Exact && !both_data {
        return Err(user("--method exact needs data files on both sides; a profile can only be compared binned")
            .hint("use --method auto or binned with a profile reference")
            .into());
    }
    Ok(exact)
}

/// Whether both files together fit `exact_max_bytes` (read into memory when exact).
fn fits(s: &Settings, reference: &SideSpec, current: &SideSpec) -> bool {
    file_size(reference).saturating_add(file_size(current)) <= s.exact_max_bytes
}

fn available(side: &SideSpec) -> Result<Vec<String>> {
    Ok(match side {
        SideSpec::Data(src) => src.schema()?.iter_names().map(|n| n.to_string()).collect(),
        SideSpec::Profile { path, shown, .. } => {
            Profile::load(path, shown)?.columns.iter().map(|c| c.name.clone()).collect()
        }
        SideSpec::Computed { profile, .. } => profile.columns.iter().map(|c| c.name.clone()).collect(),
        SideSpec::Sql { origin, .. } => return Err(not_profiled(origin)),
    })
}

fn not_profiled(origin: &str) -> anyhow::Error {
    anyhow::anyhow!("{origin}: the query was not profiled before reading")
}

/// The side's profile when it holds counts over cuts (`--grid`, `--edges-from`, `--sql`).
fn grid_profile(side: &SideSpec) -> Result<Option<Profile>> {
    Ok(match side {
        SideSpec::Profile { path, shown, .. } => {
            let p = Profile::load(path, shown)?;
            (p.profile_version == crate::profile::GRID_PROFILE_VERSION).then_some(p)
        }
        SideSpec::Computed { profile, .. } => Some((**profile).clone()),
        SideSpec::Data(_) | SideSpec::Sql { .. } => None,
    })
}

fn load_side(
    side: &SideSpec,
    wanted: &[String],
    reading: Reading,
    over: Option<&Profile>,
    ctx: &mut RunCtx,
    kept: &mut Vec<Arc<SortedFile>>,
) -> Result<Side> {
    let src = match side {
        SideSpec::Profile { name, path, shown } => {
            let p = Profile::load(path, shown)?;
            ctx.record_file(name, shown, path, "profile", Some(p.rows))?;
            return Ok(side_of(name, &p, wanted));
        }
        SideSpec::Computed { name, profile, .. } => return Ok(side_of(name, profile, wanted)),
        SideSpec::Sql { origin, .. } => return Err(not_profiled(origin)),
        SideSpec::Data(src) => src,
    };
    let schema = src.schema()?;
    let present: Vec<String> = wanted.iter().filter(|w| schema.contains(w)).cloned().collect();
    let names: Vec<String> = schema.iter_names().map(|n| n.to_string()).collect();
    let (columns, rows) = match reading {
        Reading::InMemory => read_in_memory(src, &present, ctx)?,
        Reading::Sorted(dir) => {
            let (p, values) = crate::profile::stream::profile_keeping_values(src, &present, dir)?;
            ctx.record_source_digest(src, Some(p.rows), &p.sources[0].sha256);
            let columns = p
                .columns
                .iter()
                .zip(values)
                .map(|(c, v)| (c.name.clone(), with_kept_values(ColumnData::from_profile(c), v, kept)))
                .collect();
            (columns, p.rows)
        }
        Reading::Profiled => {
            let p = match over {
                Some(o) => crate::profile::stream::profile_over(src, Some(&present), o)?,
                None => crate::profile::stream::profile_source(src, Some(&present))?,
            };
            ctx.record_source_digest(src, Some(p.rows), &p.sources[0].sha256);
            (p.columns.iter().map(|c| (c.name.clone(), ColumnData::from_profile(c))).collect(), p.rows)
        }
    };
    Ok(Side { name: src.name.clone(), columns, names, rows })
}

/// A side read from a profile.
fn side_of(name: &str, p: &Profile, wanted: &[String]) -> Side {
    let columns = p
        .columns
        .iter()
        .filter(|c| wanted.contains(&c.name))
        .map(|c| (c.name.clone(), ColumnData::from_profile(c)))
        .collect();
    Side { name: name.to_string(), columns, names: p.columns.iter().map(|c| c.name.clone()).collect(), rows: p.rows }
}

/// A profiled column with its exact values, sorted in memory or on disk.
fn with_kept_values(mut d: ColumnData, values: Option<Spilled>, kept: &mut Vec<Arc<SortedFile>>) -> ColumnData {
    if let (ColumnData::Numeric(n), Some(v)) = (&mut d, values) {
        let profile = match &n.values {
            NumValues::Profile(p) => p.clone(),
            _ => return d,
        };
        n.values = match v {
            Spilled::Memory(v) => NumValues::Sorted(v),
            Spilled::File(f) => {
                let f = Arc::new(f);
                kept.push(f.clone());
                NumValues::Stream(f, profile)
            }
        };
    }
    d
}

/// Reads the columns into memory and sorts each.
fn read_in_memory(
    src: &crate::data::Source,
    present: &[String],
    ctx: &mut RunCtx,
) -> Result<(std::collections::HashMap<String, ColumnData>, u64)> {
    let csv_check = crate::profile::stream::start_csv_check(src);
    ctx.record_source_async(src, None);
    let df = {
        use polars::prelude::*;
        let lf = src.scan(Some(10_000))?.select(present.iter().map(|n| col(n.as_str())).collect::<Vec<_>>());
        lf.collect().map_err(|e| src.read_error(e))?
    };
    if let Some(Ok(Some(p))) = csv_check.map(|h| h.join()) {
        return Err(user(format!("data file {} ({}) is not valid CSV: {p}", quoted(&src.display), src.name))
            .hint(format!("every row needs as many fields as the header (given in {})", src.origin))
            .into());
    }
    let rows = df.height() as u64;
    if rows == 0 {
        return Err(user(format!("data file {} ({}) has no data rows", quoted(&src.display), src.name))
            .hint("an empty sample cannot be compared; check the export that wrote it")
            .into());
    }
    ctx.record_source_async(src, Some(rows));
    // Each polars column is dropped as soon as it is converted, so the next column's sorted
    // copy can reuse its memory instead of fresh pages.
    let cols: Vec<(String, ColumnData)> = df
        .into_columns()
        .into_par_iter()
        .map(|c| {
            let name = c.name().to_string();
            ColumnData::from_series(c.as_materialized_series()).map(|d| (name, d))
        })
        .collect::<Result<_>>()?;
    Ok((cols.into_iter().collect(), rows))
}

fn file_size(side: &SideSpec) -> u64 {
    match side {
        SideSpec::Data(s) => std::fs::metadata(&s.path).map(|m| m.len()).unwrap_or(u64::MAX),
        SideSpec::Profile { .. } | SideSpec::Sql { .. } | SideSpec::Computed { .. } => 0,
    }
}
